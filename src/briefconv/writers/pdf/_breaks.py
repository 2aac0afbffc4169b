"""Line breaks a typesetter would accept: hyphens kept in check, display lines balanced.

reportlab breaks a paragraph greedily, taking any soft hyphen (U+00AD) the hyphenator put
in (:func:`._text.hyphenator`) where a line runs out. That gave ladders of three and more
hyphenated lines and a hyphen on a paragraph's last full line ("en-" above a last line of
"gagement."). :func:`discipline_hyphens` looks at the lines reportlab made and, while one
breaks a rule, takes the break points out of the word at fault and breaks the paragraph
again; greedy breaking leaves the lines above a change as they were, so each round fixes
one line for good. The rules:

* no more than two hyphenated line ends in a row;
* no hyphen at the end of a paragraph's last full line (the line before its last).

Only a paragraph with soft hyphens is looked at, and only a paragraph that breaks a rule
is broken again: the cost is a few more breaks of a few paragraphs, never a second layout.

:func:`balanced_lines` is for titles and headings: a display line of two or three lines
set at the narrowest width that keeps its line count, so its lines are of even length
("...Talks Opens in / Istanbul" becomes "...Second Round / of Talks Opens in Istanbul").
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reportlab.platypus.paragraph import split as rl_split

__all__ = ["balanced_lines", "discipline_hyphens", "hyphen_ends"]

_SOFT_HYPHEN = "\u00ad"
#: Hyphenated line ends allowed in a row.
_MAX_LADDER = 2
#: Rounds of re-breaking one paragraph before every break point is taken out at once.
_MAX_ROUNDS = 40
#: Display lines balanced: two or three lines (one line needs nothing; more is a paragraph).
_BALANCED_LINES = (2, 3)
#: Bisection steps for the balanced width: the width to within 1/1024 of the line's.
_BALANCE_STEPS = 10


def _frag_text(frag: Any) -> str | None:
    """The text a fragment adds to the paragraph (a line break is a space); ``None``: not text."""
    if hasattr(frag, "lineBreak"):
        return " "
    if hasattr(frag, "cbDefn"):
        return ""
    text = getattr(frag, "text", None)
    return text if isinstance(text, str) else None


def _source_text(frags: list[Any]) -> str | None:
    """The paragraph's text with its soft hyphens; ``None`` for frags already split into words."""
    parts: list[str] = []
    for frag in frags:
        text = _frag_text(frag)
        if text is None:  # a part of a split paragraph holds words, not text: leave it be
            return None
        parts.append(text)
    return "".join(parts)


def _line_texts(bl_para: Any) -> list[str]:
    """The text of each line reportlab made, a hyphen ending a line broken at a soft hyphen."""
    if bl_para.kind == 0:
        return [" ".join(str(w) for w in words) for _, words in bl_para.lines]
    return ["".join(_frag_text(f) or "" for f in line.words) for line in bl_para.lines]


def hyphen_ends(source: str, lines: list[str]) -> list[int] | None:
    r"""For each line, the index of the word broken at a soft hyphen at its end, else -1.

    ``source`` is the paragraph's text with its soft hyphens, ``lines`` the text of each
    line as set (a broken word ends in "-"). Words are counted as reportlab splits them.
    ``None`` if the lines are not the source's words in order (nothing is then changed).

    >>> hyphen_ends("a re\u00adspec\u00adtive b-c word", ["a respec-", "tive b-c", "word"])
    [1, -1, -1]
    """
    words = rl_split(source)
    words = [w for w in words if w]
    ends: list[int] = []
    index, offset = 0, 0  # the word the next token belongs to, letters of it already set
    for line in lines:
        tokens = [t.replace(_SOFT_HYPHEN, "") for t in rl_split(line) if t]
        end = -1
        for position, token in enumerate(tokens):
            if index >= len(words):
                return None
            word = words[index]
            plain = word.replace(_SOFT_HYPHEN, "")
            rest = plain[offset:]
            if token == rest:
                index, offset = index + 1, 0
            elif (
                position == len(tokens) - 1
                and token.endswith("-")
                and rest.startswith(token[:-1])
                and offset + len(token) - 1 in _break_points(word)
            ):
                offset += len(token) - 1
                end = index
            elif rest.startswith(token):  # a word too long for the line, cut without a hyphen
                offset += len(token)
            else:
                return None
        ends.append(end)
    return ends if index == len(words) else None


def _break_points(word: str) -> set[int]:
    """Where a word's soft hyphens stand, as counts of the letters before them."""
    points: set[int] = set()
    letters = 0
    for char in word:
        if char == _SOFT_HYPHEN:
            points.add(letters)
        else:
            letters += 1
    return points


def _word_at_fault(ends: list[int]) -> int | None:
    """The first word whose break breaks a rule (see the module docstring), or ``None``."""
    run = 0
    for end in ends:
        run = run + 1 if end >= 0 else 0
        if run > _MAX_LADDER:
            return end
    if len(ends) >= 2 and ends[-2] >= 0:
        return ends[-2]
    return None


def _unhyphenate(frags: list[Any], word: int) -> None:
    """Take the soft hyphens out of word number ``word`` of the paragraph, in place.

    A word may run over several fragments (a bold part of it, a footnote mark after it).
    """
    count = -1
    in_word = False
    for frag in frags:
        text = _frag_text(frag)
        if not text:  # an image or a callback: no letters, the word goes on
            continue
        kept: list[str] = []
        for char in text:
            if not rl_split(char):  # a space reportlab breaks at (a line break is one)
                in_word = False
            elif not in_word:
                in_word = True
                count += 1
            if not (char == _SOFT_HYPHEN and count == word):
                kept.append(char)
        if len(kept) != len(text):
            frag.text = "".join(kept)


def _strip_all(frags: list[Any]) -> None:
    """Take every soft hyphen out of the paragraph."""
    for frag in frags:
        text = _frag_text(frag)
        if text and _SOFT_HYPHEN in text:
            frag.text = text.replace(_SOFT_HYPHEN, "")


def discipline_hyphens(frags: list[Any], bl_para: Any, break_lines: Callable[[], Any]) -> Any:
    """``bl_para`` (reportlab's lines of ``frags``), or the lines once no rule is broken.

    ``break_lines`` breaks ``frags`` again; the words at fault lose their soft hyphens in
    ``frags`` itself, so a later wrap or split of the paragraph sees the same lines.
    """
    source = _source_text(frags)
    if source is None or _SOFT_HYPHEN not in source:
        return bl_para
    for _ in range(_MAX_ROUNDS):
        ends = hyphen_ends(source, _line_texts(bl_para))
        word = None if ends is None else _word_at_fault(ends)
        if word is None:
            return bl_para
        _unhyphenate(frags, word)
        bl_para = break_lines()
        source = _source_text(frags) or ""
    _strip_all(frags)
    return break_lines()


def balanced_lines(width: float, break_at: Callable[[float], Any]) -> tuple[Any, float] | None:
    """The lines of a 2- or 3-line display paragraph at the narrowest width keeping its count.

    ``break_at(w)`` breaks the paragraph into lines ``w`` points wide (reportlab's
    ``ParaLines``). Returns those lines and how much narrower than ``width`` they were set,
    or ``None`` when there is nothing to balance (one line, or more than three).
    """
    lines = break_at(width)
    count = len(lines.lines)
    if count not in _BALANCED_LINES:
        return None
    low, high = width / (count + 1), width  # high keeps the count; low cannot
    for _ in range(_BALANCE_STEPS):
        middle = (low + high) / 2
        if len(break_at(middle).lines) == count:
            high = middle
        else:
            low = middle
    if high >= width:
        return None
    return break_at(high), width - high
