"""Profile the benchmark's workloads with pyinstrument: ``make bench-profile``.

Writes one text profile per workload to ``build/bench/profile-*.txt`` (call trees with
the time spent in each function); ``bench/PROFILE.md`` summarises what they showed.
Usage: ``python bench/profile.py [--work DIR] [--pack N]``.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from corpus import write_corpus  # noqa: E402  (a script beside this one)


def main() -> int:
    """Profile one article, a batch in one process, a pack, and --help."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", type=Path, default=Path("build/bench"))
    parser.add_argument("--pack", type=int, default=300, help="pack size (default 300)")
    parser.add_argument("--batch", type=int, default=20, help="batch size (default 20)")
    args = parser.parse_args()
    work = args.work.resolve()
    corpus = write_corpus(max(args.pack, args.batch), 2026, work / "profile-corpus")
    paths = [str(p) for p in corpus.paths]
    out = work / "profile-out"
    workloads = {
        "single": ["convert", paths[0], "-t", "docx,pdf,epub", "-o", str(out)],
        "batch": ["convert", *paths[: args.batch], "--jobs", "1", "-o", str(out)],
        "pack": ["pack", *paths[: args.pack], "-o", str(out / "pack")],
        "help": ["--help"],
    }
    for name, argv in workloads.items():
        shutil.rmtree(out, ignore_errors=True)
        target = work / f"profile-{name}.txt"
        subprocess.run(
            [sys.executable, "-m", "pyinstrument", "-o", str(target), "-m", "briefconv", *argv],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        print(f"wrote {target}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
