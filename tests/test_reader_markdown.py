"""The Markdown reader: one case per construct, read into reviewed golden model JSON."""

from __future__ import annotations

import json
import logging
import os
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import briefconv
from briefconv._schema import validate
from briefconv.model import (
    Article,
    Block,
    BulletList,
    Code,
    CodeBlock,
    Emphasis,
    Figure,
    Heading,
    Inline,
    LineBreak,
    Link,
    Note,
    OrderedList,
    Paragraph,
    Quote,
    Strikethrough,
    Strong,
    Table,
    Text,
    ThematicBreak,
    block_text,
    notes_in,
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


# --- issue 13: code, tables, strikethrough, footnotes, task lists, bare and relative links ---

#: The cases written for issue 13, each a small blog post with front matter.
GFM_CASES = ("tech-blog.md", "election-table.md", "footnotes.md", "tasks-strike.md", "bare-urls.md")


def _read(text: str) -> Article:
    return briefconv.read_string(text, name="post.md")


def _warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]


def _inlines_of(node: Inline) -> list[Inline]:
    """``node`` and every inline inside it (not inside notes)."""
    out = [node]
    if isinstance(node, Emphasis | Strong | Link | Strikethrough):
        for child in node.children:
            out.extend(_inlines_of(child))
    return out


def _all_inlines(blocks: tuple[Block, ...] | list[Block]) -> list[Inline]:
    out: list[Inline] = []
    for block in blocks:
        match block:
            case Paragraph(children=c) | Heading(children=c):
                rows: list[tuple[Inline, ...]] = [c]
            case Table(header=header, rows=body):
                rows = [cell for row in (header, *body) for cell in row]
            case BulletList(items=items) | OrderedList(items=items):
                rows = list(items)
            case _:
                rows = []
        for row in rows:
            for node in row:
                out.extend(_inlines_of(node))
    return out


def test_code_blocks_keep_every_space_tab_and_line() -> None:
    blocks = briefconv.read_file(MD / "tech-blog.md").blocks
    code = [b for b in blocks if isinstance(b, CodeBlock)]
    assert [c.language for c in code] == ["python", "bash", "make", None]
    python, bash, make, log = code
    assert '    """Count  votes per city."""\n' in python.text  # indentation, double space
    assert "import csv\n\n\ndef tally" in python.text  # blank lines inside the block
    assert not python.text.endswith("\n") and python.text.endswith("return totals")
    assert bash.text == "python tally.py votes.csv | sort -k2 -n -r   # largest first"
    assert make.text == "results.txt: votes.csv\n\tpython tally.py votes.csv > results.txt"
    assert log.text == (
        "2026-05-12 21:04  start   (3 cities)\n2026-05-12 21:05  done    Lviv=1204 Київ=3310"
    )
    # Inline code stays inline, with & and < as typed.
    codes = [n.text for n in _all_inlines(blocks) if isinstance(n, Code)]
    assert "count < 0 && strict" in codes and "A & B" in codes and "<b>" in codes


def test_code_fences_info_words_and_places() -> None:
    blocks = _read(
        '```python title="tally.py" {linenos=table}\nx = 1\n```\n\n'
        "```\n\n\n```\n\n"  # an empty fence: nothing to show
        "- item\n\n  ```go\n  fmt.Println()\n  ```\n\n"
        "> ```\n>   quoted  code\n> ```\n"
    ).blocks
    first, bullets, after, quote = blocks
    assert first == CodeBlock("x = 1", "python")
    assert isinstance(bullets, BulletList) and bullets.items == ((Text("item"),),)
    assert after == CodeBlock("fmt.Println()", "go")  # a list item holds only inlines
    # A quote holds paragraphs: its code is kept line by line in the code face.
    assert isinstance(quote, Quote) and quote.paragraphs == (Paragraph((Code("  quoted  code"),)),)


def test_gfm_table() -> None:
    blocks = briefconv.read_file(MD / "election-table.md").blocks
    (table,) = [b for b in blocks if isinstance(b, Table)]
    assert table.align == ("left", "right", "center", "default")
    assert [plain_text(c) for c in table.header] == ["Region", "Turnout", "Change", "Notes"]
    rows = [[plain_text(c) for c in row] for row in table.rows]
    assert rows[0][0] == "Київська область"
    assert table.rows[0][2] == (Strong((Text("+3.2"),)),)
    assert table.rows[1][3] == (
        Emphasis((Text("Provisional"),)),
        Text("; see "),
        Link("https://example.org/cvk", (Text("the commission"),)),
    )
    assert table.rows[2][2] == ()  # an empty cell
    assert table.rows[2][3][1] == Code("opened & closed")
    assert rows[3] == ["Kharkiv", "—", "", ""]  # a short row, padded
    assert rows[4][3] == "Ballot design | second printing"  # an escaped pipe is text
    assert rows[5][3] == "Figures < 50% in 3 districts, H&M shop used as a station"


def test_table_cells_beyond_the_header_are_kept(caplog: pytest.LogCaptureFixture) -> None:
    text = "Intro.\n\n| City | Votes |\n|---|---|\n| Lviv | 12 | recount | *late* |\n| Odesa |\n"
    with caplog.at_level(logging.WARNING, logger="briefconv"):
        _, table = _read(text).blocks
    assert isinstance(table, Table)
    assert table.rows[0] == (
        (Text("Lviv"),),
        (Text("12 | recount | "), Emphasis((Text("late"),))),
    )
    assert table.rows[1] == ((Text("Odesa"),), ())
    assert _warnings(caplog) == [
        "post.md:5: table row has 2 cell(s) more than its header; their text is added to "
        "the row's last cell"
    ]


def test_strikethrough() -> None:
    (para, *_) = briefconv.read_file(MD / "tasks-strike.md").blocks
    assert isinstance(para, Paragraph)
    struck = [plain_text(n.children) for n in para.children if isinstance(n, Strikethrough)]
    assert struck == ["ready", "9 pm"]
    # One tilde is not strikethrough (pandoc reads it as subscript); it stays text.
    (single,) = _read("a ~b~ c ~~d~~\n").blocks
    assert single == Paragraph((Text("a ~b~ c "), Strikethrough((Text("d"),))))


def test_footnotes(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="briefconv"):
        article = briefconv.read_file(MD / "footnotes.md")
    first, second, kept = article.blocks
    term, ports, lloyds, term_again = notes_in(first)
    assert term_again is term  # referenced twice: the same note twice, as pandoc does
    assert plain_text(term.blocks[0].children).startswith("Article 2")  # type: ignore[union-attr]
    _, places, _, code = ports.blocks
    assert isinstance(places, BulletList) and len(places.items) == 3
    assert code == CodeBlock("SELECT vessel, port FROM manifests WHERE inspected = false;", "sql")
    assert "Lloyd's" in block_text(Paragraph((lloyds,)))
    # No definition: the mark is kept as written.
    assert "early drafts[^draft] but" in plain_text(first.children)  # type: ignore[union-attr]
    # An inline footnote, ^[...].
    (manifest,) = notes_in(second)
    assert manifest == Note(
        (Paragraph((Text("Filed with the joint centre in Istanbul, in English."),)),)
    )
    # Never referenced: its words are kept, at the end.
    assert kept == Paragraph(
        (Text("[^mykolaiv]: Mykolaiv was dropped from the list in the second draft."),)
    )
    path = str(MD / "footnotes.md")
    assert _warnings(caplog) == [
        f"{path}:10: footnote [^draft] has no definition; the mark is kept as text",
        f"{path}:31: footnote [^mykolaiv] is never referenced; its text is kept at the end "
        "of the article",
    ]


def test_footnote_content_a_note_cannot_hold(caplog: pytest.LogCaptureFixture) -> None:
    text = (
        "Claim.[^a] Other.[^b]\n\n"
        "[^a]: ## A heading\n\n"
        "    | x | y |\n    |---|---|\n    | 1 | 2 |\n\n"
        "    ![a chart](chart.png)\n\n"
        "    See also [^b] and ^[an *inline* aside].\n\n"
        "[^b]: Second.\n"
        "[^b]: A second definition of b.\n"
    )
    with caplog.at_level(logging.WARNING, logger="briefconv"):
        para, duplicate = _read(text).blocks
    a, b = notes_in(para)
    assert all(isinstance(x, Paragraph) for x in a.blocks)
    assert [block_text(x) for x in a.blocks] == [
        "A heading",
        "x | y",
        "1 | 2",
        "a chart",
        "See also [^b] and (an inline aside).",  # never a note in a note
    ]
    assert b == Note((Paragraph((Text("Second."),)),))
    assert duplicate == Paragraph((Text("[^b]: A second definition of b."),))
    assert _warnings(caplog) == [
        "post.md:14: footnote [^b] is defined twice; its text is kept at the end of the article"
    ]


def test_footnote_heading_is_not_taken_as_title() -> None:
    article = _read("# Budget 2027[^1]\n\nText.\n\n[^1]: Draft figures.\n")
    heading = article.blocks[0]
    assert isinstance(heading, Heading) and notes_in(heading)  # the note is not lost


def test_footnote_after_an_image_keeps_the_note(tmp_path: Path) -> None:
    (tmp_path / "map.png").write_bytes((MD / "map.png").read_bytes())
    (tmp_path / "p.md").write_text("![Map](map.png)[^1]\n\n[^1]: Source: survey.\n")
    (para, figure) = briefconv.read_file(tmp_path / "p.md").blocks
    assert isinstance(figure, Figure) and notes_in(para)


def test_task_lists() -> None:
    blocks = briefconv.read_file(MD / "tasks-strike.md").blocks
    before, after = [b for b in blocks if isinstance(b, BulletList | OrderedList)]
    assert isinstance(before, BulletList)
    assert before.checks == (True, True, False, None)  # the last item has no box
    assert plain_text(before.items[0]) == "Book the studio"  # "[x] " is gone
    ((index, nested),) = before.sublists
    assert index == 2 and nested.checks == (True, False)
    assert isinstance(after, OrderedList) and after.checks == (False, False, None)
    assert "[" not in block_text(before) + block_text(after)
    # A list without boxes is not a task list; "[x]" later in an item is text.
    (plain,) = _read("- one [x] two\n- three\n").blocks
    assert isinstance(plain, BulletList) and plain.checks == ()
    assert plain_text(plain.items[0]) == "one [x] two"
    # In a quote, the boxes stay as text.
    (quote,) = _read("> - [x] sent\n> - [ ] filed\n").blocks
    assert isinstance(quote, Quote)
    assert [plain_text(p.children) for p in quote.paragraphs] == ["• [x] sent", "• [ ] filed"]


def test_bare_urls_are_links_but_not_in_code_or_file_names() -> None:
    blocks = briefconv.read_file(MD / "bare-urls.md").blocks
    links = [(n.url, plain_text(n.children)) for n in _all_inlines(blocks) if isinstance(n, Link)]
    assert links == [
        (
            "https://example.org/results/2026?round=2",
            "https://example.org/results/2026?round=2",
        ),
        ("http://www.example.org/mirror", "www.example.org/mirror"),
        ("mailto:press@example.org", "press@example.org"),
        ("https://example.net/data/turnout.csv", "https://example.net/data/turnout.csv"),
    ]
    assert Code("curl https://example.net/data/turnout.csv") in _all_inlines(blocks)
    assert CodeBlock("curl -O https://example.net/data/raw.zip", "sh") in blocks
    # loader.py (Paraguay) and notes.md (Moldova) are file names, not web sites.
    assert "loader.py and lives next to notes.md" in block_text(blocks[-1])


def test_relative_links_without_a_base_are_text(caplog: pytest.LogCaptureFixture) -> None:
    text = (
        "---\ntitle: Links\n---\n\n"
        "Read [the methodology](/methodology/) first.\n\n"
        "Then [the data](../data/turnout.md), [section 2](#section-2) and "
        "[the commission](https://example.org/cvk).\n"
    )
    with caplog.at_level(logging.WARNING, logger="briefconv"):
        first, second = _read(text).blocks
    assert first == Paragraph((Text("Read the methodology first."),))
    assert [n for n in _all_inlines([second]) if isinstance(n, Link)] == [
        Link("https://example.org/cvk", (Text("the commission"),))
    ]
    assert plain_text(second.children).startswith("Then the data, section 2 and")  # type: ignore[union-attr]
    assert _warnings(caplog) == [  # one warning for the article, not one per link
        "post.md:5: 3 relative link(s) kept as text, the first to /methodology/: there is "
        "no base URL to resolve them against (give the article's address as url in the "
        "front matter)"
    ]


def test_relative_links_resolve_against_the_front_matter_url(
    caplog: pytest.LogCaptureFixture,
) -> None:
    text = (
        "---\ntitle: Links\nurl: https://example.org/news/2026/turnout/\n---\n\n"
        "[Method](../method/), [top](/), [here](#table).\n"
    )
    with caplog.at_level(logging.WARNING, logger="briefconv"):
        (para,) = _read(text).blocks
    assert [n.url for n in _all_inlines([para]) if isinstance(n, Link)] == [
        "https://example.org/news/2026/method/",
        "https://example.org/",
        "https://example.org/news/2026/turnout/#table",
    ]
    assert _warnings(caplog) == []
    # A site path (Hugo's url: /posts/x/) is no base.
    with caplog.at_level(logging.WARNING, logger="briefconv"):
        (para,) = _read("---\nurl: /posts/x/\n---\n\n[Method](../method/).\n").blocks
    assert para == Paragraph((Text("Method."),))


def test_raw_html_in_table_cells_and_footnotes(caplog: pytest.LogCaptureFixture) -> None:
    text = (
        "| Name | Note |\n|---|---|\n"
        "| <b>Lviv</b> | up<script>alert(1)</script> 3% <!-- check --> |\n\n"
        "Text.[^1]\n\n[^1]: A <span class=x>sourced</span> note<style>p{}</style>.\n"
    )
    with caplog.at_level(logging.WARNING, logger="briefconv"):
        table, para = _read(text).blocks
    assert isinstance(table, Table)
    assert [plain_text(c) for c in table.rows[0]] == ["Lviv", "up 3% "]
    assert block_text(para) == "Text.\nA sourced note."
    (warning,) = _warnings(caplog)
    assert warning == (
        "post.md: raw HTML removed (<script>, <style>, comments, tags); the text of other "
        "tags is kept"
    )


def test_markup_in_text_stays_text() -> None:
    text = "| `<b>` | <i>x</i> &amp; &lt;script&gt; |\n|---|---|\n| [^1] | ~~<u>~~ |\n"
    (table,) = _read(text).blocks
    assert isinstance(table, Table)
    assert [plain_text(c) for c in table.header] == ["<b>", "x & <script>"]
    assert table.rows[0][1] == (Strikethrough(()),)  # the tag inside is dropped
    assert table.rows[0][0] == (Text("[^1]"),)


def test_deep_footnotes_are_refused_or_read_without_recursion_error() -> None:
    with pytest.raises(briefconv.InputError, match=r"post.md:1: quotes or lists nested"):
        _read("[^a]: " * 3000 + "deep\n\nText[^a].\n")
    # Inline notes nested thousands deep: read, every word kept, no RecursionError.
    article = _read("Start " + "^[level " * 3000 + "core" + "]" * 3000 + " end.\n")
    text = "\n".join(block_text(b) for b in article.blocks)
    assert "Start" in text and "core" in text and "end." in text


def _source_words(source: str) -> set[str]:
    """The words of a Markdown case a reader sees: no front matter, link targets, footnote
    labels, list numbers and checkboxes, or fence info words (kept apart, in CodeBlock)."""
    body = re.sub(r"\A---\n.*?\n---\n", "", source, flags=re.S)
    body = re.sub(r"\]\([^)]*\)", "]", body)  # [text](target)
    body = re.sub(r"\[\^[^\]\s]+\]:?", " ", body)  # [^label] and [^label]:
    body = re.sub(r"^\s*(```|~~~).*$", " ", body, flags=re.M)
    body = re.sub(r"^\s*(?:[-*+]|\d+[.)])\s+(?:\[[ xX]\]\s)?", " ", body, flags=re.M)
    return set(re.findall(r"\w+", body.casefold()))


@pytest.mark.parametrize("case", GFM_CASES)
def test_every_word_of_the_source_is_in_the_model(case: str) -> None:
    source = (MD / case).read_text(encoding="utf-8")
    article = briefconv.read_file(MD / case)
    text = "\n".join(block_text(b) for b in article.blocks).casefold()
    missing = _source_words(source) - set(re.findall(r"\w+", text))
    assert not missing, f"{case}: {sorted(missing)}"


#: Lines shaped like the GFM constructs, mixed with any Unicode, for the property below.
_GFM_SHAPES = "| a | b |\n|---|:-:|\n| x |\n- [x] t\n  - [ ] u\n[^1]: n\n    code\n```py\n~~~\n"
_GFM_SHAPES += "> q\n[^1]\n^[i]\nwww.a.org\n[r](/x)\n~~s~~\n"
_GFM_LINE = st.one_of(
    st.text(alphabet=st.characters(codec=None), max_size=60),
    st.sampled_from(_GFM_SHAPES.split("\n")),
    st.text(alphabet="ab |-:~[]^x`>*_\\<>&\n\t1.", max_size=60),
)


@settings(
    max_examples=int(os.environ.get("BRIEFCONV_HYPOTHESIS_EXAMPLES", "40")),
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(st.lists(_GFM_LINE, max_size=14).map("\n".join))
def test_any_gfm_shaped_text_reads_into_a_valid_model(text: str) -> None:
    try:
        article = _read(text)
    except briefconv.BriefconvError as exc:
        assert "\n" not in str(exc)
        return
    validate(to_dict(article))
    assert briefconv.from_json(briefconv.to_json(article)) == article
