"""Manual pages (`make man`): one per command, each with every option, read cleanly by groff."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from briefconv._manpage import page_date, pages, roff_text
from briefconv.cli import cli

from .conftest import ROOT


def _commands(command: click.Command, path: str) -> dict[str, click.Command]:
    """Every command under ``command``, by its page's name, found from click's own tree."""
    found = {path: command}
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            if not sub.hidden:
                found.update(_commands(sub, f"{path}-{name}"))
    return found


COMMANDS = _commands(cli, "briefconv")


def test_every_command_has_a_page() -> None:
    made = pages("2026-01-01")
    assert sorted(made) == sorted(f"{name}.1" for name in COMMANDS)
    # The walk itself is not trusted alone: the commands the README documents are there.
    for name in ("convert", "inspect", "pack", "styles-show", "check", "formats"):
        assert f"briefconv-{name}.1" in made


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_a_page_has_the_help_and_every_option(name: str) -> None:
    page = pages("2026-01-01")[f"{name}.1"]
    command = COMMANDS[name]
    assert page.startswith(f'.TH "{name.upper()}" 1 "2026-01-01" "briefconv ')
    assert command.help is not None
    first_line = command.help.strip().splitlines()[0]
    assert roff_text(first_line) in page
    for param in command.params:
        if isinstance(param, click.Option) and not param.hidden:
            for opt in (*param.opts, *param.secondary_opts):
                assert roff_text(opt) in page, (name, opt)
            assert param.help is not None
            assert roff_text(param.help) in page, (name, param.help)
    # What --help prints, option for option (-h too, which the group's settings add).
    words = name.split("-")[1:]
    shown = CliRunner().invoke(cli, [*words, "--help"], prog_name="briefconv").output
    options = shown.split("\nOptions:\n", 1)[1].split("\nCommands:\n", 1)[0]
    for flag in re.findall(r"(?<![\w-])--?[A-Za-z][\w-]*", options):
        assert roff_text(flag) in page, (name, flag)
    assert "\\fB\\-h, \\-\\-help\\fR" in page
    assert "\b" not in page  # click's no-rewrap marker is turned into .nf, not copied
    if isinstance(command, click.Group):
        for sub in command.commands:
            assert f"See \\fB{roff_text(name)}\\-{roff_text(sub)}\\fR(1)." in page


def test_roff_requests_in_help_text_are_escaped() -> None:
    @click.command(help=".TH looks like a request\n\n'so does this\n\nC:\\path -x")
    @click.option("--flag", help=".B not bold")
    def odd(flag: str) -> None:
        """Unused."""

    page = pages("2026-01-01", odd, "odd")["odd.1"]
    assert "\n\\&.TH looks like a request\n" in page
    assert "\n\\&'so does this\n" in page
    assert "C:\\epath \\-x" in page
    assert "\n\\&.B not bold\n" in page


@pytest.mark.skipif(shutil.which("groff") is None, reason="groff is not installed")
def test_groff_reads_every_page_without_a_warning(tmp_path: Path) -> None:
    for file_name, text in pages("2026-01-01").items():
        proc = subprocess.run(
            ["groff", "-ww", "-man", "-Tutf8", "-z"],
            input=text.encode(),
            capture_output=True,
            timeout=60,
        )
        assert proc.returncode == 0 and proc.stderr == b"", (file_name, proc.stderr)


def test_the_date_comes_from_source_date_epoch_or_the_package(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01T00:00:00Z
    assert page_date() == "2026-01-01"
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert page_date() == page_date()  # files' dates, not the clock's seconds


def test_the_module_writes_every_page(tmp_path: Path) -> None:
    out = tmp_path / "man"
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1767225600", "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.run(
        [sys.executable, "-m", "briefconv._manpage", str(out)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{name}.1" for name in COMMANDS)
    made = pages("2026-01-01")
    for path in out.iterdir():
        assert path.read_text(encoding="utf-8") == made[path.name]
