"""``convert`` over many inputs: one after another here, or in a pool of worker processes.

The command line's ``convert --jobs N`` runs through :func:`run`. Whichever way an input is
converted, the files written, and the messages and their order, are the same: a pool's
results and log records are handed back and reported in input order.

The module is private (its name says so); the names the command line uses carry no
underscore. Nothing heavy is imported at load time: a spawned worker imports this module
first, and only then what converting its inputs needs.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, NamedTuple

import briefconv
from briefconv.errors import BriefconvError

if TYPE_CHECKING:
    import logging
    import multiprocessing.context

    from briefconv.styles import Style

__all__ = [
    "Job",
    "Outcome",
    "available_cpus",
    "convert_one",
    "pool_outcomes",
    "run",
    "stdin_stem",
]


def _logger() -> logging.Logger:
    """The ``briefconv`` logger (logging is imported on first use)."""
    import logging

    return logging.getLogger("briefconv")


class Job(NamedTuple):
    """What converting one input takes besides its name: the same for every input of a run.

    Sent once to each worker process (a NamedTuple, so it pickles where workers are spawned).
    ``out_dir`` ``-`` writes the one format to standard output; ``out_file``, when set,
    is the one file to write (``-o talks.pdf``: one input, one format), and ``out_dir``
    is then not used.
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
    out_file: str | None = None
    # Processes for one input's formats (see briefconv._parallel): set by run() when a
    # single input leaves the CPUs a pool of inputs would use idle.
    format_jobs: int = 1


class Outcome(NamedTuple):
    """What a worker hands back for one input: its log records, and its error if it failed."""

    log: list[tuple[int, str]]  # (level, message), in the order they were logged
    error: str | None


def run(
    job: Job,
    inputs: Sequence[str],
    jobs: int | None,
    *,
    progress: Callable[[int, str], None],
    fail: Callable[[str], None],
) -> list[str]:
    """Convert every input, ``jobs`` at a time (``None``: one per CPU); the inputs that failed.

    ``progress(number, name)`` is called as each input's report begins (numbered from 1),
    then its log records are logged, then ``fail(message)`` is called if it failed: in
    input order, whichever worker finished first, so the messages read as they do with
    ``jobs=1``.
    """
    allowed = available_cpus() if jobs is None else jobs
    workers = min(allowed, len(inputs))
    failed: list[str] = []
    if len(inputs) == 1:
        # One input: its formats get the processes a batch's inputs would have had.
        job = job._replace(format_jobs=allowed)
    # A single input (which -o - requires) runs here: a worker would only add time. So does
    # a batch that reads standard input, which belongs to this process.
    if workers == 1 or "-" in inputs:
        for number, name in enumerate(inputs, start=1):
            progress(number, name)
            error = convert_one(job, name)
            if error is not None:
                fail(error)
                failed.append(name)
        return failed
    log = _logger()
    with pool_outcomes(job, inputs, workers) as outcomes:
        for number, (name, outcome) in enumerate(zip(inputs, outcomes, strict=True), 1):
            progress(number, name)
            for level, message in outcome.log:
                log.log(level, "%s", message)
            if outcome.error is not None:
                fail(outcome.error)
                failed.append(name)
    return failed


def stdin_stem(article: briefconv.Article) -> str:
    """The file name, without extension, for an article read from standard input.

    Its title made into a file name (``Talks resume in Istanbul`` ->
    ``talks-resume-in-istanbul``), letters of any script kept, at most 60 characters and
    cut at a word; ``stdin`` if the text gave no title, or one without letters or digits::

        >>> from briefconv import Article, ArticleMeta
        >>> stdin_stem(Article(ArticleMeta("Talks: «Day 2» in Kyiv"), ()))
        'talks-day-2-in-kyiv'
    """
    import re
    import unicodedata

    if article.meta.title == "Untitled":  # the readers' title for text that has none
        return "stdin"
    words = re.findall(r"\w+", unicodedata.normalize("NFKC", article.meta.title).casefold())
    stem = ""
    for word in (w.strip("_") for w in words):
        if not word:
            continue
        if stem and len(stem) + 1 + len(word) > 60:
            break
        stem = f"{stem}-{word}" if stem else word[:60]
    return stem or "stdin"


def convert_one(job: Job, name: str) -> str | None:
    """Read, filter, render and write one input; return the error message if it failed.

    Shared by the in-process loop and the pool's workers.
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
        if job.out_file is None and job.out_dir == "-":
            data = briefconv.render(article, job.formats[0], job.style)
            try:
                sys.stdout.buffer.write(data)
                sys.stdout.buffer.flush()
            except BrokenPipeError:
                raise  # the reader went away (`| head`): main() ends quietly
            except OSError as exc:  # `> /dev/full`: the output failed, not the input
                return f"standard output: {exc.strerror or exc}"
            return None
        from pathlib import Path

        from briefconv._io import refuse_inputs, write_atomic

        if job.out_file is not None:
            target = Path(job.out_file)
            refuse_inputs([target], [name])
            write_atomic(target, briefconv.render(article, job.formats[0], job.style))
            _logger().info("wrote %s", target)
            return None
        stem = stdin_stem(article) if name == "-" else briefconv.output_name(name)
        output = Path(job.out_dir) / stem
        written = briefconv.write_outputs(
            article, job.formats, output, job.style, keep=[name], jobs=job.format_jobs
        )
        for target in written:
            _logger().info("wrote %s", target)
    except BriefconvError as exc:
        return str(exc)
    except OSError as exc:
        return f"{exc.filename or name}: {exc.strerror or exc}"
    except Exception as exc:
        # Our own bug, or a library's on odd input: this input failed, named, and the
        # batch goes on to the next one, in every mode, and ends with its summary.
        return f"{name}: internal error: {type(exc).__name__}: {exc} (please report this)"
    return None


def available_cpus() -> int:
    """The CPUs this process may run on: its affinity mask (taskset, cgroup cpusets) if known."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


@contextmanager
def pool_outcomes(job: Job, inputs: Sequence[str], workers: int) -> Iterator[Iterator[Outcome]]:
    """Convert ``inputs`` in ``workers`` processes; give their outcomes in input order.

    If the ``with`` block ends with an exception (Ctrl-C, or a worker's internal error), no
    further input is started; those already running finish, writing complete files or
    none, before the exception goes on to the caller. (A process killed mid-write would
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
_worker_job: Job | None = None
_worker_log: list[tuple[int, str]] = []
_worker_interrupted = False


def _start_worker(job: Job, log_level: int) -> None:
    """Set up a pool worker: keep the run's options, note Ctrl-C, collect log records."""
    import logging
    import signal

    from briefconv.writers import format_names

    global _worker_job
    signal.signal(signal.SIGINT, _note_interrupt)
    # The parent's death (below) or a termination signal: finish the input at hand, as
    # for Ctrl-C, rather than die mid-write (a forked worker would otherwise inherit the
    # command line's handler and unwind through the pool's machinery).
    signal.signal(signal.SIGTERM, _note_interrupt)
    _end_with_parent()
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
    # A spawned worker scans the writer plugins afresh if a plugin's format is asked for
    # (built-in names need no scan): drop the warnings this repeats (the parent has given
    # them), rather than print them again with the first input's.
    format_names(job.formats)
    _worker_log.clear()


def _end_with_parent() -> None:
    """Have the kernel terminate this worker when its parent dies (Linux), however it dies.

    A parent killed outright (SIGKILL, OOM) runs no clean-up; without this its workers
    would go on converting inputs nobody waits for. Elsewhere the pool's own pipe closing
    ends them once their current input is done.
    """
    import ctypes
    import signal

    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGTERM, 0, 0, 0)
    except (OSError, AttributeError):  # no prctl in this C library: keep the fallback
        return
    if os.getppid() == 1:  # the parent died before prctl took effect
        os._exit(1)


def _note_interrupt(signum: int, frame: object) -> None:
    """A worker's Ctrl-C handler: finish the input at hand (all its files), start no other."""
    global _worker_interrupted
    _worker_interrupted = True


def _convert_in_worker(name: str) -> Outcome:
    """Convert one input in a pool worker (see :func:`convert_one`)."""
    assert _worker_job is not None, "_start_worker has not run in this process"
    if _worker_interrupted:
        # Inputs already queued for this worker when Ctrl-C came: the parent, interrupted
        # too, has stopped handing out new ones, and gets this in place of an outcome.
        raise KeyboardInterrupt
    _worker_log.clear()
    error = convert_one(_worker_job, name)
    return Outcome(list(_worker_log), error)
