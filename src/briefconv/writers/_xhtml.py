"""The model as XHTML, for every HTML-family writer: blocks, inlines, images, pack sections.

A writer of the HTML family (the EPUB writer today; a one-file HTML writer next) puts these
fragments together its own way: EPUB writes one content document per page, an HTML writer
would put every section in one page. What differs between them is in :class:`Options`
(where an ``<img>`` points, how the stylesheet is reached, whether ``epub:type`` semantics
are written); what a section says and how it is marked up is decided here, once:

- :func:`document` -- a complete XHTML document around a body;
- :func:`cover_section`, :func:`contents_section`, :func:`article_section` -- the parts of
  a pack (a one-article handout is an article section alone), each an XHTML fragment;
- :func:`marking` -- the classification line at the top of a page;
- :func:`blocks`, :func:`inlines` -- model content, for anything else;
- :class:`Images` -- the pictures the documents show, each file read and checked once;
- :func:`faces`, :func:`page_faces` -- the (role, bold, italic) of every run the sections
  draw, for writers that embed fonts.

Model version 2's nodes: a code block is ``<pre><code class="language-X">``, every
character kept; a table has a header row of ``<th scope="col">`` and a column's alignment
on its cells; struck-out text is ``<del>``; a task-list item starts with a box (☒ or ☐)
spoken as "done" / "not done"; a footnote is a numbered ``doc-noteref`` mark, its note an
``<aside role="doc-footnote">`` in a "Notes" section (``doc-endnotes``) that closes the
article (numbered from 1 in each article; ids carry the article's id in a pack).
:func:`has_extended_markup` says whether a stylesheet needs their rules. Every
``epub:type`` comes with its DPUB-ARIA role (:data:`EPUB_TYPE_ROLES`): an article is a
``doc-chapter``.

Every text fragment is escaped; links are live only for allow-listed schemes
(:func:`~briefconv.writers._links.safe_url`); nothing from the input is ever markup
(PITFALLS 1 and 5). Every printed word comes from :mod:`briefconv.wording`. The class names
match the selectors of :mod:`briefconv.writers._css`.

>>> from briefconv.model import ArticleMeta, Article
>>> from briefconv.pack import handout
>>> options = Options(image_src=lambda image: image.name)
>>> entry = handout(Article(ArticleMeta("Talks", language="uk"), ())).articles[0]
>>> print(article_section(entry, options, title_id="title"), end="")
<section role="doc-chapter" aria-labelledby="title">
<header>
<h1 id="title" class="title">Talks</h1>
</header>
</section>
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from itertools import groupby
from pathlib import Path
from typing import assert_never

from briefconv._records import record_methods
from briefconv.model import (
    Block,
    BulletList,
    CodeBlock,
    Emphasis,
    Figure,
    Heading,
    Inline,
    Link,
    Note,
    OrderedList,
    Pack,
    PackArticle,
    Paragraph,
    Quote,
    Strikethrough,
    Strong,
    Table,
    ThematicBreak,
    notes_in,
    plain_text,
)
from briefconv.pack import heading_id
from briefconv.styles import Role, Style
from briefconv.wording import (
    ATTRIBUTION_DASH,
    byline,
    cover_text,
    entry_details,
    image_text,
    labels,
    one_line,
    untitled,
)
from briefconv.writers._links import safe_url
from briefconv.writers._runs import Run, emphasised, escape_markup, flatten

__all__ = [
    "EPUB_TYPE_ROLES",
    "RTL_LANGUAGES",
    "Constructs",
    "Face",
    "Image",
    "Images",
    "Options",
    "article_section",
    "blocks",
    "contents_section",
    "cover_section",
    "direction",
    "document",
    "faces",
    "has_extended_markup",
    "has_pack_markup",
    "heading_anchors",
    "inlines",
    "language",
    "marking",
    "page_faces",
]

_log = logging.getLogger("briefconv")


def escape(text: str) -> str:
    """``text`` escaped for XHTML content and attribute values, as :func:`html.escape` does."""
    return escape_markup(text, quote=True).replace("'", "&#x27;")


# A well-formed BCP 47 tag, loosely: EPUBCheck rejects a malformed dc:language (OPF-092).
_LANG_TAG = re.compile(r"^[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*$")

# Primary language subtags written right to left: the page turns and text runs the other way.
RTL_LANGUAGES = frozenset({"ar", "arc", "ckb", "dv", "fa", "he", "ps", "sd", "ug", "ur", "yi"})

#: A run of text as drawn: its role, and whether the run is bold and italic (for fonts).
Face = tuple[Role, bool, bool]


def language(tag: str) -> str:
    """Return the language tag, or ``und`` (undetermined) when it is not well formed."""
    tag = tag.strip()
    if _LANG_TAG.match(tag):
        return tag
    _log.warning("language %r is not a BCP 47 tag: the document's language is 'und'", tag)
    return "und"


def direction(language: str) -> str | None:
    """``"rtl"`` for a language written right to left, else ``None`` (the default, ltr)."""
    return "rtl" if language.split("-")[0].lower() in RTL_LANGUAGES else None


@record_methods
@dataclass(frozen=True, slots=True, repr=False, eq=False)
class Image:
    """One image file the documents show: a file name from its content, media type, bytes."""

    name: str  # e.g. "3f2a9c0d1b4e5f60.png", named by a hash of the bytes
    media_type: str
    data: bytes


@record_methods
@dataclass(slots=True, repr=False, eq=False)
class Images:
    """The images a document set shows, each file once.

    Keyed by the reader-checked path, so a file is read (and a broken one reported) once
    per book or page; two paths with the same bytes share one :class:`Image`.
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

    def collect(self, blocks: Sequence[Block]) -> None:
        """Load every figure of ``blocks`` now, so metadata can be decided before writing."""
        for block in blocks:
            if isinstance(block, Figure) and block.path and self.get(block.path) is not None:
                if block.alt.strip():
                    self.described = True
                else:
                    self.undescribed = True

    def items(self) -> list[Image]:
        """Every image shown, once each, in a fixed order (by name)."""
        unique = {image.name: image for image in self.by_path.values() if image is not None}
        return [unique[name] for name in sorted(unique)]


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
    return Image(f"{digest}.{extension}", media_type, data)


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


@record_methods
@dataclass(frozen=True, slots=True, repr=False, eq=False)
class Options:
    """What differs between the HTML-family writers; everything else is decided here.

    ``image_src`` gives the ``src`` of a shown image: a file in the container for EPUB
    (``images/<name>``), a ``data:`` URI for a self-contained HTML page. ``stylesheet`` is
    the ``<head>`` line that brings in the CSS (a ``<link>``, or a ``<style>`` element).
    ``epub_types`` writes the EPUB structural semantics (``epub:type``) and declares their
    namespace; plain HTML leaves them out.
    """

    image_src: Callable[[Image], str]
    stylesheet: str = ""
    epub_types: bool = False
    xml: bool = True


def document(title: str, language: str, body: str, options: Options) -> str:
    """A complete document (UTF-8, HTML5 doctype) around the ``body`` fragment.

    With ``options.xml`` it is XHTML (an XML declaration, the XHTML namespace and
    ``xml:lang``), as EPUB requires; without, the HTML syntax a browser or mail client
    reads as ``text/html``, where an XML declaration is an error.
    """
    lang = escape(language)
    direction_ = direction(language)
    dir_attr = f' dir="{direction_}"' if direction_ else ""
    ns = ' xmlns:epub="http://www.idpf.org/2007/ops"' if options.epub_types else ""
    style = f"{options.stylesheet}\n" if options.stylesheet else ""
    prolog, xmlns, xml_lang = "", "", ""
    if options.xml:
        prolog = '<?xml version="1.0" encoding="utf-8"?>\n'
        xmlns, xml_lang = ' xmlns="http://www.w3.org/1999/xhtml"', f' xml:lang="{lang}"'
    return (
        prolog + "<!DOCTYPE html>\n"
        f'<html{xmlns}{ns} lang="{lang}"{xml_lang}{dir_attr}>\n'
        "<head>\n"
        '<meta charset="utf-8"/>\n'
        f"<title>{escape(title)}</title>\n"
        f"{style}"
        "</head>\n"
        "<body>\n" + body + "</body>\n</html>\n"
    )


#: The DPUB-ARIA role of each EPUB structural semantic this module writes, as the
#: DPUB-ARIA "EPUB Type to ARIA Role" guide pairs them (and DAISY Ace's rule
#: ``epub-type-has-matching-role`` checks). Assistive technology reads roles, not
#: ``epub:type``, so the role is written in every format, the ``epub:type`` only in EPUB.
#: ``cover`` has none on purpose: ``doc-cover`` is an *image* role, whose content a screen
#: reader skips, and the cover section is the cover's words as text.
EPUB_TYPE_ROLES: dict[str, str] = {
    "chapter": "doc-chapter",
    "endnotes": "doc-endnotes",
    "footnote": "doc-footnote",
    "noteref": "doc-noteref",
}


def _semantics(kind: str, options: Options) -> str:
    """`` epub:type="kind"`` (EPUB only) and `` role="..."`` (always), as attributes.

    The role is that of the first type in ``kind`` that has one (``"bodymatter chapter"``
    is a ``doc-chapter``), as Ace reads a list of types.
    """
    epub_type = f' epub:type="{kind}"' if options.epub_types and kind else ""
    role = next((EPUB_TYPE_ROLES[t] for t in kind.split() if t in EPUB_TYPE_ROLES), None)
    return epub_type + (f' role="{role}"' if role else "")


def _section(
    kind: str,
    labelled_by: str,
    options: Options,
    lang: str | None = None,
    *,
    css_class: str | None = None,
) -> str:
    """The opening tag of a section, with its semantics (see :func:`_semantics`).

    ``lang`` marks a section in another language than its page (with its direction).
    """
    cls = f' class="{css_class}"' if css_class else ""
    lang_attrs = ""
    if lang:
        direction_ = direction(lang)
        lang_attrs = f' lang="{escape(lang)}"' + (f' dir="{direction_}"' if direction_ else "")
    semantics = _semantics(kind, options)
    return f'<section{cls}{semantics}{lang_attrs} aria-labelledby="{labelled_by}">\n'


@record_methods
@dataclass(frozen=True, slots=True, repr=False, eq=False)
class Constructs:
    """Which kinds of content written documents show, for a book's accessibility summary."""

    tables: bool = False
    code: bool = False  # code blocks (inline code is text in a monospace face)
    notes: bool = False

    @classmethod
    def of(cls, documents: Sequence[str]) -> Constructs:
        """What ``documents`` (markup written by this module) show.

        Read from the markup, not the model, so it says what was written: a note in a
        heading without text is left out, and so is not counted. Every text is escaped
        here, so ``<table>`` and ``<pre>`` can only be this module's own tags.
        """
        return cls(
            tables=any("<table>" in d for d in documents),
            code=any("<pre>" in d for d in documents),
            notes=any(' role="doc-footnote"' in d for d in documents),
        )


def has_pack_markup(pack: Pack) -> bool:
    """Whether the pages use the pack's own markup: a cover, contents or a marking.

    A stylesheet for them then needs the pack's rules (``stylesheet(..., pack=True)``).
    """
    layout = pack.layout
    return layout.cover or layout.contents or bool(one_line(pack.meta.classification or ""))


def has_extended_markup(pack: Pack) -> bool:
    """Whether the articles use code blocks, tables, footnotes, strikethrough or task lists.

    A stylesheet for them then needs the rules for that markup
    (``stylesheet(..., extended=True)``); a pack without any keeps the stylesheet it has
    always had.
    """
    return any(_extended(block) for entry in pack.articles for block in entry.article.blocks)


def _extended(block: Block) -> bool:
    """Whether ``block`` is, or holds, markup of model version 2 (see above)."""
    match block:
        case CodeBlock() | Table():
            return True
        case BulletList() | OrderedList():
            if any(check is not None for check in block.checks):
                return True
            items = block.items
            return any(_extended_inlines(item) for item in items) or any(
                _extended(sub) for _i, sub in block.sublists
            )
        case Heading(children=c) | Paragraph(children=c):
            return _extended_inlines(c)
        case Quote(paragraphs=paragraphs, attribution=attribution):
            return _extended_inlines(attribution) or any(
                _extended_inlines(p.children) for p in paragraphs
            )
        case ThematicBreak() | Figure():
            return False
        case _:
            assert_never(block)


def _extended_inlines(inlines: tuple[Inline, ...]) -> bool:
    """Whether ``inlines`` hold struck-out text or a footnote."""
    for node in inlines:
        match node:
            case Strikethrough() | Note():
                return True
            case Emphasis(children=c) | Strong(children=c) | Link(children=c):
                if _extended_inlines(c):
                    return True
    return False


def marking(text: str | None) -> str:
    """The classification marking as the first line of a page (nothing without one)."""
    text = one_line(text or "")
    return f'<p class="marking">{escape(text)}</p>\n' if text else ""


def cover_section(pack: Pack, options: Options, *, logo_src: str | None = None) -> str:
    """The cover: logo, the issuing unit, title, subtitle, details, the articles, the counts.

    The printed cover's parts in reading order (issue 16's design, which the PDF, the
    DOCX and the EPUB cover image draw): the unit's name (``p.cover-identity``, the
    identity band), the title, the details as a description list (``dl.cover-details``:
    date, prepared for, prepared by, classification, reference), then "In this pack" with
    each article's title and reading time (``ol.cover-contents``) and the counts line.
    The classification is one of the details, not a boxed marking: the page's marking is
    set once, at its top. Every line is real text (the cover's words from
    :func:`briefconv.wording.cover_text`); the section's heading has the id
    ``cover-title``.
    """
    text = cover_text(pack)
    lines = [_section("cover", "cover-title", options)]
    if logo_src:
        # Decorative: the organisation is named in words on the same page.
        lines.append(
            f'<p class="logo"><img src="{escape(logo_src)}" alt="" role="presentation"/></p>\n'
        )
    if text.identity:
        lines.append(f'<p class="cover-identity">{escape(text.identity)}</p>\n')
    title = untitled(text.title, pack.meta.language)
    lines.append(f'<h1 id="cover-title" class="cover-title">{escape(title)}</h1>\n')
    if subtitle := one_line(text.subtitle or ""):
        lines.append(f'<p class="subtitle">{escape(subtitle)}</p>\n')
    if text.details:
        lines.append('<dl class="cover-details">\n')
        for label, value in text.details:
            lines.append(f"<dt>{escape(label)}</dt><dd>{escape(value)}</dd>\n")
        lines.append("</dl>\n")
    lines.append(f'<p class="cover-contents">{escape(text.contents)}</p>\n')
    lines.append('<ol class="cover-contents">\n')
    for entry_title, minutes in text.entries:
        lines.append(
            f"<li>{escape(one_line(entry_title))} "
            f'<span class="cover-minutes">{escape(minutes)}</span></li>\n'
        )
    lines.append("</ol>\n")
    lines.append(f'<p class="cover-summary">{escape(text.summary)}</p>\n')
    lines.append("</section>\n")
    return "".join(lines)


def contents_section(pack: Pack, href: Callable[[PackArticle], str], options: Options) -> str:
    """The "In this pack" list: each title linked to ``href(entry)``, details, summary.

    The section's heading has the id ``contents``.
    """
    language = pack.meta.language
    words = labels(language)
    lines = [
        _section("", "contents", options),
        f'<h1 id="contents" class="contents">{escape(words.in_this_pack)}</h1>\n',
        '<ol class="contents">\n',
    ]
    for entry in pack.articles:
        title = untitled(entry.article.meta.title, entry.article.meta.language)
        lines.append(
            "<li>\n"
            f'<p class="entry-title"><a href="{escape(href(entry))}">{escape(title)}</a></p>\n'
            f'<p class="byline">{escape(entry_details(entry, language))}</p>\n'
        )
        if summary := one_line(entry.summary):
            lines.append(f"<p>{escape(summary)}</p>\n")
        lines.append("</li>\n")
    lines.append("</ol>\n</section>\n")
    return "".join(lines)


def article_section(
    entry: PackArticle,
    options: Options,
    *,
    title_id: str,
    anchors: dict[int, str] | None = None,
    extra: tuple[str, ...] = (),
    images: Images | None = None,
    title_level: int = 1,
    lang: str | None = None,
    scope: str | None = None,
) -> str:
    """One article: its header (title, subtitle, byline), its body and its notes, as one section.

    The title is ``h{title_level}`` with the id ``title_id``; the article's own heading
    level n is ``h{title_level + n}`` (at most ``h6``), with the ids of ``anchors`` (from
    :func:`heading_anchors`; headings without one are left out). ``extra`` parts end the
    byline (a pack's reading time). Figures are shown from ``images``. ``lang`` is given
    when the section sits on a page in another language (one HTML page for a whole pack).
    Footnotes, numbered from 1 in each article, close the section; ``scope`` (the article's
    id in a pack) starts their ids, so they are unique across the pack, and names the notes
    after the article too (see :func:`blocks`).
    """
    meta = entry.article.meta
    title = untitled(meta.title, meta.language)
    tag = f"h{title_level}"
    header = [f'<{tag} id="{title_id}" class="title">{escape(title)}</{tag}>']
    if subtitle := one_line(meta.subtitle or ""):
        header.append(f'<p class="subtitle">{escape(subtitle)}</p>')
    if parts := byline(meta, extra=extra):
        header.append(f'<p class="byline">{inlines(parts)}</p>')
    body = blocks(
        entry.article.blocks,
        anchors or {},
        options,
        language=meta.language,
        images=images or Images(),
        shift=title_level,
        scope=scope,
        title_id=title_id if scope else None,
    )
    return (
        _section("bodymatter chapter", title_id, options, lang)
        + "<header>\n"
        + "\n".join(header)
        + "\n</header>\n"
        # Never an empty document (PITFALLS 5): the title heading is always there.
        + body
        + "</section>\n"
    )


def heading_anchors(content: Sequence[Block], scope: str | None = None) -> dict[int, str]:
    """Give every heading that has text an id, keyed by its index in ``content``.

    With ``scope`` (an article's id in a pack) the id is :func:`~briefconv.pack.heading_id`,
    unique across the pack and the same as the PDF's and DOCX's bookmarks; without,
    ``sec1``, ``sec2``...
    """
    anchors: dict[int, str] = {}
    for index, block in enumerate(content):
        if isinstance(block, Heading):
            if plain_text(block.children).strip():
                anchors[index] = heading_id(scope, index) if scope else f"sec{len(anchors) + 1}"
            else:
                # An empty heading says nothing and would give the nav an entry without
                # text, which is invalid (PITFALLS 5).
                where = f"{scope}: " if scope else ""
                what = " with its footnotes" if notes_in(block) else ""
                _log.warning("%sblock %d: heading without text left out%s", where, index + 1, what)
    return anchors


# The back link's glyph: U+FE0E asks for the text form, so iOS does not draw an emoji.
_BACK_GLYPH = "\u21a9\ufe0e"

# The task-list boxes: ticked and not; announced by their aria-label, not as symbols.
_CHECK_GLYPHS = {True: "\u2612", False: "\u2610"}


@record_methods
@dataclass(slots=True, repr=False, eq=False)
class _Notes:
    """An article's footnotes in the order their marks are written, numbered from 1.

    ``prefix`` makes the ids unique on a page that holds several articles (a pack's
    article id and a hyphen; empty for a handout); ``title_id`` is given there too.
    """

    prefix: str
    title_id: str | None = None  # the article title's id, to name the notes after it
    notes: list[Note] = field(default_factory=list)

    def add(self, note: Note) -> int:
        """Take ``note`` as the next one; its number."""
        self.notes.append(note)
        return len(self.notes)


@record_methods
@dataclass(frozen=True, slots=True, repr=False, eq=False)
class _Context:
    """What rendering an article's blocks needs besides the blocks themselves.

    ``notes`` collects the footnotes met; ``None`` inside a note (a note holds no notes).
    """

    options: Options
    language: str
    images: Images
    shift: int
    notes: _Notes | None


def blocks(
    content: Sequence[Block],
    anchors: dict[int, str],
    options: Options,
    *,
    language: str,
    images: Images,
    shift: int = 1,
    scope: str | None = None,
    title_id: str | None = None,
) -> str:
    """Blocks as XHTML, one per line, then their footnotes (see :func:`_notes_section`).

    Heading level n is ``h{n + shift}`` (at most ``h6``). Headings without an anchor (no
    text: :func:`heading_anchors`) and empty lists are left out; ``language`` is the words'
    language (an image that cannot be shown, the notes' heading, spoken labels). ``scope``
    (an article's id in a pack) starts the footnotes' ids, unique across the pack.
    ``title_id``, the id of the article's title, names its notes section after it too
    ("Notes" and the title): on a page of several articles each notes landmark then has a
    name of its own (axe's landmark-unique).
    """
    notes = _Notes(f"{scope}-" if scope else "", title_id)
    context = _Context(options, language, images, shift, notes)
    parts = (_block(block, anchors.get(index), context) for index, block in enumerate(content))
    body = "".join(part + "\n" for part in parts if part)
    return body + _notes_section(notes, context)


def _block(block: Block, anchor: str | None, context: _Context) -> str:
    """One block as XHTML (see :func:`blocks`)."""
    match block:
        case Heading(level=level, children=children):
            if anchor is None:  # no text: see heading_anchors (its notes go with it)
                return ""
            tag = f"h{min(level + context.shift, 6)}"
            return f'<{tag} id="{anchor}">{_inlines(children, context)}</{tag}>'
        case Paragraph(children=children):
            return f"<p>{_inlines(children, context)}</p>"
        case Quote(paragraphs=paragraphs, attribution=attribution):
            parts = [f"<p>{_inlines(p.children, context)}</p>" for p in paragraphs]
            if plain_text(attribution).strip():
                dash = ATTRIBUTION_DASH
                parts.append(f'<p class="attribution">{dash}{_inlines(attribution, context)}</p>')
            elif any(isinstance(run.note, Note) for run in flatten(attribution)):
                # A note's mark needs text to stand in; a mark alone is not shown.
                _log.warning("footnote in an attribution without text left out")
            return "<blockquote>\n" + "\n".join(parts) + "\n</blockquote>"
        case BulletList() | OrderedList():
            return _list(block, context)
        case ThematicBreak():
            return "<hr/>"
        case Figure(alt=alt, path=path):
            alt = one_line(alt)
            image = context.images.get(path) if path is not None else None
            if image is None:
                # Remote or refused (the reader said so), or unreadable (said above).
                text = image_text(alt, context.language)
                return f'<p class="image-missing"><em>{escape(text)}</em></p>'
            # alt is always there; empty marks a decorative image. Its text is also the
            # visible caption, as in the PDF and DOCX (a decorative image has none).
            src = escape(context.options.image_src(image))
            caption = f"<figcaption>{escape(alt)}</figcaption>" if alt else ""
            return f'<figure><img src="{src}" alt="{escape(alt)}"/>{caption}</figure>'
        case CodeBlock(text=text, language=code_language):
            return _code_block(text, code_language)
        case Table():
            return _table(block, context)
        case _:
            assert_never(block)


def _code_block(text: str, code_language: str | None) -> str:
    """A code block: ``<pre><code>``, every character as written, escaped.

    The fence's info word becomes the ``language-X`` class that highlighters and pandoc
    read; anything after its first word (attributes some dialects allow) is dropped.
    ``<pre>`` itself has no attribute: pandoc reads a ``<pre>`` with any as the code
    block's attributes and drops the ``<code>``'s language. ``<code>`` opens right after
    ``<pre>``, so an HTML parser, which drops a line break directly after ``<pre>``, keeps
    a leading blank line of the code.
    """
    word = (code_language or "").split()
    cls = f' class="language-{escape(word[0])}"' if word else ""
    return f"<pre><code{cls}>{escape(text)}</code></pre>"


def _table(table: Table, context: _Context) -> str:
    """A table: a header row of ``<th scope="col">``, body rows of ``<td>``.

    A column's alignment is a ``style`` attribute on each of its cells, as pandoc writes
    it: it belongs to the article (like a list's start number), not to the house style, so
    it holds where a mail client drops the page's ``<style>``, and pandoc reads it back.
    """
    aligns = [
        f' style="text-align: {align}"' if align != "default" else "" for align in table.align
    ]

    def row(cells: tuple[tuple[Inline, ...], ...], tag: str, scope: str = "") -> str:
        return (
            "<tr>"
            + "".join(
                f"<{tag}{scope}{align}>{_inlines(cell, context)}</{tag}>"
                for cell, align in zip(cells, aligns, strict=True)
            )
            + "</tr>\n"
        )

    head = "<thead>\n" + row(table.header, "th", ' scope="col"') + "</thead>\n"
    # A table of a header alone has no body rather than an empty one.
    body = "<tbody>\n" + "".join(row(r, "td") for r in table.rows) + "</tbody>\n"
    return "<table>\n" + head + (body if table.rows else "") + "</table>"


def _list(block: BulletList | OrderedList, context: _Context) -> str:
    """Render a list, its nested lists inside their items' ``<li>``, in reading order.

    An empty list is left out (it has nothing to show); a nested list under an item that
    does not exist goes under the last item, with a warning. A task list's items start
    with their box (see :func:`_check`).
    """
    items = block.items
    if not items:
        if block.sublists:
            _log.warning("list without items: its nested lists are shown on their own")
            return "\n".join(filter(None, (_list(sub, context) for _i, sub in block.sublists)))
        _log.debug("empty list left out")
        return ""
    nested: dict[int, list[BulletList | OrderedList]] = {}
    for index, sublist in block.sublists:
        if not 0 <= index < len(items):
            _log.warning(
                "nested list under item %d of %d: put under the last item", index + 1, len(items)
            )
            index = len(items) - 1
        nested.setdefault(index, []).append(sublist)
    lis: list[str] = []
    for index, item in enumerate(items):
        # Each item before the lists nested under it: footnotes are numbered as read.
        check = block.checks[index] if block.checks else None
        head = _inlines(item, context)
        if check is not None:
            head = _check(check, context.language) + " " + head
        subs = [html for sub in nested.get(index, ()) if (html := _list(sub, context))]
        open_tag = '<li class="task">' if check is not None else "<li>"
        if subs:
            lis.append(f"{open_tag}{head}\n" + "\n".join(subs) + "\n</li>\n")
        else:
            lis.append(f"{open_tag}{head}</li>\n")
    if isinstance(block, BulletList):
        return "<ul>\n" + "".join(lis) + "</ul>"
    start = f' start="{block.start}"' if block.start != 1 else ""
    return f"<ol{start}>\n" + "".join(lis) + "</ol>"


def _check(done: bool, language: str) -> str:
    """A task-list item's box, ☒ or ☐, that a screen reader speaks as "done" / "not done".

    Text with ``role="img"`` and an ``aria-label`` rather than a disabled
    ``<input type="checkbox">``: every reading system draws a character, while form
    controls are optional in EPUB (several e-readers draw none), and a checkbox needs a
    ``<label>`` besides. The symbol is spoken by its label, never as "ballot box with x".
    """
    words = labels(language)
    label = words.done if done else words.not_done
    glyph = _CHECK_GLYPHS[done]
    return f'<span class="check" role="img" aria-label="{escape(label)}">{glyph}</span>'


def _notes_section(notes: _Notes, context: _Context) -> str:
    """The article's footnotes after its body: a heading, then one ``<aside>`` per note.

    Each note is an ``<aside>`` with ``role="doc-footnote"`` (and ``epub:type="footnote"``
    in EPUB), not an item of an ``<ol>`` of endnotes: the ARIA role for an endnote list item
    (``doc-endnote``) is deprecated, and an ``epub:type`` without its role is an Ace
    finding; EPUB 3's structural semantics, Apple Books and Kobo pop a footnote ``<aside>``
    up where its mark is tapped (Apple Books then leaves it out of the page flow). The
    note's number is written out, since a pop-up shows no list number; it ends with a back
    link to its mark. The section around them is the article's ``doc-endnotes`` (and
    ``epub:type="endnotes"``: notes at the end of a section), a landmark a screen reader
    can jump to.
    """
    if not notes.notes:
        return ""
    words = labels(context.language)
    prefix = notes.prefix
    tag = f"h{min(context.shift + 1, 6)}"
    # A note's own blocks meet no notes: the model forbids a note in a note.
    inner = replace(context, notes=None)
    note_semantics = _semantics("footnote", context.options)
    labelled_by = f"{prefix}notes" + (f" {notes.title_id}" if notes.title_id else "")
    out = [
        _section("endnotes", labelled_by, context.options, css_class="footnotes"),
        f'<{tag} id="{prefix}notes">{escape(words.notes)}</{tag}>\n',
    ]
    for number, note in enumerate(notes.notes, 1):
        lead = f'<span class="note-number">{number}.</span> '
        back = (
            f'<a class="backlink" href="#{prefix}fnref-{number}" role="doc-backlink"'
            f' aria-label="{escape(words.back)}">{_BACK_GLYPH}</a>'
        )
        parts: list[str] = []
        last = len(note.blocks) - 1
        for index, block in enumerate(note.blocks):
            # The number starts the first paragraph and the back link ends the last one;
            # a list or code block at either end gets a line of its own for them.
            head = lead if index == 0 else ""
            tail = " " + back if index == last else ""
            if isinstance(block, Paragraph):
                parts.append(f"<p>{head}{_inlines(block.children, inner)}{tail}</p>")
                continue
            if head:
                parts.append(f"<p>{head.rstrip()}</p>")
            if html := _block(block, None, inner):
                parts.append(html)
            if tail:
                parts.append(f"<p>{tail.lstrip()}</p>")
        if not parts:  # a note without text still has its number and its way back
            parts.append(f"<p>{lead}{back}</p>")
        out.append(
            f'<aside class="footnote" id="{prefix}fn-{number}"{note_semantics}>\n'
            + "\n".join(parts)
            + "\n</aside>\n"
        )
    out.append("</section>\n")
    return "".join(out)


def inlines(inlines: tuple[Inline, ...]) -> str:
    """Inline content as escaped XHTML; neighbouring runs with one URL share one ``<a>``.

    For text outside an article's blocks (a byline): footnote marks are left out, since
    only :func:`blocks` has a place for their notes.
    """
    return _inlines(inlines, None)


def _inlines(inlines: tuple[Inline, ...], context: _Context | None) -> str:
    """:func:`inlines`, with footnote marks numbered into ``context.notes``."""
    out: list[str] = []
    for url, group in groupby(flatten(inlines), key=lambda run: run.url):
        inner = "".join(_run(run, context) for run in group)
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


def _run(run: Run, context: _Context | None) -> str:
    """One styled run: escaped text in ``<del>``, ``<em>`` and/or ``<strong>``.

    Inline code is ``<code>`` (set in the style's mono family by the stylesheet); a hard
    line break is ``<br/>``; struck-out text is ``<del>``, which screen readers announce as
    deleted; a footnote is its mark (see :func:`_note_mark`).
    """
    if run.note is not None:
        return _note_mark(run.note, context)
    if run.line_break:
        return "<br/>"
    text = escape(run.text)
    if run.code:
        text = f"<code>{text}</code>"
    if run.strike:
        text = f"<del>{text}</del>"
    if run.italic:
        text = f"<em>{text}</em>"
    if run.bold:
        text = f"<strong>{text}</strong>"
    return text


def _note_mark(note: Note, context: _Context | None) -> str:
    """A footnote's mark: its number, superscript, linked to the note after the article.

    ``role="doc-noteref"`` (and ``epub:type="noteref"`` in EPUB, which makes reading
    systems pop the note up); the spoken name is "Note 1", not a bare "1". Without notes to
    collect into (a byline, or inside a note) nothing is written.
    """
    if context is None or context.notes is None:
        _log.debug("footnote outside an article's blocks left out")
        return ""
    notes = context.notes
    number = notes.add(note)
    label = labels(context.language).note.format(n=number)
    return (
        f'<a class="noteref" href="#{notes.prefix}fn-{number}" id="{notes.prefix}fnref-{number}"'
        f'{_semantics("noteref", context.options)} aria-label="{escape(label)}">'
        f"<sup>{number}</sup></a>"
    )


def faces(
    entry: PackArticle,
    style: Style,
    anchors: dict[int, str],
    *,
    extra: tuple[str, ...] = (),
    images: Images | None = None,
) -> list[Face]:
    """(role, bold, italic) of every run of text :func:`article_section` draws.

    Mirrors :func:`article_section`, so a writer that embeds fonts embeds only faces that
    are really drawn; ``extra`` are the byline's added parts (a pack's reading time).
    Inside a note, text is the ``footnote`` role's (the stylesheet sets a note's
    paragraphs, lists and quotes in it), code the ``code`` role's.
    """
    article = entry.article
    meta = article.meta
    uses: list[Face] = [(style.role("title"), False, False)]
    notes: list[Note] = []

    def add(role: str, inlines: tuple[Inline, ...]) -> None:
        base = style.role(role)
        # <em> is drawn as the style's emphasis says (bold upright: see _css).
        for run in emphasised(flatten(inlines), style.emphasis):
            if run.line_break:
                continue
            if run.note is not None:
                notes.append(run.note)
                uses.append((base, False, False))  # the mark's number
                continue
            # Inline code keeps the role's weight and slant but is set in the mono family.
            uses.append((replace(base, font="mono") if run.code else base, run.bold, run.italic))

    def add_list(block: BulletList | OrderedList, role: str) -> None:
        if any(check is not None for check in block.checks):
            # The boxes are set upright in the sans family, which has them (see _css).
            check = replace(style.role(role), font="sans", bold=False, italic=False)
            uses.append((check, False, False))
        for item in block.items:
            add(role, item)
        for _index, sublist in block.sublists:
            add_list(sublist, role)

    def add_block(index: int, block: Block, note: bool) -> None:
        match block:
            case Heading(level=level, children=children):
                if index in anchors:
                    add(f"heading{min(level, 3)}", children)
            case Paragraph(children=children):
                add("footnote" if note else "body", children)
            case Quote(paragraphs=paragraphs, attribution=attribution):
                for quoted in paragraphs:
                    add("footnote" if note else "quote", quoted.children)
                if plain_text(attribution).strip():
                    role = "footnote" if note else "quote_attribution"
                    uses.append((style.role(role), False, False))  # the dash
                    add(role, attribution)
            case BulletList() | OrderedList():
                add_list(block, "footnote" if note else "list")
            case ThematicBreak():
                pass
            case Figure(path=path):
                # A shown image's alt text is an attribute that no face draws; one that
                # cannot be shown becomes "[Image: alt]" in italic body text.
                if path is None or images is None or images.get(path) is None:
                    bold = style.emphasis == "bold"
                    uses.append((style.role("body"), bold, not bold))
            case CodeBlock(text=text):
                if text:
                    uses.append((style.role("code"), False, False))
            case Table(header=header, rows=rows):
                for cell in header:
                    add("table_header", cell)
                for row in rows:
                    for cell in row:
                        add("table", cell)
            case _:
                assert_never(block)

    if one_line(meta.subtitle or ""):
        uses.append((style.role("subtitle"), False, False))
    add("byline", byline(meta, extra=extra))
    for index, block in enumerate(article.blocks):
        add_block(index, block, note=False)
    if notes:
        uses.append((style.role("heading1"), False, False))  # "Notes"
        uses.append((style.role("footnote"), False, False))  # numbers, back links
        for note in notes:
            for block in note.blocks:
                add_block(-1, block, note=True)
    return uses


def page_faces(pack: Pack, style: Style, *, cover: bool, contents: bool) -> list[Face]:
    """(role, bold, italic) of the text of the cover, the contents and the markings.

    Mirrors :func:`cover_section`, :func:`contents_section` and :func:`marking`.
    """
    meta = pack.meta
    uses: list[Face] = []
    if cover:
        uses.append((style.role("cover_title"), False, False))
        # The unit's name (bold), the details, the articles and the counts (the byline's
        # family, as the PDF sets them).
        uses.append((style.role("byline"), False, False))
        if one_line(meta.prepared_by or ""):
            uses.append((style.role("byline"), True, False))
        if one_line(meta.subtitle or ""):
            uses.append((style.role("subtitle"), False, False))
    if contents:
        uses.append((style.role("heading1"), False, False))  # "In this pack"
        uses.append((style.role("heading2"), False, False))  # the entries' titles
        uses.append((style.role("byline"), False, False))  # their details
        if any(one_line(e.summary) for e in pack.articles):
            uses.append((style.role("body"), False, False))
    if one_line(meta.classification or ""):
        uses.append((style.role("marking"), False, False))
    return uses
