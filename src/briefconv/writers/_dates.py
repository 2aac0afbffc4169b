"""The one date a document carries, chosen without ever reading the clock.

Order: the article's own ``date`` when it parses; else ``SOURCE_DATE_EPOCH`` (the
reproducible-builds convention); else the source file's modification time; else
1980-01-01, the earliest date a zip file can hold.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime

from briefconv.dates import parse_date
from briefconv.model import Article, Pack

__all__ = ["document_datetime", "pack_datetime"]

_FALLBACK = datetime(1980, 1, 1, tzinfo=UTC)


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

    A pack without a date takes ``SOURCE_DATE_EPOCH``, else its newest article's source
    time; a handout carries its article's date (:func:`briefconv.pack.handout`), so it is
    dated exactly as that article.
    """
    stamps = [e.article.timestamp for e in pack.articles if e.article.timestamp is not None]
    return _choose(pack.meta.date, stamps)
