"""The fast JSON writer of --format json / sarif writes the standard library's indented
text, byte for byte."""

from __future__ import annotations

import enum
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archdesigner.lint.output import Streamed
from archdesigner.lint.output.jsonenc import encode, iterencode

SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text()
)
KEYS = st.text() | st.integers() | st.floats() | st.booleans() | st.none()
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.tuples(inner, inner)
        | st.dictionaries(KEYS, inner, max_size=4)
        | st.lists(inner, max_size=4).map(lambda items: Streamed(len(items), lambda: iter(items)))
    ),
    max_leaves=30,
)


def library(value: Any) -> str:
    return "".join(json.JSONEncoder(indent=2, ensure_ascii=False).iterencode(value))


@settings(max_examples=300, deadline=None)
@given(VALUES)
def test_the_same_text_as_the_library(value: Any) -> None:
    want = library(value)
    assert "".join(iterencode(value)) == want
    assert encode(value) == want


class Level(enum.IntEnum):
    HIGH = 3


class Name(str):
    pass


def test_subclasses_and_special_text_as_the_library_writes_them() -> None:
    doc = {
        'é\n"\\\x01\u2028': [Level.HIGH, Name("n"), float("nan"), -0.0, 1e300, 10**30],
        Level.HIGH: {},
        2.5: [],
        None: (),
        "findings": Streamed(2, lambda: iter([{"a": [1, {"b": []}]}, {}])),
    }
    assert "".join(iterencode(doc)) == library(doc)


@pytest.mark.parametrize("bad", [{"a": {1, 2}}, {(1, 2): "tuple key"}, [object()]])
def test_what_json_cannot_hold_is_a_type_error_as_in_the_library(bad: Any) -> None:
    with pytest.raises(TypeError):
        library(bad)
    with pytest.raises(TypeError):
        "".join(iterencode(bad))
