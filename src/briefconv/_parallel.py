"""One document's formats rendered at once, in forked processes: same files, less waiting.

Converting one article to DOCX, PDF and EPUB spends most of its time importing and
running three writers that share nothing but the typeset model: python-docx and its
template, reportlab and its fonts, ebooklib. :func:`render_formats` renders the first
format in this process and deals the others to up to ``jobs - 1`` forked children,
which start in about a millisecond holding the model, the style and every module
imported so far, import only their own writers, and hand their files' bytes back
through a pipe. Measured on the sample article (three formats, 2 CPUs): the slowest
branch, not the sum, is what the user waits for.

What makes this invisible:

- **The same bytes.** Each format is rendered by the same code on the same model in a
  process that holds nothing of the others'; no writer keeps state between formats.
- **The same messages, in the same order.** Each process collects the ``briefconv``
  logger's records per format; they are replayed here in format order, as rendering
  one format after another would log them.
- **The same failure.** A format that fails raises here the error it raised there, after
  the messages of the formats before it, as a sequential run would; its later formats'
  messages are dropped, as a sequential run would never have made them.
- **Nothing half-written, nothing left behind.** Children only render; this process
  writes every file (:func:`briefconv.api.write_outputs`). A child ends with
  :func:`os._exit` (no clean-up code of the parent's runs twice); one that dies without
  a result is a one-line :class:`~briefconv.errors.RenderError`; if this process is
  interrupted, its children are killed and reaped before the interrupt goes on.

Processes are forked only where that is safe: on a system with :func:`os.fork`, and
while this process runs no other thread (a forked child inherits a copy of every lock,
possibly held by a thread that does not exist in the child). Otherwise, and with
``jobs`` 1 or one format, the formats are rendered one after another, here.
"""

from __future__ import annotations

import logging
import os
import pickle
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from briefconv import _startup
from briefconv.errors import BriefconvError, RenderError

__all__ = ["can_fork", "render_formats"]

#: A format's outcome: its bytes, or the error it raised.
_Result = bytes | BriefconvError


@dataclass
class _Rendered:
    """What one process rendered: per format, the outcome and its log records in order."""

    results: dict[str, _Result] = field(default_factory=dict)
    logs: dict[str, list[tuple[str, int, str]]] = field(default_factory=dict)


def can_fork() -> bool:
    """Whether this process may fork a renderer: :func:`os.fork` exists and no other thread runs."""
    # macOS has fork, but its system frameworks are not fork-safe once used; multiprocessing
    # defaults to spawn there for that reason. Only Linux and the BSDs fork here.
    return hasattr(os, "fork") and sys.platform != "darwin" and threading.active_count() == 1


def render_formats(
    render_one: Callable[[str], bytes], formats: Sequence[str], jobs: int
) -> list[bytes]:
    """``[render_one(f) for f in formats]``, in up to ``jobs`` processes; see the module.

    ``render_one`` raises :class:`BriefconvError` for a format that fails (any other
    exception is a bug and propagates, as it would in a loop).
    """
    count = min(jobs, len(formats))
    if count < 2 or not can_fork():
        _startup.end(formats)
        return [render_one(fmt) for fmt in formats]
    rest = formats[1:]
    groups = [rest[k :: count - 1] for k in range(count - 1)]
    children: list[_Child] = []
    try:
        for group in groups:
            children.append(_Child.start(render_one, group))
        own = _render_group(render_one, formats[:1])
        done = [own] + [child.result() for child in children]
    except BaseException:
        for child in children:
            child.kill()
        raise
    results: dict[str, _Result] = {}
    logs: dict[str, list[tuple[str, int, str]]] = {}
    for part in done:
        results.update(part.results)
        logs.update(part.logs)
    out: list[bytes] = []
    for fmt in formats:
        for name, level, message in logs.get(fmt, []):
            logging.getLogger(name).log(level, "%s", message)
        outcome = results[fmt]
        if isinstance(outcome, BriefconvError):
            raise outcome
        out.append(outcome)
    return out


def _render_group(render_one: Callable[[str], bytes], group: Sequence[str]) -> _Rendered:
    """Render ``group`` here, ending start-up for its writers; collect outcomes and records."""
    _startup.end(group)
    rendered = _Rendered()
    for fmt in group:
        with _collected_records() as records:
            try:
                rendered.results[fmt] = render_one(fmt)
            except BriefconvError as exc:
                rendered.results[fmt] = exc
        rendered.logs[fmt] = records
    return rendered


class _Collector(logging.Handler):
    """Keeps each record's logger, level and message, to be replayed in format order."""

    def __init__(self, into: list[tuple[str, int, str]]) -> None:
        super().__init__()
        self.into = into

    def emit(self, record: logging.LogRecord) -> None:
        self.into.append((record.name, record.levelno, record.getMessage()))


@contextmanager
def _collected_records() -> Iterator[list[tuple[str, int, str]]]:
    """The ``briefconv`` logger's records while the block runs, kept instead of handled."""
    log = logging.getLogger("briefconv")
    records: list[tuple[str, int, str]] = []
    handlers, propagate = list(log.handlers), log.propagate
    for handler in handlers:
        log.removeHandler(handler)
    collector = _Collector(records)
    log.addHandler(collector)
    log.propagate = False
    try:
        yield records
    finally:
        log.removeHandler(collector)
        for handler in handlers:
            log.addHandler(handler)
        log.propagate = propagate


@dataclass
class _Child:
    """A forked process rendering ``group``; its pickled :class:`_Rendered` comes on ``fd``."""

    pid: int
    fd: int
    group: Sequence[str]

    @classmethod
    def start(cls, render_one: Callable[[str], bytes], group: Sequence[str]) -> _Child:
        """Fork a child that renders ``group`` and writes what it rendered to a pipe."""
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: never returns
            status = 1
            try:
                os.close(read_end)
                payload = pickle.dumps(_portable(_render_group(render_one, group)))
                with os.fdopen(write_end, "wb") as pipe:
                    pipe.write(payload)
                status = 0
            except BaseException:
                pass  # the parent reports a child that ends without a result
            finally:
                # No clean-up of the parent's (atexit, buffered output, temporary files)
                # may run a second time in the child.
                os._exit(status)
        os.close(write_end)
        return cls(pid, read_end, group)

    def result(self) -> _Rendered:
        """Wait for the child; what it rendered, or a :class:`RenderError` per format."""
        chunks: list[bytes] = []
        try:
            while chunk := os.read(self.fd, 1 << 20):
                chunks.append(chunk)
        finally:
            os.close(self.fd)
            self.fd = -1
        _, status = os.waitpid(self.pid, 0)
        self.pid = 0
        if os.waitstatus_to_exitcode(status) == 0:
            rendered = pickle.loads(b"".join(chunks))
            if isinstance(rendered, _Rendered):
                return rendered
        code = os.waitstatus_to_exitcode(status)
        how = f"was killed by signal {-code}" if code < 0 else f"exited with status {code}"
        return _Rendered(
            results={
                fmt: RenderError(f"{fmt}: the process rendering it {how}, with no result")
                for fmt in self.group
            }
        )

    def kill(self) -> None:
        """Stop the child if it still runs, and reap it (it writes no file: nothing is lost)."""
        import signal

        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1
        if self.pid:
            try:
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
            self.pid = 0


def _portable(rendered: _Rendered) -> _Rendered:
    """``rendered`` with every error one that pickles and unpickles (else a RenderError)."""
    for fmt, outcome in rendered.results.items():
        if isinstance(outcome, BriefconvError):
            try:
                pickle.loads(pickle.dumps(outcome))
            except Exception:
                rendered.results[fmt] = RenderError(str(outcome))
    return rendered
