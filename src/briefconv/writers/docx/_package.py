"""The DOCX package: the base document (python-docx's or a template), core properties, saving.

``[docx] template`` (an absolute path to a .docx or .dotx, resolved by the style loader)
works like pandoc's ``--reference-doc``: the template is the base document, its body
content is removed (and the images, links and comments only that content used), and its
final section's page size, margins and headers/footers are kept; a template without
headers or footers gets ours (running title, "Page X of Y"). Every Word style the
template *defines* keeps the template's look, theme fonts and document defaults included
(only ``w:lang`` is set to the article's language); styles it lacks are copied from
python-docx's default template (outline levels, next styles) and styled from the roles,
and list numbering it lacks is copied in the same way. Core properties are replaced as
without a template. What of the style is therefore not used is said once at DEBUG level.

The output is deterministic, with a template too: the only date is the one passed to
:func:`finish` (:func:`~briefconv.writers._dates.pack_datetime`), and the zip is written by
:func:`~briefconv.writers._zip.write_zip`.
"""

from __future__ import annotations

import io
import logging
import re
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any, cast

from docx import Document
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.pkgwriter import PackageWriter
from docx.oxml.ns import qn
from lxml import etree

from briefconv._io import TooLarge, read_limited
from briefconv.errors import RenderError
from briefconv.model import Pack
from briefconv.styles import Style
from briefconv.wording import one_line, untitled
from briefconv.writers._links import safe_url
from briefconv.writers._zip import write_zip
from briefconv.writers.docx._oxml import Doc
from briefconv.writers.options import DocxOptions

__all__ = ["base_document", "finish", "package_members", "set_core_properties"]

_log = logging.getLogger("briefconv")

# The template's Word 2010 copy of styles.xml still carries theme fonts and would
# contradict styles.xml; its thumbnail shows an empty python-docx page (PITFALLS 4).
_STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"

# The template's app.xml claims "Microsoft Macintosh Word" 14; say what made the file.
_APP_XML = (
    b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/'
    b'2006/docPropsVTypes"><Application>briefconv</Application><DocSecurity>0</DocSecurity>'
    b"<ScaleCrop>false</ScaleCrop><LinksUpToDate>false</LinksUpToDate>"
    b"<SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged></Properties>"
)

# A .dotx differs from a .docx in the content type of its main part only.
_TEMPLATE_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
_DOC_MAIN = CT.WML_DOCUMENT_MAIN.encode()

# Relationships only body content points at: dropped with the template's content when
# nothing in the body refers to them any more (comments are referenced by id, not rId).
_CONTENT_RELS = frozenset(
    {
        RT.IMAGE,
        RT.HYPERLINK,
        RT.HEADER,
        RT.FOOTER,
        RT.OLE_OBJECT,
        RT.PACKAGE,
        RT.CHART,
        RT.DIAGRAM_DATA,
        RT.DIAGRAM_LAYOUT,
        RT.DIAGRAM_QUICK_STYLE,
        RT.DIAGRAM_COLORS,
        RT.COMMENTS,
        "http://schemas.microsoft.com/office/2011/relationships/commentsExtended",
        "http://schemas.microsoft.com/office/2016/09/relationships/commentsIds",
        "http://schemas.microsoft.com/office/2018/08/relationships/commentsExtensible",
        "http://schemas.microsoft.com/office/2011/relationships/people",
    }
)

#: Core properties are limited to 255 characters by python-docx.
_CORE_MAX = 255

# A Word template is tens of KiB to a few MiB (fonts embedded): far above, it is not one.
_TEMPLATE_MAX_BYTES = 32 * 2**20
_TEMPLATE_MAX_UNPACKED = 128 * 2**20
_TEMPLATE_MAX_MEMBERS = 2000


def base_document(style: Style) -> tuple[Doc, str | None]:
    """A fresh document: the style's ``[docx] template`` emptied, else python-docx's own."""
    template = str(path) if (path := DocxOptions.of(style).template) else None
    if isinstance(template, str):
        doc = _open_template(Path(template))
        _clear_body(doc)
    else:
        doc = Document()
        template = None
    _drop_template_extras(doc)
    return doc, template


def finish(doc: Doc, when: datetime) -> bytes:
    """The package's bytes: its parts as python-docx saves them, our app.xml, fixed dates.

    python-docx would write a zip (deflating every part) that
    :func:`~briefconv.writers._zip.normalize_zip` then read back, inflated and deflated
    again to fix its dates (PITFALLS 4). The parts are
    instead taken as python-docx serializes them, in the order it writes them, and zipped
    once by :func:`~briefconv.writers._zip.write_zip`: the same bytes, without compressing
    anything twice, and without compressing again the parts every document of a batch
    shares (see :mod:`briefconv.writers._zip`).
    """
    members = [
        (name, _APP_XML if name == "docProps/app.xml" else data)
        for name, data in package_members(doc)
    ]
    return write_zip(members, when)


class _Members:
    """Stands in for python-docx's zip writer: keeps what it is given, in order."""

    def __init__(self) -> None:
        self.items: list[tuple[str, bytes]] = []

    def write(self, uri: PackURI, blob: bytes) -> None:
        """Keep part ``uri``'s bytes under its zip member name."""
        self.items.append((uri.membername, blob))


def package_members(doc: Doc) -> list[tuple[str, bytes]]:
    """Every zip member ``doc.save()`` would write: (name, bytes), in its order.

    The steps of python-docx's ``OpcPackage.save`` and ``PackageWriter.write`` (content
    types, package relationships, each part followed by its relationships), with a writer
    that keeps the bytes instead of deflating them into a zip.
    """
    package = doc.part.package
    parts = package.parts
    for part in parts:
        part.before_marshal()
    collected = _Members()
    # PackageWriter's steps take any object with write(uri, blob); untyped for that.
    writer = cast(Any, PackageWriter)
    writer._write_content_types_stream(collected, parts)
    writer._write_pkg_rels(collected, package.rels)
    writer._write_parts(collected, parts)
    return collected.items


def _open_template(path: Path) -> Doc:
    """Open a ``[docx] template`` (.docx or .dotx) as the base document.

    python-docx refuses a .dotx ("file is not a Word file, content type is ...template.main
    +xml"): the package differs from a .docx only in that content type, so it is rewritten
    in memory and the template file itself is never changed.
    """
    try:
        data, _ = read_limited(path, _TEMPLATE_MAX_BYTES)
        with zipfile.ZipFile(io.BytesIO(data)) as src:
            _check_unpacked_size(src)
            types = src.read("[Content_Types].xml")
        if _TEMPLATE_MAIN.encode() in types:
            data = _replace_member(
                data, "[Content_Types].xml", types.replace(_TEMPLATE_MAIN.encode(), _DOC_MAIN)
            )
        doc = Document(io.BytesIO(data))
    except TooLarge:
        raise RenderError(
            f"docx.template: cannot use {path} as a Word template: it is over "
            f"{_TEMPLATE_MAX_BYTES // 2**20} MiB"
        ) from None
    except (OSError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise RenderError(f"docx.template: cannot use {path} as a Word template: {exc}") from exc
    removed = _defuse(doc)
    if removed:
        _log.warning(
            "docx: template %s: removed what would reach outside the document: %s",
            path,
            ", ".join(sorted(removed)),
        )
    return doc


def _check_unpacked_size(archive: zipfile.ZipFile) -> None:
    """Refuse a zip that unpacks to more than a template ever holds (a zip bomb)."""
    members = archive.infolist()
    total = sum(info.file_size for info in members)
    if len(members) > _TEMPLATE_MAX_MEMBERS or total > _TEMPLATE_MAX_UNPACKED:
        raise ValueError(
            f"it unpacks to {len(members)} files, {total // 2**20} MiB (a template has at most "
            f"{_TEMPLATE_MAX_MEMBERS} files, {_TEMPLATE_MAX_UNPACKED // 2**20} MiB)"
        )


def _defuse(doc: Doc) -> set[str]:
    """Remove from a template everything that acts outside the document; say what went.

    A template is someone else's file, and every handout built from it would carry what
    it holds: an attached template on a remote server (Word fetches it on opening:
    template injection), macros, pictures linked rather than embedded, links to other
    files or shares, and fields that fetch or run (INCLUDEPICTURE, INCLUDETEXT, LINK,
    DDE). Web and mail links stay: they act only when a reader follows them.
    """
    removed: set[str] = set()
    for part in list(doc.part.package.iter_parts()):
        element = getattr(part, "_element", None)
        for rid, rel in list(part.rels.items()):
            reltype = rel.reltype.rsplit("/", 1)[-1]
            target = rel.target_ref if rel.is_external else ""
            if reltype in ("vbaProject", "wordVbaData", "keyMapCustomizations"):
                removed.add("macros")
            elif reltype == "attachedTemplate":
                removed.add("an attached template")
            elif rel.is_external and reltype == "hyperlink" and _is_web(target):
                continue
            elif rel.is_external:
                removed.add(f"an outside {reltype} ({target[:60]})")
            else:
                continue
            if element is not None:
                _drop_references(element, rid)
            del part.rels[rid]
        if element is not None:
            for tag in ("w:attachedTemplate", "w:docVars"):
                for node in element.iter(qn(tag)):
                    node.getparent().remove(node)
                    removed.add(
                        "an attached template" if "attached" in tag else "document variables"
                    )
            if _defuse_fields(element):
                removed.add("fields that fetch or run (INCLUDEPICTURE, INCLUDETEXT, LINK, DDE)")
    return removed


def _is_web(url: str) -> bool:
    return url.lower().startswith(("http://", "https://", "mailto:"))


def _drop_references(element: etree._Element, rid: str) -> None:
    """Remove what refers to relationship ``rid``.

    A link keeps its text; a linked picture loses its link (an embedded copy, if any,
    stays).
    """
    r_id, r_link = qn("r:id"), qn("r:link")
    for node in list(element.iter()):
        if node.get(r_link) == rid:
            del node.attrib[r_link]
        if node.get(r_id) == rid:
            parent = node.getparent()
            if parent is None:
                continue
            if node.tag == qn("w:hyperlink"):
                index = parent.index(node)
                for child in list(node):
                    parent.insert(index, child)
                    index += 1
            parent.remove(node)


_ACTIVE_FIELD = re.compile(r"^\s*(INCLUDEPICTURE|INCLUDETEXT|LINK|DDE|DDEAUTO|IMPORT)\b", re.I)


def _defuse_fields(element: etree._Element) -> bool:
    """Empty the instructions of fields that fetch or run; their shown result stays."""
    found = False
    for node in list(element.iter(qn("w:fldSimple"))):
        if _ACTIVE_FIELD.match(node.get(qn("w:instr"), "")):
            parent = node.getparent()
            if parent is not None:
                index = parent.index(node)
                for child in list(node):
                    parent.insert(index, child)
                    index += 1
                parent.remove(node)
                found = True
    for node in element.iter(qn("w:instrText")):
        if _ACTIVE_FIELD.match(node.text or ""):
            node.text = ""
            found = True
    return found


def _clear_body(doc: Doc) -> None:
    """Remove the template's content, keeping its final section (page setup, headers).

    Parts only the content pointed at (images, links, comments, the headers of sections
    that were removed) are dropped with it, so none of the template's text is shipped.
    """
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    xml = etree.tostring(doc.element)
    for rid, rel in list(doc.part.rels.items()):
        if rel.reltype in _CONTENT_RELS and f'"{rid}"'.encode() not in xml:
            doc.part.drop_rel(rid)


def _drop_template_extras(doc: Doc) -> None:
    """Remove template parts that would contradict what we write (thumbnail, old styles)."""
    package_rels = doc.part.package.rels
    for rid, rel in list(package_rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            del package_rels[rid]
    for rid, rel in list(doc.part.rels.items()):
        if rel.reltype == _STYLES_WITH_EFFECTS:
            doc.part.drop_rel(rid)


def _replace_member(data: bytes, name: str, content: bytes) -> bytes:
    """Return the zip ``data`` with member ``name`` replaced by ``content``."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            dst.writestr(info, content if info.filename == name else src.read(info.filename))
    return out.getvalue()


def _fit(value: str, what: str) -> str:
    """Shorten ``value`` to the 255 characters a core property may hold, saying so."""
    if len(value) <= _CORE_MAX:
        return value
    _log.warning("docx: %s metadata cut to %d characters (Word's limit)", what, _CORE_MAX)
    return value[: _CORE_MAX - 1] + "…"


def set_core_properties(doc: Doc, pack: Pack, when: datetime) -> None:
    """docProps/core.xml from the document, replacing every template default.

    A document whose title is its one article's (a handout) is described by the article:
    its authors, subtitle or source, and address. A pack by itself: who prepared it, its
    subtitle, and its marking and sources as keywords.
    """
    meta = pack.meta
    props = doc.core_properties
    marking = one_line(meta.classification or "")
    if pack.layout.title_role == "title":
        article = pack.articles[0].article.meta
        title = untitled(article.title, article.language)
        author = "; ".join(article.authors)
        subject = article.subtitle or article.source or ""
        keywords = ""
        identifier = _fit(safe_url(article.url) or "", "identifier") if article.url else ""
    else:
        sources = dict.fromkeys(
            one_line(e.article.meta.source) for e in pack.articles if e.article.meta.source
        )
        title = untitled(meta.title, meta.language)
        author = one_line(meta.prepared_by or "")
        subject = one_line(meta.subtitle or "")
        keywords = _fit("; ".join(k for k in (marking, *sources) if k), "keywords")
        identifier = ""
    # The template says author "python-docx", comments "generated by python-docx" and
    # carries 2013 dates (PITFALLS 4): overwrite every field it sets.
    props.title = _fit(title, "title")
    props.author = _fit(author, "author")
    props.subject = _fit(subject, "subject")
    props.language = _fit(meta.language, "language")
    props.keywords = keywords
    props.category = _fit(marking, "category")
    props.comments = ""
    props.content_status = ""
    props.identifier = identifier
    props.last_modified_by = "briefconv"
    props.revision = 1
    props.created = when
    props.modified = when
