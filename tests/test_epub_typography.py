"""The e-book's typography (issue 16): grouping, break control, colours, sizes, large print.

Each test reads the stylesheet an EPUB really carries (``EPUB/style.css``) and works out
what a reading system does with it: the space between two lines of a contents entry
against the space between entries, in points at the style's sizes; which rules keep a
heading with its text; which elements force a text colour; which sizes are not relative
to the reader's. EPUBCheck checks the large-print book, as it does the default one.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import briefconv
from briefconv.model import Article, Pack, PackMeta
from briefconv.pack import make_pack
from briefconv.styles import Style, load_style
from briefconv.writers.epub import EpubWriter

from .conftest import ROOT

MANIFEST = ROOT / "source" / "pack.toml"
XHTML = "{http://www.w3.org/1999/xhtml}"


def _css(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        return book.read("EPUB/style.css").decode("utf-8")


def _rules(css: str) -> list[tuple[list[str], dict[str, str]]]:
    """Every rule as (its selectors, its declarations); a later declaration wins."""
    out = []
    for selector, body in re.findall(r"(?s)([^{}]+?)\s*\{([^{}]*)\}", css):
        decl = {}
        for item in body.split(";"):
            if ":" in item:
                key, value = item.split(":", 1)
                decl[key.strip()] = value.strip()
        out.append(([s.strip() for s in selector.split(",")], decl))
    return out


def _value(css: str, selector: str, prop: str) -> str | None:
    """The value the last rule naming exactly ``selector`` gives ``prop`` (cascade order)."""
    found = None
    for selectors, decl in _rules(css):
        if selector in selectors and prop in decl:
            found = decl[prop]
    return found


def _em(value: str | None) -> float:
    assert value is not None
    return 0.0 if value == "0" else float(value.removesuffix("em"))


@pytest.fixture(scope="module")
def pack() -> Pack:
    return briefconv.load_manifest(MANIFEST).to_pack()


@pytest.fixture(scope="module")
def books(pack: Pack) -> dict[str, bytes]:
    return {
        name: EpubWriter().write_pack(pack, load_style(name)) for name in ("default", "large-print")
    }


def test_a_contents_entry_reads_as_a_unit(books: dict[str, bytes], style: Style) -> None:
    """Title, details and summary of one entry sit closer together than two entries do.

    Before: the details line kept the byline role's 14 pt below it, so the gap to its own
    summary (14 pt) was wider than the gap to the next entry's title (11 pt).
    """
    css = _css(books["default"])
    byline = style.role("byline").size
    body = style.role("body").size
    heading2 = style.role("heading2").size
    # Inside an entry: title -> details, details -> summary (vertical margins collapse: the
    # larger of the two adjoining ones).
    title_to_details = _em(_value(css, "ol.contents p.entry-title", "margin-bottom")) * heading2
    details_to_summary = max(
        _em(_value(css, "ol.contents p.byline", "margin-bottom")) * byline,
        _em(_value(css, "p", "margin-top")) * body,
    )
    # Between entries: the item's own margin against the next title's top margin.
    between = max(
        _em(_value(css, "ol.contents li", "margin-bottom")) * body,
        _em(_value(css, "ol.contents p.entry-title", "margin-top")) * heading2,
    )
    assert title_to_details <= 3.0 and details_to_summary <= 3.0
    assert between >= 3 * max(title_to_details, details_to_summary)


def test_the_cover_details_are_one_block(books: dict[str, bytes], style: Style) -> None:
    """The cover's details are one list of label and value pairs, not separate paragraphs;
    a value sits close under its label (the pack cover's design, issue 16)."""
    with zipfile.ZipFile(io.BytesIO(books["default"])) as book:
        cover = book.read("EPUB/cover.xhtml").decode("utf-8")
    assert cover.count('<dl class="cover-details">') == 1
    assert cover.count("<dt>") == cover.count("<dd>") == 5
    css = _css(books["default"])
    assert _value(css, "dl.cover-details dd", "margin") == "0"


def test_break_control(books: dict[str, bytes]) -> None:
    """No heading ends a screen; no entry, quotation, figure or title block is split."""
    css = _css(books["default"])
    for heading in ("h1", "h2", "h3", "h4", "h5", "h6"):
        assert _value(css, heading, "break-after") == "avoid"
        assert _value(css, heading, "page-break-after") == "avoid"
    for block in ("li", "blockquote", "figure", "header"):
        assert _value(css, block, "break-inside") == "avoid"
        assert _value(css, block, "page-break-inside") == "avoid"


def test_running_text_takes_the_readers_colour(books: dict[str, bytes], style: Style) -> None:
    """Night and sepia modes keep working: no text colour on body, paragraphs, lists and
    quotations, and the quote box is a translucent tint; headings keep the accent."""
    css = _css(books["default"])
    for selector in ("body", "p", "li", "ul", "blockquote", "blockquote p"):
        assert _value(css, selector, "color") is None, selector
    assert _value(css, "h2", "color") == style.role("heading1").color
    tint = [
        d["background-color"]
        for s, d in _rules(css)
        if s == ["blockquote"] and "background-color" in d
    ]
    assert tint and tint[-1].startswith("rgba(")
    assert _value(css, "hr", "border-top") == "1px solid currentColor"


def test_the_title_block_ends_in_a_rule_as_in_the_pdf(
    books: dict[str, bytes], style: Style
) -> None:
    css = _css(books["default"])
    assert _value(css, "header", "border-bottom") == f"1px solid {style.role('title').color}"


def test_every_font_size_is_relative_to_the_reader(books: dict[str, bytes]) -> None:
    for name, data in books.items():
        sizes = [d["font-size"] for _s, d in _rules(_css(data)) if "font-size" in d]
        assert sizes, name
        assert all(re.fullmatch(r"\d+(\.\d+)?em", size) for size in sizes), (name, sizes)


def test_large_print_is_larger_than_the_readers_default(books: dict[str, bytes]) -> None:
    """18 pt large print scales the reader's own size by 18/16; the default leaves it be."""
    assert _value(_css(books["default"]), "body", "font-size") is None
    assert _em(_value(_css(books["large-print"]), "body", "font-size")) == pytest.approx(1.125)


def test_large_print_sets_emphasis_bold_and_upright(
    books: dict[str, bytes], rich_article: Article
) -> None:
    assert _value(_css(books["default"]), "em", "font-style") is None
    css = _css(books["large-print"])
    assert _value(css, "em", "font-style") == "normal"
    assert _value(css, "em", "font-weight") == "bold"
    # Nothing in the large-print stylesheet is slanted.
    assert "italic" not in {d.get("font-style") for _s, d in _rules(css)}
    # Embedded fonts follow: an <em> needs the bold face, never an italic one.
    style = load_style("large-print").with_options("epub", embed_fonts=True)
    data = EpubWriter().write_pack(make_pack([rich_article], PackMeta(title="P")), style)
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        fonts = [n for n in book.namelist() if n.startswith("EPUB/fonts/")]
    assert fonts and not [n for n in fonts if "italic" in n or "oblique" in n], fonts


def test_dates_and_reading_times_never_break(books: dict[str, bytes]) -> None:
    """ "24 / November 2026" and "2 min / read" split across lines in the e-book."""
    with zipfile.ZipFile(io.BytesIO(books["large-print"])) as book:
        pages = {n: book.read(n).decode("utf-8") for n in book.namelist() if n.endswith(".xhtml")}
    cover = pages["EPUB/cover.xhtml"]
    assert "26\u00a0November\u00a02026" in cover and "26 November" not in cover
    chapters = [text for name, text in pages.items() if "/a" in name]
    assert chapters
    for text in chapters:
        assert re.search(r"\d+\u00a0min\u00a0read", text)
        assert not re.search(r"\d+ min|min read", text)
        assert re.search(r"\d+\u00a0[A-Z][a-z]+\u00a0\d{4}", text)


@pytest.mark.slow
def test_epubcheck_accepts_the_large_print_pack(
    books: dict[str, bytes],
    tmp_path: Path,
    epubcheck: Callable[[Path], list[dict[str, Any]]],
) -> None:
    path = tmp_path / "large-print.epub"
    path.write_bytes(books["large-print"])
    assert epubcheck(path) == []
