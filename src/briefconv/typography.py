r"""Typographic text: curly quotes by language, and no-break spaces where a line must not break.

Applied once to a pack (a handout is a pack of one) before any writer sees it
(:func:`typeset_pack`, called by :func:`briefconv.render` and :func:`briefconv.render_pack`),
so every format prints the same characters:

- **Quotes and apostrophes** typed straight become the article's language's marks: English
  “…” and ‘…’, German „…“ and ‚…‘, French «\u202f…\u202f» (narrow no-break spaces inside),
  Russian and Ukrainian «…» and „…“, Greek «…» and “…”; apostrophes become ’ (``don’t``,
  ``’90s``). The decisions are docutils' port of SmartyPants, the reference implementation
  with per-language quote sets (:mod:`docutils.utils.smartquotes`; the ``smartypants``
  package knows English marks only). Quotes are decided over a paragraph's whole run of text,
  so a quote opened before ``*emphasis*`` and closed after it still pairs up. Code (inline
  and blocks), link addresses, and addresses written out in the text are never touched. A
  language docutils has no marks for keeps its straight quotes. The style's
  ``[typography] smart_quotes = false`` turns this off.
- **No-break spaces** bind a page reference to its number ("p.\u00a03") and a date's day,
  month and year ("24\u00a0November\u00a02026"), so no line ends inside one. The dates and
  reading times the writers print themselves are bound by :mod:`briefconv.wording`.

Quotes already curled, and every other character, are left as they are:

>>> smart_text('"It\'s the \'90s," she said.', "en")
'“It’s the ’90s,” she said.'
>>> smart_text('Er sagte: "Wir kommen."', "de")
'Er sagte: „Wir kommen.“'
>>> smart_text('Він сказав: "Так".', "uk")
'Він сказав: «Так».'
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from functools import cache

from briefconv._records import record_methods
from briefconv.model import (
    Article,
    ArticleMeta,
    Block,
    BulletList,
    Code,
    CodeBlock,
    Emphasis,
    Figure,
    Heading,
    Inline,
    LineBreak,
    Link,
    Note,
    OrderedList,
    Pack,
    PackMeta,
    Paragraph,
    Quote,
    Strikethrough,
    Strong,
    Table,
    Text,
    ThematicBreak,
)
from briefconv.wording import labels

__all__ = ["NBSP", "NNBSP", "bind", "smart_text", "typeset_article", "typeset_pack"]

#: No-break space: a space a line never ends at.
NBSP = "\u00a0"
#: Narrow no-break space: the thin unbreakable space French sets inside guillemets.
NNBSP = "\u202f"

# Addresses written out in text: never curled (a quote inside one is part of it). A
# straight double quote or white space ends one.
_URL = re.compile(r"(?:[a-z][a-z0-9+.-]*://|www\.|mailto:)[^\s\"<>]*", re.IGNORECASE)

# Page abbreviations that a number follows, by language ("p. 3", "S. 3", "с. 3").
_PAGES: dict[str, tuple[str, ...]] = {
    "de": ("S.",),
    "uk": ("с.",),
    "ru": ("с.",),
    "el": ("σ.",),
}
_PAGES_DEFAULT = ("p.", "pp.")

_ENGLISH_MONTHS = labels("en").months


@cache
def _quote_set(language: str) -> str | None:
    """The docutils key for ``language``'s quote marks, or ``None`` when it has none."""
    from docutils.utils.smartquotes import smartchars

    tag = language.strip().lower().replace("_", "-")
    for key in (tag, tag.split("-")[0]):
        if key in smartchars.quotes:
            return key
    return None


class _Quotes:
    """Curls one paragraph's text runs in order, each with the character before it as context.

    SmartyPants decides whether a quote opens or closes from its neighbours; the run before
    (even code, which is itself never curled) is the left neighbour of a run's first quote.
    """

    def __init__(self, language: str | None) -> None:
        # The article's language tag, or None when quotes stay straight; which docutils
        # quote set it means is looked up at the first quote (see text()).
        self.tag = language
        self.language: str | None = None
        self.before = " "  # a paragraph starts as if after a space

    def text(self, text: str) -> str:
        """``text`` with its quotes curled, addresses in it left as written."""
        if not text:
            return text
        # Text without a straight quote comes back as it is, whatever the language: docutils
        # (about 5 ms of imports) is loaded only for an article that has a quote to curl.
        if self.tag is not None and self.language is None and ("'" in text or '"' in text):
            self.language = _quote_set(self.tag)
        if self.language is None:
            self.before = text[-1]
            return text
        parts: list[str] = []
        at = 0
        for match in _URL.finditer(text):
            parts.append(self._curl(text[at : match.start()]))
            parts.append(match.group())
            self.literal(match.group())
            at = match.end()
        parts.append(self._curl(text[at:]))
        return "".join(parts)

    def literal(self, text: str) -> None:
        """Note ``text`` (code, an address) as context, unchanged."""
        if text:
            self.before = text[-1]

    def _curl(self, text: str) -> str:
        if not text:
            return text
        from docutils.utils.smartquotes import educateQuotes

        assert self.language is not None
        # The context character goes in front and comes off again (docutils does the same
        # between tokens); a quote before is passed as ";" so that it is not curled twice.
        context = self.before.replace('"', ";").replace("'", ";")
        self.before = text[-1]
        if "'" not in text and '"' not in text:
            return text
        if self.language.startswith("fr"):
            text = _french_spacing(text)
        curled: str = educateQuotes(context + text, self.language)[1:]
        return curled


def _french_spacing(text: str) -> str:
    """Straight quotes typed with spaces inside (``" mot "``) as if typed without them.

    Typists who know the French spacing often type it with straight quotes too; left alone,
    SmartyPants would read the opening quote before a space as a closing one.
    """
    return re.sub(f'"[ {NBSP}{NNBSP}]+([^"\n]*?)[ {NBSP}{NNBSP}]+"', r'"\1"', text)


def _guillemet_spacing(text: str) -> str:
    """French: the space inside « » is a narrow no-break space, whatever was typed.

    The Imprimerie nationale's rule; docutils' French marks carry full-width no-break
    spaces, and a typist's own « » may carry plain ones.
    """
    text = re.sub(f"«[ {NBSP}{NNBSP}]*", "«" + NNBSP, text)
    return re.sub(f"[ {NBSP}{NNBSP}]*»", NNBSP + "»", text)


@cache
def _binder(language: str) -> Callable[[str], str]:
    """The no-break rule for ``language``: page numbers and dates (see :func:`bind`)."""
    primary = language.lower().split("-")[0]
    pages = _PAGES.get(primary, _PAGES_DEFAULT)
    months = sorted({*labels(language).months, *_ENGLISH_MONTHS}, key=len, reverse=True)
    month = "|".join(re.escape(m) for m in months)
    page = "|".join(re.escape(p) for p in pages)
    rules = (
        # "p. 3", "pp. 12-14": the number never starts a line on its own.
        re.compile(rf"(?<!\w)({page}) (?=\d)"),
        # "24 November 2026", "24 листопада 2026", "24. November 2026".
        re.compile(rf"\b(\d{{1,2}}\.?) ({month})\b(?: (\d{{4}})\b)?"),
        # "November 24, 2026".
        re.compile(rf"\b({month}) (\d{{1,2}}),? (\d{{4}})\b"),
    )

    def apply(text: str) -> str:
        if " " not in text:
            return text
        text = rules[0].sub(rf"\1{NBSP}", text)
        text = rules[1].sub(_joined, text)
        return rules[2].sub(_joined, text)

    return apply


def _joined(match: re.Match[str]) -> str:
    """A date's match with the spaces between its parts made no-break spaces."""
    return match.group().replace(" ", NBSP)


def bind(text: str, language: str) -> str:
    r"""``text`` with no-break spaces in page references and dates.

    >>> bind("See p. 3 of the 24 November 2026 report.", "en")
    'See p.\xa03 of the 24\xa0November\xa02026 report.'
    """
    return _binder(language)(text)


def smart_text(text: str, language: str, *, quotes: bool = True) -> str:
    """One string (a title, a name, a summary) set as :func:`typeset_pack` sets text.

    ``quotes`` ``False`` leaves quotes straight and only binds (:func:`bind`).
    """
    if quotes:
        text = _Quotes(language).text(text)
        if language.lower().startswith("fr"):
            text = _guillemet_spacing(text)
    return bind(text, language)


@record_methods
@dataclasses.dataclass(frozen=True, slots=True, repr=False, eq=False)
class _Setter:
    """Sets the text of one article's nodes in its ``language``."""

    language: str
    quotes: bool

    def string(self, text: str | None) -> str | None:
        return None if text is None else smart_text(text, self.language, quotes=self.quotes)

    def runs(self, nodes: tuple[Inline, ...]) -> tuple[Inline, ...]:
        """One paragraph's (heading's, item's, cell's) inlines, quotes decided across runs."""
        state = _Quotes(self.language if self.quotes else None)
        return self._inlines(nodes, state)

    def _inlines(self, nodes: tuple[Inline, ...], state: _Quotes) -> tuple[Inline, ...]:
        out: list[Inline] = []
        for node in nodes:
            match node:
                case Text(text=text):
                    text = state.text(text)
                    if self.quotes and self.language.lower().startswith("fr"):
                        text = _guillemet_spacing(text)
                    out.append(Text(bind(text, self.language)))
                case Code(text=text):
                    state.literal(text)
                    out.append(node)
                case LineBreak():
                    state.literal("\n")
                    out.append(node)
                case Emphasis(children=children):
                    out.append(Emphasis(self._inlines(children, state)))
                case Strong(children=children):
                    out.append(Strong(self._inlines(children, state)))
                case Strikethrough(children=children):
                    out.append(Strikethrough(self._inlines(children, state)))
                case Link(url=url, children=children):
                    if _shows_address(url, children):
                        # The address as its own text: it must read exactly as it links.
                        for child in children:
                            if isinstance(child, Text | Code):
                                state.literal(child.text)
                        out.append(node)
                    else:
                        out.append(Link(url, self._inlines(children, state)))
                case Note(blocks=blocks):
                    # A note's mark sits between the words around it; its text is its own.
                    out.append(Note(tuple(self.block(b) for b in blocks)))
        return tuple(out)

    def block(self, block: Block) -> Block:
        match block:
            case Heading(level=level, children=children):
                return Heading(level, self.runs(children))
            case Paragraph(children=children):
                return Paragraph(self.runs(children))
            case Quote(paragraphs=paragraphs, attribution=attribution):
                return Quote(
                    tuple(Paragraph(self.runs(p.children)) for p in paragraphs),
                    self.runs(attribution),
                )
            case BulletList() | OrderedList():
                return self._list(block)
            case Table(header=header, rows=rows, align=align):
                return Table(
                    tuple(self.runs(cell) for cell in header),
                    tuple(tuple(self.runs(cell) for cell in row) for row in rows),
                    align,
                )
            case Figure(src=src, alt=alt, path=path):
                return Figure(src, self.string(alt) or "", path)
            case CodeBlock() | ThematicBreak():
                return block

    def _list(self, block: BulletList | OrderedList) -> BulletList | OrderedList:
        items = tuple(self.runs(item) for item in block.items)
        subs = tuple((index, self._list(sub)) for index, sub in block.sublists)
        return dataclasses.replace(block, items=items, sublists=subs)

    def meta(self, meta: ArticleMeta) -> ArticleMeta:
        return dataclasses.replace(
            meta,
            title=self.string(meta.title) or "",
            subtitle=self.string(meta.subtitle),
            authors=tuple(self.string(a) or "" for a in meta.authors),
            source=self.string(meta.source),
            summary=self.string(meta.summary),
        )


def _shows_address(url: str, children: tuple[Inline, ...]) -> bool:
    """Whether a link's text is an address (its own, or any written-out one)."""
    text = "".join(c.text for c in children if isinstance(c, Text | Code)).strip()
    return bool(text) and (text == url.strip() or _URL.fullmatch(text) is not None)


def typeset_article(article: Article, *, quotes: bool = True) -> Article:
    """``article`` with its text set typographically (see the module's docstring).

    ``quotes`` ``False`` keeps quotes as typed and only adds no-break spaces.
    """
    setter = _Setter(article.meta.language, quotes)
    return Article(
        setter.meta(article.meta),
        tuple(setter.block(block) for block in article.blocks),
        article.timestamp,
    )


def typeset_pack(pack: Pack, *, quotes: bool = True) -> Pack:
    """``pack`` with the text of its articles, summaries and cover details set typographically.

    The classification marking is left exactly as given: it must read as its owner wrote it.
    """
    language = pack.meta.language

    def cover(text: str | None) -> str | None:
        return None if text is None else smart_text(text, language, quotes=quotes)

    meta: PackMeta = dataclasses.replace(
        pack.meta,
        title=cover(pack.meta.title) or "",
        subtitle=cover(pack.meta.subtitle),
        prepared_by=cover(pack.meta.prepared_by),
        prepared_for=cover(pack.meta.prepared_for),
    )
    articles = tuple(
        dataclasses.replace(
            entry,
            article=typeset_article(entry.article, quotes=quotes),
            summary=smart_text(entry.summary, entry.article.meta.language, quotes=quotes),
        )
        for entry in pack.articles
    )
    return Pack(meta, articles, pack.layout)
