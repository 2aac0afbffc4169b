"""How often the DOCX contents' page numbers differ from LibreOffice's pagination (issue 17).

A pack's DOCX caches, in each contents entry's ``PAGEREF`` field, the page its article
starts on in the PDF writer's layout of the same pack (:func:`briefconv.writers.pdf.
start_pages`): that is what Word shows until its fields are updated, and what pandoc and
previews show always. This builds packs from the sample articles and the test corpus in
every bundled style, converts each DOCX with LibreOffice (``soffice --headless
--convert-to pdf``), takes the page of each article's title from the PDF's outline (its
``Heading 1``), and compares.

Run: ``python bench/docx_pages.py [--out bench/DOCX_PAGES.md]`` (LibreOffice and pypdf
needed; a minute or two).
"""

from __future__ import annotations

import argparse
import io
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

import briefconv
from briefconv.styles import bundled_styles, load_style

ROOT = Path(__file__).resolve().parent.parent
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@dataclass(frozen=True)
class Result:
    """One pack in one style: the cached and LibreOffice's start page of each article."""

    pack: str
    style: str
    pages: int
    cached: tuple[int, ...]
    laid_out: tuple[int, ...]

    @property
    def differences(self) -> list[int]:
        """Cached minus LibreOffice's page, per article."""
        return [c - lo for c, lo in zip(self.cached, self.laid_out, strict=True)]


def cached_numbers(data: bytes) -> tuple[int, ...]:
    """The cached result of every ``PAGEREF`` field in the DOCX's body, in order."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        body = etree.fromstring(archive.read("word/document.xml"))
    numbers: list[int] = []
    instruction, result, state = "", "", ""
    for run in body.iter(f"{_W}r"):
        char = run.find(f"{_W}fldChar")
        if char is not None:
            state = char.get(f"{_W}fldCharType") or ""
            if state == "begin":
                instruction, result = "", ""
            elif state == "end" and instruction.split()[:1] == ["PAGEREF"]:
                numbers.append(int(result))
            continue
        if state == "begin":
            instruction += "".join(t.text or "" for t in run.iter(f"{_W}instrText"))
        elif state == "separate":
            result += "".join(t.text or "" for t in run.iter(f"{_W}t"))
    return tuple(numbers)


def libreoffice_starts(docx: Path) -> tuple[tuple[int, ...], int]:
    """The page of each top-level outline entry of LibreOffice's PDF, and its page count."""
    from pypdf import PdfReader

    folder = docx.parent
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{folder / 'profile'}", "--headless",
         "--convert-to", "pdf", "--outdir", str(folder), str(docx)],
        check=True, capture_output=True, timeout=900,
    )  # fmt: skip
    reader = PdfReader(docx.with_suffix(".pdf"))
    starts: list[int] = []
    for entry in reader.outline:
        if not isinstance(entry, list):  # a list holds the entries nested under the last
            page = reader.get_destination_page_number(entry)
            starts.append(-1 if page is None else page + 1)
    return tuple(starts), len(reader.pages)


def measure(name: str, inputs: Path | Sequence[Path], style_name: str) -> Result:
    """Build one pack in one style as ``briefconv pack`` would, and compare."""
    if isinstance(inputs, Path):
        built = briefconv.build_pack(inputs)
    else:
        built = briefconv.build_pack(list(inputs), title=name, classification="OFFICIAL")
    data = briefconv.render_pack(built.pack, "docx", load_style(style_name))
    with tempfile.TemporaryDirectory() as tmp:
        docx = Path(tmp) / "pack.docx"
        docx.write_bytes(data)
        starts, pages = libreoffice_starts(docx)
    return Result(name, style_name, pages, cached_numbers(data), starts)


def packs() -> list[tuple[str, Path | list[Path]]]:
    """The sample pack and four packs of the test corpus's articles."""
    corpus = sorted((ROOT / "tests" / "corpus" / "text").glob("*.txt"))
    sources = sorted((ROOT / "source").glob("*.txt")) + sorted((ROOT / "source").glob("*.md"))
    return [
        ("sample pack (source/pack.toml)", ROOT / "source" / "pack.toml"),
        ("corpus, all articles", corpus),
        ("corpus, every third", corpus[::3]),
        ("corpus, last 20 in reverse", corpus[::-1][:20]),
        ("source/ and 10 of the corpus", [*sources, *corpus[5:15]]),
    ]


def report(results: Sequence[Result]) -> str:
    """The Markdown report: one row per pack and style, then the totals by style."""
    lines = [
        "# DOCX contents page numbers against LibreOffice",
        "",
        "Written by `python bench/docx_pages.py`: for each pack and style, how many contents",
        "entries cache a page other than the one LibreOffice 7.4 lays the article out on, and",
        "by how much (cached minus LibreOffice's).",
        "",
        "| pack | style | articles | pages | entries that differ | differences |",
        "|---|---|---|---|---|---|",
    ]
    for r in results:
        off = [d for d in r.differences if d]
        spread = ", ".join(f"{d:+d}" for d in sorted(set(off))) or "none"
        lines.append(
            f"| {r.pack} | {r.style} | {len(r.cached)} | {r.pages} | {len(off)} | {spread} |"
        )
    lines += ["", "| style | entries | differ | largest difference |", "|---|---|---|---|"]
    for style in dict.fromkeys(r.style for r in results):
        diffs = [d for r in results if r.style == style for d in r.differences]
        off = [d for d in diffs if d]
        largest = max((abs(d) for d in off), default=0)
        lines.append(f"| {style} | {len(diffs)} | {len(off)} | {largest} |")
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str]) -> int:
    """Measure every pack in every bundled style; print or write the report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="write the report here (default: print it)")
    args = parser.parse_args(argv)
    results = [
        measure(name, inputs, style) for style in bundled_styles() for name, inputs in packs()
    ]
    text = report(results)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
