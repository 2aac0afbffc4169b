"""The JSON reader: the model's own JSON form (``briefconv inspect --json``) read back.

This is what lets any program produce or transform articles: the input is checked against
the model's JSON Schema and errors name the file and the place (``FILE: blocks[2].level:
...``).

A figure's ``path`` in the JSON is not trusted: it is checked as a Markdown article's
image is (:mod:`briefconv.images`), relative to the JSON file's folder and inside it
unless outside paths are allowed, so a model from elsewhere cannot embed any local file.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from briefconv.errors import InputError
from briefconv.images import ImageResolver
from briefconv.model import Article, ArticleMeta, Figure
from briefconv.serialize import from_json

__all__ = ["JsonReader"]


class JsonReader:
    """Reads the model's versioned JSON form; ``allow_outside`` as for Markdown images."""

    name: ClassVar[str] = "json"
    extensions: ClassVar[tuple[str, ...]] = (".json",)

    def __init__(self, *, allow_outside: bool = False) -> None:
        self.allow_outside = allow_outside

    def read(self, text: str, *, source: Path | None = None, title: str | None = None) -> Article:
        """Parse model JSON; ``title`` replaces the title in it."""
        where = str(source) if source is not None else "<string>"
        try:
            article = from_json(text)
        except InputError as exc:
            raise InputError(f"{where}: {exc}") from None
        base = source.parent if source is not None else Path.cwd()
        images = ImageResolver(where, base, self.allow_outside)
        blocks = tuple(
            images.figure(b.src, b.alt, b.path) if isinstance(b, Figure) else b
            for b in article.blocks
        )
        article = Article(article.meta, blocks, article.timestamp)
        if title is not None:
            meta = article.meta
            article = Article(
                ArticleMeta(
                    title,
                    meta.subtitle,
                    meta.authors,
                    meta.date,
                    meta.source,
                    meta.url,
                    meta.language,
                    meta.summary,
                    meta.extra,
                ),
                article.blocks,
                article.timestamp,
            )
        return article
