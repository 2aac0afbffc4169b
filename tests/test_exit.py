"""The console script ends its process itself, skipping the interpreter's tear-down.

What a normal exit does that matters must still happen: ``atexit`` functions run,
buffered standard output reaches a pipe whole, and the exit status is the command's.
Each test runs ``main()`` as the console script does (no arguments) in a fresh
interpreter.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from .conftest import SAMPLE

# The console script's call, with an atexit function and a finally block around it: the
# atexit function must run; the finally block shows whether main() ended the process.
_SCRIPT = """
import atexit, sys
from pathlib import Path
marker = Path(sys.argv[1])
atexit.register(lambda: marker.write_text(marker.read_text() + "atexit ran\\n"))
marker.write_text("")
sys.argv = ["briefconv", *sys.argv[2:]]
from briefconv.cli import main
try:
    main()
finally:
    marker.write_text(marker.read_text() + "finally ran\\n")
"""


def _run(tmp_path: Path, *args: str) -> tuple[subprocess.CompletedProcess[bytes], str]:
    marker = tmp_path / "marker.txt"
    proc = subprocess.run(
        [sys.executable, "-c", _SCRIPT, str(marker), *args],
        capture_output=True,
        timeout=300,
        cwd=tmp_path,
    )
    return proc, marker.read_text()


def test_a_run_ends_the_process_after_atexit_with_its_output_whole(tmp_path: Path) -> None:
    proc, marker = _run(tmp_path, "convert", str(SAMPLE), "-t", "pdf", "-o", "-")
    assert proc.returncode == 0, proc.stderr
    # Ended by main(): the caller's finally never ran, the atexit function did.
    assert marker == "atexit ran\n"
    # Standard output, a pipe (block-buffered), reached the reader whole: the same PDF
    # as written to a file.
    written = tmp_path / "talks.pdf"
    again = subprocess.run(
        [sys.executable, "-m", "briefconv", "convert", str(SAMPLE), "-o", str(written)],
        capture_output=True,
        timeout=300,
    )
    assert again.returncode == 0, again.stderr
    assert proc.stdout == written.read_bytes()


def test_the_status_is_the_command_s(tmp_path: Path) -> None:
    usage, marker = _run(tmp_path, "convert")
    assert (usage.returncode, marker) == (2, "atexit ran\n")
    assert b"Missing argument" in usage.stderr
    failed, marker = _run(tmp_path, "convert", str(tmp_path / "missing.txt"))
    assert (failed.returncode, marker) == (1, "atexit ran\n")
    assert failed.stderr.decode().startswith("briefconv: error:")
    version, marker = _run(tmp_path, "--version")
    assert (version.returncode, marker) == (0, "atexit ran\n")
    assert version.stdout.startswith(b"briefconv, version ")


def test_main_with_arguments_returns_to_its_caller(tmp_path: Path) -> None:
    # A host passing argv (tests, an embedding program) gets SystemExit, as always.
    code = (
        "import sys\n"
        "from briefconv.cli import main\n"
        "try:\n    main(['--version'])\nexcept SystemExit as exc:\n"
        "    print('caught', exc.code)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.stdout.splitlines()[-1] == "caught 0"
