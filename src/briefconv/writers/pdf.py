"""The PDF writer: an :class:`Article` in a :class:`Style` as a PDF handout (reportlab).

A briefing pack (cover, "In this pack" with page numbers, running headers, classification
marking) is built by :mod:`._pdf_pack` from the same story pieces; ``write(article)`` is
``write_pack(handout(article))``, which renders exactly the one-article handout below.

What reportlab gets wrong when used naively, and what this module does instead
(numbers refer to ``PITFALLS.md``):

* Paragraph text is markup (1): all reportlab markup is made by :func:`_markup` from
  flattened model runs, every fragment escaped, links only for allow-listed schemes.
* Silent glyph loss (2): the style's TTF families are registered by absolute path with all
  four faces (:mod:`briefconv.fonts.metrics`), the standard-14 fonts are never used (not
  even for the footer or the canvas's initial font), and every character is checked against the face
  it is drawn in, with one warning naming what is missing.
* Page X of Y (7): the document is laid out once and each footer is a PDF form defined
  after the last page, when the count is known (:class:`._pdf_flowables.FinishingCanvas`),
  so bookmarks stay on their pages (the ``NumberedCanvas`` recipe sends them all to
  page 1) and nothing is laid out twice.
* Hyphenation (7): reportlab's own never breaks Ukrainian words with і/ї/є/ґ or Greek, so
  pyphen inserts soft hyphens (U+00AD) instead; reportlab draws a hyphen only where it
  breaks a line there and strips the others, so extracted text has no stray U+00AD.
* Reproducibility (4): ``invariant`` output, dates from :func:`document_datetime` only.
* Start-up cost: faces are registered when first used (:mod:`briefconv.fonts.metrics`), parsed fonts
  and hyphenation dictionaries come from an on-disk cache (:mod:`briefconv._cache`).

Example::

    >>> from briefconv.model import Article, ArticleMeta, Paragraph, Text
    >>> from briefconv.styles import load_style
    >>> art = Article(ArticleMeta(title="Talks"), (Paragraph((Text("Hello."),)),))
    >>> PdfWriter().write(art, load_style()).startswith(b"%PDF-")
    True
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import io
import logging
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, assert_never

import pyphen
from reportlab.lib.colors import HexColor
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import BaseDocTemplate, Frame, Image, PageTemplate, Paragraph
from reportlab.platypus.flowables import HRFlowable

from briefconv import model
from briefconv._cache import cached
from briefconv.fonts.metrics import Face, FontSet, report_missing_glyphs
from briefconv.model import (
    Article,
    Block,
    BulletList,
    Figure,
    Heading,
    Inline,
    OrderedList,
    Pack,
    Quote,
    ThematicBreak,
    plain_text,
)
from briefconv.pack import handout, heading_id
from briefconv.styles import Align, Role, Style
from briefconv.wording import ATTRIBUTION_DASH, byline
from briefconv.writers._dates import document_datetime
from briefconv.writers._links import safe_url
from briefconv.writers._pdf_flowables import (
    BoxLook,
    FinishingCanvas,
    HeadingParagraph,
    OutlineEntry,
    QuoteBox,
    define_form,
)
from briefconv.writers._runs import Run, flatten
from briefconv.writers.options import PdfOptions

__all__ = ["PdfWriter"]

_log = logging.getLogger("briefconv")

_SOFT_HYPHEN = "\u00ad"
# Words pyphen may break: letters only (no digits, no "_"), at least five of them, the
# same minimum reportlab uses for its own hyphenation.
_WORD = re.compile(r"[^\W\d_]{5,}")
_BULLET = "•"
_BULLETS = (_BULLET, "◦", "▪")
#: Nested lists stop indenting further once their labels start this far into the frame.
_MAX_LIST_INDENT = 0.4
#: Points per pixel at the 96 dpi a browser assumes for an image without a size.
_PX = 72 / 96
_QUOTE_RULE_WIDTH = 3.0
_RENDER_LOCK = threading.Lock()
#: Bumped when what the hyphenation cache stores changes; part of its key.
_HYPH_PAYLOAD = "pyphen-hyphdict 1"


class PdfWriter:
    """Writes an article as a PDF handout with embedded fonts, outline and page numbers.

    Stateless between calls: fonts are registered once per process (idempotently) and
    everything else lives in locals of :meth:`write`.
    """

    name: ClassVar[str] = "pdf"
    extension: ClassVar[str] = ".pdf"
    media_type: ClassVar[str] = "application/pdf"
    description: ClassVar[str] = "PDF with embedded fonts (reportlab)"

    def write(self, article: Article, style: Style) -> bytes:
        """Render ``article`` in ``style``; return the bytes of the PDF file."""
        return self.write_pack(handout(article), style)

    def write_pack(self, pack: Pack, style: Style) -> bytes:
        """Render ``pack`` in ``style``; return the bytes of the PDF file.

        A pack whose layout makes the article title the document title
        (:func:`briefconv.pack.handout`) is the one-article handout;
        any other is a briefing pack with cover, contents and running headers.
        """
        # reportlab shares each registered TTFont between documents, and subsetting a face
        # moves a file position inside it: two threads building at once can embed a
        # broken subset or raise IndexError. Builds in one process therefore take turns.
        with _RENDER_LOCK:
            if pack.layout.title_role == "title":
                return self._write(pack.articles[0].article, style)
            # Imported here: the pack module builds on this one's story helpers.
            from briefconv.writers._pdf_pack import write_pack

            return write_pack(pack, style)

    def _write(self, article: Article, style: Style) -> bytes:
        fonts = FontSet(style)
        hyphenate = _hyphenator(article.meta.language, PdfOptions.of(style).hyphenate)
        first = _StoryBuilder(article, style, fonts, hyphenate)
        story = first.build()
        footer_face = fonts.face(style.role("footer"))
        report_missing_glyphs([*first.texts, (_footer_text(1234567890, 0), footer_face)])
        _warn_unsafe_links(first.unsafe_links)
        _warn_problems(first.problems)

        # Laid out once: each footer is a form defined when the page count is known.
        return _render(article, style, footer_face, story).data


def _warn_unsafe_links(links: list[str]) -> None:
    """Log, once per document (not per build pass), the links shown as plain text."""
    if links:
        _log.warning(
            "PDF: %d link(s) with a scheme other than http, https or mailto shown as "
            "plain text: %s",
            len(links),
            ", ".join(repr(u[:100]) for u in dict.fromkeys(links)),
        )


def _warn_problems(problems: list[str]) -> None:
    """Log each content problem the first build pass noted, once per document."""
    for problem in dict.fromkeys(problems):
        _log.warning("%s", problem)


# --- markup: the only place reportlab markup is made (PITFALLS 1) -----------------------


def _markup(
    runs: Iterable[Run],
    *,
    link_color: str,
    hyphenate: Callable[[str], str],
    unsafe: list[str],
    mono: Callable[[Run], str] | None = None,
) -> str:
    r"""Build reportlab paragraph markup for ``runs``; nothing from the input stays markup.

    Every text fragment is escaped, attribute values additionally escape ``"``, and only
    URLs :func:`safe_url` accepts become links; others are rendered as their text and
    appended to ``unsafe``, for the caller to report. A line-break run becomes ``<br/>``.
    A code run is set, never hyphenated, in the font ``mono(run)`` names: the registered
    name of the exact mono face, weight and slant included, because reportlab's
    ``<font name>`` resets bold and italic. Without ``mono`` it stays in the paragraph's
    font.

    >>> _markup([Run("a<b> & c", bold=True)], link_color="#000000", hyphenate=str, unsafe=[])
    '<b>a&lt;b&gt; &amp; c</b>'
    >>> _markup(
    ...     [Run("x"), Run("\n", line_break=True), Run("<y>", code=True)],
    ...     link_color="#000000", hyphenate=str, unsafe=[], mono=lambda run: "m-r",
    ... )
    'x<br/><font name="m-r">&lt;y&gt;</font>'
    """
    parts: list[str] = []
    for run in _space_leads(runs):
        if run.line_break:
            parts.append("<br/>")
            continue
        if run.code and mono is not None:
            name = _escape(mono(run), quote=True)
            text = f'<font name="{name}">{_escape(run.text)}</font>'
        else:
            text = _escape(run.text if run.code else hyphenate(run.text))
            if run.italic:
                text = f"<i>{text}</i>"
            if run.bold:
                text = f"<b>{text}</b>"
        if run.url is not None:
            url = safe_url(run.url)
            if url is None:
                unsafe.append(run.url)
            else:
                href = _escape(url, quote=True)
                color = _escape(link_color, quote=True)
                text = f'<a href="{href}" color="{color}">{text}</a>'
        parts.append(text)
    return "".join(parts)


def _escape(text: str, *, quote: bool = False) -> str:
    """``text`` with ``&``, ``<`` and ``>`` (and with ``quote``, ``"``) as entities.

    What ``xml.sax.saxutils.escape`` does, without importing it: that module pulls in
    ``urllib.request``, ``http.client`` and ``ssl``, a tenth of the writer's start-up.

    >>> _escape('<a href="x">Tom & Jerry</a>', quote=True)
    '&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&lt;/a&gt;'
    """
    # "&" first, so the entities made after it are not escaped again.
    text = text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")
    return text.replace('"', "&quot;") if quote else text


def _space_leads(runs: Iterable[Run]) -> list[Run]:
    r"""Move whitespace that ends a run to the start of the next run.

    reportlab 5.1 loses the space after a soft-hyphenated word that ends a run (its
    ``_getFragWords`` ends such a word as "not followed by a space"), so "Istanbul. "
    followed by an italic "Nobody" would come out as "Istanbul.Nobody". A space that
    starts a run is kept on every path. Whitespace before a line break is dropped (it
    would only pad the end of the line); the break itself is kept.

    >>> [r.text for r in _space_leads([Run("a "), Run("b", italic=True), Run(" ")])]
    ['a', ' b ']
    >>> [r.text for r in _space_leads([Run("a "), Run("\n", line_break=True), Run("b")])]
    ['a', '\n', 'b']
    >>> [r.text for r in _space_leads([Run("a "), Run("c", code=True), Run(" b")])]
    ['a', ' ', 'c', ' b']
    """
    out: list[Run] = []
    carry = ""
    for run in runs:
        if run.line_break:
            carry = ""
            out.append(run)
            continue
        if run.code and carry:
            # A space set in the mono face is wider than the text's own: it stays a run
            # of its own, in the formatting it came from.
            source = out[-1] if out else Run("")
            out.append(dataclasses.replace(source, text=carry, code=False))
            carry = ""
        text = carry + run.text
        core = text.rstrip()
        carry = text[len(core) :]
        if core:
            out.append(dataclasses.replace(run, text=core))
    if carry:
        if out and not out[-1].line_break:
            out[-1] = dataclasses.replace(out[-1], text=out[-1].text + carry)
        else:
            out.append(Run(carry))
    return out


def _hyphenator(language: str, enabled: bool) -> Callable[[str], str]:
    """A function inserting soft hyphens into the words of a text, for ``language``.

    Returns the identity when hyphenation is off or pyphen has no dictionary for the
    language. Soft hyphens rather than reportlab's ``hyphenationLang``: reportlab only
    hyphenates words made of the letters it knows, which leaves out Ukrainian і/ї/є/ґ and
    all of Greek (PITFALLS 7).
    """
    if not enabled:
        return _identity
    tag = language.strip().replace("_", "-").split("-")
    candidates = [tag[0].lower()]
    if len(tag) > 1 and tag[1]:
        candidates.insert(0, f"{tag[0].lower()}_{tag[1].upper()}")
    lang = next((found for c in candidates if (found := pyphen.language_fallback(c))), None)
    if lang is None:
        _log.info("PDF: no hyphenation dictionary for language %r; not hyphenating", language)
        return _identity
    dic = _pyphen(lang)

    def word(match: re.Match[str]) -> str:
        return str(dic.inserted(match.group(0), hyphen=_SOFT_HYPHEN))

    def hyphenate(text: str) -> str:
        return _WORD.sub(word, text)

    return hyphenate


def _pyphen(lang: str) -> Any:
    """``pyphen.Pyphen(lang=lang)``, its dictionary read from the on-disk cache if there.

    Parsing a dictionary took longer than laying out a short article (German: half a
    second). pyphen keeps what it parsed in its module-level ``hdcache``, keyed by the
    file's path, and ``Pyphen()`` looks there first; seeding it with the cached
    ``HyphDict`` gives the very same patterns, so the same hyphens.
    """
    path = pyphen.LANGUAGES[lang]
    if path not in pyphen.hdcache:
        versions = (f"pyphen {pyphen.__version__}", _HYPH_PAYLOAD)
        parsed = cached("pyphen", path, versions, lambda: pyphen.HyphDict(path), pyphen.HyphDict)
        # setdefault: another thread may have seeded it meanwhile; keep the first.
        pyphen.hdcache.setdefault(path, parsed)
    return pyphen.Pyphen(lang=lang)


def _identity(text: str) -> str:
    return text


# --- styles: the role -> ParagraphStyle table --------------------------------------------


def _alignment(align: Align) -> int:
    """Map a style alignment to reportlab's TA_* constant (a string crashes at draw)."""
    match align:
        case "left":
            return int(TA_LEFT)
        case "center":
            return int(TA_CENTER)
        case "right":
            return int(TA_RIGHT)
        case "justify":
            return int(TA_JUSTIFY)
        case _:
            assert_never(align)


#: Paragraphs longer than this many characters are set as several flowables.
_CHUNK_CHARS = 4000


def _chunk_runs(runs: list[Run], limit: int = _CHUNK_CHARS) -> list[list[Run]]:
    """Split runs into chunks of at most about ``limit`` characters, at spaces.

    >>> [sum(len(r.text) for r in c) for c in _chunk_runs([Run("ab " * 5)], limit=6)]
    [6, 6, 3]
    """
    chunks: list[list[Run]] = [[]]
    size = 0
    for run in runs:
        text = run.text
        while size + len(text) > limit:
            cut = text.rfind(" ", 0, limit - size + 1)
            if cut <= 0:
                if size == 0:  # one word longer than the limit: keep it whole
                    cut = text.find(" ")
                    if cut < 0:
                        break
                else:
                    chunks.append([])
                    size = 0
                    continue
            head, text = text[: cut + 1], text[cut + 1 :]
            chunks[-1].append(dataclasses.replace(run, text=head))
            chunks.append([])
            size = 0
        if text:
            chunks[-1].append(dataclasses.replace(run, text=text))
            size += len(text)
    # Each chunk is a paragraph of its own, so a line break at either end of one is
    # already there; kept, it would add an empty line.
    out: list[list[Run]] = []
    for chunk in chunks:
        while chunk and chunk[0].line_break:
            chunk = chunk[1:]
        while chunk and chunk[-1].line_break:
            chunk = chunk[:-1]
        if chunk:
            out.append(chunk)
    return out


def _paragraph_style(
    name: str,
    role: Role,
    face: Face,
    *,
    keep_with_next: bool = False,
    boxed: bool = False,
    **overrides: Any,
) -> Any:
    """A reportlab ``ParagraphStyle`` for ``role`` set in ``face``.

    ``boxed`` is for paragraphs inside a :class:`QuoteBox`, which draws the role's indent,
    border and background itself.
    """
    options: dict[str, Any] = {
        "fontName": face.font_name,
        "fontSize": role.size,
        "leading": role.size * role.line_height,
        "textColor": HexColor(role.color),
        "alignment": _alignment(role.align),
        "spaceBefore": role.space_before,
        "spaceAfter": role.space_after,
        "leftIndent": 0.0 if boxed else role.indent,
        "bulletFontName": face.font_name,
        "bulletFontSize": role.size,
        # PITFALLS 7: no widows or orphans, headings kept with what follows, long words
        # (URLs) broken rather than run off the page.
        "allowWidows": 0,
        "allowOrphans": 0,
        "splitLongWords": 1,
        "keepWithNext": int(keep_with_next),
        # Hyphenation comes from soft hyphens (see _hyphenator), not from reportlab.
        "hyphenationLang": "",
        "embeddedHyphenation": 0,
    }
    if not boxed and role.background is not None:
        options["backColor"] = HexColor(role.background)
    if not boxed and role.border_color is not None:
        options.update(borderColor=HexColor(role.border_color), borderWidth=0.75)
    if not boxed and (role.background is not None or role.border_color is not None):
        options["borderPadding"] = role.size * 0.3
    options.update(overrides)
    return ParagraphStyle(name, **options)


# --- the story -------------------------------------------------------------------------


@dataclass
class _StoryBuilder:
    """Turns an article into reportlab flowables; notes each text with the face it uses."""

    article: Article
    style: Style
    fonts: FontSet
    hyphenate: Callable[[str], str]
    texts: list[tuple[str, Face]] = field(default_factory=list)
    unsafe_links: list[str] = field(default_factory=list)
    #: Warnings about content shown otherwise (e.g. an unreadable image), for the caller
    #: to log once per document rather than once per build pass.
    problems: list[str] = field(default_factory=list)
    #: Width and height of the text frame; the page less its margins when not given.
    frame: tuple[float, float] | None = None
    #: In a pack: the article's id, which prefixes every bookmark (ids unique in the pack).
    entry_id: str | None = None
    #: In a pack: parts appended to the byline, e.g. the reading time ("3 min read").
    byline_extra: tuple[str, ...] = ()
    _heading_stack: list[int] = field(default_factory=list)
    _heading_count: int = 0

    def build(self) -> list[Any]:
        """The whole story: title block, then every block in order."""
        story = self._title_block()
        for index, block in enumerate(self.article.blocks):
            story.extend(self._block(block, index))
        return story

    # -- helpers

    def _link_color(self) -> str:
        return self.style.role("link").color

    def _paragraph(
        self,
        runs: list[Run],
        role: Role,
        pstyle: Any,
        *,
        hyphenate: bool = True,
        cls: type[Any] = Paragraph,
        **kwargs: Any,
    ) -> Any:
        """A paragraph of ``runs`` in ``role``; records the text for the glyph check."""

        def face(run: Run) -> Face:
            return self.fonts.face(role, bold=run.bold, italic=run.italic, code=run.code)

        for run in runs:
            self.texts.append((run.text, face(run)))
        text = _markup(
            runs,
            link_color=self._link_color(),
            hyphenate=self.hyphenate if hyphenate else _identity,
            unsafe=self.unsafe_links,
            mono=lambda run: face(run).font_name,
        )
        return cls(text, pstyle, **kwargs)

    def _frame_size(self) -> tuple[float, float]:
        if self.frame is not None:
            return self.frame
        page = self.style.page
        return (
            page.width - page.margin_left - page.margin_right,
            page.height - page.margin_top - page.margin_bottom,
        )

    def _role_style(self, role_name: str, **kwargs: Any) -> tuple[Role, Any]:
        role = self.style.role(role_name)
        return role, _paragraph_style(role_name, role, self.fonts.face(role), **kwargs)

    # -- title block

    def _title_block(self) -> list[Any]:
        meta = self.article.meta
        story: list[Any] = []
        role, pstyle = self._role_style("title", keep_with_next=True)
        title = self._paragraph(
            [Run(meta.title)], role, pstyle, hyphenate=False, cls=HeadingParagraph
        )
        title.outline = OutlineEntry(_plain(meta.title) or "Untitled", self.entry_id or "title", 0)
        story.append(title)
        if meta.subtitle:
            role, pstyle = self._role_style("subtitle", keep_with_next=True)
            story.append(self._paragraph([Run(meta.subtitle)], role, pstyle, hyphenate=False))
        byline = self._byline_runs()
        if byline:
            role, pstyle = self._role_style("byline", keep_with_next=True)
            story.append(self._paragraph(byline, role, pstyle, hyphenate=False))
        rule_role = self.style.role("title")
        story.append(
            HRFlowable(
                width="100%",
                thickness=0.8,
                color=HexColor(rule_role.color),
                spaceBefore=0,
                spaceAfter=self.style.role("byline").space_after,
            )
        )
        return story

    def _byline_runs(self) -> list[Run]:
        """Byline runs, e.g. "By A and B · Example News · 2025-06-02", source linked."""
        return flatten(byline(self.article.meta, extra=self.byline_extra))

    # -- blocks

    def _block(self, block: Block, index: int) -> list[Any]:
        match block:
            case Heading(level=level, children=children):
                return [self._heading(level, children, index)]
            case model.Paragraph(children=children):
                role, pstyle = self._role_style("body")
                chunks = _chunk_runs(flatten(children))
                if not chunks:  # nothing visible (no text, or line breaks only)
                    return []
                if len(chunks) == 1:
                    return [self._paragraph(chunks[0], role, pstyle)]
                # A huge paragraph becomes several flowables that read as one: reportlab
                # re-wraps a whole paragraph each time it splits it across a page, which
                # took minutes for a 1 MB paragraph (quadratic); chunks keep it linear.
                first = copy.copy(pstyle)
                first.spaceAfter = 0
                middle = copy.copy(first)
                middle.spaceBefore = 0
                last = copy.copy(pstyle)
                last.spaceBefore = 0
                styles = [first] + [middle] * (len(chunks) - 2) + [last]
                return [
                    self._paragraph(chunk, role, st)
                    for chunk, st in zip(chunks, styles, strict=True)
                ]
            case Quote(paragraphs=paragraphs, attribution=attribution):
                return self._quote(paragraphs, attribution)
            case BulletList() | OrderedList():
                return self._list(block)
            case ThematicBreak():
                return [self._thematic_break()]
            case Figure(alt=alt, path=path):
                return self._figure(alt, path)
            case _:
                assert_never(block)

    def _heading(self, level: int, children: tuple[Inline, ...], index: int) -> Any:
        role_name = _heading_role(level)
        role, pstyle = self._role_style(role_name, keep_with_next=True)
        paragraph = self._paragraph(
            flatten(children), role, pstyle, hyphenate=False, cls=HeadingParagraph
        )
        # Outline depth from the nesting of heading levels, under the title (depth 0):
        # a level-3 heading right after a level-1 one nests one deeper, never two, since
        # reportlab rejects an outline entry more than one level below the previous one.
        while self._heading_stack and self._heading_stack[-1] >= level:
            self._heading_stack.pop()
        self._heading_stack.append(level)
        self._heading_count += 1
        paragraph.outline = OutlineEntry(
            _plain(plain_text(children)) or f"Section {self._heading_count}",
            heading_id(self.entry_id, index) if self.entry_id else f"h{self._heading_count}",
            len(self._heading_stack),
        )
        return paragraph

    def _quote(
        self, paragraphs: tuple[model.Paragraph, ...], attribution: tuple[Inline, ...]
    ) -> list[Any]:
        role, pstyle = self._role_style("quote", boxed=True)
        content = [self._paragraph(flatten(p.children), role, pstyle) for p in paragraphs]
        if attribution:
            arole, astyle = self._role_style("quote_attribution", boxed=True)
            runs = [Run(ATTRIBUTION_DASH), *flatten(attribution)]
            content.append(self._paragraph(runs, arole, astyle, hyphenate=False))
        if not content:
            return []
        look = BoxLook(
            indent_left=role.indent,
            indent_right=role.indent,
            padding=role.size * 0.75,
            rule_width=_QUOTE_RULE_WIDTH if role.border_color else 0.0,
            rule_color=role.border_color,
            background=role.background,
        )
        return [
            QuoteBox(content, look, space_before=role.space_before, space_after=role.space_after)
        ]

    def _list(self, block: BulletList | OrderedList) -> list[Any]:
        """Items as paragraphs with hanging labels; nested lists indented under their item.

        Each nested list starts its labels where its parent item's text starts, so depth
        shows at any nesting; past :data:`_MAX_LIST_INDENT` of the frame it stops growing.
        """
        role = self.style.role("list")
        face = self.fonts.face(role)
        max_base = self._frame_size()[0] * _MAX_LIST_INDENT
        entries: list[tuple[tuple[Inline, ...], str, float, float]] = []
        self._list_entries(block, 0, 0.0, max_base, entries)
        # The last item is followed by the space a body paragraph leaves, not a list gap.
        body_after = self.style.role("body").space_after
        styles: dict[tuple[float, float, bool], Any] = {}
        out: list[Any] = []
        for i, (item, label, bullet_indent, left) in enumerate(entries):
            last = i == len(entries) - 1
            key = (bullet_indent, left, last)
            if key not in styles:
                styles[key] = _paragraph_style(
                    f"list-{len(styles)}",
                    role,
                    face,
                    leftIndent=left,
                    bulletIndent=bullet_indent,
                    spaceAfter=max(role.space_after, body_after) if last else role.space_after,
                )
            out.append(self._paragraph(flatten(item), role, styles[key], bulletText=label))
        return out

    def _list_entries(
        self,
        block: BulletList | OrderedList,
        depth: int,
        base: float,
        max_base: float,
        out: list[tuple[tuple[Inline, ...], str, float, float]],
    ) -> None:
        """Append ``(item, label, bullet indent, text indent)`` for a list and its sublists."""
        role = self.style.role("list")
        face = self.fonts.face(role)
        match block:
            case BulletList(items=items):
                labels = [_bullet(depth, face)] * len(items)
            case OrderedList(items=items, start=start):
                labels = [f"{start + i}." for i in range(len(items))]
            case _:
                assert_never(block)
        for label in labels:
            self.texts.append((label, face))
        label_width = max((stringWidth(lb, face.font_name, role.size) for lb in labels), default=0)
        gap = role.size * 0.5
        bullet_indent = base + max(role.indent - label_width - gap, 0.0)
        left = bullet_indent + label_width + gap
        nested: dict[int, list[BulletList | OrderedList]] = {}
        for index, sub in block.sublists:
            # An index past the items (malformed input) goes after the last item: shown,
            # never dropped.
            nested.setdefault(min(max(index, 0), len(items) - 1), []).append(sub)
        for i, (item, label) in enumerate(zip(items, labels, strict=True)):
            out.append((item, label, bullet_indent, left))
            for sub in nested.get(i, []):
                self._list_entries(sub, depth + 1, min(left, max_base), max_base, out)
        if not items:
            for _index, sub in block.sublists:
                self._list_entries(sub, depth + 1, min(base, max_base), max_base, out)

    def _thematic_break(self) -> Any:
        """A short centred rule with a line of space above and below."""
        body = self.style.role("body")
        return HRFlowable(
            width="25%",
            thickness=0.8,
            color=HexColor(body.color),
            hAlign="CENTER",
            spaceBefore=body.size * body.line_height,
            spaceAfter=body.size * body.line_height,
        )

    def _figure(self, alt: str, path: str | None) -> list[Any]:
        """An image scaled to the frame, centred, with its alt text as a caption below.

        reportlab cannot tag alt text, so the caption carries it. A remote or refused
        image (no ``path``) or one that cannot be read is shown as its alt text instead.
        """
        if path is None:
            return [self._image_placeholder(alt)]
        try:
            data = Path(path).read_bytes()
            reader = ImageReader(io.BytesIO(data))
            width_px, height_px = reader.getSize()
            # Decode it all now: a truncated file otherwise fails only when it is drawn.
            reader.getRGBData()
            if width_px <= 0 or height_px <= 0:
                raise ValueError("the image has no size")
        except Exception as exc:  # PIL raises many types (OSError, SyntaxError, ...)
            self.problems.append(
                f"PDF: image {path!r} cannot be read ({type(exc).__name__}: {exc}); "
                "its alt text is shown instead"
            )
            return [self._image_placeholder(alt)]
        frame_width, frame_height = self._frame_size()
        body = self.style.role("body")
        caption = self.style.role("byline")
        gap = caption.size / 3
        if alt.strip():
            # Room for a one-line caption, so that a page-high image keeps it on its page.
            frame_height -= gap + caption.size * caption.line_height + 1.0
        # Natural size at 96 dpi, never upscaled; fits the frame's width and height.
        width, height = width_px * _PX, height_px * _PX
        scale = min(1.0, frame_width / width, max(frame_height, 1.0) / height)
        image = Image(io.BytesIO(data), width=width * scale, height=height * scale)
        image.hAlign = "CENTER"
        image.spaceBefore = body.space_after
        if not alt.strip():
            image.spaceAfter = body.space_after
            return [image]
        image.spaceAfter = 0
        image.keepWithNext = 1
        role, pstyle = self._role_style(
            "byline",
            alignment=TA_CENTER,
            leftIndent=0,
            rightIndent=0,
            spaceBefore=gap,
            spaceAfter=max(body.space_after, caption.space_after / 2),
        )
        return [image, self._paragraph([Run(alt)], role, pstyle, hyphenate=False)]

    def _image_placeholder(self, alt: str) -> Any:
        """The italic "[Image: alt]" paragraph shown for an image that is not drawn."""
        role, pstyle = self._role_style("body")
        label = f"[Image: {alt}]" if alt.strip() else "[Image]"
        return self._paragraph([Run(label, italic=True)], role, pstyle)


def _bullet(depth: int, face: Face) -> str:
    """The bullet for a nesting depth (•, ◦, ▪, then again), one the face can draw."""
    bullet = _BULLETS[depth % len(_BULLETS)]
    return bullet if face.has_glyph(bullet) else _BULLET


def _heading_role(level: int) -> str:
    """Style role for a heading level: levels deeper than 3 share ``heading3``."""
    match level:
        case 1:
            return "heading1"
        case 2:
            return "heading2"
        case _:
            return "heading3"


def _plain(text: str) -> str:
    """Text with runs of whitespace collapsed, for outline entries and metadata."""
    return " ".join(text.split())


def _footer_text(page: int, total: int) -> str:
    return f"Page {page} of {total}"


# --- the document ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Rendered:
    data: bytes
    pages: int


class _Document(BaseDocTemplate):  # type: ignore[misc]  # reportlab has no type stubs
    """A one-frame document that shows its outline and stamps the article's date."""

    def __init__(self, *args: Any, pdf_date: str, **kwargs: Any) -> None:
        self._pdf_date = pdf_date
        super().__init__(*args, **kwargs)

    def beforeDocument(self) -> None:
        """Open with the outline visible; date the file from the article, not the clock."""
        self.canv.showOutline()
        pdf_date = self._pdf_date
        self.canv.setDateFormatter(lambda *_: pdf_date)
        # reportlab seeds the file's /ID with SOURCE_DATE_EPOCH when it is set, even in
        # invariant mode, so a dated pack's bytes would change with it: seed with our date.
        doc = self.canv._doc
        doc.signature = hashlib.md5(usedforsecurity=False)
        doc.signature.update(pdf_date.encode("ascii"))


def _render(
    article: Article,
    style: Style,
    footer_face: Face,
    story: list[Any],
) -> _Rendered:
    """Lay ``story`` out once into a PDF; the footers' page count is filled in at the end.

    Each page draws a form of its own for its footer, defined after the last page, when
    the count is known (:class:`FinishingCanvas`): a form per page, since a centred or
    right-aligned footer moves with the width of the count.
    """
    meta = article.meta
    page = style.page
    footer = style.role("footer")
    when = document_datetime(article)
    pages = [0]

    def form_name(number: int) -> str:
        return f"briefconv-footer-{number}"

    def on_page(canv: Any, doc: Any) -> None:
        pages[0] = doc.page
        canv.doForm(form_name(doc.page))

    def finish(canv: Any) -> None:
        for number in range(1, pages[0] + 1):
            with define_form(canv, form_name(number)):
                draw_footer(canv, _footer_text(number, pages[0]))

    def draw_footer(canv: Any, text: str) -> None:
        canv.saveState()
        canv.setFont(footer_face.font_name, footer.size)
        canv.setFillColor(HexColor(footer.color))
        y = max(page.margin_bottom * 0.45, footer.size)
        match footer.align:
            case "left" | "justify":
                canv.drawString(page.margin_left, y, text)
            case "center":
                canv.drawCentredString(
                    page.margin_left + (page.width - page.margin_left - page.margin_right) / 2,
                    y,
                    text,
                )
            case "right":
                canv.drawRightString(page.width - page.margin_right, y, text)
            case _:
                assert_never(footer.align)
        canv.restoreState()

    keywords = [meta.source] if meta.source else []
    buf = io.BytesIO()
    doc = _Document(
        buf,
        pdf_date=when.strftime("D:%Y%m%d%H%M%S+00'00'"),
        pagesize=(page.width, page.height),
        leftMargin=page.margin_left,
        rightMargin=page.margin_right,
        topMargin=page.margin_top,
        bottomMargin=page.margin_bottom,
        title=_plain(meta.title),
        author=", ".join(_plain(a) for a in meta.authors),
        subject=_plain(meta.subtitle or meta.source or ""),
        keywords=keywords,
        creator="briefconv",
        lang=meta.language,
        displayDocTitle=True,
        # PITFALLS 4: fixed document ID and no timestamps from the clock.
        invariant=1,
        pageCompression=1,
        # The canvas would otherwise start every page in Helvetica, which then appears
        # unembedded in the page resources (PITFALLS 2).
        initialFontName=footer_face.font_name,
        initialFontSize=footer.size,
    )
    frame = Frame(
        page.margin_left,
        page.margin_bottom,
        page.width - page.margin_left - page.margin_right,
        page.height - page.margin_top - page.margin_bottom,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="body",
    )
    # Drawn when the page ends, so the footer comes after the body in extracted text.
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame], onPageEnd=on_page)])
    doc.build(story, canvasmaker=FinishingCanvas.maker(finish))
    return _Rendered(buf.getvalue(), pages[0])
