"""No word of the PDF is glued to its neighbour or lost: random text and runs vs pdftotext.

reportlab dropped the space after a soft-hyphenated word that ended one of its fragments
(before ``&``, ``<``, ``>`` and before any change of font), so "Chateau & Estate" printed
"Chateau& Estate" and "because `rustdoc`" "becauserustdoc". The property: whatever the
words, their formatting and the characters between them, pdftotext reads back exactly the
words of the model in order (a word broken at a line end joined again).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import briefconv
from briefconv.model import (
    Article,
    ArticleMeta,
    Code,
    Emphasis,
    Inline,
    Paragraph,
    Strong,
    Text,
    plain_text,
)
from briefconv.styles import load_style

EXAMPLES = int(os.environ.get("BRIEFCONV_HYPOTHESIS_EXAMPLES", "40"))

#: The bundled styles do not hyphenate; the soft hyphens these tests probe need it on.
HYPHENATING = load_style("default").with_options("pdf", hyphenate=True)

# Long words in the languages we hyphenate (so soft hyphens are everywhere), short ones,
# and the characters that are entities in reportlab's markup. No "-": a line-end hyphen
# is joined again when reading back, which a real hyphen would not survive.
WORDS = st.one_of(
    st.sampled_from(
        [
            "Chateau", "because", "negotiations", "Estate", "delegations", "international",
            "переговори", "делегації", "енергосистема", "διαπραγματεύσεις", "&", "<", ">",
            "x<y", "A&B", "Tom&Jerry", "rustdoc", "a", "of", "3%", "“quoted”", "(brackets)",
        ]
    ),
    st.text(alphabet="abcdefghijklmnopqrstuvwxyzäöüéèßіїєґ&<>", min_size=1, max_size=14),
)  # fmt: skip
KINDS = st.sampled_from(["text", "emphasis", "strong", "code"])


@st.composite
def paragraphs(draw: st.DrawFn) -> tuple[Inline, ...]:
    """Runs of one to three words each, a space at every run boundary (before or after)."""
    runs: list[Inline] = []
    for _ in range(draw(st.integers(1, 14))):
        text = " ".join(draw(st.lists(WORDS, min_size=1, max_size=3)))
        # The space on either side of the boundary: both are where reportlab lost it.
        text = f" {text}" if runs and draw(st.booleans()) else text
        text = f"{text} " if draw(st.booleans()) else text
        kind = draw(KINDS)
        if runs and not plain_text(tuple(runs))[-1:].isspace() and not text.startswith(" "):
            text = " " + text
        match kind:
            case "text":
                runs.append(Text(text))
            case "emphasis":
                runs.append(Emphasis((Text(text),)))
            case "strong":
                runs.append(Strong((Text(text),)))
            case _:
                runs.append(Code(text))
    return tuple(runs)


def _pdftotext(data: bytes, folder: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.fail("needs poppler's pdftotext: apt-get install poppler-utils")
    path = folder / "case.pdf"
    path.write_bytes(data)
    out = subprocess.run(
        # -raw: the text in the order the page draws it. Without it pdftotext guesses the
        # spaces from glyph positions and glues "& &" (drawn as one string "& &").
        ["pdftotext", "-raw", "-nopgbrk", "-enc", "UTF-8", str(path), "-"],
        capture_output=True,
        check=True,
        timeout=60,
    )
    return out.stdout.decode("utf-8")


def _words(text: str) -> list[str]:
    # A word the PDF broke at a line end prints "Cha-" then "teau": join them again.
    return re.sub(r"-\n", "", text).split()


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(inlines=paragraphs(), language=st.sampled_from(["en", "uk", "de", "el"]))
def test_pdftotext_reads_every_word_apart(
    inlines: tuple[Inline, ...], language: str, tmp_path: Path
) -> None:
    article = Article(ArticleMeta(title="Probe", language=language), (Paragraph(inlines),))
    got = _words(_pdftotext(briefconv.render(article, "pdf", HYPHENATING), tmp_path))
    want = plain_text(inlines).split()
    # The page is: the title, the paragraph, the footer.
    start = got.index("Probe") + 1
    assert got[start : start + len(want)] == want


def test_the_reported_cases(tmp_path: Path) -> None:
    article = briefconv.read_string(
        "# Probe\n\nDiageo Chateau & Estate Wines, because `rustdoc` and x < y.\n",
        name="case.md",
    )
    text = " ".join(_words(_pdftotext(briefconv.render(article, "pdf", HYPHENATING), tmp_path)))
    assert "Diageo Chateau & Estate Wines, because rustdoc and x < y." in text


def test_characters_outside_the_bmp_extract_intact(tmp_path: Path) -> None:
    """Issue 14, item 12: 𝐴 𝕏 𝟘 were mapped with five hex digits and extracted wrongly."""
    text = "The letters 𝐴 𝕏 𝟘 and plain text."
    data = briefconv.render(Article(ArticleMeta("Maths"), (Paragraph((Text(text),)),)), "pdf")
    path = tmp_path / "maths.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True)
    assert text in out.stdout
