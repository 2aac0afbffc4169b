"""Corrections to reportlab, applied when the PDF writer is imported; each says what and why.

Kept to the smallest change that fixes a wrong output, never a fork: a function of
reportlab's replaced by one that takes the same arguments and writes what the PDF
specification asks for.
"""

from __future__ import annotations

from reportlab.pdfbase import ttfonts

__all__ = ["install", "to_unicode_cmap"]


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
