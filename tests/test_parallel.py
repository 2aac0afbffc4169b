"""One article's formats rendered in forked processes: same files, messages and failures.

:func:`briefconv._parallel.render_formats` is driven here with small ``render_one``
functions that say which process they ran in, log, fail, die or hang; and the real
writers are run through :func:`briefconv.write_outputs` and the command line with one
process and with several, which must write the same bytes and print the same messages.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import briefconv
from briefconv import _parallel
from briefconv.errors import BriefconvError, RenderError

from .conftest import SAMPLE

pytestmark = pytest.mark.skipif(not _parallel.can_fork(), reason="renders fork only on POSIX")

FORMATS = ("docx", "pdf", "epub")


def _pid_of(fmt: str) -> bytes:
    """A stand-in renderer: the format and the process that rendered it."""
    return f"{fmt}:{os.getpid()}".encode()


def _pids(results: list[bytes]) -> list[int]:
    return [int(r.decode().split(":")[1]) for r in results]


def test_the_first_format_renders_here_and_the_others_in_children() -> None:
    results = _parallel.render_formats(_pid_of, FORMATS, 3)
    # In format order, whichever process finished first.
    assert [r.decode().split(":")[0] for r in results] == list(FORMATS)
    pids = _pids(results)
    assert pids[0] == os.getpid()
    assert len(set(pids)) == 3


def test_two_processes_share_the_other_formats_in_one_child() -> None:
    pids = _pids(_parallel.render_formats(_pid_of, FORMATS, 2))
    assert pids[0] == os.getpid()
    assert pids[1] == pids[2] != os.getpid()


@pytest.mark.parametrize("jobs", [1, 5])
def test_one_process_or_one_format_renders_here(jobs: int) -> None:
    assert _pids(_parallel.render_formats(_pid_of, FORMATS, 1)) == [os.getpid()] * 3
    assert _pids(_parallel.render_formats(_pid_of, ["pdf"], jobs)) == [os.getpid()]


def test_no_fork_while_another_thread_runs() -> None:
    # A forked child would inherit locks that thread may hold: render here instead.
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        pids = _pids(_parallel.render_formats(_pid_of, FORMATS, 3))
    finally:
        stop.set()
        thread.join()
    assert pids == [os.getpid()] * 3


class _Records(logging.Handler):
    """Keeps the records the ``briefconv`` logger handles."""

    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def records() -> Iterator[list[logging.LogRecord]]:
    """What the ``briefconv`` logger handles, through a handler of its own (an earlier
    command-line test in this process may have turned its propagation off)."""
    log = logging.getLogger("briefconv")
    handler, level, propagate = _Records(), log.level, log.propagate
    log.addHandler(handler)
    log.setLevel(logging.WARNING)
    try:
        yield handler.records
    finally:
        log.removeHandler(handler)
        log.setLevel(level)
        log.propagate = propagate


def _logging_render(fmt: str) -> bytes:
    log = logging.getLogger("briefconv.writers.test")
    log.warning("%s: first", fmt)
    time.sleep(0.05 if fmt == "docx" else 0)  # the children finish before this process
    log.warning("%s: second", fmt)
    return fmt.encode()


@pytest.mark.parametrize("jobs", [1, 2, 3])
def test_messages_come_in_format_order_as_one_process_gives_them(
    jobs: int, records: list[logging.LogRecord]
) -> None:
    log = logging.getLogger("briefconv")
    handlers, propagate = list(log.handlers), log.propagate
    _parallel.render_formats(_logging_render, FORMATS, jobs)
    assert [(r.name, r.levelno, r.getMessage()) for r in records] == [
        ("briefconv.writers.test", logging.WARNING, f"{fmt}: {which}")
        for fmt in FORMATS
        for which in ("first", "second")
    ]
    # The logger's own set-up is back as it was.
    assert (log.handlers, log.propagate) == (handlers, propagate)


def _failing_render(fmt: str) -> bytes:
    logging.getLogger("briefconv").warning("rendering %s", fmt)
    if fmt == "pdf":
        raise RenderError("pdf: could not render 'Talks': no room on the page")
    return fmt.encode()


@pytest.mark.parametrize("jobs", [1, 3])
def test_a_child_s_error_is_raised_here_after_the_messages_before_it(
    jobs: int, records: list[logging.LogRecord]
) -> None:
    with pytest.raises(RenderError, match="no room on the page"):
        _parallel.render_formats(_failing_render, FORMATS, jobs)
    # As one process would: docx's and pdf's messages; epub's was never made there.
    assert [r.getMessage() for r in records] == ["rendering docx", "rendering pdf"]


class _OddError(BriefconvError):
    """An error whose constructor takes two arguments: it does not survive pickling."""

    def __init__(self, what: str, why: str) -> None:
        super().__init__(f"{what}: {why}")


def _odd_render(fmt: str) -> bytes:
    if fmt == "epub":
        raise _OddError("epub", "odd failure")
    return b""


def test_an_error_that_does_not_pickle_arrives_as_a_render_error_with_its_message() -> None:
    with pytest.raises(RenderError, match=r"^epub: odd failure$"):
        _parallel.render_formats(_odd_render, FORMATS, 3)


def _dying_render(fmt: str) -> bytes:
    if fmt == "pdf":
        os.kill(os.getpid(), signal.SIGKILL)
    if fmt == "epub":
        os._exit(3)
    return fmt.encode()


def test_a_child_that_dies_is_a_one_line_error_naming_its_format() -> None:
    with pytest.raises(RenderError, match=r"^pdf: the process rendering it was killed by signal 9"):
        _parallel.render_formats(_dying_render, FORMATS, 3)
    with pytest.raises(RenderError, match=r"^epub: the process rendering it exited with status 3"):
        _parallel.render_formats(_dying_render, ["docx", "epub"], 2)


def test_an_interrupt_here_kills_and_reaps_the_children(tmp_path: Path) -> None:
    pid_file = tmp_path / "child.pid"

    def render(fmt: str) -> bytes:
        if fmt == "docx":  # this process: wait for the child to start, then Ctrl-C
            for _ in range(500):
                if pid_file.exists() and pid_file.read_text():
                    break
                time.sleep(0.01)
            raise KeyboardInterrupt
        pid_file.write_text(str(os.getpid()))
        time.sleep(60)
        return b""

    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        _parallel.render_formats(render, ["docx", "pdf"], 2)
    assert time.monotonic() - started < 30  # not the child's minute
    child = int(pid_file.read_text())
    with pytest.raises(ChildProcessError):  # already reaped: no zombie left behind
        os.waitpid(child, os.WNOHANG)
    with pytest.raises(ProcessLookupError):
        os.kill(child, 0)


def test_write_outputs_writes_the_same_bytes_with_one_process_or_three(tmp_path: Path) -> None:
    article = briefconv.read_file(SAMPLE)
    one = briefconv.write_outputs(article, FORMATS, tmp_path / "one" / "talks", jobs=1)
    three = briefconv.write_outputs(article, FORMATS, tmp_path / "three" / "talks", jobs=3)
    assert (
        [p.name for p in one]
        == [p.name for p in three]
        == [
            "talks.docx",
            "talks.pdf",
            "talks.epub",
        ]
    )
    for a, b in zip(one, three, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "briefconv", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, "SOURCE_DATE_EPOCH": "1780000000"},
        timeout=300,
    )


def test_the_command_line_writes_and_says_the_same_with_one_process_or_three(
    tmp_path: Path,
) -> None:
    # A character no bundled font has: the PDF writer warns, from its child process.
    article = tmp_path / "glyphs.txt"
    article.write_text("Glyphs\n\nA smile \U0001f600 and a Coptic \u2ce9 letter.\n")
    runs = {j: _cli("convert", str(article), "-o", f"out{j}", "-j", j, cwd=tmp_path) for j in "13"}
    for proc in runs.values():
        assert proc.returncode == 0, proc.stderr
    assert "U+1F600" in runs["1"].stderr
    assert runs["3"].stderr == runs["1"].stderr
    for ext in (".docx", ".pdf", ".epub"):
        name = "glyphs" + ext
        assert (tmp_path / "out1" / name).read_bytes() == (tmp_path / "out3" / name).read_bytes()


_FAILING_PLUGIN = """
class FailingWriter:
    name = "failing"
    extension = ".fail"
    media_type = "text/plain"
    description = "fails (test plugin)"

    def write_pack(self, pack, style):
        raise ValueError("the failing writer failed, as it always does")
"""


def test_a_format_failing_in_a_child_fails_the_run_and_writes_no_file(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "failing_plugin-1.0.dist-info").mkdir(parents=True)
    (site / "failing_plugin.py").write_text(_FAILING_PLUGIN)
    (site / "failing_plugin-1.0.dist-info" / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: failing-plugin\nVersion: 1.0\n"
    )
    (site / "failing_plugin-1.0.dist-info" / "entry_points.txt").write_text(
        "[briefconv.writers]\nfailing = failing_plugin:FailingWriter\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), *sys.path])}
    args = ["convert", str(SAMPLE), "-o", "out", "-t", "docx,failing,epub", "-j", "3"]
    proc = subprocess.run(
        [sys.executable, "-m", "briefconv", *args],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=300,
    )
    assert proc.returncode == 1
    assert proc.stderr == (
        "briefconv: error: failing: could not render 'Istanbul Talks': "
        "the failing writer failed, as it always does\n"
    )
    # The DOCX rendered here and the EPUB in the other child are not written either.
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
