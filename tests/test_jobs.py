"""``convert --jobs N``: a batch over worker processes gives what --jobs 1 gives.

The same files byte for byte, the same messages in the same (input) order, the same exit
status; Ctrl-C still leaves no half-written file. Real subprocesses, as users run it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefconv._batch import available_cpus
from briefconv.cli import cli

from .conftest import CASES, ROOT
from .terminal import on_a_terminal

GOOD = [
    ROOT / "source" / "istanbul-talks.txt",
    ROOT / "source" / "shipping-insurance.md",  # Markdown with an image beside it
    CASES / "cyrillic-greek.txt",
    CASES / "lists.txt",
    CASES / "quotes.txt",
]


def argv(*args: str | Path) -> list[str]:
    """The command line that runs the real ``briefconv`` with ``args``."""
    return [sys.executable, "-m", "briefconv", *map(str, args)]


def run(*args: str | Path) -> subprocess.CompletedProcess[bytes]:
    """Run the real ``briefconv`` in a new process."""
    return subprocess.run(
        argv(*args),
        capture_output=True,
        timeout=300,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )


def files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_outputs_are_byte_identical_to_jobs_1(tmp_path: Path) -> None:
    one = run("convert", *GOOD, "-o", tmp_path / "one", "--jobs", "1")
    two = run("convert", *GOOD, "-o", tmp_path / "two", "-j", "2")
    assert one.returncode == two.returncode == 0, (one.stderr, two.stderr)
    assert one.stderr == two.stderr
    written = files(tmp_path / "one")
    assert len(written) == 3 * len(GOOD)
    assert files(tmp_path / "two") == written


def test_a_bad_input_is_reported_in_input_order(tmp_path: Path) -> None:
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes("Caf\xe9 society.\n".encode("latin-1"))
    missing = tmp_path / "missing.txt"
    inputs = [GOOD[0], missing, GOOD[2], latin1, GOOD[3]]
    one = run("convert", *inputs, "-t", "epub", "-o", tmp_path / "one", "--jobs", "1")
    three = run("convert", *inputs, "-t", "epub", "-o", tmp_path / "three", "--jobs", "3")
    assert one.returncode == three.returncode == 1
    assert three.stderr == one.stderr
    lines = three.stderr.decode().splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("briefconv: error: ") and "missing.txt: no such file" in lines[0]
    assert lines[1].startswith("briefconv: error: ") and "latin1.txt:1: not UTF-8" in lines[1]
    assert lines[2] == f"briefconv: error: 2 of 5 inputs failed: {missing}, {latin1}"
    # The good inputs are written all the same.
    assert sorted(files(tmp_path / "three")) == [
        "cyrillic-greek.epub",
        "istanbul-talks.epub",
        "lists.epub",
    ]
    assert files(tmp_path / "three") == files(tmp_path / "one")


def test_warnings_from_workers_reach_stderr_once_each_in_input_order(tmp_path: Path) -> None:
    glyphs = tmp_path / "glyphs.txt"
    glyphs.write_text("Glyphs\n\nSmile \U0001f600 and 中文.\n", encoding="utf-8")
    controls = tmp_path / "controls.txt"
    controls.write_text("Controls\n\nA bell\x07 rings.\n", encoding="utf-8")
    inputs = [glyphs, GOOD[0], controls, GOOD[3]]
    one = run("-v", "convert", *inputs, "-t", "pdf", "-o", tmp_path / "one", "--jobs", "1")
    two = run("-v", "convert", *inputs, "-t", "pdf", "-o", tmp_path / "two", "--jobs", "2")
    assert one.returncode == two.returncode == 0, two.stderr
    # -v adds "wrote" lines, which name the output folder; otherwise the same lines.
    assert two.stderr.replace(b"/two/", b"/one/") == one.stderr
    lines = two.stderr.decode().splitlines()
    glyph_warnings = [i for i, line in enumerate(lines) if "no glyph" in line]
    removed_warnings = [i for i, line in enumerate(lines) if "removed" in line]
    assert len(glyph_warnings) == 1 and len(removed_warnings) == 1, lines
    assert lines[glyph_warnings[0]].startswith("briefconv: warning: PDF: ")
    assert lines[removed_warnings[0]].startswith("briefconv: warning: ")
    wrote = [i for i, line in enumerate(lines) if line.startswith("briefconv: info: wrote ")]
    assert [lines[i].rsplit("/", 1)[1] for i in wrote] == [
        "glyphs.pdf",
        "istanbul-talks.pdf",
        "controls.pdf",
        "lists.pdf",
    ]
    # Each input's warnings come before the line saying it was written.
    assert wrote[0] > glyph_warnings[0] and wrote[1] < removed_warnings[0] < wrote[2]


def test_quiet_silences_worker_warnings(tmp_path: Path) -> None:
    glyphs = tmp_path / "glyphs.txt"
    glyphs.write_text("Glyphs\n\nSmile \U0001f600.\n", encoding="utf-8")
    proc = run("-q", "convert", glyphs, GOOD[0], "-t", "pdf", "-o", tmp_path, "-j", "2")
    assert proc.returncode == 0 and proc.stderr == b""


def test_progress_on_a_terminal_is_in_input_order(tmp_path: Path) -> None:
    code, _, err = on_a_terminal("convert", *GOOD[:3], "-t", "epub", "-o", tmp_path, "--jobs", "2")
    assert code == 0
    lines = err.splitlines()
    assert lines == [f"[{n}/3] {name}" for n, name in enumerate(map(str, GOOD[:3]), start=1)]


def _batch_under_way(tmp_path: Path) -> tuple[subprocess.Popen[bytes], list[str], Path]:
    """A 16-input, two-worker batch, once its first PDF is written; its inputs and folder.

    A session of its own, so a signal can go to the whole process group, as a terminal's
    Ctrl-C does.
    """
    big = "\n\n".join([(ROOT / "source" / "istanbul-talks.txt").read_text("utf-8")] * 4)
    inputs = []
    for n in range(16):
        path = tmp_path / f"article-{n:02}.txt"
        path.write_text(big, encoding="utf-8")
        inputs.append(str(path))
    out = tmp_path / "out"
    proc = subprocess.Popen(
        argv("convert", *inputs, "-t", "pdf,docx", "-o", out, "--jobs", "2"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while not (out.is_dir() and any(out.glob("*.pdf"))) and time.monotonic() < deadline:
        time.sleep(0.02)
    return proc, inputs, out


def test_ctrl_c_exits_130_and_leaves_no_partial_file(tmp_path: Path) -> None:
    proc, inputs, out = _batch_under_way(tmp_path)
    os.killpg(proc.pid, signal.SIGINT)
    _, stderr = proc.communicate(timeout=300)
    assert proc.returncode == 130, stderr
    last = stderr.decode().splitlines()[-1]
    assert (
        last == "briefconv: interrupted; every file written is complete, none was left half-written"
    )
    assert b"Traceback" not in stderr
    names = sorted(p.name for p in out.iterdir())
    assert not [name for name in names if name.endswith(".tmp")], names
    assert len(names) < 2 * len(inputs), "the batch was not interrupted"
    for name in names:
        data = (out / name).read_bytes()
        assert data.rstrip().endswith(b"%%EOF") if name.endswith(".pdf") else data[:2] == b"PK"


def test_spawned_workers_give_the_same_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Where fork is not safe (another thread runs) or not there, workers are spawned.
    monkeypatch.setattr(threading, "active_count", lambda: 2)
    runner = CliRunner()
    inputs = [str(p) for p in GOOD[:3]]
    one = runner.invoke(cli, ["convert", *inputs, "-t", "epub", "-o", f"{tmp_path}/one", "-j1"])
    two = runner.invoke(cli, ["convert", *inputs, "-t", "epub", "-o", f"{tmp_path}/two", "-j2"])
    assert one.exit_code == two.exit_code == 0, two.output
    assert files(tmp_path / "two") == files(tmp_path / "one")


def test_jobs_must_be_positive() -> None:
    proc = run("convert", GOOD[0], "--jobs", "0")
    assert proc.returncode == 2
    assert b"--jobs" in proc.stderr and b"Traceback" not in proc.stderr


def test_jobs_default_is_the_usable_cpus() -> None:
    cpus = available_cpus()
    assert 1 <= cpus <= (os.cpu_count() or 1)
    if hasattr(os, "sched_getaffinity"):
        assert cpus == len(os.sched_getaffinity(0))


def test_convert_help_documents_jobs() -> None:
    result = CliRunner().invoke(cli, ["convert", "--help"])
    assert result.exit_code == 0
    assert "-j, --jobs N" in result.output
    assert "--jobs 4" in result.output


def test_stdin_in_a_batch_runs_in_process(tmp_path: Path) -> None:
    proc = subprocess.run(
        argv("convert", "-", GOOD[0], "-t", "epub", "-o", tmp_path, "--jobs", "2"),
        input=GOOD[2].read_bytes(),
        capture_output=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    # Standard input is named after its title (GOOD[2] is Ukrainian).
    assert sorted(files(tmp_path)) == ["istanbul-talks.epub", "переговори-в-стамбулі.epub"]


def test_sigterm_ends_the_batch_and_its_workers(tmp_path: Path) -> None:
    """Issue 14, item 15: workers outlived a SIGTERM to the parent, converting on."""
    proc, inputs, out = _batch_under_way(tmp_path)
    proc.send_signal(signal.SIGTERM)  # to the parent only, as a service manager does
    _, stderr = proc.communicate(timeout=300)
    assert proc.returncode == 143, stderr
    assert stderr.decode().splitlines()[-1].startswith("briefconv: terminated;")
    assert b"Traceback" not in stderr
    # No process of the session is left: the workers ended with the parent.
    time.sleep(0.5)
    left = subprocess.run(["pgrep", "-s", str(proc.pid)], capture_output=True, text=True)
    assert left.stdout.strip() == "", left.stdout
    names = sorted(p.name for p in out.iterdir())
    assert not [name for name in names if name.endswith(".tmp")], names
    assert len(names) < 2 * len(inputs), "the batch was not stopped"
