"""Running ``briefconv`` with its standard error on a terminal, where progress lines show."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path


def on_a_terminal(*args: str | Path, cwd: Path | None = None) -> tuple[int, str, str]:
    """Run ``briefconv ARGS`` with stderr on a pseudo-terminal: exit status, stdout, stderr.

    Standard output goes to a file, so a large output cannot block the child while the
    terminal is being read; the terminal's ``\\r\\n`` line ends are given back as ``\\n``.
    """
    import pty

    controller, terminal = pty.openpty()
    try:
        with tempfile.TemporaryFile() as out:
            proc = subprocess.Popen(
                [sys.executable, "-m", "briefconv", *map(str, args)],
                stdout=out,
                stderr=terminal,
                cwd=cwd,
                env={**os.environ, "PYTHONWARNINGS": "ignore"},
            )
            os.close(terminal)
            err = b""
            while True:
                try:
                    chunk = os.read(controller, 4096)
                except OSError:  # Linux: EIO once the process has closed the terminal
                    break
                if not chunk:
                    break
                err += chunk
            code = proc.wait(timeout=300)
            out.seek(0)
            stdout = out.read()
    finally:
        os.close(controller)
    return code, stdout.decode(), err.decode().replace("\r\n", "\n")
