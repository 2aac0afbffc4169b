"""One article's story: the title block, every block as reportlab flowables, its notes.

Footnotes are numbered from 1 in each article, in reading order, as their marks are set;
the notes follow the article under a "Notes" heading (see :meth:`StoryBuilder.build`).
"""

from __future__ import annotations

import copy
import dataclasses
import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, assert_never

from reportlab.lib.colors import HexColor
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import LongTable, TableStyle
from reportlab.platypus.flowables import HRFlowable

from briefconv import model
from briefconv.fonts.metrics import Face, FontSet
from briefconv.model import (
    Align,
    Article,
    Block,
    BulletList,
    CodeBlock,
    Figure,
    Heading,
    Inline,
    Note,
    OrderedList,
    Quote,
    Table,
    ThematicBreak,
    plain_text,
)
from briefconv.pack import heading_id
from briefconv.styles import Role, Style
from briefconv.wording import ATTRIBUTION_DASH, byline, image_text, labels, one_line, untitled
from briefconv.writers._blocks import (
    BREAK_THICKNESS,
    BREAK_WIDTH,
    FIGURE_SPACE_AFTER,
    FIGURE_SPACE_BEFORE,
    LIST_GAP,
    break_space,
    caption_role,
    quote_box,
)
from briefconv.writers._runs import Run, emphasised, flatten, mark_floor
from briefconv.writers.pdf._code import CONTINUATION_MARKS, CodeBox, CodeLook, code_lines
from briefconv.writers.pdf._flowables import (
    BoxLook,
    DisplayParagraph,
    HeadingParagraph,
    HeadingRoom,
    NoteBox,
    OutlineEntry,
    QuoteBox,
    TaggedImage,
    TextParagraph,
)
from briefconv.writers.pdf._styles import alignment, heading_role, paragraph_style
from briefconv.writers.pdf._table import column_widths
from briefconv.writers.pdf._tags import Node, Structure
from briefconv.writers.pdf._text import NoteMark, chunk_runs, identity, markup, note_label

__all__ = ["StoryBuilder"]

_BULLET = "•"
_BULLETS = (_BULLET, "◦", "▪")
#: Nested lists stop indenting further once their labels start this far into the frame.
_MAX_LIST_INDENT = 0.4
#: Points per pixel at the 96 dpi a browser assumes for an image without a size.
_PX = 72 / 96
#: Task-list boxes: ticked (done) and open.
_DONE, _OPEN = "☒", "☐"
#: Table rules when the ``table`` role names no border colour.
_TABLE_RULE = "#B4BAC4"


@dataclass
class StoryBuilder:
    """Turns an article into reportlab flowables; notes each text with the face it uses."""

    article: Article
    style: Style
    fonts: FontSet
    hyphenate: Callable[[str], str]
    #: Width and height of the text frame, which images and nested lists must fit.
    frame: tuple[float, float]
    texts: list[tuple[str, Face]] = field(default_factory=list)
    unsafe_links: list[str] = field(default_factory=list)
    #: Warnings about content shown otherwise (e.g. an unreadable image), for the caller
    #: to log once per document rather than once per build pass.
    problems: list[str] = field(default_factory=list)
    #: An article under a pack's heading: its id, which prefixes every bookmark (ids
    #: unique in the pack). ``None`` for the document's title: bookmarks "title", "h1"...
    entry_id: str | None = None
    #: Parts appended to the byline, e.g. a pack's reading time ("3 min read").
    byline_extra: tuple[str, ...] = ()
    #: In a tagged PDF, the document's structure and the element the article's elements
    #: go under (the ``Document``, or the article's ``Sect`` in a pack); else ``None``.
    structure: Structure | None = None
    parent: Node | None = None
    _parents: list[Node] = field(default_factory=list)
    _heading_stack: list[int] = field(default_factory=list)
    _heading_count: int = 0
    #: The article's footnotes so far, numbered in the order their marks were set.
    _notes: list[tuple[NoteMark, Note]] = field(default_factory=list)

    def build(self) -> list[Any]:
        """The whole story: title block, every block in order, then the article's notes.

        Each run of headings is preceded by a :class:`HeadingRoom`, which starts a new
        page unless the headings fit with the start of what follows them.
        """
        if self.parent is not None:
            self._parents = [self.parent]
        story = self._title_block()
        body: list[Any] = []
        for index, block in enumerate(self.article.blocks):
            body.extend(self._block(block, index))
        body.extend(self._notes_section())
        return story + _make_room_for_headings(body)

    # -- helpers

    def _node(self, role: str, **kwargs: Any) -> Node | None:
        """A new structure element under the current one (``None`` in an untagged PDF)."""
        if not self._parents:
            return None
        return self._parents[-1].add(role, **kwargs)

    @contextmanager
    def _within(self, node: Node | None) -> Iterator[None]:
        """The elements made inside go under ``node``."""
        if node is None:
            yield
            return
        self._parents.append(node)
        try:
            yield
        finally:
            self._parents.pop()

    def _describe_links(self, runs: list[Run]) -> None:
        """Note each link's text as its description (the annotation's ``/Contents``)."""
        if self.structure is None:
            return
        texts: dict[str, list[str]] = {}
        for run in runs:
            if run.url is not None:
                texts.setdefault(run.url, []).append(run.text)
        for url, parts in texts.items():
            self.structure.describe(url, "".join(parts))

    def _link_color(self) -> str:
        return self.style.role("link").color

    def _paragraph(
        self,
        runs: list[Run],
        role: Role,
        pstyle: Any,
        *,
        hyphenate: bool = True,
        cls: type[Any] = TextParagraph,
        tag: Node | None = None,
        **kwargs: Any,
    ) -> Any:
        """A paragraph of ``runs`` in ``role``; records the text for the glyph check.

        Emphasis is set as the style says (bold in a style without italics). ``tag`` is
        its structure element in a tagged PDF.
        """
        runs = emphasised(runs, self.style.emphasis)
        self._describe_links(runs)

        def face(run: Run) -> Face:
            return self.fonts.face(role, bold=run.bold, italic=run.italic, code=run.code)

        for run in runs:
            # A footnote's mark has no text of its own: it is drawn as digits.
            self.texts.append((run.text if run.note is None else "0123456789", face(run)))
        text = markup(
            runs,
            link_color=self._link_color(),
            hyphenate=self.hyphenate if hyphenate else identity,
            unsafe=self.unsafe_links,
            mono=lambda run: face(run).font_name,
            notes=self._note_mark,
            mark_size=self._mark_size(role),
        )
        paragraph = cls(text, pstyle, **kwargs)
        paragraph.tag = tag
        return paragraph

    def _mark_size(self, role: Role) -> float | None:
        """The size of a footnote's mark in ``role``'s text; ``None``: reportlab's own.

        reportlab sets a superscript 2 pt (at most a fifth) smaller than its text; in a
        style that allows no text smaller than its body (large print) the mark keeps the
        smallest size the style has (see :func:`~briefconv.writers._runs.mark_floor`).
        """
        floor = mark_floor(self.style)
        if floor is None or role.size - min(2.0, 0.2 * role.size) >= floor:
            return None
        return min(floor, role.size)

    def _role_style(self, role_name: str, **kwargs: Any) -> tuple[Role, Any]:
        role = self.style.role(role_name)
        return role, paragraph_style(role_name, role, self.fonts.face(role), **kwargs)

    # -- title block

    def _title_block(self) -> list[Any]:
        meta = self.article.meta
        story: list[Any] = []
        role, pstyle = self._role_style("title", keep_with_next=True)
        title = self._paragraph(
            [Run(meta.title)],
            role,
            pstyle,
            hyphenate=False,
            cls=HeadingParagraph,
            tag=self._node("H1"),
        )
        title.outline = OutlineEntry(
            untitled(meta.title, meta.language), self.entry_id or "title", 0
        )
        story.append(title)
        if meta.subtitle:
            role, pstyle = self._role_style("subtitle", keep_with_next=True)
            story.append(
                self._paragraph(
                    [Run(meta.subtitle)],
                    role,
                    pstyle,
                    hyphenate=False,
                    cls=DisplayParagraph,
                    tag=self._node("P"),
                )
            )
        byline = self._byline_runs()
        if byline:
            role, pstyle = self._role_style("byline", keep_with_next=True)
            story.append(
                self._paragraph(byline, role, pstyle, hyphenate=False, tag=self._node("P"))
            )
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
                return self._text_paragraphs(children, role, pstyle)
            case Quote(paragraphs=paragraphs, attribution=attribution):
                return self._quote(paragraphs, attribution)
            case BulletList() | OrderedList():
                return self._list(block)
            case ThematicBreak():
                return [self._thematic_break()]
            case Figure(alt=alt, path=path):
                return self._figure(alt, path)
            case CodeBlock(text=text):
                return [self._code(text)]
            case Table():
                return [self._table(block)]
            case _:
                assert_never(block)

    def _text_paragraphs(self, children: tuple[Inline, ...], role: Role, pstyle: Any) -> list[Any]:
        """A paragraph's flowables: one, or several that read as one for a huge paragraph."""
        chunks = chunk_runs(flatten(children))
        if not chunks:  # nothing visible (no text, or line breaks only)
            return []
        # One element however many flowables it takes.
        tag = self._node("P")
        if len(chunks) == 1:
            return [self._paragraph(chunks[0], role, pstyle, tag=tag)]
        # A huge paragraph becomes several flowables that read as one: reportlab re-wraps
        # a whole paragraph each time it splits it across a page, which took minutes for a
        # 1 MB paragraph (quadratic); chunks keep it linear.
        first = copy.copy(pstyle)
        first.spaceAfter = 0
        middle = copy.copy(first)
        middle.spaceBefore = 0
        last = copy.copy(pstyle)
        last.spaceBefore = 0
        styles = [first] + [middle] * (len(chunks) - 2) + [last]
        return [
            self._paragraph(chunk, role, st, tag=tag)
            for chunk, st in zip(chunks, styles, strict=True)
        ]

    def _heading(self, level: int, children: tuple[Inline, ...], index: int) -> Any:
        # Not keepWithNext: that keeps it with the whole next paragraph (HeadingRoom).
        role_name = heading_role(level)
        role, pstyle = self._role_style(role_name)
        # Outline depth from the nesting of heading levels, under the title (depth 0):
        # a level-3 heading right after a level-1 one nests one deeper, never two, since
        # reportlab rejects an outline entry more than one level below the previous one.
        # The tagged heading's level is the same depth below the title's H1: no level
        # skipped (PDF/UA 7.4.2).
        while self._heading_stack and self._heading_stack[-1] >= level:
            self._heading_stack.pop()
        self._heading_stack.append(level)
        tag = self._node(f"H{min(len(self._heading_stack) + 1, 6)}")
        paragraph = self._paragraph(
            flatten(children), role, pstyle, hyphenate=False, cls=HeadingParagraph, tag=tag
        )
        self._heading_count += 1
        paragraph.outline = OutlineEntry(
            # An empty heading still needs an outline title.
            one_line(plain_text(children))
            or labels(self.article.meta.language).section.format(n=self._heading_count),
            heading_id(self.entry_id, index) if self.entry_id else f"h{self._heading_count}",
            len(self._heading_stack),
        )
        return paragraph

    def _quote(
        self,
        paragraphs: tuple[model.Paragraph, ...],
        attribution: tuple[Inline, ...],
        *,
        size: float | None = None,
    ) -> list[Any]:
        """A quote box; ``size`` sets its text smaller than its roles say (in a note)."""
        role = self._sized("quote", size)
        box = quote_box(self.style)
        # Inside the box paragraphs are the body's paragraph gap apart; the box keeps the
        # space above and below itself (the same with or without an attribution).
        gap = self.style.role("body").space_after
        pstyle = paragraph_style(
            "quote", role, self.fonts.face(role), boxed=True, spaceBefore=0, spaceAfter=gap
        )
        quote = self._node("BlockQuote")
        content = [
            self._paragraph(
                flatten(p.children), role, pstyle, tag=quote.add("P") if quote else None
            )
            for p in paragraphs
        ]
        if attribution:
            arole = self._sized("quote_attribution", size)
            astyle = paragraph_style(
                "quote_attribution", arole, self.fonts.face(arole), boxed=True, spaceBefore=0
            )
            runs = [Run(ATTRIBUTION_DASH), *flatten(attribution)]
            content.append(
                self._paragraph(
                    runs, arole, astyle, hyphenate=False, tag=quote.add("P") if quote else None
                )
            )
        if not content:
            return []
        # In a note, set smaller, the padding shrinks with the type.
        scale = role.size / self.style.role("quote").size
        look = BoxLook(
            indent_left=box.indent,
            indent_right=box.indent,
            padding=box.padding * scale,
            rule_width=box.rule,
            rule_color=box.rule_color,
            background=box.background,
        )
        return [QuoteBox(content, look, space_before=box.space_before, space_after=box.space_after)]

    def _list(
        self,
        block: BulletList | OrderedList,
        *,
        role: Role | None = None,
        last_after: float | None = None,
    ) -> list[Any]:
        """Items as paragraphs with hanging labels; nested lists indented under their item.

        Each nested list starts its labels where its parent item's text starts, so depth
        shows at any nesting; past :data:`_MAX_LIST_INDENT` of the frame it stops growing.
        ``role`` is the items' role (``list``, or one set smaller in a note) and
        ``last_after`` the space after the last item (by default a body paragraph's).
        A task-list item shows ☒ (done) or ☐ (open): as its label in a bulleted list, after
        its number in a numbered one.
        """
        role = role or self.style.role("list")
        face = self.fonts.face(role)
        max_base = self.frame[0] * _MAX_LIST_INDENT
        entries: list[_ListEntry] = []
        self._list_entries(block, role, 0, 0.0, max_base, entries, self._parents[-1:])
        # The last item is followed by the space a body paragraph leaves, not a list gap.
        after = self.style.role("body").space_after if last_after is None else last_after
        styles: dict[tuple[float, float, str, bool], Any] = {}
        out: list[Any] = []
        for i, entry in enumerate(entries):
            last = i == len(entries) - 1
            key = (entry.bullet_indent, entry.left, entry.label_face.font_name, last)
            if key not in styles:
                styles[key] = paragraph_style(
                    f"list-{len(styles)}",
                    role,
                    face,
                    leftIndent=entry.left,
                    bulletIndent=entry.bullet_indent,
                    bulletFontName=entry.label_face.font_name,
                    spaceAfter=max(role.space_after, after) if last else role.space_after,
                )
            paragraph = self._paragraph(
                entry.runs, role, styles[key], bulletText=entry.label, tag=entry.body
            )
            paragraph.label_tag = entry.label_tag
            out.append(paragraph)
        return out

    def _list_entries(
        self,
        block: BulletList | OrderedList,
        role: Role,
        depth: int,
        base: float,
        max_base: float,
        out: list[_ListEntry],
        parent: list[Node],
    ) -> None:
        """Append an entry for each item of a list and of its sublists, in reading order.

        ``parent`` holds the element the list's ``L`` goes under, if tagged: a nested
        list's is its item's ``LBody``.
        """
        numbering = "Disc" if isinstance(block, BulletList) else "Decimal"
        tagged_list = (
            parent[0].add("L", attributes={"O": "List", "ListNumbering": numbering})
            if parent
            else None
        )
        face = self.fonts.face(role)
        box_face, box_is_code = self._box_face(role)
        checks = block.checks or (None,) * len(block.items)
        labels: list[tuple[str, Face]] = []
        items: list[list[Run]] = []
        for i, (item, check) in enumerate(zip(block.items, checks, strict=True)):
            runs = flatten(item)
            match block:
                case BulletList():
                    label = (_bullet(depth, face), face)
                case OrderedList(start=start):
                    label = (f"{start + i}.", face)
                case _:
                    assert_never(block)
            if check is not None:
                box = _DONE if check else _OPEN
                if isinstance(block, BulletList):
                    label = (box, box_face)  # the box stands for the bullet
                else:
                    # A code run is set in the mono face: the one that has the box.
                    runs = [Run(box, code=box_is_code), Run(" "), *runs]
            labels.append(label)
            items.append(runs)
        for text, label_face in labels:
            self.texts.append((text, label_face))
        label_width = max(
            (stringWidth(text, lf.font_name, role.size) for text, lf in labels), default=0
        )
        # reportlab starts a first line no nearer its bullet than LIST_GAP (0.6 x the size:
        # _handleBulletWidth); a smaller gap pushed the first line right of the others.
        gap = role.size * LIST_GAP
        bullet_indent = base + max(role.indent - label_width - gap, 0.0)
        left = bullet_indent + label_width + gap
        nested: dict[int, list[BulletList | OrderedList]] = {}
        for index, sub in block.sublists:
            # An index past the items (malformed input) goes after the last item: shown,
            # never dropped.
            nested.setdefault(min(max(index, 0), len(items) - 1), []).append(sub)
        for i, (runs, (text, label_face)) in enumerate(zip(items, labels, strict=True)):
            entry = tagged_list.add("LI") if tagged_list else None
            label_tag = entry.add("Lbl") if entry else None
            body = entry.add("LBody") if entry else None
            # The item's text first, then its nested lists.
            text_tag = body.slot() if body else None
            out.append(_ListEntry(runs, text, label_face, bullet_indent, left, text_tag, label_tag))
            for sub in nested.get(i, []):
                self._list_entries(
                    sub,
                    role,
                    depth + 1,
                    min(left, max_base),
                    max_base,
                    out,
                    [body] if body else [],
                )
        if not items:
            # Sublists with no item to hang from: list items of their own in this list.
            for _index, sub in block.sublists:
                holder = tagged_list.add("LI").add("LBody") if tagged_list else None
                self._list_entries(
                    sub,
                    role,
                    depth + 1,
                    min(base, max_base),
                    max_base,
                    out,
                    [holder] if holder else [],
                )

    def _box_face(self, role: Role) -> tuple[Face, bool]:
        """The face task boxes are set in, and whether it is the mono one (for code runs).

        The role's own face if it has both boxes (DejaVu Serif has neither), else the mono
        face if that has them; else the role's face, and the glyph check reports them.
        """
        face = self.fonts.face(role)
        if face.has_glyph(_DONE) and face.has_glyph(_OPEN):
            return face, False
        mono = self.fonts.face(role, code=True)
        if mono.has_glyph(_DONE) and mono.has_glyph(_OPEN):
            return mono, True
        return face, False

    def _sized(self, role_name: str, size: float | None) -> Role:
        """Role ``role_name``, set at ``size`` (its line height kept) if one is given."""
        role = self.style.role(role_name)
        return role if size is None else dataclasses.replace(role, size=size)

    def _thematic_break(self) -> Any:
        """A short centred rule with a line of space above and below."""
        body = self.style.role("body")
        return HRFlowable(
            width=f"{BREAK_WIDTH * 100:g}%",
            thickness=BREAK_THICKNESS,
            color=HexColor(body.color),
            hAlign="CENTER",
            spaceBefore=break_space(self.style),
            spaceAfter=break_space(self.style),
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
        frame_width, frame_height = self.frame
        caption = caption_role(self.style)
        if alt.strip():
            # Room for a one-line caption, so that a page-high image keeps it on its page.
            frame_height -= caption.space_before + caption.size * caption.line_height + 1.0
        # Natural size at 96 dpi, never upscaled; fits the frame's width and height.
        width, height = width_px * _PX, height_px * _PX
        scale = min(1.0, frame_width / width, max(frame_height, 1.0) / height)
        image = TaggedImage(io.BytesIO(data), width=width * scale, height=height * scale)
        image.hAlign = "CENTER"
        # A described image is a Figure whose /Alt is its description (a screen reader
        # reads that and skips the caption inside it, which says the same); one without
        # is decoration, an artifact.
        figure = self._node("Figure", alt=" ".join(alt.split())) if alt.strip() else None
        image.tag = figure.slot() if figure else None
        # The figure's space, the same in every format (writers._blocks).
        image.spaceBefore = FIGURE_SPACE_BEFORE
        if not alt.strip():
            image.spaceAfter = FIGURE_SPACE_AFTER
            return [image]
        image.spaceAfter = 0
        image.keepWithNext = 1
        pstyle = paragraph_style(
            "caption", caption, self.fonts.face(caption), alignment=TA_CENTER, rightIndent=0
        )
        caption_tag = figure.add("Caption") if figure else None
        return [
            image,
            self._paragraph([Run(alt)], caption, pstyle, hyphenate=False, tag=caption_tag),
        ]

    def _image_placeholder(self, alt: str) -> Any:
        """The italic "[Image: alt]" paragraph shown for an image that is not drawn."""
        role, pstyle = self._role_style("body")
        label = image_text(alt, self.article.meta.language)
        return self._paragraph([Run(label, italic=True)], role, pstyle, tag=self._node("P"))

    # -- code blocks and tables

    def _code(self, text: str) -> Any:
        """A code block in the ``code`` role: every space kept, long lines wrapped."""
        role = self.style.role("code")
        face = self.fonts.face(role)
        lines = code_lines(text)
        mark = next((m for m in CONTINUATION_MARKS if face.has_glyph(m)), CONTINUATION_MARKS[-1])
        self.texts.append(("\n".join(lines), face))
        self.texts.append((mark, face))
        look = CodeLook(
            font_name=face.font_name,
            size=role.size,
            leading=role.size * role.line_height,
            color=role.color,
            background=role.background,
            border_color=role.border_color,
            indent=role.indent,
            padding_x=role.size * 0.6,
            padding_y=role.size * 0.4,
            mark=mark,
        )
        box = CodeBox(lines, look, space_before=role.space_before, space_after=role.space_after)
        box.tag = self._node("Code")
        return box

    def _table(self, table: Table) -> Any:
        """A table that fits the frame, its header row repeated on every page it spans.

        Cells are paragraphs in the ``table`` role (``table_header`` for the header row),
        aligned as their column says; column widths come from the cells' content
        (:func:`._table.column_widths`). It splits between rows, and inside a row taller
        than a page.
        """
        body_role = self.style.role("table")
        header_role = self.style.role("table_header")
        pad_x = body_role.size * 0.45
        pad_y = body_role.size * 0.3
        styles: dict[tuple[bool, Align], Any] = {}

        def cell_style(header: bool, align: Align) -> Any:
            if (header, align) not in styles:
                role = header_role if header else body_role
                # "default" is the start of the line, whatever the role says: a justified
                # narrow cell is all gaps.
                value = TA_LEFT if align == "default" else alignment(align)
                styles[header, align] = paragraph_style(
                    f"table-{len(styles)}",
                    role,
                    self.fonts.face(role),
                    boxed=True,  # the table draws the header's background, not the cell
                    alignment=value,
                    spaceBefore=0,
                    spaceAfter=0,
                    rightIndent=0,
                )
            return styles[header, align]

        rows: list[list[Any]] = []
        tagged = self._node("Table")
        head = tagged.add("THead") if tagged else None
        body_rows = tagged.add("TBody") if tagged and table.rows else None
        for number, row in enumerate((table.header, *table.rows)):
            role = header_role if number == 0 else body_role
            group = head if number == 0 else body_rows
            tagged_row = group.add("TR") if group else None
            cells = []
            for cell, align in zip(row, table.align, strict=True):
                cell_tag = None
                if tagged_row is not None:
                    cell_tag = (
                        tagged_row.add("TH", attributes={"O": "Table", "Scope": "Column"})
                        if number == 0
                        else tagged_row.add("TD")
                    )
                cells.append(
                    self._paragraph(
                        flatten(cell), role, cell_style(number == 0, align), tag=cell_tag
                    )
                )
            rows.append(cells)
        columns = [[row[c] for row in rows] for c in range(len(table.header))]
        floor = stringWidth("MMM", self.fonts.face(body_role).font_name, body_role.size)
        widths = column_widths(columns, self.frame[0], 2 * pad_x, floor)
        rule = HexColor(body_role.border_color or _TABLE_RULE)
        commands: list[tuple[Any, ...]] = [
            # reportlab sets each cell's font before drawing it, even a cell that is a
            # paragraph: its default, Helvetica, was left unembedded in the page's
            # resources (PITFALLS 2).
            ("FONTNAME", (0, 0), (-1, -1), self.fonts.face(body_role).font_name),
            ("FONTSIZE", (0, 0), (-1, -1), body_role.size),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), pad_x),
            ("RIGHTPADDING", (0, 0), (-1, -1), pad_x),
            ("TOPPADDING", (0, 0), (-1, -1), pad_y),
            ("BOTTOMPADDING", (0, 0), (-1, -1), pad_y + body_role.size * 0.1),
            ("GRID", (0, 0), (-1, -1), 0.5, rule),
            ("LINEBELOW", (0, 0), (-1, 0), 1.0, HexColor(header_role.color)),
        ]
        if header_role.background is not None:
            commands.append(("BACKGROUND", (0, 0), (-1, 0), HexColor(header_role.background)))
        if body_role.background is not None and len(rows) > 1:
            commands.append(("BACKGROUND", (0, 1), (-1, -1), HexColor(body_role.background)))
        body = self.style.role("body")
        flowable = LongTable(
            rows,
            colWidths=widths,
            repeatRows=1,
            splitByRow=1,
            # A row taller than a page splits inside its cells; without it reportlab raises
            # LayoutError (PITFALLS 7).
            splitInRow=1,
            hAlign="LEFT",
            style=TableStyle(commands),
        )
        flowable.spaceBefore = body.space_after / 2
        flowable.spaceAfter = body.space_after
        # A heading before it stays with its first rows, not with all of it (HeadingKeeper).
        flowable.flows_after_heading = True
        return flowable

    # -- footnotes

    def _note_mark(self, note: Note) -> NoteMark:
        """Number a footnote whose mark is being set: the next number in this article."""
        number = len(self._notes) + 1
        mark = NoteMark(number, self._key(f"note-{number}-ref"), self._key(f"note-{number}"))
        self._notes.append((mark, note))
        if self.structure is not None:
            words = labels(self.article.meta.language)
            self.structure.notes.add(mark.note_key)
            self.structure.describe(mark.note_key, words.note.format(n=number))
            self.structure.describe(mark.mark_key, words.back)
        return mark

    def _key(self, name: str) -> str:
        """Bookmark ``name`` of this article, unique in a pack: prefixed with its id, if any."""
        return f"{self.entry_id}-{name}" if self.entry_id else name

    def _notes_section(self) -> list[Any]:
        """The article's notes under a "Notes" heading, each number linking back to its mark.

        The heading is an outline entry one level below the article's title, like the
        article's own top-level sections: in a pack, each article's notes are found under
        that article, never as an entry beside the articles themselves.
        """
        if not self._notes:
            return []
        words = labels(self.article.meta.language)
        role, pstyle = self._role_style("heading1")  # kept with its notes by HeadingRoom
        heading = self._paragraph(
            [Run(words.notes)],
            role,
            pstyle,
            hyphenate=False,
            cls=HeadingParagraph,
            tag=self._node("H2"),
        )
        heading.outline = OutlineEntry(words.notes, self._key("notes"), 1)
        out: list[Any] = [heading]
        note_role, note_style = self._role_style("footnote")
        face = self.fonts.face(note_role)
        widest = str(len(self._notes))
        self.texts.append(("0123456789", face))
        hang = stringWidth("0" * len(widest), face.font_name, note_role.size) + note_role.size
        label_style = paragraph_style(
            "footnote-number", note_role, face, boxed=True, spaceBefore=0, spaceAfter=0
        )
        look = BoxLook(
            indent_left=hang,
            indent_right=0.0,
            padding=0.0,
            rule_width=0.0,
            rule_color=None,
            background=None,
        )
        # Blocks of a note are built here, after the text: none of them holds a mark.
        for mark, note in list(self._notes):
            tagged = self._node("Note")
            label = TextParagraph(note_label(mark, self._link_color()), label_style)
            label.tag = tagged.add("Lbl") if tagged else None
            content: list[Any] = []
            with self._within(tagged):
                for block in note.blocks:
                    content.extend(self._note_block(block, note_role, note_style))
            out.append(NoteBox(content, look, label=label, space_after=note_role.space_after))
        return out

    def _note_block(self, block: Block, role: Role, pstyle: Any) -> list[Any]:
        """One block of a footnote, set at the footnote role's size."""
        match block:
            case model.Paragraph(children=children):
                return self._text_paragraphs(children, role, pstyle)
            case BulletList() | OrderedList():
                list_role = self.style.role("list")
                small = dataclasses.replace(
                    role, indent=list_role.indent, space_after=list_role.space_after
                )
                return self._list(block, role=small, last_after=role.space_after)
            case Quote(paragraphs=paragraphs, attribution=attribution):
                return self._quote(paragraphs, attribution, size=role.size)
            case CodeBlock(text=text):
                return [self._code(text)]
            case _:
                # A note holds none of these (the model refuses them); drawn, not dropped.
                return self._block(block, -1)


def _make_room_for_headings(flowables: list[Any]) -> list[Any]:
    """``flowables`` with a :class:`HeadingRoom` before each run of headings.

    The room is for the run and the flowable after it, with what ``keepWithNext`` ties
    to that flowable (a figure's caption).
    """
    out: list[Any] = []
    i = 0
    while i < len(flowables):
        if not isinstance(flowables[i], HeadingParagraph):
            out.append(flowables[i])
            i += 1
            continue
        end = i
        while end < len(flowables) and isinstance(flowables[end], HeadingParagraph):
            end += 1
        following = flowables[end : end + 1]
        while following and getattr(following[-1], "keepWithNext", False):
            tied = end + len(following)
            if tied >= len(flowables):
                break
            following.append(flowables[tied])
        out.append(HeadingRoom(flowables[i:end], following))
        out.extend(flowables[i:end])
        i = end
    return out


@dataclass(frozen=True, slots=True)
class _ListEntry:
    """One list item as set: its runs, its label in its face, and its indents."""

    runs: list[Run]
    label: str
    label_face: Face
    bullet_indent: float
    left: float
    #: The item's ``LBody`` and ``Lbl`` in a tagged PDF.
    body: Node | None = None
    label_tag: Node | None = None


def _bullet(depth: int, face: Face) -> str:
    """The bullet for a nesting depth (•, ◦, ▪, then again), one the face can draw."""
    bullet = _BULLETS[depth % len(_BULLETS)]
    return bullet if face.has_glyph(bullet) else _BULLET
