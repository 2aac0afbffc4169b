"""Style files: resolution, inheritance, units and errors that name the file and key."""

from __future__ import annotations

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
