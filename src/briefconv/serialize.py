"""The model's versioned JSON form: ``to_json`` and ``from_json`` round-trip exactly.

Shape (``MODEL_VERSION`` 2; version 1 files, which lack the version 2 nodes, still read)::

    {"briefconv-model": 2,
     "meta": {"title": ..., "subtitle": null, "authors": [], "date": null, "source": null,
              "url": null, "language": "en", "summary": null, "extra": {}},
     "timestamp": null,
     "blocks": [{"type": "heading", "level": 1, "content": [INLINE...]},
                {"type": "paragraph", "content": [INLINE...]},
                {"type": "quote", "paragraphs": [[INLINE...]...], "attribution": [INLINE...]},
                {"type": "bullet_list", "items": [[INLINE...]...]},
                {"type": "ordered_list", "start": 1, "items": [[INLINE...]...]},

                {"type": "thematic_break"},
                {"type": "figure", "src": "map.png", "alt": "...", "path": "/abs/map.png"},
                {"type": "code_block", "text": "...", "language": "python"},
                {"type": "table", "header": [[INLINE...]...], "rows": [[[INLINE...]...]...],
                 "align": ["default", "left", "center", "right"]}]}

    Lists may nest: "sublists": [{"item": 0, "list": LIST}] puts LIST under item 0.
    Task lists add "checks": [true, false, null, ...], one per item.

    INLINE: {"type": "text", "text": "..."} | {"type": "emphasis", "content": [...]}
          | {"type": "strong", "content": [...]} | {"type": "link", "url": "...", "content": [...]}
          | {"type": "code", "text": "..."} | {"type": "line_break"}
          | {"type": "strikethrough", "content": [...]} | {"type": "note", "blocks": [BLOCK...]}
"""

from __future__ import annotations

import json
from typing import Any, assert_never

from briefconv._schema import SchemaError, validate
from briefconv.errors import InputError
from briefconv.model import (
    MODEL_VERSION,
    Article,
    ArticleMeta,
    Block,
    BulletList,
    Code,
    CodeBlock,
    Emphasis,
    Figure,
    Heading,
    Inline,
    LineBreak,
    Link,
    Note,
    OrderedList,
    Paragraph,
    Quote,
    Strikethrough,
    Strong,
    Table,
    Text,
    ThematicBreak,
)

__all__ = ["from_dict", "from_json", "to_dict", "to_json"]

_VERSION_KEY = "briefconv-model"

#: The JSON versions this release reads: every version 1 document is valid version 2.
_READS = (1, MODEL_VERSION)


def _inline_to(node: Inline) -> dict[str, Any]:
    match node:
        case Text(text=text):
            return {"type": "text", "text": text}
        case Emphasis(children=children):
            return {"type": "emphasis", "content": [_inline_to(c) for c in children]}
        case Strong(children=children):
            return {"type": "strong", "content": [_inline_to(c) for c in children]}
        case Link(url=url, children=children):
            return {"type": "link", "url": url, "content": [_inline_to(c) for c in children]}
        case Code(text=text):
            return {"type": "code", "text": text}
        case LineBreak():
            return {"type": "line_break"}
        case Strikethrough(children=children):
            return {"type": "strikethrough", "content": [_inline_to(c) for c in children]}
        case Note(blocks=blocks):
            return {"type": "note", "blocks": [_block_to(b) for b in blocks]}
        case _:
            assert_never(node)


def _inlines_to(nodes: tuple[Inline, ...]) -> list[dict[str, Any]]:
    return [_inline_to(n) for n in nodes]


def _block_to(block: Block) -> dict[str, Any]:
    match block:
        case Heading(level=level, children=children):
            return {"type": "heading", "level": level, "content": _inlines_to(children)}
        case Paragraph(children=children):
            return {"type": "paragraph", "content": _inlines_to(children)}
        case Quote(paragraphs=paragraphs, attribution=attribution):
            return {
                "type": "quote",
                "paragraphs": [_inlines_to(p.children) for p in paragraphs],
                "attribution": _inlines_to(attribution),
            }
        case BulletList(items=items, sublists=sublists, checks=checks):
            out: dict[str, Any] = {"type": "bullet_list", "items": [_inlines_to(i) for i in items]}
            if sublists:
                out["sublists"] = _sublists_to(sublists)
            if checks:
                out["checks"] = list(checks)
            return out
        case OrderedList(items=items, start=start, sublists=sublists, checks=checks):
            out = {
                "type": "ordered_list",
                "start": start,
                "items": [_inlines_to(i) for i in items],
            }
            if sublists:
                out["sublists"] = _sublists_to(sublists)
            if checks:
                out["checks"] = list(checks)
            return out
        case CodeBlock(text=text, language=language):
            return {"type": "code_block", "text": text, "language": language}
        case Table(header=header, rows=rows, align=align):
            return {
                "type": "table",
                "header": [_inlines_to(cell) for cell in header],
                "rows": [[_inlines_to(cell) for cell in row] for row in rows],
                "align": list(align),
            }
        case ThematicBreak():
            return {"type": "thematic_break"}
        case Figure(src=src, alt=alt, path=path):
            return {"type": "figure", "src": src, "alt": alt, "path": path}
        case _:
            assert_never(block)


def _sublists_to(sublists: tuple[tuple[int, BulletList | OrderedList], ...]) -> list[Any]:
    return [{"item": index, "list": _block_to(sub)} for index, sub in sublists]


def to_dict(article: Article) -> dict[str, Any]:
    """The article as plain JSON-compatible data, with the model version."""
    meta = article.meta
    return {
        _VERSION_KEY: MODEL_VERSION,
        "meta": {
            "title": meta.title,
            "subtitle": meta.subtitle,
            "authors": list(meta.authors),
            "date": meta.date,
            "source": meta.source,
            "url": meta.url,
            "language": meta.language,
            "summary": meta.summary,
            "extra": dict(meta.extra),
        },
        "timestamp": article.timestamp,
        "blocks": [_block_to(b) for b in article.blocks],
    }


def to_json(article: Article) -> str:
    """The article as indented JSON text (UTF-8 safe, non-ASCII kept readable)."""
    return json.dumps(to_dict(article), ensure_ascii=False, indent=2) + "\n"


def _err(path: str, problem: str) -> InputError:
    return InputError(f"{path}: {problem}")


def _inline_from(data: Any, path: str) -> Inline:
    if not isinstance(data, dict):
        raise _err(path, "expected an inline object")
    kind = data.get("type")
    if kind == "text":
        text = data.get("text")
        if not isinstance(text, str):
            raise _err(f"{path}.text", "expected a string")
        return Text(text)
    if kind == "code":
        return Code(str(data.get("text", "")))
    if kind == "line_break":
        return LineBreak()
    if kind == "note":
        blocks = data.get("blocks")
        if not isinstance(blocks, list):
            raise _err(f"{path}.blocks", "expected a list of blocks")
        parsed = tuple(_block_from(b, f"{path}.blocks[{i}]") for i, b in enumerate(blocks))
        try:
            return Note(parsed)
        except ValueError as exc:
            raise _err(f"{path}.blocks", str(exc)) from None
    content = _inlines_from(data.get("content"), f"{path}.content")
    if kind == "strikethrough":
        return Strikethrough(content)
    if kind == "emphasis":
        return Emphasis(content)
    if kind == "strong":
        return Strong(content)
    if kind == "link":
        url = data.get("url")
        if not isinstance(url, str):
            raise _err(f"{path}.url", "expected a string")
        return Link(url, content)
    raise _err(f"{path}.type", f"unknown inline type {kind!r}")


def _inlines_from(data: Any, path: str) -> tuple[Inline, ...]:
    if not isinstance(data, list):
        raise _err(path, "expected a list of inlines")
    return tuple(_inline_from(d, f"{path}[{i}]") for i, d in enumerate(data))


def _block_from(data: Any, path: str) -> Block:
    if not isinstance(data, dict):
        raise _err(path, "expected a block object")
    kind = data.get("type")
    if kind == "heading":
        level = data.get("level")
        if not isinstance(level, int) or isinstance(level, bool) or not 1 <= level <= 6:
            raise _err(f"{path}.level", "expected a whole number from 1 to 6")
        return Heading(level, _inlines_from(data.get("content"), f"{path}.content"))
    if kind == "paragraph":
        return Paragraph(_inlines_from(data.get("content"), f"{path}.content"))
    if kind == "quote":
        paras = data.get("paragraphs")
        if not isinstance(paras, list):
            raise _err(f"{path}.paragraphs", "expected a list")
        return Quote(
            tuple(
                Paragraph(_inlines_from(p, f"{path}.paragraphs[{i}]")) for i, p in enumerate(paras)
            ),
            _inlines_from(data.get("attribution", []), f"{path}.attribution"),
        )
    if kind in ("bullet_list", "ordered_list"):
        items = data.get("items")
        if not isinstance(items, list):
            raise _err(f"{path}.items", "expected a list")
        parsed = tuple(_inlines_from(it, f"{path}.items[{i}]") for i, it in enumerate(items))
        subs: list[tuple[int, BulletList | OrderedList]] = []
        for i, entry in enumerate(data.get("sublists", [])):
            sub = _block_from(entry["list"], f"{path}.sublists[{i}].list")
            assert isinstance(sub, BulletList | OrderedList)  # the schema allows only lists
            subs.append((int(entry["item"]), sub))
        checks = tuple(data.get("checks", ()))
        if checks and len(checks) != len(parsed):
            raise _err(f"{path}.checks", f"expected one check per item ({len(parsed)})")
        if kind == "bullet_list":
            return BulletList(parsed, tuple(subs), checks)
        start = data.get("start", 1)
        if not isinstance(start, int) or isinstance(start, bool) or start < 0:
            raise _err(f"{path}.start", "expected a whole number")
        return OrderedList(parsed, start, tuple(subs), checks)
    if kind == "code_block":
        return CodeBlock(str(data["text"]), data.get("language"))
    if kind == "table":
        header = tuple(
            _inlines_from(c, f"{path}.header[{i}]") for i, c in enumerate(data["header"])
        )
        rows = tuple(
            tuple(_inlines_from(c, f"{path}.rows[{r}][{i}]") for i, c in enumerate(row))
            for r, row in enumerate(data["rows"])
        )
        try:
            return Table(header, rows, tuple(data.get("align", ())))
        except ValueError as exc:
            raise _err(path, str(exc)) from None
    if kind == "thematic_break":
        return ThematicBreak()
    if kind == "figure":
        return Figure(str(data["src"]), str(data["alt"]), data.get("path"))
    raise _err(f"{path}.type", f"unknown block type {kind!r}")


def _opt_str(meta: dict[str, Any], key: str) -> str | None:
    value = meta.get(key)
    if value is not None and not isinstance(value, str):
        raise _err(f"meta.{key}", "expected a string or null")
    return value


def from_dict(data: Any) -> Article:
    """Rebuild an article from :func:`to_dict` data; :class:`InputError` names the bad path.

    The data is checked against the model's JSON Schema (``model.schema.json``) first.
    """
    if isinstance(data, dict) and data.get(_VERSION_KEY) not in (None, *_READS):
        version = data.get(_VERSION_KEY)
        raise _err(_VERSION_KEY, f"unsupported model version {version!r} (this is {MODEL_VERSION})")
    try:
        validate(data)
    except SchemaError as exc:
        raise InputError(str(exc)) from None
    if not isinstance(data, dict):
        raise _err("$", "expected a JSON object")
    version = data.get(_VERSION_KEY)
    if version not in _READS:
        raise _err(_VERSION_KEY, f"unsupported model version {version!r} (this is {MODEL_VERSION})")
    meta = data.get("meta")
    if not isinstance(meta, dict):
        raise _err("meta", "expected an object")
    title = meta.get("title")
    if not isinstance(title, str):
        raise _err("meta.title", "expected a string")
    authors = meta.get("authors", [])
    if not isinstance(authors, list) or not all(isinstance(a, str) for a in authors):
        raise _err("meta.authors", "expected a list of strings")
    language = meta.get("language", "en")
    if not isinstance(language, str):
        raise _err("meta.language", "expected a string")
    blocks = data.get("blocks")
    if not isinstance(blocks, list):
        raise _err("blocks", "expected a list")
    extra = meta.get("extra", {})
    if not isinstance(extra, dict) or not all(isinstance(v, str) for v in extra.values()):
        raise _err("meta.extra", "expected an object of strings")
    timestamp = data.get("timestamp")
    if timestamp is not None and (not isinstance(timestamp, int) or isinstance(timestamp, bool)):
        raise _err("timestamp", "expected a whole number or null")
    return Article(
        ArticleMeta(
            title=title,
            subtitle=_opt_str(meta, "subtitle"),
            authors=tuple(authors),
            date=_opt_str(meta, "date"),
            source=_opt_str(meta, "source"),
            url=_opt_str(meta, "url"),
            language=language,
            summary=_opt_str(meta, "summary"),
            extra=tuple(extra.items()),
        ),
        tuple(_block_from(b, f"blocks[{i}]") for i, b in enumerate(blocks)),
        timestamp,
    )


def from_json(text: str) -> Article:
    """Parse :func:`to_json` output back into an article."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"line {exc.lineno}: not valid JSON: {exc.msg}") from None
    return from_dict(data)
