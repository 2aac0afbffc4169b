"""Where the time goes, per format and per phase: ``make bench-profile`` writes bench/PROFILE.md.

Each workload is a ``briefconv`` command line run in a fresh Python process under
pyinstrument (a sampling profiler: the call stack every millisecond), so start-up counts
where it counts. Every sample is put in one **format**, the innermost writer package on
its stack (PDF, DOCX, EPUB; "outside" for the command line, reading, pack assembly), and
one **phase**, the innermost frame on its stack that a rule of :data:`PHASES` names (an
import stays an import whatever it runs). The tables in PROFILE.md are these sums; the
call trees are written beside them (``build/bench/profile-*.txt``) for digging.

Usage::

    python bench/profile.py              # writes bench/PROFILE.md (about a minute)
    python bench/profile.py --quick --out /tmp/p.md   # tiny workloads: a smoke run

The rules name modules and functions of briefconv, reportlab, python-docx, ebooklib and
fontTools; if the code moves, time lands in the wrong phase or in "other", which the
table shows (``tests/test_bench.py`` checks that every phase still gets time on the
sample and "other" stays small).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SAMPLE = ROOT / "source" / "istanbul-talks.txt"
INTERVAL = 0.001  # seconds between samples
FORMATS = ("PDF", "DOCX", "EPUB", "outside")
OUTSIDE = "outside"
IMPORT = "start-up (imports)"
OTHER = "other"
TYPESET = "typeset"

#: Innermost writer package on the stack -> format. The HTML writer's code is the EPUB's.
WRITER_PACKAGES = (
    ("/briefconv/writers/pdf/", "PDF"),
    ("/briefconv/writers/docx/", "DOCX"),
    ("/briefconv/writers/epub/", "EPUB"),
    ("/briefconv/writers/html/", "EPUB"),
)

# reportlab's layout: platypus builds the document and flows it into frames; flowables
# (reportlab's and briefconv's) measure and split themselves.
_BUILD_NAMES = frozenset(["build", "multiBuild", "handle_flowable", "handle_frameEnd"])
_FLOW_NAMES = frozenset(
    ["wrap", "wrapOn", "split", "splitOn", "breakLines", "_breakLines", "breakLinesCJK"]
)
_PDF_CODE = ("/reportlab/", "/briefconv/writers/pdf/")
# zlib's functions as pyinstrument names C functions (file "<built-in>").
_ZLIB = frozenset(
    [
        "compress",
        "decompress",
        "crc32",
        "adler32",
        "compressobj",
        "decompressobj",
        "Compress.compress",
        "Compress.flush",
        "Decompress.decompress",
        "Decompress.flush",
    ]
)


def _in(path: str, parts: Iterable[str]) -> bool:
    return any(part in path for part in parts)


#: (phase, what it covers, rule(function, file) -> bool), in order: the first rule that
#: names a frame gives its phase; a frame no rule names keeps its caller's phase. Frames
#: of a writer package whose caller is in no phase yet start "typeset".
PHASES: tuple[tuple[str, str, Callable[[str, str], bool]], ...] = (
    (
        IMPORT,
        "importing modules (Python, briefconv, reportlab, python-docx, ebooklib, fontTools)",
        lambda fn, path: fn == "_find_and_load" and path.startswith("<frozen importlib"),
    ),
    (
        "zip & compress",
        "zlib (PDF streams), zipfile (DOCX, EPUB), briefconv's zip normalisation",
        lambda fn, path: (
            (path == "<built-in>" and fn in _ZLIB)
            or path.endswith(("/zipfile.py", "/zipfile/__init__.py", "/briefconv/writers/_zip.py"))
        ),
    ),
    (
        "font subsetting",
        "the PDF's: reportlab giving each drawn character a code in a subset (splitString) "
        "and writing the subsets; the DOCX's embedded faces: which characters each face "
        "draws (used_faces), fontTools subsets, obfuscation",
        lambda fn, path: (
            "/fontTools/" in path
            or path.endswith("/briefconv/writers/docx/_fonts.py")
            or (
                path.endswith("/reportlab/pdfbase/ttfonts.py")
                and ("subset" in fn.lower() or fn == "splitString")
            )
        ),
    ),
    (
        "fonts & hyphenation: load",
        "parsed fonts and hyphenation patterns from the on-disk cache, or parsed afresh",
        lambda fn, path: (
            path.endswith("/briefconv/_cache.py")
            or (
                path.endswith("/briefconv/fonts/metrics.py")
                and fn in ("_register", "_load_font", "_font_from_state", "_font_state")
            )
            or ("/pyphen/" in path and fn in ("__init__", "__new__"))
        ),
    ),
    (
        TYPESET,
        "",  # the table of phases says what typeset covers (writers' code starts there too)
        lambda fn, path: path.endswith("/briefconv/typography.py"),
    ),
    (
        "read",
        "reading and parsing the input (readers, markdown-it, YAML front matter)",
        lambda fn, path: (
            _in(path, ("/briefconv/readers/", "/markdown_it/", "/yaml/"))
            or (path.endswith("/briefconv/_io.py") and fn.startswith("read"))
        ),
    ),
    (
        "write/serialize",
        "PDF drawing and objects (reportlab pdfgen, pdfdoc); DOCX and EPUB parts to bytes "
        "(python-docx's save, lxml's tostring, ebooklib's writer); files written",
        lambda fn, path: (
            (_in(path, _PDF_CODE) and (fn.startswith("draw") or fn in ("_drawOn", "showPage")))
            or _in(path, ("/reportlab/pdfgen/", "/reportlab/pdfbase/pdfdoc.py"))
            or ("/docx/" in path and fn in ("save", "serialize_part_xml"))
            or (
                path.endswith("/ebooklib/epub.py")
                and (fn == "write_epub" or fn.startswith("_write"))
            )
            or (path == "<built-in>" and fn in ("tostring", "fsync"))
            or (path.endswith("/briefconv/_io.py") and fn.startswith("write"))
        ),
    ),
    (
        "layout",
        "PDF line breaking and pagination (reportlab platypus: build, wrap, split)",
        lambda fn, path: (
            ("/reportlab/platypus/" in path and fn in _BUILD_NAMES)
            or (_in(path, _PDF_CODE) and fn in _FLOW_NAMES)
        ),
    ),
)
PHASE_NAMES = (
    IMPORT,
    "read",
    TYPESET,
    "layout",
    "write/serialize",
    "font subsetting",
    "fonts & hyphenation: load",
    "zip & compress",
    OTHER,
)
#: What each phase covers, for the report.
PHASE_NOTES = {
    **{name: note for name, note, _ in PHASES if note},
    TYPESET: "smart punctuation (`typography.py`); model to document: the PDF's story "
    "(paragraph markup, hyphenation, styles, structure elements), the DOCX's XML "
    "(python-docx, lxml), the EPUB's XHTML and CSS: a writer's code outside the other phases",
    OTHER: "outside the writers and the phases above: the command line, pack assembly, the model",
}


@cache
def _frame(info: str) -> tuple[str, str]:
    """A pyinstrument frame record's function name and file."""
    identifier = info.split("\x01", 1)[0]
    parts = identifier.split("\x00")
    return parts[0], parts[1] if len(parts) > 1 else ""


@cache
def _qualified(info: str) -> str:
    """The function's name with its class, if pyinstrument recorded one (``Class.name``)."""
    fn, _ = _frame(info)
    classes = [a[1:] for a in info.split("\x01")[1:] if a.startswith("c")]
    return f"{classes[0]}.{fn}" if classes and "." not in fn else fn


@cache
def _format_of(path: str) -> str | None:
    for part, fmt in WRITER_PACKAGES:
        if part in path:
            return fmt
    return None


@cache
def _phase_of(fn: str, path: str) -> str | None:
    for name, _, rule in PHASES:
        if rule(fn, path):
            return name
    return None


def classify(stack: Sequence[str]) -> tuple[str, str]:
    """The format and phase of one sample, from its call stack (outermost frame first)."""
    fmt, phase = OUTSIDE, OTHER
    for info in stack:
        fn, path = _frame(info)
        found = _format_of(path)
        if found is not None:
            fmt = found
            if phase == OTHER:
                phase = TYPESET
        if phase == IMPORT:
            continue  # what an import runs is start-up
        named = _phase_of(fn, path)
        if named is not None:
            phase = named
    return fmt, phase


def _short(path: str) -> str:
    for marker in ("/site-packages/", "/src/", "/lib/python3."):
        if marker in path:
            tail = path.split(marker, 1)[1]
            return tail.split("/", 1)[1] if marker == "/lib/python3." else tail
    return path


def summarise(records: Iterable[tuple[Sequence[str], float]]) -> dict[str, Any]:
    """Seconds per (format, phase) and the heaviest functions (self time) of a profile."""
    cells: defaultdict[tuple[str, str], float] = defaultdict(float)
    leaves: defaultdict[tuple[str, str, str, str], float] = defaultdict(float)
    for stack, seconds in records:
        if not stack:
            continue
        fmt, phase = classify(stack)
        cells[fmt, phase] += seconds
        _, path = _frame(stack[-1])
        leaves[_qualified(stack[-1]), _short(path), fmt, phase] += seconds
    return {
        "cells": [[fmt, phase, t] for (fmt, phase), t in sorted(cells.items())],
        "top": [[*key, t] for key, t in sorted(leaves.items(), key=lambda kv: -kv[1])[:12]],
    }


def child(target: Path, tree: Path, interval: float, argv: list[str]) -> int:
    """Run ``briefconv ARGV`` in this process under pyinstrument; write the sums as JSON.

    ``interval`` is the seconds between samples (the tests sample finer, to see the short
    phases of one article every time).
    """
    from pyinstrument import Profiler

    profiler = Profiler(interval=interval)
    profiler.start()
    from briefconv.cli import main as briefconv_main  # imports are part of the profile

    code: Any = 0
    try:
        briefconv_main(argv)
    except SystemExit as exc:
        code = exc.code
    session = profiler.stop()
    if code not in (0, None):
        print(f"briefconv {' '.join(argv)} exited with {code}", file=sys.stderr)
        return 1
    tree.write_text(profiler.output_text(unicode=True, color=False), encoding="utf-8")
    result = summarise(session.frame_records)
    result["profiled"] = session.duration
    target.write_text(json.dumps(result), encoding="utf-8")
    return 0


@dataclass
class Workload:
    """A command line to profile, and what it stands for."""

    key: str
    title: str
    argv: list[str]
    profile: dict[str, Any] | None = None
    real: float = 0.0  # median wall time of the same command, not profiled


def _run(argv: list[str], out: Path) -> float:
    shutil.rmtree(out, ignore_errors=True)
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "briefconv", "-q", *argv],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - start


def measure(work: Path, workload: Workload, out: Path, reps: int) -> None:
    """Profile ``workload`` in a child process, then time it unprofiled ``reps`` times."""
    target, tree = work / f"profile-{workload.key}.json", work / f"profile-{workload.key}.txt"
    shutil.rmtree(out, ignore_errors=True)
    subprocess.run(
        [
            sys.executable,
            __file__,
            "--child",
            str(target),
            str(tree),
            str(INTERVAL),
            "-q",
            *workload.argv,
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    workload.profile = json.loads(target.read_text(encoding="utf-8"))
    workload.real = statistics.median(_run(workload.argv, out) for _ in range(reps))
    print(f"{workload.key}: {workload.real:.2f} s, call tree in {tree}", file=sys.stderr)


def _pct(seconds: float, total: float) -> str:
    share = 100 * seconds / total
    return "·" if share < 0.05 else f"{share:.1f}"


def table(profile: dict[str, Any]) -> list[str]:
    """Phases down, formats across, each cell a percentage of the profiled time."""
    cells: dict[tuple[str, str], float] = {(f, p): t for f, p, t in profile["cells"]}
    total = sum(cells.values())
    rows = [
        "| Phase | " + " | ".join(FORMATS) + " | All |",
        "|---|" + "---:|" * (len(FORMATS) + 1),
    ]
    for phase in PHASE_NAMES:
        line = [cells.get((fmt, phase), 0.0) for fmt in FORMATS]
        if sum(line) == 0:
            continue
        rows.append(
            f"| {phase} | "
            + " | ".join(_pct(t, total) for t in line)
            + f" | **{_pct(sum(line), total)}** |"
        )
    columns = [sum(cells.get((fmt, p), 0.0) for p in PHASE_NAMES) for fmt in FORMATS]
    rows.append(
        "| **All** | " + " | ".join(f"**{_pct(t, total)}**" for t in columns) + " | **100** |"
    )
    return rows


def biggest(profile: dict[str, Any], n: int = 3) -> str:
    """The ``n`` largest cells of the table, in words."""
    cells = sorted(profile["cells"], key=lambda c: -c[2])
    total = sum(c[2] for c in cells)
    return ", ".join(
        f"{fmt if fmt != OUTSIDE else 'outside the writers'}, {phase}: {_pct(t, total)} %"
        for fmt, phase, t in cells[:n]
    )


def top_table(profile: dict[str, Any], total: float) -> list[str]:
    """The functions the samples ended in most often (self time)."""
    rows = ["| Function | File | Format | Phase | % |", "|---|---|---|---|---:|"]
    for fn, path, fmt, phase, seconds in profile["top"][:8]:
        rows.append(f"| `{fn}` | `{path}` | {fmt} | {phase} | {_pct(seconds, total)} |")
    return rows


def _version(dist: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "not installed"


def report(workloads: list[Workload], command: str, elapsed: float) -> str:
    """PROFILE.md: what was profiled, the rules, and a table per workload."""
    commit = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    lines = [
        "# Where the time goes",
        "",
        "Written by `bench/profile.py` (`make bench-profile`); the timings themselves are in "
        "[RESULTS.md](RESULTS.md). Each workload ran in a fresh process under pyinstrument, "
        f"sampling the call stack every {INTERVAL * 1000:g} ms. A cell is the share of the "
        "workload's profiled time spent in that phase of that format (· under 0.05 %); "
        "*outside* is everything not under a writer: the command line, reading, building "
        "the pack. The profiler slows Python code more than C code, so read the shares, "
        "not the seconds; the real wall time is given beside each table.",
        "",
        f"- Command: `{command}` ({elapsed / 60:.1f} minutes), commit `{commit or '?'}`",
        f"- Python {platform.python_version()}, {os.cpu_count()} CPUs; reportlab "
        f"{_version('reportlab')}, python-docx {_version('python-docx')}, ebooklib "
        f"{_version('ebooklib')}, fontTools {_version('fonttools')}, pyinstrument "
        f"{_version('pyinstrument')}",
        "",
        "| Phase | What it covers |",
        "|---|---|",
        *(f"| {name} | {PHASE_NOTES[name]} |" for name in PHASE_NAMES),
        "",
    ]
    for w in workloads:
        assert w.profile is not None
        total = sum(t for _, _, t in w.profile["cells"])
        lines += [
            f"## {w.title}",
            "",
            f"`briefconv {_shown(w.argv)}`: {w.real:.2f} s real, "
            f"{w.profile['profiled']:.2f} s profiled.",
            "",
            *table(w.profile),
            "",
            "Largest: " + biggest(w.profile) + ".",
            "",
            "The heaviest functions (self time, the stack's innermost frame):",
            "",
            *top_table(w.profile, total),
            "",
        ]
    lines += [
        "The profile before this round's changes, and the levers it led to (lazy imports, "
        "caches, one PDF layout, the DOCX's own counters, `--jobs`): `git show "
        "7144530:bench/PROFILE.md`.",
        "",
    ]
    return "\n".join(lines)


def _shown(argv: Sequence[str]) -> str:
    """A command line as the report shows it: files by name, a long run of them cut."""
    words = [Path(a).name if "/" in a else a for a in argv]
    inputs = [i for i, a in enumerate(argv) if Path(a).suffix in (".txt", ".md")]
    if len(inputs) > 2:
        first, last = inputs[0], inputs[-1]
        words[first : last + 1] = [f"{words[first]} … {words[last]} ({len(inputs)} files)"]
    return " ".join(words)


def _argv_text(paths: Sequence[Path]) -> list[str]:
    return [str(p) for p in paths]


def main(argv: Sequence[str] | None = None) -> int:
    """Profile the workloads and write PROFILE.md."""
    args_in = list(sys.argv[1:] if argv is None else argv)
    if args_in[:1] == ["--child"]:
        return child(Path(args_in[1]), Path(args_in[2]), float(args_in[3]), args_in[4:])
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny workloads: a smoke run")
    parser.add_argument("--work", type=Path, default=Path("build/bench"))
    parser.add_argument("--out", type=Path, default=HERE / "PROFILE.md")
    parser.add_argument("--pack", type=int, default=None, help="pack size (default 300)")
    parser.add_argument("--batch", type=int, default=None, help="batch size (default 20)")
    args = parser.parse_args(args_in)
    # A script beside this one; imported here, so that loading this module (the tests do)
    # leaves sys.path alone: bench/ first on it would make this file stdlib's `profile`.
    sys.path.insert(0, str(HERE))
    from corpus import write_corpus

    n_pack = args.pack or (3 if args.quick else 300)
    n_batch = args.batch or (2 if args.quick else 20)
    started = time.perf_counter()
    work = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    corpus = write_corpus(max(n_pack, n_batch), 2026, work / "profile-corpus")
    copies = work / "profile-copies"
    shutil.rmtree(copies, ignore_errors=True)
    copies.mkdir()
    for i in range(1, n_pack + 1):
        shutil.copyfile(SAMPLE, copies / f"{SAMPLE.stem}-{i:03d}.txt")
    sample_copies = sorted(copies.iterdir())
    out = work / "profile-out"
    three = ["-t", "docx,pdf,epub", "-o", str(out)]
    workloads = [
        Workload(
            "sample",
            f"The sample ({SAMPLE.name}) to three formats, one process (`--jobs 1`: by "
            "default the PDF and EPUB render in a forked process the profiler does not see)",
            ["convert", str(SAMPLE), "--jobs", "1", *three],
        ),
        Workload(
            "batch",
            f"{n_batch} corpus articles to three formats, one process (`--jobs 1`)",
            ["convert", *_argv_text(corpus.paths[:n_batch]), "--jobs", "1", *three],
        ),
        Workload(
            "sample-pack",
            f"A pack of {n_pack} copies of the sample, three formats",
            ["pack", *_argv_text(sample_copies), "-t", "docx,pdf,epub", "-o", str(out / "pack")],
        ),
        Workload(
            "corpus-pack",
            f"A pack of {n_pack} corpus articles, three formats",
            [
                "pack",
                *_argv_text(corpus.paths[:n_pack]),
                "-t",
                "docx,pdf,epub",
                "-o",
                str(out / "pack"),
            ],
        ),
    ]
    for w in workloads:
        # Short runs are noisy: the median of three; long ones once.
        measure(work, w, out, 3 if w.key == "sample" else 1)
    given = " ".join(["python bench/profile.py", *args_in])
    args.out.write_text(report(workloads, given, time.perf_counter() - started), encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
