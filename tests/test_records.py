"""briefconv._records: records get the same repr, equality and hash as ``@dataclass`` makes.

Every model node, style role and writer option is such a record, so the methods must behave
exactly as the generated ones did: tests and filters compare nodes, writers key caches on
roles, and error messages show reprs.
"""

from __future__ import annotations

import dataclasses
import pickle
from dataclasses import dataclass, field

import pytest

from briefconv._records import record_methods
from briefconv.model import Article, ArticleMeta, Heading, LineBreak, Paragraph, Text
from briefconv.styles import load_style


@dataclass(frozen=True, slots=True)
class Generated:
    """Made by dataclass alone: what record_methods must match."""

    name: str
    size: float = 10.0
    tags: tuple[str, ...] = ()
    note: str = field(default="", compare=False, repr=False)


@record_methods
@dataclass(frozen=True, slots=True, repr=False, eq=False)
class Shared:
    """The same fields, its methods from record_methods."""

    name: str
    size: float = 10.0
    tags: tuple[str, ...] = ()
    note: str = field(default="", compare=False, repr=False)


@record_methods
@dataclass(slots=True, repr=False, eq=False)
class Mutable:
    """Not frozen: equal by fields, unhashable, as a plain dataclass."""

    count: int


def test_repr_eq_and_hash_match_the_generated_methods() -> None:
    for args in [("a",), ("b", 2.5, ("x", "y")), ("c", 1.0, (), "ignored")]:
        generated, shared = Generated(*args), Shared(*args)
        assert repr(shared) == repr(generated).replace("Generated", "Shared")
        assert hash(shared) == hash(generated)
        assert shared == Shared(*args)
    # Fields with compare=False play no part; another class is never equal.
    assert Shared("a", note="x") == Shared("a", note="y")
    assert Shared("a") != Shared("a", 11.0)
    assert Shared("a") != Generated("a")
    assert Shared("a").__eq__(Generated("a")) is NotImplemented
    assert Mutable(1) == Mutable(1)
    with pytest.raises(TypeError, match="unhashable"):
        hash(Mutable(1))


def test_records_stay_frozen_slotted_dataclasses() -> None:
    node = Text("x")
    with pytest.raises(dataclasses.FrozenInstanceError):
        node.text = "y"  # type: ignore[misc]
    assert not hasattr(node, "__dict__")
    assert dataclasses.replace(node, text="y") == Text("y")
    assert pickle.loads(pickle.dumps(node)) == node
    assert LineBreak() == LineBreak() and hash(LineBreak()) == hash(())


def test_model_nodes_and_styles_compare_and_print_by_value() -> None:
    article = Article(ArticleMeta("T"), (Heading(1, (Text("A"),)), Paragraph((Text("b"),))))
    same = Article(ArticleMeta("T"), (Heading(1, (Text("A"),)), Paragraph((Text("b"),))))
    assert article == same and hash(article) == hash(same)
    assert repr(Heading(1, (Text("A"),))) == "Heading(level=1, children=(Text(text='A'),))"
    style = load_style("default")
    assert style == load_style("default")
    assert {style.role("body"): 1}[load_style("default").role("body")] == 1


def test_a_record_made_with_generated_methods_is_refused() -> None:
    with pytest.raises(TypeError, match="repr=False, eq=False"):
        record_methods(Generated)
