"""Text to reportlab paragraph markup: escaping, hyphenation, chunks (PITFALLS 1 and 7).

The only place reportlab markup is made: :func:`markup` builds it from flattened model
runs, every fragment escaped, links only for allow-listed schemes. Hyphenation inserts
soft hyphens with pyphen (reportlab's own never breaks Ukrainian words with і/ї/є/ґ or
Greek), its dictionaries read from the on-disk cache (:mod:`briefconv._cache`).
"""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from briefconv._cache import cached
from briefconv.model import Note
from briefconv.writers._links import safe_url
from briefconv.writers._runs import Run
from briefconv.writers._runs import escape_markup as _escape

__all__ = [
    "NoteMark",
    "chunk_runs",
    "hyphenator",
    "identity",
    "load_pyphen",
    "markup",
    "note_label",
    "warn_problems",
    "warn_unsafe_links",
]

_log = logging.getLogger("briefconv")

_SOFT_HYPHEN = "\u00ad"
# Words pyphen may break: letters only (no digits, no "_"), at least seven of them (a
# typesetter breaks no shorter word), and never part of a hyphenated compound: a word
# touching a hyphen (-, U+2010, U+2011) keeps its one break, the hyphen ("non-negotiable",
# not "non-nego-tiable").
_WORD = re.compile(r"(?<![-\u2010\u2011])\b[^\W\d_]{7,}\b(?![-\u2010\u2011])")
#: At least this many letters stay on each side of a break ("en-gagement" never).
_MIN_LEFT = _MIN_RIGHT = 3
#: A bare language whose pyphen dictionary is not the one wanted: pyphen's "en" is
#: British, which breaks "respect-ive" and "unspe-cified"; American patterns give
#: "respec-tive" and "unspec-i-fied", breaks a British reader accepts as well.
_LANGUAGE_DEFAULTS = {"en": "en_US"}
#: Bumped when what the hyphenation cache stores changes; part of its key.
_HYPH_PAYLOAD = "pyphen-hyphdict 1"
# Markup as tokens: tags, entities, white space and the words between them.
_MARKUP_TOKEN = re.compile(r"<[^>]*>|&[#\w]+;|\s+|[^\s<&]+")


def warn_unsafe_links(links: list[str]) -> None:
    """Log, once per document (not per build pass), the links shown as plain text."""
    if links:
        _log.warning(
            "PDF: %d link(s) with a scheme other than http, https or mailto shown as "
            "plain text: %s",
            len(links),
            ", ".join(repr(u[:100]) for u in dict.fromkeys(links)),
        )


def warn_problems(problems: list[str]) -> None:
    """Log each content problem the first build pass noted, once per document."""
    for problem in dict.fromkeys(problems):
        _log.warning("%s", problem)


# --- markup: the only place reportlab markup is made (PITFALLS 1) -----------------------


@dataclass(frozen=True, slots=True)
class NoteMark:
    """A footnote's number and the two bookmarks that link its mark and its text both ways.

    ``mark_key`` is where the superscript number stands in the text, ``note_key`` where
    the note itself is printed. Both are the writer's own names, never the input's text.
    """

    number: int
    mark_key: str
    note_key: str


def markup(
    runs: Iterable[Run],
    *,
    link_color: str,
    hyphenate: Callable[[str], str],
    unsafe: list[str],
    mono: Callable[[Run], str] | None = None,
    notes: Callable[[Note], NoteMark] | None = None,
    mark_size: float | None = None,
) -> str:
    r"""Build reportlab paragraph markup for ``runs``; nothing from the input stays markup.

    Every text fragment is escaped, attribute values additionally escape ``"``, and only
    URLs :func:`safe_url` accepts become links; others are rendered as their text and
    appended to ``unsafe``, for the caller to report. A line-break run becomes ``<br/>``.
    A code run is set, never hyphenated, in the font ``mono(run)`` names: the registered
    name of the exact mono face, weight and slant included, because reportlab's
    ``<font name>`` resets bold and italic. Without ``mono`` it stays in the paragraph's
    font. A struck-out run is drawn with reportlab's ``<strike>``. A footnote's run
    becomes its superscript number, linked to the note, with a bookmark the note links
    back to; ``notes`` numbers it (called once per mark, in reading order). Without
    ``notes`` a footnote has no mark. ``mark_size`` sets the mark's size in points
    (reportlab's own is the text's less 2 pt, too small for large print).

    >>> markup([Run("a<b> & c", bold=True)], link_color="#000000", hyphenate=str, unsafe=[])
    '<b>a&lt;b&gt; &amp; c</b>'
    >>> markup(
    ...     [Run("x"), Run("\n", line_break=True), Run("<y>", code=True)],
    ...     link_color="#000000", hyphenate=str, unsafe=[], mono=lambda run: "m-r",
    ... )
    'x<br/><font name="m-r">&lt;y&gt;</font>'
    >>> markup(
    ...     [Run("gone", strike=True), Run("", note=Note(()))],
    ...     link_color="#000000", hyphenate=str, unsafe=[],
    ...     notes=lambda note: NoteMark(3, "r3", "n3"),
    ... )
    '<strike>gone</strike><a name="r3"/><super><a href="#n3" color="#000000">3</a></super>'
    """
    parts: list[str] = []
    for run in _space_leads(runs):
        if run.line_break:
            parts.append("<br/>")
            continue
        if run.note is not None:
            if notes is not None:
                parts.append(_note_mark(notes(run.note), link_color, mark_size))
            continue
        if run.code and mono is not None:
            name = _escape(mono(run), quote=True)
            text = f'<font name="{name}">{_escape(run.text)}</font>'
        else:
            text = _escape(run.text if run.code else hyphenate(_no_break(run.text)))
            if run.italic:
                text = f"<i>{text}</i>"
            if run.bold:
                text = f"<b>{text}</b>"
        if run.strike:
            text = f"<strike>{text}</strike>"
        if run.url is not None:
            url = safe_url(run.url)
            if url is None:
                unsafe.append(run.url)
            else:
                href = _escape(url, quote=True)
                color = _escape(link_color, quote=True)
                text = f'<a href="{href}" color="{color}">{text}</a>'
        parts.append(text)
    return _fragment_safe("".join(parts))


def _note_mark(mark: NoteMark, link_color: str, size: float | None = None) -> str:
    """A footnote's mark: a bookmark for the way back, and the number linking to the note.

    >>> _note_mark(NoteMark(1, "r", "n"), "#000000", 18)
    '<a name="r"/><super size="18"><a href="#n" color="#000000">1</a></super>'
    """
    name = _escape(mark.mark_key, quote=True)
    href = _escape("#" + mark.note_key, quote=True)
    color = _escape(link_color, quote=True)
    sized = "" if size is None else f' size="{size:g}"'
    link = f'<a href="{href}" color="{color}">{mark.number}</a>'
    return f'<a name="{name}"/><super{sized}>{link}</super>'


def note_label(mark: NoteMark, link_color: str) -> str:
    """Markup for the number a note starts with: the note's bookmark, a link to its mark.

    >>> note_label(NoteMark(2, "r2", "n2"), "#000000")
    '<a name="n2"/><a href="#r2" color="#000000">2</a>'
    """
    name = _escape(mark.note_key, quote=True)
    href = _escape("#" + mark.mark_key, quote=True)
    color = _escape(link_color, quote=True)
    return f'<a name="{name}"/><a href="{href}" color="{color}">{mark.number}</a>'


def _fragment_safe(text: str) -> str:
    r"""``text`` with no soft hyphen in a word that ends a reportlab fragment.

    reportlab 5.1 drops the space after a soft-hyphenated word that ends a fragment (in
    ``_getFragWords`` the last word of a fragment that ends with a space becomes a
    ``_SHYWord``, not a ``_SHYWordHS``, so the space is forgotten): "be­cause
    <font>rustdoc" printed "becauserustdoc". A tag ends a fragment (entities do not: the
    writer's paragraphs join them back, see ``TextParagraph``), so a word followed by a
    tag, with or without space between, keeps its letters and loses its break points.

    >>> _fragment_safe("Cha­teau &amp; Es­tate <b>Wi­nes</b> and­more")
    'Cha­teau &amp; Estate <b>Wines</b> and­more'
    """
    if _SOFT_HYPHEN not in text:
        return text
    tokens = _MARKUP_TOKEN.findall(text)
    for i, token in enumerate(tokens):
        if _SOFT_HYPHEN not in token or token[0] in "<&":
            continue
        for following in tokens[i + 1 :]:
            if following[0] == "<":
                tokens[i] = token.replace(_SOFT_HYPHEN, "")
                break
            if not following.isspace():
                break
    return "".join(tokens)


def _no_break(text: str) -> str:
    r"""``text`` with narrow no-break spaces (French « ») as no-break spaces.

    reportlab breaks lines at U+202F (it counts it as white space, unlike U+00A0), so a
    guillemet could end a line apart from its word; the full-width no-break space never
    breaks and is only a little wider.

    >>> _no_break("«\u202foui\u202f»")
    '«\xa0oui\xa0»'
    """
    return text.replace("\u202f", "\u00a0")


def _space_leads(runs: Iterable[Run]) -> list[Run]:
    r"""Move whitespace that ends a run to the start of the next run.

    reportlab 5.1 loses the space after a soft-hyphenated word that ends a run (its
    ``_getFragWords`` ends such a word as "not followed by a space"), so "Istanbul. "
    followed by an italic "Nobody" would come out as "Istanbul.Nobody". A space that
    starts a run is kept on every path. Whitespace before a line break is dropped (it
    would only pad the end of the line); the break itself is kept.

    >>> [r.text for r in _space_leads([Run("a "), Run("b", italic=True), Run(" ")])]
    ['a', ' b ']
    >>> [r.text for r in _space_leads([Run("a "), Run("\n", line_break=True), Run("b")])]
    ['a', '\n', 'b']
    >>> [r.text for r in _space_leads([Run("a "), Run("c", code=True), Run(" b")])]
    ['a', ' ', 'c', ' b']

    A footnote's mark (a run with no text) is kept where it stands, after any space
    before it, like a code run.
    """
    out: list[Run] = []
    carry = ""
    for run in runs:
        if run.line_break:
            carry = ""
            out.append(run)
            continue
        if run.note is not None:
            if carry:
                source = out[-1] if out else Run("")
                out.append(dataclasses.replace(source, text=carry, code=False, note=None))
                carry = ""
            out.append(run)
            continue
        if run.code and carry:
            # A space set in the mono face is wider than the text's own: it stays a run
            # of its own, in the formatting it came from.
            source = out[-1] if out else Run("")
            out.append(dataclasses.replace(source, text=carry, code=False, note=None))
            carry = ""
        text = carry + run.text
        core = text.rstrip()
        carry = text[len(core) :]
        if core:
            out.append(dataclasses.replace(run, text=core))
    if carry:
        if out and not out[-1].line_break and out[-1].note is None:
            out[-1] = dataclasses.replace(out[-1], text=out[-1].text + carry)
        else:
            out.append(Run(carry))
    return out


#: The longest word given to the hyphenation dictionary ("Rindfleischetikettierungs..."
#: has 63 letters); longer runs of letters are codes, hashes or attacks.
_LONGEST_HYPHENATED = 64


def hyphenator(language: str, enabled: bool) -> Callable[[str], str]:
    """A function inserting soft hyphens into the words of a text, for ``language``.

    Returns the identity when hyphenation is off or pyphen has no dictionary for the
    language. Soft hyphens rather than reportlab's ``hyphenationLang``: reportlab only
    hyphenates words made of the letters it knows, which leaves out Ukrainian і/ї/є/ґ and
    all of Greek (PITFALLS 7). Only words of seven letters or more get break points, three
    letters from either end at least, and none in a hyphenated compound; a bare ``en``
    uses American patterns. Which breaks are then taken is the paragraph's business
    (:class:`~briefconv.writers.pdf._flowables.TextParagraph`: no three hyphens in a row,
    none on a paragraph's last full line).

    >>> hyphenate = hyphenator("en", True)
    >>> hyphenate("respective non-negotiable talks").replace("\u00ad", "-")
    'respec-tive non-negotiable talks'
    """
    if not enabled:
        return identity
    # Imported here, not at the top: about 3 ms (with importlib.resources and zipfile) of
    # every PDF whose style does not hyphenate, the default's included.
    import pyphen

    tag = language.strip().replace("_", "-").split("-")
    candidates = [tag[0].lower()]
    if len(tag) > 1 and tag[1]:
        candidates.insert(0, f"{tag[0].lower()}_{tag[1].upper()}")
    elif tag[0].lower() in _LANGUAGE_DEFAULTS:
        candidates.insert(0, _LANGUAGE_DEFAULTS[tag[0].lower()])
    lang = next((found for c in candidates if (found := pyphen.language_fallback(c))), None)
    if lang is None:
        _log.info("PDF: no hyphenation dictionary for language %r; not hyphenating", language)
        return identity
    dic = load_pyphen(lang)

    def word(match: re.Match[str]) -> str:
        found = match.group(0)
        if len(found) > _LONGEST_HYPHENATED:
            # No dictionary word is this long, and pyphen's time grows with the square of
            # the length (10,000 letters: 30 s). reportlab still breaks it, anywhere.
            return found
        return str(dic.inserted(found, hyphen=_SOFT_HYPHEN))

    def hyphenate(text: str) -> str:
        return _WORD.sub(word, text)

    return hyphenate


def load_pyphen(lang: str) -> Any:
    """``pyphen.Pyphen(lang=lang)`` keeping 3 letters each side, its dictionary cached.

    Parsing a dictionary took longer than laying out a short article (German: half a
    second). pyphen keeps what it parsed in its module-level ``hdcache``, keyed by the
    file's path, and ``Pyphen()`` looks there first; seeding it with the cached
    ``HyphDict`` gives the very same patterns, so the same hyphens.
    """
    import pyphen  # see hyphenator

    path = pyphen.LANGUAGES[lang]
    if path not in pyphen.hdcache:
        versions = (f"pyphen {pyphen.__version__}", _HYPH_PAYLOAD)
        parsed = cached("pyphen", path, versions, lambda: pyphen.HyphDict(path), pyphen.HyphDict)
        # setdefault: another thread may have seeded it meanwhile; keep the first.
        pyphen.hdcache.setdefault(path, parsed)
    return pyphen.Pyphen(lang=lang, left=_MIN_LEFT, right=_MIN_RIGHT)


def identity(text: str) -> str:
    """``text`` unchanged: the hyphenator when hyphenation is off."""
    return text


#: Paragraphs longer than this many characters are set as several flowables.
_CHUNK_CHARS = 4000


def chunk_runs(runs: list[Run], limit: int = _CHUNK_CHARS) -> list[list[Run]]:
    """Split runs into chunks of at most about ``limit`` characters, at spaces.

    >>> [sum(len(r.text) for r in c) for c in chunk_runs([Run("ab " * 5)], limit=6)]
    [6, 6, 3]
    """
    chunks: list[list[Run]] = [[]]
    size = 0
    for run in runs:
        text = run.text
        while size + len(text) > limit:
            cut = text.rfind(" ", 0, limit - size + 1)
            if cut <= 0:
                if size == 0:  # one word longer than the limit: keep it whole
                    cut = text.find(" ")
                    if cut < 0:
                        break
                else:
                    chunks.append([])
                    size = 0
                    continue
            head, text = text[: cut + 1], text[cut + 1 :]
            chunks[-1].append(dataclasses.replace(run, text=head))
            chunks.append([])
            size = 0
        if text or run.note is not None:  # a footnote's mark has no text, and stays
            chunks[-1].append(dataclasses.replace(run, text=text))
            size += len(text)
    # Each chunk is a paragraph of its own, so a line break at either end of one is
    # already there; kept, it would add an empty line.
    out: list[list[Run]] = []
    for chunk in chunks:
        while chunk and chunk[0].line_break:
            chunk = chunk[1:]
        while chunk and chunk[-1].line_break:
            chunk = chunk[:-1]
        if chunk:
            out.append(chunk)
    return out
