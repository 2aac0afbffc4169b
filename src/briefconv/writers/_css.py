"""Style roles -> CSS: the EPUB writer's translation table (ARCHITECTURE habit 4).

Sizes and spacing become ``em`` relative to the parent element, so a reader's own font-size
setting still scales the whole text (an e-book has no fixed page); line heights are unitless
multiples, as in the style file. The body sets no size unless the style is large print
(:func:`base_scale`), and then only a multiple of the reader's. Running text (body,
paragraphs, lists, quotations) takes the reader's text colour; headings, bylines and rules
keep the style's, and tinted boxes are translucent, so night and sepia modes work. Every
value written here comes from a validated :class:`~briefconv.styles.Role` (numbers,
``#RRGGBB`` colours, a closed set of alignments), except family names and ``extra_css``,
which are quoted or passed through as the style's author wrote them.

Code blocks, tables, footnotes, strikethrough and task lists get their rules (from the
``code``, ``table``, ``table_header`` and ``footnote`` roles) only in a stylesheet that
asks for them (``extended=True``): pages without such markup keep the stylesheet they had.
Those rules leave text colours to the body unless a role says otherwise and draw their
backgrounds as translucent tints, so a reading system's night mode still works on them.

With ``[epub] embed_fonts = true`` the EPUB writer passes the faces the text actually uses
(:func:`font_faces`); each becomes an ``@font-face`` rule naming the family exactly as the
``font-family`` declarations do, so a reading system shows the PDF's typeface instead of its
own default.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from briefconv._records import record_methods
from briefconv.styles import FontFamily, Role, Style
from briefconv.writers._blocks import (
    BREAK_WIDTH,
    FIGURE_SPACE_AFTER,
    FIGURE_SPACE_BEFORE,
    break_space,
    caption_role,
    quote_box,
)
from briefconv.writers._furniture import TRACKING, cover_roles
from briefconv.writers.options import EpubOptions

__all__ = [
    "FONT_DIR",
    "PACK_SELECTORS",
    "SELECTORS",
    "FontFace",
    "base_scale",
    "font_faces",
    "generic_family",
    "stylesheet",
]

#: Folder of embedded fonts, relative to the stylesheet (both live in the package folder).
FONT_DIR = "fonts"

# Face key of FontFamily -> (bold, italic); the order is the order rules and files are written.
_FACE_KEYS: tuple[tuple[str, bool, bool], ...] = (
    ("regular", False, False),
    ("bold", True, False),
    ("italic", False, True),
    ("bold_italic", True, True),
)

# (selector, role, parent role): the parent is the role whose size ``em`` is relative to.
# The selectors match the markup the EPUB writer emits and nothing else.
SELECTORS: tuple[tuple[str, str, str | None], ...] = (
    ("body", "body", None),
    ("p", "body", "body"),
    ("h1.title", "title", "body"),
    ("p.subtitle", "subtitle", "body"),
    ("p.byline", "byline", "body"),
    ("h2", "heading1", "body"),
    ("h3", "heading2", "body"),
    ("h4, h5, h6", "heading3", "body"),
    ("blockquote", "quote", "body"),
    ("blockquote p", "quote", "quote"),
    ("blockquote p.attribution", "quote_attribution", "quote"),
    ("ul, ol", "list", "body"),
    ("li", "list", "list"),
    ("a", "link", None),
)

# The briefing pack's extra markup (cover page, "In this pack" page, the marking at the top
# of every chapter); written only into a pack's stylesheet, after the rules above.
PACK_SELECTORS: tuple[tuple[str, str, str | None], ...] = (
    ("p.marking", "marking", "body"),
    ("h1.cover-title", "cover_title", "body"),
    ("h1.contents", "heading1", "body"),
    ("p.entry-title", "heading2", "body"),
)

# Fixed rules a pack needs beside the role rules: the contents list has no numbers (each
# entry is a title, a details line and a summary), its titles keep the heading2 colour,
# and a logo never outgrows the page.
#
# An entry of the contents, and the cover's details, are read as units: the lines of one
# entry sit close together (the title's heading2 space and the byline role's 14 pt below
# made the gap from a details line to its own summary wider than the gap to the next
# entry), and the space between entries is the list item's. The cover's date, "Prepared
# by", "Prepared for" and counts lines are one block, set off from the boxed marking.
_PACK_FIXED = (
    "ol.contents {\n  list-style: none;\n  margin-left: 0;\n  padding-left: 0;\n}",
    "ol.contents li {\n  margin-top: 0;\n  margin-bottom: 1.2em;\n}",
    "ol.contents p.entry-title {\n  margin-top: 0;\n  margin-bottom: 0.15em;\n}",
    "ol.contents p.byline {\n  margin-bottom: 0.2em;\n}",
    "ol.contents li > p:last-child {\n  margin-bottom: 0;\n}",
    "p.entry-title a {\n  color: inherit;\n}",
    "p.logo img {\n  max-width: 50%;\n  height: auto;\n}",
)

# Page-break control, in one place (reading systems paginate; Adobe RMSDK and Kobo's
# engines need it spelled out, in the CSS 2 names beside the CSS 3 ones): a heading is
# never the last line of a screen, and a list item (a contents entry with its summary),
# a quotation, a figure or an article's title block is never split between screens; no
# paragraph leaves a single line at the foot or the head of a screen, as in the PDF
# (orphans and widows are inherited, so lists and quotes too).
_BREAK_RULES = (
    "body {\n  orphans: 2;\n  widows: 2;\n}",
    "h1, h2, h3, h4, h5, h6 {\n  break-after: avoid;\n  page-break-after: avoid;\n}",
    "li, blockquote, figure, header {\n  break-inside: avoid;\n  page-break-inside: avoid;\n}",
)

# Selectors of running text: they take the reader's text colour, never the style's. A
# reading system that keeps an author's colours in its night or sepia mode would otherwise
# set near-black text on a dark page; headings, bylines and rules keep the style's colours.
_READER_COLOR = frozenset({"body", "p", "ul, ol", "li", "blockquote", "blockquote p"})

# Fixed rules for the markup that has no role of its own. A nested list keeps its parent
# list's size (the "ul, ol" rule's em would compound) and sits tight under its item; a
# figure is centred and never wider than the text column nor upscaled (an image without
# width attributes shows at its natural size, 1 px = 1/96 in; both sizes stay auto, so
# the max-width/max-height caps keep the aspect ratio); a thematic break is a short
# centred rule; an image that cannot be shown is its alt text, centred.
_BODY_FIXED = (
    "li > ul, li > ol {\n  font-size: 1em;\n  margin-top: 0;\n  margin-bottom: 0;\n}",
    "img {\n  max-width: 100%;\n  height: auto;\n}",
    # Centred even where a reading system does not know <figure>; never taller than the
    # screen page (engines without vh units ignore the line and keep the width cap).
    "figure img {\n  display: block;\n  margin: 0 auto;\n  max-height: 95vh;\n}",
    "p.image-missing {\n  text-align: center;\n}",
    # The box's padding is the space below its last line, as in the PDF and DOCX.
    "blockquote > p:last-child {\n  margin-bottom: 0;\n}",
)

# Titles and headings of several lines with lines of even length, as in the PDF; engines
# that do not know it wrap as before. In e-books only: EPUBCheck accepts it, but the Nu
# HTML Checker's CSS profile does not know the property yet and calls it an error.
_BALANCED_HEADINGS = "h1, h2, h3, h4, h5, h6 {\n  text-wrap: balance;\n}"

# Style font keys that name a generic CSS family outright.
_GENERIC_BY_KEY = {"serif": "serif", "sans": "sans-serif", "mono": "monospace"}


@record_methods
@dataclass(frozen=True, slots=True, repr=False, eq=False)
class FontFace:
    """One embedded font file: the CSS family and face it provides, its source and target."""

    family: str
    bold: bool
    italic: bool
    source: Path
    href: str  # relative to the stylesheet, e.g. "fonts/dejavu-serif-bold.ttf"


def font_faces(style: Style, uses: Iterable[tuple[Role, bool, bool]]) -> list[FontFace]:
    """The faces to embed for text set in ``(role, bold, italic)``, sorted, one per file.

    ``bold``/``italic`` are the run's own ``<strong>``/``<em>``; a bold role is bold anyway.
    Families are told apart by name (CSS cannot see more): the first family of a name wins.

    >>> from briefconv.styles import load_style
    >>> style = load_style("default")
    >>> [f.href for f in font_faces(style, [(style.role("heading1"), False, True)])]
    ['fonts/dejavu-sans-bold-italic.ttf']
    """
    wanted: dict[str, tuple[FontFamily, set[tuple[bool, bool]]]] = {}
    for role, bold, italic in uses:
        family = style.family(role)
        entry = wanted.setdefault(family.name, (family, set()))
        entry[1].add((role.bold or bold, role.italic or italic))
    faces: list[FontFace] = []
    slugs: set[str] = set()
    for name in sorted(wanted):
        family, needed = wanted[name]
        slug = _slug(name, slugs)
        for key, bold, italic in _FACE_KEYS:
            if (bold, italic) in needed:
                source: Path = getattr(family, key)
                href = f"{FONT_DIR}/{slug}-{key.replace('_', '-')}.ttf"
                faces.append(FontFace(name, bold, italic, source, href))
    return faces


def _slug(name: str, taken: set[str]) -> str:
    """A file-name-safe ASCII form of a family name, unique among ``taken`` (updated)."""
    base = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "font"
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    taken.add(slug)
    return slug


def stylesheet(
    style: Style,
    faces: Sequence[FontFace] = (),
    *,
    pack: bool = False,
    extended: bool = False,
    balance: bool = False,
) -> str:
    """Return the CSS for ``style``: ``@font-face`` rules, role rules, ``epub.extra_css``.

    One ``@font-face`` rule per entry of ``faces``, one rule per selector (with ``pack``,
    the :data:`PACK_SELECTORS` too; with ``extended``, the rules for code blocks, tables,
    footnotes, strikethrough and task lists; with ``balance``, balanced heading lines),
    then the style's ``epub.extra_css`` if any, last so that it can override everything.

    >>> from briefconv.styles import load_style
    >>> css = stylesheet(load_style("default"))
    >>> 'font-family: "DejaVu Sans", sans-serif' in css
    True
    """
    rules = [_font_face(face) for face in faces]
    rules += [_rule(selector, style, role, parent) for selector, role, parent in SELECTORS]
    rules += [
        _code_rule(style),
        *_figure_rules(style),
        *_BODY_FIXED,
        _hr_rule(style),
        _header_rule(style),
    ]
    rules += _BREAK_RULES
    if balance:
        rules.append(_BALANCED_HEADINGS)
    if style.emphasis == "bold":
        # A style without italics: <em> keeps its meaning for screen readers, and is
        # drawn bold and upright.
        rules.append("em {\n  font-style: normal;\n  font-weight: bold;\n}")
    if extended:
        rules += _extended_rules(style)
    if pack:
        rules += [_rule(sel, style, role, parent) for sel, role, parent in PACK_SELECTORS]
        rules += _PACK_FIXED
        rules += _cover_rules(style)
    extra = EpubOptions.of(style).extra_css
    if extra.strip():
        rules.append("/* epub.extra_css from the style file */\n" + extra.strip())
    return "\n\n".join(rules) + "\n"


def _rule(selector: str, style: Style, name: str, parent_name: str | None) -> str:
    """One CSS rule for role ``name``; lengths relative to ``parent_name``'s size."""
    role = style.role(name)
    decl: list[tuple[str, str]] = []
    if name == "link":
        # Links keep the surrounding text's font and size; only their colour is the role's.
        decl.append(("color", role.color))
        return _format(selector, decl)
    decl.append(("font-family", _family(style, role)))
    if parent_name is not None:
        decl.append(("font-size", _em(role.size / style.role(parent_name).size)))
    elif selector == "body" and (scale := base_scale(style)) != 1:
        # Large print: the reader's own text size, scaled up, so their setting still works.
        decl.append(("font-size", _em(scale)))
    if selector not in _READER_COLOR:
        decl.append(("color", role.color))
    decl += [
        ("font-weight", "bold" if role.bold else "normal"),
        ("font-style", "italic" if role.italic else "normal"),
        ("text-align", role.align),
        ("line-height", _num(role.line_height)),
    ]
    if selector == "body":
        # The body's own spacing is the paragraphs' (rule "p"); the page margin is the reader's.
        return _format(selector, decl)
    # Inside the quote box the box itself keeps the space above; its paragraphs only
    # space themselves apart below.
    top = 0.0 if selector == "blockquote p" else role.space_before
    # ... the body's paragraph gap, as in the PDF and DOCX boxes (the last one's goes).
    bottom = style.role("body").space_after if selector == "blockquote p" else role.space_after
    decl += [
        ("margin-top", _em(top / role.size)),
        ("margin-bottom", _em(bottom / role.size)),
    ]
    parent = style.role(parent_name) if parent_name is not None else None
    if selector == "ul, ol":
        # The list's indent is where its items' text starts; the markers hang in it, so
        # it never shrinks below room for a marker.
        decl += [("margin-left", "0"), ("padding-left", _em(max(role.indent / role.size, 1.2)))]
    elif parent is not None and parent_name in ("quote", "list"):
        # Nested in a box that is already indented: only the extra indent counts, since a
        # style's indents are read as distances from the text margin.
        decl.append(("margin-left", _em(max(role.indent - parent.indent, 0.0) / role.size)))
    else:
        decl.append(("margin-left", _em(role.indent / role.size)))
    if selector == "blockquote":
        # The quote's box (writers._blocks.quote_box, as the PDF and DOCX draw it): inset
        # by the indent on both sides, the rule, the padding all round; border and
        # background belong to it, not to its paragraphs.
        box = quote_box(style)
        decl.append(("margin-right", _em(box.indent / role.size)))
        if box.rule_color is not None:
            decl.append(("border-left", f"{_em(box.rule / role.size)} solid {box.rule_color}"))
        # The tint as a translucent colour too, so a night mode shows a faint box, not
        # a bright one (see _background).
        decl += _background(box.background)
        if box.padding:
            decl.append(("padding", _em(box.padding / role.size)))
    return _format(selector, decl)


def _cover_rules(style: Style) -> list[str]:
    """The pack cover's own markup, as the printed cover looks (issue 16's design).

    The unit's name in letter-spaced bold capitals under a thick rule in the accent colour
    (a rule, not a filled band: a reading system's night mode keeps it readable), the
    details as small grey capital labels over their values, "In this pack" likewise over
    the numbered articles and their reading times. Sizes from
    :func:`briefconv.writers._furniture.cover_roles`, relative to the body's; the values
    keep the body's text colour.
    """
    roles = cover_roles(style)
    size = style.role("body").size
    family = ("font-family", _family(style, roles.label))
    caps = [("text-transform", "uppercase"), ("letter-spacing", _em(TRACKING))]
    label = [("font-size", _em(roles.label.size / size)), *caps, ("color", roles.label.color)]
    value = ("font-size", _em(roles.value.size / size))
    grey = ("color", roles.label.color)
    return [
        _format(
            "p.cover-identity",
            [
                family,
                ("font-size", _em(roles.identity.size / size)),
                ("font-weight", "bold"),
                *caps,
                ("color", roles.accent),
                ("border-top", f"0.6em solid {roles.accent}"),
                ("padding-top", "0.4em"),
                ("margin", "0 0 2.5em 0"),
            ],
        ),
        _format(
            "dl.cover-details",
            [family, ("margin", "1.2em 0"), ("padding-top", "0.4em"), _top_rule(roles.accent)],
        ),
        _format("dl.cover-details dt", [*label, ("margin", "0.6em 0 0 0")]),
        _format("dl.cover-details dd", [value, ("margin", "0")]),
        _format(
            "p.cover-contents",
            [
                family,
                *label,
                _top_rule(roles.label.color),
                ("padding-top", "0.5em"),
                ("margin", "2em 0 0.4em 0"),
            ],
        ),
        _format("ol.cover-contents", [family, value, ("margin", "0"), ("padding-left", "1.6em")]),
        _format("span.cover-minutes", [grey, ("white-space", "nowrap")]),
        _format("p.cover-summary", [family, value, grey, ("margin", "0.6em 0 0 0")]),
    ]


def _top_rule(color: str) -> tuple[str, str]:
    """A thin rule above a block, in ``color``."""
    return ("border-top", f"1px solid {color}")


def _extended_rules(style: Style) -> list[str]:
    """The rules for code blocks, tables, footnotes, strikethrough and task lists.

    Written only when the content has such markup (``stylesheet(..., extended=True)``),
    so the stylesheet of an article without any is the one it always had. Text colours
    are written only where a role's differs from the body's, and backgrounds are
    translucent tints (:func:`_tint`): a reading system's night mode, which turns the
    body's colours round, then leaves these boxes readable, dark on a dark page.
    """
    body = style.role("body")
    code = style.role("code")
    table = style.role("table")
    header = style.role("table_header")
    note = style.role("footnote")
    # A cell rule: the role's own border colour, else a half-transparent grey that shows
    # on a light page and on a dark one alike.
    rule = table.border_color or "rgba(128, 128, 128, 0.5)"

    pre = _text_decl(style, "code", "body")
    pre += _spacing(code, code.space_before, code.space_after)
    pre += [("margin-right", "0"), ("padding", "0.5em 0.75em")]
    pre += _background(code.background)
    if code.border_color is not None:
        pre.append(("border-left", f"0.25em solid {code.border_color}"))
    # Long lines wrap, at a space if there is one, else anywhere: a small screen shows
    # every character of a listing, never a line cut off at the edge (nor a scroll bar a
    # paginated reader cannot offer). word-wrap is the older name some engines know.
    pre += [
        ("white-space", "pre-wrap"),
        ("word-wrap", "break-word"),
        ("overflow-wrap", "anywhere"),
        # A page turn leaves at least four lines of a listing on either side: a short one
        # (under eight lines) moves whole to the next page, a long one still breaks (where
        # break-inside: avoid would leave a blank page, or a block cut off in some readers).
        ("orphans", "4"),
        ("widows", "4"),
    ]

    cells = [
        ("padding", "0.25em 0.5em"),
        ("vertical-align", "top"),
        ("text-align", table.align),
        ("border-bottom", f"1px solid {rule}"),
        # A table always fits the text column: a long word or URL wraps inside its cell
        # ("anywhere" also lets the column narrow for it), since e-readers cannot scroll.
        ("word-wrap", "break-word"),
        ("overflow-wrap", "anywhere"),
    ]
    head = _text_decl(style, "table_header", "table")
    head += [("vertical-align", "bottom")]
    head += [("border-bottom", f"2px solid {header.border_color or table.border_color or rule}")]
    head += _background(header.background)

    # Inside a note everything is the footnote role's text (the "p", "li" and quote
    # rules would set the body's, list's or quote's); code keeps its own mono face at the
    # code role's size.
    note_text = _text_decl(style, "footnote", None)
    return [
        _format("pre", pre),
        "del {\n  text-decoration: line-through;\n}",
        _format(
            "table",
            [
                *_text_decl(style, "table", "body"),
                ("width", "100%"),
                ("border-collapse", "collapse"),
                *_spacing(table, table.space_before, max(table.space_after, body.space_after)),
            ],
        ),
        _format("th, td", cells),
        _format("thead th", head),
        # A row is never split between pages; the header row repeats where engines can.
        "tr {\n  break-inside: avoid;\n  page-break-inside: avoid;\n}",
        # A task's box stands where its bullet would; boxes are set in the sans family,
        # which has them (a serif often lacks ☐ and ☒).
        "ul > li.task {\n  list-style-type: none;\n}",
        _format(
            "ul > li.task > span.check:first-child",
            [("display", "inline-block"), ("width", "1.5em"), ("margin-left", "-1.5em")],
        ),
        # Right to left the box would hang off the wrong side: it starts the text instead.
        _format(
            '[dir="rtl"] ul > li.task > span.check:first-child',
            [("display", "inline"), ("width", "auto"), ("margin-left", "0")],
        ),
        _format(
            "span.check",
            [
                ("font-family", _family(style, replace(style.role("list"), font="sans"))),
                ("font-weight", "normal"),
                ("font-style", "normal"),
            ],
        ),
        # A note's mark is a small raised number that does not open up the line.
        "a.noteref {\n  text-decoration: none;\n}",
        "a.noteref sup {\n  line-height: 0;\n}",
        _format(
            "section.footnotes",
            [("margin-top", "2em"), ("border-top", f"1px solid {rule}")],
        ),
        _format("aside.footnote", [("font-size", _em(note.size / body.size)), ("margin", "0")]),
        _format(
            "aside.footnote p, aside.footnote li, aside.footnote blockquote",
            note_text,
        ),
        _format(
            "aside.footnote p, aside.footnote ul, aside.footnote ol",
            [
                ("font-size", "1em"),
                ("margin-top", "0"),
                ("margin-bottom", _em(note.space_after / note.size)),
            ],
        ),
        _format("aside.footnote pre", [("font-size", _em(code.size / note.size))]),
        # A note's back link keeps the underline every link in running text has: told
        # apart from the note's words by colour alone, it is lost to readers who cannot
        # see the colour (WCAG 1.4.1; DAISY Ace's link-in-text-block).
    ]


def _text_decl(style: Style, name: str, parent_name: str | None) -> list[tuple[str, str]]:
    """A role's text declarations: family, size (relative to the parent), colour, face.

    The colour only where it differs from the body's (see :func:`_extended_rules`);
    ``parent_name`` ``None`` leaves the size to the element's own rule.
    """
    role = style.role(name)
    decl = [("font-family", _family(style, role))]
    if parent_name is not None:
        decl.append(("font-size", _em(role.size / style.role(parent_name).size)))
    if role.color != style.role("body").color:
        decl.append(("color", role.color))
    decl += [
        ("font-weight", "bold" if role.bold else "normal"),
        ("font-style", "italic" if role.italic else "normal"),
        ("text-align", role.align),
        ("line-height", _num(role.line_height)),
    ]
    return decl


def _spacing(role: Role, before: float, after: float) -> list[tuple[str, str]]:
    """Space above and below and the indent of a block set in ``role``, in its own ``em``."""
    return [
        ("margin-top", _em(before / role.size)),
        ("margin-bottom", _em(after / role.size)),
        ("margin-left", _em(role.indent / role.size)),
    ]


def _background(color: str | None) -> list[tuple[str, str]]:
    """A box's background: the style's colour, then the same as a tint (:func:`_tint`).

    Engines that know ``rgba()`` take the tint, the others the plain colour.
    """
    if color is None:
        return []
    return [("background-color", color), ("background-color", _tint(color))]


def _tint(color: str) -> str:
    """``#RRGGBB`` as the most transparent ``rgba()`` that looks the same on white.

    On a white page it is the style's colour; on the dark page of a night mode it is a
    faint tint of it instead of a bright box.

    >>> _tint("#F3F4F6")
    'rgba(0, 21, 64, 0.047)'
    >>> _tint("#FFFFFF")
    'transparent'
    """
    rgb = [int(color[i : i + 2], 16) for i in (1, 3, 5)]
    alpha = round((255 - min(rgb)) / 255, 3)
    if alpha == 0:
        return "transparent"
    # Over white, a channel c shows as 255 - alpha * (255 - c): solve for c.
    channels = [max(0, min(255, round(255 - (255 - v) / alpha))) for v in rgb]
    return f"rgba({channels[0]}, {channels[1]}, {channels[2]}, {_num(alpha)})"


def _code_rule(style: Style) -> str:
    """Inline code: the style's mono family at the surrounding text's size and colour.

    Naming a family before ``monospace`` also stops browsers shrinking the text, which
    they do for ``font-family: monospace`` alone.
    """
    family = style.fonts["mono"]
    return _format(
        "code", [("font-family", f"{_css_string(family.name)}, monospace"), ("font-size", "1em")]
    )


def _figure_rules(style: Style) -> list[str]:
    """A figure with space around it and its caption, as the PDF and DOCX set them.

    The space is :data:`~briefconv.writers._blocks.FIGURE_SPACE_BEFORE` and ``_AFTER``
    in the body's ``em``; the caption is :func:`~briefconv.writers._blocks.caption_role`.
    """
    body = style.role("body")
    caption = caption_role(style)
    figure = [
        (
            "margin",
            f"{_em(FIGURE_SPACE_BEFORE / body.size)} 0 {_em(FIGURE_SPACE_AFTER / body.size)}",
        ),
        ("text-align", "center"),
    ]
    text = [
        ("font-family", _family(style, caption)),
        ("font-size", _em(caption.size / body.size)),
        ("color", caption.color),
        ("line-height", _num(caption.line_height)),
        ("text-align", "center"),
        ("margin-top", _em(caption.space_before / caption.size)),
    ]
    return [_format("figure", figure), _format("figcaption", text)]


def _hr_rule(style: Style) -> str:
    """A thematic break: a short centred rule in the text's colour, with space around it.

    ``currentColor``, not the body role's colour: the text colour is the reader's (see
    :data:`_READER_COLOR`), so the rule stays visible on a dark page. As wide and as far
    from the text as the PDF's and the DOCX's (writers._blocks).
    """
    body = style.role("body")
    return _format(
        "hr",
        [
            ("width", f"{BREAK_WIDTH * 100:g}%"),
            ("margin", f"{_em(break_space(style) / body.size)} auto"),
            ("border", "0"),
            ("border-top", "1px solid currentColor"),
            ("height", "0"),
        ],
    )


def _header_rule(style: Style) -> str:
    """An article's title block ends in a rule in the title's colour, as in the PDF.

    The byline's own space below stays above the rule (the border keeps it inside the
    ``<header>``); the same space again follows the rule, as the PDF sets it.
    """
    body = style.role("body")
    return _format(
        "header",
        [
            ("border-bottom", f"1px solid {style.role('title').color}"),
            ("margin-bottom", _em(style.role("byline").space_after / body.size)),
        ],
    )


#: Body text size at which an e-book keeps the reader's own base size: print sizes up to
#: 16 pt (UKAAF's smallest large print) read like a reading system's default text.
_READER_BASE_SIZE = 16.0


def base_scale(style: Style) -> float:
    """The factor by which an e-book scales the reader's base text size for ``style``.

    1 for ordinary print sizes; a large-print body (over 16 pt) scales the reader's size
    by ``size / 16`` (18 pt: 1.125), so the book is larger at any setting the reader
    chooses, and still follows that setting.

    >>> from briefconv.styles import load_style
    >>> base_scale(load_style("default")), base_scale(load_style("large-print"))
    (1.0, 1.125)
    """
    return max(1.0, style.role("body").size / _READER_BASE_SIZE)


def _font_face(face: FontFace) -> str:
    """One ``@font-face`` rule; the family name is the one ``font-family`` declarations use."""
    return _format(
        "@font-face",
        [
            ("font-family", _css_string(face.family)),
            ("font-weight", "bold" if face.bold else "normal"),
            ("font-style", "italic" if face.italic else "normal"),
            ("src", f'url("{face.href}")'),
        ],
    )


def _css_string(text: str) -> str:
    """``text`` as a quoted CSS string, escaped so that no name can end the rule."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    escaped = escaped.replace("\n", "\\a ").replace("\r", "\\d ")
    return f'"{escaped}"'


def generic_family(style: Style, role: Role) -> str:
    """The generic CSS family of a role's font: ``serif``, ``sans-serif`` or ``monospace``.

    >>> from briefconv.styles import load_style
    >>> style = load_style("default")
    >>> generic_family(style, style.role("cover_title"))
    'sans-serif'
    """
    generic = _GENERIC_BY_KEY.get(role.font)
    if generic is None:
        lowered = style.family(role).name.lower()
        if "mono" in lowered:
            generic = "monospace"
        elif "sans" in lowered:
            generic = "sans-serif"
        else:
            generic = "serif"
    return generic


def _family(style: Style, role: Role) -> str:
    """``"Family Name", generic`` for a role, the family name quoted as a CSS string."""
    return f"{_css_string(style.family(role).name)}, {generic_family(style, role)}"


def _num(value: float) -> str:
    """Format a CSS number with at most three decimals and no trailing zeros."""
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def _em(value: float) -> str:
    """Format a length in ``em`` (``0`` without a unit)."""
    text = _num(value)
    return "0" if text == "0" else f"{text}em"


def _format(selector: str, decl: list[tuple[str, str]]) -> str:
    """Write one rule: the selector and its declarations, one a line."""
    body = "".join(f"  {prop}: {value};\n" for prop, value in decl)
    return f"{selector} {{\n{body}}}"
