"""Accessibility by default: what screen readers and e-readers rely on, in every output."""

from __future__ import annotations

import io
import itertools
import zipfile

import pytest
from lxml import etree

import briefconv
from briefconv.check import check_file

from .conftest import CASES, SAMPLE

XHTML = "{http://www.w3.org/1999/xhtml}"
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"


@pytest.mark.parametrize("source", [SAMPLE, CASES / "md" / "full.md", CASES / "wrapped.txt"])
def test_epub_landmarks_language_and_metadata(source, tmp_path) -> None:  # type: ignore[no-untyped-def]
    data = briefconv.render(briefconv.read_file(source), "epub")
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        nav = etree.fromstring(z.read("EPUB/nav.xhtml"))
        opf = z.read("EPUB/content.opf").decode("utf-8")
        chapter = etree.fromstring(z.read("EPUB/article.xhtml"))
    landmarks = [n for n in nav.iter(f"{XHTML}nav") if n.get(EPUB_TYPE) == "landmarks"]
    assert landmarks and landmarks[0].find(f".//{XHTML}a").get(EPUB_TYPE) == "bodymatter"  # type: ignore[union-attr]
    for feature in ("structuralNavigation", "tableOfContents", "readingOrder"):
        assert feature in opf
    assert "schema:accessibilityHazard" in opf and "schema:accessibilitySummary" in opf
    assert chapter.get("lang") and chapter.get("{http://www.w3.org/XML/1998/namespace}lang")
    levels = [
        int(h.tag[-1]) for h in chapter.iter() if h.tag in {f"{XHTML}h{i}" for i in range(1, 7)}
    ]
    assert levels[0] == 1 and all(b - a <= 1 for a, b in itertools.pairwise(levels))


@pytest.mark.slow  # `briefconv check` runs EPUBCheck (java -jar)
def test_every_format_passes_check(tmp_path) -> None:  # type: ignore[no-untyped-def]
    paths = briefconv.convert(CASES / "md" / "full.md", ["docx", "pdf", "epub"], tmp_path)
    for path in paths:
        problems = [f.message for f in check_file(path) if f.level == "problem"]
        assert problems == [], path
