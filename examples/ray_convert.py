"""Convert an archive of articles with Ray, the rendered bytes coming back to this process.

    python examples/ray_convert.py ARCHIVE OUT [--style NAME] [--address ADDRESS]

Each task renders one article in every format and returns the bytes; this process stores
them (:func:`store` writes them under OUT, in the same folders as in the archive; put an
upload to an object store there instead). Without ``--address`` Ray starts on this machine
with one worker per CPU; ``--address auto`` joins a running cluster. Install Ray with
``pip install 'briefconv[examples]'``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path

import ray

import briefconv

FORMATS = ("docx", "pdf", "epub")


def articles(archive: Path) -> list[str]:
    """Every article under ``archive``, in a stable order."""
    found = (p for p in archive.rglob("*") if p.suffix in {".txt", ".md"} and p.is_file())
    return sorted(str(p) for p in found)


@ray.remote
def render_all(path: str, style: briefconv.Style) -> dict[str, bytes]:
    """One task: parse the article once and render every format; the bytes by format."""
    article = briefconv.read_file(path)
    return {fmt: briefconv.render(article, fmt, style) for fmt in FORMATS}


def store(path: str, archive: Path, out: Path, files: dict[str, bytes]) -> None:
    """Keep one article's handouts: here, files under ``out`` (atomically, as briefconv does)."""
    stem = out / Path(path).relative_to(archive).with_suffix("")
    stem.parent.mkdir(parents=True, exist_ok=True)
    for fmt, data in files.items():
        briefconv.write_atomic(stem.parent / briefconv.output_name(stem, fmt), data)


def converted(
    paths: list[str], style: briefconv.Style, in_flight: int
) -> Iterator[tuple[str, dict[str, bytes] | str]]:
    """Run the tasks, at most ``in_flight`` at once; yield ``(path, files or error)`` as each ends.

    The cap bounds memory: a finished task's files wait in the object store until stored,
    so submitting a whole archive at once could hold all of its handouts at one time.
    """
    style_ref = ray.put(style)  # one copy in the object store, not one per task
    waiting = iter(paths)
    running: dict[ray.ObjectRef[dict[str, bytes]], str] = {}
    while True:
        for path in waiting:
            running[render_all.remote(path, style_ref)] = path
            if len(running) >= in_flight:
                break
        if not running:
            return
        [done], _ = ray.wait(list(running), num_returns=1)
        path = running.pop(done)
        try:
            yield path, ray.get(done)
        except ray.exceptions.RayTaskError as exc:
            # The task's own exception (a BriefconvError names the file and the problem).
            yield path, str(getattr(exc, "cause", None) or exc)


def main(argv: list[str] | None = None) -> int:
    """Convert the archive; 0 if every article converted, else 1 with one line per failure."""
    parser = argparse.ArgumentParser(description="Convert an archive of articles with Ray.")
    parser.add_argument("archive", type=Path, help="folder of .txt and .md articles")
    parser.add_argument("out", type=Path, help="folder for the handouts")
    parser.add_argument("--style", default="default", help="style name or path")
    parser.add_argument("--address", default=None, help="a Ray cluster to join (e.g. auto)")
    args = parser.parse_args(argv)
    paths = articles(args.archive)
    if not paths:
        parser.error(f"no .txt or .md files under {args.archive}")
    style = briefconv.load_style(args.style)  # a bad style name fails here, not per task
    ray.init(address=args.address)
    try:
        # The cluster's CPUs, not this machine's (ray 2.60 leaves this call unannotated).
        cpus = int(ray.cluster_resources().get("CPU", 1))  # type: ignore[no-untyped-call]
        failed = 0
        for path, result in converted(paths, style, in_flight=cpus * 4):
            if isinstance(result, str):
                failed += 1
                print(f"{path}: {result}", file=sys.stderr)
            else:
                store(path, args.archive, args.out, result)
    finally:
        ray.shutdown()
    print(f"{len(paths) - failed} of {len(paths)} articles converted into {args.out}")
    return 1 if failed else 0


if __name__ == "__main__":
    # Ray sends render_all to its workers by value and never imports this file there, but
    # the guard still lets the file be imported (its functions reused) without a run.
    sys.exit(main())
