"""Tagged PDF (PDF/UA-1) from reportlab: marked content on the pages, a structure tree.

reportlab's open-source canvas writes no structure tree, but it takes raw content
operators; this module is the small layer that makes a tagged PDF of what the writer
draws, without forking reportlab:

* A :class:`Node` is one structure element (``P``, ``H1``, ``LI``, ``Table``...). The
  story builder makes the tree in the model's order and gives each flowable that draws
  text its node (its ``tag``); a flowable split across pages gives every part the same
  node, so a paragraph split by a page break stays one element.
* :class:`Tagging` is the per-document state the canvas (:class:`TaggingMixin`) keeps:
  everything a page draws is inside exactly one marked-content sequence. Between
  flowables that is an ``/Artifact`` (rules, boxes, backgrounds: layout artifacts); a
  flowable with a node opens ``/P <</MCID n>> BDC`` around what it draws
  (:func:`content`); page furniture opens a pagination artifact with its subtype
  (:func:`artifact`). Sequences are never nested: opening one closes the one before and
  closing it reopens that one (a node interrupted by another gets a fresh MCID), so a
  sequence never crosses a text object (``BT``/``ET``) or another sequence.
* A flowable drawn a second time (a table's header row repeated on the next page) is an
  artifact the second time: it was read once already.
* Links: each link annotation gets a ``Link`` element (with an ``OBJR`` to it) under the
  node being drawn, a ``/StructParent``, and a ``/Contents`` description (the link's
  text, or the note it leads to); a footnote's mark is a ``Reference`` holding its link.
* When the file is saved (:meth:`Tagging.write`): ``StructTreeRoot`` with the tree,
  ``ParentTree`` (each page's MCIDs to their elements, each annotation to its ``Link``),
  ``/StructParents`` and ``/Tabs /S`` on pages, ``MarkInfo /Marked true`` and XMP
  metadata with ``dc:title``, ``dc:language`` and ``pdfuaid:part 1``. Only standard
  structure types are used, so there is no ``RoleMap``. Elements with no content (a list
  item whose text never reached a page) are left out.

Forms (the footers and contents numbers drawn after layout) take no marks of their own:
the page that draws a form marks the ``Do`` (a footer's as an artifact, a contents
number as part of its entry).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from reportlab.pdfbase.pdfdoc import (
    PDFArray,
    PDFDictionary,
    PDFName,
    PDFObjectReference,
    PDFStream,
    PDFString,
)
from reportlab.pdfgen.textobject import PDFTextObject

from briefconv.writers._runs import escape_markup

__all__ = [
    "Node",
    "Structure",
    "Tagging",
    "TaggingMixin",
    "artifact",
    "content",
    "label_next_text",
    "link_owner",
    "paragraph_lines",
    "pdf_text_string",
]


@dataclass(frozen=True, slots=True)
class _Mark:
    """A marked-content sequence: page index (from 0) and its MCID on that page."""

    page: int
    mcid: int


@dataclass(eq=False, slots=True)
class _Annotation:
    """A link annotation (reportlab's object, and its name) on page ``page`` (from 0)."""

    obj: Any
    name: str
    page: int


@dataclass(eq=False)
class Node:
    """A structure element: its standard type, attributes and children in reading order.

    ``attributes`` are written as the element's ``/A`` dictionary (e.g. ``{"O": "Table",
    "Scope": "Column"}``); ``alt`` is ``/Alt`` (a figure's description), ``lang`` is
    ``/Lang`` (set where it differs from the document's).
    """

    role: str
    parent: Node | None = None
    alt: str | None = None
    lang: str | None = None
    attributes: dict[str, str] | None = None
    kids: list[Node | _Mark | _Annotation] = field(default_factory=list)

    def add(self, role: str, **kwargs: Any) -> Node:
        """A new child element of type ``role``, after the children so far."""
        child = Node(role, parent=self, **kwargs)
        self.kids.append(child)
        return child

    def slot(self) -> Node:
        """A place, after the children so far, for content of this element drawn later.

        Elements are made in reading order before anything is drawn, and content is
        noted as it is drawn: a list item's text must come before the nested list made
        with it, a figure's image before its caption. The slot is no element of its
        own (its role is empty): what it holds is this element's, in its place.
        """
        return self.add("")

    @property
    def element(self) -> Node:
        """The element this node's content belongs to: itself, or a slot's element."""
        node = self
        while not node.role and node.parent is not None:
            node = node.parent
        return node

    def has_content(self) -> bool:
        """Whether anything on a page (text, an image, an annotation) belongs to it."""
        return any(not isinstance(kid, Node) or kid.has_content() for kid in self.kids)


@dataclass
class Structure:
    """A document's structure as the story builder makes it, for :class:`Tagging`.

    ``root`` is the ``Document`` element the story's nodes hang under; ``links`` gives the
    description of a link target (a URL, or the bookmark name of an internal link: its
    text, the article it leads to), and ``notes`` the bookmark names of footnotes, whose
    marks are references (``Reference`` › ``Link``).
    """

    root: Node = field(default_factory=lambda: Node("Document"))
    links: dict[str, str] = field(default_factory=dict)
    notes: set[str] = field(default_factory=set)

    def describe(self, target: str, text: str) -> None:
        """Describe links to ``target`` as ``text`` (the first description given stays)."""
        text = " ".join(text.split())
        if text:
            self.links.setdefault(target, text)


@dataclass(frozen=True, slots=True)
class _Sequence:
    """An open marked-content sequence: a node's content or an artifact."""

    node: Node | None
    #: The artifact's properties (``/Type``, ``/Subtype``) for an artifact; ignored else.
    artifact: tuple[tuple[str, str], ...] = ()


#: Content-stream operations that draw nothing: graphics state (q, Q, cm, colours, lines).
_STATE_ONLY = re.compile(r"^(?:[-+\d. ]*(?:q|Q|cm|rg|RG|g|G|k|K|w|J|j|d|M)\s*)+$")

#: The sequence everything is in unless something says otherwise: a layout artifact.
_LAYOUT = _Sequence(None)


class Tagging:
    """One document's marked content and structure tree, kept as its canvas draws.

    ``structure`` holds the elements the story's flowables are tagged with;
    ``language`` is the document's (``dc:language``), ``title`` its title (``dc:title``).
    """

    def __init__(self, structure: Structure, *, language: str, title: str) -> None:
        """Start with no page drawn."""
        self.root = structure.root
        self.language = language
        self.title = title
        self.links = structure.links
        self.notes = structure.notes
        self._stack: list[_Sequence] = [_LAYOUT]
        #: Per page (from 0): the node of each MCID, in MCID order.
        self._pages: list[list[Node]] = [[]]
        self._annotations: list[tuple[_Annotation, Node]] = []
        self._owners: list[Node] = []
        self._label: Node | None = None
        self._in_form = 0
        #: Length of the page's code just after the last content sequence was opened.
        self._fresh = -1
        #: The lines of the paragraph being drawn (0: none is), for its text objects.
        self.paragraph_lines = 0

    # -- the content stream

    def _emit(self, canv: Any, sequence: _Sequence) -> None:
        """Open ``sequence`` in the content stream (the one before is closed)."""
        if sequence.node is None:
            if sequence.artifact:
                props = " ".join(f"/{k} /{v}" for k, v in sequence.artifact)
                canv._code.append(f"/Artifact <<{props}>> BDC")
            else:
                canv._code.append("/Artifact BMC")
            return
        page = self._pages[-1]
        mcid = len(page)
        element = sequence.node.element
        page.append(element)
        sequence.node.kids.append(_Mark(len(self._pages) - 1, mcid))
        canv._code.append(f"/{element.role} <</MCID {mcid}>> BDC")
        self._fresh = len(canv._code)

    def push(self, canv: Any, sequence: _Sequence) -> None:
        """Close the open sequence and open ``sequence``."""
        if self._in_form:
            return
        canv._code.append("EMC")
        self._stack.append(sequence)
        self._emit(canv, sequence)

    def pop(self, canv: Any) -> None:
        """Close the innermost sequence and reopen the one it interrupted."""
        if self._in_form:
            return
        canv._code.append("EMC")
        self._stack.pop()
        self._emit(canv, self._stack[-1])

    def first_time(self, flowable: Any) -> bool:
        """Whether ``flowable`` is drawn for the first time (noting that it now is)."""
        # Noted on the flowable, not in a set here: reportlab lets go of a flowable once
        # it is drawn, and a set of them would hold a whole pack's story in memory.
        if getattr(flowable, "_drawn_by", None) is self:
            return False
        flowable._drawn_by = self
        return True

    # -- pages, forms, text objects and annotations (called by the canvas)

    def page_code(self, code: list[str]) -> None:
        """Wrap a finished page's ``code``: it starts and ends in the layout artifact."""
        code.insert(0, "/Artifact BMC")
        code.append("EMC")

    def next_page(self) -> None:
        """A page was shown: MCIDs start again from 0."""
        self._pages.append([])

    @property
    def page_index(self) -> int:
        """The page being drawn, from 0."""
        return len(self._pages) - 1

    def text_object(self, canv: Any, code: str) -> None:
        """Append a text object's ``code``, as the pending list label's if there is one."""
        label = self._label
        if label is None or self._in_form:
            canv._code.append(code)
            return
        self._label = None
        top = self._stack[-1]
        fresh = self._fresh
        if (
            top.node is not None
            and fresh > 0
            and all(_STATE_ONLY.match(op) for op in canv._code[fresh:])
        ):
            # The item's sequence was opened for its bullet, nothing drawn in it yet: the
            # label takes its place rather than leave an empty MCID before it.
            del canv._code[fresh - 1]
            top.node.kids.pop()
            self._pages[-1].pop()
            self._emit(canv, _Sequence(label))
            canv._code.append(code)
            canv._code.append("EMC")
            self._emit(canv, top)
            return
        self.push(canv, _Sequence(label))
        canv._code.append(code)
        self.pop(canv)

    def annotation(self, obj: Any, name: str, target: str, internal: bool) -> None:
        """Give the link annotation ``obj`` (``name``) to a ``Link`` of the node drawn."""
        if not self._owners:
            return
        owner = self._owners[-1]
        if internal and target in self.notes:
            owner = owner.add("Reference")
        link = owner.add("Link")
        annotation = _Annotation(obj, name, self.page_index)
        link.kids.append(annotation)
        self._annotations.append((annotation, link))
        description = self.links.get(target) or target
        if isinstance(obj, PDFDictionary):
            obj["Contents"] = PDFString(description)
        else:
            obj.Contents = description

    # -- the file

    def write(self, doc: Any) -> None:
        """Add the structure tree, the parent tree, MarkInfo and XMP to ``doc``'s catalog.

        Call when every page has been shown, before the file is written.
        """
        pages = doc.Pages.pages
        refs: dict[int, PDFObjectReference] = {}
        counter = itertools.count()

        def ref(node: Node) -> PDFObjectReference:
            key = id(node)
            if key not in refs:
                refs[key] = PDFObjectReference(f"BCStruct{next(counter)}")
            return refs[key]

        def page_ref(index: int) -> Any:
            return doc.Reference(pages[index])

        root_ref = PDFObjectReference("BCStructTreeRoot")
        nodes: list[tuple[Node, PDFObjectReference]] = []

        def build(node: Node, parent: PDFObjectReference) -> PDFObjectReference:
            me = ref(node)
            entries: dict[str, Any] = {
                "Type": PDFName("StructElem"),
                "S": PDFName(node.role),
                "P": parent,
            }
            first_page = next(
                (k.page for k in _spliced(node.kids) if isinstance(k, _Mark | _Annotation)), None
            )
            if first_page is not None:
                entries["Pg"] = page_ref(first_page)
            kids: list[Any] = []
            for kid in _spliced(node.kids):
                if isinstance(kid, Node):
                    if kid.has_content():
                        kids.append(build(kid, me))
                elif isinstance(kid, _Mark):
                    if kid.page == first_page:
                        kids.append(kid.mcid)
                    else:
                        kids.append(
                            PDFDictionary(
                                {
                                    "Type": PDFName("MCR"),
                                    "Pg": page_ref(kid.page),
                                    "MCID": kid.mcid,
                                }
                            )
                        )
                else:
                    obj_ref = doc.refAnnotation(kid.name)
                    kids.append(
                        PDFDictionary(
                            {"Type": PDFName("OBJR"), "Obj": obj_ref, "Pg": page_ref(kid.page)}
                        )
                    )
            entries["K"] = kids[0] if len(kids) == 1 else PDFArray(kids)
            if node.alt is not None:
                entries["Alt"] = PDFString(node.alt)
            if node.lang is not None:
                entries["Lang"] = PDFString(node.lang)
            if node.attributes:
                entries["A"] = PDFDictionary({k: PDFName(v) for k, v in node.attributes.items()})
            nodes.append((node, me))
            doc.Reference(PDFDictionary(entries), me.name)
            return me

        document = build(self.root, root_ref)
        elements = {id(node): me for node, me in nodes}
        nums: list[Any] = []
        for index, owners in enumerate(self._pages[: len(pages)]):
            pages[index].StructParents = index
            nums += [index, PDFArray([elements[id(node)] for node in owners])]
        next_key = len(pages)
        for annotation, link in self._annotations:
            key = next_key
            next_key += 1
            obj = annotation.obj
            if isinstance(obj, PDFDictionary):
                obj["StructParent"] = key
            else:
                obj.permitted = (*obj.permitted, "StructParent")
                obj.otherkw["StructParent"] = key
            nums += [key, elements[id(link)]]
        parent_tree = doc.Reference(PDFDictionary({"Nums": PDFArray(nums)}), "BCParentTree")
        tree_root = PDFDictionary(
            {
                "Type": PDFName("StructTreeRoot"),
                "K": document,
                "ParentTree": parent_tree,
                "ParentTreeNextKey": next_key,
            }
        )
        doc.Reference(tree_root, root_ref.name)
        catalog = doc.Catalog
        catalog.StructTreeRoot = root_ref
        catalog.MarkInfo = PDFDictionary({"Marked": "true"})
        catalog.Metadata = _xmp(self.title, self.language)

    # -- the structure being drawn

    @contextmanager
    def owning(self, node: Node) -> Iterator[None]:
        """Links made inside belong to ``node``."""
        self._owners.append(node)
        try:
            yield
        finally:
            self._owners.pop()

    def expect_label(self, node: Node | None) -> None:
        """The next text object drawn is ``node``'s (a list item's label)."""
        self._label = node

    def begin_form(self) -> None:
        """A form is being drawn: no marks inside it (the page marks its ``Do``)."""
        self._in_form += 1

    def end_form(self) -> None:
        """The form is done."""
        self._in_form -= 1


def _spliced(kids: list[Node | _Mark | _Annotation]) -> Iterator[Node | _Mark | _Annotation]:
    """``kids`` with each slot replaced by what it holds (see :meth:`Node.slot`)."""
    for kid in kids:
        if isinstance(kid, Node) and not kid.role:
            yield from _spliced(kid.kids)
        else:
            yield kid


def _xmp(title: str, language: str) -> PDFStream:
    """An XMP metadata stream: title, language, and the PDF/UA-1 identification."""
    title, language = escape_markup(title), escape_markup(language)
    packet = f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">
<dc:format>application/pdf</dc:format>
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{title}</rdf:li></rdf:Alt></dc:title>
<dc:language><rdf:Bag><rdf:li>{language}</rdf:li></rdf:Bag></dc:language>
</rdf:Description>
<rdf:Description rdf:about="" xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">
<pdfuaid:part>1</pdfuaid:part>
</rdf:Description>
</rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""
    dictionary = PDFDictionary({"Type": PDFName("Metadata"), "Subtype": PDFName("XML")})
    # Uncompressed, as XMP is meant to be found by tools that do not parse the PDF.
    return PDFStream(dictionary, packet.encode("utf-8"), filters=[])


#: Characters a line may end with where no space follows in the text (a hyphenated word).
_JOINED = frozenset("-\u2010\u2011\u00ad\u2013\u2014/")


class _SpacedText(PDFTextObject):  # type: ignore[misc]  # reportlab has no type stubs
    """A paragraph's text object that keeps the spaces its lines end at.

    reportlab breaks lines at spaces and drops them, so a tagged paragraph's text read
    from its structure (as screen readers and ``pdfinfo -struct-text`` read it) glued the
    last word of each line to the first of the next. This draws that space at the end of
    each of the paragraph's ``lines`` but the last, where it shows nothing: what pdfTeX's
    tagging does with its "fake spaces".
    """

    def __init__(self, *args: Any, lines: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._lines_left = lines

    def _textOut(self, text: str, TStar: int = 0) -> None:
        if TStar:
            self._lines_left -= 1
            # An empty text ends a line at a hard line break (or a callback): a space too.
            if self._lines_left > 0 and not (text and (text[-1].isspace() or text[-1] in _JOINED)):
                text += " "
        super()._textOut(text, TStar)


class TaggingMixin:
    """Canvas methods that keep a :class:`Tagging` (``self.tagging``) as pages are drawn.

    Mixed into a reportlab ``Canvas`` before it in the bases; ``tagging`` may be ``None``
    (an untagged document), and then every method is reportlab's own.
    """

    tagging: Tagging | None = None
    #: The target of the link being made: a URL or bookmark name, and whether internal.
    _link_target: tuple[str, bool] | None = None

    def showPage(self) -> None:
        """Wrap the page's content in the layout artifact, then show it."""
        tagging = self.tagging
        if tagging is not None:
            tagging.page_code(self._code)  # type: ignore[attr-defined]
        super().showPage()  # type: ignore[misc]
        if tagging is not None:
            tagging.next_page()

    def _setAnnotations(self, page: Any) -> None:
        """Also give a page its structure entries (``/Tabs /S``; parents at the end)."""
        super()._setAnnotations(page)  # type: ignore[misc]
        if self.tagging is not None and hasattr(page, "pagewidth"):  # a page, not a form
            page.__NoDefault__ = [*page.__NoDefault__, "StructParents", "Tabs"]
            page.Tabs = PDFName("S")
            page.StructParents = None

    def beginForm(self, *args: Any, **kwargs: Any) -> None:
        """Begin a form: nothing inside it is marked."""
        if self.tagging is not None:
            self.tagging.begin_form()
        super().beginForm(*args, **kwargs)  # type: ignore[misc]

    def endForm(self, **kwargs: Any) -> None:
        """End a form."""
        super().endForm(**kwargs)  # type: ignore[misc]
        if self.tagging is not None:
            self.tagging.end_form()

    def beginText(self, x: float = 0, y: float = 0, direction: Any = None) -> Any:
        """A text object; in a paragraph's drawing, one that keeps its lines' spaces."""
        lines = self.tagging.paragraph_lines if self.tagging is not None else 0
        if not lines:
            return super().beginText(x, y, direction)  # type: ignore[misc]
        return _SpacedText(self, x, y, direction=direction, lines=lines)

    def drawText(self, aTextObject: Any) -> None:
        """Draw a text object (a list label's in its own sequence, when one is expected)."""
        if self.tagging is None:
            super().drawText(aTextObject)  # type: ignore[misc]
            return
        self.tagging.text_object(self, str(aTextObject.getCode()))

    def linkRect(self, contents: str, destinationname: str, *args: Any, **kwargs: Any) -> Any:
        """An internal link, tagged as the ``Link`` of the node drawn."""
        self._link_target = (destinationname, True)
        return super().linkRect(contents, destinationname, *args, **kwargs)  # type: ignore[misc]

    def linkURL(self, url: str, *args: Any, **kwargs: Any) -> Any:
        """A link to ``url``, tagged as the ``Link`` of the node drawn."""
        self._link_target = (url, False)
        return super().linkURL(url, *args, **kwargs)  # type: ignore[misc]

    def _addAnnotation(self, annotation: Any, name: str | None = None, addtopage: int = 1) -> Any:
        result = super()._addAnnotation(annotation, name, addtopage)  # type: ignore[misc]
        target = self._link_target
        self._link_target = None
        if self.tagging is not None and target is not None:
            name = name or "NUMBER" + repr(self._annotationCount)  # type: ignore[attr-defined]
            self.tagging.annotation(annotation, name, target[0], target[1])
        return result


def _tagging(canv: Any) -> Tagging | None:
    tagging: Tagging | None = getattr(canv, "tagging", None)
    return tagging


@contextmanager
def content(canv: Any, node: Node | None, flowable: Any = None) -> Iterator[None]:
    """What is drawn inside is ``node``'s content (links made inside are its links).

    With ``flowable``, only its first drawing is: drawn again (a repeated table header)
    it is an artifact, its links still ``node``'s.
    """
    tagging = _tagging(canv)
    if tagging is None or node is None:
        yield
        return
    with tagging.owning(node):
        if flowable is not None and not tagging.first_time(flowable):
            yield
            return
        tagging.push(canv, _Sequence(node))
        try:
            yield
        finally:
            tagging.pop(canv)


def pdf_text_string(text: str) -> str:
    """``text`` as a PDF text string: UTF-16BE with its byte order mark, in hex.

    Hex digits only, so nothing in the text can end the string or the operator.

    >>> pdf_text_string("a<")
    '<FEFF0061003C>'
    """
    return "<FEFF" + text.encode("utf-16-be").hex().upper() + ">"


@contextmanager
def artifact(canv: Any, subtype: str | None = None) -> Iterator[None]:
    """What is drawn inside is a pagination artifact (``subtype``: Header, Footer...).

    Without a subtype it is a layout artifact (a rule, a box), as anything drawn outside
    a node's content is anyway.
    """
    tagging = _tagging(canv)
    if tagging is None:
        yield
        return
    props = (("Type", "Pagination"),) + ((("Subtype", subtype),) if subtype else ())
    tagging.push(canv, _Sequence(None, props if subtype else (("Type", "Layout"),)))
    try:
        yield
    finally:
        tagging.pop(canv)


@contextmanager
def link_owner(canv: Any, node: Node | None) -> Iterator[None]:
    """Links made inside belong to ``node``, what is drawn is not marked for it."""
    tagging = _tagging(canv)
    if tagging is None or node is None:
        yield
        return
    with tagging.owning(node):
        yield


@contextmanager
def paragraph_lines(canv: Any, lines: int) -> Iterator[None]:
    """Text objects begun inside draw a paragraph part of ``lines`` lines."""
    tagging = _tagging(canv)
    if tagging is None:
        yield
        return
    tagging.paragraph_lines = lines
    try:
        yield
    finally:
        tagging.paragraph_lines = 0


def label_next_text(canv: Any, node: Node | None) -> None:
    """The next text object drawn is ``node``'s: a list item's label (its ``Lbl``)."""
    tagging = _tagging(canv)
    if tagging is not None:
        tagging.expect_label(node)
