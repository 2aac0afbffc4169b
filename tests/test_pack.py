"""Packs, format-independent: make_pack, manifests and their errors, the pack's wording."""

from __future__ import annotations

from pathlib import Path

import pytest

import briefconv
from briefconv import InputError, PackMeta
from briefconv.model import HANDOUT_LAYOUT
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
    assert cover.date == "26 November 2026"
    assert cover.prepared_for == "Prepared for: Foreign Affairs Committee"
    total = sum(e.minutes for e in pack.articles)
    assert cover.summary == f"3 articles · {total} min reading in all"
    assert entry_details(pack.articles[0], "en") == "Example News · 3 June 2025 · 3 min read"
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
        ("title = [\n", "not valid TOML"),
    ],
)
def test_manifest_errors(tmp_path: Path, text: str, message: str | None) -> None:
    path = _write(tmp_path, text)
    if message is None:
        assert briefconv.load_manifest(path).formats == ("pdf, docx",)
        return
    with pytest.raises(InputError) as info:
        briefconv.load_manifest(path)
    assert str(info.value).startswith(f"{path}: ")
    assert message in str(info.value)


def test_manifest_overrides_and_relative_paths(tmp_path: Path) -> None:
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
