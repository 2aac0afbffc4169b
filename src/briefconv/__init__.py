"""briefconv: turn news-style articles into briefing handouts in DOCX, PDF and EPUB.

An article is parsed once into a typed model (:mod:`briefconv.model`); writers render that
model in a style (:mod:`briefconv.styles`) to the bytes of a file. Typical use::

    import briefconv

    article = briefconv.read_file("source/istanbul-talks.txt")
    pdf_bytes = briefconv.render(article, "pdf")
    paths = briefconv.convert("source/istanbul-talks.txt", out_dir="build")

Importing this package loads none of its modules: each public name is imported from its
module the first time it is used (PEP 562), and each writer the first time its format is
rendered. So ``import briefconv`` and ``briefconv --help`` never pay for the model, the
styles, or reportlab, python-docx and ebooklib.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

# The type checker sees ordinary imports; at run time ``__getattr__`` below loads them.
if TYPE_CHECKING:
    from briefconv._io import write_atomic
    from briefconv.api import (
        DEFAULT_FORMATS,
        BuiltPack,
        available_formats,
        build_pack,
        convert,
        output_name,
        read_file,
        read_string,
        render,
        render_pack,
        write_outputs,
    )
    from briefconv.errors import (
        BriefconvError,
        FormatError,
        InputError,
        ManifestError,
        RenderError,
        StyleError,
    )
    from briefconv.manifest import Manifest, load_manifest
    from briefconv.model import (
        HANDOUT_LAYOUT,
        MODEL_VERSION,
        PACK_LAYOUT,
        Align,
        Article,
        ArticleMeta,
        Block,
        BulletList,
        Cell,
        Code,
        CodeBlock,
        Emphasis,
        Figure,
        Heading,
        Inline,
        Layout,
        LineBreak,
        Link,
        Note,
        OrderedList,
        Pack,
        PackArticle,
        PackMeta,
        Paragraph,
        Quote,
        Strikethrough,
        Strong,
        Table,
        Text,
        ThematicBreak,
        block_text,
        notes_in,
        plain_text,
        sanitize,
        sanitize_reported,
    )
    from briefconv.pack import make_pack
    from briefconv.serialize import from_json, to_json
    from briefconv.styles import Style, load_style

#: The package's version; a constant, so reading it imports nothing.
__version__ = "0.1.0"

__all__ = [
    "DEFAULT_FORMATS",
    "HANDOUT_LAYOUT",
    "MODEL_VERSION",
    "PACK_LAYOUT",
    "Align",
    "Article",
    "ArticleMeta",
    "Block",
    "BriefconvError",
    "BuiltPack",
    "BulletList",
    "Cell",
    "Code",
    "CodeBlock",
    "Emphasis",
    "Figure",
    "FormatError",
    "Heading",
    "Inline",
    "InputError",
    "Layout",
    "LineBreak",
    "Link",
    "Manifest",
    "ManifestError",
    "Note",
    "OrderedList",
    "Pack",
    "PackArticle",
    "PackMeta",
    "Paragraph",
    "Quote",
    "RenderError",
    "Strikethrough",
    "Strong",
    "Style",
    "StyleError",
    "Table",
    "Text",
    "ThematicBreak",
    "__version__",
    "available_formats",
    "block_text",
    "build_pack",
    "convert",
    "from_json",
    "load_manifest",
    "load_style",
    "make_pack",
    "notes_in",
    "output_name",
    "plain_text",
    "read_file",
    "read_string",
    "render",
    "render_pack",
    "sanitize",
    "sanitize_reported",
    "to_json",
    "write_atomic",
    "write_outputs",
]

# Module -> the public names it defines. Must match the imports above; tests/test_api.py
# checks that it covers __all__ and that each name is its module's object.
_MODULES: dict[str, tuple[str, ...]] = {
    "briefconv._io": ("write_atomic",),
    "briefconv.api": (
        "DEFAULT_FORMATS",
        "BuiltPack",
        "available_formats",
        "build_pack",
        "convert",
        "output_name",
        "read_file",
        "read_string",
        "render",
        "render_pack",
        "write_outputs",
    ),
    "briefconv.errors": (
        "BriefconvError",
        "FormatError",
        "InputError",
        "ManifestError",
        "RenderError",
        "StyleError",
    ),
    "briefconv.manifest": ("Manifest", "load_manifest"),
    "briefconv.model": (
        "HANDOUT_LAYOUT",
        "MODEL_VERSION",
        "PACK_LAYOUT",
        "Align",
        "Article",
        "ArticleMeta",
        "Block",
        "BulletList",
        "Cell",
        "Code",
        "CodeBlock",
        "Emphasis",
        "Figure",
        "Heading",
        "Inline",
        "Layout",
        "LineBreak",
        "Link",
        "Note",
        "OrderedList",
        "Pack",
        "PackArticle",
        "PackMeta",
        "Paragraph",
        "Quote",
        "Strikethrough",
        "Strong",
        "Table",
        "Text",
        "ThematicBreak",
        "block_text",
        "notes_in",
        "plain_text",
        "sanitize",
        "sanitize_reported",
    ),
    "briefconv.pack": ("make_pack",),
    "briefconv.serialize": ("from_json", "to_json"),
    "briefconv.styles": ("Style", "load_style"),
}
_LAZY: dict[str, str] = {name: module for module, names in _MODULES.items() for name in names}

# Hidden from the type checker: a visible module ``__getattr__`` would make it accept any
# attribute (``briefconv.typo`` would type-check); it sees the imports above instead.
if not TYPE_CHECKING:

    def __getattr__(name: str) -> object:
        """Load public name ``name`` from its module on first use, then keep it here."""
        module_name = _LAZY.get(name)
        if module_name is None:
            # ``from briefconv import model`` relies on this AttributeError: the import
            # system looks for an attribute first, then imports the submodule.
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        import importlib

        value = getattr(importlib.import_module(module_name), name)
        # Cached as a module global, so this hook runs once per name.
        globals()[name] = value
        return value

    def __dir__() -> list[str]:
        """The module's globals plus the public names not loaded yet (for dir() and REPLs)."""
        return sorted(set(globals()) | set(__all__))
