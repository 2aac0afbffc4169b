"""Front-matter text every writer prints the same way: the byline and the attribution dash."""

from __future__ import annotations

from briefconv.model import ArticleMeta, Inline, Link, Text

__all__ = ["ATTRIBUTION_DASH", "BYLINE_SEPARATOR", "byline", "join_names"]

#: Between the byline's parts: "By A · Example News · 2 June 2025".
BYLINE_SEPARATOR = " · "
#: Before a quote's attribution: "— Name".
ATTRIBUTION_DASH = "— "


def join_names(names: tuple[str, ...] | list[str]) -> str:
    """Join names as "A", "A and B" or "A, B and C".

    >>> join_names(("A", "B", "C"))
    'A, B and C'
    """
    names = list(names)
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def byline(meta: ArticleMeta, extra: tuple[str, ...] = ()) -> tuple[Inline, ...]:
    """The byline as inlines: authors, the source (linked to the article's URL), the date.

    ``extra`` parts follow, e.g. a pack's reading time ("4 min read").

    Parts the article does not give are left out; no parts give an empty tuple. Writers
    render the link like any other, so an unsafe URL is never live.

    >>> from briefconv.model import plain_text
    >>> plain_text(byline(ArticleMeta("T", authors=("A", "B"), source="Wire", date="2 June")))
    'By A and B · Wire · 2 June'
    """

    def line(text: str) -> str:
        # A line break inside a name or outlet is noise in a one-line byline.
        return " ".join(text.split())

    parts: list[Inline] = []
    authors = [name for name in map(line, meta.authors) if name]
    if authors:
        parts.append(Text("By " + join_names(authors)))
    source = line(meta.source or "")
    if source:
        parts.append(Link(meta.url, (Text(source),)) if meta.url else Text(source))
    elif meta.url:
        parts.append(Link(meta.url, (Text(line(meta.url)),)))
    date = line(meta.date or "")
    if date:
        parts.append(Text(date))
    parts.extend(Text(line(e)) for e in extra if line(e))
    out: list[Inline] = []
    for part in parts:
        if out:
            out.append(Text(BYLINE_SEPARATOR))
        out.append(part)
    return tuple(out)
