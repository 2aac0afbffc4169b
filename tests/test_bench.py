"""The benchmark still works: its corpus is deterministic and realistic, pandoc reads the
same articles briefconv does, a quick run of every case against pandoc + Typst writes a
complete report, and the profile's rules still sort the sample's time into its phases.
Timings are not asserted: speed is judged by ``make bench`` on a quiet machine, not by the
test suite."""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

import briefconv
from briefconv import BulletList, Heading, OrderedList, Quote, serialize

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


corpus = _load("corpus")
profile = _load("profile")
SAMPLE = ROOT / "source" / "istanbul-talks.txt"


def test_corpus_is_the_same_for_the_same_seed(tmp_path: Path) -> None:
    first = corpus.write_corpus(12, 7, tmp_path / "a")
    again = corpus.write_corpus(12, 7, tmp_path / "b")
    other = corpus.write_corpus(12, 8, tmp_path / "c")
    assert [p.read_bytes() for p in first.paths] == [p.read_bytes() for p in again.paths]
    assert [p.read_bytes() for p in first.paths] != [p.read_bytes() for p in other.paths]


def test_corpus_articles_are_realistic(tmp_path: Path) -> None:
    made = corpus.write_corpus(30, 2026, tmp_path)
    assert all(380 <= n <= 1600 for n in made.words), made.words
    assert 3 <= made.cyrillic <= 20  # about a third quote Cyrillic
    kinds: set[type] = set()
    for path in made.paths:
        article = briefconv.read_file(path)
        assert article.meta.title and article.meta.authors and article.meta.date
        kinds |= {type(block) for block in article.blocks}
    assert {Heading, Quote, BulletList, OrderedList} <= kinds


def test_pandoc_gets_the_same_articles_as_markdown(tmp_path: Path) -> None:
    # The peer reads Markdown made from briefconv's reading of the sample (plain text, which
    # pandoc has no reader for) and of the corpus: read back, it is the same article.
    articles = [SAMPLE, *corpus.write_corpus(12, 2026, tmp_path).paths]
    for path in articles:
        article = briefconv.read_file(path)
        model = json.loads(serialize.to_json(article))
        markdown = corpus.markdown_from_model(model, article.meta.title)
        again = briefconv.read_string(markdown, name="peer.md")
        assert again.meta.title == article.meta.title, path
        assert again.blocks == article.blocks, path
    assert corpus.word_count(SAMPLE.read_text(encoding="utf-8")) == 540


def _stack(*frames: tuple[str, str]) -> list[str]:
    return [f"{fn}\x00{path}\x0012" for fn, path in frames]


def test_profile_sorts_a_stack_by_its_innermost_writer_and_phase() -> None:
    cli = ("main", "/src/briefconv/cli.py")
    pdf = ("PdfWriter.write_pack", "/src/briefconv/writers/pdf/__init__.py")
    docx = ("write_document", "/src/briefconv/writers/docx/_layout.py")
    imp = ("_find_and_load", "<frozen importlib._bootstrap>")
    build = ("build", "/site-packages/reportlab/platypus/doctemplate.py")
    # The story builder's build is typesetting; reportlab's is layout; drawing is writing.
    story = ("build", "/src/briefconv/writers/pdf/_story.py")
    assert profile.classify(_stack(cli, pdf, story)) == ("PDF", "typeset")
    assert profile.classify(_stack(cli, pdf, build)) == ("PDF", "layout")
    draw = ("drawOn", "/site-packages/reportlab/platypus/flowables.py")
    zlib = ("compress", "<built-in>")
    assert profile.classify(_stack(cli, pdf, build, draw)) == ("PDF", "write/serialize")
    assert profile.classify(_stack(cli, pdf, build, draw, zlib)) == ("PDF", "zip & compress")
    # The DOCX asking the PDF writer for its contents' pages: PDF time.
    assert profile.classify(_stack(cli, docx, pdf, build)) == ("PDF", "layout")
    # What an import runs is start-up, whatever it is.
    assert profile.classify(_stack(cli, docx, imp, build, zlib)) == ("DOCX", "start-up (imports)")
    read = ("read", "/src/briefconv/readers/text.py")
    assert profile.classify(_stack(cli, read)) == ("outside", "read")
    assert profile.classify(_stack(cli)) == ("outside", "other")


def test_profile_of_the_sample_has_every_phase(tmp_path: Path) -> None:
    # The rules name briefconv's and its libraries' modules; when code moves, time falls
    # into the wrong phase or "other". On the sample every phase and format gets time.
    # Sampled every 0.2 ms (the report: 1 ms) so the phases of one article show every time.
    target, tree = tmp_path / "p.json", tmp_path / "p.txt"
    # --jobs 1: the profiler sees this process only, and by default the PDF and EPUB would
    # render in a forked one.
    out = str(tmp_path / "out")
    argv = ["convert", str(SAMPLE), "-j", "1", "-t", "docx,pdf,epub", "-o", out]
    proc = subprocess.run(
        [
            sys.executable,
            str(BENCH / "profile.py"),
            "--child",
            str(target),
            str(tree),
            "0.0002",
            *argv,
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert {p.suffix for p in (tmp_path / "out").iterdir()} == {".docx", ".pdf", ".epub"}
    result = json.loads(target.read_text(encoding="utf-8"))
    cells = {(fmt, phase): t for fmt, phase, t in result["cells"]}
    total = sum(cells.values())
    by_format = {f: sum(t for (fmt, _), t in cells.items() if fmt == f) for f in profile.FORMATS}
    by_phase = {p: sum(t for (_, ph), t in cells.items() if ph == p) for p in profile.PHASE_NAMES}
    assert all(t > 0 for t in by_format.values()), by_format
    for phase in profile.PHASE_NAMES:
        if phase != "other":
            assert by_phase[phase] > 0, (phase, cells)
    assert cells.get(("PDF", "layout"), 0) > 0, cells
    assert cells.get(("DOCX", "typeset"), 0) > 0 and cells.get(("EPUB", "typeset"), 0) > 0
    assert cells.get(("outside", "read"), 0) > 0, cells
    assert by_phase["other"] < 0.1 * total, cells
    # The report's table: one row per phase with time, percentages adding up to 100.
    workload = profile.Workload("sample", "The sample", argv, result, 0.5)
    text = profile.report([workload], "python bench/profile.py", 1.0)
    rows = [line for line in text.splitlines() if line.startswith("| typeset |")]
    assert len(rows) == 2, text  # the phases' key and the workload's table
    shares = [float(c) for c in rows[1].strip("|").split("|")[1:5] if c.strip() != "·"]
    assert 0 < sum(shares) < 100
    assert "| **All** |" in text and str(SAMPLE.name) in text


@pytest.mark.slow
def test_quick_benchmark_run_writes_every_case(tmp_path: Path) -> None:
    out = tmp_path / "RESULTS.md"
    proc = subprocess.run(
        [
            sys.executable,
            str(BENCH / "run.py"),
            "--quick",
            "--out",
            str(out),
            "--work",
            str(tmp_path / "work"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    text = out.read_text(encoding="utf-8")
    for heading in (
        "## Targets",
        "## Case 1",
        "## Case 2",
        "## Case 3",
        "## Case 4",
        "## Case 5",
        "## Byte-identical outputs",
    ):
        assert heading in text
    assert "pandoc 3." in text and "typst" in text.lower()
    # Issue 19's targets, each with a verdict.
    targets = text.split("## Targets", 1)[1].split("## Case 1", 1)[0]
    for target in (
        "1. The sample to DOCX + PDF + EPUB",
        "2. 4 copies of the sample, one `briefconv convert`",
        "3. Pack of 4 copies of the sample, three formats, PDF tagged",
        "≤ 200 MB peak",
        "Byte-identical outputs",
        "5. Tagged PDF against untagged",
    ):
        row = next((line for line in targets.splitlines() if target in line), None)
        assert row is not None, (target, targets)
        assert row.rstrip().endswith(("| met |", "| **not met** |", "| — |")), row
    # Every case has briefconv's ratio to the peer, as a number: case 1's two articles and
    # first run, case 2's three briefconv runs, three packs, two start-ups, two tagged PDFs.
    ratios = re.findall(r"\| \*\*(\d+\.\d\d)\*\* \|", text)
    assert len(ratios) >= 13, text
    # Case 1 also gives briefconv in one process and the peer's runs at once, and the
    # formats rendered at once wrote the bytes of one process.
    assert "In one process (`--jobs 1`) the ratio is" in text
    assert "the sample: pandoc ×3 + typst, at once" in text
    assert "| the sample: formats at once = `--jobs 1` | yes |" in text, text
    # The outputs it timed are real files of each format.
    written = tmp_path / "work" / "c1-sample-bc"
    assert {p.suffix for p in written.iterdir()} == {".docx", ".pdf", ".epub"}
    # The tagged PDF is tagged and the untagged one is not (the run checks it), and tagging
    # makes the file larger.
    tagged = (tmp_path / "work" / "c5-sample-tagged" / "istanbul-talks.pdf").read_bytes()
    untagged = (tmp_path / "work" / "c5-sample-untagged" / "istanbul-talks.pdf").read_bytes()
    assert b"/StructTreeRoot" in tagged and b"/StructTreeRoot" not in untagged
    assert len(tagged) > len(untagged)
    # Same bytes on every run, from the pool as from one process, with a cold cache as with
    # a warm one; only the comparison with tests/baseline.sha256 may differ (it records
    # whatever commit last re-recorded it).
    identity = text.split("## Byte-identical outputs", 1)[1]
    checks = [
        line for line in identity.splitlines() if line.startswith("| ") and "|---" not in line
    ]
    assert len(checks) >= 10, identity
    for line in checks[1:]:
        if "baseline" not in line:
            assert "| yes |" in line, line
