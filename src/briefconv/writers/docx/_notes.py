"""Word footnotes: the ``word/footnotes.xml`` part, note ids, and the settings that go with it.

python-docx has no footnote API, so the part is built here as Word writes it: a
``w:footnotes`` root holding the separator (id -1) and continuation separator (id 0) that
Word draws above the notes, then one ``w:footnote`` per note, numbered 1, 2, ... across
the whole document (so the ids of a pack's articles never clash). The part is related
from ``document.xml`` and gets its content-type override when python-docx saves it;
``w:footnotePr`` in ``settings.xml`` names the separators, as Word's own files do.

In a pack each article numbers its notes from 1, as the model asks: every section
restarts (``w:numRestart`` "eachSect", each article being a section). That is said once
for the whole document in ``settings.xml``, where Word reads it for every section that
says nothing itself, and once in the body's own (last) ``w:sectPr``, the only place
LibreOffice 7.4 reads it: it takes it as "restart at each chapter", a chapter starting at
each ``Heading 1``, which in a pack is an article's title. (LibreOffice numbers every
note 0 when more than one section says it, so the other sections do not.) A handout is
one section and numbers its notes straight through; a template's "eachSect" (pandoc's
reference document has one) is dropped there, as it means nothing to Word in a document
of one section and would make LibreOffice restart at each of the article's headings.

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

_R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
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

        With ``restart`` (a pack) every section numbers its notes from 1 (see the module's
        documentation for where that is said). Called once the body is complete.
        """
        if not self.used:
            return
        settings = self._doc.settings.element
        props = settings.find(qn("w:footnotePr"))
        if props is None:
            props = el("w:footnotePr")
            for note_id in self._separator_ids:
                props.append(el("w:footnote", id=str(note_id)))
            settings.insert_element_before(props, *_AFTER_FOOTNOTE_PR)
        body_sect = self._doc.element.body.find(qn("w:sectPr"))
        if restart:
            _restart_each_section(props)
            if body_sect is not None:
                _restart_each_section(_section_footnote_props(body_sect))
        elif body_sect is not None:
            for old in body_sect.xpath('./w:footnotePr/w:numRestart[@w:val="eachSect"]'):
                section_props = old.getparent()
                section_props.remove(old)
                if len(section_props) == 0:
                    body_sect.remove(section_props)

    def _create(self) -> None:
        """Add a footnotes part holding Word's two separators, related from the document."""
        # r: is declared on the root, as in document.xml, for the notes' hyperlinks.
        root = parse_xml(f'<w:footnotes xmlns:w="{W_NS}" xmlns:r="{_R_NS}"/>'.encode())
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


def _section_footnote_props(sect: Elem) -> Elem:
    """The ``w:footnotePr`` of a ``w:sectPr``, added if it has none.

    It goes after the header and footer references (CT_SectPr order); a template's own is
    kept, with its other settings.
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
    return props


def _restart_each_section(props: Elem) -> None:
    """Make a ``w:footnotePr`` (of settings or of a section) restart numbers each section.

    ``w:numRestart`` goes after the position, number format and start, and before the
    separators a document-wide one names (CT_FtnDocProps order).
    """
    for old in props.findall(qn("w:numRestart")):
        props.remove(old)
    restart = el("w:numRestart", val="eachSect")
    first_note = props.find(_W_FOOTNOTE)
    if first_note is not None:
        first_note.addprevious(restart)
    else:
        props.append(restart)
