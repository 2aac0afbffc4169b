"""A small on-disk cache for data that is slow to parse from a file and never changes.

Every PDF used to start by parsing its TrueType fonts (reportlab) and its hyphenation
dictionary (pyphen) anew, which cost more than laying out a short article. What they
parse to depends only on the file and the versions of the code that parses it, so
:func:`cached` keeps it, pickled, under a key made from exactly those: the kind of data,
the file's absolute path, size and modification time, the versions the caller names,
Python's version and this cache's format version. Any change to one of them is a new key,
so a stale entry is never read; old entries are only left behind (deleting the folder is
always safe).

The folder is ``$BRIEFCONV_CACHE_DIR`` if that is set (set and empty: no cache), else
``$XDG_CACHE_HOME/briefconv``, else ``~/.cache/briefconv``.

A cache must never make a run fail or differ: every problem (a folder that cannot be
created or written, a truncated or corrupt file, a class that no longer unpickles, a
concurrent writer) is logged at debug level only, and the data is parsed as if there were
no cache. Unpickling runs code named in the file, so a file is only read when it is a
regular file owned by the current user and not writable by group or others; on systems
without POSIX owners (Windows) the cache is off.

Example::

    >>> import os, tempfile
    >>> from unittest import mock
    >>> with tempfile.TemporaryDirectory() as tmp, mock.patch.dict(
    ...     os.environ, {CACHE_ENV: tmp}
    ... ):
    ...     source = Path(tmp, "numbers.txt")
    ...     _ = source.write_text("1 2 3")
    ...     def parse() -> list[int]:
    ...         return [int(n) for n in source.read_text().split()]
    ...     first = cached("numbers", source, ("parser 1",), parse, list)  # parsed, stored
    ...     again = cached("numbers", source, ("parser 1",), list, list)  # read back
    >>> first, again
    ([1, 2, 3], [1, 2, 3])
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import pickle
import re
import stat
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

__all__ = ["CACHE_ENV", "FORMAT_VERSION", "cache_dir", "cached"]

#: Environment variable naming the cache folder; set to an empty value to turn the cache off.
CACHE_ENV = "BRIEFCONV_CACHE_DIR"
#: Bumped whenever what a cache file holds changes shape; part of every key.
FORMAT_VERSION = 1

_log = logging.getLogger("briefconv")

# Kinds become part of file names, so they are kept to characters safe in any file system.
_KIND = re.compile(r"[a-z0-9][a-z0-9-]*")
# Group and others may not write a file we unpickle (see the module docstring).
_UNSAFE_MODE = stat.S_IWGRP | stat.S_IWOTH

T = TypeVar("T")


def cache_dir() -> Path | None:
    """The cache folder (it may not exist yet), or ``None`` when the cache is off."""
    if not hasattr(os, "getuid"):
        # No owners to check a file against, so no file could be trusted (module docstring).
        return None
    value = os.environ.get(CACHE_ENV)
    if value is not None:
        return Path(value) if value else None
    xdg = os.environ.get("XDG_CACHE_HOME")
    # The XDG spec says to ignore a relative path, which would depend on the current folder.
    if xdg and os.path.isabs(xdg):
        return Path(xdg) / "briefconv"
    try:
        return Path.home() / ".cache" / "briefconv"
    except RuntimeError:  # no $HOME and no passwd entry
        return None


def cached(
    kind: str,
    source: Path,
    versions: Sequence[str],
    build: Callable[[], T],
    expected: type[T],
) -> T:
    """``build()``, the parse of file ``source``, read back from the cache when it is there.

    ``kind`` names what is parsed (``"ttfont"``); ``versions`` names everything besides the
    file that the result depends on (library versions, settings), since any of them
    changing must miss. The result of ``build`` must pickle; one that does not is simply
    not stored. A cached object that is not an ``expected`` is ignored and replaced.
    Exceptions from ``build`` propagate; the cache itself never raises (a malformed
    ``kind`` is a programming error, and raises ``ValueError``).
    """
    if not _KIND.fullmatch(kind):
        raise ValueError(f"cache kind {kind!r} must be lower-case letters, digits and '-'")
    folder = cache_dir()
    if folder is None:
        return build()
    try:
        path = Path(os.path.abspath(source))
        before = os.stat(path)
    except (OSError, TypeError, ValueError) as exc:  # e.g. a dictionary inside a zip file
        _log.debug("cache: %s %s: cannot stat the source (%s); not caching", kind, source, exc)
        return build()
    if not stat.S_ISREG(before.st_mode):
        # A FIFO or device has no stable content for a key to describe.
        return build()
    key = _key(kind, path, before, versions)
    target = folder / f"{kind}-{key}.pickle"

    found = _load(target, expected)
    if found is not None:
        return found
    value = build()
    try:
        after = os.stat(path)
    except OSError:
        return value
    if (after.st_size, after.st_mtime_ns, after.st_ino, after.st_ctime_ns) != (
        before.st_size,
        before.st_mtime_ns,
        before.st_ino,
        before.st_ctime_ns,
    ):
        # Changed while being parsed: the key may not describe what was parsed.
        _log.debug("cache: %s changed while being read; not caching it", path)
        return value
    _store(target, value)
    return value


def _key(kind: str, path: Path, st: os.stat_result, versions: Sequence[str]) -> str:
    """The hex SHA-256 of everything a cached result depends on."""
    parts = [
        f"briefconv cache {FORMAT_VERSION}",
        kind,
        str(path),
        str(st.st_size),
        str(st.st_mtime_ns),
        # A file replaced by another (a font updated by a package manager, or copied over
        # with its old mtime kept) has a new inode or a new ctime, which no one can set back.
        str(st.st_dev),
        str(st.st_ino),
        str(st.st_ctime_ns),
        sys.version,
        *versions,
    ]
    # NUL cannot occur in a path or a version, so the joined parts cannot run together.
    return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogateescape")).hexdigest()


def _load(target: Path, expected: type[T]) -> T | None:
    """The object cached in ``target``, or ``None`` if it is missing, untrusted or unusable."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(target, flags)
    except FileNotFoundError:
        return None
    except OSError as exc:  # a symlink (O_NOFOLLOW), no permission, ...
        _log.debug("cache: cannot open %s (%s); parsing instead", target, exc)
        return None
    try:
        with os.fdopen(fd, "rb") as fh:
            # Checked on the open file, not the path, so it cannot be swapped in between.
            info = os.fstat(fh.fileno())
            if not stat.S_ISREG(info.st_mode):
                reason = "not a regular file"
            elif info.st_uid != os.getuid():
                reason = f"owned by uid {info.st_uid}, not by this user"
            elif info.st_mode & _UNSAFE_MODE:
                reason = f"writable by group or others (mode {stat.filemode(info.st_mode)})"
            else:
                value = pickle.load(fh)  # trusted: checked just above
                if isinstance(value, expected):
                    return value
                reason = f"holds a {type(value).__name__}, not a {expected.__name__}"
    except Exception as exc:  # truncated, corrupt, a class renamed since: any unpickling error
        reason = f"unreadable ({type(exc).__name__}: {exc})"
    _log.debug("cache: ignoring %s: %s; parsing instead", target, reason)
    return None


def _store(target: Path, value: object) -> None:
    """Write ``value`` to ``target`` atomically (temp file, then rename); never raise."""
    tmp: str | None = None
    try:
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        # mkstemp creates the file 0600: readable back under the ownership rules of _load.
        fd, tmp = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=".tmp", dir=target.parent)
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        # Readers see the old file or the whole new one, never a partly written one.
        os.replace(tmp, target)
        tmp = None
    except Exception as exc:  # read-only or full disk, no permission, an unpicklable value
        _log.debug("cache: cannot write %s (%s: %s); not caching", target, type(exc).__name__, exc)
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
