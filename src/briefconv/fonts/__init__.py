"""Font families bundled with briefconv, addressed by family name.

The TTF files ship inside the package (DejaVu, Bitstream Vera licence in
``LICENSE-DejaVu.txt``) so that PDF output never depends on what fonts the machine has
(PITFALLS 2): together they cover Latin with accents, Cyrillic including Ukrainian
і ї є ґ, Greek and typographic punctuation. Paths are absolute, so reportlab never
searches the current folder or the user's font directories.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["BUNDLED_FAMILIES", "FONT_DIR", "bundled_faces"]

#: Folder holding the bundled TTF files.
FONT_DIR = Path(__file__).resolve().parent

#: Family name -> file names of the (regular, bold, italic, bold italic) faces.
BUNDLED_FAMILIES: dict[str, tuple[str, str, str, str]] = {
    "DejaVu Serif": (
        "DejaVuSerif.ttf",
        "DejaVuSerif-Bold.ttf",
        "DejaVuSerif-Italic.ttf",
        "DejaVuSerif-BoldItalic.ttf",
    ),
    "DejaVu Sans": (
        "DejaVuSans.ttf",
        "DejaVuSans-Bold.ttf",
        "DejaVuSans-Oblique.ttf",
        "DejaVuSans-BoldOblique.ttf",
    ),
    "DejaVu Sans Mono": (
        "DejaVuSansMono.ttf",
        "DejaVuSansMono-Bold.ttf",
        "DejaVuSansMono-Oblique.ttf",
        "DejaVuSansMono-BoldOblique.ttf",
    ),
}


def bundled_faces(family: str) -> tuple[Path, Path, Path, Path] | None:
    """Absolute paths of a bundled family's four faces, or ``None`` if it is not bundled."""
    names = BUNDLED_FAMILIES.get(family)
    if names is None:
        return None
    regular, bold, italic, bold_italic = (FONT_DIR / n for n in names)
    return regular, bold, italic, bold_italic
