"""The README's recipes for large archives, run as the scripts they are: examples/*.py.

Each runs in a new process as a user would run it (``python examples/dask_convert.py ...``),
on a local scheduler, over three articles in two folders; the handouts must be there and be
the same bytes as ``briefconv.render`` gives in this process. Dask and Ray come with the
``examples`` extra, which ``make test`` installs: CI fails if either is missing, elsewhere
the test is skipped saying how to install it.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

import briefconv

from .conftest import ROOT

EXAMPLES = ROOT / "examples"
ARTICLES = ("grain-corridor.txt", "kyiv-energy.txt", "more/shipping-insurance.md")


def _need(module: str) -> None:
    if importlib.util.find_spec(module) is None:
        message = f"{module} is not installed: pip install -e '.[examples]' (make test does)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    """Three articles, one in a subfolder with the image it shows."""
    folder = tmp_path / "archive"
    (folder / "more").mkdir(parents=True)
    for name in ARTICLES:
        shutil.copy2(ROOT / "source" / Path(name).name, folder / name)
    shutil.copy2(ROOT / "source" / "black-sea-corridor.png", folder / "more")
    return folder


def _run(
    script: str, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(EXAMPLES / script), *args],
        env={**os.environ, "PYTHONPATH": str(ROOT / "src"), **(env or {})},
        capture_output=True,
        text=True,
        timeout=600,
    )


def _assert_handouts(archive: Path, out: Path) -> None:
    """Every article's three handouts under ``out``, in its folder, as render() makes them."""
    made = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    stems = [str(Path(name).with_suffix("")) for name in ARTICLES]
    assert made == sorted(f"{stem}.{fmt}" for stem in stems for fmt in ("docx", "pdf", "epub"))
    style = briefconv.load_style("default")
    for name, stem in zip(ARTICLES, stems, strict=True):
        article = briefconv.read_file(archive / name)
        for fmt in ("docx", "pdf", "epub"):
            assert (out / f"{stem}.{fmt}").read_bytes() == briefconv.render(article, fmt, style)


@pytest.mark.slow  # spawned worker processes each import briefconv: about 4 s
def test_the_dask_example_runs_as_a_script(archive: Path, tmp_path: Path) -> None:
    _need("dask")
    out = tmp_path / "out"
    # dask.bag's default scheduler: worker processes started by spawn, which import the
    # script again. Without its __main__ guard this crashed (BrokenProcessPool).
    proc = _run("dask_convert.py", str(archive), str(out))
    assert proc.returncode == 0, proc.stderr
    assert "3 of 3 articles converted" in proc.stdout
    _assert_handouts(archive, out)


def test_the_dask_example_goes_on_past_a_bad_article(archive: Path, tmp_path: Path) -> None:
    _need("dask")
    (archive / "broken.txt").write_bytes(b"Title\n\nNot UTF-8: \xff\n")
    out = tmp_path / "out"
    proc = _run("dask_convert.py", str(archive), str(out), "--scheduler", "synchronous")
    assert proc.returncode == 1
    assert f"{archive / 'broken.txt'}: " in proc.stderr
    assert "not UTF-8" in proc.stderr
    assert "3 of 4 articles converted" in proc.stdout
    _assert_handouts(archive, out)


def test_the_dask_example_uses_a_partition_per_article_up_to_four_per_core(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _need("dask")
    spec = importlib.util.spec_from_file_location("dask_convert", EXAMPLES / "dask_convert.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    # len(paths) // 50 or 1 gave one partition, one process, for anything under 100.
    assert module.partitions(3) == 3
    assert module.partitions(99) == 8
    assert module.partitions(10_000) == 8


@pytest.mark.slow  # Ray starts its own processes (GCS, raylet, workers): about 10 s
def test_the_ray_example_runs_as_a_script(archive: Path, tmp_path: Path) -> None:
    _need("ray")
    out = tmp_path / "out"
    # Ray's sockets live under RAY_TMPDIR, and a Unix socket's path must stay under 108
    # bytes: pytest's tmp_path is too deep, so a short folder in the system's temp dir.
    with tempfile.TemporaryDirectory(prefix="bc-ray-", ignore_cleanup_errors=True) as ray_tmp:
        ray_env = {
            "RAY_USAGE_STATS_ENABLED": "0",  # no report sent home from a test
            "RAY_TMPDIR": ray_tmp,  # its sessions and logs, not in /tmp/ray
            "HOME": str(tmp_path / "home"),  # Ray writes ~/.ray/auth_token
        }
        proc = _run("ray_convert.py", str(archive), str(out), env=ray_env)
    assert proc.returncode == 0, proc.stderr
    assert "3 of 3 articles converted" in proc.stdout
    _assert_handouts(archive, out)
