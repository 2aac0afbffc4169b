"""Byte baseline of handouts and packs: record the sha256 of every output, or compare with it.

A refactor that only moves code must not change one byte of what users get; a change that
is meant to change output must change exactly the files it means to. This script renders
a fixed matrix (the sample articles and pack in ``source/``, the reader test cases, every
bundled style, a Ukrainian handout and pack) through the public library, with the clock
pinned by ``SOURCE_DATE_EPOCH``, and prints one ``sha256  name`` line per output::

    python tests/baseline.py > /tmp/after.sha256
    python tests/baseline.py --check tests/baseline.sha256   # lists what changed

It is not part of the suite: library upgrades (reportlab, python-docx) change bytes without
any change of ours, and a test would then fail for nothing. Run it around a refactor.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path

os.environ["SOURCE_DATE_EPOCH"] = "1780000000"

import briefconv  # after the clock is pinned

ROOT = Path(__file__).resolve().parent.parent
FORMATS = ("docx", "pdf", "epub")

UKRAINIAN = """Переговори відновилися в Стамбулі

Олена Коваль
Приклад Новини
3 червня 2025

Делегації зустрілися у вівторок. «Ми готові говорити», — сказав посередник.

Енергетика

Удари по енергосистемі тривають; ремонтні бригади працюють цілодобово.
"""


def _outputs() -> Iterator[tuple[str, bytes]]:
    """Every output of the matrix, by a stable name."""
    articles = sorted([*ROOT.glob("source/*.txt"), *ROOT.glob("source/*.md")])
    cases = sorted([*ROOT.glob("tests/cases/*.txt"), *ROOT.glob("tests/cases/md/*.md")])
    for path in articles + cases:
        article = briefconv.read_file(path, allow_outside=True)
        for fmt in FORMATS:
            yield f"{path.relative_to(ROOT)}.{fmt}", briefconv.render(article, fmt)
    sample = briefconv.read_file(ROOT / "source/istanbul-talks.txt")
    for style in sorted(p.stem for p in ROOT.glob("styles/*.toml")):
        for fmt in FORMATS:
            yield f"style-{style}.{fmt}", briefconv.render(sample, fmt, style)
    uk = briefconv.read_string(UKRAINIAN, name="kyiv.txt")
    for fmt in FORMATS:
        yield f"ukrainian.{fmt}", briefconv.render(uk, fmt)
    manifest = briefconv.load_manifest(ROOT / "source/pack.toml")
    pack = manifest.to_pack()
    for style in ("default", "newsroom"):
        for fmt in FORMATS:
            yield f"pack-{style}.{fmt}", briefconv.render_pack(pack, fmt, style)
    uk_pack = briefconv.make_pack(
        [uk, sample], briefconv.PackMeta(title="Тижневий огляд", language="uk", date="2026-11-26")
    )
    for fmt in FORMATS:
        yield f"pack-ukrainian.{fmt}", briefconv.render_pack(uk_pack, fmt)


def main() -> int:
    """Print the baseline, or compare it with a recorded one (exit 1 if anything differs)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", type=Path, help="a recorded baseline to compare with")
    args = parser.parse_args()
    lines = [f"{hashlib.sha256(data).hexdigest()}  {name}" for name, data in _outputs()]
    if args.check is None:
        print("\n".join(lines))
        return 0
    recorded = dict(
        reversed(line.split("  ", 1)) for line in args.check.read_text().splitlines() if line
    )
    now = dict(reversed(line.split("  ", 1)) for line in lines)
    changed = sorted(n for n in recorded.keys() | now.keys() if recorded.get(n) != now.get(n))
    for name in changed:
        print(f"changed: {name}")
    print(f"{len(now) - len(changed)} same, {len(changed)} changed", file=sys.stderr)
    return 1 if changed else 0


if __name__ == "__main__":
    sys.exit(main())
