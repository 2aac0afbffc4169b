"""Pack manifests: a TOML file naming a pack's metadata, outputs, style and articles.

::

    title = "Weekly Security Brief"          # required
    subtitle = "Russia-Ukraine talks"
    date = "2026-11-26"                      # or "26 November 2026"; a real date
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
    encoding = "cp1252"                      # how to read every article: --encoding,
    from = "markdown"                        # --from (text, markdown, json) and
    max_size = "20M"                         # --max-size (bytes, or k/M/G) override these

    [[articles]]
    path = "istanbul-talks.txt"              # relative to this file
    title = "Istanbul talks open under fire" # optional overrides of the article's own
    date = "3 June 2025"                     # (title, subtitle, author, source, date, url)
    summary = "Why the second round matters."

Options given on the command line (arguments to :func:`briefconv.build_pack`) win over
the keys they match, which are then not checked: a style or format only the manifest's
author has does not stop a pack built with ``-s`` or ``-t``.

Every mistake is reported at once, one ``FILE: KEY: problem`` line each (a
:class:`~briefconv.errors.ManifestError`), before anything is written: first every key is
checked (formats, the style, dates, the read options, that each article's file is there)
and no article is read while any is wrong; then every article is read, and those that
cannot be are reported together, each as its reader says (``FILE:LINE: problem``).

Article paths and ``output`` stay inside the manifest's folder (symbolic links resolved):
a manifest from someone else cannot read ``/etc/passwd`` into a pack or overwrite files
elsewhere. Only the person running it can lift that, with ``--allow-outside``
(``allow_outside=True``), as for images; an ``allow_outside`` key in the manifest is a
mistake, since a confinement the manifest could lift would protect no one from it.
"""

from __future__ import annotations

import dataclasses
import difflib
import tomllib
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from briefconv.dates import check_date
from briefconv.errors import BriefconvError, FormatError, InputError, ManifestError
from briefconv.model import PACK_LAYOUT, Article, Layout, Pack, PackMeta
from briefconv.pack import DEFAULT_WORDS_PER_MINUTE, make_pack
from briefconv.readers import MAX_BYTES, READERS, SIZE_ADVICE, parse_size, read_path
from briefconv.readers.text import ENCODING_ADVICE, check_encoding
from briefconv.styles import load_style
from briefconv.writers import format_names

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
    "encoding",
    "from",
    "max_size",
    "allow_outside",
    "articles",
)
_ARTICLE_KEYS = ("path", "title", "subtitle", "author", "source", "date", "url", "summary")
_DETAILS = ("subtitle", "prepared_by", "prepared_for", "classification", "language", "reference")


@dataclass(frozen=True, slots=True)
class Manifest:
    """A loaded manifest: the pack's parts, where to write it, in which formats and style.

    ``style`` is a style name or an absolute path, or ``None`` for the default;
    ``formats`` are checked format names, empty when the manifest does not say (the
    caller's default applies); ``words_per_minute`` is ``None`` when the manifest leaves
    it to the style; ``layout`` says whether the pack has a cover and a contents page.
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
    #: The article files, in order: an output must never replace one of them.
    article_paths: tuple[Path, ...] = ()

    def to_pack(self, words_per_minute: int = DEFAULT_WORDS_PER_MINUTE) -> Pack:
        """The pack, with reading times at the manifest's speed, else ``words_per_minute``."""
        return make_pack(
            self.articles,
            self.meta,
            summaries=self.summaries,
            words_per_minute=self.words_per_minute or words_per_minute,
            layout=self.layout,
        )


class _Problems:
    """The mistakes found in one manifest, each kept as a ``FILE: KEY: problem`` line."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lines: list[str] = []

    def add(self, key: str, problem: str) -> None:
        """Note that ``key`` has ``problem``."""
        self.lines.append(f"{self.path}: {key}: {problem}")

    def unknown(self, key: str, name: str, known: Sequence[str]) -> None:
        """Note ``key``, named ``name``, as not one of ``known``, with the likely one."""
        close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
        self.add(key, "unknown key" + (f" (did you mean {close[0]!r}?)" if close else ""))

    def text(self, data: dict[str, Any], key: str, where: str) -> str | None:
        """``data[key]`` stripped; ``None`` if absent, or (noted) not a non-empty string."""
        value = data.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            self.add(where, "expected a non-empty string")
            return None
        return value.strip()

    def date(self, data: dict[str, Any], key: str, where: str) -> str | None:
        """``data[key]`` if it is a real date; ``None`` if absent or (noted) not one."""
        value = self.text(data, key, where)
        if value is None:
            return None
        try:
            return check_date(value)
        except ValueError as exc:
            self.add(where, str(exc))
            return None

    def raise_any(self) -> None:
        """Raise every problem noted so far as one :class:`ManifestError`, if there is one."""
        if self.lines:
            raise ManifestError(self.lines)


def _confined(
    base: Path, value: str, key: str, allow_outside: bool, what: str, problems: _Problems
) -> Path | None:
    """``value`` relative to ``base``; ``None`` (and noted) if it leads outside ``base``."""
    target = base / value
    if allow_outside:
        return target
    try:
        inside = target.resolve().is_relative_to(base.resolve())
    except (OSError, RuntimeError):  # a symlink loop
        inside = False
    if not inside:
        problems.add(
            key,
            f"{value!r} is outside the manifest's folder; {what} must be in it "
            "(pass --allow-outside to allow it)",
        )
        return None
    return target


def _overrides(entry: dict[str, Any], where: str, problems: _Problems) -> dict[str, Any]:
    """The changes an ``[[articles]]`` entry makes to its article's metadata, checked."""
    changes: dict[str, Any] = {}
    for key in ("title", "subtitle", "source", "url"):
        value = problems.text(entry, key, f"{where}.{key}")
        if value is not None:
            changes[key] = value
    date = problems.date(entry, "date", f"{where}.date")
    if date is not None:
        changes["date"] = date
    author = entry.get("author")
    if author is not None:
        if isinstance(author, str) and author.strip():
            changes["authors"] = (author.strip(),)
        elif isinstance(author, list) and author and all(isinstance(a, str) for a in author):
            changes["authors"] = tuple(a.strip() for a in author)
        else:
            problems.add(f"{where}.author", "expected a name or a list of names")
    return changes


def _formats(data: dict[str, Any], problems: _Problems) -> tuple[str, ...]:
    """The manifest's ``formats``, checked: each unknown name is its own problem."""
    formats = data.get("formats", [])
    if isinstance(formats, str):
        formats = [formats]
    if not isinstance(formats, list) or not all(isinstance(f, str) for f in formats):
        problems.add("formats", 'expected a list such as ["docx", "pdf", "epub"]')
        return ()
    names: list[str] = []
    for value in formats:
        for name in value.split(","):
            try:
                names.extend(n for n in format_names([name]) if n not in names)
            except FormatError as exc:
                problems.add("formats", str(exc))
    return tuple(names)


def _style(data: dict[str, Any], base: Path, problems: _Problems) -> str | None:
    """The manifest's ``style`` (a name, or a path made absolute), checked by loading it."""
    style = problems.text(data, "style", "style")
    if style is None:
        return None
    if "/" in style or style.endswith(".toml"):
        style = str((base / style).resolve())
    try:
        # Loaded now, though loaded again to render: a wrong style is found before the
        # articles are read, and reported with the manifest's other mistakes.
        load_style(style)
    except BriefconvError as exc:
        problems.add("style", str(exc))
    return style


@dataclass(frozen=True, slots=True)
class _ReadOptions:
    """How the manifest says to read its articles: ``None`` where it does not say."""

    encoding: str | None = None
    input_format: str | None = None
    max_bytes: int | None = None


def _read_options(
    data: dict[str, Any], overridden: Collection[str], problems: _Problems
) -> _ReadOptions:
    """The manifest's ``encoding``, ``from`` and ``max_size``, checked (unless overridden)."""
    encoding = input_format = max_bytes = None
    if "encoding" not in overridden:
        encoding = problems.text(data, "encoding", "encoding")
        if encoding is not None:
            try:
                check_encoding(encoding)
            except ValueError as exc:
                problems.add("encoding", str(exc))
    if "from" not in overridden:
        input_format = problems.text(data, "from", "from")
        if input_format is not None and input_format not in READERS:
            problems.add("from", f"expected one of {', '.join(READERS)}")
    size = data.get("max_size")
    if "max_size" not in overridden and size is not None:
        if isinstance(size, bool) or not isinstance(size, int | str):
            problems.add("max_size", 'expected a number of bytes or a size such as "20M"')
        else:
            try:
                max_bytes = parse_size(size)
            except ValueError as exc:
                problems.add("max_size", str(exc))
    return _ReadOptions(encoding, input_format, max_bytes)


def _with_keys(message: str, path: Path, options: Collection[str]) -> str:
    """A reader's advice to pass ``--encoding`` or ``--max-size``, with the manifest's key.

    Only for an option the caller left to the manifest: beside a ``--max-size`` given on
    the command line, raising the manifest's ``max_size`` would change nothing.
    """
    if "max_size" in options:
        message = message.replace(SIZE_ADVICE, f"{SIZE_ADVICE} or max_size in {path}")
    if "encoding" in options and ENCODING_ADVICE in message:
        message += f", or set encoding in {path}"
    return message


def _read_toml(path: Path) -> dict[str, Any]:
    """The manifest's table; :class:`InputError` if it cannot be read or parsed."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path}: not valid TOML: {exc}") from None


@dataclass(frozen=True, slots=True)
class _Entry:
    """One ``[[articles]]`` entry, checked: its file, overrides and summary."""

    path: Path
    changes: dict[str, Any]
    summary: str | None


def _entries(
    data: dict[str, Any], base: Path, allow_outside: bool, problems: _Problems
) -> list[_Entry]:
    """The ``[[articles]]`` entries, checked without reading any article."""
    entries = data.get("articles")
    if not isinstance(entries, list) or not entries:
        problems.add("articles", "expected at least one [[articles]] table")
        return []
    checked: list[_Entry] = []
    for i, entry in enumerate(entries):
        where = f"articles[{i + 1}]"
        if not isinstance(entry, dict):
            problems.add(where, "expected a table with a path")
            continue
        for key in entry:
            if key not in _ARTICLE_KEYS:
                problems.unknown(f"{where}.{key}", key, _ARTICLE_KEYS)
        changes = _overrides(entry, where, problems)
        summary = problems.text(entry, "summary", f"{where}.summary")
        rel = problems.text(entry, "path", f"{where}.path")
        if rel is None:
            if "path" not in entry:
                problems.add(f"{where}.path", "missing")
            continue
        article_path = _confined(base, rel, f"{where}.path", allow_outside, "articles", problems)
        if article_path is None:
            continue
        if not article_path.is_file():
            problems.add(f"{where}.path", f"no such file {article_path}")
            continue
        checked.append(_Entry(article_path, changes, summary))
    return checked


def load_manifest(
    path: str | Path,
    *,
    encoding: str | None = None,
    input_format: str | None = None,
    max_bytes: int | None = None,
    allow_outside: bool = False,
    overridden: Collection[str] = (),
) -> Manifest:
    """Read and validate a pack manifest, and read every article it names.

    The articles are read with the options :func:`briefconv.read_file` takes, the same for
    each: ``encoding`` for files neither UTF-8 nor UTF-16/32 with a byte-order mark,
    ``input_format`` (``text``, ``markdown``, ``json``) in place of the extension,
    ``max_bytes`` the largest file read (default 10 MiB). Each of these, when ``None``, is
    the manifest's ``encoding``, ``from`` or ``max_size``, if it has one. ``allow_outside``
    shows images from outside an article's folder and lets the manifest name articles and
    an output outside its own; only the caller can give it (see the module's notes).

    ``overridden`` names top-level keys whose values the caller replaces (as
    :func:`briefconv.build_pack` does with what it is given): they are neither checked
    nor used, so a style or a format only the manifest's author has, say, does not stop a
    pack built with another. ``title`` is checked all the same: a manifest needs one.

    Raises :class:`~briefconv.errors.ManifestError` listing every mistake (see above), or
    :class:`InputError` if the file cannot be read or is not TOML.
    """
    path = Path(path)
    data = _read_toml(path)
    problems = _Problems(path)
    base = path.parent
    # The read options given here replace the manifest's, as other keys the caller gives.
    given = {
        key
        for key, value in (("encoding", encoding), ("from", input_format), ("max_size", max_bytes))
        if value is not None
    }
    overridden = {*overridden, *given}

    def wanted(key: str) -> bool:
        return key not in overridden

    for key in data:
        if key not in _TOP_KEYS:
            problems.unknown(key, key, _TOP_KEYS)
    if "allow_outside" in data:
        # The confinement protects whoever runs a manifest someone else wrote: if the
        # manifest could lift it, it would protect no one.
        problems.add(
            "allow_outside",
            "only the --allow-outside flag can allow this "
            "(a manifest cannot lift its own confinement)",
        )
    read = _read_options(data, overridden, problems)
    title = problems.text(data, "title", "title")
    if title is None and "title" not in data:
        problems.add("title", "missing: a pack needs a title")
    details = {key: problems.text(data, key, key) for key in _DETAILS if wanted(key)}
    date = problems.date(data, "date", "date") if wanted("date") else None
    formats = _formats(data, problems) if wanted("formats") else ()
    style = _style(data, base, problems) if wanted("style") else None

    wpm = data.get("words_per_minute")
    if wpm is not None and (
        isinstance(wpm, bool) or not isinstance(wpm, int) or not 50 <= wpm <= 2000
    ):
        problems.add("words_per_minute", "expected a whole number from 50 to 2000")
        wpm = None

    flags = {"cover": True, "contents": True}
    for key in flags:
        value = data.get(key, True)
        if not wanted(key):
            continue
        if isinstance(value, bool):
            flags[key] = value
        else:
            problems.add(key, "expected true or false")
    layout = Layout(cover=flags["cover"], contents=flags["contents"])

    output_path: Path | None = base / path.stem
    output = problems.text(data, "output", "output") if wanted("output") else None
    if output is not None:
        output_path = _confined(base, output, "output", allow_outside, "the output", problems)

    entries = _entries(data, base, allow_outside, problems)
    # Nothing is read while a key is wrong: the options to read with may be among them,
    # and a user with a list of mistakes to fix should not wait for 10 MB articles first.
    problems.raise_any()

    if encoding is None:
        encoding = read.encoding
    if input_format is None:
        input_format = read.input_format
    if max_bytes is None:
        max_bytes = read.max_bytes if read.max_bytes is not None else MAX_BYTES
    articles: list[Article] = []
    summaries: dict[int, str] = {}
    unreadable: list[str] = []
    for i, entry in enumerate(entries):
        try:
            article = read_path(
                entry.path,
                encoding=encoding,
                input_format=input_format,
                max_bytes=max_bytes,
                allow_outside=allow_outside,
            )
        except InputError as exc:
            # The reader's message names the article's file and line, where the fix goes.
            unreadable.append(_with_keys(str(exc), path, {"encoding", "max_size"} - given))
            continue
        if entry.changes:
            changed = dataclasses.replace(article.meta, **entry.changes)
            article = Article(changed, article.blocks, article.timestamp)
        articles.append(article)
        if entry.summary is not None:
            summaries[i] = entry.summary
    if unreadable:
        raise ManifestError(unreadable)

    assert title is not None and output_path is not None  # else a problem was raised
    meta = PackMeta(
        title=title,
        subtitle=details.get("subtitle"),
        date=date,
        prepared_by=details.get("prepared_by"),
        prepared_for=details.get("prepared_for"),
        classification=details.get("classification"),
        language=details.get("language") or articles[0].meta.language,
        reference=details.get("reference"),
    )
    return Manifest(
        path=path,
        meta=meta,
        articles=tuple(articles),
        summaries=summaries,
        output=output_path,
        formats=formats,
        style=style,
        words_per_minute=wpm,
        layout=layout,
        article_paths=tuple(entry.path for entry in entries),
    )
