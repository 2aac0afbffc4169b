"""Same input, same bytes: across runs, folders, time zones and clocks.

Each build runs the real command in a fresh process, in a different temporary folder with
different ``TZ`` and ``HOME``, and (where ``faketime`` is installed, as in CI) a clock set
years apart. Inputs are copied with their modification times, since an undated article
takes its date from its file.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from .conftest import ROOT

SOURCES = ROOT / "source"


def _build(
    tmp: Path, tz: str, clock: str | None, extra_env: dict[str, str] | None = None
) -> dict[str, bytes]:
    work = tmp / "work"
    shutil.copytree(SOURCES, work / "source")  # copy2: modification times kept
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    env.update({"TZ": tz, "HOME": str(tmp / "home")}, **(extra_env or {}))
    prefix: list[str] = []
    if clock is not None:
        faketime = shutil.which("faketime")
        if faketime is None:
            if os.environ.get("CI"):
                pytest.fail("faketime is required in CI (apt-get install faketime)")
            pytest.skip("faketime is not installed")
        prefix = [faketime, "-f", clock]
    for args in (
        ["convert", "source/istanbul-talks.txt", "-o", "build"],
        ["pack", "source/pack.toml", "-o", "build/briefing-pack"],
    ):
        proc = subprocess.run(
            [*prefix, sys.executable, "-m", "briefconv", *args],
            cwd=work,
            env=env,
            capture_output=True,
            timeout=600,
        )
        assert proc.returncode == 0, proc.stderr
    return {p.name: p.read_bytes() for p in sorted((work / "build").iterdir())}


def test_two_builds_in_different_folders_zones_and_clocks_are_identical(tmp_path: Path) -> None:
    first = _build(tmp_path / "a", "UTC", None)
    second = _build(tmp_path / "b-other-folder", "Asia/Kolkata", "+3650d")
    assert sorted(first) == [
        "briefing-pack.docx", "briefing-pack.epub", "briefing-pack.pdf",
        "istanbul-talks.docx", "istanbul-talks.epub", "istanbul-talks.pdf",
    ]  # fmt: skip
    for name in first:
        assert first[name] == second[name], name


def test_nothing_machine_specific_in_the_files(tmp_path: Path) -> None:
    files = _build(tmp_path / "c", "UTC", None)
    for name, data in files.items():
        blobs = [data]
        if name.endswith((".docx", ".epub")):
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                blobs = [z.read(n) for n in z.namelist()]
                infos = z.infolist()
            assert len({i.date_time for i in infos}) == 1, name
        for blob in blobs:
            for leak in (
                str(tmp_path).encode(),
                b"/home/",
                b"/root/",
                b"/tmp/",
                b"python-docx",
                b"EbookLib",
            ):
                assert leak not in blob, (name, leak)


def _scrub_dates(data: bytes) -> bytes:
    data = re.sub(rb"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z?", b"<date>", data)
    data = re.sub(rb"D:\d{14}[+-Z]?(\d\d'\d\d')?", b"<date>", data)
    return re.sub(rb"\d{4}-\d{2}-\d{2}", b"<date>", data)


def test_source_date_epoch_changes_dates_and_nothing_else(tmp_path: Path) -> None:
    plain = _build(tmp_path / "d", "UTC", None)
    epoch = _build(tmp_path / "e", "UTC", None, {"SOURCE_DATE_EPOCH": "1767225600"})  # 2026-01-01
    name = "istanbul-talks.epub"  # the sample has no date of its own
    assert plain[name] != epoch[name]
    with (
        zipfile.ZipFile(io.BytesIO(plain[name])) as a,
        zipfile.ZipFile(io.BytesIO(epoch[name])) as b,
    ):
        assert a.namelist() == b.namelist()
        for member in a.namelist():
            if a.read(member) != b.read(member):
                assert _scrub_dates(a.read(member)) == _scrub_dates(b.read(member)), member
        assert b"2026-01-01T00:00:00Z" in b.read("EPUB/content.opf")
    with (
        zipfile.ZipFile(io.BytesIO(plain["istanbul-talks.docx"])) as a,
        zipfile.ZipFile(io.BytesIO(epoch["istanbul-talks.docx"])) as b,
    ):
        changed = [m for m in a.namelist() if a.read(m) != b.read(m)]
        assert changed == ["docProps/core.xml"]
    # The pack is dated by its manifest, so the epoch does not touch it at all.
    for ext in ("docx", "pdf", "epub"):
        assert plain[f"briefing-pack.{ext}"] == epoch[f"briefing-pack.{ext}"]
