"""Font faces of a style, for any writer that measures text: widths and glyph coverage.

Measuring a string in a face does not depend on the output format: the PDF lays text out
with these faces, and the DOCX fits its running heads and marking with the same widths,
so both cut a long title at the same place. The engine is reportlab's TrueType support
(the PDF's own), loaded only by writers that measure.

reportlab keeps fonts in a process-global registry, so every face of a style is
registered once, under a name derived from its family's file paths, and always by
absolute path: a bare file name would make reportlab search the current folder and the
user's font folders (PITFALLS 2). The four faces of a family are tied together with
``registerFontFamily``, without which ``<b>`` and ``<i>`` are silently ignored
(PITFALLS 2).

Faces are registered lazily, the first time :meth:`FontSet.face` is asked for one:
parsing all twelve faces of a style cost more than laying out a short article, which
uses four or five. That is safe because reportlab reaches a face only through a name it
was given (a paragraph's or bullet's font, ``<font name>``) or through ``<b>``/``<i>``
in a family, and the writers ask :meth:`FontSet.face` for the exact face of every run
before they make its markup (they need it for the glyph check anyway). A parsed face
comes from the on-disk cache (:mod:`briefconv._cache`) when it is there.

A TTF draws a character it has no glyph for as an invisible ``.notdef`` without any
error (PITFALLS 2), so :func:`report_missing_glyphs` checks the text against the faces it
will be drawn in and logs one warning naming every missing character.
"""

from __future__ import annotations

import hashlib
import logging
import pickle
import threading
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

from reportlab import Version as _REPORTLAB_VERSION
from reportlab import rl_config
from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFont, TTFontFace

from briefconv._cache import cached
from briefconv.styles import FontFamily, Role, Style

__all__ = ["Face", "FontSet", "measurer", "report_missing_glyphs"]

_log = logging.getLogger("briefconv")

# Registration touches reportlab's global tables; concurrent writers must not race on it.
_LOCK = threading.Lock()

# Characters that draw nothing, so need no glyph: besides whitespace (str.isspace) these
# are format characters (soft hyphen, zero-width space/joiners, bidi marks: category Cf)
# and variation selectors.
_VARIATION_SELECTORS = frozenset(range(0xFE00, 0xFE10)) | frozenset(range(0xE0100, 0xE01F0))

# (bold, italic) of each face, in the order of FontFamily's fields and registered names.
_STYLES = ((False, False), (True, False), (False, True), (True, True))
_FACE_LABELS = ("regular", "bold", "italic", "bold italic")
_SUFFIXES = ("r", "b", "i", "bi")

#: Bumped when what :func:`_font_state` stores changes; part of the cache key.
_FONT_PAYLOAD = "ttfont-state 2"


@dataclass(frozen=True, slots=True)
class Face:
    """One registered face: its reportlab font name and what to call it in messages."""

    font_name: str
    label: str  # "DejaVu Serif bold (DejaVuSerif-Bold.ttf)"
    font: Any  # reportlab.pdfbase.ttfonts.TTFont (reportlab ships no type stubs)

    def has_glyph(self, char: str) -> bool:
        """Whether the face can draw ``char``."""
        return ord(char) in self.font.face.charToGlyph


@dataclass(frozen=True, slots=True)
class _Names:
    """A family's reportlab names: the family's and those of its four faces."""

    family: FontFamily
    base: str
    faces: tuple[str, str, str, str]  # regular, bold, italic, bold italic
    paths: tuple[Path, Path, Path, Path]  # absolute, in the same order


def _names(family: FontFamily) -> _Names:
    """The names ``family`` is registered under: the same in every process."""
    paths = (
        family.regular.resolve(),
        family.bold.resolve(),
        family.italic.resolve(),
        family.bold_italic.resolve(),
    )
    digest = hashlib.sha1(
        "\0".join(str(p) for p in paths).encode("utf-8"), usedforsecurity=False
    ).hexdigest()[:12]
    # Unique per set of files: two styles may give different files the same family name.
    base = f"briefconv-{digest}"
    r, b, i, bi = (f"{base}-{suffix}" for suffix in _SUFFIXES)
    return _Names(family, base, (r, b, i, bi), paths)


class FontSet:
    """The fonts of one style; maps a role plus run formatting to a registered face.

    Creating one registers nothing: each face is parsed and registered (once per process)
    when first asked for, see the module docstring.
    """

    def __init__(self, style: Style) -> None:
        """Prepare to register the families ``style`` names, as their faces are needed."""
        self._style = style
        self._names: dict[str, _Names] = {}
        self._faces: dict[tuple[str, bool, bool], Face] = {}

    def face(
        self, role: Role, *, bold: bool = False, italic: bool = False, code: bool = False
    ) -> Face:
        """The face text of ``role`` is drawn in, with run-level bold/italic added.

        ``code`` selects the style's ``mono`` family (always present: the style loader
        supplies DejaVu Sans Mono when a style names none), keeping the role's weight
        and slant. The face is registered with reportlab before it is returned, so it
        must be asked for before reportlab lays out text that uses it, ``<b>``/``<i>``
        included.
        """
        key = ("mono" if code else role.font, role.bold or bold, role.italic or italic)
        found = self._faces.get(key)
        if found is None:
            names = self._names.get(key[0])
            if names is None:
                names = self._names[key[0]] = _names(self._style.fonts[key[0]])
            found = self._faces[key] = _register(names, _STYLES.index(key[1:]))
        return found


def _register(names: _Names, index: int) -> Face:
    """Register face ``index`` (see ``_STYLES``) of a family, idempotently and thread-safely."""
    name, path = names.faces[index], names.paths[index]
    with _LOCK:
        if name not in pdfmetrics.getRegisteredFontNames():
            # Absolute path, never a bare file name (PITFALLS 2).
            pdfmetrics.registerFont(_load_font(name, path))
            # registerFont maps the new face to itself for bold and italic too, undoing
            # the family's mapping of that face; the family is tied (again) afterwards.
            # Faces not registered yet may be named: the mapping holds only names.
            r, b, i, bi = names.faces
            pdfmetrics.registerFontFamily(names.base, normal=r, bold=b, italic=i, boldItalic=bi)
        font = pdfmetrics.getFont(name)
    family = names.family
    # Named as the style names the file (a symlink keeps its own name in messages).
    given = (family.regular, family.bold, family.italic, family.bold_italic)[index]
    label = f"{family.name} {_FACE_LABELS[index]} ({given.name})"
    return Face(name, label, font)


# --- parsing a face, through the on-disk cache ------------------------------------------


def _load_font(name: str, path: Path) -> Any:
    """A reportlab ``TTFont`` named ``name`` for the file ``path``, parsed or cached."""
    # Everything besides the file that TTFont.__init__ reads: the name decides whether it
    # may be shaped (rl_config.unShapedFontGlob), the settings the rest.
    versions = (
        f"reportlab {_REPORTLAB_VERSION}",
        _FONT_PAYLOAD,
        f"name {name}",
        f"ttfAsciiReadable {rl_config.ttfAsciiReadable!r}",
        f"unShapedFontGlob {rl_config.unShapedFontGlob!r}",
        f"uharfbuzz {ttfonts.uharfbuzz is not None}",
    )
    state = cached("ttfont", path, versions, lambda: _font_state(TTFont(name, str(path))), dict)
    return _font_from_state(state)


def _font_state(font: Any) -> dict[str, Any]:
    """What a newly parsed ``TTFont`` holds, in a form pickle can store.

    Two things in it do not pickle: the per-document subsetting state (a
    ``WeakKeyDictionary``, empty until the font is used, so simply made anew) and the
    face's ``_pdfScale`` lambda, replaced by :class:`_PdfScale` when that computes the
    same. Anything else unpicklable makes the cache skip the font; it still works. The
    face becomes a :class:`_CachedFace`, its ``glyphToChar`` kept pickled until read.
    """
    attrs = dict(vars(font))
    documents = attrs.get("state")
    if isinstance(documents, WeakKeyDictionary) and not documents:
        del attrs["state"]
    face = attrs["face"]
    scale = _PdfScale(face.unitsPerEm)
    if scale.same_as(face._pdfScale):
        face._pdfScale = scale
    if type(face) is TTFontFace and isinstance(getattr(face, "glyphToChar", None), dict):
        attrs["face"] = _CachedFace.from_face(face)
    return attrs


def _font_from_state(attrs: dict[str, Any]) -> Any:
    """The ``TTFont`` that :func:`_font_state` described; an equal of a fresh parse."""
    font = TTFont.__new__(TTFont)
    vars(font).update(attrs)
    if "state" not in attrs:
        font.state = WeakKeyDictionary()
    return font


class _CachedFace(TTFontFace):  # type: ignore[misc]  # reportlab ships no type stubs
    """A parsed face as the cache keeps it: ``glyphToChar`` unpickled when first read.

    Of a face's tables, ``glyphToChar`` (a list of characters for each glyph) was the
    costliest to unpickle, 0.7-0.9 ms of each face's 2.5-3 ms; reportlab reads it after
    the parse only to shape text (with uharfbuzz), which briefconv's PDFs never do. So it
    is stored as its own pickle and turned back into the very same dict on first read.
    """

    @classmethod
    def from_face(cls, face: Any) -> _CachedFace:
        """A copy of the freshly parsed ``face`` with its ``glyphToChar`` packed."""
        cached_face = cls.__new__(cls)
        attrs = dict(vars(face))
        glyph_to_char = attrs.pop("glyphToChar")
        attrs["_packed_glyph_to_char"] = pickle.dumps(
            glyph_to_char, protocol=pickle.HIGHEST_PROTOCOL
        )
        cached_face.__dict__.update(attrs)
        return cached_face

    def __getattr__(self, name: str) -> Any:
        # Called only for attributes not set: glyphToChar until its first read.
        if name == "glyphToChar":
            packed = self.__dict__.pop("_packed_glyph_to_char", None)
            if packed is not None:
                value = pickle.loads(packed)  # our own pickle, read back with the face
                self.glyphToChar = value
                return value
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")


class _PdfScale:
    """Font units to PDF glyph units: a picklable stand-in for reportlab's lambda.

    reportlab's parser stores ``lambda x: x`` for fonts of 1000 units per em and
    ``lambda x: x * (1000 / units_per_em)`` for the others; this does the same arithmetic
    in the same order, so gives the same floats (:meth:`same_as` checks before use).
    """

    def __init__(self, units_per_em: int) -> None:
        """Scale for a font with ``units_per_em`` units per em."""
        self.factor = None if units_per_em == 1000 else 1000 / units_per_em

    def __call__(self, value: float) -> float:
        """``value`` font units in thousandths of the font size."""
        return value if self.factor is None else value * self.factor

    def same_as(self, other: Any) -> bool:
        """Whether ``other`` gives the very same results (checked on sample values)."""
        samples = (0, 1, 3, 7, 1000, 1024, 2048, -517, 0.5, 12.25, 65535)
        try:
            return all(type(other(v)) is type(self(v)) and other(v) == self(v) for v in samples)
        except Exception:  # a scale of another shape: keep reportlab's own
            return False


def _needs_glyph(char: str) -> bool:
    """Whether drawing ``char`` needs a glyph (whitespace and format characters do not)."""
    if char.isspace() or ord(char) in _VARIATION_SELECTORS:
        return False
    return unicodedata.category(char) != "Cf"


def report_missing_glyphs(texts: Iterable[tuple[str, Face]]) -> dict[str, list[str]]:
    """Log one warning listing every character a face cannot draw; return what was found.

    ``texts`` pairs each piece of text with the face it will be drawn in. The result maps
    a face label to the missing characters, each as ``U+XXXX 'c'``, in order of first
    appearance; nothing is logged when it is empty.
    """
    missing: dict[str, dict[str, None]] = {}
    # Each distinct character once per face, not once per occurrence (issue 19): a
    # document is mostly the same few dozen letters. dict.fromkeys keeps first-seen order.
    by_face: dict[str, tuple[Face, dict[str, None]]] = {}
    for text, face in texts:
        chars = by_face.setdefault(face.label, (face, {}))[1]
        chars.update(dict.fromkeys(text))
    for label, (face, chars) in by_face.items():
        for char in chars:
            if _needs_glyph(char) and not face.has_glyph(char):
                missing.setdefault(label, {})[char] = None
    found = {label: [f"U+{ord(c):04X} {c!r}" for c in chars] for label, chars in missing.items()}
    if found:
        # One warning for the whole document, never one per character (PITFALLS 2).
        _log.warning(
            "PDF: %d character(s) have no glyph in the font they are set in and will be "
            "invisible: %s",
            sum(len(chars) for chars in found.values()),
            "; ".join(f"{', '.join(chars)} in {label}" for label, chars in found.items()),
        )
    return found


def measurer(style: Style, role: Role) -> Callable[[str], float]:
    """A function giving a text's width in points in ``role``'s face and size."""
    face = FontSet(style).face(role).font_name
    size = role.size

    def measure(text: str) -> float:
        return float(pdfmetrics.stringWidth(text, face, size))

    return measure
