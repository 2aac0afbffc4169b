"""Style files: one TOML file that drives the look of every output format.

A style names *roles* (``body``, ``title``, ``heading1``, ``quote`` ...) and says what they
look like in format-neutral terms: font family, size in points, colour, spacing. Each writer
owns a small table translating roles into its native form (Word styles, reportlab
``ParagraphStyle``, CSS); no writer reads the TOML itself. See ``styles/README.md`` for
every key.

Resolution order for a role's property: the role's own table, then the role it names in
``based_on`` (default ``body``), then the built-in defaults below. A style file may name
another style in its top-level ``based_on`` and override only a few keys.

Example::

    >>> style = load_style("default")
    >>> style.role("heading1").bold
    True
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, cast

from briefconv.errors import StyleError
from briefconv.fonts import bundled_faces

__all__ = [
    "ROLE_NAMES",
    "STYLE_DIR",
    "Align",
    "FontFamily",
    "Page",
    "Role",
    "Style",
    "bundled_styles",
    "load_style",
]

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
)

Align = Literal["left", "center", "right", "justify"]
_ALIGNS: tuple[Align, ...] = ("left", "center", "right", "justify")

_PAGE_SIZES: dict[str, tuple[float, float]] = {
    "A4": (595.2756, 841.8898),
    "A5": (419.5276, 595.2756),
    "LETTER": (612.0, 792.0),
}
_UNITS = {"pt": 1.0, "mm": 72 / 25.4, "cm": 72 / 2.54, "in": 72.0}
_LENGTH = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*(pt|mm|cm|in)?\s*$")
_COLOR = re.compile(r"^#[0-9A-Fa-f]{6}$")

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


@dataclass(frozen=True, slots=True)
class FontFamily:
    """A font family: its display name and the four face files (absolute paths)."""

    name: str
    regular: Path
    bold: Path
    italic: Path
    bold_italic: Path


@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True, slots=True)
class Page:
    """Page size and margins, in points."""

    width: float
    height: float
    margin_top: float
    margin_right: float
    margin_bottom: float
    margin_left: float


@dataclass(frozen=True, slots=True)
class Style:
    """A fully resolved style: every role present, every font a file on disk.

    ``docx``, ``epub`` and ``pdf`` hold the per-format tables as written in the file.
    """

    name: str
    description: str
    path: Path | None
    page: Page
    fonts: Mapping[str, FontFamily]
    roles: Mapping[str, Role]
    docx: Mapping[str, Any]
    epub: Mapping[str, Any]
    pdf: Mapping[str, Any]

    def role(self, name: str) -> Role:
        """The resolved role ``name`` (one of :data:`ROLE_NAMES`)."""
        return self.roles[name]

    def family(self, role: Role | str) -> FontFamily:
        """The font family a role (or role name) is set in."""
        if isinstance(role, str):
            role = self.roles[role]
        return self.fonts[role.font]


def bundled_styles() -> dict[str, Path]:
    """Names and paths of the styles shipped with briefconv, sorted by name."""
    return {p.stem: p for p in sorted(STYLE_DIR.glob("*.toml"))}


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
            raise StyleError(f"{path}: style file not found")
        return path
    for candidate in (Path("styles") / f"{text}.toml", STYLE_DIR / f"{text}.toml"):
        if candidate.is_file():
            return candidate
    known = ", ".join(bundled_styles()) or "none"
    raise StyleError(f"unknown style {text!r} (bundled styles: {known})")


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
                    k: str((path.parent / v).resolve()) if isinstance(v, str) else v
                    for k, v in value.items()
                }
    base_name = data.pop("based_on", None)
    if base_name is None:
        return data
    if not isinstance(base_name, str):
        raise StyleError(f"{path}: based_on: expected a style name or path")
    base = _read_chain(_find_style(base_name, relative_to=path.parent), (*seen, resolved))
    return _merge(base, data)


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
    known_top = {"name", "description", "page", "fonts", "roles", "docx", "epub", "pdf"}
    for key in data:
        if key not in known_top:
            raise StyleError(f"{path}: {key}: unknown key")
    fonts = _resolve_fonts(_table(data, "fonts", path), path)
    roles_data = _table(data, "roles", path)
    for name in roles_data:
        if name not in ROLE_NAMES:
            raise StyleError(f"{path}: roles.{name}: unknown role")
    roles = {name: _resolve_role(name, roles_data, path, ()) for name in ROLE_NAMES}
    for name, role in roles.items():
        if role.font not in fonts:
            raise StyleError(f"{path}: roles.{name}.font: no family {role.font!r} in [fonts]")
    return Style(
        name=_str(data.get("name", path.stem), "name", path),
        description=_str(data.get("description", ""), "description", path),
        path=path,
        page=_resolve_page(_table(data, "page", path), path),
        fonts=fonts,
        roles=roles,
        docx=_table(data, "docx", path),
        epub=_table(data, "epub", path),
        pdf=_table(data, "pdf", path),
    )


def _table(data: Mapping[str, Any], key: str, path: Path) -> dict[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise StyleError(f"{path}: {key}: expected a table")
    return cast(dict[str, Any], value)


def _str(value: object, key: str, path: Path) -> str:
    if not isinstance(value, str):
        raise StyleError(f"{path}: {key}: expected a string")
    return value


def _length(value: object, key: str, path: Path) -> float:
    """A length in points from a number (points) or a string with a unit."""
    if isinstance(value, bool):
        raise StyleError(f"{path}: {key}: expected a length such as 12, '12pt' or '20mm'")
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str) and (m := _LENGTH.match(value)):
        return float(m.group(1)) * _UNITS[m.group(2) or "pt"]
    raise StyleError(f"{path}: {key}: expected a length such as 12, '12pt' or '20mm'")


def _resolve_page(page: dict[str, Any], path: Path) -> Page:
    known = {"size", "margin", "margin_top", "margin_right", "margin_bottom", "margin_left"}
    for key in page:
        if key not in known:
            raise StyleError(f"{path}: page.{key}: unknown key")
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
    )


def _resolve_fonts(fonts: dict[str, Any], path: Path) -> dict[str, FontFamily]:
    out: dict[str, FontFamily] = {}
    for key, value in fonts.items():
        where = f"fonts.{key}"
        if isinstance(value, str):
            faces = bundled_faces(value)
            if faces is None:
                raise StyleError(f"{path}: {where}: {value!r} is not a bundled font family")
            out[key] = FontFamily(value, *faces)
        elif isinstance(value, dict):
            name = value.get("name", key)
            try:
                regular = Path(value["regular"])
            except KeyError:
                raise StyleError(f"{path}: {where}.regular: missing") from None
            faces_list = [regular] + [
                Path(value.get(face, str(regular))) for face in ("bold", "italic", "bold_italic")
            ]
            for face_path in faces_list:
                if not face_path.is_file():
                    raise StyleError(f"{path}: {where}: font file {face_path} not found")
            out[key] = FontFamily(str(name), *faces_list)
        else:
            raise StyleError(f"{path}: {where}: expected a family name or a table of files")
    for key, family in (
        ("serif", "DejaVu Serif"),
        ("sans", "DejaVu Sans"),
        ("mono", "DejaVu Sans Mono"),
    ):
        if key not in out:
            faces = bundled_faces(family)
            assert faces is not None
            out[key] = FontFamily(family, *faces)
    return out


def _resolve_role(name: str, roles: dict[str, Any], path: Path, chain: tuple[str, ...]) -> Role:
    """Resolve one role through its ``based_on`` chain down to ``body`` and the defaults."""
    if name in chain:
        raise StyleError(f"{path}: roles.{name}.based_on: circular reference")
    own = roles.get(name, {})
    if not isinstance(own, dict):
        raise StyleError(f"{path}: roles.{name}: expected a table")
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
            raise StyleError(f"{path}: {where}: unknown key")
        if key == "font":
            values[key] = _str(value, where, path)
        elif key in ("size", "space_before", "space_after", "indent"):
            values[key] = _length(value, where, path)
        elif key == "line_height":
            if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
                raise StyleError(f"{path}: {where}: expected a positive number (multiple of size)")
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
