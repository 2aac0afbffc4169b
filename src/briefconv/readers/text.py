"""The plain-text reader: articles as pasted from a web page, and their common cousins.

What it recognises:

* an optional header of ``Key: value`` lines (Title, Subtitle, Author/Authors/By, Date,
  Source, URL, Language) at the very top;
* paragraphs: blank-line separated blocks, or one per line when the text has no blank
  line; hard-wrapped lines are joined (:mod:`briefconv.readers._text_layout` tells the
  wrapper's line breaks from the author's, so re-wrapping never changes the model);
* the title: a first line that reads as a headline (short, not a sentence: no final full
  stop, comma or colon; quotation, question and exclamation marks are headline style),
  unless it opens a run of short lines;
* under it, or under a one-paragraph standfirst: a ``By Name`` byline (a desk or role
  line under it stays with the name) for the authors and a dateline (``14 March 2025``,
  ``Rotterdam, 14 March``) for the date (:mod:`briefconv.readers._text_head`);
* section headings: short capitalised lines that are not sentences, times, scores or
  numbers and do not end on a conjunction or preposition, with a paragraph or quotation
  after them and no short line before them; a question is a heading only in an article
  with other headings; when the text has both ALL CAPS and other headings, ALL CAPS ones
  are level 1 and the others level 2;
* line blocks: short lines kept together (a fact box, results, an award list) are one
  paragraph with a line break after each line;
* block quotes: a paragraph wholly enclosed in quotation marks (“…”, "…", «…», „…“), or
  several paragraphs each opening with one (the last one closing it); a following line
  starting with an em dash or ``- `` and a name is its attribution;
* lists: lines starting with ``- ``, ``* ``, ``• `` (bulleted) or ``1.`` / ``1)``
  (numbered) at the start of a paragraph; a numbered list starts at 1 or counts on;
* inline: bare ``http(s)://`` URLs become links; ``**strong**`` and ``*emphasis*`` /
  ``_emphasis_`` are honoured when they hug words.

Every word of the text ends up in the model: in the title, the metadata or the body.
Text is never interpreted as markup of any output format: it goes into the model as text.
"""

from __future__ import annotations

import codecs
import logging
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import ClassVar

from briefconv._records import record_methods
from briefconv.errors import InputError
from briefconv.model import (
    Article,
    ArticleMeta,
    Block,
    BulletList,
    Emphasis,
    Heading,
    Inline,
    LineBreak,
    Link,
    OrderedList,
    Paragraph,
    Quote,
    Strong,
    Text,
    sanitize_reported,
)
from briefconv.readers._levels import no_skipped_levels
from briefconv.readers._text_head import byline_authors, is_dateline, is_desk_line
from briefconv.readers._text_layout import (
    Line,
    ends_sentence,
    is_byline,
    split_units,
    word_set,
    wrap_width,
)
from briefconv.readers._text_layout import Unit as _Unit

__all__ = [
    "ENCODING_ADVICE",
    "TextReader",
    "check_encoding",
    "decode",
    "guess_language",
    "title_from_filename",
]

#: What a file that is not UTF-8 is told to do. ``convert``, ``inspect`` and ``pack`` all
#: have ``--encoding``; a manifest's loader adds its own ``encoding`` key after it.
ENCODING_ADVICE = "pass --encoding"

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


def check_encoding(name: str) -> str:
    """``name`` if Python can decode text in that encoding; :class:`ValueError` if not.

    ``codecs.lookup`` alone also finds bytes-to-bytes codecs such as ``base64``, which
    cannot decode an article; those are refused too. The message names no option.
    """
    try:
        codecs.lookup(name)
    except LookupError:
        raise ValueError(f"unknown encoding {name!r}") from None
    try:
        # Not b"": decoding nothing returns "" before the codec is even looked up.
        b"a".decode(name)
    except LookupError:  # "'base64' is not a text encoding"
        raise ValueError(f"{name!r} is not a text encoding") from None
    except UnicodeDecodeError:  # a real text encoding ("a" is half a UTF-16 character)
        pass
    return name


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
            f"save it as UTF-8 or {ENCODING_ADVICE}"
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            f"{name}:{line}: not UTF-8 (byte 0x{data[exc.start]:02X}); "
            f"save the file as UTF-8 or {ENCODING_ADVICE} (e.g. --encoding cp1252)"
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
_ATTRIBUTION = re.compile(r"^(?:—|―|–|--?)\s*(\S.*)$")
# Opening mark -> closing marks accepted for a paragraph wholly in quotation marks.
# Single quotes are left out: ’ doubles as the apostrophe, so "closed" cannot be told.
_QUOTE_PAIRS = {"“": "”", '"': '"', "«": "»", "„": "“”", "»": "«"}
# A headline may open with any quotation mark: 'Comeback' show..., "We will not...," says.
_OPENING_MARKS = "\"'‘“«„‚‹¿¡"

# A heading is at most this long; news headings are short.
_HEADING_MAX_CHARS = 100
_HEADING_MAX_WORDS = 14
# A headline (the title) may be longer than a section heading.
_TITLE_MAX_CHARS = 150
_TITLE_MAX_WORDS = 25
# Lines up to this long are short: fact-box lines, results, labels, headings.
_SHORT = 80
# Words a heading does not end on: a line ending on one is a sentence cut short.
_FUNCTION_WORDS = word_set(
    "a an the and or but nor of to in on at for with by from as into onto than that which",
    "who whose whom is are was were be been has have had will would can could should may",
    "might must not no said says its their his her our your my this these those if so yet",
    "because while when where",
    "і й та а але або чи в у на з із до від для що як про під над за при",
    "και ή το τα η ο οι της του των τον την με σε για από που ως αλλά να θα",
)


@cache
def _score_or_time() -> re.Pattern[str]:
    # "2-1", "2:1", "10:30", "7.30pm", "10am": results and times, never headings.
    return re.compile(r"\d\s?[-–:]\s?\d|\d(?:[ap]\.?m\b)", re.IGNORECASE)


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


def _is_numberish(text: str) -> bool:
    """A time, a score or mostly numbers: ``2000 GMT``, ``Arsenal 2-1 Chelsea``, ``Green 24``."""
    if _score_or_time().search(text):
        return True
    words = text.split()
    numbers = sum(1 for w in words if not any(c.isalpha() for c in w))
    return 2 * numbers >= len(words)


def _title_shape(text: str) -> bool:
    """Whether ``text`` reads as a headline: short, and not a sentence or a fragment of one.

    Quotation marks, question and exclamation marks are headline style.

    >>> _title_shape("'Comeback' show for Friends star"), _title_shape("He left.")
    (True, False)
    """
    if not 0 < len(text) <= _TITLE_MAX_CHARS or len(text.split()) > _TITLE_MAX_WORDS:
        return False
    end = text.rstrip("”’\"'»")
    return (
        (text[0].isupper() or text[0].isdigit() or text[0] in _OPENING_MARKS)
        and any(c.isalpha() for c in text)
        and bool(end)
        and end[-1] not in ".,;:-–—"
        and not _ATTRIBUTION.match(text)
        and not text.startswith(("http://", "https://"))
        and not is_byline(text)
        and not is_dateline(text)
        and text.split()[-1].casefold() not in _FUNCTION_WORDS
    )


def _heading_shape(text: str) -> bool:
    """Whether ``text`` reads as a section heading, whatever surrounds it.

    Short, capitalised, with no final full stop, exclamation mark or closing quotation
    mark (a question is allowed); not a time, score or number; not a sentence cut short.

    >>> [_heading_shape(t) for t in ("What comes next", "2000 GMT", "Talks resumed and")]
    [True, False, False]
    """
    if not 0 < len(text) <= _HEADING_MAX_CHARS:
        return False
    words = text.split()
    return (
        len(words) <= _HEADING_MAX_WORDS
        and (text[0].isupper() or text[0].isdigit())
        and text[-1] not in ".!…:;,-–—”»’\"“'"
        and any(c.isalpha() for c in text)
        and not _ATTRIBUTION.match(text)
        and not text.startswith(("http://", "https://"))
        and not is_byline(text)
        and not _is_numberish(text)
        and words[-1].casefold() not in _FUNCTION_WORDS
    )


def _is_fragment(unit: _Unit) -> bool:
    """A short line that is not a sentence: a fact-box line, a result, a label."""
    return unit.kind == "para" and len(unit.text) <= _SHORT and not ends_sentence(unit.text)


def _is_prose(unit: _Unit) -> bool:
    """Body text a heading can stand over: a long paragraph, or a sentence of a few words."""
    text = unit.text
    if unit.kind != "para" or text[0].islower():
        return False
    return len(text) > _SHORT or (
        (ends_sentence(text) or text.endswith(":")) and len(text.split()) >= 3
    )


@record_methods
@dataclass(slots=True, repr=False, eq=False)
class _Item:
    """A unit or a group of them: a paragraph, a list, or a quotation with its attribution."""

    kind: str  # "para", "list", "quote"
    unit: _Unit
    block: Block | None = None


# --- inline text ---------------------------------------------------------------------------

_URL = re.compile(r"https?://[^\s<>\"“”«»]+")
# Emphasis spans at most _SPAN characters: an opening mark with no close used to send the
# search to the paragraph's end, once per mark (80 KB of "**a " took 28 s; 160 KB, 110 s).
# No one emphasises more than a few sentences in pasted text.
_SPAN = 400
_STRONG = re.compile(rf"(?<![\w*])\*\*(?=\S)(.{{1,{_SPAN}}}?)(?<=\S)\*\*(?![\w*])")
_EMPH = re.compile(
    rf"(?<![\w*])\*(?=[^\s*])(.{{1,{_SPAN}}}?)(?<=[^\s*])\*(?![\w*])"
    rf"|(?<!\w)_(?=\S)(.{{1,{_SPAN}}}?)(?<=\S)_(?!\w)"
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
        while i < len(lines) and not lines[i].text:
            i += 1
        while i < len(lines) and (m := _META_LINE.match(lines[i].text)):
            key = _META_KEYS[m.group(1).lower()]
            if key in meta:
                _log.warning(
                    "%s:%d: %s given twice; the last one wins", where, lines[i].number, m.group(1)
                )
            meta[key] = m.group(2).strip()
            i += 1
        body = lines[i:]
        if not any(line.text for line in body) and not meta:
            raise InputError(f"{where}: no text to convert (the file is empty)")
        blocks = _blank_separated(body)
        # No blank line at all: one paragraph per line, as pasted from a web page.
        one_per_line = len(blocks) == 1
        units = split_units(blocks, wrap_width(blocks))
        found_title, authors = self._head(units, meta, one_per_line)

        language = _language_tag(meta["language"], where) if "language" in meta else None
        if language is None:
            language = guess_language(" ".join(u.text for u in units[:40]))
        article_title = title or meta.get("title") or found_title
        if article_title is None:
            article_title = title_from_filename(source.name) if source is not None else "Untitled"
        if "authors" in meta:
            authors = _split_authors(meta["authors"])
        return Article(
            meta=ArticleMeta(
                title=article_title,
                subtitle=meta.get("subtitle"),
                authors=authors,
                date=meta.get("date"),
                source=meta.get("source"),
                url=meta.get("url"),
                language=language,
                summary=meta.get("summary"),
            ),
            blocks=tuple(no_skipped_levels(self._blocks(units, one_per_line))),
        )

    @staticmethod
    def _clean_lines(text: str, where: str) -> list[Line]:
        """Split into numbered, stripped lines; sanitise each, reporting where."""
        text = text.lstrip("\ufeff")
        # Vertical tab and form feed end a line in plain text; elsewhere they are invalid XML.
        for sep in ("\r\n", "\r", "\x0b", "\x0c", "\u2028", "\u2029", "\x85"):
            text = text.replace(sep, "\n")
        out: list[Line] = []
        for n, raw in enumerate(text.split("\n"), start=1):
            clean = sanitize_reported(raw, f"{where}:{n}").replace("\t", " ").rstrip()
            stripped = clean.lstrip()
            # The width counts the indent: a wrapper fills lines from the margin.
            out.append(Line(n, stripped, len(clean), len(clean) - len(stripped)))
        return out

    @staticmethod
    def _head(
        units: list[_Unit], meta: dict[str, str], one_per_line: bool
    ) -> tuple[str | None, tuple[str, ...]]:
        """Take the headline, byline, desk line and dateline off the top of ``units``.

        Returns the title found (or ``None``) and the byline's authors; a dateline goes to
        ``meta["date"]``. The title is the first unit if it reads as a headline and does
        not open a run of short lines; the others are looked for right under it, or under
        a one-paragraph standfirst.
        """
        found_title: str | None = None
        if "title" not in meta and len(units) >= 2 and units[0].kind == "para":
            first, second = units[0], units[1]
            opens_run = (
                (one_per_line or second.block == first.block)
                and _is_fragment(second)
                and not is_byline(second.text)
                and not is_dateline(second.text)
            )
            if _title_shape(first.text) and not opens_run:
                found_title = units.pop(0).text
        authors: tuple[str, ...] = ()
        j = 0
        while j < min(len(units), 2):
            unit = units[j]
            # A text that is only a byline or a date keeps it as its body.
            if unit.kind != "para" or len(units) == 1:
                break
            if not authors and "authors" not in meta and is_byline(unit.text):
                del units[j]
                names = unit.text[2:].strip()
                # A role or desk on the next line ("BBC News, Kyiv") belongs to the byline.
                if (
                    j < len(units)
                    and units[j].block == unit.block
                    and units[j].kind == "para"
                    and is_desk_line(units[j].text)
                ):
                    names += ", " + units.pop(j).text
                authors = byline_authors(names)
                continue
            if "date" not in meta and is_dateline(unit.text):
                meta["date"] = units.pop(j).text
                continue
            j += 1
        return found_title, authors

    def _blocks(self, units: list[_Unit], one_per_line: bool) -> list[Block]:
        """Classify units into blocks: lists, quotes, headings, line blocks, paragraphs."""
        items = self._items(units)
        headings = [
            k
            for k, item in enumerate(items)
            # The place first: it is cheaper than the shape, and most lines fail it.
            if item.kind == "para"
            and self._stands_over_text(items, k)
            and _heading_shape(item.unit.text)
        ]
        # A lone question is a rhetorical paragraph; questions are headings in an article
        # that has other headings ("What happens next?" among them).
        if len(headings) == 1 and items[headings[0]].unit.text.endswith("?"):
            headings = []
        heading_set = set(headings)
        caps = {k for k in headings if items[k].unit.text.upper() == items[k].unit.text}
        two_levels = bool(caps) and len(caps) < len(headings)

        blocks: list[Block] = []
        k = 0
        while k < len(items):
            item = items[k]
            if item.block is not None:
                blocks.append(item.block)
                k += 1
                continue
            if k in heading_set:
                level = 2 if two_levels and k not in caps else 1
                blocks.append(Heading(level, _inlines(item.unit.text)))
                k += 1
                continue
            # Lines kept together: a fact box, a list of results, an address.
            run = [item.unit]
            k += 1
            while (
                k < len(items)
                and items[k].kind == "para"
                and k not in heading_set
                and _same_line_block(run[-1], items[k].unit, one_per_line)
            ):
                run.append(items[k].unit)
                k += 1
            children: list[Inline] = []
            for unit in run:
                if children:
                    children.append(LineBreak())
                children.extend(_inlines(unit.text))
            blocks.append(Paragraph(tuple(children)))
        return blocks

    def _items(self, units: list[_Unit]) -> list[_Item]:
        """Group units into lists and quotations; every other unit is a paragraph item."""
        items: list[_Item] = []
        k = 0
        while k < len(units):
            unit = units[k]
            if unit.kind in ("bullet", "number"):
                end = k + 1
                # A numbered list counts on one by one: "1." then "2010." is not its item.
                while (
                    end < len(units)
                    and units[end].kind == unit.kind
                    and (unit.kind == "bullet" or units[end].number == units[end - 1].number + 1)
                ):
                    end += 1
                run = units[k:end]
                # A numbered list starts at 1 or counts on: "2010. Demand rose" alone is a
                # paragraph that starts with a year.
                if unit.kind == "number" and not (
                    unit.number == 1 or (len(run) > 1 and run[1].number == unit.number + 1)
                ):
                    items.append(_Item("para", _Unit(unit.raw, unit.line, unit.block)))
                    k += 1
                    continue
                entries = tuple(_inlines(u.text) for u in run)
                items.append(
                    _Item(
                        "list",
                        unit,
                        BulletList(entries)
                        if unit.kind == "bullet"
                        else OrderedList(entries, unit.number),
                    )
                )
                k = end
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
                items.append(_Item("quote", unit, Quote(paras, attribution)))
                continue
            items.append(_Item("para", unit))
            k += 1
        return items

    @staticmethod
    def _stands_over_text(items: list[_Item], k: int) -> bool:
        """Whether the paragraph item ``k`` has a heading's place: over prose, not in a run.

        It must be followed by a paragraph or quotation (not by another short line, a list
        or nothing) and must not follow a short line (then it is part of a fact box).
        """
        if k + 1 >= len(items):
            return False
        after = items[k + 1]
        if after.kind == "list" or (after.kind == "para" and not _is_prose(after.unit)):
            return False
        return k == 0 or not (items[k - 1].kind == "para" and _is_fragment(items[k - 1].unit))

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


def _same_line_block(before: _Unit, unit: _Unit, one_per_line: bool) -> bool:
    """Whether ``unit`` goes on the same block of lines as the paragraph ``before`` it.

    With one paragraph per line, only short lines that are not sentences run together (a
    fact box, a list of results). In blank-line separated text, lines of one block that
    were not joined by wrapping stay together, line by line, unless both are paragraphs
    in their own right (long lines).
    """
    if one_per_line:
        return _is_fragment(before) and _is_fragment(unit)
    return before.block == unit.block and min(len(before.text), len(unit.text)) <= _SHORT


def _blank_separated(lines: list[Line]) -> list[list[Line]]:
    """The non-blank lines in blocks separated by blank lines."""
    blocks: list[list[Line]] = []
    current: list[Line] = []
    for line in lines:
        if line.text:
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks
