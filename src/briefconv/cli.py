"""The ``briefconv`` command: a thin click layer over the library.

It knows formats only by name: reading, styles, building packs and rendering all go
through the public API; converting many inputs at once (``--jobs``) is the work of
:mod:`briefconv._batch`. Exit status: 0 success, 1 failure (one ``briefconv: error:`` line, never a
traceback), 2 usage error, 130 interrupted.

Loading this module imports click and almost nothing else: everything heavier (the model,
styles, writers, logging, pathlib, subprocess) is imported inside the command that needs
it, so ``briefconv --help`` and ``--version`` start as fast as click allows.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import click

import briefconv
from briefconv.errors import BriefconvError

if TYPE_CHECKING:
    import logging

    from click.shell_completion import CompletionItem

    from briefconv.model import Article, BulletList, OrderedList
    from briefconv.styles import Style

__all__ = ["cli", "main"]

# The name of the handler that prints log records on stderr; see _set_up_logging.
_HANDLER_NAME = "briefconv-cli-stderr"

_MAIN_HELP = """Turn news-style articles into briefing handouts: DOCX, PDF and EPUB.

\b
Examples:
  briefconv convert source/istanbul-talks.txt -o build
  briefconv convert article.txt -t pdf -o - > article.pdf
  cat article.txt | briefconv convert - -t epub --title "Talks resume" -o build
  briefconv inspect source/istanbul-talks.txt
  briefconv styles show default > styles/house.toml
  briefconv pack source/pack.toml -o build/briefing-pack
  briefconv formats
"""


def _logger() -> logging.Logger:
    """The ``briefconv`` logger (logging is imported on first use: --help never logs)."""
    import logging

    return logging.getLogger("briefconv")


def _set_up_logging(level: int) -> None:
    """Print the ``briefconv`` logger's records as ``briefconv: warning: ...`` lines."""
    import logging

    class StderrHandler(logging.Handler):
        """Prints each record as one ``briefconv: warning|info: ...`` line."""

        def emit(self, record: logging.LogRecord) -> None:
            kind = "warning" if record.levelno >= logging.WARNING else "info"
            click.echo(f"briefconv: {kind}: {_printable(record.getMessage())}", err=True)

    log = logging.getLogger("briefconv")
    # One process may run many commands (tests, embedding): replace our handler, never
    # stack a second one. Found by name, as the class is made afresh on each call.
    for old in [h for h in log.handlers if h.get_name() == _HANDLER_NAME]:
        log.removeHandler(old)
    handler = StderrHandler()
    handler.set_name(_HANDLER_NAME)
    log.addHandler(handler)
    log.propagate = False
    log.setLevel(level)


def _end_start_up(formats: Sequence[str] = ()) -> None:
    """Import the writers of ``formats``, then let the garbage collector run again.

    :func:`main` pauses the collector for start-up; see :mod:`briefconv._startup`. Each
    command ends start-up before its real work, so a long run (a batch, a big pack, many
    checks) collects as usual; ``convert`` of a single input leaves it to the library,
    which ends it in each process that renders (its formats may render in parallel).
    """
    from briefconv import _startup

    _startup.end(formats)


@click.group(help=_MAIN_HELP, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(briefconv.__version__, "-V", "--version", prog_name="briefconv")
@click.option("-q", "--quiet", is_flag=True, help="Print errors only, no warnings.")
@click.option("-v", "--verbose", is_flag=True, help="Also say what was written.")
@click.pass_context
def cli(ctx: click.Context, quiet: bool, verbose: bool) -> None:
    """Set up messages on standard error for every subcommand."""
    import logging

    _set_up_logging(logging.ERROR if quiet else logging.INFO if verbose else logging.WARNING)
    if ctx.invoked_subcommand not in ("convert", "pack"):
        # They end start-up themselves, once they know which writers they need.
        _end_start_up()


def _set_verbosity(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    """``-q``/``-v`` given after the subcommand: the same as before it (the last one wins)."""
    if value:
        import logging

        _set_up_logging(logging.ERROR if param.name == "quiet" else logging.INFO)


def _verbosity_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Accept ``-q`` and ``-v`` after the subcommand too, as users type them.

    ``briefconv convert x.txt -q`` is as natural as ``briefconv -q convert x.txt``;
    click accepts a group's options only before the subcommand, so every subcommand
    takes them as well. Options are processed in the order typed, so the last wins.
    """
    command = click.option(
        "-v",
        "--verbose",
        is_flag=True,
        expose_value=False,
        callback=_set_verbosity,
        help="Also say what was written.",
    )(command)
    return click.option(
        "-q",
        "--quiet",
        is_flag=True,
        expose_value=False,
        callback=_set_verbosity,
        help="Print errors only: no warnings, no progress.",
    )(command)


def _quiet() -> bool:
    """Whether ``-q`` was given: progress lines are then not shown either."""
    import logging

    return not _logger().isEnabledFor(logging.WARNING)


def _complete_formats(
    ctx: click.Context, param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    """Shell completion of ``-t``: format names, after any already given (``docx,p``)."""
    from click.shell_completion import CompletionItem

    from briefconv.writers import available_writers

    head, comma, last = incomplete.rpartition(",")
    given = set(head.lower().split(","))
    return [
        CompletionItem(f"{head}{comma}{name}")
        for name in available_writers()
        if name.startswith(last.lower()) and name not in given
    ]


def _complete_styles(
    ctx: click.Context, param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    """Shell completion of ``--style``: style names, or file names for a path."""
    from click.shell_completion import CompletionItem

    from briefconv.styles import style_names

    if "/" in incomplete or incomplete.startswith((".", "~")):
        return [CompletionItem(incomplete, type="file")]
    return [CompletionItem(name) for name in style_names() if name.startswith(incomplete)]


_FROM_OPTION = click.option(
    "-f",
    "--from",
    "input_format",
    type=click.Choice(["text", "markdown", "json"]),
    default=None,
    help="Input format (default: by extension: .md markdown, .json json, else text).",
)


def _parse_size(ctx: click.Context, param: click.Parameter, value: str | None) -> int:
    """``--max-size``: bytes, or a number with k, M or G (powers of 1024)."""
    from briefconv.readers import MAX_BYTES, parse_size

    if value is None:
        return MAX_BYTES
    try:
        return parse_size(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


_MAX_SIZE_OPTION = click.option(
    "--max-size",
    "max_bytes",
    callback=_parse_size,
    metavar="SIZE",
    help="Largest input to read (default 10M); e.g. 50M.",
)


def _split_formats(values: Sequence[str]) -> list[str]:
    """``-t docx,pdf -t epub`` -> ``["docx", "pdf", "epub"]``, duplicates removed, checked.

    Empty when no ``-t`` was given (the caller's default applies).
    """
    from briefconv.writers import format_names

    try:
        return list(format_names(values))
    except BriefconvError as exc:
        raise click.BadParameter(str(exc), param_hint="'-t' / '--to'") from None


def _format_of(path: str) -> str | None:
    """The output format ``path``'s extension names (``out.pdf`` -> ``pdf``), if any."""
    from pathlib import PurePath

    from briefconv.writers import format_for_extension

    suffix = PurePath(path).suffix
    return format_for_extension(suffix) if suffix else None


def _output_plan(
    output: str, formats: list[str], count: int
) -> tuple[str, str | None, tuple[str, ...]]:
    """Where ``convert -o OUTPUT`` writes, as ``(folder, file or None, formats)``.

    As in pandoc, ``-o talks.pdf`` is one file, its format from its extension; as before,
    ``-o build`` is a folder for one file per input and format; ``-o -`` is standard
    output. What could be either is a usage error, not a guess.
    """
    import os

    default = tuple(formats) or tuple(briefconv.DEFAULT_FORMATS)
    if output == "-":
        if len(default) != 1 or count != 1:
            raise click.UsageError(
                "-o - writes to standard output: give exactly one input and one format"
            )
        return output, None, default
    if output.endswith(("/", os.sep)) or os.path.isdir(output):
        return output, None, default
    fmt = _format_of(output)
    if fmt is None:
        from pathlib import PurePath

        suffix = PurePath(output).suffix
        if not suffix:
            return output, None, default  # a folder, made if missing
        raise click.UsageError(
            f"-o {output}: {suffix} is not an output format's extension, so this could be "
            "a file or a folder; name a file such as talks.pdf, or a folder (end it with / "
            "if its name has a dot)"
        )
    if count != 1:
        raise click.UsageError(
            f"-o {output} names one {fmt} file, but {count} inputs were given; "
            "give a folder (-o DIR) to convert several"
        )
    if formats and formats != [fmt]:
        raise click.UsageError(
            f"-o {output} names a {fmt} file, but -t asks for {','.join(formats)}; "
            "give a folder (-o DIR) to write several formats"
        )
    return ".", output, (fmt,)


def _printable(text: str) -> str:
    r"""``text`` safe to print on a terminal: control characters shown as escapes.

    A file named with an escape sequence must not retitle, recolour or clear the user's
    terminal when an error names it::

        >>> _printable("a\x1b]0;pwned\x07.txt")
        'a\\x1b]0;pwned\\x07.txt'
    """
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() or ch == " " else ascii(ch)[1:-1] for ch in text)


def _fail(message: str) -> None:
    click.echo(f"briefconv: error: {_printable(message)}", err=True)


_CONVERT_HELP = """Convert each INPUT article into handouts, one file per format.

INPUT is a text file, or - for standard input. Each input is parsed once and every
format is rendered from that one model. Files are written atomically, never over an
input.

-o names where: a file such as talks.pdf (one input; its format from the extension,
as in pandoc), a folder (one file per input and format, named after the input:
talks.txt -> DIR/talks.pdf; from standard input, after the title), or - for standard
output (one input, one format).

A --filter gets the model's JSON on stdin and prints the changed model on stdout
(as pandoc's JSON filters do); it can be written in any language.

Several inputs are converted in parallel, --jobs at a time (default: one per CPU),
each in its own worker process; the files written, and the messages and their order,
are the same as with --jobs 1, which converts one input after another in this process.

\b
Examples:
  briefconv convert source/*.txt -o build
  briefconv convert talks.txt -o talks.pdf
  briefconv convert source/*.txt source/*.md -o build --jobs 4
  briefconv convert talks.txt -t docx,pdf --style default
  briefconv convert talks.txt -t pdf -o - > talks.pdf
  briefconv convert notes.md --filter ./number-headings.py -o build
  briefconv inspect talks.txt --json | my-tool | briefconv convert - --from json -o build
"""


_STYLE_OPTION = click.option(
    "-s",
    "--style",
    default=None,
    metavar="NAME|PATH",
    shell_complete=_complete_styles,
    help="Style (default: default).",
)


def _to_option(default: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """The ``-t/--to`` option, with format-name completion."""
    return click.option(
        "-t",
        "--to",
        "formats",
        multiple=True,
        metavar="FORMATS",
        shell_complete=_complete_formats,
        help=f"Output formats, comma-separated or repeated (default: {default}).",
    )


def _load_style_option(style: str | None) -> Style:
    """The ``--style`` asked for; a name or path that finds no style is a usage error."""
    from briefconv.styles import StyleNotFound

    try:
        return briefconv.load_style(style)
    except StyleNotFound as exc:
        if style is not None and exc.name == style:
            raise click.BadParameter(str(exc), param_hint="'-s' / '--style'") from None
        raise


@cli.command(help=_CONVERT_HELP)
@_verbosity_options
@click.argument("inputs", nargs=-1, required=True, metavar="INPUT...", type=click.Path())
@_to_option("docx,pdf,epub; from -o FILE.ext, that format")
@click.option(
    "-o",
    "--output",
    "--output-dir",
    "out_dir",
    default=".",
    metavar="FILE|DIR",
    type=click.Path(),
    help="A file (talks.pdf: one input, its format), a folder (created if missing), "
    "or - for standard output (default: the current folder).",
)
@_STYLE_OPTION
@click.option("--title", default=None, help="Title to use instead of the one found in the text.")
@click.option("--encoding", default=None, help="Input encoding if not UTF-8/UTF-16 with BOM.")
@_FROM_OPTION
@_MAX_SIZE_OPTION
@click.option(
    "--allow-outside",
    is_flag=True,
    help="Show images from outside the article's folder (refused by default).",
)
@click.option(
    "--filter",
    "filters",
    multiple=True,
    metavar="CMD",
    help="Pipe the model's JSON through CMD before rendering (repeatable; see --help).",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    metavar="N",
    help="Use up to N processes (default: the number of CPUs): N inputs at once, or one "
    "input's formats at once; 1: everything in this process, one after another.",
)
@click.pass_context
def convert(
    ctx: click.Context,
    inputs: tuple[str, ...],
    formats: tuple[str, ...],
    out_dir: str,
    style: str | None,
    title: str | None,
    encoding: str | None,
    input_format: str | None,
    max_bytes: int,
    allow_outside: bool,
    filters: tuple[str, ...],
    jobs: int | None,
) -> None:
    """Convert articles to handouts (see the help text above)."""
    out_dir, out_file, fmts = _output_plan(out_dir, _split_formats(formats), len(inputs))
    if inputs.count("-") > 1:
        raise click.UsageError("standard input (-) can be read only once")
    stems: dict[str, str] = {}
    for name in inputs:
        stem = briefconv.output_name(name)
        if stem in stems:
            raise click.UsageError(
                f"{stems[stem]} and {name} would both be written as {stem}.*; "
                "convert them separately"
            )
        stems[stem] = name
    try:
        resolved = _load_style_option(style)
    except BriefconvError as exc:
        _fail(str(exc))
        ctx.exit(1)
    if len(inputs) > 1:
        # A single input's formats may render in processes of their own, each importing
        # only its writers: the library ends start-up in each (briefconv._startup).
        _end_start_up(fmts)
    # Imported here, as everything heavier than click is: --help must not load it.
    from briefconv import _batch

    job = _batch.Job(
        formats=fmts,
        out_dir=out_dir,
        out_file=out_file,
        style=resolved,
        title=title,
        encoding=encoding,
        input_format=input_format,
        max_bytes=max_bytes,
        allow_outside=allow_outside,
        filters=filters,
    )
    show_progress = len(inputs) > 1 and sys.stderr.isatty() and not _quiet()

    def progress(number: int, name: str) -> None:
        if show_progress:
            click.echo(f"[{number}/{len(inputs)}] {_printable(name)}", err=True)

    failed = _batch.run(job, inputs, jobs, progress=progress, fail=_fail)
    if failed:
        if len(inputs) > 1:
            _fail(f"{len(failed)} of {len(inputs)} inputs failed: {', '.join(failed)}")
        ctx.exit(1)


def _outline(article: Article) -> list[str]:
    """A readable outline of the parsed structure, one line per block."""
    from briefconv.model import (
        BulletList,
        CodeBlock,
        Figure,
        Heading,
        OrderedList,
        Paragraph,
        Quote,
        Table,
        ThematicBreak,
        notes_in,
        plain_text,
    )

    meta = article.meta
    counts: dict[str, int] = {}
    for block in article.blocks:
        counts[type(block).__name__] = counts.get(type(block).__name__, 0) + 1
    lines = [f"Title:    {meta.title}"]
    for label, value in (
        ("Subtitle", meta.subtitle),
        ("Authors", ", ".join(meta.authors) or None),
        ("Date", meta.date),
        ("Source", meta.source),
        ("URL", meta.url),
    ):
        if value:
            lines.append(f"{label + ':':<10}{value}")
    lines.append(f"Language: {meta.language}")
    summary = ", ".join(f"{n} {k}" for k, n in sorted(counts.items())) or "no blocks"
    lines.append(f"Blocks:   {summary}")
    lines.append("")

    def short(text: str, width: int = 76) -> str:
        return text if len(text) <= width else text[: width - 1] + "…"

    indent = ""
    for block in article.blocks:
        match block:
            case Heading(level=level, children=children):
                indent = "  " * level
                lines.append(f"{'  ' * (level - 1)}{'#' * level} {plain_text(children)}")
            case Paragraph(children=children):
                lines.append(f"{indent}¶ {short(plain_text(children))}")
            case Quote(paragraphs=paragraphs, attribution=attribution):
                for para in paragraphs:
                    lines.append(f"{indent}> {short(plain_text(para.children))}")
                if attribution:
                    lines.append(f"{indent}> — {plain_text(attribution)}")
            case OrderedList() | BulletList():
                lines.extend(_list_outline(block, indent, short))
            case ThematicBreak():
                lines.append(f"{indent}* * *")
            case Figure(src=src, alt=alt, path=path):
                shown = "" if path else " (not shown: alt text only)"
                lines.append(f"{indent}[image {src}: {short(alt, 50)}]{shown}")
            case CodeBlock(text=text, language=language):
                count = len(text.splitlines())
                lines.append(f"{indent}``` {language or 'code'}: {count} line(s)")
            case Table(header=header, rows=rows):
                names = " | ".join(plain_text(cell) for cell in header)
                lines.append(f"{indent}[table {len(header)}×{len(rows)}: {short(names, 50)}]")
        for note in notes_in(block):
            text = " ".join(plain_text(p.children) for p in note.blocks if isinstance(p, Paragraph))
            lines.append(f"{indent}  [^] {short(text, 70)}")
    return lines


def _list_outline(
    block: BulletList | OrderedList, indent: str, short: Callable[[str], str]
) -> list[str]:
    """Outline lines of a list and its nested lists."""
    from briefconv.model import OrderedList, plain_text

    lines: list[str] = []
    subs: dict[int, list[BulletList | OrderedList]] = {}
    for index, sub in block.sublists:
        subs.setdefault(index, []).append(sub)
    for i, item in enumerate(block.items):
        mark = f"{block.start + i}." if isinstance(block, OrderedList) else "•"
        if block.checks and block.checks[i] is not None:
            mark += " [x]" if block.checks[i] else " [ ]"
        lines.append(f"{indent}{mark} {short(plain_text(item))}")
        for sub in subs.get(i, []):
            lines.extend(_list_outline(sub, indent + "  ", short))
    return lines


_INSPECT_HELP = """Show the structure briefconv finds in an article.

\b
Examples:
  briefconv inspect source/istanbul-talks.txt
  briefconv inspect source/istanbul-talks.txt --json > talks.json
"""


@cli.command(help=_INSPECT_HELP)
@_verbosity_options
@click.argument("input_path", metavar="INPUT", type=click.Path())
@click.option("--json", "as_json", is_flag=True, help="Print the model as versioned JSON.")
@click.option("--title", default=None, help="Title to use instead of the one found in the text.")
@click.option("--encoding", default=None, help="Input encoding if not UTF-8/UTF-16 with BOM.")
@_FROM_OPTION
@_MAX_SIZE_OPTION
@click.pass_context
def inspect(
    ctx: click.Context,
    input_path: str,
    as_json: bool,
    title: str | None,
    encoding: str | None,
    input_format: str | None,
    max_bytes: int,
) -> None:
    """Print an article's parsed structure (see the help text above)."""
    try:
        article = briefconv.read_file(
            input_path,
            title=title,
            encoding=encoding,
            input_format=input_format,
            max_bytes=max_bytes,
        )
    except BriefconvError as exc:
        _fail(str(exc))
        ctx.exit(1)
    if as_json:
        click.echo(briefconv.to_json(article), nl=False)
    else:
        click.echo("\n".join(_outline(article)))


_PACK_HELP = """Bundle articles into one briefing pack: cover, contents, every article on
its own pages, running headers, markings and page numbers.

Give the articles and the pack's details as options, or one MANIFEST.toml that lists them
(options given here override the manifest's). -o OUT writes OUT.docx, OUT.pdf and
OUT.epub; -o OUT.pdf writes that one file, its format from the extension (as in pandoc).
Every article is read with the --encoding, --from, --max-size and --allow-outside given
here, as convert reads its inputs; a manifest may set the first three for its articles
(encoding, from, max_size), never --allow-outside. Every mistake in a manifest is
reported at once, one line each, before anything is written.

\b
Examples:
  briefconv pack source/pack.toml -o build/briefing-pack
  briefconv pack source/pack.toml -o build/weekly.pdf
  briefconv pack a.txt b.txt c.txt -o weekly --title "Weekly brief" \\
      --date 2026-11-26 --prepared-for "Foreign Affairs Committee" --classification OFFICIAL
  briefconv pack a.txt b.txt -t pdf -o - > pack.pdf
"""


def _pack_size(ctx: click.Context, param: click.Parameter, value: str | None) -> int | None:
    """``pack --max-size``: as ``--max-size`` elsewhere, but ``None`` when not given.

    ``None`` leaves the limit to a manifest's ``max_size`` (then the default).
    """
    return None if value is None else _parse_size(ctx, param, value)


def _pack_date(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """``--date``: refused as a usage error unless it is a real date (not 2026-13-45)."""
    from briefconv.dates import check_date

    if value is None:
        return None
    try:
        return check_date(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


@cli.command(help=_PACK_HELP)
@_verbosity_options
@click.argument(
    "inputs", nargs=-1, required=True, metavar="INPUT...|MANIFEST.toml", type=click.Path()
)
@click.option(
    "-o",
    "--output",
    "output",
    default=None,
    metavar="OUT[.EXT]",
    type=click.Path(),
    help="Output path without extension, or one file such as weekly.pdf (default: the "
    "manifest's, else briefing-pack); - writes one format to stdout.",
)
@_to_option("docx,pdf,epub; from -o OUT.ext, that format")
@_STYLE_OPTION
@click.option("--title", default=None, help="The pack's title (default: Briefing Pack).")
@click.option("--subtitle", default=None, help="A line under the title on the cover.")
@click.option(
    "--date",
    "date",
    default=None,
    callback=_pack_date,
    help="The pack's date, e.g. 2026-11-26 or '26 November 2026'.",
)
@click.option("--prepared-by", default=None, help="Who prepared the pack.")
@click.option("--prepared-for", default=None, help="Who the pack is for.")
@click.option(
    "--classification",
    default=None,
    help="Marking printed on every page and in metadata, e.g. OFFICIAL.",
)
@click.option(
    "--language", default=None, help="The pack's language (default: the first article's)."
)
@click.option("--reference", default=None, help="The issuer's reference, printed on the cover.")
@click.option(
    "--cover/--no-cover",
    default=None,
    help="A cover page (default: the manifest's `cover`, else yes).",
)
@click.option(
    "--contents/--no-contents",
    default=None,
    help='An "In this pack" page (default: the manifest\'s `contents`, else yes).',
)
@click.option(
    "--encoding",
    default=None,
    help="Input encoding if not UTF-8/UTF-16 with BOM (default: the manifest's encoding).",
)
@click.option(
    "-f",
    "--from",
    "input_format",
    type=click.Choice(["text", "markdown", "json"]),
    default=None,
    help="Input format (default: the manifest's from, else by extension: .md markdown, "
    ".json json, else text).",
)
@click.option(
    "--max-size",
    "max_bytes",
    callback=_pack_size,
    metavar="SIZE",
    help="Largest article to read (default: the manifest's max_size, else 10M); e.g. 50M.",
)
@click.option(
    "--allow-outside",
    is_flag=True,
    help="Show images from outside each article's folder, and let a manifest name "
    "articles and an output outside its own (all refused by default).",
)
@click.pass_context
def pack(
    ctx: click.Context,
    inputs: tuple[str, ...],
    output: str | None,
    formats: tuple[str, ...],
    style: str | None,
    title: str | None,
    subtitle: str | None,
    date: str | None,
    prepared_by: str | None,
    prepared_for: str | None,
    classification: str | None,
    language: str | None,
    reference: str | None,
    cover: bool | None,
    contents: bool | None,
    encoding: str | None,
    input_format: str | None,
    max_bytes: int | None,
    allow_outside: bool,
) -> None:
    """Build a briefing pack (see the help text above)."""
    if len(inputs) > 1 and any(name.endswith(".toml") for name in inputs):
        raise click.UsageError("a manifest (.toml) must be the only input")
    if inputs.count("-") > 1:
        raise click.UsageError("standard input (-) can be read only once")
    show_progress = len(inputs) > 1 and sys.stderr.isatty() and not _quiet()

    def progress(number: int, total: int, name: str) -> None:
        if show_progress:
            click.echo(f"[{number}/{total}] reading {_printable(name)}", err=True)

    to_stdout = output == "-"
    fmts = _split_formats(formats)
    named = _format_of(output) if output is not None and not to_stdout else None
    if named is not None and fmts and fmts != [named]:
        raise click.UsageError(
            f"-o {output} names a {named} file, but -t asks for {','.join(fmts)}; "
            "give -o without an extension to write several formats"
        )
    # With no -t nor -o FILE.ext, the manifest names the formats: none is imported early.
    _end_start_up(fmts or ([named] if named else []))
    where = output  # named in an error without a file name (a full disk, say)
    try:
        chosen_style = _load_style_option(style) if style is not None else None
        built = briefconv.build_pack(
            inputs,
            style=chosen_style,
            formats=fmts,
            output=None if to_stdout else output,
            title=title,
            subtitle=subtitle,
            date=date,
            prepared_by=prepared_by,
            prepared_for=prepared_for,
            classification=classification,
            language=language,
            reference=reference,
            cover=cover,
            contents=contents,
            encoding=encoding,
            input_format=input_format,
            max_bytes=max_bytes,
            allow_outside=allow_outside,
            progress=progress,
        )
        if to_stdout:
            if len(built.formats) != 1:
                raise click.UsageError("-o - writes to standard output: give exactly one format")
            data = briefconv.render_pack(built.pack, built.formats[0], built.style)
            where = "standard output"
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
            return
        where = str(built.output)
        written = briefconv.write_outputs(
            built.pack, built.formats, built.output, built.style, keep=built.sources
        )
        for target in written:
            _logger().info("wrote %s", target)
    except BriefconvError as exc:
        from briefconv.errors import ManifestError

        # A manifest's mistakes come all at once: one error line each, every line escaped
        # on its own (a newline in a file name must not start a line of its own).
        for line in exc.problems if isinstance(exc, ManifestError) else [str(exc)]:
            _fail(line)
        ctx.exit(1)
    except BrokenPipeError:
        raise  # the reader of standard output went away: main() ends quietly
    except OSError as exc:
        _fail(f"{exc.filename or where}: {exc.strerror or exc}")
        ctx.exit(1)


_STYLES_HELP = """List the styles --style NAME can use, with their descriptions.

Project styles (styles/NAME.toml in the current folder) come first and hide bundled
styles of the same name.

\b
Examples:
  briefconv styles
  briefconv styles show default > styles/house.toml
"""


@cli.group(help=_STYLES_HELP, invoke_without_command=True)
@_verbosity_options
@click.pass_context
def styles(ctx: click.Context) -> None:
    """List styles, or run a ``styles`` subcommand."""
    if ctx.invoked_subcommand is not None:
        return
    from briefconv.styles import available_styles

    for info in available_styles():
        where = "bundled" if info.bundled else str(info.path)
        text = info.description if info.error is None else f"invalid: {info.error}"
        click.echo(f"{info.name:<14}{text}  [{where}]")


@styles.command("show")
@_verbosity_options
@click.argument("name", metavar="NAME|PATH", shell_complete=_complete_styles)
@click.pass_context
def styles_show(ctx: click.Context, name: str) -> None:
    """Print a style fully resolved, as TOML: a starting point for a house style."""
    from briefconv.styles import style_to_toml

    try:
        click.echo(style_to_toml(briefconv.load_style(name)), nl=False)
    except BriefconvError as exc:
        _fail(str(exc))
        ctx.exit(1)


_CHECK_HELP = """Check DOCX, PDF, EPUB and HTML files briefconv made: structure (headings in order
from real heading styles, outline, nav), language, title metadata, embedded fonts,
accessibility metadata, and EPUBCheck when Java and the epubcheck package are present.

Each FILE gets one line: "ok", "N problem(s)" followed by them, or "not checked (WHY)".
An empty, damaged, unreadable or missing file is a problem, and the next file is still
checked. With JPype installed (pip install jpype1), EPUBCheck checks every EPUB in one
Java process, not one each. On a terminal, standard error shows "[i/n] FILE" as each of
several files starts, and a line when EPUBCheck starts; -q hides them.

Exit status 1 if any file has a problem or could not be checked at all: a PDF needs
pypdf (pip install 'briefconv[check]'), so CI never passes on files nobody read. An
EPUB whose own checks passed is "ok (EPUBCheck not run: WHY)" when Java or the
epubcheck package is missing, and does not fail.

\b
Examples:
  briefconv check build/*.pdf build/*.docx build/*.epub
"""


@cli.command(help=_CHECK_HELP)
@_verbosity_options
@click.argument("files", nargs=-1, required=True, metavar="FILE...", type=click.Path())
@click.pass_context
def check(ctx: click.Context, files: tuple[str, ...]) -> None:
    """Check output files (see the help text above)."""
    import contextlib
    import logging
    from pathlib import Path

    from briefconv.check import check_files

    # Progress is for someone watching a terminal, and -q (which sets the briefconv logger
    # to ERROR) silences it with the warnings.
    chatty = sys.stderr.isatty() and logging.getLogger("briefconv").isEnabledFor(logging.WARNING)

    def starting(number: int, total: int) -> None:
        if chatty and total > 1:
            click.echo(f"[{number}/{total}] {_printable(files[number - 1])}", err=True)

    def epubcheck_starting(count: int, one_jvm: bool) -> None:
        # Even for one EPUB: Java takes seconds to start, and the wait needs a reason.
        if chatty:
            how = " in one Java process" if one_jvm else ", one Java process each"
            click.echo(f"running EPUBCheck on {count} EPUB(s){how}...", err=True)

    failed = 0
    paths = [Path(name) for name in files]
    reports = check_files(paths, on_start=starting, on_epubcheck=epubcheck_starting)
    # Closed on the way out, even interrupted: that stops EPUBCheck's Java process.
    with contextlib.closing(reports):
        for name, report in zip(files, reports, strict=True):
            # Names and messages (which quote the file) may hold escape sequences.
            click.echo(f"{_printable(name)}: {_printable(report.status)}")
            for finding in report.details:
                click.echo(f"  {finding.level}: {_printable(finding.message)}")
            failed += not report.passed
    if failed:
        ctx.exit(1)


@cli.command()
@_verbosity_options
def formats() -> None:
    """List the output formats, built-in and plugged in."""
    for name, description in briefconv.available_formats().items():
        click.echo(f"{name:<8}{description}")


class _Terminated(KeyboardInterrupt):
    """SIGTERM, raised as an interrupt so that clean-up runs (filters, workers, temp files)."""


def _terminate_like_interrupt() -> None:
    """Make SIGTERM unwind like Ctrl-C, rather than end the process where it stands.

    Python's default leaves filter processes and pool workers running and temporary files
    behind; unwinding runs the code that kills and removes them.
    """
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        return  # only the main thread may set handlers (a host calling main() in a thread)

    def handler(signum: int, frame: object) -> None:
        raise _Terminated

    signal.signal(signal.SIGTERM, handler)


def main(argv: Sequence[str] | None = None) -> Any:
    """Run the command line; exits with 0, 1 (failure), 2 (usage) or 130 (interrupted).

    It expects a process of its own (the console script's): the garbage collector is
    paused during start-up and what start-up made is frozen (see :func:`_end_start_up`).
    Called without ``argv``, as the console script and ``python -m briefconv`` call it, it
    ends the process itself once done (:func:`_exit_process`).
    """
    try:
        _main(argv)
    except SystemExit as exc:
        if argv is None:
            _exit_process(exc.code)
        raise


def _exit_process(code: object) -> None:
    """End the process with ``code`` now, without tearing the interpreter down.

    Python's own exit frees every object start-up made, module by module: 8-10 ms of a
    one-article run, for memory the system takes back anyway. What exit must still do is
    done here first: the ``atexit`` functions (logging's flush among them) and writing
    out standard output and error. Only when no other thread runs, which the normal exit
    would wait for; otherwise the normal exit happens.
    """
    import atexit
    import os
    import threading

    if threading.active_count() != 1:
        return
    status = code if isinstance(code, int) else 0 if code is None else 1
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:  # None without a console (pythonw)
                stream.flush()
        except ValueError:  # closed (a broken pipe's clean-up closes stderr)
            pass
        except OSError:  # a full disk behind `> file`: the output is incomplete
            status = status or 1
    os._exit(status)


def _main(argv: Sequence[str] | None) -> None:
    """:func:`main`'s work: always ends by raising :class:`SystemExit` with the status."""
    from briefconv import _startup

    args = list(argv) if argv is not None else sys.argv[1:]
    _terminate_like_interrupt()
    _startup.pause()
    try:
        # Not standalone: click would turn Ctrl-C into "Aborted!" and exit status 1. In this
        # mode click returns ctx.exit()'s code instead of exiting.
        code = cli.main(args=args, prog_name="briefconv", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except (KeyboardInterrupt, click.exceptions.Abort) as exc:
        # Outputs are renamed into place only when complete, so nothing is half-written;
        # in a batch, the files written before the interrupt are whole and stay.
        # click turns the interrupt into Abort, "from" it: look at the cause too.
        terminated = isinstance(exc, _Terminated) or isinstance(exc.__cause__, _Terminated)
        how = "terminated" if terminated else "interrupted"
        click.echo(
            f"briefconv: {how}; every file written is complete, none was left half-written",
            err=True,
        )
        sys.exit(143 if terminated else 130)
    except BrokenPipeError:
        # The reader of our stdout went away (e.g. `| head`): not an error worth a message.
        sys.stderr.close()
        sys.exit(1)
    except BriefconvError as exc:
        _fail(str(exc))
        sys.exit(1)
    except Exception as exc:  # the promise is no traceback, even for our own bugs
        _fail(f"internal error: {type(exc).__name__}: {exc} (please report this)")
        sys.exit(1)
    finally:
        # --help, --version and usage errors end before any command: nothing to freeze,
        # but a host that catches SystemExit gets its collector back.
        _startup.resume()
    sys.exit(code if isinstance(code, int) else 0)
