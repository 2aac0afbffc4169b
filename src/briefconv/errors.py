"""The exceptions briefconv raises on purpose, each carrying a one-line message for users.

::

    BriefconvError               anything briefconv reports instead of a traceback
    ├── InputError               an article cannot be read (names the file, and line if known)
    │   └── ManifestError        every mistake in a pack manifest: one line each
    ├── StyleError               a style file is missing or wrong (names the file and key)
    ├── FormatError              an unknown output format, or a writer plugin that fails to load
    └── RenderError              a writer could not produce a file

The CLI prints ``briefconv: error: <message>`` for each and exits with status 1; for a
:class:`ManifestError`, one such line per problem.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "BriefconvError",
    "FormatError",
    "InputError",
    "ManifestError",
    "RenderError",
    "StyleError",
]


class BriefconvError(Exception):
    """Base of every error briefconv reports to users; ``str()`` is a one-line message."""


class InputError(BriefconvError):
    """An input article could not be read or decoded."""


class ManifestError(InputError):
    """A pack manifest with mistakes: ``problems`` holds all of them, one line each.

    Each line is ``FILE: KEY: problem`` (or an article's own ``FILE:LINE: problem`` when
    one the manifest names cannot be read); ``str()`` is the lines joined by newlines, the
    one message that is not a single line. Reporting every mistake at once saves a user
    fixing a manifest one run at a time.
    """

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(self.problems))

    def __reduce__(self) -> tuple[type[ManifestError], tuple[tuple[str, ...]]]:
        # Pickled (across processes) from the problems, not from the joined message.
        return (type(self), (self.problems,))


class StyleError(BriefconvError):
    """A style could not be found, parsed or validated."""


class FormatError(BriefconvError):
    """An output format is unknown, or its writer could not be loaded."""


class RenderError(BriefconvError):
    """A writer failed to render a document."""
