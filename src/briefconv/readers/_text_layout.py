"""Lines into units for the plain-text reader: where a paragraph, list item or line ends.

A plain-text article is blocks of lines separated by blank lines, or one paragraph per
line. Inside a block a line break is either *soft*, made by hard-wrapping (the line is
joined to the one before), or *hard*, written by the author (a new unit starts: a list
item, a short line of a fact box, a heading over its paragraph). This module decides
which, and nothing else; :mod:`briefconv.readers.text` classifies the units.

Wrapping is detected once per document, from the line lengths: greedy wrapping at width
``W`` (what editors, mail programs and :mod:`textwrap` do) breaks a line only where the
next word would not fit, so ``len(line) + 1 + len(next word) > W`` holds at every soft
break. :func:`wrap_width` finds the ``W`` at which most breaks fit that rule; the
document counts as wrapped only if fewer lines run past it than breaks fit it, and some
wrapped line continues a sentence in lowercase (fact boxes of lines of similar lengths
otherwise look wrapped). A break is then soft exactly when the rule holds, so re-wrapping
a paragraph at another width never changes what it reads as: a wrapped line that happens
to start with ``2010.``, ``- `` or ``by`` continues its paragraph.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from itertools import pairwise

from briefconv._records import record_methods

__all__ = [
    "NAME_PARTICLES",
    "Line",
    "Unit",
    "ends_sentence",
    "is_byline",
    "list_item",
    "split_units",
    "word_set",
    "wrap_width",
]

# Wrap widths considered: narrower is a column of one or two words, wider is not wrapping.
_MIN_WIDTH = 30
_MAX_WIDTH = 120
# Closing marks that may follow a sentence's final punctuation: `...war.”` ends a sentence.
_CLOSERS = "”’\"'»)]"


@record_methods
@dataclass(frozen=True, slots=True, repr=False, eq=False)
class Line:
    """A non-blank line: its number, its text (stripped) and its width in columns."""

    number: int
    text: str
    width: int
    indent: int = 0


@record_methods
@dataclass(slots=True, repr=False, eq=False)
class Unit:
    """A paragraph, list item or single line, as found before classification.

    ``text`` is the unit's lines joined by spaces, with any list marker removed (``raw``
    keeps it, for a list item that turns out not to be one); ``block`` numbers the
    blank-line separated block it comes from and ``lines`` counts its lines.
    """

    text: str
    line: int
    block: int
    kind: str = "para"  # "para", "bullet", "number"
    number: int = 0
    marker: str = ""
    raw: str = ""
    lines: int = 1


@cache
def _bullet() -> re.Pattern[str]:
    return re.compile(r"([-*•])\s+(\S.*)")


@cache
def _numbered() -> re.Pattern[str]:
    return re.compile(r"(\d{1,9})[.)]\s+(\S.*)")


@cache
def _byline() -> re.Pattern[str]:
    return re.compile(r"by\s+(\S.*)", re.IGNORECASE)


def list_item(text: str, line: int, block: int) -> Unit | None:
    """A list-item unit if ``text`` starts with a list marker, else ``None``.

    The markers are ``- ``, ``* ``, ``• ``, ``1.`` and ``1)``.

    >>> list_item("2) neutrality", 1, 0).number, list_item("Text", 1, 0)
    (2, None)
    """
    if text[:1] in "-*•" and (m := _bullet().fullmatch(text)):
        return Unit(m.group(2), line, block, "bullet", marker=m.group(1), raw=text)
    if text[:1].isdigit() and (m := _numbered().fullmatch(text)):
        return Unit(m.group(2), line, block, "number", int(m.group(1)), raw=text)
    return None


def ends_sentence(text: str) -> bool:
    """Whether ``text`` ends with a sentence's final punctuation, closing quotes aside.

    >>> ends_sentence("He left.”"), ends_sentence("Key facts"), ends_sentence("Why?")
    (True, False, True)
    """
    stripped = text.rstrip(_CLOSERS)
    return bool(stripped) and stripped[-1] in ".!?…"


def word_set(*groups: str) -> frozenset[str]:
    """The words of space-separated strings, as a set: word lists stay compact in the source.

    >>> sorted(word_set("a b", "c"))
    ['a', 'b', 'c']
    """
    return frozenset(word for group in groups for word in group.split())


# Words that may stand uncapitalised in a byline's names: "By Anna de Souza and Li Wei".
NAME_PARTICLES = word_set(
    "and & de da das do dos di du del della van von der den ten ter la le al el bin ibn y"
)


def is_byline(text: str) -> bool:
    """A short ``By Name[, Name and Name]`` line: capitalised names after "By".

    What follows a comma (a role or a desk) may be in any case; a sentence that starts
    with "By" is not a byline.

    >>> is_byline("By Anna Müller and Jean Dupont"), is_byline("By Ann Lee, energy editor")
    (True, True)
    >>> is_byline("By the numbers"), is_byline("By Friday the talks had resumed")
    (False, False)
    """
    m = _byline().fullmatch(text)
    if m is None or len(text.split()) > 13 or text[-1] in ".!?;:,":
        return False
    names = m.group(1).split(",", 1)[0].split()
    return (
        bool(names)
        and names[0][0].isupper()
        and names[-1][0].isupper()
        and all(w[0].isupper() or w.lower() in NAME_PARTICLES for w in names)
    )


def _first_word(text: str) -> int:
    """Length of the first word: what a greedy wrapper tried to fit on the line before."""
    space = text.find(" ")
    return len(text) if space < 0 else space


def wrap_width(blocks: list[list[Line]]) -> int | None:
    """The width the text is hard-wrapped at, or ``None`` if it is not hard-wrapped.

    Linear in the number of lines: each pair of adjacent lines adds one interval of
    widths at which its break would be soft (``[len(a), len(a) + len(next word)]``), and
    the width covered by most intervals wins.
    """
    size = _MAX_WIDTH + 2
    full = [0] * size  # difference arrays over widths
    lower = [0] * size
    longer = [0] * size  # lines with a space, by width (capped)
    for block in blocks:
        for line in block:
            if " " in line.text:
                longer[min(line.width, _MAX_WIDTH + 1)] += 1
        for a, b in pairwise(block):
            if a.width > _MAX_WIDTH:
                continue
            high = min(a.width + _first_word(b.text), _MAX_WIDTH)
            full[a.width] += 1
            full[high + 1] -= 1
            if b.text[0].islower():
                lower[a.width] += 1
                lower[high + 1] -= 1
    best = best_full = best_lower = 0
    running_full = running_lower = 0
    for width in range(_MAX_WIDTH + 1):
        running_full += full[width]
        running_lower += lower[width]
        # Ties go to the wider: it makes fewer breaks soft.
        if width >= _MIN_WIDTH and running_full and running_full >= best_full:
            best, best_full, best_lower = width, running_full, running_lower
    if not best_full:
        return None
    over = sum(longer[best + 1 :])
    # Wrapped text has more breaks that fit its width than lines longer than it (a headline
    # or list items left unwrapped), and continues sentences in lowercase; unwrapped text
    # has long paragraphs, and a fact box of lines of similar length no lowercase starts.
    if best_lower and best_full > over:
        return best
    return None


def _continues(
    start: Line, prev: Line, line: Line, unit: Unit, width: int | None, first: bool
) -> bool:
    """Whether ``line`` continues ``unit`` or starts a new one.

    ``start`` and ``prev`` are the unit's first and last lines so far; ``first`` says the
    unit is the first of the text (the headline, if it has one).
    """
    text = line.text
    if text[:1] in "-*•" or text[:1].isdigit():
        marked = list_item(text, line.number, unit.block) is not None
        # A marker after a list item starts the next item; after "...as follows:" a list.
        if marked and (unit.kind != "para" or prev.text.endswith(":")):
            return False
    elif unit.kind != "para" and line.indent > start.indent:
        return True  # an indented line under a list item continues the item
    if text[:1] in "—―–-" and prev.text[-1:] in '”»"':
        return False  # an attribution under a quotation
    if first and unit.lines == 1 and is_byline(text):
        return False  # "Headline\nBy Name": the byline under the headline
    if text[0].islower() and not ends_sentence(prev.text) and not prev.text.endswith(":"):
        return True  # a sentence cut short goes on
    if width is None:
        return False
    if prev.width > width:
        # Only a word too long for any line (a URL) runs past the width inside a paragraph.
        return " " not in prev.text
    return prev.width + 1 + _first_word(text) > width


def _broken_at_hyphen(before: str, after: str) -> bool:
    """Whether a wrapper broke a hyphenated word at the end of ``before``.

    >>> _broken_at_hyphen("a long-", "running row"), _broken_at_hyphen("talks -", "which")
    (True, False)
    """
    return len(before) >= 2 and before[-1] == "-" and before[-2].isalpha() and after[0].isalpha()


def split_units(blocks: list[list[Line]], width: int | None) -> list[Unit]:
    """Split blank-line separated blocks of lines into units, joining soft-broken lines."""
    out: list[Unit] = []
    for index, block in enumerate(blocks):
        unit: Unit | None = None
        # The continuation lines of ``unit``, joined once it is complete: adding them one
        # by one would copy a long paragraph once per line.
        tail: list[str] = []
        start = prev = block[0]
        for line in block:
            if unit is not None and _continues(start, prev, line, unit, width, first=len(out) == 1):
                # A word broken after its hyphen ("long-" / "running") is joined whole.
                tail.append("" if _broken_at_hyphen(prev.text, line.text) else " ")
                tail.append(line.text)
                unit.lines += 1
            else:
                _complete(unit, tail)
                unit = list_item(line.text, line.number, index) or Unit(
                    line.text, line.number, index, raw=line.text
                )
                out.append(unit)
                start = line
            prev = line
        _complete(unit, tail)
    return out


def _complete(unit: Unit | None, tail: list[str]) -> None:
    """Add the continuation lines in ``tail`` to ``unit``, and empty ``tail``."""
    if unit is not None and tail:
        rest = "".join(tail)
        unit.text += rest
        unit.raw += rest
        tail.clear()
