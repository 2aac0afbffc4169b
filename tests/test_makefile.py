"""The Makefile run for real: what `make handouts` rebuilds, in how many processes, when it stops.

Each test copies the Makefile, pyproject.toml, styles/, src/ and two small articles (a text
one and a Markdown one with its image) into a temporary folder and runs GNU make there. The
copy gets a stand-in ``.venv``: its ``bin/briefconv`` appends its arguments to a log and runs
this checkout's briefconv with the Python running the tests, and its ``.stamp-install`` is
newer than pyproject.toml, so make never runs pip (the real venv is never touched). The log
says how many briefconv processes a run started and which articles each was given.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import ROOT

FORMATS = ("docx", "pdf", "epub")
TEXT = "source/grain-corridor.txt"
MARKDOWN = "source/shipping-insurance.md"
IMAGE = "source/black-sea-corridor.png"  # shown by the Markdown article
PACK = """\
title = "Test pack"
date = "2026-11-26"
output = "briefing-pack"
formats = ["docx", "pdf", "epub"]

[[articles]]
path = "grain-corridor.txt"

[[articles]]
path = "shipping-insurance.md"
"""


class Project:
    """A copy of the project to run make in, with a briefconv that logs each start."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.log = root / "briefconv.log"

    def make(self, *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
        """Run ``make ARGS`` here; with ``ok``, fail the test unless it succeeds."""
        # A parent make (`make test`) passes its jobserver and flags down the environment;
        # they would change how this make runs, and say nothing about the Makefile.
        env = {k: v for k, v in os.environ.items() if k not in {"MAKEFLAGS", "MFLAGS", "MAKELEVEL"}}
        proc = subprocess.run(
            ["make", "--no-print-directory", *args],
            cwd=self.root,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        if ok:
            assert proc.returncode == 0, proc.stdout + proc.stderr
        return proc

    def calls(self) -> list[list[str]]:
        """The briefconv processes started since the last look: each one's arguments."""
        if not self.log.exists():
            return []
        lines = self.log.read_text(encoding="utf-8").splitlines()
        self.log.unlink()
        return [json.loads(line) for line in lines]

    def touch(self, name: str) -> None:
        """Give a file a date after everything built so far, as an editor saving it would."""
        later = time.time() + 5
        os.utime(self.root / name, (later, later))

    def handouts(self, stem: str) -> list[Path]:
        """The three handouts of one article."""
        return [self.root / "build" / f"{stem}.{fmt}" for fmt in FORMATS]

    def dates(self) -> dict[str, int]:
        """Modification time of every file in build/, by name."""
        return {p.name: p.stat().st_mtime_ns for p in (self.root / "build").iterdir()}


def _converted(calls: list[list[str]]) -> list[list[str]]:
    """For each `briefconv convert` started, the articles it was given (its arguments up to -o)."""
    runs = []
    for args in calls:
        if args[0] == "convert":
            runs.append(args[1 : args.index("-o")])
    return runs


def _packs(calls: list[list[str]]) -> int:
    return sum(args[0] == "pack" for args in calls)


def _copy_project(root: Path) -> Project:
    """The project copied into ``root``, with the articles TEXT and MARKDOWN."""
    assert shutil.which("make"), "these tests run GNU make: install it (apt-get install make)"
    root.mkdir()
    # copy2 (copytree's default) keeps modification times: nothing looks newly changed.
    shutil.copy2(ROOT / "Makefile", root)
    shutil.copy2(ROOT / "pyproject.toml", root)
    shutil.copytree(ROOT / "styles", root / "styles")
    shutil.copytree(ROOT / "src", root / "src", ignore=shutil.ignore_patterns("__pycache__"))
    (root / "source").mkdir()
    for name in (TEXT, MARKDOWN, IMAGE):
        shutil.copy2(ROOT / name, root / name)
    (root / "source" / "pack.toml").write_text(PACK, encoding="utf-8")
    bin_dir = root / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    env = f"PYTHONPATH={shlex.quote(str(ROOT / 'src'))}"
    python = shlex.quote(sys.executable)
    (bin_dir / "python").write_text(f'#!/bin/sh\n{env} exec {python} "$@"\n', encoding="utf-8")
    # briefconv logs its arguments to briefconv.log in the folder make runs in (one JSON list
    # a line: names may hold any character), then becomes this checkout's briefconv.
    (bin_dir / "briefconv.py").write_text(
        "import json, os, sys\n"
        "with open('briefconv.log', 'a', encoding='utf-8') as log:\n"
        "    log.write(json.dumps(sys.argv[1:]) + '\\n')\n"
        "os.execv(sys.executable, [sys.executable, '-m', 'briefconv', *sys.argv[1:]])\n",
        encoding="utf-8",
    )
    (bin_dir / "briefconv").write_text(
        f'#!/bin/sh\n{env} exec {python} "$0.py" "$@"\n', encoding="utf-8"
    )
    for script in bin_dir.iterdir():
        script.chmod(0o755)
    (root / ".venv" / ".stamp-install").touch()
    return Project(root)


@pytest.fixture
def project(tmp_path: Path) -> Project:
    """A copy of the project with nothing built yet."""
    return _copy_project(tmp_path / "project")


@pytest.fixture(scope="module")
def _built_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    built = _copy_project(tmp_path_factory.mktemp("built") / "project")
    built.make("handouts")
    built.calls()
    return built.root


@pytest.fixture
def built(_built_once: Path, tmp_path: Path) -> Project:
    """A copy of the project after one `make handouts` (copied with its files' dates)."""
    root = tmp_path / "project"
    shutil.copytree(_built_once, root, symlinks=True)
    return Project(root)


def test_one_briefconv_converts_every_article(project: Project) -> None:
    project.make("handouts")
    calls = project.calls()
    assert _converted(calls) == [[TEXT, MARKDOWN]]
    assert _packs(calls) == 1
    for stem in ("grain-corridor", "shipping-insurance", "briefing-pack"):
        for path in project.handouts(stem):
            assert path.stat().st_size > 0, path


def test_a_second_run_builds_nothing(built: Project) -> None:
    before = built.dates()
    built.make("handouts")
    assert built.calls() == []
    assert built.dates() == before


def test_a_changed_article_is_the_only_one_converted(built: Project) -> None:
    untouched = {p: p.stat().st_mtime_ns for p in built.handouts("shipping-insurance")}
    built.touch(TEXT)
    built.make("handouts")
    calls = built.calls()
    assert _converted(calls) == [[TEXT]]
    assert _packs(calls) == 1  # the pack holds the article
    assert {p: p.stat().st_mtime_ns for p in untouched} == untouched


def test_a_missing_handout_is_made_again_from_its_article_only(built: Project) -> None:
    (built.root / "build" / "grain-corridor.pdf").unlink()
    built.make("handouts")
    assert _converted(built.calls()) == [[TEXT]]
    assert (built.root / "build" / "grain-corridor.pdf").stat().st_size > 0


def test_a_changed_image_converts_the_markdown_articles(built: Project) -> None:
    built.touch(IMAGE)
    built.make("handouts")
    assert _converted(built.calls()) == [[MARKDOWN]]


def test_a_change_to_briefconv_converts_everything_in_one_run(built: Project) -> None:
    built.touch("src/briefconv/dates.py")
    built.make("handouts")
    calls = built.calls()
    assert _converted(calls) == [[TEXT, MARKDOWN]]
    assert _packs(calls) == 1


def test_changing_style_rebuilds_everything_and_records_the_style(built: Project) -> None:
    stamp = built.root / "build" / ".style-stamp"
    default_pdf = (built.root / "build" / "grain-corridor.pdf").read_bytes()
    assert stamp.read_text(encoding="utf-8").strip() == "styles/default.toml"

    # newsroom.toml is older than the handouts: only the recorded style can tell they are stale.
    built.make("handouts", "STYLE=newsroom")
    calls = built.calls()
    assert _converted(calls) == [[TEXT, MARKDOWN]]
    assert all(args[args.index("--style") + 1] == "styles/newsroom.toml" for args in calls)
    assert _packs(calls) == 1
    assert stamp.read_text(encoding="utf-8").strip() == "styles/newsroom.toml"
    assert (built.root / "build" / "grain-corridor.pdf").read_bytes() != default_pdf

    built.make("handouts", "STYLE=newsroom")
    assert built.calls() == []  # same style again: nothing to do

    built.make("handouts")
    assert _converted(built.calls()) == [[TEXT, MARKDOWN]]  # and back
    assert (built.root / "build" / "grain-corridor.pdf").read_bytes() == default_pdf


def test_an_article_that_fails_is_tried_again_until_it_converts(built: Project) -> None:
    article = built.root / TEXT
    good = article.read_bytes()
    old_pdf = (built.root / "build" / "grain-corridor.pdf").read_bytes()
    article.write_bytes(b"Title\n\nNot UTF-8: \xff\xfe\n")
    failed = built.make("handouts", ok=False)
    assert failed.returncode != 0
    assert f"{TEXT}:3: not UTF-8" in failed.stderr
    assert _converted(built.calls()) == [[TEXT]]
    # Its old handouts are still there, but they are not taken as up to date.
    assert (built.root / "build" / "grain-corridor.pdf").read_bytes() == old_pdf
    assert built.make("handouts", ok=False).returncode != 0
    assert _converted(built.calls()) == [[TEXT]]
    article.write_bytes(good)
    built.make("handouts")
    assert _converted(built.calls()) == [[TEXT]]
    built.make("handouts")
    assert built.calls() == []


def test_a_name_with_a_space_stops_the_build_with_one_message(project: Project) -> None:
    shutil.copy2(project.root / TEXT, project.root / "source" / "my notes.txt")
    proc = project.make("handouts", ok=False)
    assert proc.returncode != 0
    assert proc.stderr.splitlines()[0] == (
        "source/my notes.txt: file names with spaces are not supported by the Makefile; "
        "rename it or run briefconv convert directly"
    )
    assert project.calls() == []  # stopped before converting anything
    assert not (project.root / "build" / "grain-corridor.pdf").exists()


def test_every_name_with_a_space_is_in_the_one_message(project: Project) -> None:
    shutil.copy2(project.root / TEXT, project.root / "source" / "my notes.txt")
    shutil.copy2(project.root / MARKDOWN, project.root / "source" / "more notes.md")
    proc = project.make("-j4", "handouts", ok=False)
    messages = [line for line in proc.stderr.splitlines() if "not supported" in line]
    assert messages == [
        "source/more notes.md, source/my notes.txt: file names with spaces are not supported "
        "by the Makefile; rename them or run briefconv convert directly"
    ]
    assert project.calls() == []


@pytest.mark.parametrize("name", ["10:30.txt", "50%.txt", "a;b.md", "a|b.txt", "a[1].txt"])
def test_a_name_make_cannot_read_is_named_and_other_targets_still_work(
    project: Project, name: str
) -> None:
    shutil.copy2(project.root / TEXT, project.root / "source" / name)
    proc = project.make("handouts", ok=False)
    assert proc.returncode != 0
    assert f"source/{name}: file names with any of" in proc.stderr
    assert project.calls() == []
    # The Makefile still parses: targets that do not build articles run.
    project.make("clean")


def test_names_special_only_to_the_shell_are_built(project: Project) -> None:
    stems = ["Q&A", "mum's-notes", "$HOME", "(draft)", "no#1", "київ"]
    names = [f"source/{stem}.txt" for stem in stems]
    for name in names:
        shutil.copy2(project.root / TEXT, project.root / name)
    project.make("handouts")
    assert sorted(_converted(project.calls())[0]) == sorted([TEXT, MARKDOWN, *names])
    for stem in stems:
        for path in project.handouts(stem):
            assert path.stat().st_size > 0, path
    project.make("handouts")
    assert project.calls() == []


def test_two_articles_with_one_stem_stop_the_build_naming_both(project: Project) -> None:
    shutil.copy2(project.root / MARKDOWN, project.root / "source" / "grain-corridor.md")
    proc = project.make("handouts", ok=False)
    assert proc.returncode != 0
    assert (
        "source/grain-corridor.txt and source/grain-corridor.md would both be written as "
        "build/grain-corridor.*; rename one of them"
    ) in proc.stderr.splitlines()
    assert "more than once" not in proc.stderr  # no make warnings around the message
    assert project.calls() == []


def test_an_article_named_like_the_pack_stops_the_build(project: Project) -> None:
    shutil.copy2(project.root / TEXT, project.root / "source" / "briefing-pack.txt")
    proc = project.make("handouts", ok=False)
    assert proc.returncode != 0
    assert (
        "source/briefing-pack.txt would be written as build/briefing-pack.*, over the sample "
        "pack; rename it"
    ) in proc.stderr.splitlines()
    assert project.calls() == []


def test_make_man_writes_a_page_per_command(project: Project) -> None:
    from briefconv._manpage import pages

    project.make("man")
    made = sorted(p.name for p in (project.root / "build" / "man").iterdir())
    assert made == sorted(pages("2026-01-01"))
    assert "briefconv-styles-show.1" in made


def test_a_style_without_a_file_is_named(project: Project) -> None:
    proc = project.make("handouts", "STYLE=newsrom", ok=False)
    assert proc.returncode != 0
    assert "STYLE=newsrom: there is no styles/newsrom.toml; styles here: default" in proc.stderr
    assert project.calls() == []
