"""DAISY Ace over every sample EPUB, and its axe over every HTML page, in every bundled style.

In each bundled style (``styles/*.toml``) the samples are written as EPUBs and as HTML
pages: every article of ``source/`` as a handout, the sample pack of ``source/pack.toml``,
and a Markdown article with a table, code, footnotes, a figure, links, a quotation and a
task list; a pack of that article and :data:`tests.rich.RICH` adds a cover, a contents page
and notes with pack-wide ids. Ace checks every book, several at a time; axe, the rule
engine Ace runs on content documents (its own build), checks every page in one Chromium
(``tests/axe_pages.js``). Any finding fails, whatever its impact (minor to critical).

Ace is run as users run it: ``ace-cli`` (the version pinned in the Makefile, which
``make test`` installs with npm into ``.venv/ace``; ``BRIEFCONV_ACE`` may name another),
on Node.js, driving Debian's ``chromium`` headless through puppeteer. Where Node.js or
Chromium cannot run, or Ace is not installed, the tests are skipped saying what is
missing; CI (``.ci/run``) installs all three and sets ``BRIEFCONV_REQUIRE_ACE``, which
turns that skip into a failure. A book and a page broken on purpose (as they were before
issue 18) must draw their findings, so a run whose findings were lost cannot pass.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import pytest
from lxml import etree

import briefconv
from briefconv.model import PackMeta
from briefconv.pack import make_pack
from briefconv.styles import bundled_styles

from .conftest import CASES, ROOT
from .rich import RICH

pytestmark = pytest.mark.slow

#: Where ``make test`` installs Ace: in the venv whose Python runs the tests (``.venv/ace``,
#: the Makefile's ``ace`` target).
LOCAL_ACE = Path(sys.prefix) / "ace" / "node_modules" / ".bin" / "ace-cli"

#: An article with every construct whose markup Ace has rules for: headings, a table with
#: a header row, a code block, footnotes (one with a list), a figure with alt text, links
#: in running text, a quotation, a task list and struck-out text.
ARTICLE = """\
---
title: Grain Corridor Figures, Annotated
subtitle: What the port data say, and how they were counted
author: Clara Jensen
date: 2026-11-20
source: Example Wire
url: https://example.org/wire/corridor-figures
lang: en
---

Shipments through the [Black Sea corridor](https://example.org/corridor) rose for a third
month,[^source] and insurers ~~raised~~ held their premiums.[^premiums]

## Tonnage by port

| Port | Tonnes | Change |
|:-----|-------:|:------:|
| Odesa | 1,250,000 | +4 % |
| Chornomorsk | 830,000 | -2 % |
| Pivdennyi | 410,000 | +11 %[^revised] |

![Map of the corridor from Odesa to the Bosphorus](map.png)

## How it was counted

The figures come from a short script run over the port authority's daily files:

```python
def tally(rows):
    totals = {}
    for port, tonnes in rows:
        totals[port] = totals.get(port, 0) + tonnes
    return totals
```

> "The numbers are steady, and steady is what underwriters price."
>
> — A Lloyd's broker

## Next steps

- [x] Publish the monthly table
- [ ] Add the Danube ports, see <https://example.org/danube>

[^source]: Port authority data, 1 to 30 November.

[^premiums]: War-risk premiums, as a share of hull value:

    - September: 1 %
    - November: 1 %

[^revised]: Revised on 2 December.
"""


@dataclass(frozen=True, slots=True)
class Ace:
    """The Ace command line and the environment it runs in."""

    command: str
    node: str
    env: dict[str, str]

    def check(self, epub: Path, out: Path) -> dict[str, Any]:
        """Run Ace on ``epub``; its report (``report.json``), or the test fails."""
        proc = subprocess.run(
            [self.command, "--force", "--outdir", str(out), "--tempdir", str(out / "tmp"), epub],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        report = out / "report.json"
        if proc.returncode != 0 or not report.is_file():
            pytest.fail(
                f"Ace did not check {epub} (exit {proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
            )
        result: dict[str, Any] = json.loads(report.read_text("utf-8"))
        return result


def _missing(why: str) -> NoReturn:
    """Skip, saying what is missing; fail instead where CI requires Ace."""
    if os.environ.get("BRIEFCONV_REQUIRE_ACE"):
        pytest.fail(f"{why} (BRIEFCONV_REQUIRE_ACE is set: Ace must run here)")
    pytest.skip(why)


def _runs(command: list[str]) -> bool:
    """Whether ``command`` (a ``--version``) runs and exits 0."""
    try:
        return subprocess.run(command, capture_output=True, timeout=60, check=False).returncode == 0
    except OSError:
        return False


def _chromium() -> str | None:
    """The Chromium puppeteer is told to drive (its own download is never made)."""
    if given := os.environ.get("PUPPETEER_EXECUTABLE_PATH"):
        return given
    names = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
    return next((path for name in names if (path := shutil.which(name))), None)


@pytest.fixture(scope="module")
def ace(tmp_path_factory: pytest.TempPathFactory) -> Ace:
    """Ace, ready to run; skipped (failed under ``BRIEFCONV_REQUIRE_ACE``) if it cannot."""
    node = shutil.which("node")
    if node is None or not _runs([node, "--version"]):
        _missing(
            "Node.js does not run here, and DAISY Ace needs it "
            "(Debian: apt-get install nodejs npm chromium; make test then installs Ace)"
        )
    chromium = _chromium()
    if chromium is None or not _runs([chromium, "--version"]):
        _missing(
            "Chromium does not run here, and DAISY Ace drives it "
            "(Debian: apt-get install chromium, or set PUPPETEER_EXECUTABLE_PATH)"
        )
    command = os.environ.get("BRIEFCONV_ACE") or str(LOCAL_ACE)
    if not Path(command).is_file():
        _missing(
            f"DAISY Ace is not installed at {command}: `make ace` (or make test) installs it "
            "with npm into .venv/ace, beside the Python that runs the tests; or set BRIEFCONV_ACE "
            "to an ace-cli"
        )
    home = tmp_path_factory.mktemp("ace-home")
    env = {
        **os.environ,
        "PUPPETEER_EXECUTABLE_PATH": chromium,
        # Ace keeps its configuration and logs in the XDG folders: this run's, never ~.
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CACHE_HOME": str(home / "cache"),
        "XDG_STATE_HOME": str(home / "state"),
    }
    return Ace(command, node, env)


def _write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def _broken_book(epub: Path, target: Path) -> Path:
    """``epub`` as it was before issue 18: no ``xml:lang`` on the package, no chapter role.

    Ace must report ``epub-lang`` and ``epub-type-has-matching-role`` on it.
    """
    out = io.BytesIO()
    with zipfile.ZipFile(epub) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "EPUB/content.opf":
                data = re.sub(rb'(<package[^>]*?) xml:lang="[^"]*"', rb"\1", data, count=1)
            elif info.filename == "EPUB/article.xhtml":
                data = data.replace(b' role="doc-chapter"', b"")
            dst.writestr(info, data)
    return _write(target, out.getvalue())


def _broken_page(page: Path, target: Path) -> Path:
    """A pack's page as it was before issue 18: the marking outside every landmark.

    axe must report ``region`` on it.
    """
    data = page.read_bytes()
    marking = re.search(rb'<p class="marking">[^<]*</p>\n', data)
    assert marking is not None
    line = marking.group()
    moved = data.replace(line, b"", 1).replace(b"<body>\n", b"<body>\n" + line, 1)
    return _write(target, moved)


@dataclass(frozen=True, slots=True)
class Samples:
    """What is checked, by name (``style/stem``): EPUBs for Ace, HTML pages for axe.

    Each also holds ``broken``, which must draw findings.
    """

    books: dict[str, Path]
    pages: dict[str, Path]


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory) -> Samples:
    """Every sample, the Markdown article and the pack of constructs, in every style."""
    root = tmp_path_factory.mktemp("ace-samples")
    folder = root / "article"
    folder.mkdir()
    shutil.copy(CASES / "md" / "map.png", folder / "map.png")
    (folder / "corridor-figures.md").write_text(ARTICLE, "utf-8")
    article = briefconv.read_file(folder / "corridor-figures.md")
    assert any(isinstance(b, briefconv.Figure) and b.path for b in article.blocks)
    sources = sorted([*ROOT.glob("source/*.txt"), *ROOT.glob("source/*.md")])
    assert len(sources) >= 4
    out = Samples({}, {})

    def write(name: str, content: briefconv.Article | briefconv.Pack, style: Any) -> None:
        for fmt, into in (("epub", out.books), ("html", out.pages)):
            if isinstance(content, briefconv.Pack):
                data = briefconv.render_pack(content, fmt, style)
            else:
                data = briefconv.render(content, fmt, style)
            into[name] = _write(root / fmt / f"{name}.{fmt}", data)

    for style in bundled_styles():
        for source in sources:
            write(f"{style}/{source.stem}", briefconv.read_file(source), style)
        built = briefconv.build_pack(ROOT / "source" / "pack.toml", style=style)
        write(f"{style}/briefing-pack", built.pack, built.style)
        write(f"{style}/corridor-figures", article, style)
    pack = make_pack([article, RICH], PackMeta(title="Figures and constructs", date="2026-12-01"))
    write("default/constructs-pack", pack, "default")
    out.books["broken"] = _broken_book(out.books["default/istanbul-talks"], root / "broken.epub")
    out.pages["broken"] = _broken_page(out.pages["default/briefing-pack"], root / "broken.html")
    return out


@dataclass(frozen=True, slots=True)
class Finding:
    """One violation Ace or axe reports: where, which rule, how bad, and the element."""

    document: str
    rule: str
    impact: str
    html: str

    def __str__(self) -> str:
        return f"{self.document}: {self.rule} ({self.impact}) {' '.join(self.html.split())[:160]}"


@dataclass(frozen=True, slots=True)
class Reports:
    """Ace's report on every book, and axe's findings on every page, by name."""

    books: dict[str, dict[str, Any]]
    pages: dict[str, list[Finding]]


def _axe(ace: Ace, pages: dict[str, Path]) -> dict[str, list[Finding]]:
    """axe (Ace's build) on every page, in one Chromium (``tests/axe_pages.js``)."""
    script = Path(__file__).with_name("axe_pages.js")
    paths = [str(path) for path in pages.values()]
    proc = subprocess.run(
        [ace.node, str(script), ace.command, *paths],
        env=ace.env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if proc.returncode != 0:
        pytest.fail(f"axe did not check the pages (exit {proc.returncode}):\n{proc.stderr}")
    found = json.loads(proc.stdout)
    return {
        name: [Finding(path.name, v["rule"], v["impact"], v["html"]) for v in found[str(path)]]
        for name, path in pages.items()
    }


@pytest.fixture(scope="module")
def reports(ace: Ace, samples: Samples, tmp_path_factory: pytest.TempPathFactory) -> Reports:
    """Ace's reports and axe's findings on every sample.

    Ace takes one EPUB per run and starts a Chromium for each, spending about as long
    waiting on Chromium and Node.js as computing: runs overlap, twice as many as there are
    CPUs (at most 4), with axe's one run over all the pages among them.
    """
    root = tmp_path_factory.mktemp("ace-reports")
    workers = min(4, 2 * (os.cpu_count() or 1))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        pages = pool.submit(_axe, ace, samples.pages)
        books = {
            name: pool.submit(ace.check, path, root / name.replace("/", "-"))
            for name, path in samples.books.items()
        }
        return Reports({name: book.result() for name, book in books.items()}, pages.result())


def _findings(report: dict[str, Any]) -> list[Finding]:
    """Every failed assertion of an Ace report, of any impact."""
    found = []
    for document in report["assertions"]:
        for assertion in document.get("assertions", []):
            result = assertion["earl:result"]
            if result["earl:outcome"] == "fail":
                test = assertion["earl:test"]
                url = document["earl:testSubject"]["url"]
                html = result.get("html") or ""
                found.append(Finding(url, test["dct:title"], test["earl:impact"], html))
    return found


#: Six samples in each bundled style (four handouts, the pack, the Markdown article), and
#: the pack of constructs.
EXPECTED = 6 * len(bundled_styles()) + 1


def test_ace_reports_no_violation_on_any_book(reports: Reports) -> None:
    checked = {name: report for name, report in reports.books.items() if name != "broken"}
    assert len(checked) == EXPECTED
    problems = [f"{name}: {f}" for name, report in checked.items() for f in _findings(report)]
    assert problems == []
    assert {report["earl:result"]["earl:outcome"] for report in checked.values()} == {"pass"}


def test_ace_checked_every_content_document(reports: Reports, samples: Samples) -> None:
    opf = "{http://www.idpf.org/2007/opf}"
    for name, path in samples.books.items():
        with zipfile.ZipFile(path) as z:
            package = etree.fromstring(z.read("EPUB/content.opf"))
        documents = {
            item.get("href")
            for item in package.iter(f"{opf}item")
            if item.get("media-type") == "application/xhtml+xml"
        }
        checked = {
            document["earl:testSubject"]["url"].rsplit("/", 1)[-1]
            for document in reports.books[name]["assertions"]
        }
        assert documents and documents | {"content.opf"} <= checked, name


def test_axe_reports_no_violation_on_any_page(reports: Reports) -> None:
    checked = {name: found for name, found in reports.pages.items() if name != "broken"}
    assert len(checked) == EXPECTED
    problems = [f"{name}: {f}" for name, found in checked.items() for f in found]
    assert problems == []


def test_ace_and_axe_find_what_is_broken_on_purpose(reports: Reports) -> None:
    # The sample handout and pack page as they were before issue 18. A run that lost its
    # findings (a report not read, a rule not run) could not see these.
    book = reports.books["broken"]
    assert book["earl:result"]["earl:outcome"] == "fail"
    assert {(f.rule, f.impact) for f in _findings(book)} == {
        ("epub-lang", "serious"),
        ("epub-type-has-matching-role", "moderate"),
    }
    assert {(f.rule, f.impact) for f in reports.pages["broken"]} == {("region", "moderate")}
