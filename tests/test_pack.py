"""Packs, format-independent: make_pack, manifests and their errors, the pack's wording."""

from __future__ import annotations

from pathlib import Path

import pytest

import briefconv
from briefconv import InputError, PackMeta, Paragraph, Text
from briefconv.model import HANDOUT_LAYOUT, plain_text
from briefconv.pack import first_sentence, handout, make_pack, reading_time
from briefconv.wording import cover_text, entry_details, labels, long_date

from .conftest import ROOT, SAMPLE

MANIFEST = ROOT / "source" / "pack.toml"


def test_sample_manifest() -> None:
    manifest = briefconv.load_manifest(MANIFEST)
    pack = manifest.to_pack()
    assert manifest.output == ROOT / "source" / "briefing-pack"
    assert manifest.formats == ("docx", "pdf", "epub")
    assert pack.meta.title == "Weekly Security Brief"
    assert pack.meta.classification == "OFFICIAL"
    titles = [e.article.meta.title for e in pack.articles]
    assert titles == [
        "Second Round of Talks Opens in Istanbul",  # the manifest's override
        "Black Sea Grain Talks Stall Over Insurance",
        "Kyiv Braces for a Hard Winter",
    ]
    first = pack.articles[0]
    assert first.article.meta.source == "Example News" and first.article.meta.date == "3 June 2025"
    assert first.summary.startswith("Talks resume under fire")
    # No summary in the manifest: the article's first sentence.
    assert pack.articles[2].summary.startswith("Engineers in Kyiv worked through the weekend")
    assert [e.id for e in pack.articles] == [
        "a1-second-round-of-talks-opens-in-istanbul",
        "a2-black-sea-grain-talks-stall-over-insuran",
        "a3-kyiv-braces-for-a-hard-winter",
    ]
    assert pack.articles[0].words == 524 and pack.articles[0].minutes == 3


def test_cover_and_contents_wording() -> None:
    pack = briefconv.load_manifest(MANIFEST).to_pack()
    cover = cover_text(pack)
    # Dates and "N min" are held together by no-break spaces: never split across lines.
    assert cover.date == "26\u00a0November\u00a02026"
    # Label and value apart: every format sets them as a table (issue 16).
    assert cover.details == (
        ("Date", "26\u00a0November\u00a02026"),
        ("Prepared for", "Foreign Affairs Committee"),
        ("Prepared by", "Policy Analysis Unit"),
        ("Classification", "OFFICIAL"),
        ("Reference", "PAU/2026/117"),
    )
    assert cover.identity == "Policy Analysis Unit"
    assert cover.entries == tuple(
        (e.article.meta.title, f"{e.minutes}\u00a0min\u00a0read") for e in pack.articles
    )
    total = sum(e.minutes for e in pack.articles)
    # Words, not "6 min reading in all".
    assert cover.summary == f"3 articles · about {total}\u00a0minutes’ reading"
    details = "Example News · 3\u00a0June\u00a02025 · 3\u00a0min\u00a0read"
    assert entry_details(pack.articles[0], "en") == details
    assert labels("uk-UA").in_this_pack == "У цьому пакеті"
    assert labels("xx").in_this_pack == "In this pack"
    assert long_date("not a date", "en") == "not a date"


def test_words_per_minute_changes_reading_time() -> None:
    article = briefconv.read_file(SAMPLE)
    assert reading_time(524) == 3 and reading_time(524, 100) == 6 and reading_time(0) == 1
    pack = make_pack([article], PackMeta(title="T"), words_per_minute=100)
    assert pack.articles[0].minutes == 6


def test_ids_are_unique_for_equal_titles() -> None:
    article = briefconv.read_file(SAMPLE)
    pack = make_pack([article, article], PackMeta(title="T"))
    assert len({e.id for e in pack.articles}) == 2


def test_single_article_pack_has_no_cover() -> None:
    pack = handout(briefconv.read_file(SAMPLE))
    assert pack.layout == HANDOUT_LAYOUT and len(pack.articles) == 1


def test_first_sentence_keeps_abbreviations() -> None:
    article = briefconv.read_string("The U.S. delegation left at 10 a.m. GMT. Talks went on.")
    assert first_sentence(article) == "The U.S. delegation left at 10 a.m. GMT."


def _write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "a.txt").write_text("First paragraph. Second sentence.\n", encoding="utf-8")
    path = tmp_path / "pack.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[[articles]]\npath = "a.txt"\n', "title: missing"),
        ('title = "T"\n', "articles: expected at least one"),
        ('title = "T"\n[[articles]]\npath = "b.txt"\n', "articles[1].path: no such file"),
        (
            'title = "T"\n[[articles]]\npaht = "a.txt"\n',
            "articles[1].paht: unknown key (did you mean 'path'?)",
        ),
        (
            'title = "T"\nclasification = "X"\n[[articles]]\npath = "a.txt"\n',
            "clasification: unknown key (did you mean 'classification'?)",
        ),
        ('title = "T"\nformats = "pdf, docx"\n[[articles]]\npath = "a.txt"\n', None),
        (
            'title = "T"\nwords_per_minute = 5\n[[articles]]\npath = "a.txt"\n',
            "words_per_minute: expected",
        ),
        (
            'title = "T"\n[[articles]]\npath = "a.txt"\nauthor = 3\n',
            "articles[1].author: expected a name",
        ),
        ("title = 3\n", "title: expected a non-empty string"),
        ('title = "T"\ncover = "no"\n[[articles]]\npath = "a.txt"\n', "cover: expected true or"),
        ("title = [\n", "not valid TOML"),
    ],
)
def test_manifest_errors(tmp_path: Path, text: str, message: str | None) -> None:
    path = _write(tmp_path, text)
    if message is None:
        assert briefconv.load_manifest(path).formats == ("pdf", "docx")
        return
    with pytest.raises(InputError) as info:
        briefconv.load_manifest(path)
    assert str(info.value).startswith(f"{path}: ")
    assert message in str(info.value)


def test_manifest_overrides_and_relative_paths(tmp_path: Path) -> None:
    (tmp_path / "styles").mkdir()
    _house_style(tmp_path / "styles", 230)  # a manifest's style is checked: it must exist
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "x.txt").write_text("Body text here.\n", encoding="utf-8")
    path = tmp_path / "m.toml"
    path.write_text(
        'title = "P"\nstyle = "styles/house.toml"\noutput = "out/pack"\n'
        '[[articles]]\npath = "articles/x.txt"\ntitle = "Over"\nauthor = ["A", "B"]\n'
        'url = "https://example.org/x"\nsummary = "Why."\n',
        encoding="utf-8",
    )
    manifest = briefconv.load_manifest(path)
    meta = manifest.to_pack().articles[0].article.meta
    assert (meta.title, meta.authors, meta.url) == ("Over", ("A", "B"), "https://example.org/x")
    assert manifest.style == str((tmp_path / "styles" / "house.toml").resolve())
    assert manifest.output == tmp_path / "out" / "pack"
    assert manifest.to_pack().articles[0].summary == "Why."


@pytest.mark.parametrize(
    ("entry", "key"),
    [
        ('output = "../../victim/report"\n[[articles]]\npath = "a.txt"\n', "output"),
        ('output = "/tmp/elsewhere/report"\n[[articles]]\npath = "a.txt"\n', "output"),
        ('[[articles]]\npath = "../../../../etc/passwd"\n', "articles[1].path"),
        ('[[articles]]\npath = "/etc/passwd"\n', "articles[1].path"),
        ('[[articles]]\npath = "link.txt"\n', "articles[1].path"),  # a symlink out
    ],
)
def test_manifest_paths_stay_in_its_folder(tmp_path: Path, entry: str, key: str) -> None:
    """Issue 14, item 8: a manifest from elsewhere cannot read or write outside its folder."""
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "a.txt").write_text("Body text here.\n", encoding="utf-8")
    outside = tmp_path / "secret.txt"
    outside.write_text("Private words.\n", encoding="utf-8")
    (folder / "link.txt").symlink_to(outside)
    path = folder / "m.toml"
    path.write_text('title = "T"\n' + entry, encoding="utf-8")
    with pytest.raises(InputError) as info:
        briefconv.load_manifest(path)
    assert str(info.value).startswith(f"{path}: {key}: ")
    assert "outside the manifest's folder" in str(info.value)
    assert "--allow-outside" in str(info.value)
    if "link.txt" in entry:  # the explicit flag lets it through
        manifest = briefconv.load_manifest(path, allow_outside=True)
        assert "Private words." in plain_text(manifest.articles[0].blocks[0].children)  # type: ignore[union-attr]


# build_pack: the precedence rules the command line used to hold alone.


def _house_style(folder: Path, words_per_minute: int) -> Path:
    path = folder / "house.toml"
    path.write_text(
        f'based_on = "default"\nname = "house"\n[pack]\nwords_per_minute = {words_per_minute}\n',
        encoding="utf-8",
    )
    return path


def _sample_manifest(tmp_path: Path, extra: str = "") -> Path:
    (tmp_path / "talks.txt").write_bytes(SAMPLE.read_bytes())
    path = tmp_path / "weekly.toml"
    path.write_text(
        'title = "From the manifest"\nsubtitle = "Manifest subtitle"\n'
        'classification = "SECRET"\noutput = "out/weekly"\nformats = ["pdf"]\n'
        f'{extra}[[articles]]\npath = "talks.txt"\n',
        encoding="utf-8",
    )
    return path


def test_build_pack_caller_details_beat_the_manifest(tmp_path: Path) -> None:
    path = _sample_manifest(tmp_path)
    plain = briefconv.build_pack(path)
    assert plain.pack.meta.title == "From the manifest"
    assert plain.pack.meta.classification == "SECRET"
    assert plain.formats == ("pdf",)
    assert plain.output == tmp_path / "out" / "weekly"
    assert plain.style.name == "default"

    built = briefconv.build_pack(
        path,
        title="Given here",
        classification="OFFICIAL",
        formats=["epub,DOCX", "epub"],
        output=tmp_path / "elsewhere" / "brief",
    )
    meta = built.pack.meta
    assert (meta.title, meta.classification) == ("Given here", "OFFICIAL")
    assert meta.subtitle == "Manifest subtitle"  # not given here: the manifest's stays
    assert built.formats == ("epub", "docx")
    assert built.output == tmp_path / "elsewhere" / "brief"
    assert built.pack.articles == plain.pack.articles


def test_build_pack_style_caller_then_manifest_then_default(tmp_path: Path) -> None:
    house = _house_style(tmp_path, 60)
    path = _sample_manifest(tmp_path, extra='style = "house.toml"\n')
    from_manifest = briefconv.build_pack(path)
    assert from_manifest.style.name == "house"
    # The house style's [pack] speed sets the reading time: 524 words at 60 a minute.
    assert from_manifest.pack.articles[0].minutes == reading_time(524, 60) == 9

    given = briefconv.build_pack(path, style="newsroom")
    assert given.style.name == "newsroom"
    assert given.pack.articles[0].minutes == reading_time(524) == 3

    assert briefconv.build_pack(SAMPLE).style.name == "default"
    assert briefconv.build_pack(SAMPLE, style=house).pack.articles[0].minutes == 9


def test_build_pack_manifest_words_per_minute_beats_the_style(tmp_path: Path) -> None:
    _house_style(tmp_path, 60)
    path = _sample_manifest(tmp_path, extra='style = "house.toml"\nwords_per_minute = 100\n')
    assert briefconv.build_pack(path).pack.articles[0].minutes == 6


def test_build_pack_from_files(tmp_path: Path) -> None:
    uk = tmp_path / "kyiv.txt"
    uk.write_text("Переговори\n\nДелегації зустрілися у вівторок в Стамбулі.\n", encoding="utf-8")
    seen: list[tuple[int, int, str]] = []
    built = briefconv.build_pack(
        [uk, SAMPLE], date="2026-11-26", progress=lambda *args: seen.append(args)
    )
    assert seen == [(1, 2, str(uk)), (2, 2, str(SAMPLE))]
    meta = built.pack.meta
    assert (meta.title, meta.date, meta.language) == ("Briefing Pack", "2026-11-26", "uk")
    assert [e.id for e in built.pack.articles][1].startswith("a2-")
    assert built.formats == briefconv.DEFAULT_FORMATS
    assert built.output == Path("briefing-pack")
    assert briefconv.build_pack([uk, SAMPLE], language="en").pack.meta.language == "en"


@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        ([], "at least one article"),
        ([SAMPLE, MANIFEST], "must be the only input"),
        (["-", "-"], "read only once"),
    ],
)
def test_build_pack_refuses_bad_inputs(inputs: list[str | Path], message: str) -> None:
    with pytest.raises(InputError, match=message):
        briefconv.build_pack(inputs)


def test_build_pack_unknown_manifest_format_names_the_manifest(tmp_path: Path) -> None:
    path = _write(tmp_path, 'title = "T"\nformats = ["pdf", "odt"]\n[[articles]]\npath = "a.txt"\n')
    with pytest.raises(briefconv.ManifestError, match=r"pack\.toml: formats: unknown format 'odt'"):
        briefconv.build_pack(path)
    # Formats given by the caller win, and the manifest's are then not consulted.
    assert briefconv.build_pack(path, formats=["epub"]).formats == ("epub",)


def test_manifest_articles_take_the_read_options(tmp_path: Path) -> None:
    (tmp_path / "cafe.txt").write_bytes(
        "# Café society\n\nThe *café* reopened on Monday after repairs.\n".encode("latin-1")
    )
    path = tmp_path / "pack.toml"
    path.write_text('title = "T"\n[[articles]]\npath = "cafe.txt"\n', encoding="utf-8")
    with pytest.raises(InputError, match="not UTF-8"):
        briefconv.build_pack(path)
    with pytest.raises(InputError, match="input limit"):
        briefconv.build_pack(path, encoding="latin-1", max_bytes=16)
    # Read as plain text, by the extension: the "# " line is a paragraph like any other.
    text = briefconv.build_pack(path, encoding="latin-1").pack.articles[0].article
    assert text.blocks[0] == Paragraph((Text("# Café society"),))
    # Read as Markdown: the heading is the title.
    built = briefconv.build_pack(path, encoding="latin-1", input_format="markdown")
    article = built.pack.articles[0].article
    assert article.meta.title == "Café society"
    assert len(article.blocks) == 1 and "café" in repr(article.blocks[0])


def test_write_outputs_renders_every_format_before_writing(tmp_path: Path) -> None:
    article = briefconv.read_file(SAMPLE)
    with pytest.raises(briefconv.FormatError, match="unknown format 'odt'"):
        briefconv.write_outputs(article, ["epub", "odt"], tmp_path / "out" / "talks")
    assert not (tmp_path / "out").exists()
    built = briefconv.build_pack(SAMPLE, output=tmp_path / "out" / "pack")
    written = briefconv.write_outputs(built.pack, ["epub", "pdf"], built.output, built.style)
    assert written == [tmp_path / "out" / "pack.epub", tmp_path / "out" / "pack.pdf"]
    assert written[1].read_bytes().startswith(b"%PDF-")


def test_cover_and_contents_from_manifest_then_caller(tmp_path: Path) -> None:
    path = _sample_manifest(tmp_path, extra="cover = false\n")
    built = briefconv.build_pack(path)
    assert (built.pack.layout.cover, built.pack.layout.contents) == (False, True)
    built = briefconv.build_pack(path, cover=True, contents=False)
    assert (built.pack.layout.cover, built.pack.layout.contents) == (True, False)
    plain = briefconv.build_pack([SAMPLE, SAMPLE], contents=False)
    assert (plain.pack.layout.cover, plain.pack.layout.contents) == (True, False)


def test_cli_pack_without_cover_has_none(tmp_path: Path) -> None:
    from click.testing import CliRunner
    from pypdf import PdfReader

    from briefconv.cli import cli

    out = tmp_path / "brief"
    args = ["pack", str(SAMPLE), str(SAMPLE), "-t", "pdf", "-o", str(out), "--title", "Weekly"]

    def first_page(extra: list[str]) -> str:
        result = CliRunner().invoke(cli, [*args, *extra])
        assert result.exit_code == 0, result.output
        return PdfReader(out.with_suffix(".pdf")).pages[0].extract_text()

    assert "2 articles" in first_page([])  # the cover's counts line
    # No cover: the first page is "In this pack" under the running head.
    text = first_page(["--no-cover"])
    assert "In this pack" in text and "2 articles" not in text


def test_bylines_write_dates_out_in_the_articles_language() -> None:
    from briefconv.model import ArticleMeta, plain_text
    from briefconv.wording import byline

    def line(date: str, language: str) -> str:
        return plain_text(byline(ArticleMeta("T", source="Wire", date=date, language=language)))

    # The parts of a date are joined by no-break spaces; German writes "3. Juni".
    assert line("2021-09-09T10:00:00Z", "en") == "Wire · 9\u00a0September\u00a02021"
    assert line("2021-09-09T10:00:00Z", "uk") == "Wire · 9\u00a0вересня\u00a02021"
    assert line("Tue, 03 Jun 2025 10:00:00 GMT", "de") == "Wire · 3.\u00a0Juni\u00a02025"
    assert line("last Tuesday", "en") == "Wire · last Tuesday"  # kept as written


def test_reference_from_the_manifest_the_caller_and_the_cli(tmp_path: Path) -> None:
    from click.testing import CliRunner
    from pypdf import PdfReader

    from briefconv.cli import cli

    # The sample manifest gives one; it is a cover detail, the last one.
    pack = briefconv.load_manifest(MANIFEST).to_pack()
    assert pack.meta.reference == "PAU/2026/117"
    assert cover_text(pack).details[-1] == ("Reference", "PAU/2026/117")
    path = _sample_manifest(tmp_path, extra='reference = "M/1"\n')
    assert briefconv.build_pack(path).pack.meta.reference == "M/1"
    assert briefconv.build_pack(path, reference="C/2").pack.meta.reference == "C/2"
    out = tmp_path / "brief"
    args = ["pack", str(SAMPLE), "-t", "pdf", "-o", str(out), "--reference", "CLI/3"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "REFERENCE CLI/3" in PdfReader(out.with_suffix(".pdf")).pages[0].extract_text()
    # None by default: no Reference row.
    plain = briefconv.build_pack([SAMPLE])
    assert plain.pack.meta.reference is None
    assert "Reference" not in dict(cover_text(plain.pack).details)
