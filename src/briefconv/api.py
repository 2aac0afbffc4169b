"""The library's functions: reading, rendering and converting articles, building packs.

:mod:`briefconv` re-exports everything here and imports this module the first time one of
its names is used, so that ``import briefconv`` (and with it ``briefconv --help``) stays
cheap. Import from :mod:`briefconv`, not from here.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from briefconv._io import refuse_inputs, write_all_atomic
from briefconv.dates import check_date
from briefconv.errors import BriefconvError, FormatError, InputError, RenderError
from briefconv.model import PACK_LAYOUT, Article, Layout, Pack, PackMeta
from briefconv.readers import MAX_BYTES, read_path, reader_for
from briefconv.styles import Style, load_style
from briefconv.writers import describe_writers, extension_of, format_names, get_writer
from briefconv.writers.base import Writer

__all__ = [
    "DEFAULT_FORMATS",
    "BuiltPack",
    "available_formats",
    "build_pack",
    "convert",
    "output_name",
    "read_file",
    "read_string",
    "render",
    "render_pack",
    "write_outputs",
]

#: The formats ``convert`` writes when none are named.
DEFAULT_FORMATS: tuple[str, ...] = ("docx", "pdf", "epub")

# A pack's title, and where it is written (without extension), when neither the caller
# nor a manifest says.
_DEFAULT_PACK_TITLE = "Briefing Pack"
_DEFAULT_PACK_OUTPUT = "briefing-pack"


def read_file(
    path: str | Path,
    *,
    title: str | None = None,
    encoding: str | None = None,
    input_format: str | None = None,
    max_bytes: int = MAX_BYTES,
    allow_outside: bool = False,
) -> Article:
    """Read an article file (``-`` for standard input) into the model.

    ``title`` overrides any title in the text; ``encoding`` is needed only for files that
    are neither UTF-8 nor UTF-16/32 with a byte-order mark; ``input_format`` (``text``,
    ``markdown``, ``json``) overrides the extension; files over ``max_bytes`` are refused;
    images outside the article's folder are shown only with ``allow_outside``.
    """
    return read_path(
        path,
        title=title,
        encoding=encoding,
        input_format=input_format,
        max_bytes=max_bytes,
        allow_outside=allow_outside,
    )


def read_string(text: str, *, title: str | None = None, name: str | None = None) -> Article:
    """Parse an article from a string; ``name`` (a file name) is used for messages and titles."""
    # Parsed as text, not re-encoded: a str may hold lone surrogates that UTF-8 cannot
    # encode; the model removes them like any other character documents cannot hold.
    source = Path(name) if name else None
    return reader_for(None, source).read(text, source=source, title=title)


def available_formats() -> dict[str, str]:
    """Output format names and one-line descriptions, built-in and plugged in.

    A plugin's description is its writer's own ``description`` (the plugin is imported
    to read it).
    """
    return describe_writers()


def _checked_bytes(data: object, fmt: str) -> bytes:
    """A writer's result, or a :class:`RenderError` if it is not the file's bytes.

    A plugin that returns text (or nothing) must be named as the culprit, in one line,
    not reach the file-writing code as an internal error.
    """
    if isinstance(data, bytes):
        return data
    if isinstance(data, bytearray | memoryview):
        return bytes(data)
    raise RenderError(
        f"{fmt}: the writer returned {type(data).__name__}, not bytes "
        "(a writer must return the complete file as bytes)"
    )


@contextmanager
def _one_line_errors(what: str) -> Iterator[None]:
    """Turn a writer's unexpected exception into a :class:`RenderError` saying ``what``.

    A writer bug must still reach users as one line, with what failed and where.
    """
    try:
        yield
    except BriefconvError:
        raise
    except Exception as exc:
        raise RenderError(f"{what}: {exc}") from exc


def render(article: Article, fmt: str, style: Style | str | Path | None = None) -> bytes:
    """Render ``article`` to the bytes of a ``fmt`` file (``"docx"``, ``"pdf"``, ``"epub"`` ...).

    ``style`` is a resolved :class:`Style`, a style name or path, or ``None`` for the default.
    The article is rendered as a handout: a pack of one (:func:`briefconv.pack.handout`).
    """
    from briefconv import _startup
    from briefconv.pack import handout

    resolved = style if isinstance(style, Style) else load_style(style)
    _startup.end([fmt])  # the command line's start-up pause, if it is still on
    writer = get_writer(fmt)  # an unknown format fails before any typesetting
    typeset = _typeset(handout(article), resolved)
    return _written(writer, typeset, fmt, resolved, repr(article.meta.title))


def _written(writer: Writer, typeset: Pack, fmt: str, style: Style, what: str) -> bytes:
    """``writer``'s ``fmt`` bytes of ``typeset``; its failure is one line naming ``what``."""
    with _one_line_errors(f"{fmt}: could not render {what}"):
        data: object = writer.write_pack(typeset, style)
    return _checked_bytes(data, fmt)


def _typeset(pack: Pack, style: Style) -> Pack:
    """``pack`` with its text set as the style says (curly quotes, no-break spaces).

    Done here, once, for every writer alike (plugins' too), so that no format prints
    straight quotes where another prints curly ones (:mod:`briefconv.typography`).
    """
    from briefconv.typography import typeset_pack

    return typeset_pack(pack, quotes=style.smart_quotes)


def render_pack(pack: Pack, fmt: str, style: Style | str | Path | None = None) -> bytes:
    """Render a briefing pack (see :func:`make_pack`, :func:`load_manifest`) to ``fmt`` bytes."""
    resolved = style if isinstance(style, Style) else load_style(style)
    writer = get_writer(fmt)
    typeset = _typeset(pack, resolved)
    return _written(writer, typeset, fmt, resolved, f"the pack {pack.meta.title!r}")


def output_name(input_name: str | Path, fmt: str | None = None) -> str:
    """The output file name for an input and format: ``talks.txt``, ``pdf`` -> ``talks.pdf``.

    Standard input (``-``) is named ``stdin``; without ``fmt`` only the stem is returned.
    """
    stem = "stdin" if str(input_name) == "-" else Path(input_name).stem
    return stem if fmt is None else stem + get_writer(fmt).extension


def convert(
    path: str | Path,
    formats: str | Iterable[str] = DEFAULT_FORMATS,
    out_dir: str | Path = ".",
    *,
    style: Style | str | Path | None = None,
    title: str | None = None,
    encoding: str | None = None,
) -> list[Path]:
    """Convert one article file into one file per format in ``out_dir``; return their paths.

    ``formats`` is one name (``"pdf"``), a comma-separated list (``"docx,pdf"``) or a list
    of names. The article is parsed once and every format rendered from that one model.
    Each file is named after the input (``talks.txt`` -> ``talks.pdf``) and written
    atomically.
    """
    article = read_file(path, title=title, encoding=encoding)
    resolved = style if isinstance(style, Style) else load_style(style)
    output = Path(out_dir) / output_name(path)
    return write_outputs(article, formats, output, resolved, keep=[path])


def write_outputs(
    content: Article | Pack,
    formats: str | Iterable[str],
    output: str | Path,
    style: Style | str | Path | None = None,
    *,
    keep: Iterable[str | Path] = (),
    jobs: int = 1,
) -> list[Path]:
    """Render an article or a pack in every format, then write each file; their paths.

    ``output`` is the files' path without an extension: ``build/talks`` and ``pdf`` give
    ``build/talks.pdf`` (the folder is created if missing). Every format is rendered before
    any file is written, so a failure to render leaves no partial set. The files are then
    written as one: all are replaced or, if writing any fails (a full disk), none is; and
    no reader ever sees half a file.

    ``keep`` names files that must never be replaced, the sources the content was read
    from: an output that would be one of them (a plugin format whose extension is the
    input's, say) is an :class:`InputError` before anything is rendered or written.

    ``jobs`` above 1 renders an article's formats at once, in up to that many processes
    (forked, where that is safe; see :mod:`briefconv._parallel`): the same bytes and
    messages, sooner. A pack's formats are always rendered in turn, as its DOCX reuses the
    PDF's layout for its contents page numbers.
    """
    resolved = style if isinstance(style, Style) else load_style(style)
    output = Path(output)
    formats = _formats(formats)
    # Checked before rendering, so the refusal costs no rendering.
    refuse_inputs([output.with_name(output.name + extension_of(f)) for f in formats], keep)
    from briefconv._parallel import render_formats
    from briefconv.pack import handout

    if isinstance(content, Pack):
        pack, what = content, f"the pack {content.meta.title!r}"
        jobs = 1  # its DOCX takes its contents page numbers from the PDF's layout
    else:
        pack, what = handout(content), repr(content.meta.title)
    # Typeset once for every format: they all print the same text.
    typeset = _typeset(pack, resolved)

    def render_one(fmt: str) -> bytes:
        return _written(get_writer(fmt), typeset, fmt, resolved, what)

    rendered = render_formats(render_one, formats, jobs)
    # The extension is appended, not substituted: "weekly.v2" -> "weekly.v2.pdf".
    files = [
        (output.with_name(output.name + extension_of(fmt)), data)
        for fmt, data in zip(formats, rendered, strict=True)
    ]
    # All or nothing: a full disk after the DOCX must not leave it beside an old PDF.
    write_all_atomic(files)
    return [target for target, _ in files]


@dataclass(frozen=True, slots=True)
class BuiltPack:
    """A pack ready to render, as :func:`build_pack` resolved it.

    ``style`` is the resolved style to render it in, ``formats`` the checked format names
    in order, and ``output`` the files' path without extension, for :func:`write_outputs`;
    ``sources`` are the files it was read from (a manifest and its articles), which
    :func:`write_outputs` must be told to ``keep``.
    """

    pack: Pack
    style: Style
    formats: tuple[str, ...]
    output: Path
    sources: tuple[Path, ...] = ()


def build_pack(
    inputs: str | Path | Sequence[str | Path],
    *,
    style: Style | str | Path | None = None,
    formats: str | Iterable[str] = (),
    output: str | Path | None = None,
    title: str | None = None,
    subtitle: str | None = None,
    date: str | None = None,
    prepared_by: str | None = None,
    prepared_for: str | None = None,
    classification: str | None = None,
    language: str | None = None,
    reference: str | None = None,
    cover: bool | None = None,
    contents: bool | None = None,
    encoding: str | None = None,
    input_format: str | None = None,
    max_bytes: int | None = None,
    allow_outside: bool = False,
    progress: Callable[[int, int, str], None] | None = None,
) -> BuiltPack:
    """Build a briefing pack from one manifest (``.toml``) or from article files.

    What is given here wins over the manifest, which wins over the defaults:

    - the pack's details (``title`` ... ``reference``), when not ``None``; without a
      manifest the title defaults to "Briefing Pack" and the language to the first
      article's;
    - ``style``, else the manifest's, else the default style;
    - ``formats``, else the manifest's, else :data:`DEFAULT_FORMATS`; names may be
      comma-separated, and an unknown one is a :class:`FormatError`;
    - ``output``, else the manifest's, else ``briefing-pack``: a path without extension;
      or one file whose extension names its format (``weekly.pdf``: that format only,
      a :class:`FormatError` if ``formats`` asks for others); or a folder (existing, or
      ending in ``/``) to write ``briefing-pack.*`` in;
    - ``cover`` and ``contents`` (whether the pack has a cover page and an "In this
      pack" page), when not ``None``, else the manifest's, else both.

    ``date`` must be a real date, ``2026-11-26`` or another form
    :func:`briefconv.dates.check_date` takes; anything else is an :class:`InputError`
    naming ``date``, before any article is read.

    Reading times use the manifest's ``words_per_minute``, else the style's ``[pack]``
    ``words_per_minute``, else :data:`briefconv.pack.DEFAULT_WORDS_PER_MINUTE`.

    Every article is read with ``encoding``, ``input_format``, ``max_bytes`` (default
    10 MiB) and ``allow_outside``, as in :func:`read_file`; ``-`` reads standard input.
    A manifest's articles are read with its ``encoding``, ``from`` and ``max_size`` where
    those given here are ``None``; ``allow_outside`` only the caller can give.
    ``progress(number, total, name)`` is called before each article file given in
    ``inputs`` is read (a manifest's articles are read in one step, without it).

    A manifest's mistakes are one :class:`~briefconv.errors.ManifestError` listing them
    all (see :func:`briefconv.load_manifest`); those in keys replaced by what is given
    here are not checked.
    """
    from briefconv.manifest import load_manifest
    from briefconv.pack import DEFAULT_WORDS_PER_MINUTE, make_pack

    names = [inputs] if isinstance(inputs, (str, Path)) else list(inputs)
    if not names:
        raise InputError("a pack needs at least one article or a manifest")
    details = {
        "title": title,
        "subtitle": subtitle,
        "date": date,
        "prepared_by": prepared_by,
        "prepared_for": prepared_for,
        "classification": classification,
        "language": language,
        "reference": reference,
    }
    given = {key: value for key, value in details.items() if value is not None}
    if date is not None:
        # Checked before any article is read: a wrong date costs nothing to report.
        try:
            given["date"] = check_date(date)
        except ValueError as exc:
            raise InputError(f"date: {exc}") from None
    # The caller's formats and style are checked before any article is read.
    chosen = _formats(formats)
    if len(names) == 1 and str(names[0]).endswith(".toml"):
        given_style = _style(style) if style is not None else None
        # What the caller gives replaces the manifest's, which then goes unchecked: a
        # style or format only the manifest's author has must not stop -s or -t.
        replaced = {
            *given,
            *(["formats"] if chosen else []),
            *(["style"] if style is not None else []),
            *(["output"] if output is not None else []),
            *(["cover"] if cover is not None else []),
            *(["contents"] if contents is not None else []),
        }
        manifest = load_manifest(
            names[0],
            encoding=encoding,
            input_format=input_format,
            max_bytes=max_bytes,
            allow_outside=allow_outside,
            overridden=replaced,
        )
        resolved = given_style or _style(manifest.style)
        wpm = resolved.pack.get("words_per_minute", DEFAULT_WORDS_PER_MINUTE)
        pack = manifest.to_pack(words_per_minute=wpm)
        if given:
            # Applied to the finished pack, so the manifest's articles, ids and reading
            # times stay as the manifest made them; only the cover and metadata change.
            pack = dataclasses.replace(pack, meta=dataclasses.replace(pack.meta, **given))
        pack = dataclasses.replace(pack, layout=_layout(pack.layout, cover, contents))
        chosen = chosen or manifest.formats
        target: str | Path = output if output is not None else manifest.output
        sources: list[str | Path] = [manifest.path, *manifest.article_paths]
    else:
        if any(str(name).endswith(".toml") for name in names):
            raise InputError("a manifest (.toml) must be the only input")
        if [str(name) for name in names].count("-") > 1:
            raise InputError("standard input (-) can be read only once")
        resolved = _style(style)
        articles = []
        for number, name in enumerate(names, start=1):
            if progress is not None:
                progress(number, len(names), str(name))
            article = read_file(
                name,
                encoding=encoding,
                input_format=input_format,
                max_bytes=max_bytes if max_bytes is not None else MAX_BYTES,
                allow_outside=allow_outside,
            )
            articles.append(article)
        meta = PackMeta(
            title=title or _DEFAULT_PACK_TITLE,
            subtitle=subtitle,
            date=given.get("date"),
            prepared_by=prepared_by,
            prepared_for=prepared_for,
            classification=classification,
            language=language or articles[0].meta.language,
            reference=reference,
        )
        wpm = resolved.pack.get("words_per_minute", DEFAULT_WORDS_PER_MINUTE)
        layout = _layout(PACK_LAYOUT, cover, contents)
        pack = make_pack(articles, meta, words_per_minute=wpm, layout=layout)
        target = output if output is not None else _DEFAULT_PACK_OUTPUT
        sources = list(names)
    stem, chosen = _pack_output(target, chosen, _formats(formats))
    kept = tuple(Path(name) for name in sources if str(name) != "-")
    return BuiltPack(pack, resolved, chosen or DEFAULT_FORMATS, stem, kept)


def _pack_output(
    target: str | Path, chosen: tuple[str, ...], asked: tuple[str, ...]
) -> tuple[Path, tuple[str, ...]]:
    """A pack's output path without extension, and its formats, from ``target``.

    ``weekly.pdf`` is that one file, in the format its extension names (as in pandoc);
    a caller who also asked for other ``formats`` gets a :class:`FormatError`, not a
    guess. A folder (existing, or written with a trailing ``/``) gets
    ``briefing-pack.*`` in it. Any other name is the stem the extensions are added to
    (``weekly.v2`` -> ``weekly.v2.pdf``).
    """
    import os

    from briefconv.writers import format_for_extension

    path = Path(target)
    if str(target).endswith(("/", os.sep)) or path.is_dir():
        return path / _DEFAULT_PACK_OUTPUT, chosen
    fmt = format_for_extension(path.suffix) if path.suffix else None
    if fmt is None:
        return path, chosen
    if asked and asked != (fmt,):
        raise FormatError(
            f"output {target}: the name makes it a {fmt} file, but the formats asked for "
            f"are {', '.join(asked)}; give a name without an extension to write several"
        )
    return path.with_suffix(""), (fmt,)


def _layout(layout: Layout, cover: bool | None, contents: bool | None) -> Layout:
    """``layout`` with the cover and contents the caller asked for (``None``: as it is)."""
    return dataclasses.replace(
        layout,
        cover=layout.cover if cover is None else cover,
        contents=layout.contents if contents is None else contents,
    )


def _style(style: Style | str | Path | None) -> Style:
    """``style`` resolved: a :class:`Style` as it is, else loaded by name or path."""
    return style if isinstance(style, Style) else load_style(style)


def _formats(values: str | Iterable[str]) -> tuple[str, ...]:
    """``["docx,pdf", "PDF", "epub"]`` or ``"docx,pdf"`` -> ``("docx", "pdf", "epub")``, checked.

    One string is one value, not a sequence of one-letter names (``"pdf"`` is the PDF
    format, not ``p``, ``d`` and ``f``). An unknown name is a :class:`FormatError` naming
    ``formats``, the argument it is in (a manifest's are checked, and named, by
    :func:`briefconv.load_manifest`).
    """
    try:
        return format_names(values)
    except FormatError as exc:
        raise FormatError(f"formats: {exc}") from None
