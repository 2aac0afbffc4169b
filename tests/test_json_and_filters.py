"""The model as a public interface: JSON Schema, the JSON reader, and JSON filters."""

from __future__ import annotations

import json
import shutil
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

import briefconv
from briefconv import InputError
from briefconv._schema import model_schema, validate
from briefconv.cli import cli
from briefconv.filters import apply_filter
from briefconv.model import (
    MODEL_VERSION,
    Article,
    ArticleMeta,
    BulletList,
    CodeBlock,
    Heading,
    Note,
    OrderedList,
    Paragraph,
    Strikethrough,
    Strong,
    Table,
    Text,
    plain_text,
)
from briefconv.serialize import from_dict, from_json, to_dict, to_json

from .conftest import CASES, SAMPLE


def _all_cases() -> list[Path]:
    return [SAMPLE, *sorted(CASES.glob("*.txt")), *sorted((CASES / "md").glob("*.md"))]


@pytest.mark.parametrize("path", _all_cases(), ids=lambda p: p.name)
def test_every_case_validates_against_the_schema(path: Path) -> None:
    validate(to_dict(briefconv.read_file(path)))


def test_schema_names_every_node_type() -> None:
    defs = model_schema()["$defs"]
    inline = {
        defs[r["$ref"].split("/")[-1]]["properties"]["type"]["const"]
        for r in defs["inline"]["oneOf"]
    }
    block = {
        defs[r["$ref"].split("/")[-1]]["properties"]["type"]["const"]
        for r in defs["block"]["oneOf"]
    }
    assert inline == {
        "text", "emphasis", "strong", "link", "code", "line_break", "strikethrough", "note"
    }  # fmt: skip
    assert block == {
        "heading", "paragraph", "quote", "bullet_list", "ordered_list", "thematic_break", "figure",
        "code_block", "table",
    }  # fmt: skip


#: Every version 2 node, built by hand: what the JSON form must carry through unchanged.
VERSION_2 = Article(
    ArticleMeta("New nodes"),
    (
        Paragraph(
            (
                Text("Old "),
                Strikethrough((Text("figure"),)),
                Text(" new figure"),
                Note((Paragraph((Text("Corrected on 2 June."),)), CodeBlock("x = 1"))),
            )
        ),
        CodeBlock("def f():\n    return  1", "python"),
        Table(
            ((Text("City"),), (Text("Votes"),)),
            (((Text("Lviv"),), (Strong((Text("12"),)),)), ((), (Text("3"),))),
            ("left", "right"),
        ),
        BulletList(((Text("done"),), (Text("to do"),)), checks=(True, False)),
        OrderedList(((Text("a"),),), 3, checks=(None,)),
    ),
)


def test_version_2_nodes_round_trip_and_validate() -> None:
    data = to_dict(VERSION_2)
    assert data["briefconv-model"] == MODEL_VERSION == 2
    validate(data)
    assert from_json(to_json(VERSION_2)) == VERSION_2


def test_version_1_json_still_reads() -> None:
    data = to_dict(briefconv.read_file(SAMPLE))
    data["briefconv-model"] = 1
    assert from_dict(data) == briefconv.read_file(SAMPLE)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda b: b[2]["rows"][0].pop(), "blocks[2]: table row 1 has 1 cells, not 2"),
        (lambda b: b[2].update(align=["middle", "left"]), "blocks[2].align[0]: expected one of"),
        (lambda b: b[3].update(checks=[True]), "blocks[3].checks: expected one check per item"),
        (
            lambda b: b[0]["content"][3]["blocks"].append({"type": "thematic_break"}),
            "blocks[0].content[3].blocks: a note cannot hold a ThematicBreak",
        ),
    ],
)
def test_version_2_mistakes_name_the_place(change, message: str) -> None:  # type: ignore[no-untyped-def]
    data = to_dict(VERSION_2)
    change(data["blocks"])
    with pytest.raises(InputError) as info:
        from_dict(data)
    assert str(info.value).startswith(message)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["blocks"][1].update(level=0), "blocks[1].level: 0 is less than the minimum 1"),
        (lambda d: d["blocks"][0].update(type="chart"), "blocks[0].type: expected one of heading"),
        (lambda d: d["meta"].update(title=None), "meta.title: expected string, not null"),
        (lambda d: d["meta"].update(colour="red"), "meta.colour: unknown key"),
        (lambda d: d["blocks"][0]["content"][0].pop("text"), "blocks[0].content[0].text: missing"),
        (lambda d: d.update(blocks={}), "blocks: expected array, not an object"),
    ],
)
def test_json_reader_errors_name_file_and_path(tmp_path: Path, change, message: str) -> None:  # type: ignore[no-untyped-def]
    data = to_dict(briefconv.read_file(SAMPLE))
    change(data)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(InputError) as info:
        briefconv.read_file(path)
    assert str(info.value).startswith(f"{path}: {message}")


def test_json_reader_round_trip_through_the_cli(tmp_path: Path) -> None:
    runner = CliRunner()
    dumped = runner.invoke(cli, ["inspect", str(SAMPLE), "--json"])
    (tmp_path / "model.json").write_text(dumped.output, encoding="utf-8")
    again = runner.invoke(cli, ["inspect", str(tmp_path / "model.json"), "--json"])
    assert again.output == dumped.output
    # --from overrides the extension.
    (tmp_path / "model.txt").write_text(dumped.output, encoding="utf-8")
    forced = runner.invoke(
        cli, ["inspect", str(tmp_path / "model.txt"), "--from", "json", "--json"]
    )
    assert forced.output == dumped.output


def test_python_filter_in_another_process() -> None:
    script = (
        "import json, sys\n"
        "d = json.load(sys.stdin)\n"
        "for b in d['blocks']:\n"
        "    if b['type'] == 'heading':\n"
        "        b['content'] = [{'type': 'text', 'text': 'Section: ' + b['content'][0]['text']}]\n"
        "json.dump(d, sys.stdout)\n"
    )
    command = f'{sys.executable} -c "{script}"'
    article = apply_filter(briefconv.read_file(SAMPLE), command)
    headings = [plain_text(b.children) for b in article.blocks if isinstance(b, Heading)]
    assert headings[0] == "Section: A Tense Start to High-Stakes Talks"


@pytest.mark.skipif(shutil.which("sed") is None, reason="no sed on this machine")
def test_shell_filter_changes_every_output(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli,
        [
            "convert", str(SAMPLE), "-t", "epub", "-t", "pdf", "-o", str(tmp_path),
            "--filter", "sed 's/A Tense Start to High-Stakes Talks/A Calm Start/'",
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    from pypdf import PdfReader

    outline = [item.title for item in PdfReader(tmp_path / "istanbul-talks.pdf").outline[1]]
    assert outline[0] == "A Calm Start"
    import zipfile

    with zipfile.ZipFile(tmp_path / "istanbul-talks.epub") as z:
        assert "A Calm Start" in z.read("EPUB/article.xhtml").decode("utf-8")


@pytest.mark.parametrize(
    ("command", "message"),
    [
        ("exit 3", "failed (exit 3)"),
        ("echo oops >&2; exit 1", "failed (exit 1): oops"),
        ("true", "printed nothing"),
        ("echo '{not json'", "returned an invalid model: line 1: not valid JSON"),
        ("echo '{\"briefconv-model\": 1}'", "returned an invalid model: meta: missing"),
        ("/no/such/program", "failed (exit 127)"),
    ],
)
def test_failing_filters_are_clear_errors(command: str, message: str) -> None:
    with pytest.raises(InputError) as info:
        apply_filter(briefconv.read_file(SAMPLE), command)
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_a_runaway_filter_is_capped_and_its_processes_killed(tmp_path: Path) -> None:
    """Issue 14, item 15: a filter's output was kept whole in memory, and its processes
    outlived its timeout."""
    article = briefconv.read_file(SAMPLE)
    with pytest.raises(InputError, match="printed more than 1 MiB"):
        apply_filter(article, "yes 'endless output'", max_output=2**20)
    marker = tmp_path / "child-alive"
    # The filter starts a grandchild that would write a file after the timeout.
    command = f"(sleep 3; touch {marker}) & sleep 30"
    with pytest.raises(InputError, match="no answer after 1 s"):
        apply_filter(article, command, timeout=1)
    time.sleep(3.5)
    assert not marker.exists(), "a process of the filter outlived its timeout"
