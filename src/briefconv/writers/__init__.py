"""The writer registry: built-in writers by name, plus third-party ones by entry point.

Built-ins are a literal table of ``module:Class`` strings, imported only when a format is
asked for, so ``briefconv --help`` never pays for reportlab, python-docx or ebooklib
(PITFALLS 8). Third-party writers register under the entry-point group
``briefconv.writers``; a built-in wins a name clash, with a warning. The entry points are
read only when a name is not a built-in's, or when every writer is listed: reading them
costs 15-20 ms (importlib.metadata, then every installed distribution's metadata), as much
as all the rest of start-up before the writers, and a run that asks for built-in formats
only does not need them.

The registry also answers which options each format's style table takes
(:func:`writer_options`): for a built-in from the table below, for a plugin from its class.
The style loader asks it, so this module must not import :mod:`briefconv.styles`.
"""

from __future__ import annotations

import importlib
import logging
import sys
from collections.abc import Iterable
from dataclasses import dataclass

from briefconv._records import record_methods
from briefconv.errors import FormatError
from briefconv.writers.base import ArticleWriter, Writer, adapt
from briefconv.writers.options import (
    DocxOptions,
    EpubOptions,
    NoOptions,
    PdfOptions,
    WriterOptions,
)

__all__ = [
    "ENTRY_POINT_GROUP",
    "WriterInfo",
    "available_writers",
    "describe_writers",
    "extension_of",
    "format_for_extension",
    "format_names",
    "get_writer",
    "options_markdown",
    "writer_options",
]

#: The entry-point group third-party writers register under.
ENTRY_POINT_GROUP = "briefconv.writers"

_log = logging.getLogger("briefconv")

# name -> (import target, description, options); description and options are here so
# listing formats and loading a style do not import the writers.
_BUILTINS: dict[str, tuple[str, str, type[WriterOptions]]] = {
    "docx": ("briefconv.writers.docx:DocxWriter", "Word document (python-docx)", DocxOptions),
    "pdf": ("briefconv.writers.pdf:PdfWriter", "PDF with embedded fonts (reportlab)", PdfOptions),
    "epub": ("briefconv.writers.epub:EpubWriter", "EPUB 3 e-book (ebooklib)", EpubOptions),
    "html": ("briefconv.writers.html:HtmlWriter", "one self-contained HTML page", NoOptions),
}


# Each built-in's file extension, so `-o talks.pdf` finds its format without importing
# a writer; tests/test_plugins.py checks it against the writer classes.
_BUILTIN_EXTENSIONS: dict[str, str] = {
    ".docx": "docx",
    ".pdf": "pdf",
    ".epub": "epub",
    ".html": "html",
}


@record_methods
@dataclass(frozen=True, slots=True, repr=False, eq=False)
class WriterInfo:
    """What is known of a writer without importing it."""

    name: str
    target: str  # "package.module:Class"
    description: str
    builtin: bool


#: What is known of each built-in writer; they come first in :func:`available_writers`.
_BUILTIN_INFO: dict[str, WriterInfo] = {
    name: WriterInfo(name, target, desc, True) for name, (target, desc, _) in _BUILTINS.items()
}

# The last entry-point scan: (the sys.path it was made for, plugin writers by name).
_scan: tuple[tuple[str, ...], dict[str, WriterInfo]] | None = None

# One instance per built-in writer per process. Safe because each keeps no state between
# calls (DocxWriter, PdfWriter and EpubWriter build everything in locals; PdfWriter's
# module-level lock only serialises builds). Plugins get a fresh instance per call: their
# authors may not have read the Writer protocol's "no state" rule.
_instances: dict[str, Writer] = {}


def _plugins() -> dict[str, WriterInfo]:
    """Plugin writers by name, in name order, from a cached scan of the entry points.

    Scanning costs 15-20 ms with importlib.metadata's import, and a batch renders hundreds
    of times, so it is done once per process, and again only if ``sys.path`` changes
    (which decides the distributions in view; tests install plugins that way). A plugin
    installed into a folder already on the path while a process runs is seen by the next
    process. The warning about a plugin hidden by a built-in is given once per scan.
    """
    global _scan
    key = tuple(sys.path)
    if _scan is not None and _scan[0] == key:
        return _scan[1]
    # importlib.metadata costs 10-15 ms to import: only pay it when a plugin may be needed.
    from importlib.metadata import entry_points

    found: dict[str, WriterInfo] = {}
    for ep in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
        if ep.name in _BUILTINS:
            _log.warning(
                "writer plugin %r (%s) ignored: a built-in writer has that name",
                ep.name,
                ep.value,
            )
            continue
        found.setdefault(ep.name, WriterInfo(ep.name, ep.value, f"plugin: {ep.value}", False))
    _scan = (key, found)
    return found


def available_writers() -> dict[str, WriterInfo]:
    """All writers by name: built-ins first, then plugins in name order.

    This reads the entry points (and warns of a plugin a built-in hides): for listing
    formats, and for naming the known ones when a name is unknown.
    """
    return {**_BUILTIN_INFO, **_plugins()}


def get_writer(name: str) -> Writer:
    """An instance of the writer for format ``name``; :class:`FormatError` if none.

    A built-in is found without reading the entry points: a plugin of the same name
    could not win anyway, and is warned of where formats are listed (``briefconv
    formats``) or a plugin's format is asked for.
    """
    key = name.lower()
    if key in _BUILTIN_INFO:
        writer = _instances.get(key)
        if writer is None:
            writer = _instances[key] = _load(_BUILTIN_INFO[key])
        return writer
    plugins = _plugins()
    info = plugins.get(key)
    if info is None:
        raise _unknown_format(name, [*_BUILTIN_INFO, *plugins])
    return _load(info)


def extension_of(name: str) -> str:
    """The extension of format ``name``'s files (``"pdf"`` -> ``".pdf"``).

    A built-in's without importing its writer: naming the files a run will write must not
    import every writer in the process that forks the renderers (:mod:`briefconv._parallel`),
    each of which imports only its own. A plugin's from its writer.
    """
    for extension, builtin in _BUILTIN_EXTENSIONS.items():
        if builtin == name:
            return extension
    return get_writer(name).extension


def format_for_extension(suffix: str) -> str | None:
    """The format whose files end in ``suffix`` (``".pdf"`` -> ``"pdf"``), or ``None``.

    Built-ins first, without importing them; then plugins, which are imported to read
    their ``extension`` (only for a suffix no built-in has). A broken plugin is skipped.
    """
    key = suffix.lower()
    if key in _BUILTIN_EXTENSIONS:
        return _BUILTIN_EXTENSIONS[key]
    if not key.startswith(".") or len(key) < 2:
        return None
    for name, info in _plugins().items():
        try:
            extension = _load(info).extension
        except FormatError:
            continue
        if isinstance(extension, str) and extension.lower() == key:
            return name
    return None


def describe_writers() -> dict[str, str]:
    """Every format's one-line description, plugins' from their own ``description``.

    Plugins are imported for it (``briefconv formats`` is the one caller that needs
    them all); one that cannot be loaded is listed with the reason.
    """
    out = {name: info.description for name, info in _BUILTIN_INFO.items()}
    for name, info in _plugins().items():
        try:
            description = _load(info).description
        except FormatError as exc:
            out[name] = f"plugin: {info.target} (cannot be used: {exc})"
            continue
        text = description.strip() if isinstance(description, str) else ""
        out[name] = (text.splitlines()[0] if text else "") or f"plugin: {info.target}"
    return out


def _unknown_format(name: str, known: list[str]) -> FormatError:
    """The error for a format no writer has: the likely intended name first, then all."""
    import difflib  # imported on first use: only a mistake needs a did-you-mean

    close = difflib.get_close_matches(name.lower(), known, n=1, cutoff=0.6)
    hint = f"did you mean {close[0]!r}? " if close else ""
    return FormatError(f"unknown format {name!r} ({hint}available: {', '.join(known)})")


def format_names(values: str | Iterable[str]) -> tuple[str, ...]:
    """``["docx,pdf", "PDF", "epub"]`` or ``"docx,pdf"`` -> ``("docx", "pdf", "epub")``.

    Names may be comma-separated; case and repeats do not matter. One string is one value,
    not a sequence of one-letter names (``"pdf"`` is the PDF format, not ``p``, ``d`` and
    ``f``). An unknown name is a :class:`FormatError` that suggests the closest known one
    ("did you mean 'pdf'?").
    """
    if isinstance(values, str):
        values = [values]
    out: list[str] = []
    for value in values:
        for name in value.split(","):
            name = name.strip().lower()
            if not name or name in out:
                continue
            # Built-in names are checked without reading the entry points (see above).
            if name not in _BUILTIN_INFO:
                known = list(available_writers())
                if name not in known:
                    raise _unknown_format(name, known)
            out.append(name)
    return tuple(out)


def writer_options(name: str) -> type[WriterOptions] | None:
    """The options the writer of format ``name`` declares for its style table ``[name]``.

    ``None`` if no writer has that name; :class:`NoOptions` for a writer that declares
    none. A built-in's come from the registry's table, imported with it; a plugin's from
    its class's ``options`` attribute, which imports the plugin (so only a style with a
    table for that plugin pays for it). :class:`FormatError` if the plugin is broken.
    """
    key = name.lower()
    if key in _BUILTINS:
        return _BUILTINS[key][2]
    info = _plugins().get(key)
    if info is None:
        return None
    declared = getattr(_import(info), "options", None)
    if declared is None:
        return NoOptions
    if not (isinstance(declared, type) and issubclass(declared, WriterOptions)):
        raise FormatError(f"writer {key!r}: options must be a WriterOptions dataclass")
    if declared.table != key:
        raise FormatError(f"writer {key!r}: its options are for [{declared.table}], not [{key}]")
    return declared


def options_markdown() -> str:
    """The built-in writers' style tables as Markdown, as ``styles/README.md`` shows them."""
    lines = [
        "| table | key | type | default | meaning |",
        "|---|---|---|---|---|",
    ]
    for name, (_, _, options) in _BUILTINS.items():
        for opt in options.declared():
            kind = f"{opt.type_name} (relative to the style file)" if opt.is_path else opt.type_name
            default = _markdown_value(opt.default)
            lines.append(f"| `[{name}]` | `{opt.key}` | {kind} | {default} | {opt.doc} |")
    return "\n".join(lines) + "\n"


def _markdown_value(value: object) -> str:
    """A default as the style file would write it; ``none`` when a key has no default."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "`true`" if value else "`false`"
    if isinstance(value, str):
        return f'`"{value}"`'
    return f"`{value}`"


def _import(info: WriterInfo) -> object:
    """The class (or object) ``info`` names, imported; :class:`FormatError` if broken."""
    name = info.name
    module_name, _, attr = info.target.partition(":")
    try:
        obj = getattr(importlib.import_module(module_name), attr) if attr else None
    except Exception as exc:  # a broken plugin must not take the CLI down with a traceback
        raise FormatError(f"writer {name!r} could not be loaded from {info.target}: {exc}") from exc
    if obj is None:
        raise FormatError(f"writer {name!r}: entry point {info.target} names no class")
    return obj


def _load(info: WriterInfo) -> Writer:
    """Import the writer ``info`` names and make an instance; :class:`FormatError` if broken."""
    name = info.name
    obj = _import(info)
    writer = obj() if isinstance(obj, type) else obj
    if isinstance(writer, Writer):
        return writer
    if isinstance(writer, ArticleWriter):
        # A plugin written for the first interface: still a handout writer.
        return adapt(writer)
    raise FormatError(f"writer {name!r} ({info.target}) does not implement the Writer interface")
