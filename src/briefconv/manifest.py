"""Pack manifests: a TOML file naming a pack's metadata, outputs, style and articles.

::

    title = "Weekly Security Brief"          # required
    subtitle = "Russia-Ukraine talks"
    date = "2026-11-26"
    prepared_by = "Policy Unit"
    prepared_for = "Foreign Affairs Committee"
    classification = "OFFICIAL"
    reference = "PAU/2026/117"               # the issuer's reference, on the cover
    language = "en"
    output = "briefing-pack"                 # relative to this file; -o overrides
    formats = ["docx", "pdf", "epub"]
    style = "default"                        # a name, or a path relative to this file
    words_per_minute = 230
    cover = true                             # a cover page (default true)
    contents = true                          # an "In this pack" page (default true)

    [[articles]]
    path = "istanbul-talks.txt"              # relative to this file
    title = "Istanbul talks open under fire" # optional overrides of the article's own
    summary = "Why the second round matters."

Every problem is reported as ``FILE: KEY: problem`` before anything is written.

Article paths and ``output`` stay inside the manifest's folder (symbolic links resolved):
a manifest from someone else cannot read ``/etc/passwd`` into a pack or overwrite files
elsewhere. ``allow_outside`` (``--allow-outside``) lifts that, as it does for images.
"""

from __future__ import annotations

import dataclasses
import difflib
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from briefconv.errors import InputError
from briefconv.model import PACK_LAYOUT, Article, Layout, Pack, PackMeta
from briefconv.pack import DEFAULT_WORDS_PER_MINUTE, make_pack
from briefconv.readers import MAX_BYTES, read_path

__all__ = ["Manifest", "load_manifest"]

_TOP_KEYS = (
    "title",
    "subtitle",
    "date",
    "prepared_by",
    "prepared_for",
    "classification",
    "reference",
    "language",
    "output",
    "formats",
    "style",
    "words_per_minute",
    "cover",
    "contents",
    "articles",
)
_ARTICLE_KEYS = ("path", "title", "subtitle", "author", "source", "date", "url", "summary")


@dataclass(frozen=True, slots=True)
class Manifest:
    """A loaded manifest: the pack's parts, where to write it, in which formats and style.

    ``style`` is a style name or an absolute path, or ``None`` for the default;
    ``formats`` is empty when the manifest does not say (the caller's default applies);
    ``words_per_minute`` is ``None`` when the manifest leaves it to the style;
    ``layout`` says whether the pack has a cover and a contents page.
    """

    path: Path
    meta: PackMeta
    articles: tuple[Article, ...]
    summaries: dict[int, str]
    output: Path
    formats: tuple[str, ...]
    style: str | None
    words_per_minute: int | None
    layout: Layout = PACK_LAYOUT

    def to_pack(self, words_per_minute: int = DEFAULT_WORDS_PER_MINUTE) -> Pack:
        """The pack, with reading times at the manifest's speed, else ``words_per_minute``."""
        return make_pack(
            self.articles,
            self.meta,
            summaries=self.summaries,
            words_per_minute=self.words_per_minute or words_per_minute,
            layout=self.layout,
        )


def _error(path: Path, key: str, problem: str) -> InputError:
    return InputError(f"{path}: {key}: {problem}")


def _unknown(path: Path, key: str, name: str, known: Sequence[str]) -> InputError:
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return _error(path, key, "unknown key" + (f" (did you mean {close[0]!r}?)" if close else ""))


def _opt_str(data: dict[str, Any], key: str, path: Path, where: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise _error(path, where, "expected a non-empty string")
    return value.strip()


def _confined(base: Path, value: str, path: Path, key: str, allow_outside: bool, what: str) -> Path:
    """``value`` relative to ``base``, refused if it leads outside ``base``."""
    target = base / value
    if allow_outside:
        return target
    try:
        inside = target.resolve().is_relative_to(base.resolve())
    except (OSError, RuntimeError):  # a symlink loop
        inside = False
    if not inside:
        raise _error(
            path,
            key,
            f"{value!r} is outside the manifest's folder; {what} must be in it "
            "(pass --allow-outside to allow it)",
        )
    return target


def _overridden(article: Article, entry: dict[str, Any], path: Path, where: str) -> Article:
    """The article with the manifest's overrides of its metadata applied."""
    changes: dict[str, Any] = {}
    for key in ("title", "subtitle", "source", "date", "url"):
        value = _opt_str(entry, key, path, f"{where}.{key}")
        if value is not None:
            changes[key] = value
    author = entry.get("author")
    if author is not None:
        if isinstance(author, str) and author.strip():
            changes["authors"] = (author.strip(),)
        elif isinstance(author, list) and author and all(isinstance(a, str) for a in author):
            changes["authors"] = tuple(a.strip() for a in author)
        else:
            raise _error(path, f"{where}.author", "expected a name or a list of names")
    if not changes:
        return article
    return Article(dataclasses.replace(article.meta, **changes), article.blocks, article.timestamp)


def load_manifest(
    path: str | Path,
    *,
    encoding: str | None = None,
    input_format: str | None = None,
    max_bytes: int = MAX_BYTES,
    allow_outside: bool = False,
) -> Manifest:
    """Read and validate a pack manifest, and read every article it names.

    The articles are read with the options :func:`briefconv.read_file` takes, the same for
    each: ``encoding`` for files neither UTF-8 nor UTF-16/32 with a byte-order mark,
    ``input_format`` (``text``, ``markdown``, ``json``) in place of the extension,
    ``max_bytes`` the largest file read, ``allow_outside`` to show images from outside an
    article's folder and to let the manifest name articles and an output outside its own.
    """
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path}: not valid TOML: {exc}") from None
    for key in data:
        if key not in _TOP_KEYS:
            raise _unknown(path, key, key, _TOP_KEYS)
    title = _opt_str(data, "title", path, "title")
    if title is None:
        raise _error(path, "title", "missing: a pack needs a title")
    base = path.parent

    formats = data.get("formats", [])
    if isinstance(formats, str):
        formats = [formats]
    if not isinstance(formats, list) or not all(isinstance(f, str) for f in formats):
        raise _error(path, "formats", 'expected a list such as ["docx", "pdf", "epub"]')

    style = _opt_str(data, "style", path, "style")
    if style is not None and ("/" in style or style.endswith(".toml")):
        style = str((base / style).resolve())

    wpm = data.get("words_per_minute")
    if wpm is not None and (
        isinstance(wpm, bool) or not isinstance(wpm, int) or not 50 <= wpm <= 2000
    ):
        raise _error(path, "words_per_minute", "expected a whole number from 50 to 2000")

    for key in ("cover", "contents"):
        if not isinstance(data.get(key, True), bool):
            raise _error(path, key, "expected true or false")
    layout = Layout(cover=data.get("cover", True), contents=data.get("contents", True))

    entries = data.get("articles")
    if not isinstance(entries, list) or not entries:
        raise _error(path, "articles", "expected at least one [[articles]] table")
    articles: list[Article] = []
    summaries: dict[int, str] = {}
    for i, entry in enumerate(entries):
        where = f"articles[{i + 1}]"
        if not isinstance(entry, dict):
            raise _error(path, where, "expected a table with a path")
        for key in entry:
            if key not in _ARTICLE_KEYS:
                raise _unknown(path, f"{where}.{key}", key, _ARTICLE_KEYS)
        rel = _opt_str(entry, "path", path, f"{where}.path")
        if rel is None:
            raise _error(path, f"{where}.path", "missing")
        article_path = _confined(base, rel, path, f"{where}.path", allow_outside, "articles")
        if not article_path.is_file():
            raise _error(path, f"{where}.path", f"no such file {article_path}")
        article = read_path(
            article_path,
            encoding=encoding,
            input_format=input_format,
            max_bytes=max_bytes,
            allow_outside=allow_outside,
        )
        articles.append(_overridden(article, entry, path, where))
        summary = _opt_str(entry, "summary", path, f"{where}.summary")
        if summary is not None:
            summaries[i] = summary

    language = _opt_str(data, "language", path, "language") or articles[0].meta.language
    meta = PackMeta(
        title=title,
        subtitle=_opt_str(data, "subtitle", path, "subtitle"),
        date=_opt_str(data, "date", path, "date"),
        prepared_by=_opt_str(data, "prepared_by", path, "prepared_by"),
        prepared_for=_opt_str(data, "prepared_for", path, "prepared_for"),
        classification=_opt_str(data, "classification", path, "classification"),
        language=language,
        reference=_opt_str(data, "reference", path, "reference"),
    )
    output = _opt_str(data, "output", path, "output") or path.stem
    output_path = _confined(base, output, path, "output", allow_outside, "the output")
    return Manifest(
        path=path,
        meta=meta,
        articles=tuple(articles),
        summaries=summaries,
        output=output_path,
        formats=tuple(formats),
        style=style,
        words_per_minute=wpm,
        layout=layout,
    )
