"""Link URLs as writers may emit them: allow-listed schemes, percent-encoded."""

from __future__ import annotations

import urllib.parse

__all__ = ["SAFE_SCHEMES", "safe_url"]

#: Schemes a link may use in any output; anything else (javascript:, file:, data: ...) is
#: rendered as plain text, never as a live link.
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})

# Characters left as they are when re-quoting: RFC 3986 reserved and unreserved, plus "%"
# so that already-encoded URLs are not encoded twice.
_KEEP = "!#$%&'()*+,/:;=?@[]~-._"


def safe_url(url: str) -> str | None:
    """Return ``url`` percent-encoded for XML/XHTML output, or ``None`` if not allowed.

    >>> safe_url("https://example.org/a b?q=<x>")
    'https://example.org/a%20b?q=%3Cx%3E'
    >>> safe_url("javascript:alert(1)") is None
    True
    """
    url = url.strip()
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in SAFE_SCHEMES:
        return None
    if parts.scheme.lower() != "mailto" and not parts.netloc:
        return None
    quoted = urllib.parse.quote(url, safe=_KEEP)
    # A "%" not followed by two hex digits is not an escape: encode it.
    out = []
    i = 0
    while i < len(quoted):
        ch = quoted[i]
        if ch == "%" and not _is_escape(quoted, i):
            out.append("%25")
        else:
            out.append(ch)
        i += 1
    return "".join(out)


def _is_escape(text: str, i: int) -> bool:
    hexdigits = "0123456789abcdefABCDEF"
    return i + 2 < len(text) and text[i + 1] in hexdigits and text[i + 2] in hexdigits
