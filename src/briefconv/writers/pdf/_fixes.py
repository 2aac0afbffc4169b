"""Corrections to reportlab, applied when the PDF writer is imported; each says what and why.

Kept to the smallest change that fixes a wrong output, never a fork: a function of
reportlab's replaced by one that takes the same arguments and writes what the PDF
specification asks for. The rest saves start-up time: :func:`import_platypus` imports
the parts of reportlab the writer uses without the work at import that it never needs.
"""

from __future__ import annotations

import builtins
import re
import sys
import types
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["import_platypus", "install", "to_unicode_cmap"]

# The modules reportlab's import runs that the writer needs (through them, the rest).
_REPORTLAB = ("reportlab.pdfbase.ttfonts", "reportlab.platypus.paragraph")


class _LazyPattern:
    """A regular expression compiled when first used, with ``re.Pattern``'s methods."""

    def __init__(self, pattern: str, flags: int) -> None:
        self._source = (pattern, flags)
        self._compiled: re.Pattern[str] | None = None

    def __getattr__(self, name: str) -> Any:
        if self._compiled is None:
            self._compiled = re.compile(*self._source)
        return getattr(self._compiled, name)


def _compiled_late(pattern: object, caller: str) -> bool:
    """Whether reportlab's import may leave ``pattern`` to be compiled on first use.

    Only reportlab's own patterns (``caller`` is the compiling module), and only the costly
    kind: longer than 200 characters, or with a range up to U+FFFF. At import these were
    ``uri_pat`` (paragraph, 20-26 ms: case-folded ranges to U+FFFF), ``textsplit.rx``
    (2.5 ms, used by ``cjkwrap`` only), ``rl_safe_eval.__rl_unsafe_re__`` (1.3 ms, used by
    nothing) and PyFontify's ``matchRE`` (0.6 ms, Python source colouring): none is used
    by briefconv's PDFs, and each is used through its methods only, which
    :class:`_LazyPattern` has.
    """
    return (
        caller.startswith("reportlab.")
        and isinstance(pattern, str)
        and (len(pattern) > 200 or "\uffff" in pattern)
    )


class _PilImageOnFirstUse(types.ModuleType):
    """``PIL.Image`` as ``reportlab.lib.utils`` holds it: imported when first used.

    reportlab.lib.utils imports Pillow's ``Image`` at import (about 7 ms, with its
    C library and EXIF tables) and uses it only to read an image. An article without
    images never does; the first attribute read imports Pillow, puts the real module in
    reportlab.lib.utils' place and reads the attribute from it.
    """

    def __getattr__(self, name: str) -> Any:
        from PIL import Image

        utils = sys.modules.get("reportlab.lib.utils")
        if utils is not None and getattr(utils, "Image", None) is self:
            setattr(utils, "Image", Image)  # noqa: B010  (reportlab's module, untyped)
        return getattr(Image, name)


def import_platypus() -> None:
    """Import the reportlab the PDF writer uses, without the import-time work it never needs.

    Two things reportlab does at import are put off to first use: compiling its costly
    regular expressions (see :func:`_compiled_late`; ``uri_pat`` alone was 20-26 ms of
    every PDF run), and importing Pillow's ``Image`` (see :class:`_PilImageOnFirstUse`).
    Every other pattern is compiled and every other module imported as reportlab asks.
    Call before anything imports reportlab (a module imported before is left as it is);
    later calls do nothing.
    """
    if all(name in sys.modules for name in _REPORTLAB):
        return
    compile_now = re.compile
    import_now = builtins.__import__

    def compile_late(pattern: Any, flags: int = 0) -> Any:
        if _compiled_late(pattern, sys._getframe(1).f_globals.get("__name__", "")):
            return _LazyPattern(pattern, flags)
        return compile_now(pattern, flags)

    def import_late(
        name: str,
        globals: Mapping[str, object] | None = None,
        locals: Mapping[str, object] | None = None,
        fromlist: Sequence[str] | None = (),
        level: int = 0,
    ) -> types.ModuleType:
        # Only reportlab.lib.utils' own `from PIL import Image`, and only while Pillow's
        # Image is not loaded: whoever else imports Pillow gets it as always.
        if (
            name == "PIL"
            and fromlist == ("Image",)
            and globals is not None
            and globals.get("__name__") == "reportlab.lib.utils"
            and "PIL.Image" not in sys.modules
        ):
            # A stand-in for the package: `from PIL import Image` reads only its Image.
            stand_in = types.ModuleType("PIL")
            stand_in.Image = _PilImageOnFirstUse("PIL.Image")  # type: ignore[attr-defined]
            return stand_in
        return import_now(name, globals, locals, fromlist, level)

    re.compile = compile_late
    builtins.__import__ = import_late
    try:
        # The imports are the point.
        import reportlab.pdfbase.ttfonts
        import reportlab.platypus.paragraph  # noqa: F401
    finally:
        re.compile = compile_now
        builtins.__import__ = import_now


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
    from reportlab.pdfbase import ttfonts  # after import_platypus (see there)

    ttfonts.makeToUnicodeCMap = to_unicode_cmap
