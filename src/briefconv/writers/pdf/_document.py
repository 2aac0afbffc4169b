"""The PDF document: one template and one render for handouts and packs (PITFALLS 7).

A document is laid out once (a runt last page aside: see ``_layout.rendered_pack``). What
only the end of layout knows, the page count in "Page X of Y" and the page each article
starts on in a pack's contents, is drawn as PDF forms defined after the last page
(:class:`._flowables.FinishingCanvas`), so bookmarks stay on their pages (the
``NumberedCanvas`` recipe sends them all to page 1) and nothing is laid out twice.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from reportlab.pdfbase.pdfdoc import PDFDate, PDFDictionary, PDFInfo, PDFName, PDFString
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

from briefconv.model import Pack
from briefconv.styles import Style
from briefconv.wording import one_line
from briefconv.writers._dates import pack_datetime
from briefconv.writers.pdf._flowables import (
    ContentsNumbers,
    FinishingCanvas,
    HeadingKeeper,
    HeadingParagraph,
    SectionBreak,
)
from briefconv.writers.pdf._furniture import Chrome
from briefconv.writers.pdf._tags import Structure, Tagging, artifact

__all__ = ["Document", "Rendered", "render"]


class _ClassifiedInfo(PDFInfo):  # type: ignore[misc]  # reportlab has no type stubs
    """The document information dictionary plus a custom ``/Classification`` key."""

    def __init__(self, classification: str) -> None:
        super().__init__()
        self.classification = classification

    def format(self, document: Any) -> Any:
        """The same entries as reportlab's ``PDFInfo.format`` writes, plus the marking."""
        when = PDFDate(ts=document._timeStamp, dateFormatter=self._dateFormatter)
        entries = {
            "Title": PDFString(self.title),
            "Author": PDFString(self.author),
            "CreationDate": when,
            "ModDate": when,
            "Producer": PDFString(self.producer),
            "Creator": PDFString(self.creator),
            "Subject": PDFString(self.subject),
            "Keywords": PDFString(self.keywords),
            "Trapped": PDFName(self.trapped),
            "Classification": PDFString(self.classification),
        }
        return PDFDictionary(entries).format(document)


class Document(BaseDocTemplate):  # type: ignore[misc]  # reportlab has no type stubs
    """A document that shows its outline, is dated from the pack and follows its sections.

    It notes the current section (for the running head), whether the page about to begin
    opens a part (``opener``: the first page, and the first after a :class:`SectionBreak`,
    which carry no running head), the page each article starts on (for the contents) and
    the pages that carry a footer, with their count. A heading is
    kept with the first part of a table or code block after it, not with all of it
    (:class:`HeadingKeeper`).
    """

    def __init__(
        self,
        *args: Any,
        pdf_date: str,
        classification: str | None,
        first_section: str,
        **kwargs: Any,
    ) -> None:
        """A ``BaseDocTemplate`` (same arguments) dated ``pdf_date`` (a PDF date string).

        ``classification``, if any, goes into the information dictionary; ``first_section``
        is the section of the first page (the later ones start at a :class:`SectionBreak`).
        """
        self._pdf_date = pdf_date
        self._classification = classification
        self._first_section = first_section
        self.section = first_section
        self.opener = True
        self.first_pages: dict[str, int] = {}
        self.footer_pages: list[int] = []
        self.page_count = 0
        #: Page of the last flowable set, and how far down its frame the flowable ended.
        self.last_page = 0
        self.last_used = 0.0
        # An init argument, not a class attribute: reportlab sets every one on the instance.
        kwargs.setdefault("keepTogetherClass", HeadingKeeper)
        super().__init__(*args, **kwargs)

    def beforeDocument(self) -> None:
        """Open with the outline visible; date the file from the pack, not the clock.

        Starts the section tracking afresh, should the document be built again, and adds
        the marking key.
        """
        self.canv.showOutline()
        pdf_date = self._pdf_date
        self.canv.setDateFormatter(lambda *_: pdf_date)
        # reportlab seeds the file's /ID with SOURCE_DATE_EPOCH when it is set, even in
        # invariant mode, so a dated pack's bytes would change with it: seed with our date.
        doc = self.canv._doc
        doc.signature = hashlib.md5(usedforsecurity=False)
        doc.signature.update(pdf_date.encode("ascii"))
        self.section = self._first_section
        self.opener = True
        self.first_pages = {}
        self.footer_pages = []
        self.page_count = 0
        self.last_page = 0
        self.last_used = 0.0
        if self._classification is not None:
            info = _ClassifiedInfo(self._classification)
            info.__dict__.update(self.canv._doc.info.__dict__)
            self.canv._doc.info = info

    def afterFlowable(self, flowable: Any) -> None:
        """Follow section breaks; note the page of each top-level outline entry.

        Also notes how much of its page's frame the flowable filled, for the last page.
        """
        frame = getattr(self, "frame", None)
        if frame is not None:  # None for what a group measures or sets outside a frame
            self.last_page = self.page
            self.last_used = frame._y2 - frame._topPadding - frame._y
        # Called for every flowable, not only paragraphs (PITFALLS 7).
        if isinstance(flowable, SectionBreak):
            # Read when the next page begins (after this break, before its flowables).
            self.section = flowable.title
            self.opener = True
        elif (
            isinstance(flowable, HeadingParagraph)
            and flowable.outline is not None
            and flowable.outline.level == 0
        ):
            self.first_pages.setdefault(flowable.outline.key, self.page)


@dataclass(frozen=True, slots=True)
class _Info:
    """What the document information dictionary says."""

    title: str
    author: str
    subject: str
    keywords: list[str]


def _info(pack: Pack) -> _Info:
    """Title, author, subject and keywords of the file.

    An article whose title is the document's title (a handout) gives the document its
    authors and subtitle too; a pack gives its own title, preparer and subtitle. The
    keywords are the pack's marking and the articles' sources.
    """
    meta = pack.meta
    marking = one_line(meta.classification or "") or None
    sources = dict.fromkeys(
        one_line(e.article.meta.source) for e in pack.articles if e.article.meta.source
    )
    keywords = [k for k in (marking, *sources) if k]
    if pack.layout.title_role == "title":
        article = pack.articles[0].article.meta
        return _Info(
            one_line(article.title),
            ", ".join(one_line(a) for a in article.authors),
            one_line(article.subtitle or article.source or ""),
            keywords,
        )
    return _Info(
        one_line(meta.title),
        one_line(meta.prepared_by or ""),
        one_line(meta.subtitle or ""),
        keywords,
    )


@dataclass(frozen=True, slots=True)
class Rendered:
    """A laid-out PDF: its bytes, its page count and how full its last page is (points).

    ``first_pages`` gives the page (from 1) each top-level outline entry starts on, by its
    key: the articles' entry ids, and ``"contents"``.
    """

    data: bytes
    pages: int
    last_page_used: float
    first_pages: dict[str, int]


def _furniture(draw: Callable[[Any, Any], None], subtype: str) -> Callable[[Any, Any], None]:
    """``draw`` (a page template's callback) marked as a pagination artifact, ``subtype``."""

    def marked(canv: Any, doc: Any) -> None:
        with artifact(canv, subtype):
            draw(canv, doc)

    return marked


def render(
    pack: Pack,
    style: Style,
    chrome: Chrome,
    story: list[Any],
    *,
    first_section: str,
    numbers: ContentsNumbers | None,
    structure: Structure | None = None,
) -> Rendered:
    """Lay ``story`` out once; fill in the footers and the contents' ``numbers`` at the end.

    The pages use the template ``"page"``, with a ``"cover"`` template first if the layout
    has a cover (the story then switches to ``"page"`` after it). ``first_section`` is the
    section the story opens with (see :class:`Document`). With a ``structure``
    (the elements the story's flowables are tagged with) the PDF is tagged; the page
    furniture is then marked as pagination artifacts.
    """
    page = style.page
    footer = style.role("footer")
    info = _info(pack)
    buf = io.BytesIO()
    doc = Document(
        buf,
        classification=one_line(pack.meta.classification or "") or None,
        first_section=first_section,
        pdf_date=pack_datetime(pack).strftime("D:%Y%m%d%H%M%S+00'00'"),
        pagesize=(page.width, page.height),
        leftMargin=page.margin_left,
        rightMargin=page.margin_right,
        topMargin=page.margin_top,
        bottomMargin=page.margin_bottom,
        title=info.title,
        author=info.author,
        subject=info.subject,
        keywords=info.keywords,
        creator="briefconv",
        lang=pack.meta.language,
        displayDocTitle=True,
        # PITFALLS 4: fixed document ID and no timestamps from the clock.
        invariant=1,
        pageCompression=1,
        # The canvas would otherwise start every page in Helvetica, which then appears
        # unembedded in the page resources (PITFALLS 2).
        initialFontName=chrome.footer_face.font_name,
        initialFontSize=footer.size,
    )
    geometry = chrome.geometry

    def frame(name: str) -> Frame:
        return Frame(
            page.margin_left,
            geometry.frame_bottom,
            geometry.frame_width,
            geometry.frame_top - geometry.frame_bottom,
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
            id=name,
        )

    def finish(canv: Any) -> None:
        chrome.footers(canv, doc.footer_pages, doc.page_count)
        if numbers is not None:
            numbers.define(canv, doc.first_pages)

    # Furniture drawn when a page begins comes before the body in extracted text, and
    # furniture drawn when it ends comes after: marking, header, body, footer, marking.
    templates = [
        PageTemplate(
            id="page",
            frames=[frame("body")],
            onPage=_furniture(chrome.page_begin, "Header"),
            onPageEnd=_furniture(chrome.page_end, "Footer"),
        )
    ]
    if pack.layout.cover:
        # The first template is the first page's.
        cover = PageTemplate(
            id="cover",
            frames=[frame("cover")],
            onPage=_furniture(chrome.cover_begin, "Header"),
            onPageEnd=_furniture(chrome.cover_end, "Footer"),
        )
        templates.insert(0, cover)
    doc.addPageTemplates(templates)
    tagging = None
    if structure is not None:
        tagging = Tagging(structure, language=pack.meta.language, title=info.title)
    doc.build(story, canvasmaker=FinishingCanvas.maker(finish, tagging))
    # A last page without flowables (none is ever made, but should one be) is empty.
    used = doc.last_used if doc.last_page == doc.page_count else 0.0
    return Rendered(buf.getvalue(), doc.page_count, used, dict(doc.first_pages))
