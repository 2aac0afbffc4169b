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

What the first build of a combination saves is also kept on disk (:mod:`briefconv._cache`,
:class:`_Stored`), with the deflated form of its large parts (the styles part above all,
:func:`briefconv.writers._zip.keep`), so a fresh process copies the base instead of
building it (about 20 ms less for a handout) and does not deflate those parts again. The
key is everything the base is made from and nothing of the articles: python-docx's
template file (the source), the key above (style, layout, language, constructs), and the
versions of the code that builds and saves it: python-docx, lxml and libxml2, zlib, and
every briefconv source file's size and modification time (:func:`_code_version`), so an
edit to the writer is never answered with a base it would no longer build. A fresh
process's first document is then a copy, which is byte for byte what building gives (the
copies above are; ``tests/test_docx_reuse.py`` checks it across processes too).

A ``[docx] template`` is read from its file for every document, as before: a file can
change between two documents of one process, and only the template's owner would know.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import io
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import docx
from docx import Document
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.part import Part, XmlPart
from lxml import etree

import briefconv
from briefconv._cache import cached
from briefconv.model import Layout
from briefconv.styles import Style
from briefconv.writers._zip import DEFLATE_VERSION, Packed, keep, packed_form, write_zip
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
    # On disk, under the same and what the code that builds it is (module docstring).
    stored_under = (repr(style), repr(layout), language, repr(sorted(used)))
    return _BASES.get(key, lambda: _build(style, layout, language, used), stored_under)


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


@dataclass(frozen=True, slots=True)
class _Stored:
    """A combination's base as saved, what the disk cache keeps of it (:class:`_Entry`)."""

    #: Every zip member of the base, as python-docx would save it: (name, bytes).
    members: tuple[tuple[str, bytes], ...]
    #: The styles part's member name, if copies may hold it as bytes (see _Entry.copy).
    styles: str | None
    template: str | None
    kept: frozenset[str]
    lists: tuple[tuple[str, int], ...]
    #: The deflated form of the large members, by name: handed to the zip writer when
    #: read back, so a fresh process does not deflate the styles part again (5 ms).
    packed: tuple[tuple[str, Packed], ...]

    @classmethod
    def of(cls, built: Base) -> _Stored:
        """What ``built`` saves to, before anything is written to it."""
        members = package_members(built.doc)
        styles = _styles(built.doc)
        deflated = ((name, packed_form(data)) for name, data in members)
        return cls(
            members=tuple(members),
            styles=styles[1].partname.membername if styles else None,
            template=built.template,
            kept=built.kept,
            lists=tuple(built.lists.items()),
            packed=tuple((name, found) for name, found in deflated if found is not None),
        )


class _Entry:
    """One combination's base: the saved parts, and the document opened from them."""

    def __init__(self, stored: _Stored) -> None:
        members = dict(stored.members)
        # Stored, not deflated: it is only ever read back here.
        self._saved = write_zip(stored.members, _SNAPSHOT_DATE, stored=members)
        # What every copy's styles part holds (see copy()).
        self._styles = members[stored.styles] if stored.styles is not None else None
        self._template = stored.template
        self._kept = stored.kept
        self._lists = dict(stored.lists)
        self._opened: Doc | None = None
        self._index: StyleIndex | None = None
        # Guards the opened document: copied, and asked about its styles (StyleIndex).
        self._lock = threading.RLock()

    def copy(self) -> Base:
        """A document of its own, as the base was built."""
        with self._lock:
            # The saved parts are opened on the second use (or the first, of a base read
            # from the disk): a process writing one document it built pays only for
            # saving them. The opened document is read only by deepcopy.
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

    def get(self, key: object, build: Callable[[], Base], stored_under: Sequence[str]) -> Base:
        """A copy of the base under ``key``; the first time, ``build()``'s own document.

        The first time in a process, the base is read from the disk cache under
        ``stored_under`` (and the code's versions) if it is there, and a copy of it is
        given; else it is built, kept there, and the built document itself is given.
        """
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
        if entry is not None:
            return entry.copy()
        built: list[Base] = []

        def make() -> _Stored:
            built.append(build())
            # Saved before the document is written to: the base as built, and no later.
            return _Stored.of(built[0])

        stored = _read_or_make(make, stored_under)
        if not built:
            # Read back: its large parts need not be deflated again. Any that fails its
            # check is simply deflated again (keep).
            members = dict(stored.members)
            for name, found in stored.packed:
                if name in members:
                    keep(members[name], found)
        entry = _Entry(stored)
        with self._lock:
            self._entries[key] = entry
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)
        return built[0] if built else entry.copy()


#: Bumped when what a stored base holds (_Stored) changes shape; part of its key.
_STORED_PAYLOAD = "docx base 1"


def _read_or_make(make: Callable[[], _Stored], stored_under: Sequence[str]) -> _Stored:
    """``make()``, or what it made in an earlier process, from the disk cache."""
    code = _code_version()
    if code is None:
        return make()
    versions = (
        _STORED_PAYLOAD,
        code,
        f"python-docx {docx.__version__}",
        f"lxml {etree.LXML_VERSION} libxml2 {etree.LIBXML_VERSION}",
        DEFLATE_VERSION,
        *stored_under,
    )
    # The source is the file the base starts from, python-docx's template (its styles,
    # numbering and settings); the cache keys it by its path, size, dates and inode.
    template = Path(docx.__file__).parent / "templates" / "default.docx"
    return cached("docx-base", template, versions, make, _Stored)


@functools.cache
def _code_version() -> str | None:
    """A hash of every briefconv source file's name, size and modification time.

    The base is made by a good part of briefconv (the writer, its styles and numbering,
    the style's roles, the model): any file of it changing, a stored base may no longer
    be what the code builds. None (no disk cache for bases) if a file cannot be listed.
    """
    root = os.path.dirname(briefconv.__file__)
    found: list[str] = []
    folders = [(root, "")]
    try:
        while folders:
            folder, prefix = folders.pop()
            with os.scandir(folder) as entries:
                for item in entries:
                    if item.is_dir(follow_symlinks=False):
                        if item.name != "__pycache__":
                            folders.append((item.path, f"{prefix}{item.name}/"))
                    elif item.name.endswith(".py"):
                        info = item.stat()
                        found.append(f"{prefix}{item.name} {info.st_size} {info.st_mtime_ns}")
    except OSError:
        return None
    return hashlib.sha256("\0".join(sorted(found)).encode("utf-8", "surrogateescape")).hexdigest()


#: A batch uses one style, in a few layouts, languages and sets of constructs.
_BASES = _Bases(size=16)
