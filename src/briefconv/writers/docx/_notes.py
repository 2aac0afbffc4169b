"""Word footnotes: the ``word/footnotes.xml`` part, note ids, and the settings that go with it.

python-docx has no footnote API, so the part is built here as Word writes it: a
``w:footnotes`` root holding the separator (id -1) and continuation separator (id 0) that
Word draws above the notes, then one ``w:footnote`` per note, numbered 1, 2, ... across
the whole document (so the ids of a pack's articles never clash). The part is related
from ``document.xml`` and gets its content-type override when python-docx saves it;
``w:footnotePr`` in ``settings.xml`` names the separators, as Word's own files do. In a
pack every section restarts its numbering (``w:numRestart`` "eachSect"), so each article
numbers its notes from 1 as the model asks.

A template's footnotes part (``[docx] template``) is replaced by a copy holding only its
separators: its notes belonged to the template's body text, which is never shipped.

Only a document with notes gets a footnotes part: the writer adds it on the first note.
"""

from __future__ import annotations

from typing import Any

from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import XmlPart
from docx.oxml import parse_xml
from docx.oxml.ns import qn

from briefconv.writers.docx._oxml import W_NS, Doc, Elem, el, relate

__all__ = ["FOOTNOTE_REFERENCE", "Footnotes"]

#: The character style of a footnote's reference mark, in the text and in the note.
FOOTNOTE_REFERENCE = "Footnote Reference"

#: The two notes every footnotes part starts with, as Word 2013 and later number them.
_SEPARATORS = (("separator", -1), ("continuationSeparator", 0))

#: What follows ``w:footnotePr`` in ``w:settings`` (ECMA-376 CT_Settings): it goes before
#: the first of these that is present, as Word rejects elements out of schema order.
_AFTER_FOOTNOTE_PR: tuple[str, ...] = (
    "w:endnotePr", "w:compat", "w:docVars", "w:rsids", "m:mathPr", "w:attachedSchema",
    "w:themeFontLang", "w:clrSchemeMapping", "w:doNotIncludeSubdocsInStats",
    "w:doNotAutoCompressPictures", "w:forceUpgrade", "w:captions", "w:readModeInkLockDown",
    "w:smartTagType", "sl:schemaLibrary", "w:shapeDefaults", "w:doNotEmbedSmartTags",
    "w:decimalSymbol", "w:listSeparator",
)  # fmt: skip

_HEAD_REFERENCES = frozenset({qn("w:headerReference"), qn("w:footerReference")})
_W_FOOTNOTE = qn("w:footnote")
_W_ID = qn("w:id")
_W_TYPE = qn("w:type")


class Footnotes:
    """The footnotes of one document: the part (made on the first note) and the next id.

    Ids come from a counter, so the same document always gets the same ids.
    """

    def __init__(self, doc: Doc) -> None:
        """Prepare the footnotes of ``doc``; a template's part is emptied of its notes now."""
        self._doc = doc
        self._root: Elem | None = None
        self._part: XmlPart | None = None
        self._next_id = 1
        self._separator_ids: list[int] = []
        template_rid = next(
            (rid for rid, rel in doc.part.rels.items() if rel.reltype == RT.FOOTNOTES), None
        )
        if template_rid is not None:
            self._adopt(template_rid)

    @property
    def part(self) -> Any:
        """The footnotes part (whose relationships hold the notes' links), made if need be."""
        if self._part is None:
            self._create()
        return self._part

    @property
    def used(self) -> bool:
        """Whether any note was written."""
        return self._next_id > 1 + max(self._separator_ids, default=0)

    def add(self) -> tuple[int, Elem]:
        """A new, empty ``w:footnote`` at the end of the part, and its id."""
        if self._root is None:
            self._create()
        assert self._root is not None
        note_id = self._next_id
        self._next_id += 1
        footnote = el("w:footnote", id=str(note_id))
        self._root.append(footnote)
        return note_id, footnote

    def finish(self, *, restart: bool) -> None:
        """Name the separators in settings if notes exist; ``restart`` numbering per section.

        With ``restart`` every section numbers its notes from 1. Called once the body is
        complete, so every section's ``w:sectPr`` exists. Only a pack restarts (each
        article is a section): LibreOffice reads "restart each section" as "restart at
        each ``Heading 1``", which in a pack is each article's title but in a handout
        each of its sections.
        """
        if not self.used:
            return
        settings = self._doc.settings.element
        if settings.find(qn("w:footnotePr")) is None:
            props = el("w:footnotePr")
            for note_id in self._separator_ids:
                props.append(el("w:footnote", id=str(note_id)))
            settings.insert_element_before(props, *_AFTER_FOOTNOTE_PR)
        if restart:
            for sect in self._doc.element.body.iter(qn("w:sectPr")):
                _restart_each_section(sect)

    def _create(self) -> None:
        """Add a footnotes part holding Word's two separators, related from the document."""
        root = parse_xml(f'<w:footnotes xmlns:w="{W_NS}"/>'.encode())
        for kind, note_id in _SEPARATORS:
            root.append(_separator(kind, note_id))
        self._attach(root, PackURI("/word/footnotes.xml"))
        self._separator_ids = [note_id for _, note_id in _SEPARATORS]
        self._next_id = 1

    def _adopt(self, rid: str) -> None:
        """Replace a template's footnotes part with a copy holding only its separators.

        python-docx reads the part as bytes only; the copy is an XML part under the same
        name, and the template's is dropped with its relationship (nothing refers to it by
        id: ``w:footnoteReference`` names notes, not the part).
        """
        old = self._doc.part.rels[rid].target_part
        root = parse_xml(old.blob)
        kept: list[int] = []
        for note in root.findall(_W_FOOTNOTE):
            if note.get(_W_TYPE) in ("separator", "continuationSeparator", "continuationNotice"):
                kept.append(int(note.get(_W_ID, "0")))
            else:
                root.remove(note)
        self._doc.part.drop_rel(rid)
        self._attach(root, old.partname)
        self._separator_ids = sorted(kept)
        self._next_id = max(kept, default=0) + 1

    def _attach(self, root: Elem, partname: PackURI) -> None:
        package = self._doc.part.package
        taken = {p.partname for p in package.iter_parts()}
        if partname in taken:  # another part of a template has the usual name
            partname = package.next_partname("/word/footnotes%d.xml")
        self._part = XmlPart(partname, CT.WML_FOOTNOTES, root, package)
        relate(self._doc.part, self._part, RT.FOOTNOTES)
        self._root = root


def _separator(kind: str, note_id: int) -> Elem:
    """Word's separator (or continuation separator) note: a paragraph holding the line."""
    note = el("w:footnote", type=kind, id=str(note_id))
    p = el("w:p")
    spacing = el("w:pPr")
    # No space after the line: the style's spacing would push the notes down.
    spacing.append(el("w:spacing", after="0", line="240", lineRule="auto"))
    p.append(spacing)
    r = el("w:r")
    r.append(el(f"w:{kind}"))
    p.append(r)
    note.append(p)
    return note


def _restart_each_section(sect: Elem) -> None:
    """Give a ``w:sectPr`` footnote numbering that restarts in each section.

    ``w:footnotePr`` follows the header and footer references (CT_SectPr); its
    ``w:numRestart`` is its last child (CT_FtnProps), so a template's other footnote
    properties (position, number format) are kept.
    """
    props = sect.find(qn("w:footnotePr"))
    if props is None:
        props = el("w:footnotePr")
        last_ref = None
        for child in sect.iterchildren():
            if child.tag in _HEAD_REFERENCES:
                last_ref = child
        if last_ref is not None:
            last_ref.addnext(props)
        else:
            sect.insert(0, props)
    for old in props.findall(qn("w:numRestart")):
        props.remove(old)
    props.append(el("w:numRestart", val="eachSect"))
