"""The Markdown reader: one case per construct, read into reviewed golden model JSON."""

from __future__ import annotations

import json
import logging
import os
import re
from pathlib import Path
from typing import Any

import pytest

import briefconv
from briefconv.model import (
    BulletList,
    Code,
    Figure,
    Heading,
    LineBreak,
    Link,
    OrderedList,
    Paragraph,
    Quote,
    ThematicBreak,
    plain_text,
)
from briefconv.serialize import to_dict

MD = Path(__file__).resolve().parent / "cases" / "md"
GOLDEN = Path(__file__).resolve().parent / "golden" / "md"
CASES = sorted(p.name for p in MD.glob("*.md"))


def _portable(data: Any) -> Any:
    """Model data with image paths relative to the cases folder, so goldens are portable."""
    if isinstance(data, dict):
        out = {k: _portable(v) for k, v in data.items()}
        if out.get("type") == "figure" and out.get("path"):
            out["path"] = os.path.relpath(out["path"], MD)
        return out
    if isinstance(data, list):
        return [_portable(v) for v in data]
    return data


@pytest.mark.parametrize("case", CASES)
def test_case_matches_golden_model(case: str, update_goldens: bool) -> None:
    article = briefconv.read_file(MD / case)
    data = _portable(to_dict(article))
    data["timestamp"] = None  # the checkout's file time is not what the reader finds
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    golden = GOLDEN / f"{Path(case).stem}.json"
    if update_goldens or not golden.exists():
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(text, encoding="utf-8")
        if not update_goldens:
            pytest.fail(f"{golden} was missing and has been written: review it and rerun")
    assert text == golden.read_text(encoding="utf-8")
    assert briefconv.from_json(briefconv.to_json(article)) == article


def test_front_matter() -> None:
    meta = briefconv.read_file(MD / "front-matter.md").meta
    assert meta.title == "Front Matter: Every Key"
    assert meta.authors == ("Anna Müller", "Jean Dupont")
    assert (meta.date, meta.language, meta.summary) == ("2026-11-26", "de", "One line.")
    assert dict(meta.extra) == {"desk": "Politics", "tags": '["talks", "geneva"]'}


def test_toml_front_matter_hugo_and_zola() -> None:
    meta = briefconv.read_file(MD / "toml-front-matter.md").meta
    assert meta.title == "Grain Corridor: Insurers Hold the Key"
    assert meta.authors == ("Mara Iliescu", "Tom Brandt")
    assert (meta.date, meta.source, meta.language) == ("2026-11-20", "Example Wire", "en")


def test_broken_toml_front_matter_names_the_line() -> None:
    text = '+++\ntitle = "Talks"\ndate = 2026-13-45\n+++\n\nBody.\n'
    with pytest.raises(briefconv.InputError) as info:
        briefconv.read_string(text, name="post.md")
    assert str(info.value).startswith("post.md:3: front matter is not valid TOML")
    assert "\n" not in str(info.value)


def test_an_unclosed_toml_fence_is_body_text() -> None:
    article = briefconv.read_string("+++\ntitle = 'x'\n\nBody.\n", name="post.md")
    assert "title = 'x'" in plain_text(article.blocks[0].children)


def test_only_level_one_heading_is_the_title() -> None:
    article = briefconv.read_file(MD / "title-heading.md")
    assert article.meta.title == "The Only Level-One Heading"
    levels = [(b.level, plain_text(b.children)) for b in article.blocks if isinstance(b, Heading)]
    assert levels == [(1, "Section A"), (2, "Subsection")]


def test_inline_constructs() -> None:
    (para,) = briefconv.read_file(MD / "inline.md").blocks
    assert isinstance(para, Paragraph)
    assert Code("code <b>") in para.children
    assert LineBreak() in para.children
    links = [c.url for c in para.children if isinstance(c, Link)]
    assert links == ["https://example.org/x?a=1&b=2", "https://example.org/auto"]
    assert "escaped *stars*" in plain_text(para.children)


def test_nested_lists_and_start_numbers() -> None:
    bullets, numbered = briefconv.read_file(MD / "lists.md").blocks
    assert isinstance(bullets, BulletList) and isinstance(numbered, OrderedList)
    assert [plain_text(i) for i in bullets.items] == ["one", "two", "three"]
    ((index, sub),) = bullets.sublists
    assert index == 1 and isinstance(sub, OrderedList)
    assert [plain_text(i) for i in sub.items] == ["two-a", "two-b"]
    assert sub.sublists[0][0] == 1 and isinstance(sub.sublists[0][1], BulletList)
    assert numbered.start == 7


def test_quotes_nested_and_attributed() -> None:
    first, second = briefconv.read_file(MD / "quotes.md").blocks
    assert isinstance(first, Quote) and isinstance(second, Quote)
    assert [plain_text(p.children) for p in first.paragraphs] == [
        "First paragraph of the quote.",
        "A nested quote.",
    ]
    assert plain_text(first.attribution) == "Jane Doe, Minister"
    assert second.attribution == ()


def test_raw_html_reads_as_a_reader_view_shows_it(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="briefconv"):
        blocks = briefconv.read_file(MD / "raw-html.md").blocks
    text = " ".join(plain_text(b.children) for b in blocks if isinstance(b, Paragraph))
    # Tags go, their text stays; words split by inline tags stay whole.
    assert text.startswith("Block html Inline red & text, unlikely to split.")
    # What an author hid or a CMS embedded is never published.
    for hidden in ("DRAFT", "minister", "hid", "alert", "display", "<", "-->"):
        assert hidden not in text.replace("5 < 6", ""), hidden
    assert 'Kept: 5 < 6 & "quotes".' in text  # entities are text
    (warning,) = [r.getMessage() for r in caplog.records]
    assert warning.endswith(
        "raw-html.md: raw HTML removed (<script>, <style>, comments, tags); "
        "the text of other tags is kept"
    )


def test_markdown_without_html_warns_nothing(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="briefconv"):
        briefconv.read_string("# T\n\nA *plain* post, 5 < 6 and a > b.\n", name="p.md")
    assert caplog.records == []


def test_breaks_and_images(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="briefconv"):
        blocks = briefconv.read_file(MD / "breaks-images.md").blocks
    assert isinstance(blocks[1], ThematicBreak)
    local = blocks[2]
    assert isinstance(local, Figure) and local.alt == "A local map"
    assert local.path == str((MD / "map.png").resolve())
    assert plain_text(blocks[3].children) == "Text with an inline remote image."  # type: ignore[union-attr]
    outside = blocks[4]
    assert isinstance(outside, Figure) and outside.path is None
    messages = " ".join(r.getMessage() for r in caplog.records)
    assert "https://example.org/r.png is not fetched" in messages
    assert "outside the article's folder; refused" in messages


def test_allow_outside(tmp_path: Path) -> None:
    article = briefconv.read_file(MD / "breaks-images.md", allow_outside=True)
    outside = article.blocks[4]
    # README.md is outside and allowed now, but it is not an image: still alt text only.
    assert isinstance(outside, Figure) and outside.path is None
    (tmp_path / "a").mkdir()
    (tmp_path / "map.png").write_bytes((MD / "map.png").read_bytes())
    (tmp_path / "a" / "x.md").write_text("![up](../map.png)\n", encoding="utf-8")
    refused = briefconv.read_file(tmp_path / "a" / "x.md").blocks[0]
    allowed = briefconv.read_file(tmp_path / "a" / "x.md", allow_outside=True).blocks[0]
    assert isinstance(refused, Figure) and refused.path is None
    assert isinstance(allowed, Figure) and allowed.path == str((tmp_path / "map.png").resolve())


def test_markdown_by_extension_or_from() -> None:
    assert re.search("Negotiators", briefconv.to_json(briefconv.read_file(MD / "full.md")))
    forced = briefconv.read_file(MD / "inline.md", input_format="text")
    assert "*emphasis*" not in briefconv.to_json(forced)  # the text reader's own emphasis
