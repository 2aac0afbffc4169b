"""The DOCX's fonts: ``word/fontTable.xml`` read from the font files, and the faces embedded.

Word and LibreOffice look a font up by the name a style gives it. Where the font is not
installed (DejaVu is on neither Windows nor macOS), Word picks a substitute from what
``word/fontTable.xml`` says about it, and python-docx's template says nothing about
DejaVu. So every family the style names gets a full entry, read from its own files with
fontTools: ``w:panose1``, ``w:charset``, ``w:family`` (roman, swiss, modern),
``w:pitch``, ``w:sig`` (the OS/2 Unicode and code-page ranges) and ``w:altName``, a
widely installed font of about the same widths to fall back on.

With ``[docx] embed_fonts`` (the default) the faces the document actually uses are
embedded as Word embeds them (ECMA-376 Part 1, 17.8.1; [MS-DOCX]), so the document looks
the same on any computer:

* which faces are used, and which characters each draws, is worked out from the XML that
  was written (:class:`_Resolver`): each run's font, bold and italic resolved through its
  direct formatting, character style, paragraph style and the document defaults;
* each face is cut down with fontTools' subsetter to those characters and a fixed base
  (the letters of the European Latin, Greek and Cyrillic alphabets and their punctuation:
  see ``_BASE_RANGES`` for why), unless the font forbids subsetting (then embedded
  whole) or embedding (then left out);
* the face is obfuscated: the first 32 bytes XORed with a key, the 16 bytes of a GUID in
  reverse order (:func:`obfuscate`); the GUID is derived from the face's bytes
  (:func:`font_key`), never random, so the document stays byte-reproducible;
* it is stored as ``word/fonts/fontN.odttf`` (content type
  ``application/vnd.openxmlformats-officedocument.obfuscatedFont``), related from the
  font table, whose entry for the family names it in ``w:embedRegular``,
  ``w:embedBold``, ``w:embedItalic`` or ``w:embedBoldItalic`` with ``r:id`` and
  ``w:fontKey``. :func:`write_font_table` says whether faces were subset, for
  ``w:saveSubsetFonts`` in the settings.

A template's own entries (its fonts, and any it embedded) are kept; entries for the
style's families replace the template's.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import io
import logging
import uuid
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import fontTools
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part, XmlPart
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from lxml import etree

from briefconv._cache import cached
from briefconv.styles import FontFamily, Style
from briefconv.writers._zip import DEFLATE_VERSION, Packed, keep, packed_form
from briefconv.writers.docx._oxml import Doc, Elem, el, lookups, relate

if TYPE_CHECKING:
    # Imported where a face is cut down (_subset): fontTools' subsetter takes 35-40 ms to
    # import, and a run whose subsets are all in the on-disk cache never uses it.
    from fontTools import subset

__all__ = [
    "OBFUSCATED_FONT",
    "FontInfo",
    "FontTable",
    "font_info",
    "font_key",
    "obfuscate",
    "used_faces",
    "write_font_table",
]

_log = logging.getLogger("briefconv")

#: The content type of an obfuscated embedded font (an ``.odttf`` part).
OBFUSCATED_FONT = "application/vnd.openxmlformats-officedocument.obfuscatedFont"

# The UUID namespace of font keys: a key is uuid5(namespace, SHA-256 of the face's bytes).
_KEY_NAMESPACE = uuid.UUID("6f1c6a52-3c1b-5e52-9a53-62726965666e")

# (bold, italic) -> the fontTable element naming that face, in schema order (CT_Font).
_EMBED_TAGS: dict[tuple[bool, bool], str] = {
    (False, False): "w:embedRegular",
    (True, False): "w:embedBold",
    (False, True): "w:embedItalic",
    (True, True): "w:embedBoldItalic",
}
_FACE_FILES = {
    (False, False): "regular",
    (True, False): "bold",
    (False, True): "italic",
    (True, True): "bold_italic",
}

# What every subset keeps besides the characters the text draws: the letters of the
# languages briefconv sets (Latin with the European accents, modern Greek, Cyrillic with
# Ukrainian), their everyday punctuation, the euro, № and the minus sign. Two reasons.
# LibreOffice keeps an embedded face under its family and face name for the rest of its
# session, taking the first document's copy for every later one (vcl's
# EmbeddedFontsHelper::addEmbeddedFont: "assume it's already been added correctly"), so
# subsets of exactly each document's characters would leave the second handout opened
# short of some glyphs; with this base, documents in these languages embed the same
# subsets. And an edit in these languages still draws in the embedded face. What fields
# and list labels draw (page numbers, "1.", "a)", bullets) is in it too.
_BASE_RANGES: tuple[tuple[int, int], ...] = (
    (0x0020, 0x007E),  # Basic Latin
    (0x00A0, 0x017F),  # Latin-1 Supplement, Latin Extended-A
    (0x0218, 0x021B),  # Romanian S and T with comma below
    (0x0384, 0x03CE),  # modern Greek
    (0x0400, 0x045F),  # Cyrillic: Russian, Ukrainian, Belarusian, Serbian, Macedonian ...
    (0x0490, 0x0491),  # Ukrainian Ghe with upturn
    (0x2010, 0x2027),  # dashes, quotation marks, bullet, ellipsis
    (0x2030, 0x203A),  # per mille, primes, single angle quotation marks
    (0x20AC, 0x20AC),  # euro sign
    (0x2116, 0x2116),  # numero sign
    (0x2122, 0x2122),  # trade mark sign
    (0x2212, 0x2212),  # minus sign
)
_BASE = frozenset(chr(c) for low, high in _BASE_RANGES for c in range(low, high + 1))

# A fallback installed on Windows and macOS alike, for each bundled family (w:altName),
# chosen for width, so that lines break near where they do in DejaVu: DejaVu's faces are
# wide, and Verdana and Georgia are the widest common sans and serif there (Arial and Times
# New Roman are narrower); Courier New's advance is DejaVu Sans Mono's, 0.60 em.
_ALT_NAMES: dict[str, str] = {
    "DejaVu Sans": "Verdana",
    "DejaVu Serif": "Georgia",
    "DejaVu Sans Mono": "Courier New",
}
# ... and for any other family, by its kind.
_ALT_BY_FAMILY: dict[str, str] = {
    "roman": "Times New Roman",
    "swiss": "Arial",
    "modern": "Courier New",
}

# OS/2 fsType bits (OpenType spec): what the font's licence lets a document do with it.
_FS_RESTRICTED = 0x0002  # not to be embedded at all
_FS_PREVIEW = 0x0004  # may be embedded for viewing and printing
_FS_EDITABLE = 0x0008  # may be embedded for editing
_FS_NO_SUBSET = 0x0100  # may be embedded whole only
_FS_BITMAP_ONLY = 0x0200  # only its bitmaps may be embedded (a TrueType face has none here)

#: Bumped when what _subset makes of a face changes (its options), or what a cached subset
#: holds (_Subset); part of the cache key.
_SUBSET_PAYLOAD = "docx subset 2"
#: Bumped when what font_info or _characters read from a face changes; part of their keys.
_INFO_PAYLOAD = "docx font facts 1"

# The subsetter notes tables it does not know (such as FontForge's FFTM timestamp table)
# as it drops them: a remark about the font file, not the user's document.
_DROP_TABLES = ("FFTM",)


@dataclass(frozen=True, slots=True)
class FontInfo:
    """What ``word/fontTable.xml`` says about a font, read from its file (OS/2, post, head).

    Values are as the XML writes them: ``panose`` 20 hex digits, ``charset`` 2, ``sig``
    the six hex numbers of ``w:sig`` (usb0-usb3, csb0, csb1).
    """

    panose: str
    charset: str
    family: str
    pitch: str
    sig: tuple[str, str, str, str, str, str]
    fs_type: int


@functools.lru_cache(maxsize=64)
def font_info(path: Path) -> FontInfo:
    """The font-table facts of the font file ``path``.

    Read once per process, and kept in the on-disk cache (:mod:`briefconv._cache`): fontTools
    takes 2-7 ms to read a DejaVu face's tables, and a handout asks about seven faces.

    >>> from briefconv.fonts import bundled_faces
    >>> info = font_info(bundled_faces("DejaVu Sans Mono")[0])
    >>> info.family, info.pitch, info.charset
    ('modern', 'fixed', '00')
    """
    versions = (f"fontTools {fontTools.version}", _INFO_PAYLOAD)
    return cached("docx-font-info", path, versions, lambda: _read_font_info(path), FontInfo)


def _read_font_info(path: Path) -> FontInfo:
    """:func:`font_info` read from the file."""
    # Imported here, as in _cmap: fontTools.ttLib takes about 10 ms to import, and a run
    # whose font facts are all in the on-disk cache never opens a font file.
    from fontTools.ttLib import TTFont

    with TTFont(str(path), lazy=True) as font:
        os2 = font["OS/2"]
        panose = os2.panose
        digits = (
            panose.bFamilyType,
            panose.bSerifStyle,
            panose.bWeight,
            panose.bProportion,
            panose.bContrast,
            panose.bStrokeVariation,
            panose.bArmStyle,
            panose.bLetterForm,
            panose.bMidline,
            panose.bXHeight,
        )
        fixed = bool(font["post"].isFixedPitch) or panose.bProportion == 9
        code_pages = (getattr(os2, "ulCodePageRange1", 0), getattr(os2, "ulCodePageRange2", 0))
        sig = (
            os2.ulUnicodeRange1,
            os2.ulUnicodeRange2,
            os2.ulUnicodeRange3,
            os2.ulUnicodeRange4,
            *code_pages,
        )
        return FontInfo(
            panose="".join(f"{d:02X}" for d in digits),
            charset=_charset(code_pages[0]),
            family=_family_kind(digits, os2.sFamilyClass >> 8, fixed),
            pitch="fixed" if fixed else "variable",
            sig=tuple(f"{v:08X}" for v in sig),  # type: ignore[arg-type]  # six, as built
            fs_type=os2.fsType,
        )


def _charset(code_pages: int) -> str:
    """``w:charset``: "02" for a symbol font (code page bit 31 alone), else ANSI, "00"."""
    latin = code_pages & 1
    symbol = code_pages & (1 << 31)
    return "02" if symbol and not latin else "00"


def _family_kind(panose: tuple[int, ...], family_class: int, fixed: bool) -> str:
    """``w:family``: modern (fixed pitch), swiss (sans serif), roman (serif), script, decorative.

    From PANOSE where it says (Latin text: serif style 11-13 are the sans serifs),
    else from the OS/2 family class (8 is sans serif; 1-7 the serifs).
    """
    if fixed:
        return "modern"
    kind, serif = panose[0], panose[1]
    if kind == 3:
        return "script"
    if kind == 4:
        return "decorative"
    if kind == 2 and serif:
        return "swiss" if serif in (11, 12, 13) else "roman"
    if family_class == 8:
        return "swiss"
    if 1 <= family_class <= 7:
        return "roman"
    if family_class == 10:
        return "script"
    if family_class in (9, 12):
        return "decorative"
    return "auto"


def font_key(data: bytes) -> str:
    """The ``w:fontKey`` of an embedded face: a GUID derived from its bytes, in braces.

    >>> font_key(b"abc") == font_key(b"abc") != font_key(b"abd")
    True
    >>> len(font_key(b"abc"))
    38
    """
    key = uuid.uuid5(_KEY_NAMESPACE, hashlib.sha256(data).hexdigest())
    return "{" + str(key).upper() + "}"


def obfuscate(data: bytes, key: str) -> bytes:
    """``data`` with its first 32 bytes XORed with ``key`` as ECMA-376 obfuscates fonts.

    The key is the GUID's 32 hex digits read as 16 bytes, in reverse order; byte ``i`` of
    the font is XORed with key byte ``i % 16``. Doing it again undoes it.

    >>> key = "{00010203-0405-0607-0809-0A0B0C0D0E0F}"
    >>> obfuscate(bytes(34), key).hex() == "0f0e0d0c0b0a09080706050403020100" * 2 + "0000"
    True
    >>> obfuscate(obfuscate(b"x" * 40, key), key) == b"x" * 40
    True
    """
    digits = key.strip("{}").replace("-", "")
    reversed_key = bytes.fromhex(digits)[::-1]
    head = bytes(b ^ reversed_key[i % 16] for i, b in enumerate(data[:32]))
    return head + data[32:]


# --- which faces the document uses, and for what text -----------------------------------

_W_R = qn("w:r")
_W_RPR = qn("w:rPr")
_W_PPR = qn("w:pPr")
_W_T = qn("w:t")
_W_VAL = qn("w:val")
_W_STYLE = qn("w:style")
_W_STYLE_ID = qn("w:styleId")
_W_TYPE = qn("w:type")
_W_BASED_ON = qn("w:basedOn")
_W_DEFAULT = qn("w:default")
_W_PSTYLE = qn("w:pStyle")
_W_RSTYLE = qn("w:rStyle")
_W_RFONTS = qn("w:rFonts")
_W_NO_BREAK_HYPHEN = qn("w:noBreakHyphen")
_W_RTL = qn("w:rtl")
_W_CS = qn("w:cs")
_W_LVL_TEXT = qn("w:lvlText")
_FONT_SLOTS = ("ascii", "hAnsi", "eastAsia", "cs")
_FALSE = frozenset({"0", "false", "off"})

# Properties of a run that decide its face: the four font slots, and bold and italic for
# ordinary and for complex-script text.
_Props = dict[str, Any]


_SLOT_ATTRS = tuple((slot, qn(f"w:{slot}")) for slot in _FONT_SLOTS)
_TOGGLES = tuple((tag, qn(f"w:{tag}")) for tag in ("b", "i", "bCs", "iCs"))


def _read_rpr(rpr: Elem | None) -> _Props:
    """The face-deciding properties a ``w:rPr`` sets (absent ones are left out)."""
    props: _Props = {}
    if rpr is None:
        return props
    fonts = rpr.find(_W_RFONTS)
    if fonts is not None:
        for slot, attr in _SLOT_ATTRS:
            name = fonts.get(attr)
            if name:
                props[slot] = name
    for tag, qname in _TOGGLES:
        found = rpr.find(qname)
        if found is not None:
            props[tag] = found.get(_W_VAL, "1").lower() not in _FALSE
    return props


class _Resolver:
    """Each run's effective font, bold and italic, from ``styles.xml`` and its own ``w:rPr``.

    Fonts and the direct formatting of a run are plain inheritance (the nearest says);
    bold and italic are toggle properties (ECMA-376 Part 1, 17.7.3): set by both the
    paragraph style and the character style, they cancel. Table styles are left out: the
    writer's table style sets no run properties.
    """

    def __init__(self, styles: Elem) -> None:
        defaults = styles.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{_W_RPR}")
        self.defaults = _read_rpr(defaults)
        own: dict[str, tuple[str | None, _Props]] = {}
        self.default_paragraph: str | None = None
        for style in styles.iter(_W_STYLE):
            style_id = style.get(_W_STYLE_ID)
            if not style_id:
                continue
            based = style.find(_W_BASED_ON)
            own[style_id] = (
                based.get(_W_VAL) if based is not None else None,
                _read_rpr(style.find(_W_RPR)),
            )
            if style.get(_W_TYPE) == "paragraph" and style.get(_W_DEFAULT) in ("1", "true"):
                self.default_paragraph = style_id
        # Every style's chain, worked out now: the resolver is shared by the documents of
        # one base (StyleIndex.derived) and is never changed once made.
        self._chains: dict[str | None, _Props] = {
            style_id: _chain(own, style_id) for style_id in own
        }

    def chain(self, style_id: str | None) -> _Props:
        """What a style and those it is based on set, the nearest winning."""
        return self._chains.get(style_id, _NOTHING)

    def run(self, paragraph_style: str | None, run: Elem) -> _Props:
        """The effective properties of ``run`` in a paragraph of ``paragraph_style``."""
        rpr = run.find(_W_RPR)
        direct = _read_rpr(rpr)
        char_style = None
        if rpr is not None and (ref := rpr.find(_W_RSTYLE)) is not None:
            char_style = ref.get(_W_VAL)
        para = self.chain(paragraph_style or self.default_paragraph)
        char = self.chain(char_style) if char_style else {}
        props: _Props = {}
        for slot in _FONT_SLOTS:
            for source in (direct, char, para, self.defaults):
                if slot in source:
                    props[slot] = source[slot]
                    break
        for tag in ("b", "i", "bCs", "iCs"):
            if tag in direct:
                props[tag] = direct[tag]
            elif tag in para and tag in char:
                props[tag] = para[tag] != char[tag]  # toggles cancel
            elif tag in char or tag in para:
                props[tag] = char.get(tag, para.get(tag))
            else:
                props[tag] = bool(self.defaults.get(tag, False))
        if rpr is not None:
            props["complex"] = any(
                (x := rpr.find(tag)) is not None and x.get(_W_VAL, "1").lower() not in _FALSE
                for tag in (_W_RTL, _W_CS)
            )
        return props


_NOTHING: _Props = {}


def _chain(styles: Mapping[str, tuple[str | None, _Props]], style_id: str) -> _Props:
    """What style ``style_id`` and those it is based on set, the nearest winning."""
    props: _Props = {}
    seen: set[str] = set()
    current: str | None = style_id
    while current is not None and current in styles and current not in seen:
        seen.add(current)
        based, own = styles[current]
        props = {**own, **props}
        current = based
    return props


def _slot(char: str, complex_run: bool) -> str:
    """The font slot a character is drawn from (ECMA-376 Part 1, 17.3.2.26, simplified)."""
    code = ord(char)
    if (
        complex_run
        or 0x0590 <= code <= 0x08FF
        or 0xFB1D <= code <= 0xFDFF
        or 0xFE70 <= code <= 0xFEFF
    ):
        return "cs"  # Hebrew, Arabic, Syriac, Thaana, N'Ko ... and runs marked complex
    if (
        0x1100 <= code <= 0x11FF
        or 0x2E80 <= code <= 0x9FFF
        or 0xAC00 <= code <= 0xD7AF
        or 0xF900 <= code <= 0xFAFF
        or 0xFF00 <= code <= 0xFFEF
    ):
        return "eastAsia"
    return "ascii" if code < 0x80 else "hAnsi"


def _run_text(run: Elem) -> Iterator[str]:
    """The characters a run draws (text, and the hyphen of a non-breaking hyphen)."""
    for child in run:
        if child.tag == _W_T and child.text:
            yield child.text
        elif child.tag == _W_NO_BREAK_HYPHEN:
            yield "\u2011"


def _story_roots(doc: Doc) -> Iterator[Elem]:
    """The XML of every part holding text: body, headers and footers, notes."""
    kinds = {CT.WML_DOCUMENT_MAIN, CT.WML_HEADER, CT.WML_FOOTER, CT.WML_FOOTNOTES, CT.WML_ENDNOTES}
    for part in doc.part.package.iter_parts():
        if part.content_type in kinds:
            yield _xml(part)


def _xml(part: Any) -> Elem:
    """A part's XML: its element if python-docx parsed it, else parsed from its bytes."""
    return part.element if isinstance(part, XmlPart) else parse_xml(part.blob)


def _numbering(doc: Doc) -> Elem | None:
    """The numbering part's XML, if the document has one.

    Found through the relationship: python-docx's ``numbering_part`` makes one if missing.
    """
    for rel in doc.part.rels.values():
        if rel.reltype == RT.NUMBERING and not rel.is_external:
            return _xml(rel.target_part)
    return None


def used_faces(doc: Doc) -> dict[tuple[str, bool, bool], set[str]]:
    """``(font name, bold, italic)`` -> the characters drawn in that face, for every run."""
    # What the styles say, read once per styles part (shared by the copies of one base).
    resolver = lookups(doc.part).styles.derived(doc.part, _Resolver)
    faces: dict[tuple[str, bool, bool], set[str]] = {}
    for root in _story_roots(doc):
        for p in root.iter(qn("w:p")):
            ppr = p.find(_W_PPR)
            ref = ppr.find(_W_PSTYLE) if ppr is not None else None
            paragraph_style = ref.get(_W_VAL) if ref is not None else None
            for run in p.iter(_W_R):
                # Each character once: a run repeats most of its letters.
                chars = set().union(*_run_text(run))
                if not chars:
                    continue
                props = resolver.run(paragraph_style, run)
                for slot, drawn in _by_slot(chars, bool(props.get("complex"))).items():
                    name = props.get(slot)
                    if not name:
                        continue
                    cs = slot == "cs"
                    key = (
                        name,
                        bool(props["bCs" if cs else "b"]),
                        bool(props["iCs" if cs else "i"]),
                    )
                    faces.setdefault(key, set()).update(drawn)
    return faces


def _by_slot(chars: set[str], complex_run: bool) -> dict[str, set[str]]:
    """``chars`` by the font slot each is drawn from (:func:`_slot`).

    Text in the Latin, Greek and Cyrillic scripts (below U+0590) outside a complex run is
    split in one pass, without asking for each character.
    """
    if not complex_run and max(chars) < "\u0590":
        ascii_chars = {c for c in chars if c < "\x80"}
        out = {"ascii": ascii_chars, "hAnsi": chars - ascii_chars}
        return {slot: drawn for slot, drawn in out.items() if drawn}
    grouped: dict[str, set[str]] = {}
    for char in chars:
        grouped.setdefault(_slot(char, complex_run), set()).add(char)
    return grouped


def _list_label_characters(doc: Doc) -> set[str]:
    """Characters list labels may draw in the text's own font (bullets, punctuation)."""
    numbering = _numbering(doc)
    found: set[str] = set()
    if numbering is None:
        return found
    for text in numbering.iter(_W_LVL_TEXT):
        value = text.get(_W_VAL, "")
        found.update(c for c in value if c != "%" and not c.isdigit())
    return found


# --- the font table ----------------------------------------------------------------------


def _families(style: Style) -> dict[str, FontFamily]:
    """The style's families by the name the DOCX gives them (the first of a name wins)."""
    out: dict[str, FontFamily] = {}
    for family in style.fonts.values():
        out.setdefault(family.name, family)
    return out


def _named_fonts(doc: Doc) -> list[str]:
    """Every font name the styles, numbering and text name, in order of first mention."""
    # The styles' names are read once per styles part (shared by the copies of one base).
    names = dict.fromkeys(lookups(doc.part).styles.derived(doc.part, _font_names))
    numbering = _numbering(doc)
    roots = [numbering] if numbering is not None else []
    for root in [*roots, *_story_roots(doc)]:
        names.update(dict.fromkeys(_font_names(root)))
    return list(names)


def _font_names(root: Elem) -> tuple[str, ...]:
    """The font names ``root``'s ``w:rFonts`` give, in order of first mention."""
    names: dict[str, None] = {}
    for fonts in root.iter(_W_RFONTS):
        for _, attr in _SLOT_ATTRS:
            if name := fonts.get(attr):
                names[name] = None
    return tuple(names)


@dataclass(frozen=True, slots=True)
class _Embedded:
    """One face to embed: its family's name, face, and the (plain) bytes to store."""

    name: str
    bold: bool
    italic: bool
    data: bytes
    subset: bool


def _subset_options() -> subset.Options:
    """The subsetter's options: keep a face whole but for the glyphs left out."""
    from fontTools import subset

    options = subset.Options()
    # Every name (Word and LibreOffice find the face by its family name), every layout
    # feature (kerning, ligatures as the full font has them), the hinting, the .notdef.
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.name_legacy = True
    options.layout_features = ["*"]
    options.legacy_kern = True
    options.notdef_outline = True
    options.glyph_names = False
    # A new head.modified every run would change the document's bytes (PITFALLS 4).
    options.recalc_timestamp = False
    options.drop_tables = [*options.drop_tables, *_DROP_TABLES]
    return options


@functools.lru_cache(maxsize=64)
def _characters(path: Path) -> frozenset[str]:
    """The characters the font file ``path`` has glyphs for.

    Read once per process, and kept in the on-disk cache: fontTools reads the glyph names
    to map characters to glyphs (3-11 ms a DejaVu face), and a handout embeds four faces.
    """
    versions = (f"fontTools {fontTools.version}", _INFO_PAYLOAD)
    return cached("docx-font-characters", path, versions, lambda: _cmap(path), frozenset)


def _cmap(path: Path) -> frozenset[str]:
    """:func:`_characters` read from the file."""
    from fontTools.ttLib import TTFont  # imported on first use: see _read_font_info

    with TTFont(str(path), lazy=True) as font:
        return frozenset(chr(code) for code in font.getBestCmap())


def _face_bytes(path: Path, text: Iterable[str]) -> bytes:
    """The face at ``path`` cut down to the glyphs ``text`` and the base need (deterministically).

    Subsetting a DejaVu face takes a tenth of a second, a handout's faces half a second;
    the result depends only on the file and the characters it keeps, which with the fixed
    base are the same for most documents, so it is kept: in the process
    (:func:`_subset_beyond_base`) and in the on-disk cache (:mod:`briefconv._cache`),
    under exactly those.
    """
    # Most documents have no character beyond the base: the key is then empty.
    return _subset_beyond_base(path, frozenset(text).difference(_BASE))


@dataclass(frozen=True, slots=True)
class _Subset:
    """A face cut down, as the on-disk cache keeps it."""

    #: The face's bytes.
    data: bytes
    #: The face obfuscated (:func:`_obfuscated`) and deflated as the zip stores it: a
    #: fresh process would otherwise deflate a handout's four faces again (about 12 ms).
    stored: Packed | None


@functools.lru_cache(maxsize=256)
def _subset_beyond_base(path: Path, beyond: frozenset[str]) -> bytes:
    """:func:`_face_bytes` of the base and ``beyond``, once per process for each set.

    A batch's documents mostly embed the same subsets (see ``_BASE``): each is read from
    the on-disk cache (or made) once, not once per document. The key is the file, the
    base and ``beyond``, which make the characters kept (the font's own characters among
    them): so a subset read back from the cache needs nothing read from the font file.
    """
    digest = hashlib.sha256("".join(sorted(beyond)).encode("utf-8", "surrogatepass")).hexdigest()
    versions = (
        f"fontTools {fontTools.version}",
        _SUBSET_PAYLOAD,
        f"base {_base_digest()}",
        f"beyond {digest}",
        DEFLATE_VERSION,
    )
    found = cached("docx-font-subset", path, versions, lambda: _new_subset(path, beyond), _Subset)
    if found.stored is not None:
        # The zip that embeds it stores these bytes instead of deflating it again (kept
        # only if they check out: _zip.keep).
        keep(_obfuscated(found.data)[1], found.stored)
    return found.data


@functools.cache
def _base_digest() -> str:
    """A hash of the characters every subset keeps: a cached subset was cut with them."""
    return hashlib.sha256("".join(sorted(_BASE)).encode()).hexdigest()


def _new_subset(path: Path, beyond: frozenset[str]) -> _Subset:
    """The face at ``path`` with the glyphs of the base and ``beyond`` that it has."""
    data = _subset(path, "".join(sorted((_BASE | beyond) & _characters(path))))
    return _Subset(data, packed_form(_obfuscated(data)[1]))


def _subset(path: Path, text: str) -> bytes:
    """The face at ``path`` with the glyphs of ``text`` (and what they need) only."""
    from fontTools import subset

    options = _subset_options()
    font = subset.load_font(str(path), options, dontLoadGlyphNames=True)
    try:
        subsetter = subset.Subsetter(options)
        subsetter.populate(text=text)
        subsetter.subset(font)
        buffer = io.BytesIO()
        subset.save_font(font, buffer, options)
        return buffer.getvalue()
    finally:
        font.close()


def _faces_to_embed(
    families: Mapping[str, FontFamily],
    faces: Mapping[tuple[str, bool, bool], set[str]],
    extra: set[str],
) -> list[_Embedded]:
    """The faces of ``families`` that ``faces`` uses, as they may be embedded."""
    out: list[_Embedded] = []
    for name, family in families.items():
        for (bold, italic), attr in _FACE_FILES.items():
            text = faces.get((name, bold, italic))
            if not text:
                continue
            path: Path = getattr(family, attr)
            fs_type = font_info(path).fs_type
            if fs_type & _FS_RESTRICTED and not fs_type & (_FS_PREVIEW | _FS_EDITABLE):
                _log.info("docx: %s is not embedded: its licence forbids it", path.name)
                continue
            if fs_type & _FS_BITMAP_ONLY:
                _log.info("docx: %s is not embedded: its licence allows bitmaps only", path.name)
                continue
            if fs_type & _FS_NO_SUBSET:
                out.append(_Embedded(name, bold, italic, path.read_bytes(), subset=False))
            else:
                data = _face_bytes(path, text | extra)
                out.append(_Embedded(name, bold, italic, data, subset=True))
    return out


def _font_entry(name: str, info: FontInfo) -> Elem:
    """A ``w:font`` entry for ``name``, from what its regular face's file says."""
    entry = el("w:font", name=name)
    entry.append(el("w:altName", val=_ALT_NAMES.get(name) or _ALT_BY_FAMILY.get(info.family, "")))
    if not entry[-1].get(qn("w:val")):
        entry.remove(entry[-1])
    entry.append(el("w:panose1", val=info.panose))
    entry.append(el("w:charset", val=info.charset))
    entry.append(el("w:family", val=info.family))
    entry.append(el("w:pitch", val=info.pitch))
    usb0, usb1, usb2, usb3, csb0, csb1 = info.sig
    entry.append(el("w:sig", usb0=usb0, usb1=usb1, usb2=usb2, usb3=usb3, csb0=csb0, csb1=csb1))
    return entry


@dataclass(frozen=True, slots=True)
class FontTable:
    """What :func:`write_font_table` embedded, for the settings that go with it."""

    #: Whether the table embeds any face, the base document's included.
    embeds: bool
    #: Whether a face embedded here is a subset.
    subset: bool


def write_font_table(doc: Doc, style: Style, *, embed: bool) -> FontTable:
    """Rewrite ``word/fontTable.xml``: full entries for the style's families, faces embedded.

    Entries the base document has for other fonts are kept, with any face it embedded
    for them. With ``embed``, the faces of the style's families that the text uses are
    embedded (see the module's docstring).
    """
    package = doc.part.package
    old_rid, old_part = next(
        ((rid, rel.target_part) for rid, rel in doc.part.rels.items()
         if rel.reltype == RT.FONT_TABLE and not rel.is_external),
        (None, None),
    )  # fmt: skip
    old_root = parse_xml(old_part.blob) if old_part is not None else None
    table = parse_xml(_EMPTY_TABLE)
    part = XmlPart(PackURI("/word/fontTable.xml"), CT.WML_FONT_TABLE, table, package)
    families = _families(style)
    named = _named_fonts(doc)
    embedded: list[_Embedded] = []
    if embed:
        embedded = _faces_to_embed(families, used_faces(doc), _list_label_characters(doc))
    by_family: dict[str, list[_Embedded]] = {}
    for face in embedded:
        by_family.setdefault(face.name, []).append(face)
    number = 0
    # The style's families first, in the order the document names them.
    for name in [n for n in named if n in families]:
        entry = _font_entry(name, font_info(families[name].regular))
        for face in by_family.get(name, []):
            number += 1
            key, stored = _obfuscated(face.data)
            font_part = Part(
                PackURI(f"/word/fonts/font{number}.odttf"), OBFUSCATED_FONT, stored, package
            )
            rid = _relate(part, font_part)
            tag = el(_EMBED_TAGS[(face.bold, face.italic)], fontKey=key)
            tag.set(qn("r:id"), rid)
            if face.subset:
                # Word marks a face it embedded in part so (CT_FontRel's w:subsetted).
                tag.set(qn("w:subsetted"), "1")
            entry.append(tag)
        table.append(entry)
    # Then the base document's other entries as they were, with what they embed.
    if old_root is not None:
        for entry in old_root.findall(qn("w:font")):
            if entry.get(qn("w:name")) in families and entry.get(qn("w:name")) in named:
                continue
            copied = copy.deepcopy(entry)
            for tag in list(copied):
                ref = tag.get(qn("r:id"))
                if ref is None:
                    continue
                rel = old_part.rels.get(ref) if old_part is not None else None
                if rel is None or rel.is_external:
                    copied.remove(tag)
                    continue
                tag.set(qn("r:id"), _relate(part, rel.target_part))
            table.append(copied)
    # The copied entries bring their old table's namespace declarations along.
    etree.cleanup_namespaces(table)
    # The new table takes the old one's relationship id (python-docx's relate_to and
    # drop_rel would scan every relationship and the whole body for it).
    if old_rid is not None:
        del doc.part.rels[old_rid]
        doc.part.rels.add_relationship(RT.FONT_TABLE, part, old_rid)
    else:
        relate(doc.part, part, RT.FONT_TABLE)
    embeds = any(True for _ in table.iter(*(qn(tag) for tag in _EMBED_TAGS.values())))
    return FontTable(embeds, any(face.subset for face in embedded))


@functools.lru_cache(maxsize=64)
def _obfuscated(data: bytes) -> tuple[str, bytes]:
    """A face's font key and its bytes obfuscated with it, once per process for each face.

    The key is a hash of the whole face (:func:`font_key`): worth keeping for the faces a
    batch embeds in every document (the cached subsets are the same bytes objects, whose
    hash Python keeps).
    """
    key = font_key(data)
    return key, obfuscate(data, key)


def _relate(table: XmlPart, font: Part) -> str:
    """Relate the font table to an embedded face: ``rId1``, ``rId2`` ... in order."""
    rid = f"rId{len(table.rels) + 1}"
    table.rels.add_relationship(RT.FONT, font, rid)
    return rid


_EMPTY_TABLE = (
    '<w:fonts xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"/>'
)
