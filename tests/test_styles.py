"""Style files: resolution, inheritance, units and errors that name the file and key."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from briefconv.errors import StyleError
from briefconv.styles import ROLE_NAMES, bundled_styles, load_style


def test_default_resolves_every_role() -> None:
    style = load_style()
    assert style.name == "default"
    assert set(style.roles) == set(ROLE_NAMES)
    assert style.role("heading2").bold is True  # from heading1 via based_on
    assert style.role("quote").border_color == "#2F5597"
    assert style.role("quote_attribution").border_color is None
    assert style.family("body").regular.is_file()
    assert round(style.page.width) == 595 and round(style.page.margin_left, 1) == 62.4
    assert "default" in bundled_styles()


def test_based_on_and_units(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(
        'based_on = "default"\nname = "mine"\n'
        '[page]\nsize = "Letter"\nmargin = "1in"\nmargin_left = "3cm"\n'
        '[roles.body]\nsize = "12pt"\nalign = "justify"\n',
        encoding="utf-8",
    )
    style = load_style(path)
    assert style.name == "mine"
    assert (style.page.width, style.page.height) == (612.0, 792.0)
    assert style.page.margin_top == 72.0
    assert style.page.margin_left == pytest.approx(85.04, abs=0.01)
    assert style.role("body").size == 12.0
    assert style.role("list").align == "justify"  # inherited from body
    assert style.role("title").size == 22.0  # kept from default


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("[roles.body]\ncolor = 'red'\n", "roles.body.color: expected a colour as #RRGGBB"),
        ("[roles.body]\nsize = 'big'\n", "roles.body.size: expected a length"),
        ("[roles.body]\nalign = 'middle'\n", "roles.body.align: expected one of"),
        ("[roles.sidebar]\nsize = 9\n", "roles.sidebar: unknown role"),
        ("[roles.body]\nfont = 'brand'\n", "roles.body.font: no family 'brand'"),
        ("[page]\nsize = 'B7'\n", "page.size: unknown size"),
        ("[fonts]\nserif = 'Comic Sans'\n", "fonts.serif: 'Comic Sans' is not a bundled"),
        ("colour = 1\n", "colour: unknown key"),
        ("[roles.body\n", "not valid TOML"),
        ("based_on = 'nope'\n", "unknown style 'nope'"),
    ],
)
def test_errors_name_file_and_key(tmp_path: Path, body: str, message: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(StyleError) as info:
        load_style(path)
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_circular_based_on(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text('based_on = "./b.toml"\n', encoding="utf-8")
    (tmp_path / "b.toml").write_text('based_on = "./a.toml"\n', encoding="utf-8")
    with pytest.raises(StyleError, match="circular"):
        load_style(tmp_path / "a.toml")


def test_project_style_by_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "styles").mkdir()
    (tmp_path / "styles" / "house.toml").write_text(
        'based_on = "default"\n[roles.body]\nsize = 13\n', encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    assert load_style("house").role("body").size == 13.0
    with pytest.raises(StyleError, match="unknown style 'other'"):
        load_style("other")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("[roles.body]\nsise = 12\n", "roles.body.sise: unknown key (did you mean 'size'?)"),
        ("[roles.heding1]\nsize = 12\n", "roles.heding1: unknown role (did you mean 'heading1'?)"),
        ("[page]\nmargins = 10\n", "page.margins: unknown key (did you mean 'margin'?)"),
        ("descripton = 'x'\n", "descripton: unknown key (did you mean 'description'?)"),
        ("[pdf]\nhyphenation = true\n", "pdf.hyphenation: unknown key (did you mean 'hyphenate'?)"),
        ("[pdf]\nhyphenate = 'yes'\n", "pdf.hyphenate: expected true or false"),
        ("[epub]\nembed_fonts = 1\n", "epub.embed_fonts: expected true or false"),
        ("[docx]\ntemplate = 'ref.odt'\n", "docx.template: expected a .docx or .dotx file"),
        ("[docx]\ntemplate = 'missing.docx'\n", "docx.template: file"),
        ("[docx]\ntemplate = 3\n", "docx.template: expected the path of a .docx or .dotx file"),
        ("[epub]\nextra_css = true\n", "epub.extra_css: expected a string of CSS"),
        ("[pfd]\nhyphenate = true\n", "pfd: unknown key (did you mean 'pdf'?)"),
        ("[fonts.brand]\nregular = 'a.ttf'\n", "fonts.brand: a family needs all four faces"),
    ],
)
def test_more_errors(tmp_path: Path, body: str, message: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(StyleError) as info:
        load_style(path)
    assert str(info.value).startswith(f"{path}: ")
    assert message in str(info.value)


def _family(tmp_path: Path, regular: Path) -> Path:
    faces = "".join(
        f'{face} = "{regular}"\n' for face in ("regular", "bold", "italic", "bold_italic")
    )
    path = tmp_path / "fonts.toml"
    path.write_text(f'[fonts.brand]\nname = "Brand"\n{faces}', encoding="utf-8")
    return path


def test_font_files_are_checked(tmp_path: Path) -> None:
    from briefconv.fonts import FONT_DIR

    good = load_style(_family(tmp_path, FONT_DIR / "DejaVuSans.ttf"))
    assert good.fonts["brand"].name == "Brand"
    cff = tmp_path / "cff.otf"
    cff.write_bytes(b"OTTO" + bytes(100))
    with pytest.raises(StyleError, match="PostScript \\(CFF\\) outlines"):
        load_style(_family(tmp_path, cff))
    png = tmp_path / "not-a-font.ttf"
    png.write_bytes(b"\x89PNG\r\n\x1a\n")
    with pytest.raises(StyleError, match="is not a TrueType/OpenType font"):
        load_style(_family(tmp_path, png))


def test_template_path_is_relative_to_the_style(tmp_path: Path) -> None:
    (tmp_path / "ref.docx").write_bytes(b"PK")
    path = tmp_path / "t.toml"
    path.write_text('[docx]\ntemplate = "ref.docx"\n', encoding="utf-8")
    assert load_style(path).options["docx"]["template"] == str((tmp_path / "ref.docx").resolve())


def test_template_path_is_relative_to_the_style_that_names_it(tmp_path: Path) -> None:
    # The base style names the template; the style built on it lives elsewhere.
    (tmp_path / "base").mkdir()
    (tmp_path / "base" / "ref.docx").write_bytes(b"PK")
    (tmp_path / "base" / "base.toml").write_text('[docx]\ntemplate = "ref.docx"\n', "utf-8")
    path = tmp_path / "mine.toml"
    path.write_text('based_on = "base/base.toml"\n', encoding="utf-8")
    from briefconv.writers.options import DocxOptions

    template = DocxOptions.of(load_style(path)).template
    assert template == (tmp_path / "base" / "ref.docx").resolve()


def test_loading_a_style_imports_no_writer() -> None:
    # python-docx, reportlab and ebooklib are slow to import: the writers declare their
    # options where the style loader can read them without importing any writer.
    code = (
        "import sys, briefconv.styles as s; s.load_style('large-print'); "
        "print(*(m for m in sys.modules if m.split('.')[0] in ('docx', 'reportlab', 'ebooklib') "
        "or m.startswith('briefconv.writers.')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert set(out.stdout.split()) <= {"briefconv.writers.base", "briefconv.writers.options"}


@pytest.mark.parametrize("name", ["default", "newsroom", "large-print", "official"])
def test_bundled_styles_load_and_show_round_trips(name: str, tmp_path: Path) -> None:
    from briefconv.styles import style_to_toml

    style = load_style(name)
    assert style.description
    path = tmp_path / "copy.toml"
    path.write_text(style_to_toml(style), encoding="utf-8")
    copy = load_style(path)
    assert (copy.page, copy.fonts, copy.roles) == (style.page, style.fonts, style.roles)
    assert (copy.options, copy.pack) == (style.options, style.pack)


def test_large_print_is_large() -> None:
    style = load_style("large-print")
    assert style.role("body").size >= 16
    assert all(style.role(r).size >= 12 for r in ("footer", "header", "byline", "list"))
    assert style.role("body").align != "justify"
    assert style.role("quote").italic is False


def test_styles_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from briefconv.cli import cli

    runner = CliRunner()
    listed = runner.invoke(cli, ["styles"])
    assert listed.exit_code == 0
    names = [line.split()[0] for line in listed.output.splitlines()]
    assert names[:4] == ["default", "large-print", "newsroom", "official"]
    shown = runner.invoke(cli, ["styles", "show", "newsroom"])
    assert shown.exit_code == 0 and shown.output.startswith("# The 'newsroom' style")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "styles").mkdir()
    (tmp_path / "styles" / "house.toml").write_text(
        'based_on = "default"\ndescription = "Our house"\n', encoding="utf-8"
    )
    (tmp_path / "styles" / "broken.toml").write_text("[roles.body]\nsize = -1\n", encoding="utf-8")
    listed = runner.invoke(cli, ["styles"])
    lines = {line.split()[0]: line for line in listed.output.splitlines()}
    assert "Our house" in lines["house"] and "styles/house.toml" in lines["house"]
    assert "invalid:" in lines["broken"]
    missing = runner.invoke(cli, ["styles", "show", "nope"])
    assert missing.exit_code == 1 and "unknown style 'nope'" in missing.output


def test_invalid_style_writes_nothing(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from briefconv.cli import cli

    from .conftest import SAMPLE

    bad = tmp_path / "bad.toml"
    bad.write_text('[roles.body]\ncolor = "navy"\n', encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["convert", str(SAMPLE), "--style", str(bad), "-o", str(out)])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        f"briefconv: error: {bad}: roles.body.color: expected a colour as #RRGGBB"
    ]
    assert not out.exists()


def test_the_readme_shows_the_declared_options() -> None:
    from .readme_options import COMMAND, README, regenerated

    text = README.read_text(encoding="utf-8")
    assert regenerated(text) == text, f"{README} is out of date: run `{COMMAND}`"


@pytest.mark.parametrize(
    ("table", "line", "key"),
    [
        ("roles.body", "indent = -500", "roles.body.indent: -500 is out of range"),
        ("roles.body", "indent = 300", "roles.body.indent: 300 pt is out of range"),
        ("roles.quote", "indent = 100000", "roles.quote.indent: 100000 is out of range"),
        ("roles.body", "size = nan", "roles.body.size: nan is out of range"),
        ("roles.body", "size = inf", "roles.body.size: inf is out of range"),
        ("roles.title", "size = 1e308", "roles.title.size: 1e+308 is out of range"),
        ("roles.title", "size = 2000", "roles.title.size: 2000 is out of range"),
        ("roles.body", "line_height = nan", "roles.body.line_height: nan is out of range"),
        ("roles.body", "space_after = -3", "roles.body.space_after: -3 is out of range"),
        ("page", 'margin = "-5mm"', "page.margin: '-5mm' is out of range"),
        ("page", "margin_left = -10", "page.margin_left: -10 is out of range"),
    ],
)
def test_style_values_out_of_range_name_the_key(
    tmp_path: Path, table: str, line: str, key: str
) -> None:
    """Issue 14, item 11: these passed validation and lost text (indent) or failed later."""
    path = tmp_path / "odd.toml"
    path.write_text(f'based_on = "default"\n[{table}]\n{line}\n', encoding="utf-8")
    with pytest.raises(StyleError) as info:
        load_style(path)
    assert str(info.value).startswith(f"{path}: {key}")


@pytest.mark.parametrize(
    "css",
    [
        "@import url(https://example.org/a.css);",
        "@IMPORT 'local.css';",
        "p { background: url(https://example.org/track.png) }",
        "p { background: url('../secret.png') }",
    ],
)
def test_extra_css_must_be_self_contained(tmp_path: Path, css: str) -> None:
    """Issue 14, item 17: @import of a web stylesheet gave an invalid EPUB and exit 0."""
    path = tmp_path / "css.toml"
    path.write_text(f'based_on = "default"\n[epub]\nextra_css = "{css}"\n', encoding="utf-8")
    with pytest.raises(StyleError) as info:
        load_style(path)
    assert str(info.value).startswith(f"{path}: epub.extra_css: CSS may ")
    fine = tmp_path / "fine.toml"
    fine.write_text(
        'based_on = "default"\n[epub]\nextra_css = "p { background: url(data:,x) }"\n', "utf-8"
    )
    load_style(fine)


def test_a_shorthand_in_a_child_overrides_the_bases_longhands(tmp_path: Path) -> None:
    # Issue 15, item 12: a `styles show` dump sets margin_top ... ; a child of it with
    # margin = "1in" got the dump's 22 mm margins.
    from briefconv.styles import style_to_toml

    (tmp_path / "house.toml").write_text(style_to_toml(load_style("default")), encoding="utf-8")
    child = tmp_path / "wide.toml"
    child.write_text('based_on = "house"\n[page]\nmargin = "1in"\n', encoding="utf-8")
    page = load_style(child).page
    assert (page.margin_top, page.margin_right, page.margin_bottom, page.margin_left) == (
        72.0,
        72.0,
        72.0,
        72.0,
    )
    # A longhand beside the shorthand in the same file still wins for its side.
    child.write_text(
        'based_on = "house"\n[page]\nmargin = "1in"\nmargin_left = "2in"\n', encoding="utf-8"
    )
    page = load_style(child).page
    assert (page.margin_top, page.margin_left) == (72.0, 144.0)


@pytest.mark.parametrize(
    ("roles", "printed", "warned"),
    [
        # The red of the headings: a marking in it reads as decoration, so black.
        (
            '[roles.heading1]\ncolor = "#C8102E"\n[roles.marking]\ncolor = "#C8102E"\n',
            "#000000",
            True,
        ),
        (
            '[roles.quote]\nborder_color = "#2F5597"\n[roles.marking]\ncolor = "#2f5597"\n',
            "#000000",
            True,
        ),
        # Its own colour, or near-black shared with near-black headings, is kept.
        ('[roles.marking]\ncolor = "#8B0000"\n', "#8B0000", False),
        (
            '[roles.heading1]\ncolor = "#0B0C0C"\n[roles.marking]\ncolor = "#0B0C0C"\n',
            "#0B0C0C",
            False,
        ),
    ],
)
def test_the_marking_is_never_in_an_accent_colour(
    tmp_path: Path, roles: str, printed: str, warned: bool, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "marked.toml"
    path.write_text(f'based_on = "default"\n{roles}', encoding="utf-8")
    with caplog.at_level("WARNING", logger="briefconv"):
        style = load_style(path)
    assert style.role("marking").color == printed
    assert any("roles.marking.color" in r.getMessage() for r in caplog.records) is warned


@pytest.mark.parametrize("name", ["default", "newsroom", "official", "large-print"])
def test_bundled_markings_differ_from_their_accents(
    name: str, caplog: pytest.LogCaptureFixture
) -> None:
    # Issue 16: newsroom printed its marking in its heading red; none may warn either.
    with caplog.at_level("WARNING", logger="briefconv"):
        style = load_style(name)
    assert not caplog.records
    marking = style.role("marking").color
    accents = {style.role(r).color for r in ("title", "cover_title", "heading1", "link")}
    channels = [int(marking[i : i + 2], 16) for i in (1, 3, 5)]
    assert marking not in accents or max(channels) - min(channels) <= 0x18
    assert style.role("marking").bold and style.role("marking").size >= 10
