"""Style files: one TOML file that drives the look of every output format.

A style names *roles* (``body``, ``title``, ``heading1``, ``quote`` ...) and says what they
look like in format-neutral terms: font family, size in points, colour, spacing. Each writer
owns a small table translating roles into its native form (Word styles, reportlab
``ParagraphStyle``, CSS); no writer reads the TOML itself. See ``styles/README.md`` for
every key.

This module knows only format-neutral data (page, fonts, roles, ``[pack]``). A table for an
output format (``[pdf]``, a plugin's ``[odt]``) is checked through the options its writer
declares (:mod:`briefconv.writers.options`), which the writer registry supplies, and kept
raw in :attr:`Style.options`; the writer reads it typed with ``PdfOptions.of(style)``.

Resolution order for a role's property: the role's own table, then the role it names in
``based_on`` (default ``body``), then the built-in defaults below. A style file may name
another style in its top-level ``based_on`` and override only a few keys.

Example::

    >>> style = load_style("default")
    >>> style.role("heading1").bold
    True
"""

from __future__ import annotations

import logging
import math
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from os import PathLike
from pathlib import Path
from typing import Any, Literal, cast

from briefconv._records import record_methods
from briefconv.errors import FormatError, StyleError
from briefconv.fonts import BUNDLED_FAMILIES, bundled_faces
from briefconv.writers import available_writers, writer_options
from briefconv.writers.options import WriterOptions, unknown_key

__all__ = [
    "ROLE_NAMES",
    "STYLE_DIR",
    "Align",
    "Emphasis",
    "FontFamily",
    "Page",
    "Role",
    "Style",
    "StyleInfo",
    "StyleNotFound",
    "available_styles",
    "bundled_styles",
    "load_style",
    "style_names",
    "style_to_toml",
]

_log = logging.getLogger("briefconv")

#: Folder of the bundled styles (``styles/`` of the source tree, shipped in the package).
STYLE_DIR = Path(__file__).resolve().parent / "styles"

#: Every role a style may describe; writers may rely on all of them resolving.
ROLE_NAMES: tuple[str, ...] = (
    "body",
    "title",
    "subtitle",
    "byline",
    "heading1",
    "heading2",
    "heading3",
    "quote",
    "quote_attribution",
    "list",
    "link",
    "header",
    "footer",
    "marking",
    "cover_title",
    "code",
    "table",
    "table_header",
    "footnote",
)

# What a role says before the style file does: a style that never mentions ``code`` still
# sets code in the monospaced family, and table headers still stand out from their rows.
_ROLE_BUILTINS: dict[str, dict[str, Any]] = {
    "code": {"font": "mono", "size": 9, "line_height": 1.25, "align": "left"},
    "table": {"size": 9.5, "space_after": 0},
    "table_header": {"based_on": "table", "bold": True},
    "footnote": {"size": 8.5, "space_after": 3},
}

Align = Literal["left", "center", "right", "justify"]
_ALIGNS: tuple[Align, ...] = ("left", "center", "right", "justify")

#: How emphasised text (Markdown ``*text*``, a stand-in for an image) is set: slanted, or
#: bold for readers who find italics hard to read (large print: UKAAF, RNIB, ACB).
Emphasis = Literal["italic", "bold"]
_EMPHASES: tuple[Emphasis, ...] = ("italic", "bold")

_PAGE_SIZES: dict[str, tuple[float, float]] = {
    "A4": (595.2756, 841.8898),
    "A5": (419.5276, 595.2756),
    "LETTER": (612.0, 792.0),
}
#: The largest length a style may give (200 in, the most a PDF page may measure).
_MAX_LENGTH = 14400.0
#: Font sizes a style may give: large enough for a poster title, small enough to fit a page.
_SIZES = (2.0, 144.0)
#: Space around a block, and line spacing as a multiple of the size.
_MAX_SPACE = 288.0
_LINE_HEIGHTS = (0.5, 4.0)
#: Line lengths ``page.max_measure`` may ask for, in characters: from a narrow column to
#: far past any comfortable measure (the point is to cap the measure, not to forbid).
_MEASURES = (20, 200)
_UNITS = {"pt": 1.0, "mm": 72 / 25.4, "cm": 72 / 2.54, "in": 72.0}
_LENGTH = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*(pt|mm|cm|in)?\s*$")
_COLOR = re.compile(r"^#[0-9A-Fa-f]{6}$")

# The top-level keys that are not an output format's table; any other table is one.
_NEUTRAL_KEYS = ("name", "description", "emphasis", "page", "fonts", "roles", "pack", "typography")

# What a role is when neither it nor anything it inherits from says otherwise.
_ROLE_DEFAULTS: dict[str, Any] = {
    "font": "serif",
    "size": 11.0,
    "color": "#000000",
    "bold": False,
    "italic": False,
    "align": "left",
    "line_height": 1.3,
    "space_before": 0.0,
    "space_after": 6.0,
    "indent": 0.0,
    "border_color": None,
    "background": None,
}


@record_methods
@dataclass(frozen=True, slots=True, repr=False, eq=False)
class FontFamily:
    """A font family: its display name and the four face files (absolute paths)."""

    name: str
    regular: Path
    bold: Path
    italic: Path
    bold_italic: Path


@record_methods
@dataclass(frozen=True, slots=True, repr=False, eq=False)
class Role:
    """The resolved look of one role; lengths in points, colours as ``#RRGGBB``.

    ``font`` is the key of a family in :attr:`Style.fonts`; ``line_height`` is a multiple of
    ``size``.
    """

    font: str
    size: float
    color: str
    bold: bool
    italic: bool
    align: Align
    line_height: float
    space_before: float
    space_after: float
    indent: float
    border_color: str | None
    background: str | None


@record_methods
@dataclass(frozen=True, slots=True, repr=False, eq=False)
class Page:
    """Page size and margins, in points; the longest line the body may set, in characters.

    ``max_measure`` (``None``: no limit) is as the style file gives it: the writers that
    lay out pages widen the side margins until a body line holds at most that many
    average characters (:func:`briefconv.writers._measure.fit_measure`).
    """

    width: float
    height: float
    margin_top: float
    margin_right: float
    margin_bottom: float
    margin_left: float
    max_measure: float | None = None


@record_methods
@dataclass(frozen=True, slots=True, repr=False, eq=False)
class Style:
    """A fully resolved style: every role present, every font a file on disk.

    ``options`` holds each output format's table (``options["pdf"]`` is ``[pdf]``) as
    written in the file, checked by its writer's declaration, with paths made absolute;
    writers read theirs typed, through their options class (``PdfOptions.of(style)``).
    ``pack`` is the format-neutral ``[pack]`` table. ``emphasis`` says how every writer
    sets emphasised text: ``"italic"``, or ``"bold"`` (never slanted). ``smart_quotes`` is
    ``[typography] smart_quotes``: whether straight quotes are printed curled
    (:mod:`briefconv.typography`).
    """

    name: str
    description: str
    path: Path | None
    page: Page
    fonts: Mapping[str, FontFamily]
    roles: Mapping[str, Role]
    options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    pack: Mapping[str, Any] = field(default_factory=dict)
    emphasis: Emphasis = "italic"
    smart_quotes: bool = True

    def role(self, name: str) -> Role:
        """The resolved role ``name`` (one of :data:`ROLE_NAMES`)."""
        return self.roles[name]

    def family(self, role: Role | str) -> FontFamily:
        """The font family a role (or role name) is set in."""
        if isinstance(role, str):
            role = self.roles[role]
        return self.fonts[role.font]

    def with_options(self, fmt: str, **values: object) -> Style:
        """A copy of this style with keys of its ``[fmt]`` table set (the others kept), checked.

        The way to change a writer's options from Python, as a style file would:
        ``style.with_options("pdf", hyphenate=False)``. Paths are taken as given (relative
        to the current folder), not relative to the style file.
        """
        given = {k: str(v) if isinstance(v, PathLike) else v for k, v in values.items()}
        table = {**self.options.get(fmt, {}), **given}
        _check_format_table(fmt, table, self.path or self.name)
        return replace(self, options={**self.options, fmt: table})


def style_names(folders: Sequence[Path] = (Path("styles"), STYLE_DIR)) -> list[str]:
    """The names ``--style NAME`` can find in ``folders`` (the project's, then bundled), sorted.

    Only file names are read, not the styles: shell completion asks on every key press.
    """
    return sorted({p.stem for folder in folders if folder.is_dir() for p in folder.glob("*.toml")})


def bundled_styles() -> dict[str, Path]:
    """Names and paths of the styles shipped with briefconv, sorted by name."""
    return {p.stem: p for p in sorted(STYLE_DIR.glob("*.toml"))}


@record_methods
@dataclass(frozen=True, slots=True, repr=False, eq=False)
class StyleInfo:
    """A style found by name: where it is, and its description (or why it cannot load)."""

    name: str
    path: Path
    bundled: bool
    description: str
    error: str | None = None


def available_styles() -> list[StyleInfo]:
    """Styles ``--style NAME`` can find: the project's ``styles/*.toml``, then bundled ones.

    A project style hides a bundled one of the same name, as it does when loading.
    """
    found: dict[str, StyleInfo] = {}
    bundled_dir = STYLE_DIR.resolve()
    for folder in (Path("styles"), STYLE_DIR):
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.toml")):
            if path.stem in found:
                continue
            is_bundled = path.resolve().parent == bundled_dir
            try:
                style = load_style(path)
                found[path.stem] = StyleInfo(path.stem, path, is_bundled, style.description)
            except StyleError as exc:
                found[path.stem] = StyleInfo(path.stem, path, is_bundled, "", str(exc))
    return list(found.values())


def load_style(name_or_path: str | Path | None = None) -> Style:
    """Load and resolve a style by bundled name, project name or path.

    ``None`` means ``default``. A bare name is looked up as ``styles/NAME.toml`` in the
    current folder first (a project's own styles), then among the bundled styles. Anything
    containing a path separator or ending in ``.toml`` is taken as a path.

    Raises :class:`StyleError` naming the file and key on any problem.
    """
    path = _find_style(name_or_path or "default")
    data = _read_chain(path, seen=())
    return _resolve(data, path)


def _find_style(name_or_path: str | Path, relative_to: Path | None = None) -> Path:
    """Locate a style file; see :func:`load_style` for the search order."""
    text = str(name_or_path)
    if isinstance(name_or_path, Path) or "/" in text or "\\" in text or text.endswith(".toml"):
        path = Path(text)
        if relative_to is not None and not path.is_absolute():
            path = relative_to / path
        if not path.is_file():
            raise StyleNotFound(f"{path}: style file not found", text)
        return path
    # A style's based_on looks beside that style first, so bundled styles always build on
    # bundled ones; then the project's styles/ folder, then the bundled styles.
    folders = ([relative_to] if relative_to is not None else []) + [Path("styles"), STYLE_DIR]
    for candidate in (folder / f"{text}.toml" for folder in folders):
        if candidate.is_file():
            return candidate
    import difflib  # imported on first use: only a mistake needs a did-you-mean

    names = style_names(folders)
    close = difflib.get_close_matches(text, names, n=1, cutoff=0.6)
    hint = f"did you mean {close[0]!r}? " if close else ""
    raise StyleNotFound(
        f"unknown style {text!r} ({hint}styles: {', '.join(names) or 'none'})", text
    )


class StyleNotFound(StyleError):
    """No style has the name, or no file is at the path, that was asked for (``name``).

    The command line tells it from a style that exists but is wrong: a name the user
    typed wrong is a usage error (exit status 2), as an unknown ``-t`` format is.
    """

    def __init__(self, message: str, name: str) -> None:
        """``message`` for users; ``name`` the style name or path as it was asked for."""
        super().__init__(message)
        self.name = name


def _read_chain(path: Path, seen: tuple[Path, ...]) -> dict[str, Any]:
    """Read a style file merged over the style it is ``based_on``, recursively."""
    resolved = path.resolve()
    if resolved in seen:
        raise StyleError(f"{path}: based_on: circular reference")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise StyleError(f"{path}: cannot read: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise StyleError(f"{path}: not valid TOML: {exc}") from None
    # Fonts are relative to the file that names them, so pin them down before merging.
    fonts = data.get("fonts", {})
    if isinstance(fonts, dict):
        for key, value in fonts.items():
            if isinstance(value, dict):
                fonts[key] = {
                    k: str((path.parent / v).resolve()) if isinstance(v, str) and k != "name" else v
                    for k, v in value.items()
                }
    # Likewise the paths in [pack] and in each format's table (its writer says which keys).
    for table_name, table in data.items():
        if not isinstance(table, dict) or (table_name in _NEUTRAL_KEYS and table_name != "pack"):
            continue
        if table_name == "pack":
            keys = ["logo"]
        else:
            options = _options_of(table_name, path)  # None: an unknown table, refused later
            keys = [o.key for o in options.declared() if o.is_path] if options else []
        for key in keys:
            if isinstance(table.get(key), str):
                table[key] = str((path.parent / table[key]).resolve())
    base_name = data.pop("based_on", None)
    if base_name is None:
        return data
    if not isinstance(base_name, str):
        raise StyleError(f"{path}: based_on: expected a style name or path")
    base = _read_chain(_find_style(base_name, relative_to=path.parent), (*seen, resolved))
    merged = _merge(base, data)
    # A shorthand overrides the longhands it stands for, as in CSS: a child's
    # `margin = "1in"` over a base that sets margin_top ... (every `styles show` dump
    # does) must give 1 in all round, not the base's four sides. Longhands the child
    # sets beside its shorthand still win over it.
    page = data.get("page")
    if isinstance(page, dict) and "margin" in page and isinstance(merged.get("page"), dict):
        for side in ("top", "right", "bottom", "left"):
            if f"margin_{side}" not in page:
                merged["page"].pop(f"margin_{side}", None)
    return merged


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """Deep-merge two TOML tables; ``over`` wins, tables merge key by key."""
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _resolve(data: dict[str, Any], path: Path) -> Style:
    """Validate merged style data and resolve roles, fonts and page into a :class:`Style`."""
    formats: dict[str, dict[str, Any]] = {}
    for key in data:
        if key in _NEUTRAL_KEYS:
            continue
        options = _options_of(key, path)
        if options is None:
            # Not accepted silently: a table for a format no writer declares is most likely
            # a misspelling of one that does (or of a neutral table).
            raise unknown_key(path, key, key, [*_NEUTRAL_KEYS, *available_writers()])
        formats[key] = _table(data, key, path)
        options.check(formats[key], path, key)
    fonts = _resolve_fonts(_table(data, "fonts", path), path)
    roles_data = _table(data, "roles", path)
    for name in roles_data:
        if name not in ROLE_NAMES:
            import difflib  # imported on first use: only a mistake needs it

            close = difflib.get_close_matches(name, ROLE_NAMES, n=1, cutoff=0.6)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise StyleError(f"{path}: roles.{name}: unknown role{hint}")
    roles = {name: _resolve_role(name, roles_data, path, ()) for name in ROLE_NAMES}
    roles = _marking_apart(roles, path)
    page = _resolve_page(_table(data, "page", path), path)
    # An indent may take at most half the text width: more squeezes the text to a few
    # letters a line (PDF lost 268 of 277 words at indent = 100000).
    widest = (page.width - page.margin_left - page.margin_right) / 2
    for name, role in roles.items():
        if role.font not in fonts:
            raise StyleError(f"{path}: roles.{name}.font: no family {role.font!r} in [fonts]")
        if role.indent > widest:
            raise StyleError(
                f"{path}: roles.{name}.indent: {role.indent:g} pt is out of range: expected "
                f"0 to {widest:g} pt (half the text width)"
            )
    return Style(
        name=_str(data.get("name", path.stem), "name", path),
        description=_str(data.get("description", ""), "description", path),
        path=path,
        page=page,
        fonts=fonts,
        roles=roles,
        options=formats,
        pack=_pack_table(data, path),
        emphasis=_emphasis(data.get("emphasis", "italic"), path),
        smart_quotes=_typography_table(data, path),
    )


def _emphasis(value: object, path: Path) -> Emphasis:
    """The top-level ``emphasis`` key: ``"italic"`` or ``"bold"``."""
    for known in _EMPHASES:
        if value == known:
            return known
    raise StyleError(f"{path}: emphasis: expected one of {', '.join(_EMPHASES)}")


# The roles whose colours are the style's accents: titles, headings and links.
_ACCENT_ROLES = ("title", "subtitle", "cover_title", "heading1", "heading2", "heading3", "link")
#: Most a colour's channels may differ and it still reads as black or grey, not an accent.
_NEUTRAL_SPREAD = 0x18


def _is_neutral(color: str) -> bool:
    """Whether ``#RRGGBB`` is black, grey or white (its channels nearly equal)."""
    channels = [int(color[i : i + 2], 16) for i in (1, 3, 5)]
    return max(channels) - min(channels) <= _NEUTRAL_SPREAD


def _marking_apart(roles: dict[str, Role], path: Path) -> dict[str, Role]:
    """``roles`` with the marking set in black if it shares a colour with an accent.

    A classification marking in the red of the headings reads as decoration, not as a
    handling instruction (the visual review of issue 16 found it so in ``newsroom``).
    Black or grey shared with black headings is no accent, and is kept.
    """
    marking = roles["marking"]
    color = marking.color.upper()
    accents = {roles[name].color.upper(): name for name in _ACCENT_ROLES}
    border = roles["quote"].border_color
    if border is not None:
        accents.setdefault(border.upper(), "quote border")
    if color not in accents or _is_neutral(color):
        return roles
    _log.warning(
        "%s: roles.marking.color %s is the colour of %s, an accent: the classification "
        "marking is printed in black instead",
        path,
        color,
        accents[color],
    )
    return {**roles, "marking": replace(marking, color="#000000")}


def _options_of(fmt: str, source: object) -> type[WriterOptions] | None:
    """The options the writer of ``fmt`` declares (``None``: no such writer), as a StyleError."""
    try:
        return writer_options(fmt)
    except FormatError as exc:  # a broken plugin: say which style table needed it
        raise StyleError(f"{source}: {fmt}: {exc}") from exc


def _check_format_table(fmt: str, table: Mapping[str, Any], source: object) -> None:
    """Check the ``[fmt]`` table through its writer's declaration; StyleError if wrong."""
    options = _options_of(fmt, source)
    if options is None:
        raise unknown_key(source, fmt, fmt, [*_NEUTRAL_KEYS, *available_writers()])
    options.check(table, source, fmt)


# [pack] keys: name -> (type check, what to say when it fails). The logo is resolved
# relative to the style file by _read_chain before merging.
_PACK_KEYS: dict[str, tuple[type, str]] = {
    "logo": (str, "expected the path of a PNG or JPEG image"),
    "words_per_minute": (int, "expected a whole number of words a minute"),
}


def _pack_table(data: Mapping[str, Any], path: Path) -> dict[str, Any]:
    """Validate the format-neutral ``[pack]`` table."""
    table = _table(data, "pack", path)
    for key, value in table.items():
        if key not in _PACK_KEYS:
            raise unknown_key(path, f"pack.{key}", key, _PACK_KEYS)
        kind, problem = _PACK_KEYS[key]
        if not isinstance(value, kind):
            raise StyleError(f"{path}: pack.{key}: {problem}")
    wpm = table.get("words_per_minute")
    if wpm is not None and (isinstance(wpm, bool) or not 50 <= wpm <= 2000):
        raise StyleError(f"{path}: pack.words_per_minute: expected 50 to 2000")
    logo = table.get("logo")
    if logo is not None:
        lpath = Path(logo)
        if lpath.suffix.lower() not in (".png", ".jpg", ".jpeg"):
            raise StyleError(f"{path}: pack.logo: expected a PNG or JPEG image, not {lpath.name}")
        if not lpath.is_file():
            raise StyleError(f"{path}: pack.logo: file {lpath} not found")
    return table


def _typography_table(data: Mapping[str, Any], path: Path) -> bool:
    """Validate the format-neutral ``[typography]`` table; its ``smart_quotes`` value."""
    table = _table(data, "typography", path)
    for key in table:
        if key != "smart_quotes":
            raise unknown_key(path, f"typography.{key}", key, ["smart_quotes"])
    value = table.get("smart_quotes", True)
    if not isinstance(value, bool):
        raise StyleError(f"{path}: typography.smart_quotes: expected true or false")
    return value


def _table(data: Mapping[str, Any], key: str, path: Path) -> dict[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise StyleError(f"{path}: {key}: expected a table")
    return cast(dict[str, Any], value)


def _str(value: object, key: str, path: Path) -> str:
    if not isinstance(value, str):
        raise StyleError(f"{path}: {key}: expected a string")
    return value


def _length(
    value: object, key: str, path: Path, low: float = 0.0, high: float = _MAX_LENGTH
) -> float:
    """A length in points from a number (points) or a string with a unit, in [low, high].

    Finite and in range, checked here where the key is known: ``nan``, ``inf``, ``1e308``
    or a negative margin would otherwise fail later with no key named, or lose text.
    """
    if isinstance(value, bool):
        raise StyleError(f"{path}: {key}: expected a length such as 12, '12pt' or '20mm'")
    if isinstance(value, int | float):
        points = float(value)
    elif isinstance(value, str) and (m := _LENGTH.match(value)):
        points = float(m.group(1)) * _UNITS[m.group(2) or "pt"]
    else:
        raise StyleError(f"{path}: {key}: expected a length such as 12, '12pt' or '20mm'")
    if not math.isfinite(points) or not low <= points <= high:
        raise StyleError(
            f"{path}: {key}: {value!r} is out of range: expected {_pt(low)} to {_pt(high)}"
        )
    return points


def _pt(points: float) -> str:
    """``12.0`` -> ``12 pt`` (for range messages)."""
    return f"{points:g} pt"


def _resolve_page(page: dict[str, Any], path: Path) -> Page:
    known = (
        "size",
        "margin",
        "margin_top",
        "margin_right",
        "margin_bottom",
        "margin_left",
        "max_measure",
    )
    for key in page:
        if key not in known:
            raise unknown_key(path, f"page.{key}", key, known)
    size = page.get("size", "A4")
    if isinstance(size, str):
        if size.upper() not in _PAGE_SIZES:
            raise StyleError(f"{path}: page.size: unknown size {size!r} (A4, A5, Letter)")
        width, height = _PAGE_SIZES[size.upper()]
    elif isinstance(size, list) and len(size) == 2:
        width = _length(size[0], "page.size", path)
        height = _length(size[1], "page.size", path)
    else:
        raise StyleError(f"{path}: page.size: expected a name or [width, height]")
    if width < 144 or height < 144:
        raise StyleError(f"{path}: page.size: a page must be at least 2 in on each side")
    margin = _length(page.get("margin", "20mm"), "page.margin", path)
    sides = {
        side: _length(page.get(f"margin_{side}", margin), f"page.margin_{side}", path)
        for side in ("top", "right", "bottom", "left")
    }
    if sides["left"] + sides["right"] > width - 72 or sides["top"] + sides["bottom"] > height - 72:
        raise StyleError(f"{path}: page.margin: margins leave less than 1 in for text")
    return Page(
        width,
        height,
        sides["top"],
        sides["right"],
        sides["bottom"],
        sides["left"],
        _measure(page.get("max_measure"), path),
    )


def _measure(value: object, path: Path) -> float | None:
    """``page.max_measure``: characters in :data:`_MEASURES`; ``None`` if unset or ``0``.

    ``0`` lifts a limit the style is ``based_on``: its margins are then used as given.
    """
    if value is None:
        return None
    low, high = _MEASURES
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise StyleError(f"{path}: page.max_measure: expected a number of characters, e.g. 68")
    if value == 0:
        return None
    if not math.isfinite(value) or not low <= value <= high:
        raise StyleError(
            f"{path}: page.max_measure: {value!r} is out of range: expected {low} to {high} "
            "characters, or 0 for no limit"
        )
    return float(value)


_FACES = ("regular", "bold", "italic", "bold_italic")


def _font_file(value: object, where: str, path: Path) -> Path:
    """Check that a face is an existing TrueType font file (TTF, or OTF with TrueType outlines)."""
    if not isinstance(value, str):
        raise StyleError(f"{path}: {where}: expected the path of a .ttf or .otf file")
    face = Path(value)
    if not face.is_file():
        raise StyleError(f"{path}: {where}: font file {face} not found")
    with face.open("rb") as fh:
        magic = fh.read(4)
    if magic == b"OTTO":
        # reportlab embeds only TrueType outlines; a CFF font would fail at render time.
        raise StyleError(
            f"{path}: {where}: {face.name} has PostScript (CFF) outlines, which the PDF writer "
            "cannot embed; use a TrueType-flavoured .ttf/.otf"
        )
    if magic not in (b"\x00\x01\x00\x00", b"true"):
        raise StyleError(f"{path}: {where}: {face.name} is not a TrueType/OpenType font")
    return face


def _resolve_fonts(fonts: dict[str, Any], path: Path) -> dict[str, FontFamily]:
    out: dict[str, FontFamily] = {}
    for key, value in fonts.items():
        where = f"fonts.{key}"
        if isinstance(value, str):
            bundled = bundled_faces(value)
            if bundled is None:
                known = ", ".join(BUNDLED_FAMILIES)
                raise StyleError(
                    f"{path}: {where}: {value!r} is not a bundled font family ({known})"
                )
            out[key] = FontFamily(value, *bundled)
        elif isinstance(value, dict):
            for face in value:
                if face not in _FACES and face != "name":
                    raise unknown_key(path, f"{where}.{face}", face, [*_FACES, "name"])
            missing = [face for face in _FACES if face not in value]
            if missing:
                raise StyleError(
                    f"{path}: {where}: a family needs all four faces; missing {', '.join(missing)}"
                )
            name = value.get("name", key)
            if not isinstance(name, str):
                raise StyleError(f"{path}: {where}.name: expected a string")
            regular, bold, italic, bold_italic = (
                _font_file(value[face], f"{where}.{face}", path) for face in _FACES
            )
            out[key] = FontFamily(name, regular, bold, italic, bold_italic)
        else:
            raise StyleError(f"{path}: {where}: expected a family name or a table of files")
    for key, family in (
        ("serif", "DejaVu Serif"),
        ("sans", "DejaVu Sans"),
        ("mono", "DejaVu Sans Mono"),
    ):
        if key not in out:
            default = bundled_faces(family)
            assert default is not None
            out[key] = FontFamily(family, *default)
    return out


def _resolve_role(name: str, roles: dict[str, Any], path: Path, chain: tuple[str, ...]) -> Role:
    """Resolve one role through its ``based_on`` chain down to ``body`` and the defaults."""
    if name in chain:
        raise StyleError(f"{path}: roles.{name}.based_on: circular reference")
    own = roles.get(name, {})
    if not isinstance(own, dict):
        raise StyleError(f"{path}: roles.{name}: expected a table")
    own = {**_ROLE_BUILTINS.get(name, {}), **own}
    parent_name = own.get("based_on", None if name == "body" else "body")
    if parent_name is not None and parent_name not in ROLE_NAMES:
        raise StyleError(f"{path}: roles.{name}.based_on: unknown role {parent_name!r}")
    values = dict(_ROLE_DEFAULTS)
    if parent_name is not None:
        parent = _resolve_role(parent_name, roles, path, (*chain, name))
        values.update({k: getattr(parent, k) for k in _ROLE_DEFAULTS})
        # A quote's box is its own: children of quote do not inherit border or background.
        values["border_color"] = None
        values["background"] = None
    for key, value in own.items():
        where = f"roles.{name}.{key}"
        if key == "based_on":
            continue
        if key not in _ROLE_DEFAULTS:
            raise unknown_key(path, where, key, [*_ROLE_DEFAULTS, "based_on"])
        if key == "font":
            values[key] = _str(value, where, path)
        elif key == "size":
            values[key] = _length(value, where, path, *_SIZES)
        elif key in ("space_before", "space_after"):
            values[key] = _length(value, where, path, 0.0, _MAX_SPACE)
        elif key == "indent":
            # The upper bound depends on the page: checked once page and roles are known.
            values[key] = _length(value, where, path)
        elif key == "line_height":
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise StyleError(f"{path}: {where}: expected a positive number (multiple of size)")
            if not math.isfinite(value) or not _LINE_HEIGHTS[0] <= value <= _LINE_HEIGHTS[1]:
                low, high = _LINE_HEIGHTS
                raise StyleError(
                    f"{path}: {where}: {value!r} is out of range: expected {low:g} to {high:g}"
                )
            values[key] = float(value)
        elif key in ("bold", "italic"):
            if not isinstance(value, bool):
                raise StyleError(f"{path}: {where}: expected true or false")
            values[key] = value
        elif key == "align":
            if value not in _ALIGNS:
                raise StyleError(f"{path}: {where}: expected one of {', '.join(_ALIGNS)}")
            values[key] = value
        else:  # colours
            if not isinstance(value, str) or not _COLOR.match(value):
                raise StyleError(f"{path}: {where}: expected a colour as #RRGGBB")
            values[key] = value.upper()
    if values["size"] <= 0:
        raise StyleError(f"{path}: roles.{name}.size: must be positive")
    return Role(**values)


def _toml_value(value: object) -> str:
    """One TOML value: strings JSON-quoted (valid TOML basic strings), numbers trimmed."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        value = round(value, 2)
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    import json  # imported on first use: only `styles show` writes TOML

    return json.dumps(str(value), ensure_ascii=False)


def _toml_length(points: float) -> str:
    """A length as millimetres when it is a whole tenth of one (as styles write it), else points."""
    mm = points / _UNITS["mm"]
    if abs(mm * 10 - round(mm * 10)) < 1e-6:
        return _toml_value(f"{round(mm, 1):g}mm")
    return _toml_value(points)


def style_to_toml(style: Style) -> str:
    """The fully resolved style as a TOML style file, a starting point for a house style.

    Every role is written out in full, so the result needs no ``based_on``; loading it gives
    the same page, fonts and roles as ``style``.
    """
    lines = [
        f"# The {style.name!r} style, fully resolved by briefconv. Every key is described in",
        "# styles/README.md. Lengths are in points.",
        f"name = {_toml_value(style.name)}",
        f"description = {_toml_value(style.description)}",
        f"emphasis = {_toml_value(style.emphasis)}",
        "",
        "[page]",
    ]
    page = style.page
    size_name = next(
        (
            n
            for n, (w, h) in _PAGE_SIZES.items()
            if abs(w - page.width) < 0.01 and abs(h - page.height) < 0.01
        ),
        None,
    )
    display = {"A4": "A4", "A5": "A5", "LETTER": "Letter"}
    size = _toml_value(display[size_name]) if size_name else _toml_value([page.width, page.height])
    lines.append(f"size = {size}")
    for side in ("top", "right", "bottom", "left"):
        lines.append(f"margin_{side} = {_toml_length(getattr(page, 'margin_' + side))}")
    if page.max_measure is not None:
        lines.append(f"max_measure = {_toml_value(page.max_measure)}")
    lines += ["", "[fonts]"]
    custom: list[str] = []
    for key, family in style.fonts.items():
        faces = (family.regular, family.bold, family.italic, family.bold_italic)
        if bundled_faces(family.name) == faces:
            lines.append(f"{key} = {_toml_value(family.name)}")
        else:
            custom += ["", f"[fonts.{key}]", f"name = {_toml_value(family.name)}"]
            custom += [
                f"{face} = {_toml_value(str(p))}" for face, p in zip(_FACES, faces, strict=True)
            ]
    lines += custom
    for name in ROLE_NAMES:
        role = style.roles[name]
        lines += ["", f"[roles.{name}]"]
        for key in _ROLE_DEFAULTS:
            value = getattr(role, key)
            if value is not None:
                lines.append(f"{key} = {_toml_value(value)}")
    # Format tables in name order (docx, epub, pdf, then plugins'), [pack] and
    # [typography] last.
    formats = [
        *((fmt, style.options[fmt]) for fmt in sorted(style.options)),
        ("pack", style.pack),
        ("typography", {"smart_quotes": style.smart_quotes}),
    ]
    for fmt, table in formats:
        lines += ["", f"[{fmt}]"]
        lines += [f"{key} = {_toml_value(value)}" for key, value in table.items()]
    return "\n".join(lines) + "\n"
