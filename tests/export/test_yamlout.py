"""The compose exporter's YAML writer: what it writes reads back as exactly the data."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from archdesigner.export.yamlout import dump, scalar

keys = st.text(max_size=12).filter(lambda s: s < "\ud800" or True)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=30),
    st.sampled_from(["yes", "No", "on", "OFF", "null", "~", "80:80", "1e3", "0x1F", ".inf",
                     "- a", "a: b", "a #b", "#c", "'q'", '"d"', "", " lead", "trail ", "@x",
                     "y", "N", "true", "2024-01-01", "0o17", "+1", "1_000", "=", "<<", "a\u2028b",
                     "\ufeffbom", "\x85nel", "tab\there", "back\\slash", "Edge LB",
                     "pg_isready -U x"]),
)  # fmt: skip
documents = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=25,
)


def clean(value: Any) -> Any:
    """Unpaired surrogates are written as U+FFFD (UTF-8 cannot carry them)."""
    if isinstance(value, str):
        return "".join("\ufffd" if 0xD800 <= ord(c) <= 0xDFFF else c for c in value)
    if isinstance(value, list):
        return [clean(v) for v in value]
    if isinstance(value, dict):
        return {clean(k): clean(v) for k, v in value.items()}
    return value


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.text(max_size=10), documents, max_size=5))
def test_dump_reads_back_as_the_same_data(data: dict[str, Any]) -> None:
    text = dump(data)
    text.encode("utf-8")  # always encodable
    assert yaml.safe_load(text) == clean(data) or (not data and yaml.safe_load(text) == {})


def test_ambiguous_strings_are_quoted_and_plain_ones_are_not() -> None:
    for risky in ("yes", "off", "null", "80:80", "1.5", "a: b", "a #b", "", " x", "x "):
        assert scalar(risky).startswith('"'), risky
    for plain in ("postgres:16", "orders-db", "CMD-SHELL", "Edge LB", "postgres://db:5432"):
        assert scalar(plain) == plain
