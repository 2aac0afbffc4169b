"""The document before its content: built once per style in a process, copied per document.

Every document starts the same way: python-docx's template (or the style's ``[docx]
template``), the compatibility settings, every Word style made from the style's roles, and
the list definitions. That is most of the work of writing a short handout (python-docx
parses its 430 KB styles part; each style is found by an XPath search of it), and it
depends on nothing in the articles but the pack's layout, its language and which optional
constructs it uses (:func:`._styles.features`). So, without a template, it is done once
per process for each such combination, and what it made is kept as bytes: the parts,
stored in a zip, as python-docx would save them. Each document then starts from its own
copy: python-docx opens those bytes once (a document fresh from python-docx's own reader,
never written to), and every document gets a deep copy of that, sharing nothing with it
or with any other document; but for the styles part, which nothing changes once the base
is built: a copy holds it as the saved bytes, and its styles are looked up in the opened
document, once for all copies (:class:`._oxml.StyleIndex`). The result is byte for byte
what building it anew gives (``tests/test_docx_reuse.py`` compares every kind of document
written after others with the same document written by a process of its own).

A ``[docx] template`` is read from its file for every document, as before: a file can
change between two documents of one process, and only the template's owner would know.
"""

from __future__ import annotations

import copy
import io
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from docx import Document
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.part import Part, XmlPart

from briefconv.model import Layout
from briefconv.styles import Style
from briefconv.writers._zip import write_zip
from briefconv.writers.docx._numbering import define_lists
from briefconv.writers.docx._oxml import Doc, StyleIndex, lookups
from briefconv.writers.docx._package import base_document, package_members
from briefconv.writers.docx._settings import set_compatibility
from briefconv.writers.docx._styles import setup_document_styles
from briefconv.writers.options import DocxOptions

__all__ = ["Base", "prepared_document"]


@dataclass(frozen=True, slots=True)
class Base:
    """A document ready for its content, and what setting it up found."""

    doc: Doc
    #: The ``[docx] template`` it was made from, or ``None`` (python-docx's).
    template: str | None
    #: The Word styles a template defines and keeps as it has them.
    kept: frozenset[str]
    #: Each list style's abstract numbering id (:func:`._numbering.define_lists`).
    lists: dict[str, int]


def prepared_document(style: Style, layout: Layout, language: str, used: frozenset[str]) -> Base:
    """A new document in ``style`` for a pack of ``layout`` and ``language`` using ``used``.

    ``used`` names the optional constructs the pack has (:func:`._styles.features`).
    """
    if DocxOptions.of(style).template:
        return _build(style, layout, language, used)
    # The style's repr is the key: it is plain data (strings, numbers, paths and tables of
    # them), so two styles with one repr are the same, value and type, and give the same
    # styles. Styles are dicts inside, so they cannot be hashed themselves.
    key = (repr(style), layout, language, used)
    return _BASES.get(key, lambda: _build(style, layout, language, used))


def _build(style: Style, layout: Layout, language: str, used: frozenset[str]) -> Base:
    """Build the base document: template, compatibility, styles, list definitions."""
    doc, template = base_document(style)
    if template is None:
        # Before any content: tables are laid out for the compatibility mode.
        set_compatibility(doc, language)
    kept = setup_document_styles(
        doc, style, layout, language, template=template is not None, used=used
    )
    lists = define_lists(doc, style.role("list"), kept)
    return Base(doc, template, kept, lists)


# Any date: the snapshot is never shipped, and its members' dates are never read.
_SNAPSHOT_DATE = datetime(2000, 1, 1)


class _Entry:
    """One combination's base: the saved parts, and the document opened from them."""

    def __init__(self, built: Base) -> None:
        members = package_members(built.doc)
        # Stored, not deflated: it is only ever read back here.
        self._saved = write_zip(members, _SNAPSHOT_DATE, stored={name for name, _ in members})
        styles = _styles(built.doc)
        # What every copy's styles part holds (see copy()).
        self._styles = dict(members)[styles[1].partname.membername] if styles else None
        self._template = built.template
        self._kept = built.kept
        self._lists = dict(built.lists)
        self._opened: Doc | None = None
        self._index: StyleIndex | None = None
        # Guards the opened document: copied, and asked about its styles (StyleIndex).
        self._lock = threading.RLock()

    def copy(self) -> Base:
        """A document of its own, as the base was built."""
        with self._lock:
            # The saved parts are opened on the second use: a process writing one document
            # pays only for saving them. The opened document is read only by deepcopy.
            if self._opened is None:
                self._opened = Document(io.BytesIO(self._saved))
                self._index = StyleIndex(self._opened.part, self._lock)
            styles = _styles(self._opened) if self._styles is not None else None
            memo: dict[int, Any] = {}
            if styles is not None:
                # Not copied: replaced below (the copy of its part gets no element).
                memo[id(styles[1].element)] = None
            doc = copy.deepcopy(self._opened, memo)
        assert self._index is not None
        # The copy's styles are the opened document's: their ids are looked up there, once
        # for all copies (StyleIndex) ...
        lookups(doc.part).styles = self._index
        if styles is not None and self._styles is not None:
            # ... and nothing else of the writer reads or changes them once the base is
            # built: the part is the saved bytes, which are what python-docx would write
            # for them (copied and serialized again for each document, they cost more
            # than anything else the copy does). Anything that asked for doc.styles now
            # would fail at once (a plain part has none), never write other styles.
            rid, opened = styles
            name = opened.partname
            part = Part(name, CT.WML_STYLES, self._styles, doc.part.package)
            # Under the same id, in the same place (a dict keeps a replaced key's place).
            doc.part.rels.add_relationship(RT.STYLES, part, rid)
        return Base(doc, self._template, self._kept, dict(self._lists))


def _styles(doc: Doc) -> tuple[str, XmlPart] | None:
    """The styles part and its relationship id, if that part has no relationships itself."""
    for rid, rel in doc.part.rels.items():
        if rel.reltype == RT.STYLES and not rel.is_external:
            part = rel.target_part
            return (rid, part) if isinstance(part, XmlPart) and not part.rels else None
    return None


class _Bases:
    """The bases of one process by key, the least recently used dropped past ``size``."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._entries: OrderedDict[object, _Entry] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: object, build: Callable[[], Base]) -> Base:
        """A copy of the base under ``key``; the first time, ``build()``'s own document."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
        if entry is not None:
            return entry.copy()
        built = build()
        # Saved before the document is written to: the base as built, and no later.
        entry = _Entry(built)
        with self._lock:
            self._entries[key] = entry
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)
        return built


#: A batch uses one style, in a few layouts, languages and sets of constructs.
_BASES = _Bases(size=16)
