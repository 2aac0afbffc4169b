"""The PDF writer's briefing pack: cover, "In this pack" with page numbers, running headers.

A pack is laid out once, like a single handout (PITFALLS 7). What only the end of layout
knows, the page count in "Page X of Y" and the page each article starts on in the
contents, is drawn as PDF forms that are defined after the last page
(:class:`FinishingCanvas`): each footer is a form of its own, drawn when the count is
known; each contents line draws a form at its right end for its number and dot leaders
(:class:`ContentsNumbers`). The contents lay their titles out in a width that leaves room
for any four-digit number, so nothing laid out depends on the numbers.

The current section, for the running header, is tracked with :class:`SectionBreak` page
breaks read in ``afterFlowable``.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from reportlab.lib.colors import HexColor
from reportlab.lib.utils import ImageReader
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
from briefconv.styles import Style
from briefconv.wording import cover_text, entry_details, labels
from briefconv.writers._dates import pack_datetime
from briefconv.writers._runs import Run
from briefconv.writers.pdf._document import PackDocument
from briefconv.writers.pdf._flowables import (
    LEADER_MARK,
    BottomBlock,
    ContentsLine,
    ContentsNumbers,
    FinishingCanvas,
    HeadingParagraph,
    OutlineEntry,
    SectionBreak,
    number_reserve,
)
from briefconv.writers.pdf._furniture import Chrome, page_geometry
from briefconv.writers.pdf._story import StoryBuilder
from briefconv.writers.pdf._styles import paragraph_style
from briefconv.writers.pdf._text import (
    hyphenator,
    identity,
    markup,
    plain,
    warn_problems,
    warn_unsafe_links,
)

__all__ = ["write_pack"]

#: Outline key of the contents page; article keys start with "a<digit>", so never clash.
_CONTENTS_KEY = "contents"


def write_pack(pack: Pack, style: Style) -> bytes:
    """Render ``pack`` (with cover and contents) in ``style``; return the PDF bytes."""
    fonts = FontSet(style)
    enabled = bool(style.pdf.get("hyphenate", True))
    hyphenators: dict[str, Callable[[str], str]] = {}

    def hyphenator_for(language: str) -> Callable[[str], str]:
        if language not in hyphenators:
            hyphenators[language] = hyphenator(language, enabled)
        return hyphenators[language]

    builder = _PackStory(pack, style, fonts, hyphenator_for)
    story = builder.build()
    chrome = Chrome(pack, style, fonts)
    report_missing_glyphs([*builder.texts, *chrome.texts()])
    warn_unsafe_links(builder.unsafe_links)
    warn_problems(builder.problems)
    return _render(pack, style, chrome, story, builder.numbers)


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
            story.append(SectionBreak(plain(meta.title) or "Untitled"))
            builder = StoryBuilder(
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
        return markup(
            runs,
            link_color=self.style.role("link").color,
            hyphenate=self.hyphenator(self.pack.meta.language) if hyphenate else identity,
            unsafe=self.unsafe_links,
        )

    def _pstyle(self, role_name: str, **overrides: Any) -> Any:
        role = self.style.role(role_name)
        return paragraph_style(role_name, role, self.fonts.face(role), **overrides)

    def _para(self, text: str, role_name: str, *, hyphenate: bool = False, **overrides: Any) -> Any:
        markup = self._markup([Run(text)], role_name, hyphenate)
        return Paragraph(markup, self._pstyle(role_name, **overrides))

    def _frame_size(self) -> tuple[float, float]:
        page = self.style.page
        geometry = page_geometry(self.style, bool(plain(self.pack.meta.classification or "")))
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
                    plain(text.classification),
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
            title = self._markup([Run(plain(meta.title))], "heading2", False) + LEADER_MARK
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
                    self._para(plain(entry.summary), "body", hyphenate=True, rightIndent=reserve)
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


def _render(
    pack: Pack, style: Style, chrome: Chrome, story: list[Any], numbers: ContentsNumbers | None
) -> bytes:
    """Lay ``story`` out once; fill in the footers and the contents' ``numbers`` at the end."""
    meta = pack.meta
    page = style.page
    footer = style.role("footer")
    marking = plain(meta.classification or "") or None
    sources = dict.fromkeys(
        plain(e.article.meta.source) for e in pack.articles if e.article.meta.source
    )
    keywords = [k for k in (marking, *sources) if k]
    buf = io.BytesIO()
    doc = PackDocument(
        buf,
        classification=marking,
        pdf_date=pack_datetime(pack).strftime("D:%Y%m%d%H%M%S+00'00'"),
        pagesize=(page.width, page.height),
        leftMargin=page.margin_left,
        rightMargin=page.margin_right,
        topMargin=page.margin_top,
        bottomMargin=page.margin_bottom,
        title=plain(meta.title),
        author=plain(meta.prepared_by or ""),
        subject=plain(meta.subtitle or ""),
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
