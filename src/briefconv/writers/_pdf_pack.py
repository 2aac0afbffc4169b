"""The PDF writer's briefing pack: cover, "In this pack" with page numbers, running headers.

A pack is laid out once, like a single handout (PITFALLS 7). What only the end of layout
knows, the page count in "Page X of Y" and the page each article starts on in the
contents, is drawn as PDF forms that are defined after the last page
(:class:`FinishingCanvas`): each footer is a form of its own, drawn when the count is
known; each contents line draws a form at its right end for its number and dot leaders
(:class:`ContentsNumbers`). The contents lay their titles out in a width that leaves room
for any four-digit number, so nothing laid out depends on the numbers.

Every page but the cover carries a running header (pack title, current section) and a
footer ("Page X of Y"); every page, the cover included, carries the classification
marking at its top and bottom edges. The current section is tracked with
:class:`SectionBreak` page breaks read in ``afterFlowable``.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, assert_never

from reportlab.lib.colors import HexColor
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfdoc import PDFDate, PDFDictionary, PDFInfo, PDFName, PDFString
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    Frame,
    Image,
    KeepTogether,
    NextPageTemplate,
    PageTemplate,
    Paragraph,
    Spacer,
)
from reportlab.platypus.flowables import HRFlowable

from briefconv.fonts.metrics import Face, FontSet, report_missing_glyphs
from briefconv.model import Pack
from briefconv.styles import Align, Style
from briefconv.wording import cover_text, entry_details, labels
from briefconv.writers._dates import pack_datetime
from briefconv.writers._pdf_flowables import (
    LEADER_MARK,
    BottomBlock,
    ContentsLine,
    ContentsNumbers,
    FinishingCanvas,
    HeadingParagraph,
    OutlineEntry,
    SectionBreak,
    define_form,
    number_reserve,
)
from briefconv.writers._runs import Run
from briefconv.writers.options import PdfOptions
from briefconv.writers.pdf import (
    _Document,
    _hyphenator,
    _identity,
    _markup,
    _paragraph_style,
    _plain,
    _StoryBuilder,
    _warn_problems,
    _warn_unsafe_links,
)

__all__ = ["write_pack"]

#: Outline key of the contents page; article keys start with "a<digit>", so never clash.
_CONTENTS_KEY = "contents"
#: Space kept clear at the paper's edge (about 5 mm): many printers cannot print there.
_EDGE = 14.0
_ELLIPSIS = "…"
#: Smallest type a long classification marking shrinks to before it is cut.
_MIN_MARKING_SIZE = 6.0

_log = logging.getLogger("briefconv")


def write_pack(pack: Pack, style: Style) -> bytes:
    """Render ``pack`` (with cover and contents) in ``style``; return the PDF bytes."""
    fonts = FontSet(style)
    enabled = PdfOptions.of(style).hyphenate
    hyphenators: dict[str, Callable[[str], str]] = {}

    def hyphenator(language: str) -> Callable[[str], str]:
        if language not in hyphenators:
            hyphenators[language] = _hyphenator(language, enabled)
        return hyphenators[language]

    builder = _PackStory(pack, style, fonts, hyphenator)
    story = builder.build()
    chrome = _Chrome(pack, style, fonts)
    report_missing_glyphs([*builder.texts, *chrome.texts()])
    _warn_unsafe_links(builder.unsafe_links)
    _warn_problems(builder.problems)
    return _render(pack, style, chrome, story, builder.numbers)


# --- page furniture: marking, running header, footer -------------------------------------


@dataclass(frozen=True, slots=True)
class _Geometry:
    """Where the frame and the page furniture go; y values from the page's bottom edge."""

    frame_top: float
    frame_bottom: float
    marking_top: float  # baselines from here down
    header: float
    header_rule: float
    footer: float
    marking_bottom: float


def _geometry(style: Style, marked: bool) -> _Geometry:
    """Fit marking, header and footer into the margins, shrinking the frame if they crowd.

    The header sits just above the frame under a thin rule and the footer just below it;
    the markings sit at the paper's edges (PDF text is drawn on its baseline: about 0.75
    of the size above it, 0.25 below).
    """
    page = style.page
    ms = style.role("marking").size
    hs = style.role("header").size
    fs = style.role("footer").size
    frame_top = page.height - page.margin_top
    frame_bottom = page.margin_bottom
    marking_top = page.height - _EDGE - 0.75 * ms
    marking_bottom = _EDGE + 0.25 * ms

    rule_gap = max(8.0, 0.8 * hs)
    header_room = marking_top - 0.25 * ms - 4.0 if marked else page.height - _EDGE
    header_top = frame_top + rule_gap + 0.3 * hs + 2.0 + 0.75 * hs
    frame_top -= max(0.0, header_top - header_room)
    header_rule = frame_top + rule_gap
    header = header_rule + 0.3 * hs + 2.0

    footer_gap = max(10.0, 1.2 * fs)
    footer_room = marking_bottom + 0.75 * ms + 4.0 if marked else _EDGE
    footer_bottom = frame_bottom - footer_gap - 0.75 * fs - 0.25 * fs
    frame_bottom += max(0.0, footer_room - footer_bottom)
    footer = frame_bottom - footer_gap - 0.75 * fs
    return _Geometry(
        frame_top, frame_bottom, marking_top, header, header_rule, footer, marking_bottom
    )


def _fit(text: str, font_name: str, size: float, width: float) -> str:
    """``text``, cut with an ellipsis if wider than ``width`` points."""
    if stringWidth(text, font_name, size) <= width:
        return text
    while text and stringWidth(text + _ELLIPSIS, font_name, size) > width:
        text = text[:-1]
    return text.rstrip() + _ELLIPSIS


def _draw_aligned(canv: Any, text: str, align: Align, y: float, left: float, right: float) -> None:
    match align:
        case "left" | "justify":
            canv.drawString(left, y, text)
        case "center":
            canv.drawCentredString((left + right) / 2, y, text)
        case "right":
            canv.drawRightString(right, y, text)
        case _:
            assert_never(align)


class _Chrome:
    """Draws what every page carries around its frame; knows every text it draws."""

    def __init__(self, pack: Pack, style: Style, fonts: FontSet) -> None:
        self.style = style
        self.words = labels(pack.meta.language)
        self.title = _plain(pack.meta.title)
        self.marking = _plain(pack.meta.classification or "") or None
        self.geometry = _geometry(style, self.marking is not None)
        self.marking_face = fonts.face(style.role("marking"))
        self.header_face = fonts.face(style.role("header"))
        self.footer_face = fonts.face(style.role("footer"))
        self.marking_size = style.role("marking").size
        if self.marking is not None:
            self.marking, self.marking_size = self._fit_marking(self.marking)

    def _fit_marking(self, text: str) -> tuple[str, float]:
        """The marking and its size: smaller type if needed to stay on the page, else cut."""
        page = self.style.page
        width = page.width - page.margin_left - page.margin_right
        size = self.style.role("marking").size
        natural = stringWidth(text, self.marking_face.font_name, size)
        if natural <= width:
            return text, size
        size = max(size * width / natural, _MIN_MARKING_SIZE)
        fitted = _fit(text, self.marking_face.font_name, size, width)
        if fitted != text:
            _log.warning(
                "PDF: the classification marking is too long for one line and is cut on "
                "every page to %r (the full text is in the metadata)",
                fitted,
            )
        return fitted, size

    def texts(self) -> list[tuple[str, Face]]:
        """Every fixed text the furniture draws, with its face, for the glyph check."""
        out = [
            (self.title, self.header_face),
            (self.words.in_this_pack, self.header_face),
            (_ELLIPSIS, self.header_face),
            (self.words.page_of.format(page=1234567890, pages=0), self.footer_face),
        ]
        if self.marking:
            out.append((self.marking, self.marking_face))
        return out

    def _marking(self, canv: Any, y: float) -> None:
        if self.marking is None:
            return
        role = self.style.role("marking")
        page = self.style.page
        canv.saveState()
        canv.setFont(self.marking_face.font_name, self.marking_size)
        canv.setFillColor(HexColor(role.color))
        _draw_aligned(
            canv, self.marking, role.align, y, page.margin_left, page.width - page.margin_right
        )
        canv.restoreState()

    def cover_begin(self, canv: Any, doc: Any) -> None:
        """The cover's top marking (the cover has no header or footer)."""
        self._marking(canv, self.geometry.marking_top)

    def cover_end(self, canv: Any, doc: Any) -> None:
        """The cover's bottom marking."""
        doc.page_count = doc.page
        self._marking(canv, self.geometry.marking_bottom)

    def page_begin(self, canv: Any, doc: Any) -> None:
        """Top marking, then the header: pack title left, current section right."""
        self._marking(canv, self.geometry.marking_top)
        role = self.style.role("header")
        page = self.style.page
        face = self.header_face.font_name
        left, right = page.margin_left, page.width - page.margin_right
        width = right - left
        gap = role.size * 2
        title = _fit(self.title, face, role.size, width * 0.55)
        title_width = stringWidth(title, face, role.size)
        section = _fit(_plain(doc.section), face, role.size, width - title_width - gap)
        canv.saveState()
        canv.setFont(face, role.size)
        canv.setFillColor(HexColor(role.color))
        canv.drawString(left, self.geometry.header, title)
        if section:
            canv.drawRightString(right, self.geometry.header, section)
        canv.setStrokeColor(HexColor(role.color))
        canv.setLineWidth(0.5)
        canv.line(left, self.geometry.header_rule, right, self.geometry.header_rule)
        canv.restoreState()

    def page_end(self, canv: Any, doc: Any) -> None:
        """The footer's form (defined by :meth:`footers`), then the bottom marking."""
        doc.page_count = doc.page
        doc.footer_pages.append(doc.page)
        canv.doForm(_footer_form(doc.page))
        self._marking(canv, self.geometry.marking_bottom)

    def footers(self, canv: Any, pages: list[int], total: int) -> None:
        """Define the footer form of each page in ``pages``: "Page X of Y", X counting the cover.

        A form per page, drawn in page coordinates: the whole text moves with the width of
        Y when the footer is centred or right-aligned, and the wording may put Y anywhere.
        """
        for number in pages:
            with define_form(canv, _footer_form(number)):
                self._footer(canv, self.words.page_of.format(page=number, pages=total))

    def _footer(self, canv: Any, text: str) -> None:
        role = self.style.role("footer")
        page = self.style.page
        canv.saveState()
        canv.setFont(self.footer_face.font_name, role.size)
        canv.setFillColor(HexColor(role.color))
        _draw_aligned(
            canv,
            text,
            role.align,
            self.geometry.footer,
            page.margin_left,
            page.width - page.margin_right,
        )
        canv.restoreState()


def _footer_form(page: int) -> str:
    return f"briefconv-footer-{page}"


# --- the story: cover, contents, articles ----------------------------------------------


@dataclass
class _PackStory:
    """Turns a pack into reportlab flowables; notes each text with the face it uses.

    ``numbers`` is set by :meth:`build`: the contents' page numbers, to define after layout.
    """

    pack: Pack
    style: Style
    fonts: FontSet
    hyphenator: Callable[[str], Callable[[str], str]]
    numbers: ContentsNumbers | None = None
    texts: list[tuple[str, Face]] = field(default_factory=list)
    unsafe_links: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def build(self) -> list[Any]:
        """Cover, contents, then each article from a new page."""
        words = labels(self.pack.meta.language)
        story: list[Any] = [NextPageTemplate("page"), *self._cover()]
        story += [SectionBreak(words.in_this_pack), *self._contents()]
        for entry in self.pack.articles:
            meta = entry.article.meta
            story.append(SectionBreak(_plain(meta.title) or "Untitled"))
            builder = _StoryBuilder(
                entry.article,
                self.style,
                self.fonts,
                self.hyphenator(meta.language),
                entry_id=entry.id,
                byline_extra=(words.min_read.format(n=entry.minutes),),
                frame=self._frame_size(),
            )
            story += builder.build()
            self.texts += builder.texts
            self.unsafe_links += builder.unsafe_links
            self.problems += builder.problems
        return story

    def _markup(self, runs: list[Run], role_name: str, hyphenate: bool) -> str:
        role = self.style.role(role_name)
        for run in runs:
            self.texts.append((run.text, self.fonts.face(role, bold=run.bold, italic=run.italic)))
        return _markup(
            runs,
            link_color=self.style.role("link").color,
            hyphenate=self.hyphenator(self.pack.meta.language) if hyphenate else _identity,
            unsafe=self.unsafe_links,
        )

    def _pstyle(self, role_name: str, **overrides: Any) -> Any:
        role = self.style.role(role_name)
        return _paragraph_style(role_name, role, self.fonts.face(role), **overrides)

    def _para(self, text: str, role_name: str, *, hyphenate: bool = False, **overrides: Any) -> Any:
        markup = self._markup([Run(text)], role_name, hyphenate)
        return Paragraph(markup, self._pstyle(role_name, **overrides))

    def _frame_size(self) -> tuple[float, float]:
        page = self.style.page
        geometry = _geometry(self.style, bool(_plain(self.pack.meta.classification or "")))
        return (
            page.width - page.margin_left - page.margin_right,
            geometry.frame_top - geometry.frame_bottom,
        )

    # -- cover

    def _cover(self) -> list[Any]:
        text = cover_text(self.pack)
        width, height = self._frame_size()
        accent = HexColor(self.style.role("cover_title").color)
        out: list[Any] = []
        logo = self.style.pack.get("logo")
        if logo:
            out.append(_logo(str(logo), max_width=width / 2, max_height=min(60.0, height / 8)))
        # The title block starts about a fifth of the way down, like a report cover.
        used = out[0].drawHeight + out[0].spaceAfter if out else 0.0
        out.append(Spacer(1, max(height * 0.2 - used, 0.0)))
        out.append(
            HRFlowable(
                width=56, thickness=5, color=accent, hAlign="LEFT", spaceAfter=16, lineCap="butt"
            )
        )
        out.append(self._para(text.title, "cover_title", keepWithNext=1, spaceAfter=10))
        if text.subtitle:
            out.append(self._para(text.subtitle, "subtitle", spaceAfter=14))
        out.append(HRFlowable(width="100%", thickness=0.8, color=accent, spaceAfter=10))
        if text.date:
            out.append(self._para(text.date, "byline", spaceAfter=4))
        bottom: list[Any] = []
        for line in (text.prepared_by, text.prepared_for):
            if line:
                bottom.append(self._para(line, "byline", spaceAfter=3))
        bottom.append(self._para(text.summary, "byline", spaceBefore=6, spaceAfter=0))
        if text.classification:
            marking = self.style.role("marking")
            bottom.append(
                self._para(
                    _plain(text.classification),
                    "marking",
                    spaceBefore=16,
                    spaceAfter=0,
                    borderColor=HexColor(marking.color),
                    borderWidth=1,
                    borderPadding=marking.size * 0.6,
                    # The box, not the text, lines up with the margins.
                    leftIndent=marking.size * 0.6,
                    rightIndent=marking.size * 0.6,
                )
            )
        out.append(BottomBlock(bottom))
        return out

    # -- contents

    def _contents(self) -> list[Any]:
        words = labels(self.pack.meta.language)
        heading = HeadingParagraph(
            self._markup([Run(words.in_this_pack)], "heading1", False),
            self._pstyle("heading1", keep_with_next=True, spaceAfter=4),
        )
        heading.outline = OutlineEntry(words.in_this_pack, _CONTENTS_KEY, 0)
        title_role = self.style.role("heading2")
        title_face = self.fonts.face(title_role)
        rule = self.style.role("heading1")
        out: list[Any] = [
            heading,
            HRFlowable(width="100%", thickness=0.8, color=HexColor(rule.color), spaceAfter=4),
        ]
        reserve = number_reserve(title_face.font_name, title_role.size)
        self.numbers = ContentsNumbers(
            font_name=title_face.font_name,
            font_size=title_role.size,
            color=title_role.color,
            leader_color=self.style.role("byline").color,
        )
        # The numbers are drawn after layout, so check every digit they may use.
        self.texts.append(("0123456789", title_face))
        for entry in self.pack.articles:
            meta = entry.article.meta
            title = self._markup([Run(_plain(meta.title))], "heading2", False) + LEADER_MARK
            line = ContentsLine(
                Paragraph(title, self._pstyle("heading2", spaceAfter=2)),
                key=entry.id,
                numbers=self.numbers,
                reserve=reserve,
            )
            parts: list[Any] = [line]
            details = entry_details(entry, self.pack.meta.language)
            parts.append(self._para(details, "byline", spaceAfter=3))
            if entry.summary:
                parts.append(
                    self._para(_plain(entry.summary), "body", hyphenate=True, rightIndent=reserve)
                )
            out.append(KeepTogether(parts))
        return out


def _logo(path: str, *, max_width: float, max_height: float) -> Any:
    """The style's logo (a trusted path from the style, never from an article), scaled."""
    width, height = ImageReader(path).getSize()
    scale = min(max_width / width, max_height / height)
    image = Image(path, width=width * scale, height=height * scale)
    image.hAlign = "LEFT"
    image.spaceAfter = 12
    return image


# --- the document ----------------------------------------------------------------------


class _ClassifiedInfo(PDFInfo):  # type: ignore[misc]  # reportlab has no type stubs
    """The document information dictionary plus a custom ``/Classification`` key."""

    def __init__(self, classification: str) -> None:
        super().__init__()
        self.classification = classification

    def format(self, document: Any) -> Any:
        """The same entries as reportlab's ``PDFInfo.format`` writes, plus the marking."""
        when = PDFDate(ts=document._timeStamp, dateFormatter=self._dateFormatter)
        entries = {
            "Title": PDFString(self.title),
            "Author": PDFString(self.author),
            "CreationDate": when,
            "ModDate": when,
            "Producer": PDFString(self.producer),
            "Creator": PDFString(self.creator),
            "Subject": PDFString(self.subject),
            "Keywords": PDFString(self.keywords),
            "Trapped": PDFName(self.trapped),
            "Classification": PDFString(self.classification),
        }
        return PDFDictionary(entries).format(document)


class _PackDocument(_Document):
    """A pack document: tracks the current section, where each article starts, footers."""

    def __init__(self, *args: Any, classification: str | None, **kwargs: Any) -> None:
        self._classification = classification
        self.section = ""
        self.first_pages: dict[str, int] = {}
        self.footer_pages: list[int] = []
        self.page_count = 0
        super().__init__(*args, **kwargs)

    def beforeDocument(self) -> None:
        """Start afresh should the document be built again; add the marking key."""
        super().beforeDocument()
        self.section = ""
        self.first_pages = {}
        self.footer_pages = []
        self.page_count = 0
        if self._classification is not None:
            info = _ClassifiedInfo(self._classification)
            info.__dict__.update(self.canv._doc.info.__dict__)
            self.canv._doc.info = info

    def afterFlowable(self, flowable: Any) -> None:
        """Follow section breaks; note the page of each top-level outline entry."""
        # Called for every flowable, not only paragraphs (PITFALLS 7).
        if isinstance(flowable, SectionBreak):
            self.section = flowable.title
        elif (
            isinstance(flowable, HeadingParagraph)
            and flowable.outline is not None
            and flowable.outline.level == 0
        ):
            self.first_pages.setdefault(flowable.outline.key, self.page)


def _render(
    pack: Pack, style: Style, chrome: _Chrome, story: list[Any], numbers: ContentsNumbers | None
) -> bytes:
    """Lay ``story`` out once; fill in the footers and the contents' ``numbers`` at the end."""
    meta = pack.meta
    page = style.page
    footer = style.role("footer")
    marking = _plain(meta.classification or "") or None
    sources = dict.fromkeys(
        _plain(e.article.meta.source) for e in pack.articles if e.article.meta.source
    )
    keywords = [k for k in (marking, *sources) if k]
    buf = io.BytesIO()
    doc = _PackDocument(
        buf,
        classification=marking,
        pdf_date=pack_datetime(pack).strftime("D:%Y%m%d%H%M%S+00'00'"),
        pagesize=(page.width, page.height),
        leftMargin=page.margin_left,
        rightMargin=page.margin_right,
        topMargin=page.margin_top,
        bottomMargin=page.margin_bottom,
        title=_plain(meta.title),
        author=_plain(meta.prepared_by or ""),
        subject=_plain(meta.subtitle or ""),
        keywords=keywords,
        creator="briefconv",
        lang=meta.language,
        displayDocTitle=True,
        # PITFALLS 4: fixed document ID and no timestamps from the clock.
        invariant=1,
        pageCompression=1,
        # Never let the canvas start a page in Helvetica (PITFALLS 2).
        initialFontName=chrome.footer_face.font_name,
        initialFontSize=footer.size,
    )
    geometry = chrome.geometry

    def frame(name: str) -> Frame:
        return Frame(
            page.margin_left,
            geometry.frame_bottom,
            page.width - page.margin_left - page.margin_right,
            geometry.frame_top - geometry.frame_bottom,
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
            id=name,
        )

    def finish(canv: Any) -> None:
        chrome.footers(canv, doc.footer_pages, doc.page_count)
        if numbers is not None:
            numbers.define(canv, doc.first_pages)

    # Furniture drawn when a page begins comes before the body in extracted text, and
    # furniture drawn when it ends comes after: marking, header, body, footer, marking.
    doc.addPageTemplates(
        [
            PageTemplate(
                id="cover",
                frames=[frame("cover")],
                onPage=chrome.cover_begin,
                onPageEnd=chrome.cover_end,
            ),
            PageTemplate(
                id="page",
                frames=[frame("body")],
                onPage=chrome.page_begin,
                onPageEnd=chrome.page_end,
            ),
        ]
    )
    doc.build(story, canvasmaker=FinishingCanvas.maker(finish))
    return buf.getvalue()
