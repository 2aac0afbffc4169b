"""File input and output with guarantees: reads that stop at a limit, atomic writes.

A reader of an output never sees half a file, and no input (``/dev/zero``, a FIFO, a
process substitution) is read past the limit its caller sets.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path

__all__ = [
    "NotRegular",
    "TooLarge",
    "read_limited",
    "refuse_inputs",
    "write_all_atomic",
    "write_atomic",
]


def refuse_inputs(
    targets: Iterable[str | os.PathLike[str]], keep: Iterable[str | os.PathLike[str]]
) -> None:
    """An :class:`~briefconv.errors.InputError` if one of ``targets`` is a file in ``keep``.

    No output may replace an input: ``-t md`` on ``notes.md`` with a Markdown plugin, or
    ``-o talks.txt``, would otherwise overwrite the article being converted. Compared as
    files (a link or another spelling of the path is the same file); ``-`` is skipped.
    """
    from briefconv.errors import InputError

    sources = [Path(name) for name in keep if str(name) != "-"]
    for target in targets:
        for source in sources:
            try:
                same = os.path.samefile(target, source)
            except OSError:  # the target does not exist yet: it cannot be an input
                same = False
            if same:
                raise InputError(
                    f"{target}: this is the input {source}; an output never replaces an "
                    "input, so write it elsewhere (another -o)"
                )


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomic(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same folder and a rename.

    On any failure the temporary file is removed and ``path`` is left as it was
    (PITFALLS 3: ebooklib leaves a truncated .epub behind when it fails mid-write). A file
    that is replaced keeps its permission bits; a new one gets those ``open()`` would give.
    """
    write_all_atomic([(Path(path), data)])


def write_all_atomic(files: list[tuple[Path, bytes]]) -> None:
    """Write several files as one: every one replaced, or (on any failure) none.

    All are written to temporary files first; only when every one is complete on disk
    are they renamed into place. A disk that fills up between two formats used to leave
    a new DOCX beside last week's PDF; now it leaves last week's set whole.
    """
    staged: list[tuple[str, Path]] = []
    try:
        for path, data in files:
            if not isinstance(data, bytes | bytearray | memoryview):
                raise TypeError(f"data for {path} must be bytes, not {type(data).__name__}")
            staged.append((_stage(path, data), path))
        for tmp, path in staged:
            os.replace(tmp, path)
    except BaseException:
        for tmp, _ in staged:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        raise


def _stage(path: Path, data: bytes) -> str:
    """Write ``data`` to a complete temporary file beside ``path``; its name.

    An error names ``path``, the file the user asked for, never the hidden temporary file
    (nor no file at all, as a full disk's write error does).
    """
    try:
        return _stage_unnamed(path, data)
    except OSError as exc:
        named = exc.filename is not None and not Path(str(exc.filename)).name.startswith(
            f".{path.name}."
        )
        if exc.errno is None or named:
            raise  # no errno to keep, or it names a folder on the way (mkdir): right as it is
        raise OSError(exc.errno, exc.strerror, str(path)) from exc


def _stage_unnamed(path: Path, data: bytes) -> str:
    """:func:`_stage`, with errors as the system gives them."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        status = os.stat(path)
    except OSError:
        mode = 0o666 & ~_umask()  # what a plain open() would give a new file
    else:
        if stat.S_ISDIR(status.st_mode):
            raise IsADirectoryError(errno.EISDIR, "is a folder, not a file", str(path))
        if not stat.S_ISREG(status.st_mode):
            # Renaming over /dev/full or a FIFO would replace the device node itself
            # (as root, for everyone) instead of writing to it.
            raise NotRegular(errno.EINVAL, "not a regular file; refusing to replace it", str(path))
        # A file being replaced keeps its permissions: a handout someone made private
        # (chmod 600) must not become world-readable because it was rebuilt.
        mode = stat.S_IMODE(status.st_mode)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)  # mkstemp makes 0600 files
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return tmp


class TooLarge(Exception):
    """An input is over its byte limit; ``size`` is what the file claims, if it says."""

    def __init__(self, size: int | None) -> None:
        super().__init__(size)
        self.size = size


class NotRegular(OSError):
    """A file that must be a regular one is a FIFO, a device or a socket."""


def read_limited(
    path: str | os.PathLike[str], limit: int, *, regular_only: bool = False
) -> tuple[bytes, os.stat_result]:
    """Read ``path`` whole, and its status, refusing anything over ``limit`` bytes.

    The limit holds while reading, whatever size the file claims: devices and pipes
    (``/dev/zero``, a FIFO, ``<(cmd)``) claim 0 and would otherwise be read forever. A
    regular file that claims more is not read at all. Raises :class:`TooLarge`, and
    ``IsADirectoryError`` for a folder. With ``regular_only`` (files an input merely
    names, such as images) the file is opened without waiting, so a FIFO nobody writes
    to cannot hang the open, and anything but a regular file raises :class:`NotRegular`.
    """
    flags = os.O_RDONLY | getattr(os, "O_CLOEXEC", 0)
    if regular_only:
        flags |= os.O_NONBLOCK
    with os.fdopen(os.open(path, flags), "rb") as fh:
        info = os.fstat(fh.fileno())
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(21, "Is a directory", str(path))
        if regular_only and not stat.S_ISREG(info.st_mode):
            raise NotRegular(0, "is not a regular file", str(path))
        if stat.S_ISREG(info.st_mode) and info.st_size > limit:
            raise TooLarge(info.st_size)
        # In chunks: read(limit + 1) allocates the whole limit up front, so a generous
        # limit (--max-size 100G) failed with MemoryError before reading a byte.
        chunks: list[bytes] = []
        left = limit + 1
        while left > 0:
            chunk = fh.read(min(left, _CHUNK))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
    data = b"".join(chunks)
    if len(data) > limit:
        raise TooLarge(None)
    return data, info


#: How much :func:`read_limited` reads at a time.
_CHUNK = 1 << 20
