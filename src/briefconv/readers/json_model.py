"""The JSON reader: the model's own JSON form (``briefconv inspect --json``) read back.

This is what lets any program produce or transform articles: the input is checked against
the model's JSON Schema and errors name the file and the place (``FILE: blocks[2].level:
...``).
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from briefconv.errors import InputError
from briefconv.model import Article, ArticleMeta
from briefconv.serialize import from_json

__all__ = ["JsonReader"]


class JsonReader:
    """Reads the model's versioned JSON form."""

    name: ClassVar[str] = "json"
    extensions: ClassVar[tuple[str, ...]] = (".json",)

    def read(self, text: str, *, source: Path | None = None, title: str | None = None) -> Article:
        """Parse model JSON; ``title`` replaces the title in it."""
        where = str(source) if source is not None else "<string>"
        try:
            article = from_json(text)
        except InputError as exc:
            raise InputError(f"{where}: {exc}") from None
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
