"""TrueType fonts for the PDF writer: registration with reportlab and glyph coverage.

reportlab keeps fonts in a process-global registry, so every family of a style is
registered once, under names derived from its file paths, and always by absolute path:
a bare file name would make reportlab search the current folder and the user's font
folders (PITFALLS 2). All four faces are tied together with ``registerFontFamily``,
without which ``<b>`` and ``<i>`` are silently ignored (PITFALLS 2).

A TTF draws a character it has no glyph for as an invisible ``.notdef`` without any
error (PITFALLS 2), so :func:`report_missing_glyphs` checks the text against the faces it
will be drawn in and logs one warning naming every missing character.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from briefconv.styles import FontFamily, Role, Style

__all__ = ["Face", "FontSet", "report_missing_glyphs"]

_log = logging.getLogger("briefconv")

# Registration touches reportlab's global tables; concurrent writers must not race on it.
_LOCK = threading.Lock()

# Characters that draw nothing, so need no glyph: besides whitespace (str.isspace) these
# are format characters (soft hyphen, zero-width space/joiners, bidi marks: category Cf)
# and variation selectors.
_VARIATION_SELECTORS = frozenset(range(0xFE00, 0xFE10)) | frozenset(range(0xE0100, 0xE01F0))

_FACE_LABELS = ("regular", "bold", "italic", "bold italic")


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
class _Family:
    """The four registered faces of one font family, indexed by (bold, italic)."""

    faces: dict[tuple[bool, bool], Face]


class FontSet:
    """The registered fonts of one style; maps a role plus run formatting to a face."""

    def __init__(self, style: Style) -> None:
        """Register (once per process) every family the style names."""
        self._style = style
        self._families = {key: _register(family) for key, family in style.fonts.items()}

    def face(
        self, role: Role, *, bold: bool = False, italic: bool = False, code: bool = False
    ) -> Face:
        """The face text of ``role`` is drawn in, with run-level bold/italic added.

        ``code`` selects the style's ``mono`` family (always present: the style loader
        supplies DejaVu Sans Mono when a style names none), keeping the role's weight
        and slant.
        """
        family = self._families["mono" if code else role.font]
        return family.faces[(role.bold or bold, role.italic or italic)]


def _register(family: FontFamily) -> _Family:
    """Register the four faces of ``family``, idempotently and thread-safely."""
    paths = (family.regular, family.bold, family.italic, family.bold_italic)
    digest = hashlib.sha1(
        "\0".join(str(p.resolve()) for p in paths).encode("utf-8"), usedforsecurity=False
    ).hexdigest()[:12]
    # Unique per set of files: two styles may give different files the same family name.
    base = f"briefconv-{digest}"
    names = tuple(f"{base}-{suffix}" for suffix in ("r", "b", "i", "bi"))
    with _LOCK:
        registered = set(pdfmetrics.getRegisteredFontNames())
        for name, path in zip(names, paths, strict=True):
            if name not in registered:
                # Absolute path, never a bare file name (PITFALLS 2).
                pdfmetrics.registerFont(TTFont(name, str(path.resolve())))
        pdfmetrics.registerFontFamily(
            base, normal=names[0], bold=names[1], italic=names[2], boldItalic=names[3]
        )
        fonts = [pdfmetrics.getFont(name) for name in names]
    faces = {
        key: Face(name, f"{family.name} {label} ({path.name})", font)
        for key, name, label, path, font in zip(
            ((False, False), (True, False), (False, True), (True, True)),
            names,
            _FACE_LABELS,
            paths,
            fonts,
            strict=True,
        )
    }
    return _Family(faces)


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
    for text, face in texts:
        for char in text:
            if _needs_glyph(char) and not face.has_glyph(char):
                missing.setdefault(face.label, {})[char] = None
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
