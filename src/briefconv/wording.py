"""Every word a document prints, in the document's language, and the rules for printing it.

Writers never spell out fixed words ("Page 1 of 3", "By", "Untitled", "[Image: ...]",
month names): they ask this module, so a Ukrainian handout is worded exactly as a
Ukrainian pack, in every format. Languages without a table here fall back to English.

>>> labels("uk").page_of.format(page=1, pages=3)
'Сторінка 1 з 3'
>>> one_line("  Talks  resume ")
'Talks resume'
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from briefconv._records import record_methods
from briefconv.dates import parse_date
from briefconv.model import ArticleMeta, Inline, Link, Pack, PackArticle, Text

_log = logging.getLogger("briefconv")

__all__ = [
    "ATTRIBUTION_DASH",
    "BYLINE_SEPARATOR",
    "NBSP",
    "NO_BREAK_SPACES",
    "CoverText",
    "Labels",
    "byline",
    "cover_text",
    "entry_details",
    "image_text",
    "join_names",
    "labels",
    "long_date",
    "one_line",
    "untitled",
]

#: Between the byline's parts: "By A · Example News · 2 June 2025".
BYLINE_SEPARATOR = " · "
#: Before a quote's attribution: "— Name".
ATTRIBUTION_DASH = "— "
#: No-break space: between the parts of a date or a reading time, which never break.
NBSP = "\u00a0"


#: Spaces that forbid a line break: no-break, figure and narrow no-break space.
NO_BREAK_SPACES = "\u00a0\u2007\u202f"
# Runs of white space that may break a line (str.split() would take the no-break ones too).
_BREAKING_SPACE = re.compile(f"[^\\S{NO_BREAK_SPACES}]+")


def one_line(text: str) -> str:
    r"""``text`` with every run of white space (line breaks included) made one space, trimmed.

    Titles, names and outlets print on one line in headers, bylines and contents entries:
    a line break inside them is noise from the source. A no-break space is kept: it says
    where a line must not break ("26\u00a0November\u00a02026", "3\u00a0min\u00a0read").

    >>> one_line(" 26\u00a0November \n 2026 ")
    '26\xa0November 2026'
    """
    return _BREAKING_SPACE.sub(" ", text).strip()


@record_methods
@dataclass(frozen=True, slots=True, repr=False, eq=False)
class Labels:
    """The fixed words a document prints, in one language."""

    in_this_pack: str
    prepared_by: str
    prepared_for: str
    articles: str  # "{n} articles"
    article: str  # "{n} article"
    min_read: str  # "{n} min read"
    total_reading: str  # "about {n} minutes’ reading": a pack's reading time

    page_of: str  # "Page {page} of {pages}"
    months: tuple[str, ...]
    by: str  # "By {names}": one author
    by_many: str  # "By {names}": several authors
    and_: str  # " and ": between the last two names
    untitled: str  # a document or article with no title
    image: str  # "[Image: {alt}]": an image that cannot be shown
    image_no_alt: str  # "[Image]": the same, with no description
    section: str  # "Section {n}": a bookmark for a heading with no words
    notes: str  # the heading over an article's footnotes
    note: str  # "Note {n}": a footnote mark, spoken or shown as a tooltip
    back: str  # "Back to the text": the link from a note to its mark
    done: str  # a ticked task-list item, spoken ("done")
    not_done: str  # an unticked task-list item, spoken ("not done")
    date: str  # "Date": a label of the cover's details
    classification: str  # "Classification": another
    reference: str  # "Reference": the pack's reference number, another
    total_reading_one: str  # "about {n} minute’s reading": total_reading for 1 minute

    def __post_init__(self) -> None:
        # A reading time never breaks across lines ("2 min / read" in a narrow column):
        # its spaces are no-break spaces, and a total's number stays with its unit.
        object.__setattr__(self, "min_read", self.min_read.replace(" ", NBSP))
        object.__setattr__(self, "total_reading", self.total_reading.replace("{n} ", "{n}" + NBSP))


_LABELS: dict[str, Labels] = {
    "en": Labels(
        "In this pack",
        "Prepared by",
        "Prepared for",
        "{n} articles",
        "{n} article",
        "{n}\u00a0min\u00a0read",
        # Not "6 min reading in all" (issue 16): a cover speaks in words.
        "about {n}\u00a0minutes’ reading",
        "Page {page} of {pages}",
        (
            "January", "February", "March", "April", "May", "June", "July",
            "August", "September", "October", "November", "December",
        ),
        "By {names}",
        "By {names}",
        " and ",
        "Untitled",
        "[Image: {alt}]",
        "[Image]",
        "Section {n}",
        "Notes",
        "Note {n}",
        "Back to the text",
        "done",
        "not done",
        "Date",
        "Classification",
        "Reference",
        "about {n} minute’s reading",
    ),
    "uk": Labels(
        "У цьому пакеті",
        "Підготував",
        "Для",
        "{n} статей",
        "{n} стаття",
        "{n}\u00a0хв\u00a0читання",
        "{n}\u00a0хв читання загалом",
        "Сторінка {page} з {pages}",
        (
            "січня", "лютого", "березня", "квітня", "травня", "червня", "липня",
            "серпня", "вересня", "жовтня", "листопада", "грудня",
        ),
        "Автор: {names}",
        "Автори: {names}",
        " та ",  # not "і", which Ukrainian euphony turns into "й" between vowels
        "Без назви",
        "[Зображення: {alt}]",
        "[Зображення]",
        "Розділ {n}",
        "Примітки",
        "Примітка {n}",
        "Повернутися до тексту",
        "виконано",
        "не виконано",
        "Дата",
        "Гриф",
        "Номер",
        "{n} хв читання загалом",
    ),
    "ru": Labels(
        "В этом пакете",
        "Подготовил",
        "Для",
        "{n} статей",
        "{n} статья",
        "{n}\u00a0мин\u00a0чтения",
        "{n}\u00a0мин чтения всего",
        "Страница {page} из {pages}",
        (
            "января", "февраля", "марта", "апреля", "мая", "июня", "июля",
            "августа", "сентября", "октября", "ноября", "декабря",
        ),
        "Автор: {names}",
        "Авторы: {names}",
        " и ",
        "Без названия",
        "[Изображение: {alt}]",
        "[Изображение]",
        "Раздел {n}",
        "Примечания",
        "Примечание {n}",
        "Вернуться к тексту",
        "выполнено",
        "не выполнено",
        "Дата",
        "Гриф",
        "Номер",
        "{n} мин чтения всего",
    ),
    "el": Labels(
        "Σε αυτό το πακέτο",
        "Προετοιμασία",
        "Για",
        "{n} άρθρα",
        "{n} άρθρο",
        "{n}\u00a0λεπτά\u00a0ανάγνωσης",
        "{n}\u00a0λεπτά ανάγνωσης συνολικά",
        "Σελίδα {page} από {pages}",
        (
            "Ιανουαρίου", "Φεβρουαρίου", "Μαρτίου", "Απριλίου", "Μαΐου", "Ιουνίου",
            "Ιουλίου", "Αυγούστου", "Σεπτεμβρίου", "Οκτωβρίου", "Νοεμβρίου", "Δεκεμβρίου",
        ),
        "Συντάκτης: {names}",
        "Συντάκτες: {names}",
        " και ",
        "Χωρίς τίτλο",
        "[Εικόνα: {alt}]",
        "[Εικόνα]",
        "Ενότητα {n}",
        "Σημειώσεις",
        "Σημείωση {n}",
        "Επιστροφή στο κείμενο",
        "ολοκληρώθηκε",
        "εκκρεμεί",
        "Ημερομηνία",
        "Διαβάθμιση",
        "Αριθμός αναφοράς",
        "{n} λεπτό ανάγνωσης συνολικά",
    ),
    "fr": Labels(
        "Dans ce dossier",
        "Préparé par",
        "Préparé pour",
        "{n} articles",
        "{n} article",
        "{n}\u00a0min\u00a0de\u00a0lecture",
        "{n}\u00a0min de lecture au total",
        "Page {page} sur {pages}",
        (
            "janvier", "février", "mars", "avril", "mai", "juin", "juillet",
            "août", "septembre", "octobre", "novembre", "décembre",
        ),
        "Par {names}",
        "Par {names}",
        " et ",
        "Sans titre",
        "[Image : {alt}]",
        "[Image]",
        "Section {n}",
        "Notes",
        "Note {n}",
        "Retour au texte",
        "fait",
        "à faire",
        "Date",
        "Classification",
        "Référence",
        "{n} min de lecture au total",
    ),
    "de": Labels(
        "In diesem Paket",
        "Erstellt von",
        "Erstellt für",
        "{n} Artikel",
        "{n} Artikel",
        "{n}\u00a0Min.\u00a0Lesezeit",
        "{n}\u00a0Min. Lesezeit insgesamt",
        "Seite {page} von {pages}",
        (
            "Januar", "Februar", "März", "April", "Mai", "Juni", "Juli",
            "August", "September", "Oktober", "November", "Dezember",
        ),
        "Von {names}",
        "Von {names}",
        " und ",
        "Ohne Titel",
        "[Bild: {alt}]",
        "[Bild]",
        "Abschnitt {n}",
        "Anmerkungen",
        "Anmerkung {n}",
        "Zurück zum Text",
        "erledigt",
        "offen",
        "Datum",
        "Einstufung",
        "Aktenzeichen",
        "{n} Min. Lesezeit insgesamt",
    ),
}  # fmt: skip


def labels(language: str) -> Labels:
    """The fixed words in ``language`` (a BCP 47 tag), English if not translated."""
    return _LABELS.get(language.split("-")[0].lower(), _LABELS["en"])


def untitled(title: str, language: str) -> str:
    """``title`` on one line, or the language's word for "Untitled" if it is empty."""
    return one_line(title) or labels(language).untitled


def image_text(alt: str, language: str) -> str:
    """What is printed for an image that cannot be shown: "[Image: alt]" or "[Image]".

    >>> image_text("A map", "de"), image_text(" ", "en")
    ('[Bild: A map]', '[Image]')
    """
    words = labels(language)
    return words.image.format(alt=alt) if alt.strip() else words.image_no_alt


def long_date(text: str | None, language: str) -> str | None:
    r"""A date written out in ``language``: "2026-11-26" -> "26 November 2026".

    Its parts are joined by no-break spaces (:data:`NBSP`): a date never breaks across
    lines. German puts a full stop after the day, French writes the first as "1er". Dates
    that do not parse are returned as written.

    >>> long_date("2026-11-26", "en"), long_date("2026-11-26", "uk")
    ('26\xa0November\xa02026', '26\xa0листопада\xa02026')
    >>> long_date("2026-11-01", "fr"), long_date("2026-11-01", "de")
    ('1er\xa0novembre\xa02026', '1.\xa0November\xa02026')
    """
    if not text:
        return None
    parsed = parse_date(text)
    if parsed is None:
        return text
    month = labels(language).months[parsed.month - 1]
    primary = language.split("-")[0].lower()
    day = f"{parsed.day}." if primary == "de" else str(parsed.day)
    if primary == "fr" and parsed.day == 1:
        day = "1er"  # "le premier": French writes the first of a month as an ordinal
    return NBSP.join((day, month, str(parsed.year)))


def join_names(names: tuple[str, ...] | list[str], language: str = "en") -> str:
    """Join names as "A", "A and B" or "A, B and C", with ``language``'s "and".

    >>> join_names(("A", "B", "C")), join_names(("А", "Б"), "uk")
    ('A, B and C', 'А та Б')
    """
    names = list(names)
    and_ = labels(language).and_
    if len(names) <= 2:
        return and_.join(names)
    return ", ".join(names[:-1]) + and_ + names[-1]


def byline(meta: ArticleMeta, extra: tuple[str, ...] = ()) -> tuple[Inline, ...]:
    """The byline as inlines, in the article's language: authors, the source, the date.

    The date is written out (:func:`long_date`).

    The source is linked to the article's URL. ``extra`` parts follow, e.g. a pack's
    reading time ("4 min read"). Parts the article does not give are left out; no parts
    give an empty tuple. Writers render the link like any other, so an unsafe URL is
    never live.

    >>> from briefconv.model import plain_text
    >>> plain_text(byline(ArticleMeta("T", authors=("A", "B"), source="Wire", date="2 June")))
    'By A and B · Wire · 2 June'
    >>> plain_text(byline(ArticleMeta("T", authors=("Олена Коваль",), language="uk")))
    'Автор: Олена Коваль'
    """
    words = labels(meta.language)
    parts: list[Inline] = []
    authors = [name for name in map(one_line, meta.authors) if name]
    if authors:
        template = words.by if len(authors) == 1 else words.by_many
        parts.append(Text(template.format(names=join_names(authors, meta.language))))
    source = one_line(meta.source or "")
    if source:
        parts.append(Link(meta.url, (Text(source),)) if meta.url else Text(source))
    elif meta.url:
        parts.append(Link(meta.url, (Text(one_line(meta.url)),)))
    # Written out in the article's language ("2021-09-09T10:00:00Z" -> "9 September
    # 2021"); a date that does not parse is printed as the article gives it.
    date = one_line(long_date(meta.date, meta.language) or "")
    if date:
        parts.append(Text(date))
    parts.extend(Text(one_line(e)) for e in extra if one_line(e))
    out: list[Inline] = []
    for part in parts:
        if out:
            out.append(Text(BYLINE_SEPARATOR))
        out.append(part)
    return tuple(out)


@record_methods
@dataclass(frozen=True, slots=True, repr=False, eq=False)
class CoverText:
    """The cover's words, worded once for every writer; ``None`` parts are left out.

    Every format lays them out alike (issue 16): an identity band naming ``identity``,
    the title about a third of the way down, the subtitle, a table of ``details`` (each a
    label and its value: date, prepared for, prepared by, classification, reference, those
    the pack gives), and in the lower third ``contents`` over ``entries`` (each article's
    title and reading time) and the ``summary`` line. The classification is one of the
    details; it is the marking only at the page's edges.
    """

    title: str
    subtitle: str | None
    identity: str | None  # the issuing unit, for the identity band: "Policy Analysis Unit"
    details: tuple[tuple[str, str], ...]  # ("Date", "26 November 2026"), ...
    contents: str  # "In this pack"
    entries: tuple[tuple[str, str], ...]  # ("Talks resume in Istanbul", "3 min read"), ...
    summary: str  # "3 articles · about 6 minutes' reading"
    date: str | None  # written out: "26 November 2026"
    classification: str | None


#: The most characters a cover shows of one detail: a cover is one page, and laying out a
#: 100,000-character title across many took reportlab quadratic time.
COVER_MAX = 1000


_cover_warned: set[tuple[str, str]] = set()


def _on_cover(value: str | None, what: str) -> str | None:
    """``value`` as the cover shows it: cut at :data:`COVER_MAX` characters, saying so."""
    if value is None or len(value) <= COVER_MAX:
        return value
    if (what, value) in _cover_warned:  # every format asks; say it once
        return value[: COVER_MAX - 1].rstrip() + "…"
    _cover_warned.add((what, value))
    _log.warning(
        "the pack's %s has %d characters; the cover shows the first %d (the document's "
        "properties hold it whole)",
        what,
        len(value),
        COVER_MAX,
    )
    return value[: COVER_MAX - 1].rstrip() + "…"


def cover_text(pack: Pack) -> CoverText:
    r"""What the cover says, in the pack's language; very long details cut, with a warning.

    >>> from briefconv.model import Article, ArticleMeta, PackMeta
    >>> from briefconv.pack import make_pack
    >>> meta = PackMeta("Brief", date="2026-11-26", prepared_by="Unit", reference="R/1")
    >>> cover = cover_text(make_pack([Article(ArticleMeta("Talks"), ())], meta))
    >>> cover.details
    (('Date', '26\xa0November\xa02026'), ('Prepared by', 'Unit'), ('Reference', 'R/1'))
    >>> cover.entries, cover.summary
    ((('Talks', '1\xa0min\xa0read'),), '1 article · about 1 minute’s reading')
    """
    meta, words = pack.meta, labels(pack.meta.language)
    count = len(pack.articles)
    total = sum(entry.minutes for entry in pack.articles)
    counted = (words.article if count == 1 else words.articles).format(n=count)
    reading = (words.total_reading_one if total == 1 else words.total_reading).format(n=total)
    date = long_date(meta.date, meta.language)
    prepared_by = _on_cover(meta.prepared_by, "'prepared by'")
    classification = _on_cover(meta.classification, "classification")
    details = (
        (words.date, date),
        (words.prepared_for, _on_cover(meta.prepared_for, "'prepared for'")),
        (words.prepared_by, prepared_by),
        (words.classification, classification),
        (words.reference, _on_cover(meta.reference, "reference")),
    )
    shown = [(label, one_line(value or "")) for label, value in details]
    entries = tuple(
        (
            _on_cover(untitled(e.article.meta.title, e.article.meta.language), "article title")
            or "",
            words.min_read.format(n=e.minutes),
        )
        for e in pack.articles
    )
    return CoverText(
        title=_on_cover(meta.title, "title") or "",
        subtitle=_on_cover(meta.subtitle, "subtitle"),
        identity=one_line(prepared_by or "") or None,
        details=tuple((label, value) for label, value in shown if value),
        contents=words.in_this_pack,
        entries=entries,
        summary=f"{counted} · {reading}",
        date=date,
        classification=classification,
    )


def entry_details(entry: PackArticle, language: str) -> str:
    """The contents line under an article's title: "Example News · 3 June 2025 · 3 min read"."""
    meta = entry.article.meta
    parts = [p for p in (meta.source, long_date(meta.date, language)) if p]
    parts.append(labels(language).min_read.format(n=entry.minutes))
    return " · ".join(one_line(p) for p in parts)
