"""Readers turn an article's bytes into the model; this module picks one and reads files.

Readers are pure: no network, no clock. The only reader today is plain text
(:class:`~briefconv.readers.text.TextReader`); others register in :data:`READERS`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import ClassVar, Protocol

from briefconv.errors import InputError
from briefconv.model import Article
from briefconv.readers.text import TextReader, decode

__all__ = ["READERS", "Reader", "read_bytes", "read_path", "reader_for"]


class Reader(Protocol):
    """Parses one source text into an Article. Pure: no network, no clock."""

    name: ClassVar[str]
    extensions: ClassVar[tuple[str, ...]]

    def read(self, text: str, *, source: Path | None = None, title: str | None = None) -> Article:
        """Parse ``text``; ``source`` names the file in messages and titles."""
        ...


def _markdown() -> Reader:
    # markdown-it-py and PyYAML load only when a Markdown article is read.
    from briefconv.readers.markdown import MarkdownReader

    return MarkdownReader()


def _json() -> Reader:
    from briefconv.readers.json_model import JsonReader

    return JsonReader()


#: Reader name -> (extensions, factory); factories import their reader lazily.
READERS: dict[str, tuple[tuple[str, ...], Callable[[], Reader]]] = {
    "text": (TextReader.extensions, TextReader),
    "markdown": ((".md", ".markdown"), _markdown),
    "json": ((".json",), _json),
}


def reader_for(name: str | None, path: Path | None) -> Reader:
    """The reader named ``name``, else the one for ``path``'s extension, else plain text."""
    if name is not None:
        entry = READERS.get(name)
        if entry is None:
            raise InputError(f"unknown input format {name!r} (available: {', '.join(READERS)})")
        return entry[1]()
    if path is not None:
        for extensions, factory in READERS.values():
            if path.suffix.lower() in extensions:
                return factory()
    return TextReader()


def read_bytes(
    data: bytes,
    *,
    name: str = "<string>",
    title: str | None = None,
    encoding: str | None = None,
    input_format: str | None = None,
    timestamp: int | None = None,
) -> Article:
    """Decode and parse an article's bytes; ``name`` is used in messages and for a title."""
    text = decode(data, name=name, encoding=encoding)
    source = Path(name) if not name.startswith("<") else None
    article = reader_for(input_format, source).read(text, source=source, title=title)
    # A model read from JSON keeps the time it carries; others get the file's.
    if timestamp is not None and article.timestamp is None:
        return Article(article.meta, article.blocks, timestamp)
    return article


def read_path(
    path: str | Path,
    *,
    title: str | None = None,
    encoding: str | None = None,
    input_format: str | None = None,
) -> Article:
    """Read an article from a file, or from standard input when ``path`` is ``-``."""
    if str(path) == "-":
        return read_bytes(
            sys.stdin.buffer.read(),
            name="<stdin>",
            title=title,
            encoding=encoding,
            input_format=input_format,
        )
    path = Path(path)
    try:
        data = path.read_bytes()
        mtime = int(path.stat().st_mtime)
    except IsADirectoryError:
        raise InputError(f"{path}: is a folder, not an article") from None
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
    return read_bytes(
        data,
        name=str(path),
        title=title,
        encoding=encoding,
        input_format=input_format,
        timestamp=mtime,
    )
