"""Third-party writers plug in through the ``briefconv.writers`` entry-point group."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

import briefconv
from briefconv.cli import cli
from briefconv.errors import FormatError, StyleError
from briefconv.writers import available_writers, get_writer

from .conftest import SAMPLE

PLUGIN = '''
"""A tiny third-party writer: the article as Markdown-ish plain text."""
from dataclasses import dataclass
from typing import ClassVar

from briefconv.model import Article, Heading, Paragraph, plain_text
from briefconv.styles import Style
from briefconv.writers.options import WriterOptions, option


class PlainWriter:
    name: ClassVar[str] = "plain"
    extension: ClassVar[str] = ".plain.txt"
    media_type: ClassVar[str] = "text/plain"
    description: ClassVar[str] = "plain text (test plugin)"

    def write(self, article: Article, style: Style) -> bytes:
        lines = [article.meta.title.upper()]
        for block in article.blocks:
            if isinstance(block, Heading):
                lines.append("== " + plain_text(block.children))
            elif isinstance(block, Paragraph):
                lines.append(plain_text(block.children))
        return ("\\n".join(lines) + "\\n").encode("utf-8")


class BrokenWriter(PlainWriter):
    name: ClassVar[str] = "broken"

    def write(self, article: Article, style: Style) -> bytes:
        raise RuntimeError("the plugin fell over")


class ImpostorWriter(PlainWriter):
    name: ClassVar[str] = "pdf"


class MarkdownWriter(PlainWriter):
    """A format whose extension is an input's: it must never overwrite the article."""

    name: ClassVar[str] = "md"
    extension: ClassVar[str] = ".md"
    description: ClassVar[str] = "Markdown again (test plugin)"


class TextReturningWriter(PlainWriter):
    name: ClassVar[str] = "textual"

    def write(self, article: Article, style: Style) -> bytes:
        return "text, not bytes"  # type: ignore[return-value]


class OutlineWriter:
    """A writer of today's interface: it renders packs, its layout deciding the parts."""

    name: ClassVar[str] = "outline"
    extension: ClassVar[str] = ".outline.txt"
    media_type: ClassVar[str] = "text/plain"
    description: ClassVar[str] = "outline (test plugin)"

    def write_pack(self, pack, style):
        lines = []
        if pack.layout.cover:
            lines.append("COVER " + pack.meta.title)
        for entry in pack.articles:
            lines.append("# " + entry.article.meta.title)
        return ("\\n".join(lines) + "\\n").encode("utf-8")


@dataclass(frozen=True, slots=True)
class OdtOptions(WriterOptions):
    """The [odt] table: this plugin's own style options."""

    table: ClassVar[str] = "odt"
    shout: bool = option(False, "upper-case every line")
    footer: str = option("", "a last line")


class OdtWriter:
    """A writer with options of its own, read typed with the defaults filled in."""

    name: ClassVar[str] = "odt"
    extension: ClassVar[str] = ".odt.txt"
    media_type: ClassVar[str] = "text/plain"
    description: ClassVar[str] = "titles (test plugin with options)"
    options: ClassVar[type[WriterOptions]] = OdtOptions

    def write_pack(self, pack, style):
        options = OdtOptions.of(style)
        lines = [entry.article.meta.title for entry in pack.articles]
        if options.footer:
            lines.append(options.footer)
        text = "\\n".join(lines) + "\\n"
        return (text.upper() if options.shout else text).encode("utf-8")
'''


@pytest.fixture
def plugin_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Install a plugin distribution on sys.path: a module plus a dist-info with entry points."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "briefconv_test_plugin.py").write_text(textwrap.dedent(PLUGIN), encoding="utf-8")
    dist = site / "briefconv_test_plugin-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: briefconv-test-plugin\nVersion: 1.0\n", encoding="utf-8"
    )
    (dist / "entry_points.txt").write_text(
        "[briefconv.writers]\n"
        "plain = briefconv_test_plugin:PlainWriter\n"
        "broken = briefconv_test_plugin:BrokenWriter\n"
        "pdf = briefconv_test_plugin:ImpostorWriter\n"
        "outline = briefconv_test_plugin:OutlineWriter\n"
        "odt = briefconv_test_plugin:OdtWriter\n"
        "missing = briefconv_test_plugin:NoSuchWriter\n"
        "md = briefconv_test_plugin:MarkdownWriter\n"
        "textual = briefconv_test_plugin:TextReturningWriter\n",
        encoding="utf-8",
    )
    monkeypatch.syspath_prepend(str(site))
    return site


def test_plugin_is_listed_and_renders(plugin_path: Path) -> None:
    writers = available_writers()
    assert writers["plain"].builtin is False
    data = briefconv.render(briefconv.read_file(SAMPLE), "plain")
    text = data.decode("utf-8")
    assert text.startswith("ISTANBUL TALKS\n")
    assert "== Conclusion" in text


def test_builtin_wins_a_name_clash(plugin_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="briefconv"):
        writer = get_writer("pdf")
        # A built-in name is found without reading the entry points (start-up, issue 19)...
        assert not caplog.records
        # ...and the hidden plugin is reported where formats are listed.
        writers = available_writers()
    assert type(writer).__module__ == "briefconv.writers.pdf"
    assert writers["pdf"].builtin is True
    assert any("ignored: a built-in writer has that name" in r.getMessage() for r in caplog.records)


def test_formats_names_a_plugin_hidden_by_a_builtin(plugin_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(plugin_path), *sys.path])}
    proc = subprocess.run(
        [sys.executable, "-m", "briefconv", "formats"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "writer plugin 'pdf' (briefconv_test_plugin:ImpostorWriter) ignored" in proc.stderr
    assert "plain" in proc.stdout


def test_broken_plugins_are_clear_errors(plugin_path: Path) -> None:
    with pytest.raises(FormatError, match="could not be loaded"):
        get_writer("missing")
    with pytest.raises(briefconv.RenderError, match="broken: could not render"):
        briefconv.render(briefconv.read_file(SAMPLE), "broken")


def test_cli_uses_the_plugin(plugin_path: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    listed = runner.invoke(cli, ["formats"])
    assert "plain" in listed.output and "plugin" in listed.output
    out = tmp_path / "out"
    result = runner.invoke(cli, ["convert", str(SAMPLE), "-t", "plain", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert (out / "istanbul-talks.plain.txt").read_text(encoding="utf-8").startswith("ISTANBUL")
    failed = runner.invoke(cli, ["convert", str(SAMPLE), "-t", "broken", "-o", str(out)])
    assert failed.exit_code == 1
    assert "briefconv: error: broken: could not render" in failed.output
    assert not (out / "istanbul-talks.plain.txt.tmp").exists()
    assert sorted(p.name for p in out.iterdir()) == ["istanbul-talks.plain.txt"]


def test_plugin_in_a_real_process(plugin_path: Path, tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(plugin_path), *sys.path])}
    proc = subprocess.run(
        [sys.executable, "-m", "briefconv", "convert", str(SAMPLE), "-t", "plain", "-o", "-"],
        capture_output=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(b"ISTANBUL TALKS")


def test_a_plugin_renders_packs_through_the_one_entry_point(plugin_path: Path) -> None:
    sample = briefconv.read_file(SAMPLE)
    assert briefconv.render(sample, "outline") == b"# Istanbul Talks\n"
    pack = briefconv.make_pack([sample, sample], briefconv.PackMeta(title="Weekly"))
    assert briefconv.render_pack(pack, "outline") == (
        b"COVER Weekly\n# Istanbul Talks\n# Istanbul Talks\n"
    )


def test_an_article_only_plugin_renders_handouts_and_refuses_packs(plugin_path: Path) -> None:
    sample = briefconv.read_file(SAMPLE)
    assert briefconv.render(sample, "plain").startswith(b"ISTANBUL TALKS\n")
    pack = briefconv.make_pack([sample, sample], briefconv.PackMeta(title="Weekly"))
    with pytest.raises(FormatError, match="plain: this writer renders single articles only"):
        briefconv.render_pack(pack, "plain")


def test_a_plugin_declares_its_style_table(plugin_path: Path, tmp_path: Path) -> None:
    sample = briefconv.read_file(SAMPLE)
    path = tmp_path / "house.toml"
    path.write_text('based_on = "default"\n[odt]\nshout = true\nfooter = "end"\n', "utf-8")
    style = briefconv.load_style(path)
    assert style.options["odt"] == {"shout": True, "footer": "end"}
    assert briefconv.render(sample, "odt", style) == b"ISTANBUL TALKS\nEND\n"
    # Defaults fill in what the style does not say; Python callers set keys as files do.
    assert briefconv.render(sample, "odt") == b"Istanbul Talks\n"
    assert briefconv.render(sample, "odt", style.with_options("odt", shout=False)) == (
        b"Istanbul Talks\nend\n"
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("[odt]\nshuot = true\n", "odt.shuot: unknown key (did you mean 'shout'?)"),
        ("[odt]\nshout = 'yes'\n", "odt.shout: expected true or false"),
        ("[odt]\nfooter = 3\n", "odt.footer: expected a string"),
        # A plugin that declares no options takes no keys.
        ("[plain]\nshout = true\n", "plain.shout: unknown key"),
        # A table for a format no writer has: did-you-mean over the plugins' names too.
        ("[otd]\nshout = true\n", "otd: unknown key (did you mean 'odt'?)"),
    ],
)
def test_a_plugins_table_is_checked_when_the_style_loads(
    plugin_path: Path, tmp_path: Path, body: str, message: str
) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(StyleError) as info:
        briefconv.load_style(path)
    assert str(info.value) == f"{path}: {message}"


def test_no_output_ever_replaces_its_input(
    plugin_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Issue 15, item 11: `-t md` on notes.md overwrote the source article.
    monkeypatch.chdir(tmp_path)  # the default -o is the current folder
    notes = tmp_path / "notes.md"
    notes.write_text("# Notes\n\nThe talks resumed on Monday.\n", encoding="utf-8")
    before = notes.read_bytes()
    runner = CliRunner()
    for name, args in [
        (str(notes), ["-t", "md", "-o", str(tmp_path)]),
        (str(notes), ["-o", str(notes)]),
        ("notes.md", ["-t", "md"]),
        ("notes.md", ["-t", "md", "-o", "./"]),
    ]:
        result = runner.invoke(cli, ["convert", name, *args], catch_exceptions=False)
        assert result.exit_code == 1, (args, result.output)
        assert "an output never replaces an input" in result.output
        assert notes.read_bytes() == before
    with pytest.raises(briefconv.InputError, match="never replaces an input"):
        briefconv.convert(notes, "md", tmp_path)
    assert notes.read_bytes() == before
    # Nor does a pack's output replace one of its articles.
    packed = runner.invoke(cli, ["pack", str(notes), "-t", "md", "-o", str(tmp_path / "notes")])
    assert packed.exit_code == 1 and "never replaces an input" in packed.output
    assert notes.read_bytes() == before
    # Elsewhere it is written as usual.
    ok = runner.invoke(cli, ["convert", str(notes), "-t", "md", "-o", str(tmp_path / "out")])
    assert ok.exit_code == 0, ok.output
    assert (tmp_path / "out/notes.md").read_text(encoding="utf-8").startswith("NOTES")


def test_formats_shows_a_plugins_own_description(plugin_path: Path) -> None:
    # Issue 15, item 13: `briefconv formats` printed "plugin: module:Class" instead.
    listed = CliRunner().invoke(cli, ["formats"])
    assert "plain   plain text (test plugin)" in listed.output
    assert "md      Markdown again (test plugin)" in listed.output
    assert "missing plugin: briefconv_test_plugin:NoSuchWriter (cannot be used" in listed.output


def test_a_plugin_returning_text_is_named_not_an_internal_error(
    plugin_path: Path, tmp_path: Path
) -> None:
    with pytest.raises(briefconv.RenderError, match="textual: the writer returned str, not bytes"):
        briefconv.render(briefconv.read_file(SAMPLE), "textual")
    result = CliRunner().invoke(cli, ["convert", str(SAMPLE), "-t", "textual", "-o", str(tmp_path)])
    assert result.exit_code == 1
    assert "internal error" not in result.output
    assert "the writer returned str, not bytes" in result.output


def test_an_extension_names_a_plugins_format(plugin_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "talks.plain.txt"
    result = CliRunner().invoke(cli, ["convert", str(SAMPLE), "-o", str(out)])
    assert result.exit_code == 2  # ".txt" alone is no format's extension: ambiguous
    result = CliRunner().invoke(cli, ["convert", str(SAMPLE), "-o", str(tmp_path / "t.md")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "t.md").read_text(encoding="utf-8").startswith("ISTANBUL")


def test_builtin_extensions_match_the_writers() -> None:
    from briefconv.writers import _BUILTIN_EXTENSIONS

    for suffix, name in _BUILTIN_EXTENSIONS.items():
        assert get_writer(name).extension == suffix
