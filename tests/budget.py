"""Run briefconv in a child process under a time and memory cap (issue 14's budgets).

A hostile input must end within its budget with the expected outcome; a cap is not a speed
assertion but a fence: an input that makes briefconv grow without bound is killed by the
kernel (``RLIMIT_AS``) or by the timeout, and the test fails saying which.
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Outcome:
    """What a capped run did: exit code (``None`` if killed for time), output, and why."""

    returncode: int | None
    stdout: str
    stderr: str
    over: str | None  # "time" or "memory" when the budget stopped it

    def lines(self) -> list[str]:
        """The non-empty lines of standard error."""
        return [line for line in self.stderr.splitlines() if line.strip()]


def run_capped(
    args: list[str],
    *,
    seconds: float,
    memory_mib: int,
    cwd: Path | None = None,
    stdin: bytes | None = None,
    env: dict[str, str] | None = None,
) -> Outcome:
    """Run ``python -m briefconv ARGS`` with at most ``memory_mib`` of address space.

    The child runs in its own session, so the whole process group (filters, workers) is
    killed when the time is up.
    """
    limit = memory_mib * 2**20

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        os.setsid()

    proc = subprocess.Popen(
        [sys.executable, "-m", "briefconv", *args],
        stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=cwd,
        env=env,
        preexec_fn=cap,
    )
    try:
        out, err = proc.communicate(stdin, timeout=seconds)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        return Outcome(None, out.decode(errors="replace"), err.decode(errors="replace"), "time")
    text = err.decode(errors="replace")
    over = "memory" if "MemoryError" in text or proc.returncode == -signal.SIGKILL else None
    return Outcome(proc.returncode, out.decode(errors="replace"), text, over)
