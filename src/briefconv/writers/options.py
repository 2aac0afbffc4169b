"""Writer options: each writer declares the keys of its own ``[format]`` style table.

A style file may hold one table per output format (``[pdf]``, ``[docx]``, a plugin's
``[odt]``). The style loader knows none of their keys: a writer declares them as a frozen
dataclass derived from :class:`WriterOptions`, one field per key, each given a default and
one line of documentation with :func:`option`. The loader validates a table through that
declaration, and the writer reads it back typed, with the defaults filled in::

    >>> from dataclasses import dataclass
    >>> from typing import ClassVar
    >>> @dataclass(frozen=True, slots=True)
    ... class OdtOptions(WriterOptions):
    ...     table: ClassVar[str] = "odt"
    ...     contents: bool = option(True, "a table of contents")
    >>> [(o.key, o.kind.__name__, o.default) for o in OdtOptions.declared()]
    [('contents', 'bool', True)]
    >>> OdtOptions.from_table({"contents": False}, "house.toml")
    OdtOptions(contents=False)
    >>> OdtOptions.from_table({"content": False}, "house.toml")
    Traceback (most recent call last):
    ...
    briefconv.errors.StyleError: house.toml: odt.content: unknown key (did you mean 'contents'?)

A writer calls ``OdtOptions.of(style)``. A key typed :class:`~pathlib.Path` names a file
relative to the style file that names it; the loader resolves it before merging
``based_on`` chains and checks that the file exists. The built-in writers' options are at
the end of this module, so that loading a style imports no writer (python-docx, reportlab
and ebooklib are slow to import).
"""

from __future__ import annotations

import dataclasses
import re
import types
import typing
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Self

from briefconv._records import record_methods
from briefconv.errors import StyleError

if TYPE_CHECKING:
    # Only for annotations: styles.py imports the writer registry, which imports this.
    from briefconv.styles import Style

__all__ = [
    "DocxOptions",
    "EpubOptions",
    "NoOptions",
    "Option",
    "PdfOptions",
    "WriterOptions",
    "option",
    "unknown_key",
]

# The dataclass field metadata key under which option() keeps what a field alone cannot say.
_META = "briefconv.option"

# What a value of each supported type must look like, for error messages and the docs.
_EXPECTED: dict[type, str] = {
    bool: "true or false",
    int: "a whole number",
    float: "a number",
    str: "a string",
    Path: "a file",
}
_TYPE_NAMES: dict[type, str] = {
    bool: "boolean",
    int: "integer",
    float: "number",
    str: "string",
    Path: "path",
}


@record_methods
@dataclass(frozen=True, slots=True, repr=False, eq=False)
class Option:
    """One key of a writer's style table, as its options class declares it.

    ``kind`` is ``bool``, ``int``, ``float``, ``str`` or :class:`~pathlib.Path`; a path is
    written as a string relative to the style file that names it. ``expected`` says what a
    value must be ("true or false", "a .docx or .dotx file"); ``suffixes`` are the file
    suffixes a path may have (any when empty).
    """

    key: str
    kind: type
    default: object
    doc: str
    expected: str
    suffixes: tuple[str, ...] = ()
    #: A further check of a value of the right type: what is wrong with it, or ``None``.
    check: Callable[[Any], str | None] | None = None

    @property
    def is_path(self) -> bool:
        """Whether the value names a file, relative to the style file that names it."""
        return self.kind is Path

    @property
    def type_name(self) -> str:
        """The type as the style documentation names it: ``boolean``, ``path`` ..."""
        return _TYPE_NAMES[self.kind]

    def problem(self, value: object) -> str | None:
        """What is wrong with ``value`` as written in a (path-resolved) table, or ``None``."""
        raw = str if self.is_path else self.kind
        # bool is an int to Python, but `true` is not a number in a style file.
        if not isinstance(value, raw) or (raw is not bool and isinstance(value, bool)):
            what = f"the path of {self.expected}" if self.is_path else self.expected
            return f"expected {what}"
        if self.is_path:
            path = Path(str(value))
            if self.suffixes and path.suffix.lower() not in self.suffixes:
                return f"expected {self.expected}, not {path.name}"
            if not path.is_file():
                return f"file {path} not found"
        if self.check is not None:
            return self.check(value)
        return None


def option(
    default: Any,
    doc: str,
    *,
    expected: str = "",
    suffixes: Iterable[str] = (),
    check: Callable[[Any], str | None] | None = None,
) -> Any:
    """Declare one field of a :class:`WriterOptions` dataclass: its default and its docs.

    ``doc`` is one line for ``styles/README.md``; ``expected`` overrides what errors say a
    value must be (by default from the field's type); ``suffixes`` limit a path's suffix.
    """
    meta = {_META: (doc, expected, tuple(s.lower() for s in suffixes), check)}
    return dataclasses.field(default=default, metadata=meta)


_CSS_URL = re.compile(r"""url\(\s*(?!["']?data:)""", re.IGNORECASE)


def _self_contained_css(css: str) -> str | None:
    """Why ``css`` cannot go into a book as it is, or ``None``.

    An EPUB must hold every resource it uses: ``@import`` or a ``url()`` of a file or a
    web address made an invalid book (EPUBCheck: remote resource) with exit 0.

    >>> _self_contained_css("p { color: navy }") is None
    True
    >>> _self_contained_css("@import url(https://example.org/x.css);")
    'CSS may not @import other stylesheets (a book must hold all it uses)'
    """
    if "@import" in css.lower():
        return "CSS may not @import other stylesheets (a book must hold all it uses)"
    if _CSS_URL.search(css):
        return "CSS may use url() only with data: (a book must hold all it uses)"
    return None


class WriterOptions:
    """Base of a writer's options: a frozen dataclass with one :func:`option` per key.

    Subclasses set ``table``, the name of their style table (the writer's format name).
    """

    __slots__ = ()

    #: The style table these options are read from: ``"pdf"`` for ``[pdf]``.
    table: ClassVar[str]

    @classmethod
    def declared(cls) -> tuple[Option, ...]:
        """The declared keys, in field order."""
        return _declared(cls)

    @classmethod
    def check(cls, table: Mapping[str, object], source: object, name: str = "") -> None:
        """Raise :class:`StyleError` ``SOURCE: NAME.KEY: problem`` if ``table`` is invalid.

        Paths in ``table`` must already be resolved against the style file (the loader
        does that); ``source`` names the style file in the message, ``name`` the table
        (by default :attr:`table`).
        """
        name = name or cls.table
        known = {o.key: o for o in cls.declared()}
        for key, value in table.items():
            if key not in known:
                raise unknown_key(source, f"{name}.{key}", key, known)
            problem = known[key].problem(value)
            if problem is not None:
                raise StyleError(f"{source}: {name}.{key}: {problem}")

    @classmethod
    def from_table(cls, table: Mapping[str, object], source: object) -> Self:
        """The typed options of a checked ``table``, defaults filled in for absent keys."""
        cls.check(table, source)
        values = {
            o.key: Path(str(table[o.key])) if o.is_path else table[o.key]
            for o in cls.declared()
            if o.key in table
        }
        return cls(**values)

    @classmethod
    def of(cls, style: Style) -> Self:
        """The options ``style`` gives this writer (its ``[table]``, checked and typed)."""
        return cls.from_table(style.options.get(cls.table, {}), style.path or style.name)


def unknown_key(source: object, where: str, key: str, known: Iterable[str]) -> StyleError:
    """An error ``SOURCE: WHERE: unknown key``, with a did-you-mean when one is close."""
    import difflib  # imported on first use: only a mistake needs a did-you-mean

    close = difflib.get_close_matches(key, list(known), n=1, cutoff=0.6)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return StyleError(f"{source}: {where}: unknown key{hint}")


# Declarations read so far: a writer reads its options once per render, and the type hints
# behind a declaration cost more to resolve than the whole check.
_declarations: dict[type[WriterOptions], tuple[Option, ...]] = {}


def _declared(cls: type[WriterOptions]) -> tuple[Option, ...]:
    """Read the declaration of ``cls`` from its dataclass fields and type hints (once)."""
    if cls in _declarations:
        return _declarations[cls]
    if not dataclasses.is_dataclass(cls):
        raise TypeError(f"{cls.__name__}: writer options must be a dataclass")
    hints = typing.get_type_hints(cls)
    out: list[Option] = []
    for f in dataclasses.fields(cls):
        kind = hints[f.name]
        if isinstance(kind, types.UnionType):
            # `Path | None`: the key may be absent, and then it is None.
            kind = next(a for a in typing.get_args(kind) if a is not type(None))
        if kind not in _EXPECTED:
            raise TypeError(f"{cls.__name__}.{f.name}: unsupported option type {kind!r}")
        if _META not in f.metadata:
            raise TypeError(f"{cls.__name__}.{f.name}: declare it with option(default, doc)")
        doc, expected, suffixes, check = f.metadata[_META]
        out.append(
            Option(f.name, kind, f.default, doc, expected or _EXPECTED[kind], suffixes, check)
        )
    _declarations[cls] = tuple(out)
    return _declarations[cls]


# --- The built-in writers' options -------------------------------------------------------
# Here rather than beside each writer so that loading a style imports no writer module.


@record_methods
@dataclass(frozen=True, slots=True, repr=False, eq=False)
class NoOptions(WriterOptions):
    """The options of a writer that declares none: its table must be empty.

    Checked under the writer's format name (``check(table, source, name)``).
    """

    table: ClassVar[str] = ""


@record_methods
@dataclass(frozen=True, slots=True, repr=False, eq=False)
class DocxOptions(WriterOptions):
    """The ``[docx]`` table."""

    table: ClassVar[str] = "docx"

    template: Path | None = option(
        None,
        "a `.docx` or `.dotx` whose Word styles and page setup are used, as pandoc's reference "
        "document is; styles it does not define still follow the roles",
        expected="a .docx or .dotx file",
        suffixes=(".docx", ".dotx"),
    )
    embed_fonts: bool = option(
        True,
        "embed the faces the document uses, subset as Word subsets them, so that Word and "
        "LibreOffice show the style's fonts on computers without them",
    )


@record_methods
@dataclass(frozen=True, slots=True, repr=False, eq=False)
class PdfOptions(WriterOptions):
    """The ``[pdf]`` table."""

    table: ClassVar[str] = "pdf"

    hyphenate: bool = option(True, "hyphenate by the article's language (pyphen dictionaries)")
    tagged: bool = option(
        True, "tagged PDF/UA-1: structure tree, reading order, artifacts, alt text"
    )


@record_methods
@dataclass(frozen=True, slots=True, repr=False, eq=False)
class EpubOptions(WriterOptions):
    """The ``[epub]`` table."""

    table: ClassVar[str] = "epub"

    embed_fonts: bool = option(
        False, "embed the font files the roles use, so e-readers show the PDF's typefaces"
    )
    extra_css: str = option(
        "",
        "CSS appended to the generated stylesheet (no `@import`, no `url()` but `data:`)",
        expected="a string of CSS",
        check=_self_contained_css,
    )
