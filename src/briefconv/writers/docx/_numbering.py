"""List numbering of the DOCX writer: a fresh ``w:num`` per list, nested levels, indents."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import cast

from docx import Document
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from docx.parts.numbering import NumberingPart

from briefconv.styles import Role
from briefconv.writers._blocks import list_hang
from briefconv.writers.docx._oxml import W_NS, Doc, Elem, el, insert_ordered, twips

__all__ = ["LIST_KINDS", "MAX_LEVEL", "Numbering", "define_lists", "list_indent"]

#: Deepest Word list level (``w:ilvl`` 0-8); deeper lists are drawn at this level.
MAX_LEVEL = 8

#: Bullets of nested list levels: level 0 keeps the template's (Symbol's bullet).
_BULLETS = ("\u2022", "\u25e6", "\u25aa")


#: The two kinds of list, by the Word style of their items.
LIST_KINDS = ("List Bullet", "List Number")


def define_lists(doc: Doc, role: Role, kept: frozenset[str]) -> dict[str, int]:
    """Set up the numbering definitions of the list styles; their abstract ids by style.

    A list style kept from a template keeps the template's numbering definition as it is;
    one we style gets its level 0 indented as the list role. Every definition gets the
    nested levels it lacks. Done once per base document (see :mod:`._base`); the lists
    themselves are numbered by :class:`Numbering`.
    """
    definitions = _Definitions(_numbering_element(doc))
    abstract: dict[str, int] = {}
    defaults: Doc | None = None
    for kind in LIST_KINDS:
        abstract_id = definitions.abstract_id(doc.styles[kind].element)
        if abstract_id is None:
            # A style copied for a template, or a template's list style without
            # numbering: take python-docx's definition of this kind of list.
            defaults = defaults or Document()
            source = defaults.part.numbering_part.element
            abstract_id = definitions.copy_abstract(source, _style_abstract_id(defaults, kind))
        abstract[kind] = abstract_id
        if kind not in kept:
            definitions.indent_level(abstract_id, role, numbered=kind == "List Number")
        definitions.add_levels(abstract_id, kind)
    return abstract


class Numbering:
    """Per-document list numbering: one fresh ``w:num`` for every list.

    Paragraphs styled ``List Number`` all share the style's ``w:num`` and so count on
    across separate lists; a new ``w:num`` with a ``w:startOverride`` makes each list
    restart (at its own ``start``). ``abstract`` gives each list style's numbering
    definition, as :func:`define_lists` set it up.
    """

    def __init__(self, doc: Doc, abstract: Mapping[str, int]) -> None:
        self._numbering = _numbering_element(doc)
        self._abstract = dict(abstract)
        # CT_Numbering.add_num finds the next numId by reading every w:num's (the lowest
        # unused) and then scans for w:numIdMacAtCleanup to insert before: O(n) per list,
        # O(n²) for a pack. The same ids come from the ids in use, read once, and a
        # counter; the new w:num goes before w:numIdMacAtCleanup if there is one.
        self._used_num_ids = {int(v) for v in self._numbering.xpath("./w:num/@w:numId")}
        self._next_num_id = 1
        self._cleanup: Elem | None = self._numbering.find(qn("w:numIdMacAtCleanup"))

    def new_list(self, kind: str, start: int | None, depth: int = 0) -> int:
        """Create a numbering instance for one list of ``kind``; return its ``numId``.

        ``depth`` is the list's nesting level (``w:ilvl``), where its start is set.
        """
        num_id = self._next_num_id
        while num_id in self._used_num_ids:
            num_id += 1
        self._used_num_ids.add(num_id)
        self._next_num_id = num_id + 1
        # What CT_Num.new builds.
        num = el("w:num", numId=str(num_id))
        num.append(el("w:abstractNumId", val=str(self._abstract[kind])))
        if self._cleanup is not None:
            self._cleanup.addprevious(num)
        else:
            self._numbering.append(num)
        if start is not None:
            num.add_lvlOverride(ilvl=min(depth, MAX_LEVEL)).add_startOverride(start)
        return num_id


class _Definitions:
    """The abstract numbering definitions of a document's ``w:numbering``, as set up once."""

    def __init__(self, numbering: Elem) -> None:
        self._numbering = numbering

    def add_levels(self, abstract_id: int, kind: str) -> None:
        """Give a list definition levels 1-8 (nested lists) where it has only level 0.

        Each copies level 0, one level-0 indent further in; bullets alternate, numbers
        stay decimal (the model's lists have no number style). Levels a template defines
        are kept as they are.
        """
        (abstract,) = (
            a
            for a in self._numbering.findall(qn("w:abstractNum"))
            if a.get(qn("w:abstractNumId")) == str(abstract_id)
        )
        levels = {lvl.get(qn("w:ilvl")): lvl for lvl in abstract.findall(qn("w:lvl"))}
        first = levels.get("0")
        if first is None:
            return
        ind = first.find(f"{qn('w:pPr')}/{qn('w:ind')}")
        left = int(ind.get(qn("w:left"), "360")) if ind is not None else 360
        hanging = int(ind.get(qn("w:hanging"), "360")) if ind is not None else 360
        previous = first
        for level in range(1, MAX_LEVEL + 1):
            if str(level) in levels:
                previous = levels[str(level)]
                continue
            lvl = copy.deepcopy(first)
            lvl.set(qn("w:ilvl"), str(level))
            for child in lvl.findall(qn("w:pStyle")) + lvl.findall(qn("w:rPr")):
                lvl.remove(child)
            text = lvl.find(qn("w:lvlText"))
            if text is not None:
                if kind == "List Bullet":
                    text.set(qn("w:val"), _BULLETS[level % len(_BULLETS)])
                else:
                    text.set(qn("w:val"), f"%{level + 1}.")
            ppr = lvl.find(qn("w:pPr"))
            if ppr is not None:
                level_left = left * (level + 1)
                for old in ppr.findall(qn("w:tabs")) + ppr.findall(qn("w:ind")):
                    ppr.remove(old)
                tabs = el("w:tabs")
                tabs.append(el("w:tab", val="num", pos=str(level_left)))
                ppr.insert(0, tabs)
                ppr.append(el("w:ind", left=str(level_left), hanging=str(hanging)))
            previous.addnext(lvl)
            previous = lvl

    def abstract_id(self, style_element: Elem) -> int | None:
        """The abstract numbering definition a list style's ``w:numPr`` points at, if any."""
        num_ids = style_element.xpath("./w:pPr/w:numPr/w:numId/@w:val")
        if not num_ids:
            return None
        found = self._numbering.xpath(f'./w:num[@w:numId="{num_ids[0]}"]/w:abstractNumId/@w:val')
        return int(found[0]) if found else None

    def copy_abstract(self, source: Elem, abstract_id: int) -> int:
        """Copy abstract definition ``abstract_id`` of ``source`` in; return its new id."""
        (found,) = source.xpath(f'./w:abstractNum[@w:abstractNumId="{abstract_id}"]')
        copied = copy.deepcopy(found)
        used = [int(v) for v in self._numbering.xpath("./w:abstractNum/@w:abstractNumId")]
        new_id = max(used, default=-1) + 1
        copied.set(qn("w:abstractNumId"), str(new_id))
        # nsid/tmpl identify a list across documents (a copy must not claim the template's
        # identity); pStyle links a level to a style id that need not exist here.
        # A deep copy is a plain lxml element: its xpath() needs the namespace spelt out.
        for child in copied.xpath("./w:nsid | ./w:tmpl | ./w:lvl/w:pStyle", namespaces={"w": W_NS}):
            child.getparent().remove(child)
        # Schema order: every w:abstractNum comes before the first w:num.
        self._numbering.insert_element_before(copied, "w:num", "w:numIdMacAtCleanup")
        return new_id

    def indent_level(self, abstract_id: int, role: Role, *, numbered: bool) -> None:
        """Give level 0 of a list definition the list role's indent (the text's start)."""
        found = self._numbering.xpath(
            f'./w:abstractNum[@w:abstractNumId="{abstract_id}"]/w:lvl[@w:ilvl="0"]/w:pPr'
        )
        left, hanging = list_indent(role, numbered=numbered)
        for ppr in found:
            # Numbering indentation beats the paragraph style's, so it must agree with it.
            ppr.remove_all("w:tabs", "w:ind")
            tabs = el("w:tabs")
            tabs.append(el("w:tab", val="num", pos=str(left)))
            insert_ordered(ppr, tabs)
            insert_ordered(ppr, el("w:ind", left=str(left), hanging=str(hanging)))


def _style_abstract_id(doc: Doc, kind: str) -> int:
    """The abstract numbering id of list style ``kind`` in python-docx's default template."""
    num_id = doc.styles[kind].element.pPr.numPr.numId.val
    numbering = doc.part.numbering_part.element
    return int(numbering.num_having_numId(num_id).abstractNumId.val)


def _numbering_element(doc: Doc) -> Elem:
    """The document's ``w:numbering``, adding a numbering part to a template without one.

    python-docx's own fallback (``NumberingPart.new``) raises NotImplementedError.
    """
    try:
        part = doc.part.part_related_by(RT.NUMBERING)
    except KeyError:
        package = doc.part.package
        xml = f'<w:numbering xmlns:w="{W_NS}"/>'.encode()
        # The usual name, not next_partname()'s numbering1.xml: pandoc looks for
        # word/numbering.xml by name and would lose every list.
        taken = {p.partname for p in package.iter_parts()}
        partname = PackURI("/word/numbering.xml")
        if partname in taken:
            partname = package.next_partname("/word/numbering%d.xml")
        part = NumberingPart(
            partname,
            CT.WML_NUMBERING,
            parse_xml(xml),
            package,
        )
        doc.part.relate_to(part, RT.NUMBERING)
    return cast(NumberingPart, part).element


def list_indent(role: Role, *, numbered: bool = False) -> tuple[int, int]:
    """List text indent and the hanging width of its bullet or number, in twips.

    The role's ``indent`` is where item text starts; the marker hangs before it by its own
    width and a gap, as the PDF sets it (:func:`~briefconv.writers._blocks.list_hang`), so
    a bullet stands a little in from the margin, not on it.
    """
    left = twips(role.indent)
    return left, min(left, twips(list_hang(role, numbered=numbered)))
