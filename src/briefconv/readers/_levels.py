"""Heading levels that never skip one: what navigation panes and screen readers expect."""

from __future__ import annotations

from collections.abc import Sequence

from briefconv.model import Block, Heading

__all__ = ["no_skipped_levels"]


def no_skipped_levels(blocks: Sequence[Block]) -> list[Block]:
    """Lift headings so that each is at most one level below the one before it.

    The first heading becomes level 1; ``#`` then ``###`` reads as levels 1 and 2.

    >>> from briefconv.model import Text
    >>> [b.level for b in no_skipped_levels([Heading(2, (Text("a"),)), Heading(4, ())])]
    [1, 2]
    """
    out: list[Block] = []
    previous = 0
    for block in blocks:
        if isinstance(block, Heading) and block.level > previous + 1:
            block = Heading(previous + 1, block.children)
        if isinstance(block, Heading):
            previous = block.level
        out.append(block)
    return out
