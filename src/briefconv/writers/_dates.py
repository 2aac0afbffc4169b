"""The one date a document carries, chosen without ever reading the clock.

Order: the article's own ``date`` when it parses; else ``SOURCE_DATE_EPOCH`` (the
reproducible-builds convention); else the source file's modification time; else
1980-01-01, the earliest date a zip file can hold.
"""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime

from briefconv.model import Article, Pack

__all__ = ["document_datetime", "pack_datetime", "parse_date"]

_FALLBACK = datetime(1980, 1, 1, tzinfo=UTC)
_MONTHS = {
    m: i
    for i, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for m in names
}
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?")
_DMY = re.compile(r"^(\d{1,2})\s+([A-Za-z]+)\.?,?\s+(\d{4})$")
_MDY = re.compile(r"^([A-Za-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})$")


def parse_date(text: str) -> datetime | None:
    """Parse the common ways articles write dates; ``None`` if it is none of them.

    >>> parse_date("3 June 2025").date().isoformat()
    '2025-06-03'
    >>> parse_date("June 3, 2025").date().isoformat()
    '2025-06-03'
    """
    text = text.strip()
    try:
        if m := _ISO.match(text):
            y, mo, d, hh, mm, ss = m.groups()
            return datetime(
                int(y), int(mo), int(d), int(hh or 0), int(mm or 0), int(ss or 0), tzinfo=UTC
            )
        if m := _DMY.match(text):
            d, month, y = m.groups()
            if month.lower() in _MONTHS:
                return datetime(int(y), _MONTHS[month.lower()], int(d), tzinfo=UTC)
        if m := _MDY.match(text):
            month, d, y = m.groups()
            if month.lower() in _MONTHS:
                return datetime(int(y), _MONTHS[month.lower()], int(d), tzinfo=UTC)
    except ValueError:  # 31 February and friends
        return None
    return None


def _choose(date: str | None, timestamps: list[int]) -> datetime:
    if date and (parsed := parse_date(date)):
        return max(parsed, _FALLBACK)
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return max(datetime.fromtimestamp(int(epoch), UTC), _FALLBACK)
    if timestamps:
        return max(datetime.fromtimestamp(max(timestamps), UTC), _FALLBACK)
    return _FALLBACK


def document_datetime(article: Article) -> datetime:
    """The timezone-aware UTC date to stamp into files made from ``article``."""
    timestamps = [article.timestamp] if article.timestamp is not None else []
    return _choose(article.meta.date, timestamps)


def pack_datetime(pack: Pack) -> datetime:
    """The date to stamp into a pack's files: its own date, else as for one article.

    A one-article handout (``pack.cover`` false) is dated like that article; a pack without a
    date takes ``SOURCE_DATE_EPOCH``, else its newest article's source time.
    """
    if not pack.cover and len(pack.articles) == 1:
        return document_datetime(pack.articles[0].article)
    stamps = [e.article.timestamp for e in pack.articles if e.article.timestamp is not None]
    return _choose(pack.meta.date, stamps)
