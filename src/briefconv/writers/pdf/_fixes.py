"""Corrections to reportlab, applied when the PDF writer is imported; each says what and why.

Kept to the smallest change that fixes a wrong output, never a fork: a function of
reportlab's replaced by one that takes the same arguments and writes what the PDF
specification asks for. The rest saves start-up time: :func:`import_platypus` imports
the parts of reportlab the writer uses without the work at import that it never needs.
"""

from __future__ import annotations

import builtins
import importlib
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


class _ImportedOnFirstUse(types.ModuleType):
    """A module as one of reportlab's modules holds it: imported when first used.

    The first attribute read imports the real module, puts it in the holder's global in
    place of this stand-in (so later reads go straight to it) and reads the attribute
    from it. A stand-in is true, as a module is, so ``if pyphen:`` reads the same.
    """

    def __init__(self, name: str, holder: str, attribute: str) -> None:
        """Stand in for module ``name``, held as ``attribute`` of module ``holder``."""
        super().__init__(name)
        self._where = (holder, attribute)

    def __getattr__(self, name: str) -> Any:
        module = importlib.import_module(self.__name__)
        holder, attribute = self._where
        found = sys.modules.get(holder)
        if found is not None and getattr(found, attribute, None) is self:
            setattr(found, attribute, module)
        return getattr(module, name)


# The imports reportlab's modules run at import that only some documents use, put off:
# (importing module, imported name, fromlist) -> the module stood in for.
# - reportlab.lib.utils imports Pillow's Image (about 7 ms, with its C library and EXIF
#   tables) and uses it only to read an image;
# - reportlab.platypus.paragraph imports pyphen (about 3 ms, with importlib.resources and
#   zipfile) for styles with a hyphenationLang, which briefconv never sets (it inserts
#   soft hyphens itself, and imports pyphen when a style hyphenates).
_PUT_OFF: dict[tuple[str, str, tuple[str, ...] | None], str] = {
    ("reportlab.lib.utils", "PIL", ("Image",)): "PIL.Image",
    ("reportlab.platypus.paragraph", "pyphen", None): "pyphen",
}


def import_platypus() -> None:
    """Import the reportlab the PDF writer uses, without the import-time work it never needs.

    Two things reportlab does at import are put off to first use: compiling its costly
    regular expressions (see :func:`_compiled_late`; ``uri_pat`` alone was 20-26 ms of
    every PDF run), and importing Pillow's ``Image`` and pyphen (see ``_PUT_OFF``).
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
        # Only the imports in _PUT_OFF, made by reportlab's module itself, and only while
        # the module is not loaded: whoever else imports it gets it as always.
        caller = globals.get("__name__") if globals is not None else None
        target = _PUT_OFF.get((str(caller), name, tuple(fromlist) if fromlist else None))
        if target is not None and target not in sys.modules:
            stand_in = _ImportedOnFirstUse(target, str(caller), target.rpartition(".")[2])
            if target == name:  # `import pyphen`
                return stand_in
            # `from PIL import Image`: a stand-in package, of which only Image is read.
            package = types.ModuleType(name)
            setattr(package, stand_in._where[1], stand_in)
            return package
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
    if code_point < 0xD800 or 0xE000 <= code_point < 0x10000:
        # In the BMP (surrogates aside) UTF-16BE is the code point itself: the common
        # case, written directly (a font subset's CMap has up to 256 of them).
        return f"{code_point:04X}"
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
