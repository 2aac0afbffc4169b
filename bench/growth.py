"""How briefconv's time grows on hostile inputs at 1×, 4× and 16× their size (issue 14).

Each family below was super-linear once (a 10,000-letter token took 30 s to hyphenate; a
paragraph of ``**a `` repeated was quadratic in the text reader; EPUB time grew as the
square of the headings; a long title was re-measured once per character cut). A linear
stage takes about 4× as long at 4× the input: the report gives each step's time ratio,
and ``--check`` fails if any step of 4× in size costs more than 8× in time (twice linear,
room for noise and for n·log n).

Run: ``python bench/growth.py [--out bench/GROWTH.md] [--check]``. Each point is the best
of three runs of ``python -m briefconv`` (start-up included, so small inputs look flat).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

#: Sizes, as multiples of each family's base size.
SCALES = (1, 4, 16)


def _letters(count: int) -> str:
    return "".join("abcdefghijklmnopqrstuvwxyz"[(i * 7 + i // 26) % 26] for i in range(count))


def _long_token(n: int, folder: Path) -> list[str]:
    path = folder / "token.txt"
    path.write_text(f"Token\n\nBefore {_letters(5_000 * n)} after.\n", encoding="utf-8")
    return ["convert", str(path), "-t", "pdf", "-o", str(folder / "out")]


def _emphasis(n: int, folder: Path) -> list[str]:
    path = folder / "emphasis.txt"
    path.write_text("Emphasis\n\n" + "**a " * (5_000 * n) + "end.\n", encoding="utf-8")
    return ["convert", str(path), "-t", "epub", "-o", str(folder / "out")]


def _headings(n: int, folder: Path) -> list[str]:
    path = folder / "headings.md"
    body = "".join(f"## Heading {i}\n\nText {i}.\n\n" for i in range(2_500 * n))
    path.write_text("# Many\n\n" + body, encoding="utf-8")
    return ["convert", str(path), "-t", "epub", "-o", str(folder / "out")]


def _long_metadata(n: int, folder: Path) -> list[str]:
    path = folder / "short.txt"
    path.write_text("Short\n\nBody text of the article.\n", encoding="utf-8")
    # In a manifest: at 16× the title and marking are too long for a command line.
    manifest = folder / "pack.toml"
    manifest.write_text(
        f'title = "{"Title " * (1_000 * n)}"\nclassification = "{"SECRET " * (2_500 * n)}"\n'
        '[[articles]]\npath = "short.txt"\n',
        encoding="utf-8",
    )
    return ["pack", str(manifest), "-o", str(folder / "pack")]


FAMILIES: dict[str, tuple[str, Callable[[int, Path], list[str]]]] = {
    "long token (PDF)": ("5,000 letters", _long_token),
    "emphasis markers (text reader, EPUB)": ("5,000 `**a `", _emphasis),
    "headings (EPUB)": ("2,500 headings", _headings),
    "long pack metadata (3 formats)": ("6,000-char title, 17,500-char marking", _long_metadata),
}


def _time(args: list[str]) -> float:
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "briefconv", *args], capture_output=True)
        elapsed = time.perf_counter() - start
        if proc.returncode != 0:
            raise SystemExit(f"briefconv failed: {proc.stderr.decode()[-500:]}")
        best = min(best, elapsed)
    return best


def main() -> int:
    """Measure every family at every scale; print (and optionally write) the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="write the Markdown report here")
    parser.add_argument("--check", action="store_true", help="fail on super-linear growth")
    options = parser.parse_args()
    rows = [
        "| input | base (1×) | 1× | 4× | 16× | 4×/1× | 16×/4× |",
        "|---|---|---|---|---|---|---|",
    ]
    worst = 0.0
    for name, (base, make) in FAMILIES.items():
        times = []
        for scale in SCALES:
            with tempfile.TemporaryDirectory() as folder:
                times.append(_time(make(scale, Path(folder))))
        ratios = [times[i + 1] / times[i] for i in range(len(times) - 1)]
        worst = max(worst, *ratios)
        cells = " | ".join(f"{t:.2f} s" for t in times)
        rows.append(f"| {name} | {base} | {cells} | {ratios[0]:.1f}× | {ratios[1]:.1f}× |")
        print(rows[-1], flush=True)
    report = (
        "# Growth on hostile inputs\n\n"
        "Written by `python bench/growth.py --out bench/GROWTH.md`: the best of three runs of "
        "the real command at 1×, 4× and 16× each input's base size (start-up included). "
        "Linear growth is 4× per step.\n\n" + "\n".join(rows) + "\n"
    )
    if options.out:
        options.out.write_text(report, encoding="utf-8")
    if options.check and worst > 8.0:
        print(f"super-linear: a 4× step cost {worst:.1f}× the time", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
