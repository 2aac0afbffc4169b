"""Regenerate the per-format option tables of ``styles/README.md`` from the declarations.

Each writer declares the keys of its style table (:mod:`briefconv.writers.options`); the
README shows them between two markers, and ``tests/test_styles.py`` fails when that part
is out of date::

    python tests/readme_options.py            # rewrite styles/README.md
    python tests/readme_options.py --check    # exit 1 if it is out of date
"""

from __future__ import annotations

import sys
from pathlib import Path

from briefconv.writers import options_markdown

README = Path(__file__).resolve().parent.parent / "styles" / "README.md"
COMMAND = "python tests/readme_options.py"
BEGIN = f"<!-- generated from the writers' option declarations by `{COMMAND}`; do not edit -->\n"
END = "<!-- end of generated options -->\n"


def regenerated(text: str) -> str:
    """``text`` (the README) with the part between the markers made from the declarations."""
    head, begin, rest = text.partition(BEGIN)
    _, end, tail = rest.partition(END)
    if not begin or not end:
        raise SystemExit(f"{README}: the markers of the generated option tables are missing")
    return head + BEGIN + options_markdown() + END + tail


def main(argv: list[str]) -> int:
    """Rewrite the README, or with ``--check`` only say whether it is current."""
    text = README.read_text(encoding="utf-8")
    new = regenerated(text)
    if "--check" in argv:
        if new != text:
            print(f"{README} is out of date: run `{COMMAND}`", file=sys.stderr)
            return 1
        return 0
    if new != text:
        README.write_text(new, encoding="utf-8")
        print(f"{README} updated")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
