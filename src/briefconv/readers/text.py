"""The plain-text reader: articles as pasted from a web page, and their common cousins.

What it recognises, in order of precedence:

* an optional header of ``Key: value`` lines (Title, Subtitle, Author/Authors/By, Date,
  Source, URL, Language) at the very top;
* a first line that reads as a headline (short, no final punctuation, followed by text)
  becomes the title, and a ``By Name`` line near the top becomes the byline;
* paragraphs: one per line when the text has no blank lines (the sample article), else
  blank-line separated blocks whose hard-wrapped lines are joined;
* section headings: short lines with no sentence-final punctuation, not quoted, followed
  by body text; when the text has both ALL CAPS and other headings, ALL CAPS ones are
  level 1 and the others level 2;
* block quotes: a paragraph wholly enclosed in quotation marks (“…”, "…", «…», „…“), or
  several paragraphs each opening with one (the last one closing it); a following line
  starting with an em dash or ``- `` and a name is its attribution;
* lists: consecutive lines starting with ``- ``, ``* ``, ``• `` (bulleted) or ``1.`` /
  ``1)`` (numbered);
* inline: bare ``http(s)://`` URLs become links; ``**strong**`` and ``*emphasis*`` /
  ``_emphasis_`` are honoured when they hug words.

Text is never interpreted as markup of any output format: it goes into the model as text.
"""

from __future__ import annotations

import codecs
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from briefconv.errors import InputError
from briefconv.model import (
    Article,
    ArticleMeta,
    Block,
    BulletList,
    Emphasis,
    Heading,
    Inline,
    Link,
    OrderedList,
    Paragraph,
    Quote,
    Strong,
    Text,
    sanitize_reported,
)
from briefconv.readers._levels import no_skipped_levels

__all__ = ["TextReader", "decode", "guess_language", "title_from_filename"]

_log = logging.getLogger("briefconv")

# --- decoding ---------------------------------------------------------------------------


# File signatures of things people save as .txt by mistake.
_BINARY_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a zip archive (perhaps a DOCX or EPUB)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Microsoft Office document"),
    (b"{\\rtf", "an RTF document"),
    (b"\x1f\x8b", "gzip-compressed data"),
    (b"\x7fELF", "a program (ELF)"),
)


def decode(data: bytes, *, name: str, encoding: str | None = None) -> str:
    """Decode an article's bytes: UTF-8 (with or without BOM) or UTF-16/32 with a BOM.

    Anything else needs an explicit ``encoding``; otherwise :class:`InputError` names the
    file, the line and the offending byte.
    """
    if encoding is not None:
        try:
            codec = codecs.lookup(encoding)
        except LookupError:
            raise InputError(f"{name}: unknown encoding {encoding!r}") from None
        # "utf-8" should still drop a BOM: users name the encoding, not the BOM.
        codec_name = "utf-8-sig" if codec.name == "utf-8" else codec.name
        try:
            return data.decode(codec_name)
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise InputError(
                f"{name}:{line}: cannot decode byte 0x{data[exc.start]:02X} as {encoding}"
            ) from None
    for magic, what in _BINARY_MAGIC:
        if data.startswith(magic):
            raise InputError(f"{name}: this is {what}, not a text article")
    for bom, codec_name in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(codec_name)
            except UnicodeDecodeError as exc:
                raise InputError(
                    f"{name}: broken {codec_name.upper()} text at byte {exc.start}"
                ) from None
    head = data[:4096]
    # Many NULs mean UTF-16/32 without a BOM or a binary file; a stray one is just removed.
    if head.count(b"\x00") > len(head) // 10:
        raise InputError(
            f"{name}: looks like a binary file or UTF-16 without a byte-order mark; "
            "save it as UTF-8 or pass --encoding"
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            f"{name}:{line}: not UTF-8 (byte 0x{data[exc.start]:02X}); "
            "save the file as UTF-8 or pass --encoding (e.g. --encoding cp1252)"
        ) from None


# --- language ---------------------------------------------------------------------------

_LANG_NAMES = {
    "english": "en",
    "ukrainian": "uk",
    "russian": "ru",
    "greek": "el",
    "french": "fr",
    "german": "de",
    "turkish": "tr",
    "spanish": "es",
    "italian": "it",
    "polish": "pl",
    "portuguese": "pt",
    "dutch": "nl",
    "belarusian": "be",
    "bulgarian": "bg",
    "serbian": "sr",
}
_LANG_TAG = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")


def guess_language(text: str) -> str:
    """Guess a BCP 47 tag from the script: Cyrillic, Greek, else English.

    Cyrillic with і, ї, є or ґ is Ukrainian; with ў Belarusian; otherwise Russian.

    >>> guess_language("Київ і Львів")
    'uk'
    >>> guess_language("Αθήνα")
    'el'
    """
    cyrillic = greek = latin = 0
    for ch in text:
        if "\u0400" <= ch <= "\u04ff":
            cyrillic += 1
        elif "\u0370" <= ch <= "\u03ff" or "\u1f00" <= ch <= "\u1fff":
            greek += 1
        elif (ch.isascii() and ch.isalpha()) or "\u00c0" <= ch <= "\u024f":
            latin += 1
    if cyrillic > latin and cyrillic >= greek:
        if any(c in text for c in "іїєґІЇЄҐ"):
            return "uk"
        if any(c in text for c in "ўЎ"):
            return "be"
        return "ru"
    if greek > latin:
        return "el"
    return "en"


def _language_tag(value: str, where: str) -> str | None:
    """Normalise a Language header value to a BCP 47 tag, or ``None`` (with a warning)."""
    value = value.strip()
    if value.lower() in _LANG_NAMES:
        return _LANG_NAMES[value.lower()]
    if _LANG_TAG.match(value):
        primary, _, rest = value.partition("-")
        return primary.lower() + ("-" + rest if rest else "")
    _log.warning(
        "%s: Language %r is not a language tag such as 'en' or 'uk'; guessing", where, value
    )
    return None


def title_from_filename(name: str) -> str:
    """Make a title from a file name: ``istanbul-talks.txt`` -> ``Istanbul Talks``.

    >>> title_from_filename("istanbul-talks.txt")
    'Istanbul Talks'
    """
    stem = Path(name).stem
    words = re.split(r"[-_\s.]+", stem)
    return " ".join(w[:1].upper() + w[1:] for w in words if w) or "Untitled"


# --- structure ---------------------------------------------------------------------------

_META_KEYS = {
    "title": "title",
    "subtitle": "subtitle",
    "author": "authors",
    "authors": "authors",
    "by": "authors",
    "date": "date",
    "source": "source",
    "url": "url",
    "language": "language",
    "lang": "language",
    "summary": "summary",
}
_META_LINE = re.compile(
    r"^(title|subtitle|authors?|by|date|source|url|language|lang|summary)\s*:\s*(\S.*)$",
    re.IGNORECASE,
)
_BYLINE = re.compile(r"^by\s+(\S.*)$", re.IGNORECASE)
_BULLET = re.compile(r"^[-*•]\s+(\S.*)$")
_NUMBERED = re.compile(r"^(\d{1,9})[.)]\s+(\S.*)$")
_ATTRIBUTION = re.compile(r"^(?:—|―|–|--?)\s*(\S.*)$")
_FINAL_PUNCT = ".!?…:;,"
# Opening mark -> closing marks accepted for a paragraph wholly in quotation marks.
# Single quotes are left out: ’ doubles as the apostrophe, so "closed" cannot be told.
_QUOTE_PAIRS = {"“": "”", '"': '"', "«": "»", "„": "“”", "»": "«"}

# A heading is at most this long; news headings are short.
_HEADING_MAX_CHARS = 100
_HEADING_MAX_WORDS = 14


@dataclass(slots=True)
class _Unit:
    """One candidate block: its text (lines joined), first line number, and shape."""

    text: str
    line: int
    kind: str = "para"  # "para", "bullet", "number"
    number: int = 0
    marker: str = ""
    single_line: bool = True


def _split_authors(text: str) -> tuple[str, ...]:
    parts = re.split(r"\s*(?:,|;|&|\band\b)\s*", text.strip())
    return tuple(p for p in (p.strip() for p in parts) if p)


def _is_quoted(text: str) -> bool:
    """True if the whole text is one quotation: opens with a mark and closes with its pair.

    >>> _is_quoted("“Peace now.”"), _is_quoted("“Yes,” he said, “now.”")
    (True, False)
    """
    closes = _QUOTE_PAIRS.get(text[:1])
    if closes is None or len(text) < 3 or text[-1] not in closes:
        return False
    return not any(c in text[1:-1] for c in closes)


def _opens_quote(text: str) -> bool:
    """True if the text opens a quotation that it does not close (a multi-paragraph quote)."""
    close = _QUOTE_PAIRS.get(text[:1])
    return close is not None and not any(c in text[1:] for c in close)


def _headline_like(unit: _Unit) -> bool:
    """Short, single-line, no sentence-final punctuation, not quoted, not a list item."""
    text = unit.text
    return (
        unit.kind == "para"
        and unit.single_line
        and 0 < len(text) <= _HEADING_MAX_CHARS
        and len(text.split()) <= _HEADING_MAX_WORDS
        and text[-1] not in _FINAL_PUNCT
        and text[0] not in _QUOTE_PAIRS
        and text[-1] not in '”»’"“'
        and (text[0].isupper() or text[0].isdigit())
        and any(c.isalpha() for c in text)
        and not _ATTRIBUTION.match(text)
        and not re.match(r"^https?://", text)
    )


def _list_unit(text: str, line: int) -> _Unit | None:
    if m := _BULLET.match(text):
        return _Unit(m.group(1), line, "bullet", marker=text[0])
    if m := _NUMBERED.match(text):
        return _Unit(m.group(2), line, "number", int(m.group(1)))
    return None


def _units_line_mode(lines: Sequence[tuple[int, str]]) -> list[_Unit]:
    """One unit per non-blank line (text with no blank lines: one paragraph per line)."""
    return [_list_unit(text, n) or _Unit(text, n) for n, text in lines if text]


def _units_block_mode(lines: Sequence[tuple[int, str]]) -> list[_Unit]:
    """Units from blank-line separated blocks whose wrapped lines are joined."""
    units: list[_Unit] = []
    chunk: list[tuple[int, str]] = []
    for n, text in [*lines, (0, "")]:
        if text:
            chunk.append((n, text))
            continue
        if chunk:
            units.extend(_chunk_units(chunk))
            chunk = []
    return units


def _chunk_units(chunk: list[tuple[int, str]]) -> list[_Unit]:
    """Split one blank-line separated block into units: list items, heading, paragraph."""
    out: list[_Unit] = []
    current: _Unit | None = None
    # A byline line ends the headline above it: "Headline\nBy Name" stays two units.
    for k, (n, text) in enumerate(chunk):
        if k and _is_byline(text):
            return (
                _chunk_units(chunk[:k])
                + [_Unit(text, n)]
                + (_chunk_units(chunk[k + 1 :]) if k + 1 < len(chunk) else [])
            )
    for n, text in chunk:
        item = _list_unit(text, n)
        if item is not None:
            current = item
            out.append(item)
        elif current is not None:
            # A line after a list item, or after a paragraph line, continues it.
            current.text += " " + text
            current.single_line = False
        else:
            current = _Unit(text, n)
            out.append(current)
    # An attribution line glued under a quotation: "“...”\n— Name".
    if len(chunk) >= 2 and len(out) == 1 and out[0].kind == "para":
        last_n, last = chunk[-1]
        body = " ".join(t for _, t in chunk[:-1])
        if _ATTRIBUTION.match(last) and _is_quoted(body):
            return [_Unit(body, chunk[0][0], single_line=False), _Unit(last, last_n)]
    # A heading glued on top of its paragraph: a short first line over long wrapped lines.
    if len(chunk) >= 2 and len(out) == 1 and out[0].kind == "para":
        first_n, first = chunk[0]
        rest = chunk[1:]
        if _headline_like(_Unit(first, first_n)) and len(first) < 0.6 * max(
            len(t) for _, t in rest
        ):
            return [
                _Unit(first, first_n),
                _Unit(" ".join(t for _, t in rest), rest[0][0], single_line=len(rest) == 1),
            ]
    return out


def _is_byline(text: str) -> bool:
    """A short "By Name[, Name and Name]" line with no sentence-final punctuation."""
    m = _BYLINE.match(text)
    return bool(m) and len(text.split()) <= 13 and text[-1] not in ".!?;:,"


# --- inline text ---------------------------------------------------------------------------

_URL = re.compile(r"https?://[^\s<>\"“”«»]+")
_STRONG = re.compile(r"(?<![\w*])\*\*(?=\S)(.+?)(?<=\S)\*\*(?![\w*])")
_EMPH = re.compile(
    r"(?<![\w*])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![\w*])|(?<!\w)_(?=\S)(.+?)(?<=\S)_(?!\w)"
)


def _inlines(text: str) -> tuple[Inline, ...]:
    """Parse a paragraph's text into inlines: links, then strong, then emphasis."""
    out: list[Inline] = []
    pos = 0
    for m in _URL.finditer(text):
        url = m.group(0)
        # Trailing punctuation belongs to the sentence, not the URL (unless balanced).
        while (
            url
            and url[-1] in ".,;:!?)]’'"
            and not (url[-1] == ")" and url.count("(") >= url.count(")"))
        ):
            url = url[:-1]
        if not url:
            continue
        start, end = m.start(), m.start() + len(url)
        out.extend(_emphasis(text[pos:start]))
        out.append(Link(url, (Text(url),)))
        pos = end
    out.extend(_emphasis(text[pos:]))
    return tuple(out)


def _emphasis(text: str) -> list[Inline]:
    if not text:
        return []
    out: list[Inline] = []
    pos = 0
    for m in _STRONG.finditer(text):
        out.extend(_emph_only(text[pos : m.start()]))
        out.append(Strong(tuple(_emph_only(m.group(1)))))
        pos = m.end()
    out.extend(_emph_only(text[pos:]))
    return out


def _emph_only(text: str) -> list[Inline]:
    if not text:
        return []
    out: list[Inline] = []
    pos = 0
    for m in _EMPH.finditer(text):
        if m.start() > pos:
            out.append(Text(text[pos : m.start()]))
        out.append(Emphasis((Text(m.group(1) or m.group(2)),)))
        pos = m.end()
    if pos < len(text):
        out.append(Text(text[pos:]))
    return out


# --- the reader ---------------------------------------------------------------------------


class TextReader:
    """Reads plain-text articles; see the module docstring for what it recognises."""

    name: ClassVar[str] = "text"
    extensions: ClassVar[tuple[str, ...]] = (".txt", ".text")

    def read(self, text: str, *, source: Path | None = None, title: str | None = None) -> Article:
        """Parse ``text`` into an :class:`Article`.

        ``source`` (the file the text came from) names the file in messages and supplies a
        title from its name when the text has none; ``title`` overrides any title found.
        Raises :class:`InputError` if there is no text at all.
        """
        where = str(source) if source is not None else "<string>"
        lines = self._clean_lines(text, where)
        meta: dict[str, str] = {}
        i = 0
        while i < len(lines) and not lines[i][1]:
            i += 1
        while i < len(lines) and (m := _META_LINE.match(lines[i][1])):
            key = _META_KEYS[m.group(1).lower()]
            if key in meta:
                _log.warning(
                    "%s:%d: %s given twice; the last one wins", where, lines[i][0], m.group(1)
                )
            meta[key] = m.group(2).strip()
            i += 1
        body = lines[i:]
        if not any(t for _, t in body) and not meta:
            raise InputError(f"{where}: no text to convert (the file is empty)")
        has_blank = any(not t for _, t in _trim(body))
        units = _units_block_mode(body) if has_blank else _units_line_mode(body)

        # A first line that reads as a headline is the title; "By Name" near the top is the byline.
        found_title: str | None = None
        if (
            "title" not in meta
            and len(units) >= 2
            and _headline_like(units[0])
            and not _is_byline(units[0].text)
        ):
            found_title = units.pop(0).text
        for j, unit in enumerate(units[:2]):
            if unit.kind == "para" and unit.single_line and _is_byline(unit.text):
                if "authors" not in meta:
                    meta["authors"] = unit.text[2:].strip()
                del units[j]
                break

        language = _language_tag(meta["language"], where) if "language" in meta else None
        if language is None:
            language = guess_language(" ".join(u.text for u in units[:40]))
        article_title = title or meta.get("title") or found_title
        if article_title is None:
            article_title = title_from_filename(source.name) if source is not None else "Untitled"
        return Article(
            meta=ArticleMeta(
                title=article_title,
                subtitle=meta.get("subtitle"),
                authors=_split_authors(meta["authors"]) if "authors" in meta else (),
                date=meta.get("date"),
                source=meta.get("source"),
                url=meta.get("url"),
                language=language,
                summary=meta.get("summary"),
            ),
            blocks=tuple(no_skipped_levels(self._blocks(units))),
        )

    @staticmethod
    def _clean_lines(text: str, where: str) -> list[tuple[int, str]]:
        """Split into numbered, stripped lines; sanitise each, reporting where."""
        text = text.lstrip("\ufeff")
        # Vertical tab and form feed end a line in plain text; elsewhere they are invalid XML.
        for sep in ("\r\n", "\r", "\x0b", "\x0c", "\u2028", "\u2029", "\x85"):
            text = text.replace(sep, "\n")
        out: list[tuple[int, str]] = []
        for n, raw in enumerate(text.split("\n"), start=1):
            clean = sanitize_reported(raw, f"{where}:{n}")
            out.append((n, clean.replace("\t", " ").strip()))
        return out

    def _blocks(self, units: list[_Unit]) -> list[Block]:
        """Classify units into blocks: lists, quotes with attribution, headings, paragraphs."""
        heading_idx = [
            k
            for k, unit in enumerate(units)
            if _headline_like(unit) and k + 1 < len(units) and self._is_body(units, k + 1)
        ]
        # Runs of headline-like lines stacked over body text are headings too.
        stacked = set(heading_idx)
        for k in heading_idx:
            j = k - 1
            while j >= 0 and _headline_like(units[j]) and j not in stacked:
                stacked.add(j)
                j -= 1
        caps = {k for k in stacked if units[k].text.upper() == units[k].text}
        two_levels = bool(caps) and len(caps) < len(stacked)

        blocks: list[Block] = []
        k = 0
        while k < len(units):
            unit = units[k]
            if unit.kind in ("bullet", "number"):
                items: list[tuple[Inline, ...]] = []
                kind, start = unit.kind, unit.number
                while k < len(units) and units[k].kind == kind:
                    items.append(_inlines(units[k].text))
                    k += 1
                blocks.append(
                    BulletList(tuple(items))
                    if kind == "bullet"
                    else OrderedList(tuple(items), start)
                )
                continue
            if k in stacked:
                level = 2 if two_levels and k not in caps else 1
                blocks.append(Heading(level, _inlines(unit.text)))
                k += 1
                continue
            quote_end = self._quote_end(units, k)
            if quote_end is not None:
                paras = tuple(Paragraph(_inlines(u.text)) for u in units[k:quote_end])
                k = quote_end
                attribution: tuple[Inline, ...] = ()
                name = self._attribution(units, k)
                if name is not None:
                    attribution = _inlines(name)
                    k += 1
                blocks.append(Quote(paras, attribution))
                continue
            blocks.append(Paragraph(_inlines(unit.text)))
            k += 1
        return blocks

    @staticmethod
    def _attribution(units: list[_Unit], k: int) -> str | None:
        """The name in unit ``k`` if it attributes the quote just before it."""
        if k >= len(units):
            return None
        unit = units[k]
        name: str | None = None
        if unit.kind == "para" and (m := _ATTRIBUTION.match(unit.text)):
            name = m.group(1)
        elif (
            unit.kind == "bullet"
            and unit.marker == "-"
            and not (k + 1 < len(units) and units[k + 1].kind == "bullet")
        ):
            # "- Name" under a quote reads as a one-item list; a real list has more items.
            name = unit.text
        if name and len(name.split()) <= 15 and name[0].isalpha() and name[0].isupper():
            return name
        return None

    @staticmethod
    def _is_body(units: list[_Unit], k: int) -> bool:
        """Whether unit ``k`` is body text (not another headline-like line)."""
        return not _headline_like(units[k])

    @staticmethod
    def _quote_end(units: list[_Unit], k: int) -> int | None:
        """End index (exclusive) of a block quote starting at unit ``k``, if one does."""
        if units[k].kind != "para":
            return None
        if _is_quoted(units[k].text):
            return k + 1
        # Multi-paragraph quotation: each paragraph opens the quote, only the last closes it.
        if not _opens_quote(units[k].text):
            return None
        j = k + 1
        while j < len(units) and units[j].kind == "para" and units[j].text[:1] == units[k].text[0]:
            if _is_quoted(units[j].text):
                return j + 1
            if not _opens_quote(units[j].text):
                return None
            j += 1
        return None


def _trim(lines: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Drop leading and trailing blank lines."""
    start, end = 0, len(lines)
    while start < end and not lines[start][1]:
        start += 1
    while end > start and not lines[end - 1][1]:
        end -= 1
    return lines[start:end]
