"""Manifests and pack options: the keys that mirror the flags, and how mistakes are reported.

Issue 15, items 6 and 8. Each mistake is checked through the library and through the real
command line (a new process: the exit status and stderr users see), with the exact text.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

import briefconv
from briefconv import FormatError, InputError, ManifestError, Paragraph, Text
from briefconv.dates import check_date
from briefconv.readers import parse_size
from briefconv.styles import bundled_styles

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
    """The lines of the ManifestError build_pack raises for the manifest at ``path``."""
    with pytest.raises(ManifestError) as info:
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


# The styles the tests can find are the bundled ones (the project's styles/ has the same).
_NO_NEWSROM = (
    f"unknown style 'newsrom' (did you mean 'newsroom'? styles: {', '.join(bundled_styles())})"
)


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


# --- items 8b, 8d: the manifest's style and dates, named by key ---------------------------


def test_unknown_manifest_style_names_the_key(tmp_path: Path) -> None:
    path = _folder(tmp_path, f'title = "T"\nstyle = "newsrom"\n{ARTICLE}')
    expected = f"pack.toml: style: {_NO_NEWSROM}"
    assert _problems(path) == [f"{tmp_path}/{expected}"]
    assert _refused(path) == [expected]


def test_manifest_dates_are_checked(tmp_path: Path) -> None:
    path = _folder(
        tmp_path,
        'title = "T"\ndate = "2026-13-45"\n'
        '[[articles]]\npath = "a.txt"\ndate = "26 November 2026"\n'  # a form dates reads
        '[[articles]]\npath = "a.txt"\ndate = "31 February 2026"\n',
    )
    expected = [
        "pack.toml: date: 2026-13-45 is not a date (expected YYYY-MM-DD)",
        "pack.toml: articles[2].date: 31 February 2026 is not a date (expected YYYY-MM-DD)",
    ]
    assert _problems(path) == [f"{tmp_path}/{line}" for line in expected]
    assert _refused(path) == expected


# --- item 8c: every mistake at once, before any article is read ---------------------------

MISTAKES = (
    'title = "T"\nformats = ["pfd"]\nstyle = "newsrom"\ndate = "2026-13-45"\ncolour = "red"\n'
    'cover = "no"\n[[articles]]\npath = "a.txt"\nsumary = "x"\n'
    '[[articles]]\npath = "missing.txt"\n'
    '[[articles]]\npath = "latin1.txt"\n'  # not UTF-8, but not read while keys are wrong
)
MISTAKE_LINES = [
    "pack.toml: colour: unknown key",
    "pack.toml: date: 2026-13-45 is not a date (expected YYYY-MM-DD)",
    "pack.toml: formats: unknown format 'pfd' (did you mean 'pdf'? available: {formats})",
    "pack.toml: style: {style}",
    "pack.toml: cover: expected true or false",
    "pack.toml: articles[1].sumary: unknown key (did you mean 'summary'?)",
    "pack.toml: articles[2].path: no such file {folder}missing.txt",
]


def _mistakes(tmp_path: Path) -> Path:
    return _folder(
        tmp_path,
        MISTAKES,
        {"a.txt": b"First paragraph.\n", "latin1.txt": "Caf\u00e9 society.\n".encode("latin-1")},
    )


def test_every_manifest_mistake_is_reported_at_once(tmp_path: Path) -> None:
    path = _mistakes(tmp_path)
    with pytest.raises(ManifestError) as info:
        briefconv.load_manifest(path)
    expected = [
        f"{tmp_path}/" + line.format(formats=_available(), folder=f"{tmp_path}/", style=_NO_NEWSROM)
        for line in MISTAKE_LINES
    ]
    assert list(info.value.problems) == expected
    assert str(info.value) == "\n".join(expected)
    assert isinstance(info.value, InputError)  # callers catching InputError still do
    assert pickle.loads(pickle.dumps(info.value)).problems == info.value.problems
    assert _problems(path) == expected


def test_cli_prints_each_mistake_as_its_own_error_line(tmp_path: Path) -> None:
    path = _mistakes(tmp_path)
    # The manifest is named relative to the folder the command runs in, so is each line.
    expected = [
        line.format(formats=_available(), folder="", style=_NO_NEWSROM) for line in MISTAKE_LINES
    ]
    assert _refused(path) == expected


def test_unreadable_articles_are_reported_together(tmp_path: Path) -> None:
    latin1 = "Caf\u00e9 society.\n".encode("latin-1")
    path = _folder(
        tmp_path,
        'title = "T"\n[[articles]]\npath = "one.txt"\n[[articles]]\npath = "ok.txt"\n'
        '[[articles]]\npath = "two.txt"\n',
        {"one.txt": latin1, "ok.txt": b"Fine.\n", "two.txt": b"\n" + latin1},
    )
    lines = _refused(path)
    assert [line.split(": ", 1)[0] for line in lines] == ["one.txt:1", "two.txt:2"]
    assert all("not UTF-8 (byte 0xE9)" in line for line in lines)
    with pytest.raises(ManifestError) as info:
        briefconv.load_manifest(path)
    assert len(info.value.problems) == 2


def test_keys_given_by_the_caller_are_not_checked(tmp_path: Path) -> None:
    """-s, -t, --date replace the manifest's: its mistakes in them do not stop the pack."""
    path = _folder(
        tmp_path,
        f'title = "T"\nformats = ["odt"]\nstyle = "house-only"\ndate = "someday"\n{ARTICLE}',
    )
    assert len(_problems(path)) == 3
    built = briefconv.build_pack(path, style="newsroom", formats=["html"], date="2026-11-26")
    assert (built.style.name, built.formats) == ("newsroom", ("html",))
    assert built.pack.meta.date == "2026-11-26"


# --- item 6: encoding, from and max_size keys; allow_outside only as a flag ----------------

CAFE = "# Café society\n\nThe café reopened on Monday after repairs.\n".encode("latin-1")


def test_manifest_read_keys_apply_to_every_article(tmp_path: Path) -> None:
    path = _folder(
        tmp_path,
        'title = "T"\nencoding = "latin-1"\nfrom = "markdown"\nmax_size = "1k"\n'
        '[[articles]]\npath = "one.txt"\n[[articles]]\npath = "two.txt"\n',
        {"one.txt": CAFE, "two.txt": CAFE.replace(b"society", b"culture")},
    )
    articles = briefconv.load_manifest(path).articles
    # Decoded as Latin-1 and read as Markdown (the "# " line is the title), both of them.
    assert [a.meta.title for a in articles] == ["Café society", "Café culture"]
    # max_size = "1k": a longer article is refused, and the advice names the key.
    (tmp_path / "two.txt").write_bytes(CAFE + b"x" * 1024)
    with pytest.raises(ManifestError) as info:
        briefconv.load_manifest(path)
    assert info.value.problems == (
        f"{tmp_path}/two.txt: 1.06 KiB is over the 1 KiB input limit "
        f"(raise it with --max-size or max_size in {path})",
    )


def test_flags_override_the_manifest_read_keys(tmp_path: Path) -> None:
    path = _folder(
        tmp_path,
        f'title = "T"\nencoding = "utf-8"\nfrom = "markdown"\nmax_size = 16\n{ARTICLE}',
        {"a.txt": CAFE},
    )
    built = briefconv.build_pack(path, encoding="latin-1", input_format="text", max_bytes=1024)
    # Read as text: the "# " line is a paragraph, and the title comes from the file name.
    article = built.pack.articles[0].article
    assert article.blocks[0] == Paragraph((Text("# Café society"),))
    # The same through the command line: each flag wins over its key.
    proc = run(
        "pack", "pack.toml", "-t", "html", "-o", "out",
        "--encoding", "latin-1", "--from", "text", "--max-size", "1k",
        cwd=tmp_path,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "# Café society" in (tmp_path / "out.html").read_text(encoding="utf-8")
    # A --max-size given here is the one to raise: the advice does not name the key.
    proc = run("pack", "pack.toml", "-o", "out2", "--encoding", "latin-1", "--max-size", "10",
               cwd=tmp_path)  # fmt: skip
    assert proc.returncode == 1
    assert proc.stderr.endswith("input limit (raise it with --max-size)\n")
    assert not list(tmp_path.glob("out2*"))


def test_wrong_read_keys_are_reported_together(tmp_path: Path) -> None:
    wrong = {
        'encoding = "latin-9x"': "encoding: unknown encoding 'latin-9x'",
        'encoding = "base64"': "encoding: 'base64' is not a text encoding",
        'from = "html"': "from: expected one of text, markdown, json",
        'max_size = "lots"': "max_size: 'lots' is not a size such as 20M or 500k",
        "max_size = 0": "max_size: the size must be positive",
        "max_size = true": 'max_size: expected a number of bytes or a size such as "20M"',
    }
    for key, problem in wrong.items():
        path = _folder(tmp_path, f'title = "T"\n{key}\n{ARTICLE}')
        assert _problems(path) == [f"{path}: {problem}"]
    path = _folder(
        tmp_path, f'title = "T"\nencoding = "latin-9x"\nfrom = "html"\nmax_size = "lots"\n{ARTICLE}'
    )
    assert _refused(path) == [
        "pack.toml: encoding: unknown encoding 'latin-9x'",
        "pack.toml: from: expected one of text, markdown, json",
        "pack.toml: max_size: 'lots' is not a size such as 20M or 500k",
    ]


def test_a_manifest_cannot_lift_its_own_confinement(tmp_path: Path) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    (tmp_path / "secret.txt").write_text("Private words.\n", encoding="utf-8")
    path = _folder(
        folder, 'title = "T"\nallow_outside = true\n[[articles]]\npath = "../secret.txt"\n'
    )
    refusal = (
        "pack.toml: allow_outside: only the --allow-outside flag can allow this "
        "(a manifest cannot lift its own confinement)"
    )
    outside = (
        "pack.toml: articles[1].path: '../secret.txt' is outside the manifest's folder; "
        "articles must be in it (pass --allow-outside to allow it)"
    )
    assert _problems(path) == [f"{folder}/{refusal}", f"{folder}/{outside}"]
    assert _refused(path) == [refusal, outside]
    # Even beside the flag the key is refused: it is never the manifest's to give.
    assert _refused(path, "--allow-outside") == [refusal]
    assert _problems(path, allow_outside=True) == [f"{folder}/{refusal}"]


def test_encoding_advice_works_for_convert_pack_and_a_manifest(tmp_path: Path) -> None:
    """Each way the advice names to give an encoding is one that exists, and works."""
    path = _folder(tmp_path, f'title = "T"\n{ARTICLE}', {"a.txt": CAFE})
    advice = "save the file as UTF-8 or pass --encoding (e.g. --encoding cp1252)"

    convert = run("convert", "a.txt", "-t", "html", "-o", "conv", cwd=tmp_path)
    assert convert.returncode == 1 and convert.stderr.endswith(f"{advice}\n")
    assert run("convert", "a.txt", "-t", "html", "-o", "conv", "--encoding", "cp1252",
               cwd=tmp_path).returncode == 0  # fmt: skip

    assert _refused(path) == [
        f"a.txt:1: not UTF-8 (byte 0xE9); {advice}, or set encoding in pack.toml"
    ]
    pack = run("pack", "pack.toml", "-t", "html", "-o", "p1", "--encoding", "cp1252",
               cwd=tmp_path)  # fmt: skip
    assert pack.returncode == 0, pack.stderr
    path.write_text(f'title = "T"\nencoding = "cp1252"\n{ARTICLE}', encoding="utf-8")
    pack = run("pack", "pack.toml", "-t", "html", "-o", "p2", cwd=tmp_path)
    assert pack.returncode == 0, pack.stderr
    assert "Café society" in (tmp_path / "p2.html").read_text(encoding="utf-8")


def test_a_pack_never_overwrites_a_manifests_article(tmp_path: Path) -> None:
    # Issue 15, item 11, for manifests: -o naming one of the articles is refused.
    from click.testing import CliRunner

    from briefconv.cli import cli

    article = tmp_path / "talks.html"
    article.write_text("Talks resume\n\nThe delegations met.\n", encoding="utf-8")
    manifest = tmp_path / "pack.toml"
    manifest.write_text('title = "Weekly"\n[[articles]]\npath = "talks.html"\n', encoding="utf-8")
    before = article.read_bytes()
    args = ["pack", str(manifest), "--from", "text", "-o", str(article)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1, result.output
    assert "an output never replaces an input" in result.output
    assert article.read_bytes() == before
