"""The garbage collector's start-up pause: paused by the command line, ended before rendering.

:func:`pause` is called by the command line (:func:`briefconv.cli.main`) as the process
starts: start-up (click, the model, the styles, then python-docx, reportlab, fontTools and
ebooklib) makes some hundreds of thousands of objects that live until the process ends,
and collecting while they are made only walks them again and again. :func:`end` imports
the writers a process is about to use, freezes everything made so far
(:func:`gc.freeze`: later collections skip it, and a forked process shares its memory
pages, as the gc module's documentation advises) and lets the collector run again.
Measured (CPU time in the collector, one article to DOCX, PDF and EPUB): 40-50 ms
before, 9-10 ms after.

It is a module of its own, not the command line's, because start-up ends where the work
begins: a command that converts one article ends it in the library, once it knows which
writers each process needs (:mod:`briefconv._parallel` renders the formats in forked
processes, each importing only its own writers). Where nothing paused the collector (a
host using the library, tests through click's CliRunner), every function here does
nothing.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterable

from briefconv.errors import BriefconvError

__all__ = ["end", "pause", "paused", "resume"]

# Whether pause() has paused the collector and end() or resume() has not yet run.
_paused = False


def pause() -> None:
    """Pause the collector for start-up, if it runs (a host may have turned it off)."""
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def paused() -> bool:
    """Whether start-up has been paused and not yet ended."""
    return _paused


def end(formats: Iterable[str] = ()) -> None:
    """Import the writers of ``formats``, freeze what start-up made, run the collector again.

    Does nothing unless :func:`pause` paused the collector and start-up has not ended.
    """
    global _paused
    if not _paused:
        return
    from briefconv.writers import get_writer

    try:
        for fmt in formats:
            # A broken plugin is reported where it is used, as without this.
            with contextlib.suppress(BriefconvError):
                get_writer(fmt)
    finally:
        _paused = False
        gc.freeze()
        gc.enable()


def resume() -> None:
    """Run the collector again without freezing (a command that ended before its work)."""
    global _paused
    if _paused:
        _paused = False
        gc.enable()
