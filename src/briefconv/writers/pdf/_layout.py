"""The one PDF pipeline: any pack, its layout deciding the parts (cover, contents, running heads).

A handout (:func:`briefconv.pack.handout`) is a pack of one article whose title is the
document's title, with only the footer around it; a briefing pack has a cover, "In this
pack" with page numbers and running heads; :class:`~briefconv.model.Layout` turns each
part on or off. Both are laid out once (PITFALLS 7). What only the end of layout knows,
the page count in "Page X of Y" and the page each article starts on in the contents, is
drawn as PDF forms that are defined after the last page (:class:`FinishingCanvas`): each
footer is a form of its own, drawn when the count is known; each contents line draws a
form at its right end for its number and dot leaders (:class:`ContentsNumbers`). The
contents lay their titles out in a width that leaves room for any four-digit number, so
nothing laid out depends on the numbers.

The current section, for the running head, is tracked with :class:`SectionBreak` page
breaks read in ``afterFlowable``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from reportlab.lib.colors import HexColor
from reportlab.lib.utils import ImageReader
from reportlab.platypus import Image, KeepTogether, NextPageTemplate
from reportlab.platypus.flowables import HRFlowable

from briefconv.fonts.metrics import Face, FontSet, report_missing_glyphs
from briefconv.model import Pack, PackArticle
from briefconv.styles import Role, Style
from briefconv.wording import cover_text, entry_details, labels, one_line, untitled
from briefconv.writers._measure import fit_measure
from briefconv.writers._runs import Run, emphasised
from briefconv.writers.options import PdfOptions
from briefconv.writers.pdf._cover import BAND_HEIGHT, cover_page
from briefconv.writers.pdf._document import Rendered, render
from briefconv.writers.pdf._flowables import (
    LEADER_MARK,
    ContentsLine,
    ContentsNumbers,
    HeadingParagraph,
    OutlineEntry,
    SectionBreak,
    TextParagraph,
    number_reserve,
)
from briefconv.writers.pdf._furniture import Chrome, page_geometry
from briefconv.writers.pdf._story import StoryBuilder
from briefconv.writers.pdf._styles import paragraph_style
from briefconv.writers.pdf._tags import Node, Structure
from briefconv.writers.pdf._text import (
    hyphenator,
    identity,
    markup,
    warn_problems,
    warn_unsafe_links,
)

__all__ = ["rendered_pack"]

#: Outline key of the contents page; article keys start with "a<digit>", so never clash.
_CONTENTS_KEY = "contents"


def rendered_pack(pack: Pack, style: Style) -> Rendered:
    """Render ``pack`` in ``style``, with the parts its layout asks for: the PDF and its layout.

    The side margins are widened to the style's ``max_measure`` first, as the DOCX's are.
    A last page with no more than :data:`_RUNT_LINES` body lines on it is pulled back if
    slightly less space after paragraphs does it (:func:`_tightened`): the one case where
    a document is laid out more than once. The result's ``first_pages`` gives the page
    each article starts on, by its entry's id (the DOCX's contents take theirs from it).
    """
    return _laid_out(pack, style)


def _laid_out(pack: Pack, style: Style) -> Rendered:
    """The layout :func:`rendered_pack` writes, its problems reported once."""
    style = fit_measure(style)
    enabled = PdfOptions.of(style).hyphenate
    hyphenators: dict[str, Callable[[str], str]] = {}

    def hyphenator_for(language: str) -> Callable[[str], str]:
        if language not in hyphenators:
            hyphenators[language] = hyphenator(language, enabled)
        return hyphenators[language]

    laid = _lay_out(pack, style, hyphenator_for, report=True)
    if not _is_runt(laid, style):
        return laid
    for step in _RUNT_STEPS:
        tighter = _lay_out(pack, _tightened(style, step), hyphenator_for, report=False)
        if tighter.pages < laid.pages:
            return tighter
    return laid


#: A last page holding this many body lines or fewer is a runt, worth pulling back.
_RUNT_LINES = 3
#: Points taken off the space after body paragraphs and list items, tried in turn.
_RUNT_STEPS = (1.0, 2.0)


def _is_runt(laid: Rendered, style: Style) -> bool:
    """Whether the last page of a document of several holds only a few lines."""
    body = style.role("body")
    most = _RUNT_LINES * body.size * body.line_height + body.space_after + 1.0
    return laid.pages > 1 and laid.last_page_used <= most


def _tightened(style: Style, step: float) -> Style:
    """``style`` with ``step`` points less space after body paragraphs and list items."""
    roles = dict(style.roles)
    for name in ("body", "list"):
        role = roles[name]
        roles[name] = dataclasses.replace(role, space_after=max(role.space_after - step, 0.0))
    return dataclasses.replace(style, roles=roles)


def _lay_out(
    pack: Pack,
    style: Style,
    hyphenator_for: Callable[[str], Callable[[str], str]],
    *,
    report: bool,
) -> Rendered:
    """Build the story and lay it out once; with ``report``, log what the content lacks."""
    fonts = FontSet(style)
    marked = bool(one_line(pack.meta.classification or ""))
    geometry = page_geometry(style, pack.layout, marked, fonts)
    structure = Structure() if PdfOptions.of(style).tagged else None
    builder = _PackStory(
        pack,
        style,
        fonts,
        hyphenator_for,
        geometry.frame_size,
        geometry.frame_bottom,
        structure=structure,
    )
    story = builder.build()
    chrome = Chrome(pack, style, fonts, geometry)
    if report:  # once per document, not once per layout
        report_missing_glyphs([*builder.texts, *chrome.texts()])
        warn_unsafe_links(builder.unsafe_links)
        warn_problems(builder.problems)
    return render(
        pack,
        style,
        chrome,
        story,
        first_section=builder.first_section,
        numbers=builder.numbers,
        structure=structure,
    )


@dataclass
class _PackStory:
    """Turns a pack into reportlab flowables; notes each text with the face it uses.

    :meth:`build` sets ``numbers``, the contents' page numbers to define after layout (if
    the layout has contents), and ``first_section``, the section the story opens with.
    """

    pack: Pack
    style: Style
    fonts: FontSet
    hyphenator: Callable[[str], Callable[[str], str]]
    #: Width and height of the text frame.
    frame: tuple[float, float]
    #: Height of the frame's foot above the paper's bottom edge.
    frame_bottom: float
    #: The document's structure in a tagged PDF, else ``None``.
    structure: Structure | None = None
    numbers: ContentsNumbers | None = None
    first_section: str = ""
    texts: list[tuple[str, Face]] = field(default_factory=list)
    unsafe_links: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def build(self) -> list[Any]:
        """The parts the layout asks for, each from a new page: cover, contents, articles.

        Each part but the first starts with a :class:`SectionBreak` naming its section for
        the running head; the first part's section is ``first_section``, the document's
        section from its first page.
        """
        layout = self.pack.layout
        words = labels(self.pack.meta.language)
        parts: list[tuple[str, list[Any]]] = []
        if layout.cover:
            # The cover has a page template of its own; the pages after it use "page".
            parts.append(("", [NextPageTemplate("page"), *self._cover()]))
        if layout.contents:
            parts.append((words.in_this_pack, self._contents()))
        for entry in self.pack.articles:
            meta = entry.article.meta
            parts.append((untitled(meta.title, meta.language), self._article(entry)))
        if not parts:
            return []
        self.first_section = parts[0][0]
        story = list(parts[0][1])
        for section, flowables in parts[1:]:
            story += [SectionBreak(section), *flowables]
        return story

    def _article(self, entry: PackArticle) -> list[Any]:
        """One article: its title block and its blocks.

        Under a pack's heading, its bookmarks are prefixed with its id (unique in the pack)
        and its byline gives its reading time; as the document's title (a handout) it is
        bookmarked "title", its headings "h1", "h2"...

        Either way its title is set in the "title" role and its headings in their own
        level's role, and the outline is the same shape: the title a top-level entry (the
        document itself has none), its headings nested below it. So in a PDF the layout's
        ``heading_offset`` is already what the outline shows, and the styles stay as
        readers know them.
        """
        meta = entry.article.meta
        under_heading = self.pack.layout.title_role == "heading"
        minutes = labels(self.pack.meta.language).min_read.format(n=entry.minutes)
        parent = None
        if self.structure is not None:
            # A handout's article is the document; a pack's articles are its sections,
            # each in its own language where that is not the pack's.
            lang = meta.language if meta.language != self.pack.meta.language else None
            root = self.structure.root
            parent = root.add("Sect", lang=lang) if under_heading else root
        builder = StoryBuilder(
            entry.article,
            self.style,
            self.fonts,
            self.hyphenator(meta.language),
            self.frame,
            entry_id=entry.id if under_heading else None,
            byline_extra=(minutes,) if under_heading else (),
            structure=self.structure,
            parent=parent,
        )
        story = builder.build()
        self.texts += builder.texts
        self.unsafe_links += builder.unsafe_links
        self.problems += builder.problems
        return story

    def _markup(self, runs: list[Run], role_name: str, hyphenate: bool) -> str:
        role = self.style.role(role_name)
        runs = emphasised(runs, self.style.emphasis)
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

    def _para(
        self,
        text: str,
        role_name: str,
        *,
        hyphenate: bool = False,
        tag: Node | None = None,
        **overrides: Any,
    ) -> Any:
        markup = self._markup([Run(text)], role_name, hyphenate)
        paragraph = TextParagraph(markup, self._pstyle(role_name, **overrides))
        paragraph.tag = tag
        return paragraph

    def _node(self, role: str, parent: Node | None = None) -> Node | None:
        """A new structure element under ``parent`` (the document's) if the PDF is tagged."""
        if self.structure is None:
            return None
        return (parent or self.structure.root).add(role)

    # -- cover

    def _cover(self) -> list[Any]:
        """The cover: one flowable drawing the whole page (:mod:`._cover`)."""
        width, _ = self.frame
        page = self.style.page
        logo = self.style.pack.get("logo")
        image = _logo(str(logo), max_width=width / 4, max_height=BAND_HEIGHT) if logo else None
        cover = cover_page(
            cover_text(self.pack),
            self.style,
            self.fonts,
            paragraph=self._role_para,
            record=lambda text, face: self.texts.append((text, face)),
            logo=image,
            frame_width=width,
            page_height=page.height,
            frame_bottom=self.frame_bottom,
        )
        cover.tag = self._node("Sect")
        return [cover]

    def _role_para(self, text: str, name: str, role: Role) -> Any:
        """A paragraph of plain ``text`` in ``role`` (which may be none of the style's)."""
        face = self.fonts.face(role)
        self.texts.append((text, face))
        escaped = markup(
            [Run(text)],
            link_color=self.style.role("link").color,
            hyphenate=identity,
            unsafe=self.unsafe_links,
        )
        return TextParagraph(escaped, paragraph_style(name, role, face))

    # -- contents

    def _contents(self) -> list[Any]:
        words = labels(self.pack.meta.language)
        heading = HeadingParagraph(
            self._markup([Run(words.in_this_pack)], "heading1", False),
            self._pstyle("heading1", keep_with_next=True, spaceAfter=4),
        )
        heading.tag = self._node("H1")
        toc = self._node("TOC")
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
            plain = untitled(meta.title, meta.language)
            title = self._markup([Run(plain)], "heading2", False) + LEADER_MARK
            item = self._node("TOCI", toc)
            paragraph = TextParagraph(title, self._pstyle("heading2", spaceAfter=2))
            paragraph.tag = self._node("Reference", item)
            if self.structure is not None:
                self.structure.describe(entry.id, plain)
            line = ContentsLine(paragraph, key=entry.id, numbers=self.numbers, reserve=reserve)
            parts: list[Any] = [line]
            details = entry_details(entry, self.pack.meta.language)
            parts.append(self._para(details, "byline", spaceAfter=3, tag=self._node("P", item)))
            if entry.summary:
                parts.append(
                    self._para(
                        one_line(entry.summary),
                        "body",
                        hyphenate=True,
                        rightIndent=reserve,
                        tag=self._node("P", item),
                    )
                )
            out.append(KeepTogether(parts))
        return out


def _logo(path: str, *, max_width: float, max_height: float) -> Any:
    """The style's logo (a trusted path from the style, never from an article), scaled."""
    width, height = ImageReader(path).getSize()
    scale = min(max_width / width, max_height / height)
    return Image(path, width=width * scale, height=height * scale)
