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

import briefconv
from briefconv import BriefconvError, FormatError, InputError
from briefconv.dates import check_date
from briefconv.readers import parse_size

from .conftest import SAMPLE


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


# --- a manifest and the files around it ---------------------------------------------------


def _folder(tmp_path: Path, manifest: str, articles: dict[str, bytes] | None = None) -> Path:
    """A folder with ``pack.toml`` holding ``manifest`` and the articles; the manifest."""
    files = articles if articles is not None else {"a.txt": b"First paragraph. Second one.\n"}
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    path = tmp_path / "pack.toml"
    path.write_text(manifest, encoding="utf-8")
    return path


def _problems(path: Path, **options: object) -> list[str]:
    """The lines of the error build_pack raises for the manifest at ``path``."""
    with pytest.raises(BriefconvError) as info:
        briefconv.build_pack(path, **options)  # type: ignore[arg-type]
    return str(info.value).splitlines()


def _refused(path: Path, *args: str) -> list[str]:
    """Run ``briefconv pack`` on the manifest in its folder; the error lines, checked.

    Checks what every refusal shares: exit status 1, nothing on stdout, every line of
    stderr an error, and no file written (the folder holds what it held before).
    """
    before = sorted(p.name for p in path.parent.iterdir())
    proc = run("pack", path.name, "-o", "out", *args, cwd=path.parent)
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout == ""
    assert sorted(p.name for p in path.parent.iterdir()) == before
    lines = proc.stderr.splitlines()
    assert all(line.startswith("briefconv: error: ") for line in lines), proc.stderr
    return [line.removeprefix("briefconv: error: ") for line in lines]


def _available() -> str:
    return ", ".join(briefconv.available_formats())


ARTICLE = '[[articles]]\npath = "a.txt"\n'


# --- item 8a: a manifest's formats are the manifest's, not -t's ---------------------------


def test_unknown_manifest_format_names_the_key_and_suggests(tmp_path: Path) -> None:
    path = _folder(tmp_path, f'title = "T"\nformats = ["docx", "pfd"]\n{ARTICLE}')
    expected = (
        f"pack.toml: formats: unknown format 'pfd' (did you mean 'pdf'? available: {_available()})"
    )
    assert _problems(path) == [f"{path.parent}/{expected}"]
    assert _refused(path) == [expected]
    assert "-t" not in expected and "--to" not in expected


def test_unknown_format_given_to_the_library_names_formats(tmp_path: Path) -> None:
    with pytest.raises(FormatError) as info:
        briefconv.build_pack(SAMPLE, formats=["epbu"], output=tmp_path / "x")
    assert str(info.value) == (
        f"formats: unknown format 'epbu' (did you mean 'epub'? available: {_available()})"
    )
    assert list(tmp_path.iterdir()) == []


# --- item 8d: dates are checked ----------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "2026-11-26",
        "2026-11-26T09:30",
        "26 November 2026",
        "November 26, 2026",
        "Thu, 26 Nov 2026 09:30:00 GMT",
    ],
)
def test_check_date_takes_the_forms_dates_reads(text: str) -> None:
    assert check_date(text) == text


@pytest.mark.parametrize(
    "text", ["2026-13-45", "2026-02-30", "2026-11-26x", "31 February 2026", "next week", ""]
)
def test_check_date_refuses_what_is_not_a_real_date(text: str) -> None:
    with pytest.raises(ValueError) as info:
        check_date(text)
    assert str(info.value) == f"{text} is not a date (expected YYYY-MM-DD)"


def test_build_pack_refuses_an_impossible_date(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        briefconv.build_pack(SAMPLE, date="2026-13-45", output=tmp_path / "x")
    assert str(info.value) == "date: 2026-13-45 is not a date (expected YYYY-MM-DD)"
    assert briefconv.build_pack(SAMPLE, date=" 2026-11-26 ").pack.meta.date == "2026-11-26"


def test_date_flag_is_a_usage_error_naming_it(tmp_path: Path) -> None:
    proc = run("pack", str(SAMPLE), "-t", "pdf", "-o", "out", "--date", "2026-13-45", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.endswith(
        "Error: Invalid value for '--date': 2026-13-45 is not a date (expected YYYY-MM-DD)\n"
    )
    assert list(tmp_path.iterdir()) == []
