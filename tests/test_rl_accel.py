"""reportlab's C accelerator (rl-accel) is used; its pure-Python fallback gives the same bytes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import reportlab.lib.rl_accel as accel

import briefconv

from .conftest import CASES, SAMPLE

_PURE = """
import sys
sys.modules["_rl_accel"] = None  # as on a platform where rl-accel is not installed
import reportlab.lib.rl_accel as accel
assert accel.fp_str.__module__ == "reportlab.lib.rl_accel", accel.fp_str
import briefconv
sys.stdout.buffer.write(briefconv.render(briefconv.read_file(sys.argv[1]), "pdf"))
"""


def test_the_accelerator_is_installed_and_used() -> None:
    # The C function is a builtin; the fallback is reportlab's _py_fp_str.
    assert type(accel.fp_str).__name__ == "builtin_function_or_method"


def test_the_pure_python_fallback_writes_the_same_bytes() -> None:
    for source in (SAMPLE, CASES / "md" / "tech-blog.md", CASES / "cyrillic-greek.txt"):
        pure = subprocess.run(
            [sys.executable, "-c", _PURE, str(source)],
            capture_output=True,
            check=True,
            cwd=Path(__file__).parent,
        ).stdout
        assert pure.startswith(b"%PDF-")
        assert pure == briefconv.render(briefconv.read_file(source), "pdf"), source
