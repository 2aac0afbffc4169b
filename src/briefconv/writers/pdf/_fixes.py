"""Corrections to reportlab, applied when the PDF writer is imported; each says what and why.

Kept to the smallest change that fixes a wrong output, never a fork: a function of
reportlab's replaced by one that takes the same arguments and writes what the PDF
specification asks for. One more saves start-up time (:func:`import_platypus`).
"""

from __future__ import annotations

import re
import sys
from typing import Any

from reportlab.pdfbase import ttfonts

__all__ = ["import_platypus", "install", "to_unicode_cmap"]


class _LazyPattern:
    """A regular expression compiled when first used, with ``re.Pattern``'s methods."""

    def __init__(self, pattern: str, flags: int) -> None:
        self._source = (pattern, flags)
        self._compiled: re.Pattern[str] | None = None

    def __getattr__(self, name: str) -> Any:
        if self._compiled is None:
            self._compiled = re.compile(*self._source)
        return getattr(self._compiled, name)


def import_platypus() -> None:
    """Import ``reportlab.platypus`` without compiling its one costly regular expression.

    ``reportlab.platypus.paragraph`` compiles ``uri_pat`` (an URL matcher with case-folded
    ranges up to U+FFFF) at import: 20-26 ms of every PDF run's start-up, for a pattern
    used only to split a long URL in a paragraph's markup, which briefconv never gives it.
    Patterns of that kind (long, with a range to U+FFFF) are compiled on first use
    instead; every other pattern is compiled as reportlab asks. Call before anything
    imports reportlab.platypus; later calls do nothing.
    """
    if "reportlab.platypus.paragraph" in sys.modules:
        return
    compile_now = re.compile

    def compile_late(pattern: Any, flags: int = 0) -> Any:
        if isinstance(pattern, str) and len(pattern) > 200 and "\uffff" in pattern:
            return _LazyPattern(pattern, flags)
        return compile_now(pattern, flags)

    re.compile = compile_late
    try:
        import reportlab.platypus.paragraph  # noqa: F401  (the import is the point)
    finally:
        re.compile = compile_now


def _utf16_hex(code_point: int) -> str:
    """A code point as the hex of its UTF-16BE form: a surrogate pair above U+FFFF.

    >>> _utf16_hex(0x41), _utf16_hex(0x1D434)
    ('0041', 'D835DC34')
    """
    return code_point.to_bytes(4, "big").decode("utf-32-be").encode("utf-16-be").hex().upper()


def to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """The ToUnicode CMap of a font subset, characters outside the BMP written right.

    This is reportlab's ``makeToUnicodeCMap`` with one change.

    A ToUnicode CMap maps each glyph code to UTF-16BE (PDF 32000-1, 9.10.3). reportlab
    writes ``%04X`` of the code point, so 𝐴 (U+1D434) became ``<1D434>``, five digits that
    extractors read as two wrong characters: copying 𝐴 𝕏 𝟘 from the PDF gave other text.
    """
    lines = [
        "/CIDInit /ProcSet findresource begin",
        "12 dict begin",
        "begincmap",
        "/CIDSystemInfo",
        f"<< /Registry ({fontname})",
        f"/Ordering ({fontname})",
        "/Supplement 0",
        ">> def",
        f"/CMapName /{fontname} def",
        "/CMapType 2 def",
        "1 begincodespacerange",
        f"<00> <{len(subset) - 1:02X}>",
        "endcodespacerange",
        f"{len(subset)} beginbfchar",
        *(f"<{code:02X}> <{_utf16_hex(value)}>" for code, value in enumerate(subset)),
        "endbfchar",
        "endcmap",
        "CMapName currentdict /CMap defineresource pop",
        "end",
        "end",
    ]
    return "\n".join(lines)


def install() -> None:
    """Put the corrections in place (idempotent).

    For a BMP-only subset the CMap written is byte for byte reportlab's own.
    """
    ttfonts.makeToUnicodeCMap = to_unicode_cmap
