"""The DOCX document's layout: one pipeline for any pack, its parts chosen by ``pack.layout``.

A one-article handout (:data:`~briefconv.model.HANDOUT_LAYOUT`) is the article alone: its
title is the document's ``Title``, its headings keep their level, its running title starts
on page 2. A briefing pack (:data:`~briefconv.model.PACK_LAYOUT`) has every part below;
a layout may leave out the cover, the contents or the running heads.

* The **cover** is a section of its own whose header and footer hold only the
  classification marking; its body is the PDF's design (:mod:`._cover`): the identity
  band, the pack title as ``Title`` (so pandoc and Word take it as the document title) a
  third of the way down, the subtitle, the details table, and the articles with their
  reading times in the lower third.
* **"In this pack"** (``TOC Heading``, which Word keeps out of its own TOC and navigation
  pane) lists every article: its title as an internal hyperlink to the article's bookmark
  with a ``PAGEREF`` page number, the details line and the summary. Each ``PAGEREF``
  holds, as its result, the page the article will start on: the PDF writer's layout of
  the same pack in the same page setup (:func:`briefconv.writers.pdf.start_pages`), so
  the numbers are there when the file opens, in Word and in readers that never update
  fields (previews, pandoc), and Word is not asked to update fields (no prompt). Word and
  LibreOffice recompute a ``PAGEREF`` when they update fields, so a number the layouts
  disagree on comes right then. It is the only contents list: a Word ``TOC`` field would
  be a second list of the same articles, and updating it would drop the details and
  summaries that make "In this pack" worth reading.
* **Each article** is a section of its own, so it starts on a new page and carries its
  own running header (pack title, article title; LibreOffice 7.4 cannot be relied on for
  ``STYLEREF``). Its title is ``Heading 1`` (bookmark ``entry.id``) and model heading level
  n is ``Heading n+1`` (bookmark ``heading_id(entry.id, block index)``), so headings nest
  under their article in Word's navigation pane and in pandoc.
* Every page carries the marking at its top and bottom (header and footer); every page but
  the cover the running header and "Page X of Y" with real ``PAGE``/``NUMPAGES`` fields.
  Without contents nothing links to the articles, and they have no bookmarks.

Word limits bookmark names to 40 characters: longer ids are shortened with a hash of the
whole id (:func:`bookmark_name`), so they stay unique.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from docx.oxml.ns import qn

from briefconv.model import Pack, PackArticle
from briefconv.pack import heading_id
from briefconv.styles import Role, Style
from briefconv.wording import byline, entry_details, labels, one_line, untitled
from briefconv.writers._dates import pack_datetime
from briefconv.writers._measure import fit_measure
from briefconv.writers._runs import flatten
from briefconv.writers.docx._base import prepared_document
from briefconv.writers.docx._content import (
    Story,
    add_runs,
    add_styled_paragraph,
    add_text_run,
    write_block,
)
from briefconv.writers.docx._cover import add_cover_band, write_cover
from briefconv.writers.docx._furniture import (
    Heads,
    body_width,
    complex_field,
    copy_without_heads,
    role_measurer,
    running_heads,
    setup_page,
    tab_run,
    text_run,
    to_points,
)
from briefconv.writers.docx._notes import Footnotes
from briefconv.writers.docx._numbering import Numbering
from briefconv.writers.docx._oxml import (
    W_P,
    W_R,
    W_RPR,
    W_SECT_PR,
    Doc,
    Elem,
    Para,
    el,
    hex_color,
    insert_ordered,
    last_section,
    p_element,
    twips,
)
from briefconv.writers.docx._package import finish, set_core_properties
from briefconv.writers.docx._settings import settle
from briefconv.writers.docx._styles import (
    PageSource,
    features,
    line_spacing,
    log_not_expressed,
)

__all__ = ["bookmark_name", "write_document"]

_log = logging.getLogger("briefconv")

_W_LANG = qn("w:lang")


#: Word drops or renames bookmarks with longer names.
_BOOKMARK_MAX = 40


def bookmark_name(anchor: str) -> str:
    """The Word bookmark name for ``anchor``: itself, or cut with a hash if over 40 characters.

    >>> bookmark_name("a1-talks-h3")
    'a1-talks-h3'
    >>> len(bookmark_name("a1-" + "x" * 60 + "-h12"))
    40
    """
    if len(anchor) <= _BOOKMARK_MAX:
        return anchor
    digest = hashlib.sha1(anchor.encode()).hexdigest()[:8]
    return f"{anchor[: _BOOKMARK_MAX - 9]}_{digest}"


def write_document(pack: Pack, style: Style) -> bytes:
    """Render ``pack`` in ``style``, the parts its layout asks for; return the DOCX bytes.

    One path for a handout and a briefing pack: the base document, the Word styles for
    the layout's title role, the page (with a handout's heads, known before the body),
    then [cover] [contents] and the articles, a section each; a pack's running heads and
    footers once the sections are known; core properties; the saved, normalised zip.
    The page's text width is the PDF's (:func:`~briefconv.writers._measure.fit_measure`).
    """
    style = fit_measure(style)
    layout = pack.layout
    when = pack_datetime(pack)
    base = prepared_document(style, layout, pack.meta.language, features(pack))
    doc, template, kept = base.doc, base.template, base.kept
    lists = Numbering(doc, base.lists)
    source = setup_page(doc, style, pack, template=template)
    log_not_expressed(template, kept, source, layout)
    notes = Footnotes(doc)
    builder = _Builder(doc, pack, style, Story(doc, style, lists, notes))
    if layout.contents:
        builder.pages = _start_pages(doc, pack, style, source)
    builder.build()
    if layout.title_role == "heading":
        # A handout's heads came with its page, before the body (so its header and footer
        # parts keep their names and relationship ids); a pack's name each section's
        # article, known only now.
        running_heads(doc, pack, style, builder.sections)
        if layout.cover:
            add_cover_band(doc, pack, style)
    # Once every section exists: a pack's articles each number their notes from 1.
    notes.finish(restart=layout.title_role == "heading")
    settle(doc, style)
    set_core_properties(doc, pack, when)
    return finish(doc, when)


def _start_pages(doc: Doc, pack: Pack, style: Style, source: PageSource) -> dict[str, int]:
    """The page each article will start on, by entry id, from the PDF writer's layout.

    The PDF is laid out in the DOCX's page setup (a template's, where it gives one) and
    without hyphenation, as Word and LibreOffice set the DOCX (it asks for none). Imported
    here: only a pack with contents pays for loading the PDF writer.
    """
    from briefconv.writers.pdf import start_pages

    if source.page:
        section = last_section(doc)
        page = replace(
            style.page,
            width=to_points(section.page_width) or style.page.width,
            height=to_points(section.page_height) or style.page.height,
            margin_top=to_points(section.top_margin),
            margin_right=to_points(section.right_margin),
            margin_bottom=to_points(section.bottom_margin),
            margin_left=to_points(section.left_margin),
        )
        style = replace(style, page=page)
    return start_pages(pack, style.with_options("pdf", hyphenate=False))


@dataclass
class _Builder:
    """Appends the layout's parts to the body: [cover] [contents] articles, one section each."""

    doc: Doc
    pack: Pack
    style: Style
    story: Story
    sections: list[Heads] = field(default_factory=list)
    #: The page each article starts on, by entry id: the contents' cached page numbers.
    pages: dict[str, int] = field(default_factory=dict)
    _bookmark_id: int = 0

    def build(self) -> None:
        """Append every part, ending a section before each new part (the heads it names)."""
        layout = self.pack.layout
        # The heads of the section being filled; None before the first part.
        heads: Heads | None = None
        if layout.cover:
            self._cover()
            heads = Heads(None)
        if layout.contents:
            if heads is not None:
                self._end_section(heads)
            self._contents()
            heads = Heads(labels(self.pack.meta.language).in_this_pack)
        for entry in self.pack.articles:
            if heads is not None:
                self._end_section(heads)
            self._article(entry)
            meta = entry.article.meta
            heads = Heads(untitled(meta.title, meta.language))
        assert heads is not None  # a pack has at least one article
        self.sections.append(heads)  # the body's own w:sectPr ends the last section

    # -- sections

    def _end_section(self, heads: Heads) -> None:
        """End the current section at the last paragraph: a copy of the page setup."""
        # The body's own w:sectPr is its last child, and the last paragraph comes just
        # before it: found from the end, as body.findall("w:p") and get_or_add_sectPr
        # would find them by scanning the whole body (O(n) per article, O(n²) a pack).
        body_sect: Elem = last_section(self.doc)._sectPr
        last = body_sect.getprevious()
        while last is not None and last.tag != W_P:
            last = last.getprevious()
        sect = copy_without_heads(body_sect)
        insert_ordered(last.get_or_add_pPr(), sect)
        self.sections.append(heads)

    # -- helpers

    def _para(self, text: str, style_name: str) -> Para:
        paragraph = add_styled_paragraph(self.doc, style_name)
        if text:
            add_text_run(p_element(paragraph), text)
        return paragraph

    def _bookmark(self, p: Elem, anchor: str) -> None:
        """Wrap the content of paragraph ``p`` in a bookmark named for ``anchor``."""
        self._bookmark_id += 1
        start = el("w:bookmarkStart", id=str(self._bookmark_id), name=bookmark_name(anchor))
        ppr = p.find(qn("w:pPr"))
        if ppr is not None:
            ppr.addnext(start)
        else:
            p.insert(0, start)
        p.append(el("w:bookmarkEnd", id=str(self._bookmark_id)))

    # -- cover

    def _cover(self) -> None:
        """The cover page (:mod:`._cover`): band, title, details, the articles, counts."""
        write_cover(self.doc, self.pack, self.style)

    # -- contents

    def _contents(self) -> None:
        words = labels(self.pack.meta.language)
        language = self.pack.meta.language
        heading = self._para(words.in_this_pack, "TOC Heading")
        # At the top of the page, as the PDF's (reportlab drops space at a frame's top).
        _space(heading, self.style.role("heading1"), before=0)
        width = body_width(self.doc)
        # Titles and summaries keep clear of the PDF's number column (its contents'
        # number_reserve: four of the widest digit and a gap), so they wrap as in the PDF
        # and the contents take the same pages in both: the numbers below come from the
        # PDF's layout. A summary is indented by it. A title cannot be: LibreOffice 7.4
        # draws nothing past a paragraph's right indent, so the number after the tab
        # would vanish. Its lines are broken where the PDF breaks them instead (same
        # font widths, same greedy breaking), with line breaks, and run to the margin.
        measure = role_measurer(self.style, "heading2")
        reserve = 4 * max(measure(d) for d in "0123456789") + self.style.role("heading2").size * 1.5
        for entry in self.pack.articles:
            title = add_styled_paragraph(self.doc, "Contents Entry")
            ppr = p_element(title).get_or_add_pPr()
            # Each entry stays on one page, as the PDF keeps it together: the pages the
            # contents take then come out alike, and so do the numbers they give.
            insert_ordered(ppr, el("w:keepNext"))
            insert_ordered(ppr, el("w:keepLines"))
            tabs = el("w:tabs")
            tabs.append(el("w:tab", val="right", leader="dot", pos=str(twips(width))))
            insert_ordered(ppr, tabs)
            link = _internal_link(p_element(title), entry.id)
            meta = entry.article.meta
            title_runs: list[Elem] = []
            for line in _wrap(untitled(meta.title, meta.language), measure, width - reserve):
                if title_runs:
                    link.append(el("w:r"))
                    link[-1].append(el("w:br"))
                title_runs.append(text_run(line))
                link.append(title_runs[-1])
            # The dot leader takes the tab's look: light, as the PDF's.
            link.append(tab_run(self.style.role("byline").color))
            # The number shown until fields are updated, and by readers that never do.
            number = self.pages.get(entry.id)
            shown = "" if number is None else str(number)
            complex_field(link, f"PAGEREF {bookmark_name(entry.id)} \\h", shown)
            details = self._para(entry_details(entry, language), "Byline")
            details_ppr = p_element(details).get_or_add_pPr()
            if entry.summary:
                insert_ordered(details_ppr, el("w:keepNext"))
            insert_ordered(details_ppr, el("w:keepLines"))
            _space(details, self.style.role("byline"), after=3)
            if entry.summary:
                summary = self._para(one_line(entry.summary), "Body Text")
                summary_ppr = p_element(summary).get_or_add_pPr()
                insert_ordered(summary_ppr, el("w:keepLines"))
                # Clear of the page-number column, as in the PDF.
                insert_ordered(summary_ppr, el("w:ind", left="0", right=str(twips(reserve))))
                if meta.language != language:
                    _set_language(p_element(summary), meta.language)
            if meta.language != language:
                # The article's title and summary are in its language (see _article).
                for run in title_runs:
                    _set_language(run, meta.language)

    # -- articles

    def _article(self, entry: PackArticle) -> None:
        """The article's title, subtitle and byline, then its blocks.

        Its title is the document's ``Title`` (a handout), or a ``Heading 1`` over headings
        one level deeper, with the reading time in its byline (a pack). Where there are
        contents, its title and headings are bookmarked for their links.
        """
        layout = self.pack.layout
        article = entry.article
        meta = article.meta
        language = meta.language
        bookmarks = layout.contents
        # What precedes the article in the body: what follows it, up to the body's own
        # w:sectPr, is the article.
        before = last_section(self.doc)._sectPr.getprevious()
        title = untitled(meta.title, language)
        extra: tuple[str, ...] = ()
        if layout.title_role == "title":
            heading = self._para(title, "Title")
            byline_style = "Byline"
        else:
            heading = self._para(title, "Heading 1")
            words = labels(self.pack.meta.language)
            byline_style, extra = "Article Byline", (words.min_read.format(n=entry.minutes),)
        if bookmarks:
            self._bookmark(p_element(heading), entry.id)
        last, last_role = heading, "title"
        if meta.subtitle:
            last, last_role = self._para(meta.subtitle, "Subtitle"), "subtitle"
        byline_p: Elem | None = None
        if parts := byline(meta, extra=extra):
            byline_paragraph = add_styled_paragraph(self.doc, byline_style)
            add_runs(byline_paragraph, flatten(parts))
            byline_p = p_element(byline_paragraph)
        elif layout.title_role == "title":
            # The rule under the header block, as the PDF draws it: the Byline style has it
            # (setup_document_styles); without a byline the last header paragraph takes it.
            style = self.story.style
            role, rule = style.role(last_role), style.role("byline")
            _bottom_border(last, style.role("title").color, space=role.space_after)
            _space(last, role, after=rule.space_after)
        offset = layout.heading_offset
        story = replace(self.story, language=language)
        for index, block in enumerate(article.blocks):
            p = write_block(story, block, heading_offset=offset)
            if p is not None and bookmarks:
                self._bookmark(p, heading_id(entry.id, index))
        if language != self.pack.meta.language:
            # Word checks spelling and hyphenates by each run's language, which is the
            # document's (w:docDefaults) unless the run says: an article in another
            # language says its own. Its byline is left in the pack's: it mixes the two
            # ("3 min read").
            body = self.doc.element.body
            added = before.itersiblings() if before is not None else body.iterchildren()
            for element in added:
                if element.tag != W_SECT_PR and element is not byline_p:
                    _set_language(element, language)


# What may follow w:lang in a w:rPr (ECMA-376 CT_RPr); nothing the writer puts in a run.
_AFTER_LANG = frozenset(qn(t) for t in ("w:eastAsianLayout", "w:specVanish", "w:oMath"))


def _set_language(element: Elem, language: str) -> None:
    """Give every run under ``element`` the language ``language`` (``w:lang``)."""
    for run in element.iter(W_R):
        rpr = run.find(W_RPR)
        if rpr is None:
            rpr = el("w:rPr")
            run.insert(0, rpr)
        for old in rpr.findall(_W_LANG):
            rpr.remove(old)
        lang = el("w:lang", val=language)
        later = next((i for i, child in enumerate(rpr) if child.tag in _AFTER_LANG), None)
        if later is None:
            rpr.append(lang)
        else:
            rpr.insert(later, lang)


def _bottom_border(paragraph: Para, color: str, *, space: float) -> None:
    """A rule under ``paragraph`` (the title block's last line), ``space`` points below it."""
    ppr = p_element(paragraph).get_or_add_pPr()
    border = el("w:pBdr")
    border.append(
        el("w:bottom", val="single", sz="6", space=str(round(space)), color=hex_color(color))
    )
    insert_ordered(ppr, border)


def _space(
    paragraph: Para, role: Role, *, before: float | None = None, after: float | None = None
) -> None:
    """Direct paragraph spacing (the contents and cover are tighter than their roles)."""
    ppr = p_element(paragraph).get_or_add_pPr()
    for old in ppr.findall(qn("w:spacing")):
        ppr.remove(old)
    insert_ordered(
        ppr,
        el(
            "w:spacing",
            before=str(twips(role.space_before if before is None else before)),
            after=str(twips(role.space_after if after is None else after)),
            **line_spacing(role),
        ),
    )


def _wrap(text: str, measure: Callable[[str], float], width: float) -> list[str]:
    """``text`` broken at spaces into lines of at most ``width`` points, greedily.

    As reportlab breaks a paragraph without hyphenation: a word goes on the line if the
    line with it still fits, and a word wider than the line has a line of its own.

    >>> _wrap("aa bb cc", len, 5)
    ['aa bb', 'cc']
    """
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if current and measure(candidate) > width:
            lines.append(current)
            current = word
        else:
            current = candidate
    return [*lines, current]


def _internal_link(p: Elem, anchor: str) -> Elem:
    link = el("w:hyperlink", anchor=bookmark_name(anchor), history="1")
    p.append(link)
    return link
