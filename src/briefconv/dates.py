"""Reading the dates articles write: "3 June 2025", "June 3, 2025", "2025-06-03".

Also the RFC 2822 dates of feeds and CMS exports ("Tue, 03 Jun 2025 10:00:00 GMT").
:func:`check_date` holds a date someone gives a pack (``--date``, a manifest's ``date``) to
the same forms, whole and real: "2026-13-45" is refused rather than printed on a cover.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

__all__ = ["check_date", "parse_date"]

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
# "Tue, 03 Jun 2025 10:00:00 GMT" (the weekday is optional).
_RFC2822 = re.compile(r"^(?:[A-Za-z]{3},\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{4}\s+\d{2}:\d{2}")


def parse_date(text: str) -> datetime | None:
    """Parse the common ways articles write dates; ``None`` if it is none of them.

    >>> parse_date("3 June 2025").date().isoformat()
    '2025-06-03'
    >>> parse_date("June 3, 2025").date().isoformat()
    '2025-06-03'
    >>> parse_date("Tue, 03 Jun 2025 23:30:00 -0500").isoformat()
    '2025-06-03T23:30:00-05:00'
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
        if _RFC2822.match(text):
            from email.utils import parsedate_to_datetime

            return parsedate_to_datetime(text)
    except (ValueError, TypeError):  # 31 February and friends
        return None
    return None


def check_date(text: str) -> str:
    """``text`` stripped, if it is a real date in a form :func:`parse_date` reads, all of it.

    Otherwise :class:`ValueError` says so, in words for users (the caller names the field).
    Unlike :func:`parse_date`, which takes what it can from an article's metadata, nothing
    may follow an ISO date but a time: "2026-11-26" and "2026-11-26T09:30" pass,
    "2026-11-26x" does not.

    >>> check_date(" 26 November 2026 ")
    '26 November 2026'
    >>> check_date("2026-13-45")
    Traceback (most recent call last):
    ValueError: 2026-13-45 is not a date (expected YYYY-MM-DD)
    """
    text = text.strip()
    if _ISO.match(text):
        try:
            datetime.fromisoformat(text)
        except ValueError:
            pass
        else:
            return text
    elif parse_date(text) is not None:
        return text
    raise ValueError(f"{text} is not a date (expected YYYY-MM-DD)")
