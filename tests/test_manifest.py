"""Manifests and pack options: the keys that mirror the flags, and how mistakes are reported.

Issue 15, items 6 and 8. Each mistake is checked through the library and through the real
command line (a new process: the exit status and stderr users see), with the exact text.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from briefconv.readers import parse_size


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run the real ``briefconv`` entry point in a new process."""
    return subprocess.run(
        [sys.executable, "-m", "briefconv", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )


# --- sizes: one parser for --max-size and the manifest's max_size ------------------------


@pytest.mark.parametrize(
    ("text", "size"),
    [("4096", 4096), (4096, 4096), ("500k", 512_000), ("20M", 20 * 1024**2), ("2KiB", 2048)],
)
def test_parse_size_reads_the_forms_max_size_takes(text: str | int, size: int) -> None:
    assert parse_size(text) == size


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("lots", "'lots' is not a size such as 20M or 500k"),
        ("nan", "'nan' is not a size such as 20M or 500k"),
        ("inf", "'inf' is not a size such as 20M or 500k"),
        ("1e30", "'1e30' is too large"),
        ("0", "the size must be positive"),
        (-5, "the size must be positive"),
    ],
)
def test_parse_size_refuses_what_is_not_a_size(text: str | int, message: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_size(text)
    assert str(info.value) == message


@pytest.mark.parametrize("size", ["inf", "1e30"])
def test_max_size_flag_refuses_huge_sizes_as_usage_errors(size: str) -> None:
    """``--max-size inf`` used to end in "internal error: OverflowError"."""
    proc = run("inspect", "-", "--max-size", size)
    assert proc.returncode == 2
    assert "Invalid value for '--max-size'" in proc.stderr
    assert "internal error" not in proc.stderr
