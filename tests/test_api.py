"""The public library surface: pinned names, and the README's examples working as shown."""

from __future__ import annotations

import importlib
import importlib.metadata
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import briefconv
from briefconv import Article, ArticleMeta, Heading, Paragraph, Text
from briefconv.writers import get_writer

from .conftest import ROOT, SAMPLE


def test_public_names_are_pinned() -> None:
    assert sorted(briefconv.__all__) == sorted(
        [
            "DEFAULT_FORMATS", "MODEL_VERSION", "Article", "ArticleMeta", "Block",
            "BriefconvError", "BuiltPack", "BulletList", "Emphasis", "FormatError", "Heading",
            "Inline", "InputError", "Link", "Manifest", "OrderedList", "Pack", "PackArticle",
            "PackMeta", "Paragraph", "Quote", "RenderError", "Strong", "Style", "StyleError",
            "Text", "__version__", "available_formats", "build_pack", "convert", "from_json",
            "load_manifest", "ManifestError",
            "load_style", "make_pack", "output_name", "read_file", "read_string", "render",
            "render_pack", "to_json", "write_atomic", "write_outputs",
            # The whole document model, so scripts can build articles (issue 13, 15).
            "Align", "Cell", "Code", "CodeBlock", "Figure", "Layout", "LineBreak", "Note",
            "Strikethrough", "Table", "ThematicBreak", "block_text", "plain_text",
            "HANDOUT_LAYOUT", "PACK_LAYOUT", "notes_in", "sanitize", "sanitize_reported",
        ]
    )  # fmt: skip
    for name in briefconv.__all__:
        assert getattr(briefconv, name) is not None
    # Every public name of the model (node types and helpers) is the package's too.
    from briefconv import model

    assert set(model.__all__) <= set(briefconv.__all__)


def test_version_matches_the_package_metadata() -> None:
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert f'version = "{briefconv.__version__}"' in text


def test_readme_library_example(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"## The library\n\n```python\n(.*?)```", readme, re.S)
    assert block is not None
    monkeypatch.chdir(ROOT)
    code = block.group(1).replace('"build"', repr(str(tmp_path)))
    namespace: dict[str, object] = {}
    exec(compile(code, "README.md", "exec"), namespace)
    assert isinstance(namespace["pdf"], bytes) and namespace["pdf"].startswith(b"%PDF-")
    assert isinstance(namespace["docx"], bytes) and namespace["docx"].startswith(b"PK")
    assert isinstance(namespace["epub"], bytes) and namespace["epub"].startswith(b"PK")
    assert namespace["paths"] == [tmp_path / "istanbul-talks.epub"]


def test_render_accepts_style_names_paths_and_objects() -> None:
    memo = Article(ArticleMeta(title="Memo"), (Heading(1, (Text("Summary"),)),))
    by_name = briefconv.render(memo, "epub", "default")
    by_path = briefconv.render(memo, "epub", ROOT / "styles" / "default.toml")
    by_object = briefconv.render(memo, "epub", briefconv.load_style())
    assert by_name == by_path == by_object


def test_read_string_and_output_name() -> None:
    article = briefconv.read_string("Para one.\nPara two.", name="week-42.txt")
    assert article.meta.title == "Week 42"
    assert [type(b) for b in article.blocks] == [Paragraph, Paragraph]
    assert briefconv.output_name("a/b/talks.txt", "pdf") == "talks.pdf"
    assert briefconv.output_name("-", "docx") == "stdin.docx"


def test_unknown_format_is_a_format_error() -> None:
    with pytest.raises(briefconv.FormatError, match="unknown format 'odt'"):
        briefconv.render(briefconv.read_file(SAMPLE), "odt")


def test_write_atomic_leaves_nothing_half_written(tmp_path: Path) -> None:
    target = tmp_path / "out" / "x.bin"
    briefconv.write_atomic(target, b"first")
    assert target.read_bytes() == b"first"
    mode = target.stat().st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    assert mode == 0o666 & ~umask

    with pytest.raises(TypeError):
        briefconv.write_atomic(target, "not bytes")  # type: ignore[arg-type]
    assert target.read_bytes() == b"first"
    assert sorted(p.name for p in target.parent.iterdir()) == ["x.bin"]


def test_rewriting_an_output_keeps_its_permissions(tmp_path: Path) -> None:
    """Issue 14, item 10: a handout made private stays private when it is rebuilt."""
    out = tmp_path / "out"
    first = briefconv.convert(SAMPLE, ["pdf"], out_dir=out)
    first[0].chmod(0o600)
    again = briefconv.convert(SAMPLE, ["pdf"], out_dir=out)
    assert again == first
    assert first[0].stat().st_mode & 0o777 == 0o600
    # A str path works as well as a Path (issue 15, item 10).
    briefconv.write_atomic(str(out / "x.bin"), b"data")
    assert (out / "x.bin").read_bytes() == b"data"


def test_import_is_lazy_and_every_public_name_resolves() -> None:
    code = (
        "import sys, briefconv\n"
        "print(sorted(m for m in sys.modules if m.startswith('briefconv')))\n"
        "print(briefconv.__version__)\n"
        "print(sorted(m for m in sys.modules if m.startswith('briefconv')))\n"
        "from briefconv import Article, render, model\n"
        "print(Article.__module__, render.__module__, model.__name__)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == lines[2] == "['briefconv']"
    assert lines[1] == briefconv.__version__
    assert lines[3] == "briefconv.model briefconv.api briefconv.model"


def test_lazy_names_are_their_modules_objects() -> None:
    lazy = briefconv._LAZY
    assert set(lazy) | {"__version__"} == set(briefconv.__all__)
    for name, module in lazy.items():
        assert getattr(briefconv, name) is getattr(importlib.import_module(module), name)
    assert set(briefconv.__all__) <= set(dir(briefconv))
    with pytest.raises(AttributeError, match="no attribute 'no_such_name'"):
        briefconv.no_such_name  # type: ignore[attr-defined]  # noqa: B018


def test_builtin_writers_are_made_once() -> None:
    assert get_writer("pdf") is get_writer("PDF")
    assert get_writer("docx") is get_writer("docx")


def test_entry_points_are_scanned_once_per_sys_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    real = importlib.metadata.entry_points

    def counting(**kwargs: Any) -> Any:
        calls.append(kwargs["group"])
        return real(**kwargs)

    monkeypatch.setattr(importlib.metadata, "entry_points", counting)
    monkeypatch.syspath_prepend(str(tmp_path))  # a new sys.path: the cache no longer holds
    article = briefconv.read_string("Para.", name="memo.txt")
    for _ in range(5):
        briefconv.render(article, "epub")
        briefconv.available_formats()
    with pytest.raises(briefconv.FormatError, match="unknown format 'odt'"):
        get_writer("odt")
    assert calls == ["briefconv.writers"]
    monkeypatch.syspath_prepend(str(tmp_path / "more"))
    # A built-in's name needs no scan, even on a new sys.path (start-up, issue 19)...
    get_writer("epub")
    assert calls == ["briefconv.writers"]
    # ...listing the formats does, once.
    briefconv.available_formats()
    briefconv.available_formats()
    assert calls == ["briefconv.writers"] * 2


def test_a_full_disk_leaves_the_old_set_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 14, item 17: a disk full after the DOCX left a new DOCX beside an old PDF."""
    import errno

    from briefconv import _io

    article = briefconv.read_file(SAMPLE)
    old = briefconv.write_outputs(article, ["docx", "pdf"], tmp_path / "talks")
    before = {p.name: p.read_bytes() for p in old}
    real_stage = _io._stage
    calls: list[Path] = []

    def stage_then_fill_up(path: Path, data: bytes) -> str:
        calls.append(path)
        if len(calls) == 2:
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return real_stage(path, data)

    monkeypatch.setattr(_io, "_stage", stage_then_fill_up)
    changed = briefconv.Article(
        briefconv.ArticleMeta("Changed"), (briefconv.Paragraph((briefconv.Text("New."),)),)
    )
    with pytest.raises(OSError, match="No space left"):
        briefconv.write_outputs(changed, ["docx", "pdf"], tmp_path / "talks")
    assert {p.name: p.read_bytes() for p in old} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["talks.docx", "talks.pdf"]


def test_one_format_name_is_a_format_not_its_letters(tmp_path: Path) -> None:
    # Issue 15, item 10: convert(path, "pdf") failed with "unknown format 'p'".
    source = tmp_path / "talks.txt"
    source.write_text("Talks resume\n\nThe delegations met on Monday.\n", encoding="utf-8")
    assert briefconv.convert(source, "pdf", tmp_path / "out") == [tmp_path / "out/talks.pdf"]
    written = briefconv.convert(source, "docx,epub", tmp_path / "out")
    assert [p.name for p in written] == ["talks.docx", "talks.epub"]
    with pytest.raises(briefconv.FormatError, match="'pfd'"):
        briefconv.convert(source, "pfd", tmp_path / "out")


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: briefconv.Paragraph("text"), r"Paragraph\.children: expected a tuple"),
        (lambda: briefconv.Paragraph((briefconv.Text("a"), "b")), r"Paragraph\.children\[1\]"),
        (lambda: briefconv.Emphasis(("x",)), r"Emphasis\.children\[0\]"),
        (lambda: briefconv.Text(3), r"Text\.text: expected a string, got int"),
        (lambda: briefconv.Heading("1", ()), r"Heading\.level: expected a whole number"),
        (lambda: briefconv.BulletList(["a"]), r"BulletList\.items\[0\]"),
        (lambda: briefconv.Quote(("para",)), r"Quote\.paragraphs\[0\]: expected Paragraph"),
        (
            lambda: briefconv.Article(briefconv.ArticleMeta("T"), (briefconv.Text("x"),)),
            r"Article\.blocks\[0\]: expected block nodes",
        ),
        (lambda: briefconv.Article("T", ()), r"Article\.meta: expected an ArticleMeta"),
    ],
)
def test_wrong_types_in_the_model_name_the_field(build: Any, message: str) -> None:
    # Issue 15, item 10: Paragraph("text") was accepted, and render then failed with
    # "Expected code to be unreachable, but got: 't'".
    with pytest.raises(TypeError, match=message):
        build()


def test_lists_are_taken_as_tuples() -> None:
    para = briefconv.Paragraph([briefconv.Text("a")])
    items = briefconv.BulletList([[briefconv.Text("one")], [briefconv.Text("two")]])
    article = briefconv.Article(briefconv.ArticleMeta("T"), [para, items])
    assert article.blocks == (para, items)
    assert para.children == (briefconv.Text("a"),)
    assert items.items == ((briefconv.Text("one"),), (briefconv.Text("two"),))
    assert b"two" in briefconv.render(article, "html")


def test_a_huge_size_limit_reads_small_files(tmp_path: Path) -> None:
    # --max-size 100G used to fail with MemoryError: the limit was allocated up front.
    from briefconv._io import read_limited

    small = tmp_path / "a.txt"
    small.write_bytes(b"x" * 3_000_000)
    data, _ = read_limited(small, 100 * 2**30)
    assert len(data) == 3_000_000
    from briefconv._io import TooLarge

    with pytest.raises(TooLarge):
        read_limited("/dev/zero", 2_500_000)
