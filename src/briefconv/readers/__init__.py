"""Readers turn an article's bytes into the model; this module picks one and reads files.

Readers are pure: no network, no clock. The only reader today is plain text
(:class:`~briefconv.readers.text.TextReader`); others register in :data:`READERS`.
"""

from __future__ import annotations

import sys
from pathlib import Path

from briefconv.errors import InputError
from briefconv.model import Article
from briefconv.readers.text import TextReader, decode

__all__ = ["READERS", "read_bytes", "read_path", "reader_for"]

#: Reader name -> reader class.
READERS: dict[str, type[TextReader]] = {"text": TextReader}


def reader_for(name: str | None, path: Path | None) -> TextReader:
    """The reader named ``name``, else the one for ``path``'s extension, else plain text."""
    if name is not None:
        cls = READERS.get(name)
        if cls is None:
            raise InputError(f"unknown input format {name!r} (available: {', '.join(READERS)})")
        return cls()
    if path is not None:
        for cls in READERS.values():
            if path.suffix.lower() in cls.extensions:
                return cls()
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
    if timestamp is not None:
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
