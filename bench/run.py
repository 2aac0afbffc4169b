"""The briefconv benchmark: every case side by side with pandoc 3 + Typst, in one run.

``make bench`` runs this script; it writes ``bench/RESULTS.md``. Each case runs both
tools on the same articles (the sample, ``source/istanbul-talks.txt``, and copies of it;
and a seeded corpus made by :mod:`corpus`), alternating the tools repetition by
repetition so that both see the same machine state, and reports the median wall time, the
spread, peak memory and the ratio briefconv / peer (below 1.0 means briefconv is faster).
The cases: (1) one article to three formats, (2) a batch in one call against a loop,
(3) packs, (4) start-up, (5) the tagged PDF against an untagged one; then whether every
run wrote the same bytes, and the sample the bytes ``tests/baseline.sha256`` records.

Memory is measured two ways: the largest single process (``ru_maxrss`` of the command and
its waited-for children, from ``wait4``) and the whole process tree summed, sampled every
20 ms from ``/proc`` (a process pool or a shell loop holds several processes at once).

Usage::

    python bench/run.py                 # full run, writes bench/RESULTS.md (about 10 minutes)
    python bench/run.py --quick --out /tmp/r.md   # tiny sizes, one repetition: a smoke run
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from corpus import (  # noqa: E402  (a script beside this one)
    Corpus,
    markdown_from_model,
    word_count,
    write_corpus,
)

_PAGE = os.sysconf("SC_PAGE_SIZE")
ROOT = HERE.parent
#: The sample article: issue 19's targets are set on it and on copies of it.
SAMPLE = ROOT / "source" / "istanbul-talks.txt"
#: The byte record of every output ``tests/baseline.py`` renders, and the clock it pins.
BASELINE = ROOT / "tests" / "baseline.sha256"
BASELINE_EPOCH = "1780000000"
FORMATS = ("docx", "pdf", "epub")


class BenchError(Exception):
    """A benchmarked command failed: the run is void."""


@dataclass(frozen=True)
class Sample:
    """One timed run of one command."""

    wall: float  # seconds
    cpu: float  # user + system seconds of the command and its children
    rss_kb: int  # largest single process
    tree_kb: int  # all processes of the command at once (sampled)


def _children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/children") as fh:
                found += [int(c) for c in fh.read().split()]
        except OSError:
            pass
    return found


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm") as fh:
            return int(fh.read().split()[1]) * _PAGE // 1024
    except (OSError, IndexError, ValueError):
        return 0


class _TreeSampler(threading.Thread):
    """Sums the resident memory of a process and all its descendants every 20 ms."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_kb = 0
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.is_set():
            total, todo, seen = 0, [self.pid], set()
            while todo:
                pid = todo.pop()
                if pid in seen:
                    continue
                seen.add(pid)
                total += _rss_kb(pid)
                todo += _children(pid)
            self.peak_kb = max(self.peak_kb, total)
            self._halt.wait(0.02)

    def stop(self) -> None:
        self._halt.set()
        self.join()


def measure(
    argv: Sequence[str], *, cwd: Path, log: Path, env: dict[str, str] | None = None
) -> Sample:
    """Run ``argv`` once; its wall time and peak memory. Raises BenchError if it fails."""
    with open(log, "wb") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(
            list(argv),
            cwd=cwd,
            env=None if env is None else {**os.environ, **env},
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
        sampler = _TreeSampler(proc.pid)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        sampler.stop()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        tail = log.read_text(errors="replace").strip().splitlines()[-3:]
        raise BenchError(f"{shlex.join(argv)} exited with {proc.returncode}: {' | '.join(tail)}")
    cpu = usage.ru_utime + usage.ru_stime
    return Sample(wall, cpu, usage.ru_maxrss, max(sampler.peak_kb, usage.ru_maxrss))


@dataclass(eq=False)
class Variant:
    """One way of doing a case's job: a tool and the command that runs it."""

    name: str
    argv: list[str]
    samples: list[Sample] = field(default_factory=list)
    clean: Path | None = None  # emptied before every run, outside the timing
    env: dict[str, str] | None = None  # added to the environment
    peer: Variant | None = None  # what the ratio column divides by
    digest: bool = False  # hash the files written in ``clean`` after every run
    digests: list[dict[str, str]] = field(default_factory=list)

    @property
    def wall(self) -> float:
        """Median wall time in seconds."""
        return statistics.median(s.wall for s in self.samples)

    @property
    def cpu(self) -> float:
        """Median CPU time (user + system, all processes) in seconds."""
        return statistics.median(s.cpu for s in self.samples)

    @property
    def rss_mb(self) -> float:
        """Median peak memory of the largest process, MiB."""
        return statistics.median(s.rss_kb for s in self.samples) / 1024

    @property
    def tree_mb(self) -> float:
        """Median peak memory of all processes together, MiB."""
        return statistics.median(s.tree_kb for s in self.samples) / 1024


def digest_folder(folder: Path) -> dict[str, str]:
    """The sha256 of every file directly in ``folder`` (not in its subfolders: caches)."""
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
        if p.is_file()
    }


def run_side_by_side(
    variants: list[Variant], reps: int, work: Path, say: Callable[[str], None]
) -> None:
    """Run every variant ``reps`` times, interleaved: A B C, A B C, ..."""
    for rep in range(1, reps + 1):
        for v in variants:
            if v.clean is not None:
                shutil.rmtree(v.clean, ignore_errors=True)
                v.clean.mkdir(parents=True)
            sample = measure(v.argv, cwd=work, log=work / "last-stderr.txt", env=v.env)
            v.samples.append(sample)
            if v.digest and v.clean is not None:
                v.digests.append(digest_folder(v.clean))  # outside the timing
            say(f"  {v.name} [{rep}/{reps}]: {sample.wall:.3f} s, {sample.tree_kb / 1024:.0f} MiB")


@dataclass
class Tools:
    """Paths of everything the benchmark runs."""

    briefconv: str
    pandoc: str
    python: str
    typst_compile: str
    jobs: int


def find_tools(jobs: int) -> Tools:
    """Locate briefconv, pandoc (pypandoc-binary) and the Typst compiler (PyPI typst)."""
    bindir = Path(sys.executable).parent
    briefconv = shutil.which("briefconv", path=str(bindir)) or shutil.which("briefconv")
    try:
        import pypandoc
        import typst  # noqa: F401  (only checked here; bench/typst_compile.py uses it)

        pandoc = pypandoc.get_pandoc_path()
    except (ImportError, OSError) as exc:
        raise BenchError(
            f"{exc}: install the benchmark tools with: pip install -e '.[bench]'"
        ) from None
    if briefconv is None:
        raise BenchError("briefconv is not installed in this Python: pip install -e .")
    return Tools(briefconv, pandoc, sys.executable, str(HERE / "typst_compile.py"), jobs)


def _sh(path: Path, script: str) -> list[str]:
    """A bash command running ``script``, saved as ``path`` for anyone checking the peer.

    From a file, not ``bash -c``: a 600-command loop is too long for one argument.
    """
    path.write_text(script, encoding="utf-8")
    return ["bash", "-e", str(path)]


def _q(path: Path | str) -> str:
    return shlex.quote(str(path))


def pandoc_one(tools: Tools, article: Path, out: Path, *, at_once: bool = False) -> str:
    """Shell lines: pandoc's three runs for one article (PDF: Markdown -> Typst -> PDF).

    ``at_once``: the DOCX and EPUB runs in the background while the Typst source is written
    and compiled, as a careful script on several CPUs would.
    """
    stem = out / article.stem
    p = _q(tools.pandoc)
    docx = f"{p} {_q(article)} -o {_q(stem)}.docx"
    epub = f"{p} {_q(article)} -o {_q(stem)}.epub"
    pdf = (
        f"{p} {_q(article)} -s -t typst -o {_q(stem)}.typ\n"
        f"{_q(tools.python)} {_q(tools.typst_compile)} {_q(stem)}.typ {_q(stem)}.pdf\n"
    )
    if not at_once:
        return f"{docx}\n{epub}\n{pdf}"
    # Each job's own status: a failed pandoc run fails the script (bash -e).
    return f'{docx} & docx=$!\n{epub} & epub=$!\n{pdf}wait "$docx"\nwait "$epub"\n'


@dataclass(frozen=True)
class SampleArticle:
    """The sample article (``source/istanbul-talks.txt``) and its copies, for both tools.

    briefconv reads the plain text, as its users do; pandoc reads the same article as
    Markdown (:func:`corpus.markdown_from_model` of briefconv's own reading), since it has
    no reader for plain-text articles. Copies are ``istanbul-talks-NNN.txt`` (briefconv
    takes the title from the file name: "Istanbul Talks 001") and ``.md`` with that title.
    """

    text: Path  # the original, read in place: its outputs match tests/baseline.sha256
    markdown: Path
    words: int
    copies: tuple[Path, ...]  # plain text, for briefconv
    copies_md: tuple[Path, ...]  # the same as Markdown, for pandoc

    def head(self, n: int) -> SampleArticle:
        """The same with only the first ``n`` copies."""
        return SampleArticle(
            self.text, self.markdown, self.words, self.copies[:n], self.copies_md[:n]
        )


def write_sample(tools: Tools, n: int, folder: Path) -> SampleArticle:
    """The sample as Markdown, and ``n`` copies of it in both forms, in ``folder``."""
    proc = subprocess.run(
        [tools.briefconv, "inspect", str(SAMPLE), "--json"],
        capture_output=True,
        check=False,
        text=True,
    )
    if proc.returncode != 0:
        raise BenchError(f"briefconv inspect {SAMPLE}: {proc.stderr.strip()[-500:]}")
    model = json.loads(proc.stdout)
    title = model["meta"]["title"]
    folder.mkdir(parents=True)
    markdown = folder / f"{SAMPLE.stem}.md"
    markdown.write_text(markdown_from_model(model, title), encoding="utf-8")
    text_dir, md_dir = folder / "copies", folder / "copies-md"
    text_dir.mkdir()
    md_dir.mkdir()
    copies, copies_md = [], []
    for i in range(1, n + 1):
        name = f"{SAMPLE.stem}-{i:03d}"
        shutil.copyfile(SAMPLE, text_dir / f"{name}.txt")
        (md_dir / f"{name}.md").write_text(
            markdown_from_model(model, f"{title} {i:03d}"), encoding="utf-8"
        )
        copies.append(text_dir / f"{name}.txt")
        copies_md.append(md_dir / f"{name}.md")
    words = word_count(SAMPLE.read_text(encoding="utf-8"))
    return SampleArticle(SAMPLE, markdown, words, tuple(copies), tuple(copies_md))


def _n(count: int, noun: str) -> str:
    """``count`` and ``noun``, plural when it is not 1: "1 run", "3 runs"."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _convert(tools: Tools, inputs: Sequence[Path], out: Path, *extra: str) -> list[str]:
    return [tools.briefconv, "convert", *map(str, inputs), "-o", str(out), *extra]


def case_single(
    tools: Tools,
    corpus: Corpus,
    sample: SampleArticle,
    work: Path,
    reps: int,
    say: Callable[[str], None],
) -> list[Variant]:
    """Case 1: one article to DOCX, PDF and EPUB: the sample, and the corpus's median."""
    middle = sorted(range(len(corpus.words)), key=lambda i: corpus.words[i])[len(corpus.words) // 2]
    article = corpus.paths[middle]
    say(
        f"case 1: the sample ({sample.words} words) and {article.name} "
        f"({corpus.words[middle]} words) to docx, pdf, epub"
    )
    three = ("-t", "docx,pdf,epub")
    keys = ("sample-bc", "sample-pd", "bc", "pd", "cold", "sample-bc1", "sample-pd-par")
    out = {k: work / f"c1-{k}" for k in keys}
    sample_peer = Variant(
        "the sample: pandoc ×3 + typst",
        _sh(work / "c1-sample-pandoc.sh", pandoc_one(tools, sample.markdown, out["sample-pd"])),
        clean=out["sample-pd"],
    )
    median_peer = Variant(
        "median corpus article: pandoc ×3 + typst",
        _sh(work / "c1-pandoc.sh", pandoc_one(tools, article, out["pd"])),
        clean=out["pd"],
    )
    variants = [
        Variant(
            f"the sample: briefconv convert (`--jobs {tools.jobs}`: formats at once)",
            _convert(tools, [sample.text], out["sample-bc"], *three),
            clean=out["sample-bc"],
            # The clock tests/baseline.py pins, so the bytes can be compared with its record
            # (the sample has no date: it would come from the file's modification time).
            env={"SOURCE_DATE_EPOCH": BASELINE_EPOCH},
            peer=sample_peer,
            digest=True,
        ),
        sample_peer,
        Variant(
            f"median corpus article: briefconv convert (`--jobs {tools.jobs}`)",
            _convert(tools, [article], out["bc"], *three),
            clean=out["bc"],
            peer=median_peer,
            digest=True,
        ),
        median_peer,
        # The first run on a machine parses fonts and hyphenation patterns: an empty cache.
        Variant(
            "median corpus article: briefconv, first run (empty cache)",
            _convert(tools, [article], out["cold"], *three),
            clean=out["cold"],
            env={"BRIEFCONV_CACHE_DIR": str(out["cold"] / "cache")},
            peer=median_peer,
            digest=True,
        ),
        # Reported beside the target: briefconv in one process, formats one after another,
        # and the peer's own best case on the same CPUs (its three pandoc runs at once, the
        # Typst compile after the Typst source).
        Variant(
            "the sample: briefconv convert --jobs 1 (one process)",
            _convert(tools, [sample.text], out["sample-bc1"], *three, "--jobs", "1"),
            clean=out["sample-bc1"],
            env={"SOURCE_DATE_EPOCH": BASELINE_EPOCH},
            peer=sample_peer,
            digest=True,
        ),
        Variant(
            "the sample: pandoc ×3 + typst, at once",
            _sh(
                work / "c1-sample-pandoc-par.sh",
                pandoc_one(tools, sample.markdown, out["sample-pd-par"], at_once=True),
            ),
            clean=out["sample-pd-par"],
        ),
    ]
    run_side_by_side(variants, reps, work, say)
    return variants


def _peer_parallel(tools: Tools, articles: Sequence[Path], out: Path, script: Path) -> list[str]:
    """The peer's best case: pandoc on every CPU, Typst batched one process per CPU.

    Each CPU compiles its share of the Typst files in one process (fonts loaded once). Not
    what ``pandoc --pdf-engine=typst`` in a loop does, but what a careful script could.
    """
    p = _q(tools.pandoc)
    commands = script.with_suffix(".txt")
    commands.write_text(
        "".join(
            f"{p} {_q(a)} -o {_q(out / a.stem)}.docx && "
            f"{p} {_q(a)} -o {_q(out / a.stem)}.epub && "
            f"{p} {_q(a)} -s -t typst -o {_q(out / a.stem)}.typ\n"
            for a in articles
        ),
        encoding="utf-8",
    )
    shares = [articles[i :: tools.jobs] for i in range(tools.jobs)]
    typst_cmds = " ".join(
        f"{_q(tools.python)} {_q(tools.typst_compile)} "
        + " ".join(f"{_q(out / a.stem)}.typ {_q(out / a.stem)}.pdf" for a in share)
        + " &"
        for share in shares
        if share
    )
    return _sh(
        script,
        f"xargs -P {tools.jobs} -d '\\n' -I CMD bash -e -c CMD < {_q(commands)}\n"
        f"{typst_cmds} wait\n",
    )


def case_batch(
    tools: Tools,
    sample: SampleArticle,
    corpus: Corpus,
    work: Path,
    reps: int,
    say: Callable[[str], None],
) -> list[Variant]:
    """Case 2: many articles to three formats, one call against a loop of pandoc runs.

    First the sample's copies (issue 19's target), with ``--jobs 1`` and the peer's best
    case beside them; then the first corpus articles (``--articles``), against the loop only.
    """
    n, m = len(sample.copies), len(corpus.paths)
    say(f"case 2: {n} copies of the sample and {_n(m, 'corpus article')} to three formats")
    three = ("-t", "docx,pdf,epub")
    out = {k: work / f"c2-{k}" for k in ("bc", "loop", "bc1", "par", "corpus-bc", "corpus-loop")}
    loop = Variant(
        f"{n} copies: pandoc loop (3 runs + typst per article)",
        _sh(
            work / "c2-loop.sh",
            "".join(pandoc_one(tools, p, out["loop"]) for p in sample.copies_md),
        ),
        clean=out["loop"],
    )
    par = Variant(
        f"{n} copies: pandoc on {tools.jobs} CPUs, typst batched",
        _peer_parallel(tools, sample.copies_md, out["par"], work / "c2-parallel.sh"),
        clean=out["par"],
    )
    corpus_loop = Variant(
        f"{_n(m, 'corpus article')}: pandoc loop",
        _sh(
            work / "c2-corpus-loop.sh",
            "".join(pandoc_one(tools, p, out["corpus-loop"]) for p in corpus.paths),
        ),
        clean=out["corpus-loop"],
    )
    variants = [
        Variant(
            f"{n} copies: briefconv convert --jobs {tools.jobs}",
            _convert(tools, sample.copies, out["bc"], *three, "--jobs", str(tools.jobs)),
            clean=out["bc"],
            peer=loop,
            digest=True,
        ),
        loop,
        Variant(
            f"{n} copies: briefconv convert --jobs 1",
            _convert(tools, sample.copies, out["bc1"], *three, "--jobs", "1"),
            clean=out["bc1"],
            peer=loop,
            digest=True,
        ),
        par,
        Variant(
            f"{_n(m, 'corpus article')}: briefconv convert --jobs {tools.jobs}",
            _convert(tools, corpus.paths, out["corpus-bc"], *three, "--jobs", str(tools.jobs)),
            clean=out["corpus-bc"],
            peer=corpus_loop,
        ),
        corpus_loop,
    ]
    run_side_by_side(variants, reps, work, say)
    for key, names in (("bc", sample.copies), ("corpus-bc", corpus.paths)):
        missing = [
            f"{p.stem}.{ext}"
            for p in names
            for ext in ("docx", "pdf", "epub")
            if not (out[key] / f"{p.stem}.{ext}").exists()
        ]
        if missing:
            raise BenchError(f"briefconv did not write {len(missing)} files: {missing[:3]}")
    return variants


def _pack_markdown(paths: Sequence[Path], target: Path) -> None:
    """The peer's input: all articles in one Markdown file, each title a level-1 heading."""
    parts = ["---\ntitle: Briefing Pack\nlang: en\n---\n"]
    for path in paths:
        _, front, body = path.read_text(encoding="utf-8").split("---\n", 2)
        title = next(line for line in front.splitlines() if line.startswith("title:"))
        heading = json.loads(title.split(":", 1)[1].strip())
        # Article sections (##) stay below the article's own heading (#).
        parts.append(f"# {heading}\n\n{body}")
    target.write_text("\n".join(parts), encoding="utf-8")


def _pack_pair(
    tools: Tools,
    label: str,
    inputs: Sequence[Path],
    peer_inputs: Sequence[Path],
    key: str,
    work: Path,
) -> list[Variant]:
    """``briefconv pack`` of ``inputs`` and pandoc on ``peer_inputs`` in one Markdown file."""
    out, peer_out = work / f"c3-bc-{key}", work / f"c3-pandoc-{key}"
    peer_in = work / f"c3-pack-{key}.md"
    _pack_markdown(peer_inputs, peer_in)
    p = _q(tools.pandoc)
    peer = Variant(
        f"{label}: pandoc ×3 + typst, in one file",
        _sh(
            work / f"c3-pandoc-{key}.sh",
            f"{p} {_q(peer_in)} --toc -o {_q(peer_out)}/pack.docx\n"
            f"{p} {_q(peer_in)} --toc -o {_q(peer_out)}/pack.epub\n"
            f"{p} {_q(peer_in)} --toc -s -t typst -o {_q(peer_out)}/pack.typ\n"
            f"{_q(tools.python)} {_q(tools.typst_compile)} "
            f"{_q(peer_out)}/pack.typ {_q(peer_out)}/pack.pdf\n",
        ),
        clean=peer_out,
    )
    mine = Variant(
        f"{label}: briefconv pack",
        [
            tools.briefconv,
            "pack",
            *map(str, inputs),
            "-t",
            "docx,pdf,epub",
            "-o",
            str(out / "pack"),
        ],
        clean=out,
        peer=peer,
        digest=True,
    )
    return [mine, peer]


def case_pack(
    tools: Tools,
    corpus: Corpus,
    sample: SampleArticle,
    sizes: tuple[int, int],
    work: Path,
    reps: int,
    say: Callable[[str], None],
) -> list[Variant]:
    """Case 3: a pack of the sample's copies, and of the corpus at two sizes (scaling).

    Packs are three formats, the PDF tagged (the default style's ``[pdf] tagged``).
    """
    n = len(sample.copies)
    say(f"case 3: packs of {n} copies of the sample and of {sizes[0]}, {sizes[1]} articles")
    variants = _pack_pair(
        tools, f"{n} copies of the sample", sample.copies, sample.copies_md, "sample", work
    )
    for size in sizes:
        paths = corpus.paths[:size]
        variants += _pack_pair(tools, _n(size, "corpus article"), paths, paths, str(size), work)
    run_side_by_side(variants, reps, work, say)
    return variants


def case_startup(tools: Tools, work: Path, reps: int, say: Callable[[str], None]) -> list[Variant]:
    """Case 4: start-up: --help and --version."""
    say("case 4: --help and --version")
    pandoc = Variant("pandoc --version", [tools.pandoc, "--version"])
    variants = [
        Variant("briefconv --help", [tools.briefconv, "--help"], peer=pandoc),
        Variant("briefconv --version", [tools.briefconv, "--version"], peer=pandoc),
        pandoc,
        Variant("python -c pass (the floor)", [tools.python, "-c", "pass"]),
    ]
    run_side_by_side(variants, reps, work, say)
    return variants


# The default style with the PDF's structure tree turned off: what tagging costs (issue 18).
UNTAGGED_STYLE = """\
based_on = "default"
name = "untagged"
description = "The default style, its PDF untagged: the benchmark's measure of tagging"

[pdf]
tagged = false
"""


@dataclass
class TagCost:
    """A tagged PDF against the same PDF untagged: both variants and the files' sizes."""

    label: str
    tagged: Variant
    untagged: Variant
    tagged_bytes: int = 0
    untagged_bytes: int = 0


def case_tagging(
    tools: Tools,
    sample: SampleArticle,
    work: Path,
    reps: tuple[int, int],
    say: Callable[[str], None],
) -> list[TagCost]:
    """Case 5: the PDF alone, tagged (the default) and untagged, for the sample and a pack.

    ``reps`` is the handout's repetitions and the pack's.
    """
    n = len(sample.copies)
    say(f"case 5: the tagged PDF's cost, the sample and a pack of {n} copies")
    style = work / "untagged.toml"
    style.write_text(UNTAGGED_STYLE, encoding="utf-8")
    costs: list[TagCost] = []
    jobs = (
        ("the sample, handout", "sample", [tools.briefconv, "convert", str(sample.text)], ""),
        (
            f"{n} copies of the sample, pack",
            "pack",
            [tools.briefconv, "pack", *map(str, sample.copies)],
            "pack",
        ),
    )
    for (label, key, argv, name), count in zip(jobs, reps, strict=True):
        pair = []
        for tagged in (True, False):
            out = work / f"c5-{key}-{'tagged' if tagged else 'untagged'}"
            pair.append(
                Variant(
                    f"{label}: PDF {'tagged (the default)' if tagged else 'untagged'}",
                    [*argv, "-t", "pdf", "-o", str(out / name) if name else str(out)]
                    + ([] if tagged else ["--style", str(style)]),
                    clean=out,
                )
            )
        pair[0].peer = pair[1]
        run_side_by_side(pair, count, work, say)
        cost = TagCost(label, pair[0], pair[1])
        for variant in pair:
            assert variant.clean is not None
            (pdf,) = variant.clean.glob("*.pdf")
            data = pdf.read_bytes()
            # The style key must have done what it says, or the comparison means nothing.
            if (b"/StructTreeRoot" in data) != (variant is cost.tagged):
                raise BenchError(f"{pdf}: not what {variant.name!r} asked for")
            if variant is cost.tagged:
                cost.tagged_bytes = len(data)
            else:
                cost.untagged_bytes = len(data)
        costs.append(cost)
    return costs


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "not installed"


def machine_lines(tools: Tools) -> list[str]:
    """The machine and the versions of everything measured."""
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PHYS_PAGES") * _PAGE / 2**30
    pandoc = subprocess.run(
        [tools.pandoc, "--version"], capture_output=True, text=True, check=True
    ).stdout.splitlines()[0]
    return [
        f"- Machine: {platform.system()} {platform.release()} {platform.machine()}, {cpu}, "
        f"{os.cpu_count()} CPUs ({len(os.sched_getaffinity(0))} usable), {mem:.0f} GiB RAM",
        f"- Python {platform.python_version()}; briefconv {_version('briefconv')} "
        f"(reportlab {_version('reportlab')}, python-docx {_version('python-docx')}, "
        f"ebooklib {_version('ebooklib')}, markdown-it-py {_version('markdown-it-py')})",
        f"- Peer: {pandoc} (pypandoc-binary {_version('pypandoc-binary')}), "
        f"Typst via PyPI typst {_version('typst')}",
    ]


@dataclass(frozen=True)
class Check:
    """One byte-identity check: what was compared, whether it held, and how."""

    what: str
    ok: bool
    detail: str


def _baseline() -> dict[str, str]:
    """``tests/baseline.sha256`` as {output name: sha256}; empty if it is not there."""
    if not BASELINE.exists():
        return {}
    pairs = (line.split(None, 1) for line in BASELINE.read_text().splitlines() if line.strip())
    return {name.strip(): digest for digest, name in pairs}


def identity_checks(
    single: list[Variant], batch: list[Variant], packs: list[Variant]
) -> list[Check]:
    """Whether the timed runs wrote the same bytes every time, and the bytes on record.

    Every variant that hashed its outputs must have written the same files on each run;
    the cache, the process pool and the clock must change nothing (a first run against a
    warm one, ``--jobs N`` against ``--jobs 1``); and the sample's three files must be the
    ones ``tests/baseline.sha256`` records for it (same article, same pinned clock).
    """
    checks: list[Check] = []
    for v in [*single, *batch, *packs]:
        if v.digests:
            distinct = {tuple(sorted(d.items())) for d in v.digests}
            files = len(v.digests[0])
            checks.append(
                Check(
                    f"{v.name}: every run",
                    len(distinct) == 1 and files > 0,
                    f"{_n(len(v.digests), 'run')} × {files} files, "
                    + ("the same bytes" if len(distinct) == 1 else f"{len(distinct)} different"),
                )
            )
    pairs = (
        ("median corpus article: a warm run = a first run (empty cache)", single[2], single[4]),
        ("the sample: formats at once = `--jobs 1`", single[0], single[5]),
        (f"{batch[0].name.split(':')[0]}: `--jobs N` = `--jobs 1`", batch[0], batch[2]),
    )
    for what, first, second in pairs:
        same = first.digests[-1] == second.digests[-1]
        checks.append(
            Check(
                what,
                same,
                f"{len(first.digests[-1])} files, " + ("identical" if same else "different"),
            )
        )
    recorded = _baseline()
    written = single[0].digests[-1]
    names = {fmt: (f"{SAMPLE.stem}.{fmt}", f"{SAMPLE.relative_to(ROOT)}.{fmt}") for fmt in FORMATS}
    differ = [
        fmt for fmt, (mine, theirs) in names.items() if written.get(mine) != recorded.get(theirs)
    ]
    checks.append(
        Check(
            f"the sample's DOCX, PDF and EPUB = `{BASELINE.relative_to(ROOT)}`",
            not differ,
            "all three as recorded"
            if not differ
            else f"{', '.join(differ).upper()} not as recorded (re-record the baseline if the "
            "change was meant: `python tests/baseline.py > tests/baseline.sha256`)",
        )
    )
    return checks


def _table(variants: Sequence[Variant]) -> list[str]:
    rows = [
        "| Command | Runs | Median wall | Min – max | CPU time | Peak RSS, largest process | "
        "Peak RSS, all processes | Ratio to peer |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for v in variants:
        ratio = f"**{v.wall / v.peer.wall:.2f}**" if v.peer else "—"
        walls = [s.wall for s in v.samples]
        rows.append(
            f"| {v.name} | {len(v.samples)} | {v.wall:.3f} s | {min(walls):.3f} – "
            f"{max(walls):.3f} s | {v.cpu:.2f} s | {v.rss_mb:.0f} MiB | {v.tree_mb:.0f} MiB "
            f"| {ratio} |"
        )
    return rows


def _met(ok: bool) -> str:
    return "met" if ok else "**not met**"


def _extra(more: float, less: float, unit: str, scale: float = 1.0) -> str:
    """``more`` against ``less`` as "+x unit (+y %)"."""
    return f"{(more - less) * scale:+.0f} {unit} ({(more / less - 1) * 100:+.1f} %)"


@dataclass
class Results:
    """Everything one run measured, for the report."""

    corpus: Corpus
    sample: SampleArticle
    single: list[Variant]
    batch: list[Variant]
    packs: list[Variant]
    startup: list[Variant]
    tagging: list[TagCost]
    sizes: tuple[int, int]  # the corpus packs
    counts: tuple[int, int, int]  # copies and corpus articles in case 2; copies in packs


def report(tools: Tools, command: str, r: Results, elapsed: float) -> str:
    """RESULTS.md: machine, versions, command, the targets, every case with its ratios."""
    words = sorted(r.corpus.words)
    small, large = r.sizes
    sample_bc, sample_pd, median_bc, median_pd = r.single[:4]
    copies_bc, copies_loop = r.batch[0], r.batch[1]
    sample_pack = r.packs[0]
    pack_small, pack_large = r.packs[2], r.packs[4]
    n_copies, n_corpus, n_pack = r.counts
    per_small = pack_small.wall / small
    per_large = pack_large.wall / large
    r1 = sample_bc.wall / sample_pd.wall
    r1m = median_bc.wall / median_pd.wall
    speedup = copies_loop.wall / copies_bc.wall
    help_v, version_v = r.startup[0], r.startup[1]
    checks = identity_checks(r.single, r.batch, r.packs)
    identical = all(c.ok for c in checks)
    tag_rows = [
        f"{c.label}: time {_extra(c.tagged.wall, c.untagged.wall, 'ms', 1000)}, size "
        f"{_extra(c.tagged_bytes, c.untagged_bytes, 'KiB', 1 / 1024)}"
        for c in r.tagging
    ]
    lines = [
        "# Benchmark results",
        "",
        "briefconv against pandoc 3 with Typst as its PDF engine, on the same articles, in "
        "one run of `bench/run.py`; ratios are briefconv / peer (below 1 means briefconv is "
        "faster). Written by the benchmark itself; see [bench/README.md](README.md) for the "
        "method and [PROFILE.md](PROFILE.md) for where the time goes.",
        "",
        f"- Command: `{command}` ({elapsed / 60:.1f} minutes)",
        *machine_lines(tools),
        f"- The sample: `{SAMPLE.relative_to(ROOT)}`, {r.sample.words} words (briefconv reads "
        "the plain text; pandoc the same article as Markdown, made from briefconv's reading "
        "of it); its copies are `istanbul-talks-NNN.txt` / `.md`",
        f"- Corpus: {len(r.corpus.paths)} articles from `bench/corpus.py` (seeded), "
        f"{words[0]}–{words[-1]} words each (median {words[len(words) // 2]}), "
        f"{r.corpus.cyrillic} quoting Cyrillic",
        f"- Process pool: `--jobs {tools.jobs}` (the number of CPUs)",
        "",
        "## Targets",
        "",
        "Issue 19's, and the earlier pack scaling target; issue 18's tagged-PDF cost is "
        "reported without a target.",
        "",
        "| Case | Target | Measured | |",
        "|---|---|---|---|",
        f"| 1. The sample to DOCX + PDF + EPUB | ≤ 1.0 × pandoc ×3 + Typst | {r1:.2f} "
        f"({sample_bc.wall:.3f} s vs {sample_pd.wall:.3f} s) | {_met(r1 <= 1.0)} |",
        f"| 1. The corpus's median article, the same | ≤ 1.0 × pandoc ×3 + Typst | {r1m:.2f} "
        f"({median_bc.wall:.3f} s vs {median_pd.wall:.3f} s) | {_met(r1m <= 1.0)} |",
        f"| 2. {n_copies} copies of the sample, one `briefconv convert` (`--jobs "
        f"{tools.jobs}`) | ≥ 5× faster than the pandoc loop | {speedup:.1f}× "
        f"({copies_bc.wall:.1f} s vs {copies_loop.wall:.1f} s) | {_met(speedup >= 5)} |",
        f"| 3. Pack of {n_pack} copies of the sample, three formats, PDF tagged | ≤ 5 s | "
        f"{sample_pack.wall:.1f} s | {_met(sample_pack.wall <= 5)} |",
        f"| | ≤ 200 MB peak | {sample_pack.tree_mb:.0f} MiB "
        f"({sample_pack.tree_mb * 2**20 / 1e6:.0f} MB) | "
        f"{_met(sample_pack.tree_mb * 2**20 <= 200e6)} |",
        f"| 3. Corpus packs: time per article at {large} | ≤ 1.25 × at {small} | "
        f"{per_large * 1000:.0f} ms vs {per_small * 1000:.0f} ms = "
        f"{per_large / per_small:.2f}× | {_met(per_large / per_small <= 1.25)} |",
        f"| 4. `--help` | ≤ 60 ms median | {help_v.wall * 1000:.0f} ms | "
        f"{_met(help_v.wall <= 0.060)} |",
        f"| 4. `--version` | ≤ 60 ms median | {version_v.wall * 1000:.0f} ms | "
        f"{_met(version_v.wall <= 0.060)} |",
        f"| Byte-identical outputs | the same bytes on every run, and the sample's as "
        f"`tests/baseline.sha256` records | {sum(c.ok for c in checks)} of {len(checks)} "
        f"checks hold (below) | {_met(identical)} |",
        f"| 5. Tagged PDF against untagged | reported | {'; '.join(tag_rows)} | — |",
        "",
        "## Case 1: one article to DOCX, PDF and EPUB",
        "",
        *_table(r.single),
        "",
        f"With `--jobs {tools.jobs}` (the default: one per CPU) the DOCX renders in the "
        "command's process and the PDF and EPUB in a forked one, each importing only its own "
        "writers; the target is measured so. In one process (`--jobs 1`) the ratio is "
        f"{r.single[5].wall / sample_pd.wall:.2f}; against the peer's own runs at once on the "
        f"same CPUs, {sample_bc.wall / r.single[6].wall:.2f}. CPU time is in the table.",
        "",
        "## Case 2: a batch, one call against a loop",
        "",
        *_table(r.batch),
        "",
        f"Against the peer's best case (pandoc on {tools.jobs} CPUs, Typst batched): "
        f"ratio {copies_bc.wall / r.batch[3].wall:.2f}. The corpus articles are the first "
        f"{n_corpus} of the corpus.",
        "",
        "## Case 3: a briefing pack",
        "",
        *_table(r.packs),
        "",
        "The peer gets the easier job: one Markdown file with a table of contents, no "
        "cover, per-article headers or page markings, and the concatenation is not timed. "
        "briefconv's PDF is tagged (structure tree, reading order, artifacts), pandoc + "
        "Typst's is not.",
        "",
        "## Case 4: start-up",
        "",
        *_table(r.startup),
        "",
        "Memory of short commands: Linux keeps a process's peak RSS across `exec`, so a "
        "command started from this Python script reports at least the script's own size "
        "(about 44 MiB here); figures near that are the method's floor, not the command's.",
        "",
        "## Case 5: what the tagged PDF costs",
        "",
        "The PDF alone (`-t pdf`) in the default style, which tags it, and in a style "
        '`based_on = "default"` with `[pdf] tagged = false`; the ratio is tagged / untagged.',
        "",
        *_table([v for c in r.tagging for v in (c.tagged, c.untagged)]),
        "",
        "| PDF | Tagged | Untagged | Tagging adds |",
        "|---|---:|---:|---:|",
        *(
            f"| {c.label}: time | {c.tagged.wall:.3f} s | {c.untagged.wall:.3f} s | "
            f"{_extra(c.tagged.wall, c.untagged.wall, 'ms', 1000)} |\n"
            f"| {c.label}: size | {c.tagged_bytes / 1024:,.0f} KiB | "
            f"{c.untagged_bytes / 1024:,.0f} KiB | "
            f"{_extra(c.tagged_bytes, c.untagged_bytes, 'KiB', 1 / 1024)} |"
            for c in r.tagging
        ),
        "",
        "## Byte-identical outputs",
        "",
        "The files the timed runs wrote, hashed (sha256) after each run, outside the timing. "
        "The sample is converted with `SOURCE_DATE_EPOCH` pinned as `tests/baseline.py` "
        "pins it, so its three files can be compared with that record.",
        "",
        "| Check | Holds | |",
        "|---|---|---|",
        *(f"| {c.what} | {'yes' if c.ok else '**no**'} | {c.detail} |" for c in checks),
        "",
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; 0 when it ran (targets missed are reported, not errors)."""
    parser = argparse.ArgumentParser(description="briefconv against pandoc + Typst.")
    parser.add_argument("--quick", action="store_true", help="tiny sizes, one repetition")
    parser.add_argument(
        "--reps", type=int, default=None, help="repetitions (default 5; case 4: 20)"
    )
    parser.add_argument(
        "--copies", type=int, default=None, help="copies of the sample in case 2 (default 40)"
    )
    parser.add_argument(
        "--articles", type=int, default=None, help="corpus articles in case 2 (default 40)"
    )
    parser.add_argument(
        "--pack",
        type=int,
        default=None,
        help="pack size: copies of the sample, and corpus articles (default 300)",
    )
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--work", type=Path, default=Path("build/bench"))
    parser.add_argument("--out", type=Path, default=HERE / "RESULTS.md")
    args = parser.parse_args(argv)
    reps = args.reps or (1 if args.quick else 5)
    n_copies = args.copies or (4 if args.quick else 40)
    n_batch = args.articles or (2 if args.quick else 40)
    n_pack = args.pack or (4 if args.quick else 300)
    sizes = (max(1, n_pack // 10), n_pack)

    def say(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    started = time.perf_counter()
    work = args.work.resolve()
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    # An installed package has its bytecode compiled; an editable checkout run with
    # PYTHONDONTWRITEBYTECODE would recompile every start, which is not what users see.
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(ROOT / "src")],
        check=False,
        stdout=subprocess.DEVNULL,
    )
    try:
        tools = find_tools(args.jobs)
        corpus = write_corpus(max(n_batch, n_pack), args.seed, work / "corpus")
        sample = write_sample(tools, max(n_copies, n_pack), work / "sample")
        # Case 1 is short and noisy: twice the repetitions (a smoke run needs one). Case 2
        # is long: fewer.
        short = 1 if args.quick else reps * 2
        single = case_single(tools, corpus, sample, work, short, say)
        batch = case_batch(
            tools,
            sample.head(n_copies),
            corpus.head(n_batch),
            work,
            1 if args.quick else reps // 2 + 1,
            say,
        )
        packs = case_pack(tools, corpus, sample.head(n_pack), sizes, work, reps, say)
        startup = case_startup(tools, work, 2 if args.quick else 20, say)
        tagging = case_tagging(tools, sample.head(n_pack), work, (short, reps), say)
    except BenchError as exc:
        print(f"bench: error: {exc}", file=sys.stderr)
        return 1
    given = list(argv) if argv is not None else sys.argv[1:]
    command = " ".join(["python bench/run.py", *map(shlex.quote, given)])
    results = Results(
        corpus, sample, single, batch, packs, startup, tagging, sizes, (n_copies, n_batch, n_pack)
    )
    text = report(tools, command, results, time.perf_counter() - started)
    args.out.write_text(text, encoding="utf-8")
    say(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
