"""Typographic text: curly quotes by language and no-break spaces, the same in every format.

The model side is :mod:`briefconv.typography`; every format is then read back (the DOCX's
XML, the EPUB's XHTML, the PDF's text) to check that what it prints is what the model says.
"""

from __future__ import annotations

import dataclasses
import io
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest

import briefconv
from briefconv.model import (
    Article,
    ArticleMeta,
    Code,
    CodeBlock,
    Emphasis,
    Figure,
    Heading,
    Link,
    Paragraph,
    Quote,
    Text,
    plain_text,
)
from briefconv.pack import handout, make_pack
from briefconv.typography import NBSP, NNBSP, smart_text, typeset_article, typeset_pack
from briefconv.wording import byline, entry_details, labels, long_date
from briefconv.writers import get_writer

from .readback import _markup_text as epub_markup_text
from .readback import epub_documents, pdf_reader, pdf_text

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

# What each language prints for 'He said "it is 'fine' here".' (primary and secondary marks).
QUOTES = {
    "en": ("“", "”", "‘", "’"),
    "de": ("„", "“", "‚", "‘"),
    "fr": ("«" + NNBSP, NNBSP + "»", "“", "”"),
    "ru": ("«", "»", "„", "“"),
    "uk": ("«", "»", "„", "“"),
    "el": ("«", "»", "“", "”"),
}


# --- the model ---------------------------------------------------------------------------


@pytest.mark.parametrize("language", sorted(QUOTES))
def test_quotes_curl_by_language_nested_included(language: str) -> None:
    op, cp, os_, cs = QUOTES[language]
    assert smart_text("""He said "it is 'fine' here".""", language) == (
        f"He said {op}it is {os_}fine{cs} here{cp}."
    )


@pytest.mark.parametrize(
    ("typed", "printed"),
    [
        ("don't", "don’t"),
        ("the '90s", "the ’90s"),
        ("Kyiv's grid", "Kyiv’s grid"),
        ("'Quoted' words", "‘Quoted’ words"),
        ('"Yes," she said.', "“Yes,” she said."),
        # Already curled, or no quotes: left exactly as written.
        ("“Done” and ‘done’", "“Done” and ‘done’"),
    ],
)
def test_apostrophes_and_english_quotes(typed: str, printed: str) -> None:
    assert smart_text(typed, "en") == printed


def test_french_quotes_typed_with_spaces_get_narrow_no_break_spaces() -> None:
    assert smart_text('Il a dit " bonjour " puis « merci ».', "fr") == (
        f"Il a dit «{NNBSP}bonjour{NNBSP}» puis «{NNBSP}merci{NNBSP}»."
    )
    assert smart_text("l'accord", "fr") == "l’accord"


def test_a_language_without_quote_marks_keeps_them_straight() -> None:
    assert smart_text('He said "no".', "sw") == 'He said "no".'
    # A regional tag takes its language's marks.
    assert smart_text('"no"', "en-GB") == "“no”"


def test_quotes_pair_across_runs_never_inside_code_or_addresses() -> None:
    paragraph = Paragraph(
        (
            Text('She said "'),
            Emphasis((Text("never"),)),
            Text('" and ran '),
            Code('print("x")'),
            Text(' at https://example.org/it\'s "here" and '),
            Link("https://example.org/a'b", (Text("https://example.org/a'b"),)),
            Text(" or "),
            Link("https://example.org", (Text("the 'site'"),)),
            Text("."),
        )
    )
    article = Article(ArticleMeta("T"), (paragraph, CodeBlock('x = "y"  # don\'t')))
    out = typeset_article(article)
    para, code = out.blocks
    assert isinstance(para, Paragraph)
    assert plain_text(para.children) == (
        'She said “never” and ran print("x") at https://example.org/it\'s “here” and '
        "https://example.org/a'b or the ‘site’."
    )
    assert para.children[3] == Code('print("x")')
    link = para.children[7]
    assert isinstance(link, Link) and link.url == "https://example.org"
    assert code == CodeBlock('x = "y"  # don\'t')


def test_every_text_of_a_pack_is_set_but_the_marking() -> None:
    article = Article(
        ArticleMeta(
            'Kyiv\'s "winter"',
            subtitle="It's cold",
            authors=("Seán O'Brien",),
            source="Wire's desk",
            summary="A 'hard' winter",
        ),
        (
            Heading(1, (Text('"Invincibility" points'),)),
            Quote((Paragraph((Text('"We\'re ready"'),)),), (Text("the mayor's office"),)),
            Figure("map.png", "Kyiv's districts"),
        ),
    )
    pack = make_pack(
        [article],
        briefconv.PackMeta("Week's brief", prepared_for="MPs' office", classification="'X'"),
    )
    out = typeset_pack(pack)
    meta = out.articles[0].article.meta
    assert (meta.title, meta.subtitle, meta.authors, meta.source, meta.summary) == (
        "Kyiv’s “winter”",
        "It’s cold",
        ("Seán O’Brien",),
        "Wire’s desk",
        "A ‘hard’ winter",
    )
    heading, quote, figure = out.articles[0].article.blocks
    assert isinstance(heading, Heading) and plain_text(heading.children) == "“Invincibility” points"
    assert isinstance(quote, Quote)
    assert plain_text(quote.paragraphs[0].children) == "“We’re ready”"
    assert plain_text(quote.attribution) == "the mayor’s office"
    assert isinstance(figure, Figure) and figure.alt == "Kyiv’s districts"
    assert out.meta.title == "Week’s brief" and out.meta.prepared_for == "MPs’ office"
    assert out.meta.classification == "'X'"  # a marking reads exactly as its owner wrote it
    assert out.articles[0].summary == "A ‘hard’ winter"


def test_quotes_off_keeps_them_straight_but_still_binds() -> None:
    article = Article(ArticleMeta("T"), (Paragraph((Text('"See p. 3"'),)),))
    (para,) = typeset_article(article, quotes=False).blocks
    assert isinstance(para, Paragraph)
    assert plain_text(para.children) == f'"See p.{NBSP}3"'


# --- no-break spaces ---------------------------------------------------------------------


def test_dates_page_numbers_and_reading_times_never_break() -> None:
    assert smart_text("on 24 November 2026, see p. 3 and pp. 4-5", "en") == (
        f"on 24{NBSP}November{NBSP}2026, see p.{NBSP}3 and pp.{NBSP}4-5"
    )
    assert smart_text("November 24, 2026", "en") == f"November{NBSP}24,{NBSP}2026"
    assert smart_text("24 листопада 2026", "uk") == f"24{NBSP}листопада{NBSP}2026"
    # The dates and reading times the writers print themselves.
    assert long_date("2026-11-24", "en") == f"24{NBSP}November{NBSP}2026"
    assert long_date("2026-11-24", "de") == f"24.{NBSP}November{NBSP}2026"
    assert labels("en").min_read.format(n=3) == f"3{NBSP}min{NBSP}read"
    assert labels("uk").min_read.format(n=3) == f"3{NBSP}хв{NBSP}читання"
    assert labels("en").total_reading.format(n=6) == f"about 6{NBSP}minutes’ reading"
    meta = ArticleMeta("T", source="Wire", date="2026-11-21")
    assert plain_text(byline(meta)) == f"Wire · 21{NBSP}November{NBSP}2026"
    pack = make_pack([Article(meta, ())], briefconv.PackMeta("P"))
    assert entry_details(pack.articles[0], "en").endswith(f"2026 · 1{NBSP}min{NBSP}read")


# --- every format ------------------------------------------------------------------------

SOURCE = """---
title: Kyiv's "hard" winter
lang: {language}
date: 2026-11-21
---

He said "it is 'fine' here", and *"we're* ready". Code: `say "hi"`.

> "Hold on," they said.
>
> -- the mayor's office

```
x = "straight"
```
"""


def _article(tmp_path: Path, language: str) -> Article:
    path = tmp_path / f"{language}.md"
    path.write_text(SOURCE.format(language=language), encoding="utf-8")
    return briefconv.read_file(path)


def _docx_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    # Each paragraph's runs joined, paragraphs one a line.
    return "\n".join(
        "".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", p))
        for p in re.findall(r"<w:p[ >].*?</w:p>", xml, re.S)
    )


def _epub_text(data: bytes) -> str:
    # The visible text only: the <title> in the head is the title again.
    return "\n".join(
        _body_text(doc.find("{http://www.w3.org/1999/xhtml}body")) for doc in epub_documents(data)
    )


def _body_text(body: Any) -> str:
    return epub_markup_text(body) if body is not None else ""


def _pdf_text(data: bytes) -> str:
    return pdf_text(pdf_reader(data))


@pytest.mark.parametrize("language", ["en", "de", "fr", "uk"])
def test_every_format_prints_the_languages_quotes(tmp_path: Path, language: str) -> None:
    article = _article(tmp_path, language)
    op, cp, os_, cs = QUOTES[language]
    if language == "fr":  # the PDF sets the narrow no-break space as a no-break space
        pdf_quotes = (op.replace(NNBSP, NBSP), cp.replace(NNBSP, NBSP))
    else:
        pdf_quotes = (op, cp)
    sentence = f"He said {op}it is {os_}fine{cs} here{cp}"
    texts = {
        "docx": _docx_text(briefconv.render(article, "docx")),
        "epub": _epub_text(briefconv.render(article, "epub")),
        "pdf": _pdf_text(briefconv.render(article, "pdf")),
    }
    for fmt, text in texts.items():
        flat = " ".join(text.split()) if fmt == "pdf" else text
        expected = sentence
        if fmt == "pdf":
            expected = " ".join(
                sentence.replace(op, pdf_quotes[0]).replace(cp, pdf_quotes[1]).split()
            )
        assert expected in flat, (fmt, text)
        # Code, inline and in blocks, keeps its straight quotes; so does nothing else.
        assert 'say "hi"' in text and 'x = "straight"' in text, fmt
        assert text.count('"') == 4, (fmt, text)
        assert "'" not in text, (fmt, text)
        # The byline's date is written out, bound by no-break spaces (in the PDF a no-break
        # space extracts as a space: it is the same glyph; see the layout test below).
        date = long_date("2026-11-21", language) or ""
        assert (date if fmt != "pdf" else " ".join(date.split())) in text, fmt


def test_pack_formats_bind_the_reading_time(tmp_path: Path) -> None:
    article = _article(tmp_path, "en")
    pack = make_pack([article, article], briefconv.PackMeta("P", date="2026-11-26"))
    minutes = f"{pack.articles[0].minutes}{NBSP}min{NBSP}read"
    assert minutes in _docx_text(briefconv.render_pack(pack, "docx"))
    assert minutes in _epub_text(briefconv.render_pack(pack, "epub"))


def _lines(data: bytes) -> list[str]:
    return [" ".join(line.split()) for line in _pdf_text(data).splitlines()]


def test_pdf_never_breaks_a_date_or_a_reading_time() -> None:
    # Pushed along word by word, the date and the reading time reach the end of a line
    # at some point; they must then move down whole, never leave "24" or "2 min" behind.
    broken: list[str] = []
    for n in range(0, 16):
        names = ("Ann " + "Lee-" * n + "Smith",)
        meta = ArticleMeta("T", authors=names, source="Wire", date="2026-11-24")
        body = Paragraph((Text("word " * (n + 8) + "on 24 November 2026 and p. 3 of it."),))
        article = Article(meta, (body,))
        pack = make_pack([article], briefconv.PackMeta("P"))
        style = briefconv.load_style("large-print")
        for data in (briefconv.render(article, "pdf", style), briefconv.render_pack(pack, "pdf")):
            for line in _lines(data):
                if re.search(r"(\b24|November|\bmin|\bp\.|· \d+)$", line) or (
                    re.match(r"^(November|2026|min|read|3 of)\b", line)
                ):
                    broken.append(line)
    assert broken == []


def test_a_style_turns_smart_quotes_off(tmp_path: Path) -> None:
    path = tmp_path / "straight.toml"
    path.write_text('based_on = "default"\n[typography]\nsmart_quotes = false\n')
    style = briefconv.load_style(path)
    assert style.smart_quotes is False and briefconv.load_style().smart_quotes is True
    article = _article(tmp_path, "en")
    text = _docx_text(briefconv.render(article, "docx", style))
    assert "He said \"it is 'fine' here\"" in text
    # styles show writes the key, and its dump loads back the same.
    assert "[typography]\nsmart_quotes = false" in briefconv.styles.style_to_toml(style)
    bad = tmp_path / "bad.toml"
    bad.write_text("[typography]\nsmart_quote = true\n")
    with pytest.raises(briefconv.StyleError, match="smart_quote"):
        briefconv.load_style(bad)


def test_writers_get_the_typeset_pack_once(tmp_path: Path) -> None:
    # The model as read is the source as written; the writers print it typeset.
    article = _article(tmp_path, "en")
    para = next(b for b in article.blocks if isinstance(b, Paragraph))
    assert plain_text(para.children).startswith("He said \"it is 'fine' here\"")
    typeset = typeset_pack(handout(article))
    assert briefconv.render(article, "epub") == get_writer("epub").write_pack(
        typeset, briefconv.load_style()
    )
    assert dataclasses.replace(typeset) == typeset_pack(typeset)  # setting twice changes nothing
