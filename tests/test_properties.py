"""Property-based tests: arbitrary Unicode through every reader and writer.

Each example must give a valid output or a clear :class:`BriefconvError`, never another
exception. CI runs a fixed budget of examples; set ``BRIEFCONV_HYPOTHESIS_EXAMPLES`` (e.g.
2000) for a longer run.
"""

from __future__ import annotations

import io
import os
import zipfile

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from pypdf import PdfReader

import briefconv
from briefconv import BriefconvError
from briefconv.model import Article

EXAMPLES = int(os.environ.get("BRIEFCONV_HYPOTHESIS_EXAMPLES", "40"))
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,  # the same examples on every CI run: a failure is reproducible
    suppress_health_check=[HealthCheck.too_slow],
)

# Any code point, including controls, surrogates, U+FFFE, combining marks, RTL, emoji.
any_text = st.text(alphabet=st.characters(codec=None), max_size=300)
# Text shaped like articles: lines that may look like headings, quotes, lists, metadata.
line = st.one_of(
    any_text,
    st.sampled_from(["Title: x", "By Someone", "- item", "1. one", "“quoted”", "— Name", ""]),
    st.text(alphabet='abc XYZ.,:;!?“”"«»—-*_#>[]()<>&\n', max_size=80),
)
article_text = st.lists(line, max_size=12).map("\n".join)


def _read(text: str, fmt: str) -> Article | None:
    try:
        return briefconv.read_string(text, name=f"case.{'md' if fmt == 'markdown' else 'txt'}")
    except BriefconvError as exc:
        assert "\n" not in str(exc)
        return None


def _check_outputs(article: Article) -> None:
    docx = briefconv.render(article, "docx")
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        etree.fromstring(z.read("word/document.xml"))
    epub = briefconv.render(article, "epub")
    with zipfile.ZipFile(io.BytesIO(epub)) as z:
        assert z.namelist()[0] == "mimetype"
        for name in z.namelist():
            if name.endswith((".xhtml", ".opf", ".ncx")):
                etree.fromstring(z.read(name))  # well-formed XML, or this raises
    pdf = briefconv.render(article, "pdf")
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 1
    for page in reader.pages:
        page.extract_text()


@SETTINGS
@given(article_text)
def test_text_reader_and_all_writers(text: str) -> None:
    article = _read(text, "text")
    if article is not None:
        _check_outputs(article)
        assert briefconv.from_json(briefconv.to_json(article)) == article


@SETTINGS
@given(article_text)
def test_markdown_reader_and_all_writers(text: str) -> None:
    article = _read(text, "markdown")
    if article is not None:
        _check_outputs(article)
        assert briefconv.from_json(briefconv.to_json(article)) == article


@SETTINGS
@given(st.binary(max_size=400))
def test_arbitrary_bytes_never_crash(data: bytes) -> None:
    from briefconv.readers import read_bytes

    try:
        article = read_bytes(data, name="bytes.txt")
    except BriefconvError as exc:
        assert "\n" not in str(exc)
        return
    assert briefconv.from_json(briefconv.to_json(article)) == article
