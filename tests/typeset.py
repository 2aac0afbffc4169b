"""Reading a PDF's typesetting back: its lines, their sizes, places and lengths (poppler).

``pdftotext -bbox-layout`` gives every line of text with its box; a word's box is exactly
its font size tall, so a line's height tells body text from headings, and its left edge
tells text at the margin from an indented quote. Nothing here knows how the PDF was made.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

import pytest

_XHTML = "{http://www.w3.org/1999/xhtml}"


@dataclass(frozen=True)
class Line:
    """One line of text as poppler reads it: its words joined by single spaces, its box.

    ``top`` and ``bottom`` are measured from the top of the page, in points.
    """

    text: str
    left: float
    right: float
    top: float
    bottom: float

    @property
    def size(self) -> float:
        """The font size the line is set in (poppler's word boxes are one size tall)."""
        return self.bottom - self.top

    @property
    def width(self) -> float:
        """From the start of the first word to the end of the last."""
        return self.right - self.left


@dataclass(frozen=True)
class Page:
    """One page: its size and its lines, top to bottom."""

    width: float
    height: float
    lines: list[Line]


def poppler(tool: str, *args: str, data: bytes) -> str:
    """Run a poppler tool on a PDF given as bytes; its standard output."""
    if shutil.which(tool) is None:
        pytest.fail(f"needs poppler's {tool}: apt-get install poppler-utils")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "case.pdf"
        path.write_bytes(data)
        out = subprocess.run(
            [tool, *args, str(path), "-"], capture_output=True, check=True, timeout=120
        )
    return out.stdout.decode("utf-8")


def pages(data: bytes) -> list[Page]:
    """Every page of a PDF with its lines, from ``pdftotext -bbox-layout``."""
    root = ElementTree.fromstring(poppler("pdftotext", "-bbox-layout", data=data))
    out: list[Page] = []
    for page in root.iter(f"{_XHTML}page"):
        lines: list[Line] = []
        for line in page.iter(f"{_XHTML}line"):
            words = [w.text or "" for w in line.iter(f"{_XHTML}word")]
            lines.append(
                Line(
                    " ".join(words),
                    float(line.get("xMin", 0)),
                    float(line.get("xMax", 0)),
                    float(line.get("yMin", 0)),
                    float(line.get("yMax", 0)),
                )
            )
        lines.sort(key=lambda ln: (round(ln.top, 1), ln.left))
        out.append(Page(float(page.get("width", 0)), float(page.get("height", 0)), lines))
    return out


def sized(lines: list[Line], size: float) -> list[Line]:
    """The lines set at ``size`` points."""
    return [line for line in lines if abs(line.size - size) < 0.05]


@dataclass(frozen=True)
class Measure:
    """Line lengths of a document's body text, in characters."""

    #: Every full line: a body line followed by another line of the same paragraph.
    full: list[int]
    #: Every body line, a paragraph's last included.
    every: list[int]

    @property
    def mean(self) -> float:
        """The mean length of a full line."""
        return sum(self.full) / len(self.full)


def body_size(document: list[Page]) -> float:
    """The height of the body text's lines: the most common line height in the document.

    It is the body's font size in a reportlab PDF; other producers (LibreOffice) make
    word boxes a fixed multiple of the size, the same for every line.
    """
    heights = Counter(round(line.size, 2) for page in document for line in page.lines)
    return heights.most_common(1)[0][0]


def body_lines(document: list[Page], size: float | None = None) -> list[list[Line]]:
    """Per page, the body lines: lines ``size`` tall (default: :func:`body_size`) at the
    text's left edge. Indented text (quotes, list items) and other sizes (headings,
    footers) are left out.
    """
    size = body_size(document) if size is None else size
    body = [sized(page.lines, size) for page in document]
    edge = min((line.left for lines in body for line in lines), default=0.0)
    return [[line for line in lines if abs(line.left - edge) < 0.5] for lines in body]


def paragraphs(lines: list[Line], leading: float) -> list[list[Line]]:
    """Body lines of one page grouped into paragraphs: lines one ``leading`` apart."""
    groups: list[list[Line]] = []
    for line in lines:
        if groups and abs(line.top - groups[-1][-1].top - leading) < 0.5:
            groups[-1].append(line)
        else:
            groups.append([line])
    return groups


def body_measure(document: list[Page], leading: float, size: float | None = None) -> Measure:
    """Line lengths of the body text (see :func:`body_lines`), in characters.

    A line is full when the next body line on its page sits one ``leading`` below it (a
    paragraph's last line is followed by paragraph space, or by nothing).
    """
    full: list[int] = []
    every: list[int] = []
    for lines in body_lines(document, size):
        for paragraph in paragraphs(lines, leading):
            every += [len(line.text) for line in paragraph]
            full += [len(line.text) for line in paragraph[:-1]]
    return Measure(full, every)
