"""Typst as pandoc's PDF engine: ``python bench/typst_compile.py IN.typ OUT.pdf [IN OUT ...]``.

PyPI's ``typst`` package is the Typst compiler as a Python extension (there is no
``typst`` executable on PyPI), so the benchmark runs it through this script: one process
per file stands for ``pandoc --pdf-engine=typst``, which starts ``typst compile`` once per
document; several pairs in one process is the peer's best case (fonts loaded once).
"""

from __future__ import annotations

import sys

import typst


def main(argv: list[str]) -> int:
    """Compile each IN.typ to OUT.pdf; exit 1 on the first error."""
    if not argv or len(argv) % 2:
        print(__doc__, file=sys.stderr)
        return 2
    for source, target in zip(argv[::2], argv[1::2], strict=True):
        typst.compile(source, output=target)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
