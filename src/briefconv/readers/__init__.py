"""Readers turn an article's bytes into the model; this module picks one and reads files.

Readers are pure: no network, no clock. The only reader today is plain text
(:class:`~briefconv.readers.text.TextReader`); others register in :data:`READERS`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import ClassVar, Protocol

from briefconv._io import TooLarge, read_limited
from briefconv.errors import InputError
from briefconv.model import Article
from briefconv.readers.text import TextReader, decode

__all__ = [
    "MAX_BYTES",
    "READERS",
    "SIZE_ADVICE",
    "Reader",
    "parse_size",
    "read_bytes",
    "read_path",
    "reader_for",
]

#: Largest input read by default (10 MiB: about 30 times the longest news feature). Raise it
#: with ``max_bytes`` or the CLI's ``--max-size``; it keeps a wrong file (a log, a video)
#: from being parsed and rendered into a 5,000-page PDF by mistake.
MAX_BYTES = 10 * 1024 * 1024

#: What an input over the limit is told to do. A manifest's loader names its own
#: ``max_size`` key beside it (:mod:`briefconv.manifest`), so the text is shared, not copied.
SIZE_ADVICE = "raise it with --max-size"

_SIZE_FACTORS = {"K": 1024, "M": 1024**2, "G": 1024**3}


def parse_size(value: str | int) -> int:
    """A number of bytes from ``20M``, ``500k``, ``1.5G`` (powers of 1024) or ``4096``.

    ``--max-size`` and a manifest's ``max_size`` both go through here, so they accept the
    same forms. Raises :class:`ValueError` with a message for users (without the option's
    name: the caller adds it).

    >>> parse_size("20M"), parse_size("500k"), parse_size("2KiB"), parse_size(4096)
    (20971520, 512000, 2048, 4096)
    """
    if isinstance(value, int):
        size = value
    else:
        text = value.strip().upper().removesuffix("B").removesuffix("I")
        factor = _SIZE_FACTORS.get(text[-1:], 1)
        number = text[:-1] if factor > 1 else text
        try:
            size = int(float(number) * factor)
        except (ValueError, OverflowError):  # "x", "nan"; "inf" overflows int()
            raise ValueError(f"{value!r} is not a size such as 20M or 500k") from None
    if size <= 0:
        raise ValueError("the size must be positive")
    # A limit is read as limit + 1 bytes at most, and read() refuses a count that does not
    # fit in a C index: "1e30" must be refused here, not fail deep inside a read.
    if size >= sys.maxsize:
        raise ValueError(f"{value!r} is too large")
    return size


class Reader(Protocol):
    """Parses one source text into an Article. Pure: no network, no clock."""

    name: ClassVar[str]
    extensions: ClassVar[tuple[str, ...]]

    def read(self, text: str, *, source: Path | None = None, title: str | None = None) -> Article:
        """Parse ``text``; ``source`` names the file in messages and titles."""
        ...


def _markdown(allow_outside: bool = False) -> Reader:
    # markdown-it-py and PyYAML load only when a Markdown article is read.
    from briefconv.readers.markdown import MarkdownReader

    return MarkdownReader(allow_outside=allow_outside)


def _text(allow_outside: bool = False) -> Reader:
    return TextReader()


def _json(allow_outside: bool = False) -> Reader:
    from briefconv.readers.json_model import JsonReader

    return JsonReader(allow_outside=allow_outside)


#: Reader name -> (extensions, factory); factories import their reader lazily.
READERS: dict[str, tuple[tuple[str, ...], Callable[[bool], Reader]]] = {
    "text": (TextReader.extensions, _text),
    "markdown": ((".md", ".markdown"), _markdown),
    "json": ((".json",), _json),
}


def reader_for(name: str | None, path: Path | None, *, allow_outside: bool = False) -> Reader:
    """The reader named ``name``, else the one for ``path``'s extension, else plain text."""
    if name is not None:
        entry = READERS.get(name)
        if entry is None:
            raise InputError(f"unknown input format {name!r} (available: {', '.join(READERS)})")
        return entry[1](allow_outside)
    if path is not None:
        for extensions, factory in READERS.values():
            if path.suffix.lower() in extensions:
                return factory(allow_outside)
    return TextReader()


def read_bytes(
    data: bytes,
    *,
    name: str = "<string>",
    title: str | None = None,
    encoding: str | None = None,
    input_format: str | None = None,
    timestamp: int | None = None,
    allow_outside: bool = False,
) -> Article:
    """Decode and parse an article's bytes; ``name`` is used in messages and for a title.

    Whatever goes wrong is an :class:`InputError` naming the input: errors the libraries
    underneath raise on odd input (a YAML date of 30 February, a 5,000-digit JSON number,
    JSON nested 250 deep, a bytes-to-bytes codec such as ``base64``) included.
    """
    source = Path(name) if not name.startswith("<") else None
    reader = reader_for(input_format, source, allow_outside=allow_outside)
    try:
        text = decode(data, name=name, encoding=encoding)
        article = reader.read(text, source=source, title=title)
    except RecursionError:
        raise InputError(f"{name}: nested too deeply to read") from None
    except (ValueError, LookupError, TypeError, OverflowError) as exc:
        # InputError is not among these (it derives from BriefconvError, not ValueError).
        raise InputError(f"{name}: cannot read: {exc}") from None
    # A model read from JSON keeps the time it carries; others get the file's.
    if timestamp is not None and article.timestamp is None:
        return Article(article.meta, article.blocks, timestamp)
    return article


def _human(size: int) -> str:
    """``1536`` -> ``1.5 KiB``."""
    value = float(size)
    for unit in ("bytes", "KiB", "MiB"):
        if value < 1024:
            return f"{value:.3g} {unit}"
        value /= 1024
    return f"{value:.3g} GiB"


def _too_large(name: str, size: int | None, limit: int) -> InputError:
    shown = f"{_human(size)} is" if size is not None else "the input is"
    return InputError(f"{name}: {shown} over the {_human(limit)} input limit ({SIZE_ADVICE})")


def read_path(
    path: str | Path,
    *,
    title: str | None = None,
    encoding: str | None = None,
    input_format: str | None = None,
    max_bytes: int = MAX_BYTES,
    allow_outside: bool = False,
) -> Article:
    """Read an article from a file, or from standard input when ``path`` is ``-``.

    Inputs larger than ``max_bytes`` are refused with an :class:`InputError`.
    """
    if str(path) == "-":
        data = sys.stdin.buffer.read(max_bytes + 1)
        if len(data) > max_bytes:
            raise _too_large("<stdin>", None, max_bytes)
        return read_bytes(
            data,
            name="<stdin>",
            title=title,
            encoding=encoding,
            input_format=input_format,
            allow_outside=allow_outside,
        )
    path = Path(path)
    try:
        data, info = read_limited(path, max_bytes)
        mtime = int(info.st_mtime)
    except TooLarge as exc:
        raise _too_large(str(path), exc.size, max_bytes) from None
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
        allow_outside=allow_outside,
    )
