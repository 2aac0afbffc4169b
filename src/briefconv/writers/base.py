"""The writer interface every output format implements, built-in or plugged in."""

from __future__ import annotations

from typing import ClassVar, Protocol, runtime_checkable

from briefconv.model import Article, Pack
from briefconv.styles import Style

__all__ = ["PackWriter", "Writer"]


@runtime_checkable
class Writer(Protocol):
    """Turns an :class:`Article` plus a resolved :class:`Style` into the bytes of one file.

    Writers keep no state between calls, never read the clock or make random identifiers
    (dates come from the article, ``SOURCE_DATE_EPOCH`` or the source's timestamp), and log
    on the ``briefconv`` logger anything they cannot render rather than dropping it.
    Third-party writers register a class with these attributes under the entry-point group
    ``briefconv.writers``; the entry point's name is the format name.
    """

    name: ClassVar[str]  # "docx": the -t value and the entry-point name
    extension: ClassVar[str]  # ".docx"
    media_type: ClassVar[str]  # "application/vnd.openxmlformats-..."
    description: ClassVar[str]  # one line for `briefconv formats`

    def write(self, article: Article, style: Style) -> bytes:
        """Render ``article`` in ``style`` and return the complete file."""
        ...


@runtime_checkable
class PackWriter(Writer, Protocol):
    """A writer that can also render a whole briefing pack (all built-in writers can).

    ``write(article, style)`` of such a writer is ``write_pack(briefconv.pack.handout(article),
    style)``: a one-article pack without cover or contents.
    """

    def write_pack(self, pack: Pack, style: Style) -> bytes:
        """Render ``pack`` in ``style`` and return the complete file."""
        ...
