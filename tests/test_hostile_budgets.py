"""Hostile input, round two (issue 14): every attack ends within a time and memory budget.

Each case builds its input here (nothing large is committed), runs the real command under
the cap from ``tests/budget.py``, and checks the outcome listed under ``[budget.NAME]`` in
``tests/hostile/EXPECTED.toml``: ``outcome = "error"`` is exit 1 with one line naming the
input and containing ``message``; ``outcome = "ok"`` is exit 0.
"""

from __future__ import annotations

import os
import subprocess
import tomllib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from .budget import run_capped

CORPUS = Path(__file__).resolve().parent / "hostile"
BUDGETS: dict[str, dict[str, Any]] = tomllib.loads(
    (CORPUS / "EXPECTED.toml").read_text(encoding="utf-8")
)["budget"]


@contextmanager
def _endless_fifo(tmp: Path) -> Iterator[Path]:
    """A FIFO with a writer that never stops, as ``<(yes)`` gives."""
    fifo = tmp / "endless.txt"
    os.mkfifo(fifo)
    writer = subprocess.Popen(
        ["sh", "-c", f"exec yes 'Endless words.' > '{fifo}'"], stderr=subprocess.DEVNULL
    )
    try:
        yield fifo
    finally:
        writer.kill()
        writer.wait()


Case = Callable[[Path], Iterator[tuple[list[str], Path]]]


@contextmanager
def _dev_zero(tmp: Path) -> Iterator[tuple[list[str], Path]]:
    yield ["inspect", "/dev/zero"], Path("/dev/zero")


@contextmanager
def _fifo(tmp: Path) -> Iterator[tuple[list[str], Path]]:
    with _endless_fifo(tmp) as fifo:
        yield ["inspect", str(fifo)], fifo


#: Each case: a context manager giving the command's arguments and the input it names.
CASES: dict[str, Callable[[Path], Any]] = {
    "dev-zero": _dev_zero,
    "endless-fifo": _fifo,
}


def test_every_budget_case_is_listed() -> None:
    assert set(CASES) == set(BUDGETS)


@pytest.mark.parametrize("name", sorted(CASES))
def test_attack_ends_within_its_budget(name: str, tmp_path: Path) -> None:
    expected = BUDGETS[name]
    with CASES[name](tmp_path) as (args, named):
        outcome = run_capped(
            [*args], seconds=expected["seconds"], memory_mib=expected["memory"], cwd=tmp_path
        )
    assert outcome.over is None, f"{name}: over its {outcome.over} budget\n{outcome.stderr}"
    assert "Traceback" not in outcome.stderr
    if expected["outcome"] == "error":
        assert outcome.returncode == 1, outcome.stderr
        lines = outcome.lines()
        assert len(lines) == 1, outcome.stderr
        assert lines[0].startswith(f"briefconv: error: {named}"), lines[0]
        assert expected["message"] in lines[0]
    else:
        assert outcome.returncode == 0, outcome.stderr
