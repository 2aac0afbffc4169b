"""The writer interface every output format implements, built-in or plugged in.

A writer has one entry point, :meth:`Writer.write_pack`: a one-article handout is a pack
of one (:func:`briefconv.pack.handout`), and the pack's :class:`~briefconv.model.Layout`
says which parts to draw. Plugins written for the first interface, with only
``write(article, style)``, keep working through :class:`ArticleWriterAdapter`; they can
render handouts but not packs of several articles.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Protocol, runtime_checkable

from briefconv.errors import FormatError
from briefconv.model import Article, Pack

if TYPE_CHECKING:
    # Annotations only: the style loader imports the writer registry (which imports this
    # module) to check each writer's [format] table, so a run-time import would be a circle.
    from briefconv.styles import Style

__all__ = ["ArticleWriter", "ArticleWriterAdapter", "Writer", "adapt"]


@runtime_checkable
class Writer(Protocol):
    """Turns a :class:`Pack` plus a resolved :class:`Style` into the bytes of one file.

    Writers keep no state between calls, never read the clock or make random identifiers
    (dates come from the articles, ``SOURCE_DATE_EPOCH`` or the sources' timestamps), and
    log on the ``briefconv`` logger anything they cannot render rather than dropping it.
    Third-party writers register a class with these attributes under the entry-point group
    ``briefconv.writers``; the entry point's name is the format name.

    A writer with a style table of its own (``[odt]``) also sets the class attribute
    ``options`` to a :class:`~briefconv.writers.options.WriterOptions` dataclass and reads
    it with ``options.of(style)``. That attribute is optional and not part of this protocol,
    so writers without it still pass ``isinstance(writer, Writer)``.
    """

    name: ClassVar[str]  # "docx": the -t value and the entry-point name
    extension: ClassVar[str]  # ".docx"
    media_type: ClassVar[str]  # "application/vnd.openxmlformats-..."
    description: ClassVar[str]  # one line for `briefconv formats`

    def write_pack(self, pack: Pack, style: Style) -> bytes:
        """Render ``pack`` (a handout is a pack of one) in ``style``; the complete file."""
        ...


@runtime_checkable
class ArticleWriter(Protocol):
    """The first plugin interface: one article at a time, ``write(article, style)``."""

    name: ClassVar[str]
    extension: ClassVar[str]
    media_type: ClassVar[str]
    description: ClassVar[str]

    def write(self, article: Article, style: Style) -> bytes:
        """Render ``article`` in ``style`` and return the complete file."""
        ...


class ArticleWriterAdapter:
    """A :class:`Writer` made of an :class:`ArticleWriter`: renders handouts, refuses packs.

    Made by :func:`adapt`, which gives each wrapped writer a subclass carrying its class
    attributes (the :class:`Writer` protocol asks for class variables).
    """

    name: ClassVar[str]
    extension: ClassVar[str]
    media_type: ClassVar[str]
    description: ClassVar[str]

    def __init__(self, inner: ArticleWriter) -> None:
        """Wrap ``inner``."""
        self.inner = inner

    def write_pack(self, pack: Pack, style: Style) -> bytes:
        """The one article of a handout, written by the wrapped writer."""
        if pack.layout.title_role != "title":
            raise FormatError(
                f"{self.name}: this writer renders single articles only, not packs "
                "(it has write(article, style) but no write_pack(pack, style))"
            )
        return self.inner.write(pack.articles[0].article, style)


def adapt(inner: ArticleWriter) -> Writer:
    """``inner`` as a :class:`Writer`, with its name, extension, media type and description."""
    attrs = {key: getattr(inner, key) for key in ("name", "extension", "media_type", "description")}
    cls = type(f"{type(inner).__name__}Adapter", (ArticleWriterAdapter,), attrs)
    adapter: Writer = cls(inner)
    return adapter
