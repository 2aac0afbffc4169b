"""HTML writer: a pack (a handout is a pack of one) as one self-contained, accessible page.

For intranets and e-mail: one ``.html`` file that needs nothing beside it. The CSS comes
from the same style roles as the EPUB's (:mod:`briefconv.writers._css`) and sits in a
``<style>`` element; images are inlined as ``data:`` URIs (a style's logo too); nothing is
fetched. The content is the EPUB's own markup (:mod:`briefconv.writers._xhtml`), so the
two formats show the same structure, classes and DPUB-ARIA roles (an article is a
``doc-chapter``, its notes a ``doc-endnotes``), put together here as one page in which
everything sits in a landmark:

- ``<header>``: the classification marking (when the pack has one), then the cover (when
  the layout has one);
- ``<nav>``: "In this pack", each title linked to its article on the page;
- ``<main>``: one section per article, its title a heading with the same ids as the EPUB's
  chapters and the PDF's and DOCX's bookmarks.

The document's language and direction are the pack's; an article in another language
says so on its section. A reflowable page has no page headers or footers, so
``layout.running_heads`` draws nothing. Output is deterministic: the same pack gives the
same bytes.
"""

from __future__ import annotations

import base64
from typing import ClassVar

from briefconv.model import Pack
from briefconv.styles import Style
from briefconv.wording import labels, untitled
from briefconv.writers import _xhtml
from briefconv.writers._css import stylesheet

__all__ = ["HtmlWriter"]


def _data_uri(image: _xhtml.Image) -> str:
    """The image as a ``data:`` URI: the page stays one file."""
    return f"data:{image.media_type};base64,{base64.b64encode(image.data).decode('ascii')}"


def _style_element(css: str) -> str:
    """``css`` in a ``<style>`` element; ``</`` is escaped so no rule can close it early."""
    return "<style>\n" + css.replace("</", "<\\/") + "</style>"


class HtmlWriter:
    """Write a :class:`~briefconv.model.Pack` as one self-contained HTML5 page.

    Stateless between calls: everything a call needs lives in its locals.
    """

    name: ClassVar[str] = "html"
    extension: ClassVar[str] = ".html"
    media_type: ClassVar[str] = "text/html"
    description: ClassVar[str] = "one self-contained HTML page (intranet, e-mail)"

    def write_pack(self, pack: Pack, style: Style) -> bytes:
        """Render ``pack`` in ``style`` with the parts its layout asks for; UTF-8 bytes."""
        meta, layout = pack.meta, pack.layout
        handout = layout.title_role == "title"
        images = _xhtml.Images()
        for entry in pack.articles:
            images.collect(entry.article.blocks)
        css = stylesheet(
            style, pack=_xhtml.has_pack_markup(pack), extended=_xhtml.has_extended_markup(pack)
        )
        options = _xhtml.Options(image_src=_data_uri, stylesheet=_style_element(css), xml=False)

        # The page's banner: the marking, then the cover. Every part of the page sits in
        # a landmark (header, nav, main), so none is missed by landmark navigation (axe's
        # "region" rule); a marking alone, on a pack without a cover, is a banner too.
        banner = _xhtml.marking(meta.classification)
        if layout.cover:
            logo_path = style.pack.get("logo")
            logo = images.get(str(logo_path)) if logo_path else None
            logo_src = _data_uri(logo) if logo is not None else None
            banner += _xhtml.cover_section(pack, options, logo_src=logo_src)
        body = [f"<header>\n{banner}</header>\n" if banner else ""]
        if layout.contents:
            contents = _xhtml.contents_section(pack, lambda entry: f"#{entry.id}", options)
            body.append(f'<nav aria-labelledby="contents">\n{contents}</nav>\n')
        body.append("<main>\n")
        page_language = _xhtml.language(meta.language)
        for entry in pack.articles:
            article = entry.article
            # A handout keeps the EPUB handout's ids ("title", "sec1"...); in a pack every id
            # carries the article's, unique on the page.
            anchors = _xhtml.heading_anchors(article.blocks, None if handout else entry.id)
            extra = () if handout else (labels(meta.language).min_read.format(n=entry.minutes),)
            lang = _xhtml.language(article.meta.language)
            section = _xhtml.article_section(
                entry,
                options,
                title_id="title" if handout else entry.id,
                anchors=anchors,
                extra=extra,
                images=images,
                lang=lang if lang != page_language else None,
                scope=None if handout else entry.id,
            )
            body.append(section)
        body.append("</main>\n")

        title = untitled(meta.title, meta.language)
        page = _xhtml.document(title, page_language, "".join(body), options)
        return page.encode("utf-8")
