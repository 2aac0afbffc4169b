"""Word (DOCX) writer: a :class:`~briefconv.model.Pack` as a structured ``.docx`` file.

A one-article handout (:func:`briefconv.pack.handout`) is the article alone, its title the
document's ``Title``; a briefing pack has a cover, "In this pack" with each article's page
number filled in (from the PDF writer's layout), one section per article with its own
running header, and the classification marking on every page. Structure is carried by
Word's built-in styles, so Word's navigation pane, screen readers and pandoc all see it:
code blocks are ``Source Code`` paragraphs, tables real Word tables with a repeating
header row, footnotes real Word footnotes. python-docx supplies the package, and the XML
it has no API for (hyperlinks, fields, borders, numbering restarts, tables as we lay them
out, footnotes) is built here. The package is split by concern, its imports going one way:

* :mod:`._layout`: the document's parts in order (handout, or cover, contents, articles);
* :mod:`._base`: the document before its content, built once per style in a process and
  copied for each document;
* :mod:`._content`: blocks, lists, code, tables, footnotes' text, figures, runs and links;
* :mod:`._furniture`: page setup, headers and footers, fields, the marking;
* :mod:`._styles`: Word styles from the style's roles;
* :mod:`._tables`: a table's skeleton, column widths and table style;
* :mod:`._notes`: the footnotes part, note ids and footnote settings;
* :mod:`._numbering`: list numbering;
* :mod:`._settings`: ``settings.xml`` as Word writes it;
* :mod:`._package`: the base document (or ``[docx] template``), core properties, saving;
* :mod:`._oxml`: tags, element builders, units and per-document lookups.

Example::

    >>> from briefconv.model import Article, ArticleMeta, Paragraph, Text
    >>> from briefconv.pack import handout
    >>> from briefconv.styles import load_style
    >>> article = Article(ArticleMeta(title="Talks"), (Paragraph((Text("Hi <b>"),)),))
    >>> DocxWriter().write_pack(handout(article), load_style())[:2]
    b'PK'
"""

from __future__ import annotations

from typing import ClassVar

from briefconv.model import Pack
from briefconv.styles import Style
from briefconv.writers.docx._layout import write_document

__all__ = ["DocxWriter"]


class DocxWriter:
    """Renders a pack (a handout is a pack of one) as a Word document styled from the style.

    No call sees anything of another: each starts from its own copy of its style's base
    document (built once per process, :mod:`._base`) and keeps its state in locals. What
    the process keeps (the base, the font subsets, the compressed zip members) is a
    function of the style and the bytes alone.
    """

    name: ClassVar[str] = "docx"
    extension: ClassVar[str] = ".docx"
    media_type: ClassVar[str] = (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    description: ClassVar[str] = "Word document (python-docx)"

    def write_pack(self, pack: Pack, style: Style) -> bytes:
        """Render ``pack`` in ``style`` and return the bytes of the ``.docx`` file.

        The pack's layout says what is drawn: a handout (:func:`briefconv.pack.handout`)
        is its one article under the document's title; a briefing pack has a cover,
        contents and running heads unless its layout leaves them out.
        """
        return write_document(pack, style)
