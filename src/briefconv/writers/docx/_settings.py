"""``word/settings.xml`` as Word writes it: no field updates on opening.

The contents' page numbers are filled in when the file is written, so
``w:updateFields``, which makes Word ask "update the fields?" on opening, goes (a
template's too).
"""

from __future__ import annotations

from docx.oxml.ns import qn

from briefconv.styles import Style
from briefconv.writers.docx._oxml import Doc, Elem

__all__ = ["settle"]


def _drop(settings: Elem, name: str) -> None:
    for old in settings.findall(qn(name)):
        settings.remove(old)


def settle(doc: Doc, style: Style) -> None:
    """The settings known once the document is written: no field updates."""
    settings = doc.settings.element
    # The contents' page numbers are filled in: nothing for Word to ask about on opening.
    _drop(settings, "w:updateFields")
