"""The model as XHTML: blocks, inlines, heading anchors and the images they show.

Shared by the HTML-family writers (the EPUB writer's content documents today). Every text
fragment is escaped; links are live only for allow-listed schemes
(:func:`~briefconv.writers._links.safe_url`); nothing from the input is ever markup
(PITFALLS 1 and 5). Nothing here knows about a container format: an image is read,
checked and named here, and the writer decides how to package it.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass, field
from html import escape
from itertools import groupby
from pathlib import Path
from typing import assert_never

from briefconv.model import (
    Block,
    BulletList,
    Figure,
    Heading,
    Inline,
    OrderedList,
    Paragraph,
    Quote,
    ThematicBreak,
    plain_text,
)
from briefconv.pack import heading_id
from briefconv.wording import ATTRIBUTION_DASH
from briefconv.writers._links import safe_url
from briefconv.writers._runs import Run, flatten

__all__ = [
    "IMAGE_DIR",
    "RTL_LANGUAGES",
    "Image",
    "Images",
    "block",
    "collect_images",
    "heading_anchors",
    "inlines",
    "language",
    "line",
]

_log = logging.getLogger("briefconv")

# A well-formed BCP 47 tag, loosely: EPUBCheck rejects a malformed dc:language (OPF-092).
_LANG_TAG = re.compile(r"^[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*$")

# Primary language subtags written right to left: the page turns and text runs the other way.
RTL_LANGUAGES = frozenset({"ar", "arc", "ckb", "dv", "fa", "he", "ps", "sd", "ug", "ur", "yi"})


#: Folder of the book's images, beside the content documents (relative ``src`` resolves).
IMAGE_DIR = "images"


@dataclass(frozen=True, slots=True)
class Image:
    """One image file of the book: where it lives in the EPUB, its media type and bytes."""

    href: str  # e.g. "images/3f2a9c0d1b4e5f60.png", named by a hash of the bytes
    media_type: str
    data: bytes


@dataclass(slots=True)
class Images:
    """The images a book shows, each file once, collected while its documents are written.

    Keyed by the reader-checked path, so a file is read (and a broken one reported) once
    per book; two paths with the same bytes share one manifest item.
    """

    by_path: dict[str, Image | None] = field(default_factory=dict)
    #: Whether any shown image has alt text / lacks it (for the accessibility metadata).
    described: bool = False
    undescribed: bool = False

    def get(self, path: str) -> Image | None:
        """The image at ``path``, or ``None`` (warned once) when it cannot be shown."""
        if path not in self.by_path:
            self.by_path[path] = _load_image(path)
        return self.by_path[path]

    def items(self) -> list[Image]:
        """Every image shown, once each, in a fixed order (by href)."""
        unique = {image.href: image for image in self.by_path.values() if image is not None}
        return [unique[href] for href in sorted(unique)]


def _load_image(path: str) -> Image | None:
    """Read and check an image file; ``None`` with a warning when it is unusable."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        _log.warning("image %s cannot be read (%s): its alt text is shown instead", path, exc)
        return None
    kind = _image_kind(data)
    if kind is None:
        _log.warning("image %s is not a readable PNG or JPEG: its alt text is shown instead", path)
        return None
    extension, media_type = kind
    digest = hashlib.sha256(data).hexdigest()[:16]
    return Image(f"{IMAGE_DIR}/{digest}.{extension}", media_type, data)


def _image_kind(data: bytes) -> tuple[str, str] | None:
    """``(extension, media type)`` of a structurally sound PNG or JPEG, else ``None``.

    Checks more than the signature (a PNG's IHDR chunk, a JPEG's frame header), so that a
    truncated or mislabelled file is reported instead of being declared wrongly (OPF-029)
    or shown broken.
    """
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        if len(data) >= 33 and data[12:16] == b"IHDR":
            return "png", "image/png"
        return None
    if data.startswith(b"\xff\xd8"):
        pos = 2
        while pos + 4 <= len(data) and data[pos] == 0xFF:
            marker = data[pos + 1]
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                return "jpg", "image/jpeg"  # a start-of-frame header: the image's size
            if marker == 0xFF:  # fill byte
                pos += 1
                continue
            pos += 2 + int.from_bytes(data[pos + 2 : pos + 4], "big")
    return None


def collect_images(blocks: tuple[Block, ...], images: Images) -> None:
    """Load every figure of ``blocks`` now, so metadata can be decided before writing."""
    for block in blocks:
        if isinstance(block, Figure) and block.path and images.get(block.path) is not None:
            if block.alt.strip():
                images.described = True
            else:
                images.undescribed = True


def line(text: str | None) -> str:
    """Collapse a metadata string to one line (``""`` for ``None``).

    Titles and names go into the package, the nav and the NCX, where a line break from the
    source would only be noise.
    """
    return " ".join(text.split()) if text else ""


def language(tag: str) -> str:
    """Return the language tag, or ``und`` (undetermined) when it is not well formed."""
    tag = tag.strip()
    if _LANG_TAG.match(tag):
        return tag
    _log.warning("language %r is not a BCP 47 tag: the e-book's language is 'und'", tag)
    return "und"


def heading_anchors(blocks: tuple[Block, ...], entry_id: str | None = None) -> dict[int, str]:
    """Give every heading that has text an id, keyed by its index in ``blocks``.

    In a pack (``entry_id`` given) the id is :func:`~briefconv.pack.heading_id`, unique
    across the pack and the same as the PDF's and DOCX's bookmarks; alone, ``sec1``, ``sec2``...
    """
    anchors: dict[int, str] = {}
    for index, block in enumerate(blocks):
        if isinstance(block, Heading):
            if plain_text(block.children).strip():
                anchors[index] = (
                    heading_id(entry_id, index) if entry_id else f"sec{len(anchors) + 1}"
                )
            else:
                # An empty heading says nothing and would give the nav an entry without
                # text, which is invalid (PITFALLS 5).
                where = f"{entry_id}: " if entry_id else ""
                _log.warning("%sblock %d: heading without text left out", where, index + 1)
    return anchors


def block(block: Block, anchor: str | None, images: Images) -> str:
    """One block as XHTML; the article's heading level n becomes ``h{n+1}`` (h1 is the title).

    A figure's image is taken from ``images`` (which then puts it in the manifest).
    """
    match block:
        case Heading(level=level, children=children):
            if anchor is None:  # no text: see heading_anchors
                return ""
            tag = f"h{min(level + 1, 6)}"
            return f'<{tag} id="{anchor}">{inlines(children)}</{tag}>'
        case Paragraph(children=children):
            return f"<p>{inlines(children)}</p>"
        case Quote(paragraphs=paragraphs, attribution=attribution):
            parts = [f"<p>{inlines(p.children)}</p>" for p in paragraphs]
            if plain_text(attribution).strip():
                parts.append(f'<p class="attribution">{ATTRIBUTION_DASH}{inlines(attribution)}</p>')
            return "<blockquote>\n" + "\n".join(parts) + "\n</blockquote>"
        case BulletList() | OrderedList():
            return _list(block)
        case ThematicBreak():
            return "<hr/>"
        case Figure(alt=alt, path=path):
            alt = " ".join(alt.split())
            image = images.get(path) if path is not None else None
            if image is None:
                # Remote or refused (the reader said so), or unreadable (said above).
                text = f"[Image: {alt}]" if alt else "[Image]"
                return f'<p class="image-missing"><em>{escape(text)}</em></p>'
            # alt is always there; empty marks a decorative image.
            return f'<figure><img src="{image.href}" alt="{escape(alt)}"/></figure>'
        case _:
            assert_never(block)


def _list(block: BulletList | OrderedList) -> str:
    """Render a list, its nested lists inside their items' ``<li>``.

    An empty list is left out (it has nothing to show); a nested list under an item that
    does not exist goes under the last item, with a warning.
    """
    items = block.items
    if not items:
        if block.sublists:
            _log.warning("list without items: its nested lists are shown on their own")
            return "\n".join(filter(None, (_list(sub) for _i, sub in block.sublists)))
        _log.debug("empty list left out of the e-book")
        return ""
    nested: dict[int, list[str]] = {}
    for index, sublist in block.sublists:
        if not 0 <= index < len(items):
            _log.warning(
                "nested list under item %d of %d: put under the last item", index + 1, len(items)
            )
            index = len(items) - 1
        if html := _list(sublist):
            nested.setdefault(index, []).append(html)
    lis = "".join(
        f"<li>{inlines(item)}</li>\n"
        if index not in nested
        else f"<li>{inlines(item)}\n" + "\n".join(nested[index]) + "\n</li>\n"
        for index, item in enumerate(items)
    )
    if isinstance(block, BulletList):
        return f"<ul>\n{lis}</ul>"
    start = f' start="{block.start}"' if block.start != 1 else ""
    return f"<ol{start}>\n{lis}</ol>"


def inlines(inlines: tuple[Inline, ...]) -> str:
    """Inline content as escaped XHTML; neighbouring runs with one URL share one ``<a>``."""
    out: list[str] = []
    for url, group in groupby(flatten(inlines), key=lambda run: run.url):
        inner = "".join(_run(run) for run in group)
        if url is None:
            out.append(inner)
            continue
        href = safe_url(url)
        if href is None:
            # javascript:, file:, data: ... never become live links (PITFALLS 1 and 5).
            _log.warning("link to %r is not http(s) or mailto: rendered as plain text", url)
            out.append(inner)
        else:
            # Percent-encoded, so spaces and <> cannot make an invalid URL (RSC-020).
            out.append(f'<a href="{escape(href)}">{inner}</a>')
    return "".join(out)


def _run(run: Run) -> str:
    """One styled run: escaped text in ``<em>`` and/or ``<strong>``.

    Inline code is ``<code>`` (set in the style's mono family by the stylesheet); a hard
    line break is ``<br/>``.
    """
    if run.line_break:
        return "<br/>"
    text = escape(run.text)
    if run.code:
        text = f"<code>{text}</code>"
    if run.italic:
        text = f"<em>{text}</em>"
    if run.bold:
        text = f"<strong>{text}</strong>"
    return text
