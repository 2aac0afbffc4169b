"""The exceptions briefconv raises on purpose, each carrying a one-line message for users.

::

    BriefconvError               anything briefconv reports instead of a traceback
    ├── InputError               an article cannot be read (names the file, and line if known)
    ├── StyleError               a style file is missing or wrong (names the file and key)
    ├── FormatError              an unknown output format, or a writer plugin that fails to load
    └── RenderError              a writer could not produce a file

The CLI prints ``briefconv: error: <message>`` for each and exits with status 1.
"""

from __future__ import annotations

__all__ = ["BriefconvError", "FormatError", "InputError", "RenderError", "StyleError"]


class BriefconvError(Exception):
    """Base of every error briefconv reports to users; ``str()`` is a one-line message."""


class InputError(BriefconvError):
    """An input article could not be read or decoded."""


class StyleError(BriefconvError):
    """A style could not be found, parsed or validated."""


class FormatError(BriefconvError):
    """An output format is unknown, or its writer could not be loaded."""


class RenderError(BriefconvError):
    """A writer failed to render a document."""
