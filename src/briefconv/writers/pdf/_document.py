"""The PDF document templates and the handout's render: laid out once (PITFALLS 7).

Numbers only the end of layout knows (the page count in "Page X of Y") are drawn as PDF
forms defined after the last page (:class:`._flowables.FinishingCanvas`).
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from typing import Any, assert_never

from reportlab.lib.colors import HexColor
from reportlab.pdfbase.pdfdoc import PDFDate, PDFDictionary, PDFInfo, PDFName, PDFString
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

from briefconv.fonts.metrics import Face
from briefconv.model import Article
from briefconv.styles import Style
from briefconv.writers._dates import document_datetime
from briefconv.writers.pdf._flowables import (
    FinishingCanvas,
    HeadingParagraph,
    SectionBreak,
    define_form,
)
from briefconv.writers.pdf._text import plain

__all__ = ["Document", "PackDocument", "Rendered", "footer_text", "render"]


def footer_text(page: int, total: int) -> str:
    """The handout's footer: "Page 3 of 12"."""
    return f"Page {page} of {total}"


@dataclass(frozen=True, slots=True)
class Rendered:
    """A laid-out PDF: its bytes and its number of pages."""

    data: bytes
    pages: int


class Document(BaseDocTemplate):  # type: ignore[misc]  # reportlab has no type stubs
    """A one-frame document that shows its outline and stamps the article's date."""

    def __init__(self, *args: Any, pdf_date: str, **kwargs: Any) -> None:
        self._pdf_date = pdf_date
        super().__init__(*args, **kwargs)

    def beforeDocument(self) -> None:
        """Open with the outline visible; date the file from the article, not the clock."""
        self.canv.showOutline()
        pdf_date = self._pdf_date
        self.canv.setDateFormatter(lambda *_: pdf_date)
        # reportlab seeds the file's /ID with SOURCE_DATE_EPOCH when it is set, even in
        # invariant mode, so a dated pack's bytes would change with it: seed with our date.
        doc = self.canv._doc
        doc.signature = hashlib.md5(usedforsecurity=False)
        doc.signature.update(pdf_date.encode("ascii"))


def render(
    article: Article,
    style: Style,
    footer_face: Face,
    story: list[Any],
) -> Rendered:
    """Lay ``story`` out once into a PDF; the footers' page count is filled in at the end.

    Each page draws a form of its own for its footer, defined after the last page, when
    the count is known (:class:`FinishingCanvas`): a form per page, since a centred or
    right-aligned footer moves with the width of the count.
    """
    meta = article.meta
    page = style.page
    footer = style.role("footer")
    when = document_datetime(article)
    pages = [0]

    def form_name(number: int) -> str:
        return f"briefconv-footer-{number}"

    def on_page(canv: Any, doc: Any) -> None:
        pages[0] = doc.page
        canv.doForm(form_name(doc.page))

    def finish(canv: Any) -> None:
        for number in range(1, pages[0] + 1):
            with define_form(canv, form_name(number)):
                draw_footer(canv, footer_text(number, pages[0]))

    def draw_footer(canv: Any, text: str) -> None:
        canv.saveState()
        canv.setFont(footer_face.font_name, footer.size)
        canv.setFillColor(HexColor(footer.color))
        y = max(page.margin_bottom * 0.45, footer.size)
        match footer.align:
            case "left" | "justify":
                canv.drawString(page.margin_left, y, text)
            case "center":
                canv.drawCentredString(
                    page.margin_left + (page.width - page.margin_left - page.margin_right) / 2,
                    y,
                    text,
                )
            case "right":
                canv.drawRightString(page.width - page.margin_right, y, text)
            case _:
                assert_never(footer.align)
        canv.restoreState()

    keywords = [meta.source] if meta.source else []
    buf = io.BytesIO()
    doc = Document(
        buf,
        pdf_date=when.strftime("D:%Y%m%d%H%M%S+00'00'"),
        pagesize=(page.width, page.height),
        leftMargin=page.margin_left,
        rightMargin=page.margin_right,
        topMargin=page.margin_top,
        bottomMargin=page.margin_bottom,
        title=plain(meta.title),
        author=", ".join(plain(a) for a in meta.authors),
        subject=plain(meta.subtitle or meta.source or ""),
        keywords=keywords,
        creator="briefconv",
        lang=meta.language,
        displayDocTitle=True,
        # PITFALLS 4: fixed document ID and no timestamps from the clock.
        invariant=1,
        pageCompression=1,
        # The canvas would otherwise start every page in Helvetica, which then appears
        # unembedded in the page resources (PITFALLS 2).
        initialFontName=footer_face.font_name,
        initialFontSize=footer.size,
    )
    frame = Frame(
        page.margin_left,
        page.margin_bottom,
        page.width - page.margin_left - page.margin_right,
        page.height - page.margin_top - page.margin_bottom,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="body",
    )
    # Drawn when the page ends, so the footer comes after the body in extracted text.
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame], onPageEnd=on_page)])
    doc.build(story, canvasmaker=FinishingCanvas.maker(finish))
    return Rendered(buf.getvalue(), pages[0])


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


class PackDocument(Document):
    """A pack document: tracks the current section, where each article starts, footers."""

    def __init__(self, *args: Any, classification: str | None, **kwargs: Any) -> None:
        self._classification = classification
        self.section = ""
        self.first_pages: dict[str, int] = {}
        self.footer_pages: list[int] = []
        self.page_count = 0
        super().__init__(*args, **kwargs)

    def beforeDocument(self) -> None:
        """Start afresh should the document be built again; add the marking key."""
        super().beforeDocument()
        self.section = ""
        self.first_pages = {}
        self.footer_pages = []
        self.page_count = 0
        if self._classification is not None:
            info = _ClassifiedInfo(self._classification)
            info.__dict__.update(self.canv._doc.info.__dict__)
            self.canv._doc.info = info

    def afterFlowable(self, flowable: Any) -> None:
        """Follow section breaks; note the page of each top-level outline entry."""
        # Called for every flowable, not only paragraphs (PITFALLS 7).
        if isinstance(flowable, SectionBreak):
            self.section = flowable.title
        elif (
            isinstance(flowable, HeadingParagraph)
            and flowable.outline is not None
            and flowable.outline.level == 0
        ):
            self.first_pages.setdefault(flowable.outline.key, self.page)
