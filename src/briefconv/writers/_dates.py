"""The one date a document carries, chosen without ever reading the clock.

Order: the article's own ``date`` when it parses; else ``SOURCE_DATE_EPOCH`` (the
reproducible-builds convention); else the source file's modification time; else
1980-01-01, the earliest date a zip file can hold.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime

from briefconv.dates import parse_date
from briefconv.model import Pack

__all__ = ["pack_datetime"]

_FALLBACK = datetime(1980, 1, 1, tzinfo=UTC)


def pack_datetime(pack: Pack) -> datetime:
    """The timezone-aware UTC date to stamp into a pack's files (a handout is a pack of one).

    The pack's own date when it parses; else ``SOURCE_DATE_EPOCH``; else its newest
    article's source time. A handout carries its article's date
    (:func:`briefconv.pack.handout`), so it is dated exactly as that article.
    """
    if pack.meta.date and (parsed := parse_date(pack.meta.date)):
        return max(parsed, _FALLBACK)
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return max(datetime.fromtimestamp(int(epoch), UTC), _FALLBACK)
    stamps = [e.article.timestamp for e in pack.articles if e.article.timestamp is not None]
    if stamps:
        return max(datetime.fromtimestamp(max(stamps), UTC), _FALLBACK)
    return _FALLBACK
