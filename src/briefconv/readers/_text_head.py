"""What stands under a plain-text headline: bylines, desk lines and datelines.

The plain-text reader (:mod:`briefconv.readers.text`) takes these lines out of the body
into the article's metadata, keeping every word: a byline's names become the authors, a
role or desk after them ("political correspondent", "BBC News, Kyiv") stays with the last
name as written, and a dateline ("14 March 2025", "Rotterdam, 14 March") is the date as
written. Dates are recognised in English, Ukrainian and Greek.
"""

from __future__ import annotations

import re
from functools import cache

from briefconv.readers._text_layout import NAME_PARTICLES, ends_sentence, is_byline, word_set

__all__ = ["byline_authors", "is_dateline", "is_desk_line"]

_MONTHS = word_set(
    "january february march april may june july august september october november december",
    "jan feb mar apr jun jul aug sep sept oct nov dec",
    # Ukrainian and Greek write the day's month in the genitive: "3 червня", "14 Μαρτίου".
    "січня лютого березня квітня травня червня липня серпня вересня жовтня листопада грудня",
    "ιανουαρίου φεβρουαρίου μαρτίου απριλίου μαΐου ιουνίου ιουλίου αυγούστου σεπτεμβρίου",
    "οκτωβρίου νοεμβρίου δεκεμβρίου",
)
_WEEKDAYS = word_set(
    "monday tuesday wednesday thursday friday saturday sunday",
    "mon tue tues wed thu thurs fri sat sun",
    "понеділок вівторок середа четвер п'ятниця пʼятниця субота неділя",
    "δευτέρα τρίτη τετάρτη πέμπτη παρασκευή σάββατο κυριακή",
)
# Labels before a date on a line of its own.
_DATE_LABELS = word_set("published updated posted")
# Words a date line may hold besides the date: a time, its zone, "at".
_TIME_WORDS = word_set("at am pm a.m p.m gmt bst utc cet cest eet eest est edt cst cdt pst pdt msk")
# Words that make a byline part a role or a desk, not a person: "BBC News", "Staff Writer".
_ROLE_WORDS = word_set(
    "correspondent reporter editor writer staff news service agency desk bureau press",
    "producer analyst columnist contributor team",
)


@cache
def _token_kinds() -> re.Pattern[str]:
    # A numeric date (2025-03-14, 14/03/2025, 14.03.2025), an ordinal day, or a time.
    return re.compile(
        r"(?P<numeric>\d{4}-\d{2}-\d{2}|\d{1,2}[./]\d{1,2}[./]\d{2,4})"
        r"|(?P<day>\d{1,2}(?:st|nd|rd|th)?|\d{4})"
        r"|(?P<time>\d{1,2}[:.]\d{2}(?:[ap]\.?m\.?)?|\d{1,2}[ap]\.?m\.?)",
        re.IGNORECASE,
    )


def _is_date(text: str, *, weekday_alone: bool) -> bool:
    """Whether ``text`` is only a date (and perhaps a time): "Tuesday 14 March 2025, 10:32"."""
    tokens = text.replace(",", " ").split()
    if not 0 < len(tokens) <= 8:
        return False
    month = day = numeric = weekday = False
    for token in tokens:
        word = token.casefold().rstrip(".")
        if word in _MONTHS:
            month = True
        elif word in _WEEKDAYS:
            weekday = True
        elif word in _TIME_WORDS:
            pass
        elif m := _token_kinds().fullmatch(word):
            numeric = numeric or m.group("numeric") is not None
            day = day or m.group("day") is not None
        else:
            return False
    return numeric or (month and day) or (weekday_alone and weekday and not day)


def _is_place(text: str) -> bool:
    """One to four capitalised words without digits: "Rotterdam", "LONDON", "New York"."""
    words = text.split()
    return 0 < len(words) <= 4 and all(
        w[0].isupper() and not any(c.isdigit() for c in w) for w in words
    )


def is_dateline(text: str) -> bool:
    """A date, or a place and a date, on a line of its own.

    >>> [is_dateline(t) for t in ("14 March 2025", "Rotterdam, 14 March", "March 14, 2025")]
    [True, True, True]
    >>> is_dateline("Published 2 June 2025"), is_dateline("Last updated: 3 June 2025, 10:00")
    (True, True)
    >>> [is_dateline(t) for t in ("2000 GMT", "Arsenal 2-1 Chelsea", "Athens, Tuesday")]
    [False, False, True]
    """
    if len(text) > 60:
        return False
    # News pages label the date: "Published 14 March 2025", "Last updated: 15 March 2025".
    label, _, rest = text.partition(" ")
    if label.casefold() == "last":
        label, _, rest = rest.partition(" ")
    if label.casefold().rstrip(":") in _DATE_LABELS:
        text = rest
    if _is_date(text, weekday_alone=False):
        return True
    parts = text.split(",")
    for k in (1, 2):
        if (
            len(parts) > k
            and all(_is_place(p) for p in parts[:k])
            and _is_date(",".join(parts[k:]), weekday_alone=True)
        ):
            return True
    return False


def is_desk_line(text: str) -> bool:
    """A role or desk line under a byline: "Political correspondent", "BBC News, Kyiv".

    >>> is_desk_line("BBC News, Kyiv"), is_desk_line("The talks resumed on Monday.")
    (True, False)
    """
    words = text.split()
    return (
        0 < len(words) <= 8
        and len(text) <= 60
        and text[0].isupper()
        and not ends_sentence(text)
        and text[-1] not in ":;,-–—"
        and not is_byline(text)
        and not is_dateline(text)
    )


def _is_name(text: str) -> bool:
    """Whether a byline part reads as a person's name: two to five capitalised words."""
    words = text.split()
    return 2 <= len(words) <= 5 and all(
        (w[0].isupper() or w.lower() in NAME_PARTICLES)
        and not any(c.isdigit() for c in w)
        # An acronym is an organisation ("BBC News"); initials carry full stops ("J.R.").
        and not (len(w) > 1 and w.isupper() and "." not in w)
        and w.casefold() not in _ROLE_WORDS
        for w in words
    )


def _people(part: str) -> list[str]:
    """Names joined by "and", "&" or ";" in one comma-separated part of a byline.

    Split word by word, not with a regular expression: a run of spaces costs no more
    than its length.
    """
    people: list[str] = []
    current: list[str] = []
    for word in part.replace(";", " ; ").split():
        if word in ("and", "&", ";"):
            if current:
                people.append(" ".join(current))
            current = []
        else:
            current.append(word)
    if current:
        people.append(" ".join(current))
    return people


def byline_authors(names: str) -> tuple[str, ...]:
    """The authors in a byline's text (after "By"), a role or desk kept with the last name.

    >>> byline_authors("Anna Müller and Jean Dupont")
    ('Anna Müller', 'Jean Dupont')
    >>> byline_authors("Tom Reddy, political correspondent")
    ('Tom Reddy, political correspondent',)
    >>> byline_authors("Ann Lee, Tom Ng and Li Wei, BBC News")
    ('Ann Lee', 'Tom Ng', 'Li Wei, BBC News')
    """
    parts = [p.strip() for p in names.split(",")]
    authors: list[str] = []
    for k, part in enumerate(parts):
        people = _people(part)
        if authors and not all(_is_name(p) for p in people):
            # Not names: a role, desk or place, which belongs to the byline as written.
            authors[-1] = ", ".join([authors[-1], *parts[k:]])
            break
        authors.extend(people)
    return tuple(authors)
