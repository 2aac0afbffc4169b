"""One article's story: the title block and every block as reportlab flowables."""

from __future__ import annotations

import copy
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, assert_never

from reportlab.lib.colors import HexColor
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Image
from reportlab.platypus.flowables import HRFlowable

from briefconv import model
from briefconv.fonts.metrics import Face, FontSet
from briefconv.model import (
    Article,
    Block,
    BulletList,
    Figure,
    Heading,
    Inline,
    OrderedList,
    Quote,
    ThematicBreak,
    plain_text,
)
from briefconv.pack import heading_id
from briefconv.styles import Role, Style
from briefconv.wording import ATTRIBUTION_DASH, byline, image_text, labels, one_line, untitled
from briefconv.writers._runs import Run, flatten
from briefconv.writers.pdf._flowables import (
    BoxLook,
    HeadingParagraph,
    OutlineEntry,
    QuoteBox,
    TextParagraph,
)
from briefconv.writers.pdf._styles import heading_role, paragraph_style
from briefconv.writers.pdf._text import chunk_runs, identity, markup

__all__ = ["StoryBuilder"]

_BULLET = "•"
_BULLETS = (_BULLET, "◦", "▪")
#: Nested lists stop indenting further once their labels start this far into the frame.
_MAX_LIST_INDENT = 0.4
#: Points per pixel at the 96 dpi a browser assumes for an image without a size.
_PX = 72 / 96
_QUOTE_RULE_WIDTH = 3.0


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
        cls: type[Any] = TextParagraph,
        **kwargs: Any,
    ) -> Any:
        """A paragraph of ``runs`` in ``role``; records the text for the glyph check."""

        def face(run: Run) -> Face:
            return self.fonts.face(role, bold=run.bold, italic=run.italic, code=run.code)

        for run in runs:
            self.texts.append((run.text, face(run)))
        text = markup(
            runs,
            link_color=self._link_color(),
            hyphenate=self.hyphenate if hyphenate else identity,
            unsafe=self.unsafe_links,
            mono=lambda run: face(run).font_name,
        )
        return cls(text, pstyle, **kwargs)

    def _role_style(self, role_name: str, **kwargs: Any) -> tuple[Role, Any]:
        role = self.style.role(role_name)
        return role, paragraph_style(role_name, role, self.fonts.face(role), **kwargs)

    # -- title block

    def _title_block(self) -> list[Any]:
        meta = self.article.meta
        story: list[Any] = []
        role, pstyle = self._role_style("title", keep_with_next=True)
        title = self._paragraph(
            [Run(meta.title)], role, pstyle, hyphenate=False, cls=HeadingParagraph
        )
        title.outline = OutlineEntry(
            untitled(meta.title, meta.language), self.entry_id or "title", 0
        )
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
                chunks = chunk_runs(flatten(children))
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
        role_name = heading_role(level)
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
            # An empty heading still needs an outline title.
            one_line(plain_text(children))
            or labels(self.article.meta.language).section.format(n=self._heading_count),
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
        max_base = self.frame[0] * _MAX_LIST_INDENT
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
                styles[key] = paragraph_style(
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
        frame_width, frame_height = self.frame
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
        label = image_text(alt, self.article.meta.language)
        return self._paragraph([Run(label, italic=True)], role, pstyle)


def _bullet(depth: int, face: Face) -> str:
    """The bullet for a nesting depth (•, ◦, ▪, then again), one the face can draw."""
    bullet = _BULLETS[depth % len(_BULLETS)]
    return bullet if face.has_glyph(bullet) else _BULLET
