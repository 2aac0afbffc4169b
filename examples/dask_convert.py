"""Convert an archive of articles into handouts with Dask, one task per article.

    python examples/dask_convert.py ARCHIVE OUT [--style NAME] [--scheduler NAME]

Every ``.txt`` and ``.md`` file under ARCHIVE becomes ``.docx``, ``.pdf`` and ``.epub`` files
under OUT, in the same folders as in the archive. On a cluster, create a
``dask.distributed.Client`` in :func:`main` before ``compute()`` and give paths that every
worker can read and write. Install Dask with ``pip install 'briefconv[examples]'``.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import dask.bag as db

import briefconv

FORMATS = ("docx", "pdf", "epub")


def articles(archive: Path) -> list[str]:
    """Every article under ``archive``, in a stable order."""
    found = (p for p in archive.rglob("*") if p.suffix in {".txt", ".md"} and p.is_file())
    return sorted(str(p) for p in found)


def partitions(count: int) -> int:
    """How many partitions for ``count`` articles: a few per core, never an empty one.

    A few per core keeps every core busy while long and short articles even out. (The
    README's first version, ``len(paths) // 50 or 1``, gave one partition, so one process,
    for anything under 100 articles.)
    """
    return min(count, (os.cpu_count() or 1) * 4)


def handouts(path: str, archive: str, out: str, style: briefconv.Style) -> tuple[str, str]:
    """One task: parse the article once, write every format; ``(path, error or "")``.

    The article's folder in the archive is kept under ``out``, so two articles with one name
    in different folders do not overwrite each other's handouts. A bad article is reported,
    not raised: one broken file must not stop the other thousands.
    """
    folder = Path(out) / Path(path).parent.relative_to(archive)
    try:
        briefconv.convert(path, FORMATS, folder, style=style)
    except briefconv.BriefconvError as exc:
        return path, str(exc)
    return path, ""


def main(argv: list[str] | None = None) -> int:
    """Convert the archive; 0 if every article converted, else 1 with one line per failure."""
    parser = argparse.ArgumentParser(description="Convert an archive of articles with Dask.")
    parser.add_argument("archive", type=Path, help="folder of .txt and .md articles")
    parser.add_argument("out", type=Path, help="folder for the handouts")
    parser.add_argument("--style", default="default", help="style name or path")
    parser.add_argument(
        "--scheduler",
        default="processes",
        # Not "threads": a bag's default is processes, and renderers (reportlab, lxml) are
        # not promised to be safe to run in threads side by side.
        choices=("processes", "synchronous"),
        help="Dask's local scheduler: processes (dask.bag's default) or synchronous",
    )
    args = parser.parse_args(argv)
    paths = articles(args.archive)
    if not paths:
        parser.error(f"no .txt or .md files under {args.archive}")
    # Loaded once here: a bad style name fails now, not in every task.
    style = briefconv.load_style(args.style)
    # dask.bag.from_sequence carries no annotations (dask 2026.8).
    bag = db.from_sequence(paths, npartitions=partitions(len(paths)))  # type: ignore[no-untyped-call]
    results = bag.map(handouts, str(args.archive), str(args.out), style)
    failed = 0
    for path, error in results.compute(scheduler=args.scheduler):
        if error:
            failed += 1
            print(f"{path}: {error}", file=sys.stderr)
    print(f"{len(paths) - failed} of {len(paths)} articles converted into {args.out}")
    return 1 if failed else 0


if __name__ == "__main__":
    # Needed: dask.bag's default scheduler starts worker processes by "spawn", and each one
    # imports this file again. Unguarded, every worker would start the whole run over (and
    # Python stops that with "An attempt has been made to start a new process before the
    # current process has finished its bootstrapping phase").
    sys.exit(main())
