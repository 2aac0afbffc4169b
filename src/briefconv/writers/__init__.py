"""The writer registry: built-in writers by name, plus third-party ones by entry point.

Built-ins are a literal table of ``module:Class`` strings, imported only when a format is
asked for, so ``briefconv --help`` never pays for reportlab, python-docx or ebooklib
(PITFALLS 8). Third-party writers register under the entry-point group
``briefconv.writers``; a built-in wins a name clash, with a warning.
"""

from __future__ import annotations

import importlib
import logging
from dataclasses import dataclass

from briefconv.errors import FormatError
from briefconv.writers.base import Writer

__all__ = ["ENTRY_POINT_GROUP", "WriterInfo", "available_writers", "get_writer"]

#: The entry-point group third-party writers register under.
ENTRY_POINT_GROUP = "briefconv.writers"

_log = logging.getLogger("briefconv")

# name -> (import target, description); the description is here so listing formats
# does not import the writers.
_BUILTINS: dict[str, tuple[str, str]] = {
    "docx": ("briefconv.writers.docx:DocxWriter", "Word document (python-docx)"),
    "pdf": ("briefconv.writers.pdf:PdfWriter", "PDF with embedded fonts (reportlab)"),
    "epub": ("briefconv.writers.epub:EpubWriter", "EPUB 3 e-book (ebooklib)"),
}


@dataclass(frozen=True, slots=True)
class WriterInfo:
    """What is known of a writer without importing it."""

    name: str
    target: str  # "package.module:Class"
    description: str
    builtin: bool


def available_writers() -> dict[str, WriterInfo]:
    """All writers by name: built-ins first, then plugins in name order."""
    # importlib.metadata costs ~15 ms to import: only pay it when writers are listed.
    from importlib.metadata import entry_points

    found = {
        name: WriterInfo(name, target, desc, True) for name, (target, desc) in _BUILTINS.items()
    }
    for ep in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
        if ep.name in _BUILTINS:
            _log.warning(
                "writer plugin %r (%s) ignored: a built-in writer has that name",
                ep.name,
                ep.value,
            )
            continue
        found.setdefault(ep.name, WriterInfo(ep.name, ep.value, f"plugin: {ep.value}", False))
    return found


def get_writer(name: str) -> Writer:
    """An instance of the writer for format ``name``; :class:`FormatError` if none."""
    writers = available_writers()
    info = writers.get(name.lower())
    if info is None:
        raise FormatError(f"unknown format {name!r} (available: {', '.join(writers)})")
    module_name, _, attr = info.target.partition(":")
    try:
        obj = getattr(importlib.import_module(module_name), attr) if attr else None
    except Exception as exc:  # a broken plugin must not take the CLI down with a traceback
        raise FormatError(f"writer {name!r} could not be loaded from {info.target}: {exc}") from exc
    if obj is None:
        raise FormatError(f"writer {name!r}: entry point {info.target} names no class")
    writer = obj() if isinstance(obj, type) else obj
    if not isinstance(writer, Writer):
        raise FormatError(
            f"writer {name!r} ({info.target}) does not implement the Writer interface"
        )
    return writer
