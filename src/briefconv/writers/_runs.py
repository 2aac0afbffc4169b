"""Flatten nested inline nodes into styled runs, the shape every writer renders."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import assert_never

from briefconv.model import (
    Code,
    Emphasis,
    Inline,
    LineBreak,
    Link,
    Note,
    Strikethrough,
    Strong,
    Text,
)
from briefconv.styles import Style

__all__ = ["Run", "emphasised", "escape_markup", "flatten", "mark_floor"]


def escape_markup(text: str, *, quote: bool = False) -> str:
    """``text`` with ``&``, ``<`` and ``>`` (and with ``quote``, ``"``) as entities.

    The escaping every markup a writer makes needs (reportlab's paragraph markup, XHTML,
    XMP), written out rather than imported: ``xml.sax.saxutils`` pulls in ``urllib.request``
    and ``http.client``, and ``html`` a table of 2,231 entity names escaping never reads.

    >>> escape_markup('<a href="x">Tom & Jerry</a>', quote=True)
    '&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&lt;/a&gt;'
    """
    # "&" first, so the entities made after it are not escaped again.
    text = text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")
    return text.replace('"', "&quot;") if quote else text


@dataclass(frozen=True, slots=True)
class Run:
    """A piece of text with the formatting that applies to all of it."""

    text: str
    bold: bool = False
    italic: bool = False
    url: str | None = None
    code: bool = False  # set in the monospaced face
    line_break: bool = False  # a hard line break; ``text`` is "\n"
    strike: bool = False  # struck out (shown deleted)
    note: Note | None = None  # a footnote's reference mark stands here; ``text`` is ""


def flatten(
    inlines: tuple[Inline, ...],
    *,
    bold: bool = False,
    italic: bool = False,
    url: str | None = None,
    strike: bool = False,
) -> list[Run]:
    """Turn nested inlines into a flat list of runs, merging neighbours that look alike.

    >>> runs = flatten((Text("a "), Strong((Text("b"), Emphasis((Text("c"),))))))
    >>> [(r.text, r.bold, r.italic) for r in runs]
    [('a ', False, False), ('b', True, False), ('c', True, True)]
    """
    runs: list[Run] = []
    for node in inlines:
        match node:
            case Text(text=text):
                if text:
                    runs.append(Run(text, bold, italic, url, strike=strike))
            case Emphasis(children=children):
                runs.extend(flatten(children, bold=bold, italic=True, url=url, strike=strike))
            case Strong(children=children):
                runs.extend(flatten(children, bold=True, italic=italic, url=url, strike=strike))
            case Link(url=link_url, children=children):
                # A link inside a link cannot be represented anywhere: the outer one wins.
                runs.extend(
                    flatten(children, bold=bold, italic=italic, url=url or link_url, strike=strike)
                )
            case Code(text=text):
                if text:
                    runs.append(Run(text, bold, italic, url, code=True, strike=strike))
            case LineBreak():
                runs.append(Run("\n", bold, italic, url, line_break=True))
            case Strikethrough(children=children):
                runs.extend(flatten(children, bold=bold, italic=italic, url=url, strike=True))
            case Note():
                # The mark is never part of a link: a reader follows it to the note instead.
                runs.append(Run("", note=node))
            case _:
                assert_never(node)
    merged: list[Run] = []
    for run in runs:
        last = merged[-1] if merged else None
        if (
            last
            and not last.line_break
            and not run.line_break
            and last.note is None
            and run.note is None
            and (last.bold, last.italic, last.url, last.code, last.strike)
            == (run.bold, run.italic, run.url, run.code, run.strike)
        ):
            merged[-1] = Run(
                last.text + run.text, run.bold, run.italic, run.url, run.code, strike=run.strike
            )
        else:
            merged.append(run)
    return merged


def emphasised(runs: Iterable[Run], emphasis: str) -> list[Run]:
    """``runs`` with emphasis set as the style says: slanted (as flattened), or ``"bold"``.

    With ``"bold"`` (a style's ``emphasis``, for large print) an italic run becomes a bold
    upright one, so no writer draws a slanted face.

    >>> [(r.bold, r.italic) for r in emphasised([Run("a", italic=True), Run("b")], "bold")]
    [(True, False), (False, False)]
    """
    if emphasis != "bold":
        return list(runs)
    return [replace(run, bold=True, italic=False) if run.italic else run for run in runs]


def mark_floor(style: Style) -> float | None:
    """The smallest size a footnote's mark may be drawn at in ``style``, or ``None``.

    Writers draw a mark as a smaller superscript (reportlab 2 pt smaller, Word about a
    third). In a style whose every role is at least the body's size (large print: UKAAF
    asks that nothing be smaller than the body), that would be the only small text on the
    page, so the mark is never smaller than the smallest role. Other styles: ``None``, the
    usual superscripts.

    >>> from briefconv.styles import load_style
    >>> mark_floor(load_style("default")), mark_floor(load_style("large-print"))
    (None, 18.0)
    """
    smallest = min(role.size for role in style.roles.values())
    return smallest if smallest >= style.role("body").size else None
