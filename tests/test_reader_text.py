"""The plain-text reader: the sample's exact structure, golden models, encodings, errors."""

from __future__ import annotations

import codecs
import logging
import re
import textwrap
from functools import partial
from pathlib import Path

import pytest

from briefconv import InputError, from_json, read_file, read_string, to_json
from briefconv.model import (
    Article,
    BulletList,
    Emphasis,
    Heading,
    LineBreak,
    Link,
    OrderedList,
    Paragraph,
    Quote,
    Strong,
    Text,
    plain_text,
)
from briefconv.readers.text import decode

from .conftest import CASES, SAMPLE

GOLDEN = Path(__file__).resolve().parent / "golden"
EXPECTED_HEADINGS = [
    "A Tense Start to High-Stakes Talks",
    "Widening Attacks and Narrowing Options",
    "Turkey’s Role and the Call for U.S. Involvement",
    "Peace Drafts and Delegation Leads",
    "Glimmers of Diplomacy Amid Chaos",
    "Conclusion",
]


def _texts(article: Article) -> list[str]:
    """Each block's text as one string, quotes paragraph by paragraph."""
    out: list[str] = []
    for block in article.blocks:
        match block:
            case Heading(children=c) | Paragraph(children=c):
                out.append(plain_text(c))
            case Quote(paragraphs=paras):
                out.extend(plain_text(p.children) for p in paras)
            case BulletList(items=items) | OrderedList(items=items):
                out.extend(plain_text(i) for i in items)
    return out


def test_sample_structure_matches_expected() -> None:
    article = read_file(SAMPLE)
    headings = [b for b in article.blocks if isinstance(b, Heading)]
    quotes = [b for b in article.blocks if isinstance(b, Quote)]
    paragraphs = [b for b in article.blocks if isinstance(b, Paragraph)]
    assert [plain_text(h.children) for h in headings] == EXPECTED_HEADINGS
    assert {h.level for h in headings} == {1}
    assert len(quotes) == 1
    assert plain_text(quotes[0].paragraphs[0].children) == (
        "“The United States’ backing for Russia-Ukraine peace talks is extremely important.”"
    )
    assert len(paragraphs) == 12
    assert article.meta.title == "Istanbul Talks"
    assert article.meta.language == "en"


def test_sample_text_unchanged_to_the_character() -> None:
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    assert _texts(read_file(SAMPLE)) == lines


def test_sample_block_order() -> None:
    kinds = [type(b).__name__[0] for b in read_file(SAMPLE).blocks]
    # P=paragraph, H=heading, Q=quote, in the order of expected.md's line numbers.
    assert "".join(kinds) == "PHPPHPPHPQPHPPHPHPP"


@pytest.mark.parametrize("case", sorted(p.name for p in CASES.glob("*.txt")))
def test_case_matches_golden_model(case: str, update_goldens: bool) -> None:
    article = read_file(CASES / case)
    # The timestamp is the checkout's file time: not part of what the reader finds.
    article = Article(article.meta, article.blocks)
    golden = GOLDEN / f"{Path(case).stem}.json"
    if update_goldens or not golden.exists():
        golden.write_text(to_json(article), encoding="utf-8")
        if not update_goldens:
            pytest.fail(f"{golden} was missing and has been written: review it and rerun")
    assert to_json(article) == golden.read_text(encoding="utf-8")
    # The invariant holds even while regenerating: no text is lost or invented.
    source = (CASES / case).read_text(encoding="utf-8")
    squashed = re.sub(r"\s+", "", source)
    for text in _texts(article):
        for word in re.findall(r"\w+", text):
            assert word in squashed


def test_wrapped_paragraphs_are_joined() -> None:
    article = read_file(CASES / "wrapped.txt")
    assert article.meta.title == "Ceasefire Talks Resume in Geneva"
    assert article.meta.authors == ("Anna Müller", "Jean Dupont")
    first = article.blocks[0]
    assert isinstance(first, Paragraph)
    assert plain_text(first.children).startswith("Negotiators returned to Geneva on Monday for a")
    assert "talks, hoping to turn" in plain_text(first.children)
    headings = [(b.level, plain_text(b.children)) for b in article.blocks if isinstance(b, Heading)]
    # ALL CAPS headings rank above the others when both kinds occur, but a first heading
    # is always level 1: levels are never skipped.
    assert headings == [(1, "The agenda"), (1, "WHAT COMES NEXT")]


def test_lists() -> None:
    blocks = read_file(CASES / "lists.txt").blocks
    bullets = [b for b in blocks if isinstance(b, BulletList)]
    numbered = [b for b in blocks if isinstance(b, OrderedList)]
    assert [plain_text(i) for i in bullets[0].items] == [
        "a full and unconditional ceasefire",
        "the return of deported children",
        "an international monitoring mission",
    ]
    assert len(numbered[0].items) == 3 and numbered[0].start == 1
    assert plain_text(numbered[0].items[0]) == 'recognition of "new realities"'


def test_quotes_with_attribution() -> None:
    quotes = [b for b in read_file(CASES / "quotes.txt").blocks if isinstance(b, Quote)]
    assert [plain_text(q.attribution) for q in quotes] == [
        "Hakan Fidan, Turkish Foreign Minister",
        "Rustem Umerov",
        "",
        "",
    ]
    assert plain_text(quotes[2].paragraphs[0].children) == "«Мы готовы к переговорам.»"
    assert len(quotes[3].paragraphs) == 2


def test_metadata_header_and_inline_markup() -> None:
    article = read_file(CASES / "metadata.txt")
    meta = article.meta
    assert meta.title == "Talks Resume in Istanbul"
    assert meta.subtitle == "A second round opens after a night of strikes"
    assert meta.authors == ("Olena Kovalenko", "Mark Brown")
    assert meta.date == "2 June 2025"
    assert meta.source == "Example Wire"
    assert meta.url == "https://example.org/talks?id=2"
    assert meta.language == "en-GB"
    first = article.blocks[0]
    assert isinstance(first, Paragraph)
    assert Strong((Text("statement"),)) in first.children
    assert Emphasis((Text("cautious"),)) in first.children
    assert Emphasis((Text("brief"),)) in first.children
    links = [c for c in first.children if isinstance(c, Link)]
    # The sentence's full stop is not part of the URL.
    assert [link.url for link in links] == ["https://example.org/statement"]


def test_cyrillic_and_greek_language_guess() -> None:
    article = read_file(CASES / "cyrillic-greek.txt")
    assert article.meta.language == "uk"
    assert article.meta.title == "Переговори в Стамбулі"
    assert read_string("Η Αθήνα χαιρέτισε τις συνομιλίες.").meta.language == "el"
    assert read_string("Москва заявила, что переговоры продолжатся.").meta.language == "ru"


def test_title_precedence(tmp_path: Path) -> None:
    path = tmp_path / "peace_talks-round-two.txt"
    path.write_text("Just one paragraph of text.\n", encoding="utf-8")
    assert read_file(path).meta.title == "Peace Talks Round Two"
    assert read_file(path, title="Given").meta.title == "Given"
    path.write_text("Title: From Header\n\nText.\n", encoding="utf-8")
    assert read_file(path).meta.title == "From Header"
    assert read_file(path, title="Given").meta.title == "Given"


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [
        ("utf-8", b""),
        ("utf-8", codecs.BOM_UTF8),
        ("utf-16-le", codecs.BOM_UTF16_LE),
        ("utf-16-be", codecs.BOM_UTF16_BE),
    ],
)
@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_encodings_and_line_endings(
    tmp_path: Path, encoding: str, bom: bytes, newline: str
) -> None:
    text = SAMPLE.read_text(encoding="utf-8").replace("\n", newline)
    path = tmp_path / "istanbul-talks.txt"
    path.write_bytes(bom + text.encode(encoding))
    got = read_file(path)
    want = read_file(SAMPLE)
    assert got.meta == want.meta
    assert got.blocks == want.blocks


def test_not_utf8_is_a_clear_error_naming_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes("First line.\nCaf\u00e9 au lait.\n".encode("latin-1"))
    with pytest.raises(InputError) as info:
        read_file(path)
    message = str(info.value)
    assert message.startswith(f"{path}:2: not UTF-8 (byte 0xE9)")
    assert "--encoding" in message and "\n" not in message
    assert plain_text(read_file(path, encoding="latin-1").blocks[1].children) == "Café au lait."  # type: ignore[union-attr]


def test_utf16_without_bom_and_binary_are_refused() -> None:
    with pytest.raises(InputError, match="byte-order mark"):
        decode("Hello".encode("utf-16-le"), name="x.txt")
    with pytest.raises(InputError, match="unknown encoding"):
        decode(b"abc", name="x.txt", encoding="no-such-codec")


def test_control_characters_removed_and_reported(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "ctl.txt"
    path.write_bytes(b"Good line.\nBad\x00 line\x07 here.\n")
    with caplog.at_level(logging.WARNING, logger="briefconv"):
        article = read_file(path)
    assert plain_text(article.blocks[1].children) == "Bad line here."  # type: ignore[union-attr]
    assert any(
        f"{path}:2:" in r.getMessage() and "U+0000" in r.getMessage() for r in caplog.records
    )


def test_model_sanitises_even_when_built_by_hand() -> None:
    assert Text("a\x0bb\ufffe").text == "ab"
    # NFC: "e" + combining acute becomes one code point.
    assert Text("Cafe\u0301").text == "Café"


def test_markup_is_text() -> None:
    article = read_string("<b>Not bold</b> & <script>alert(1)</script> <img src=x>.")
    block = article.blocks[0]
    assert isinstance(block, Paragraph)
    assert block.children == (Text("<b>Not bold</b> & <script>alert(1)</script> <img src=x>."),)


def test_empty_input_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"\n  \n")
    with pytest.raises(InputError, match=r"empty\.txt: no text to convert"):
        read_file(path)


def test_missing_file_and_folder_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_file(tmp_path / "nope.txt")
    with pytest.raises(InputError, match="is a folder"):
        read_file(tmp_path)


@pytest.mark.parametrize("case", [*sorted(p.name for p in CASES.glob("*.txt")), "sample"])
def test_json_round_trip(case: str) -> None:
    article = read_file(SAMPLE if case == "sample" else CASES / case)
    assert from_json(to_json(article)) == article


def test_json_errors_name_the_path() -> None:
    with pytest.raises(InputError, match=r"blocks\[0\]\.level: 9 is more than the maximum 6"):
        from_json(
            '{"briefconv-model": 1, "meta": {"title": "t"}, '
            '"blocks": [{"type": "heading", "level": 9, "content": []}]}'
        )
    with pytest.raises(InputError, match="unsupported model version"):
        from_json('{"briefconv-model": 99}')


# --- structure rules (issue 13): titles, headings, line blocks, wrapping, bylines ---------


def _kinds(article: Article) -> list[tuple[str, str]]:
    """Each block as (type initial, text): H1/H2 headings, P paragraphs, L lists, Q quotes."""
    out: list[tuple[str, str]] = []
    for block in article.blocks:
        match block:
            case Heading(level=level, children=c):
                out.append((f"H{level}", plain_text(c)))
            case Paragraph(children=c):
                out.append(("P", plain_text(c)))
            case BulletList(items=items) | OrderedList(items=items):
                out.append(("L", " | ".join(plain_text(i) for i in items)))
            case Quote(paragraphs=paras):
                out.append(("Q", " ".join(plain_text(p.children) for p in paras)))
    return out


BODY = (
    "Officials said the talks would resume on Monday after a weekend of consultations "
    "with both delegations in the capital."
)


@pytest.mark.parametrize(
    "headline",
    [
        "'Comeback' show for Friends star",
        '"We will not back down," says minister',
        "Could rivalry overshadow election?",
        "Winner! Village bakery takes the crown",
        "«Динамо» перемогло «Шахтар»",
    ],
)
def test_headlines_with_quotes_and_question_or_exclamation_marks_are_titles(
    headline: str,
) -> None:
    article = read_string(f"{headline}\n\n{BODY}\n", name="fallback.txt")
    assert article.meta.title == headline
    assert _kinds(article) == [("P", BODY)]


@pytest.mark.parametrize("first", ["He left the room.", "Talks resumed on Monday, and"])
def test_a_sentence_is_not_a_title(first: str) -> None:
    article = read_string(f"{first}\n\n{BODY}\n", name="fallback.txt")
    assert article.meta.title == "Fallback"
    assert _kinds(article)[0] == ("P", first)


def test_short_lines_are_one_line_block_not_headings() -> None:
    box = "Saturday's results\nArsenal 2-1 Chelsea\nLiverpool 0-0 Everton\nBrighton 3-2 Fulham"
    text = f"Results round-up\n\n{BODY}\n\n{box}\n\n{BODY}\n"
    article = read_string(text)
    assert _kinds(article) == [
        ("P", BODY),
        ("P", box),
        ("P", BODY),
    ]
    block = article.blocks[1]
    assert isinstance(block, Paragraph)
    assert sum(isinstance(c, LineBreak) for c in block.children) == 3


@pytest.mark.parametrize(
    "line",
    [
        "2000 GMT",  # a time
        "Arsenal 2-1 Chelsea",  # a score
        "Turnout: 38%",  # ends with a number, and a colon inside
        "Officials said that the talks and",  # a sentence cut short
        "Key facts",  # followed by a short line, below
    ],
)
def test_times_scores_and_fragments_are_not_headings(line: str) -> None:
    text = f"Title line\n\n{BODY}\n\n{line}\n\nPopulation: 44 million\n\n{BODY}\n"
    kinds = _kinds(read_string(text))
    assert not [k for k in kinds if k[0].startswith("H")]
    assert ("P", line) in kinds


def test_a_heading_stands_over_a_paragraph_between_body_text() -> None:
    text = (
        f"Title line\n\n{BODY}\n\nWhat comes next\n\n{BODY}\n\nWhat the deal says\n\n"
        "- one thing\n- another thing\n\nA last word\n"
    )
    kinds = _kinds(read_string(text))
    # Over a list or at the very end, a short line is not a heading.
    assert kinds == [
        ("P", BODY),
        ("H1", "What comes next"),
        ("P", BODY),
        ("P", "What the deal says"),
        ("L", "one thing | another thing"),
        ("P", "A last word"),
    ]


def test_a_lone_question_is_a_paragraph_and_questions_among_headings_are_headings() -> None:
    lone = _kinds(read_string(f"Title line\n\n{BODY}\n\nSo what went wrong?\n\n{BODY}\n"))
    assert ("P", "So what went wrong?") in lone
    several = _kinds(
        read_string(f"Title line\n\n{BODY}\n\nWhen?\n\n{BODY}\n\nWhy does it matter?\n\n{BODY}\n")
    )
    assert [k for k in several if k[0] == "H1"] == [("H1", "When?"), ("H1", "Why does it matter?")]


PARAGRAPHS = [
    "Gas demand in Europe has fallen to its lowest level in more than a decade. Mild winters,"
    " high prices and the growth of renewable power have cut consumption steadily across the"
    " continent in the years following 2010. Demand for gas in power stations fell most"
    " sharply, analysts said.",
    "Industrial users, who were hit hardest when prices spiked three years ago, have been much"
    " slower to return to the levels of use they had then - many have switched to electricity"
    " or moved production abroad, and some say they will not come back at all.",
    "The figures were published on Tuesday in the annual European gas report by the"
    " International Energy Agency, which said the trend was likely to continue as heat pumps"
    " replace gas boilers in homes across the region.",
    "Storage sites were 94% full at the start of the winter, well above the target set by the"
    " European Commission, which officials said would help to protect households and"
    " businesses if temperatures fell sharply in January or February. Traders, however, said"
    " any sudden shortage would push prices up very quickly, as it did during the long, hard"
    " winter 2022 .",
]
ITEMS = [
    "milder winters across the north of the continent in recent years",
    "higher prices, which pushed industry towards electricity and away from gas for good",
    "more wind and solar power on the grid",
]


def test_hard_wrapped_lines_never_start_lists_bylines_or_paragraphs() -> None:
    wrap = partial(textwrap.wrap, width=72, break_on_hyphens=False)
    text = "\n\n".join(
        [
            "Gas demand falls to a ten-year low",
            "By Marta Kowalczyk\nEnergy correspondent",
            "Rotterdam, 14 March",
            *("\n".join(wrap(p)) for p in PARAGRAPHS),
            "The agency listed three reasons:",
            "\n".join(line for item in ITEMS for line in wrap(f"- {item}")),
            "What comes next",
            "\n".join(wrap(PARAGRAPHS[0])),
        ]
    )
    # Wrapping put a year, a dash, "by" and a full stop at the start of lines.
    starts = {line.split()[0] for line in text.splitlines() if line}
    assert {"2010.", "-", "by", "."} <= starts
    article = read_string(text)
    assert article.meta.title == "Gas demand falls to a ten-year low"
    assert article.meta.authors == ("Marta Kowalczyk, Energy correspondent",)
    assert article.meta.date == "Rotterdam, 14 March"
    assert _kinds(article) == [
        *(("P", p) for p in PARAGRAPHS),
        ("P", "The agency listed three reasons:"),
        ("L", " | ".join(ITEMS)),
        ("H1", "What comes next"),
        ("P", PARAGRAPHS[0]),
    ]


def test_wrapping_is_told_from_short_lines_of_similar_length() -> None:
    # Lines of a results box are alike in length, but none continues a sentence.
    lines = [f"Team number {i} v Another side {i}: 2 goals to 1" for i in range(10, 22)]
    text = f"Round-up\n\n{BODY}\n\n" + "\n".join(lines) + f"\n\n{BODY}\n"
    kinds = _kinds(read_string(text))
    assert kinds[1] == ("P", "\n".join(lines))


def test_a_numbered_list_starts_at_one_or_counts_on() -> None:
    text = f"Title line\n\n{BODY}\n\n2010. That was the year it began.\n\n3. three\n4. four\n"
    kinds = _kinds(read_string(text))
    assert kinds[1] == ("P", "2010. That was the year it began.")
    lists = [b for b in read_string(text).blocks if isinstance(b, OrderedList)]
    assert [(len(b.items), b.start) for b in lists] == [(2, 3)]
    # A number that does not count on ends the list rather than being renumbered.
    kinds = _kinds(read_string(f"{BODY}\n1. the first thing\n2010. A year, not an item.\n"))
    assert kinds[1:] == [("L", "the first thing"), ("P", "2010. A year, not an item.")]


@pytest.mark.parametrize(
    ("line", "date"),
    [
        ("14 March 2025", "14 March 2025"),
        ("Tuesday 14 March 2025, 10:32 GMT", "Tuesday 14 March 2025, 10:32 GMT"),
        ("March 14, 2025", "March 14, 2025"),
        ("Rotterdam, 14 March", "Rotterdam, 14 March"),
        ("Київ, 3 червня", "Київ, 3 червня"),
        ("Αθήνα, 14 Μαρτίου 2025", "Αθήνα, 14 Μαρτίου 2025"),
        ("2025-03-14", "2025-03-14"),
    ],
)
def test_datelines_under_the_headline_are_the_date(line: str, date: str) -> None:
    article = read_string(f"Title line\n\nBy Ann Lee and Tom Ng\n{line}\n\n{BODY}\n")
    assert article.meta.authors == ("Ann Lee", "Tom Ng")
    assert article.meta.date == date
    assert _kinds(article) == [("P", BODY)]


def test_bylines_keep_roles_and_desks_with_the_name() -> None:
    def authors(text: str) -> tuple[str, ...]:
        return read_string(f"Title line\n\n{text}\n\n{BODY}\n").meta.authors

    assert authors("By Tom Reddy, political correspondent") == (
        "Tom Reddy, political correspondent",
    )
    assert authors("By Jane Hollis\nBBC News, Kyiv") == ("Jane Hollis, BBC News, Kyiv",)
    assert authors("By Ann Lee, Tom Ng and Li Wei") == ("Ann Lee", "Tom Ng", "Li Wei")
    # "By the numbers" is a label, and a wire dateline stays in the lede.
    assert authors("By the numbers") == ()
    lede = "LONDON (Reuters) - The Bank of England held rates on Thursday."
    assert _kinds(read_string(f"Title line\n\n{lede}\n\n{BODY}\n"))[0] == ("P", lede)


def test_a_long_run_of_spaces_in_a_byline_costs_linear_time() -> None:
    article = read_string("Title line\n\nBy Ann Lee" + " " * 200_000 + "and Tom Ng\n\nText.\n")
    assert article.meta.authors == ("Ann Lee", "Tom Ng")


def test_wrapped_paragraphs_with_long_unwrapped_list_items_are_still_wrapped() -> None:
    items = [
        "a five-year framework for setting fishing quotas in the waters the two countries share",
        "a second undersea power cable between Norway and the north of England, due by 2031",
        "joint rules for storing captured carbon dioxide in empty gas fields under the seabed",
    ]
    wrap = partial(textwrap.wrap, width=72, break_on_hyphens=False)
    text = "\n\n".join(
        [
            "UK and Norway sign a fishing and energy pact after eighteen months of talks",
            *("\n".join(wrap(p)) for p in PARAGRAPHS[:2]),
            "\n".join(f"- {item}" for item in items),
        ]
    )
    assert _kinds(read_string(text)) == [
        *(("P", p) for p in PARAGRAPHS[:2]),
        ("L", " | ".join(items)),
    ]
