"""Whatever shape a compose file has, importing it gives a design or an ImportInputError."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archdesigner.importers import ComposeImporter, ImportInputError

KEYS = [
    "image", "build", "ports", "expose", "environment", "depends_on", "links", "networks",
    "deploy", "scale", "command", "entrypoint", "extends", "volumes_from", "network_mode",
    "container_name", "hostname", "profiles", "x-archdesigner", "replicas", "aliases", "node",
    "generated_env", "target", "published", "service", "file", "condition", "required",
]  # fmt: skip
NAMES = ["web", "db", "api", "cache", "Web API", "x" * 70]

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 70000), st.sampled_from(NAMES),
    st.sampled_from(["80:80", "db:5432", "redis://cache:6379", "${X:-1}", "$$", "3", "a=b"]),
)  # fmt: skip
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.sampled_from(KEYS + NAMES), inner, max_size=4),
    ),
    max_leaves=20,
)
services = st.dictionaries(
    st.sampled_from(NAMES), st.dictionaries(st.sampled_from(KEYS), values, max_size=6), max_size=4
)
documents = st.fixed_dictionaries(
    {"services": services},
    optional={
        "networks": values,
        "x-archdesigner": st.fixed_dictionaries(
            {"format": st.just("archdesigner.design")},
            optional={
                "links": values,
                "groups": values,
                "nodes": values,
                "name": values,
                "node_order": values,
                "lint": values,
            },
        ),
    },
)


@pytest.mark.slow
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=documents)
def test_any_shape_imports_or_fails_cleanly(doc: dict[str, object], tmp_path_factory) -> None:  # type: ignore[no-untyped-def]
    path: Path = tmp_path_factory.mktemp("fuzz") / "compose.yaml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    try:
        ComposeImporter().import_files([path], env={})
    except ImportInputError as exc:
        assert str(exc).startswith(str(path))


@settings(max_examples=500, deadline=None)
@given(text=st.text(alphabet="${}:-?+AB_x 1", max_size=30))
def test_interpolation_never_crashes(text: str) -> None:
    from archdesigner.importers.compose_yaml import InterpolationError, Interpolator

    try:
        out = Interpolator({"A": "1", "B": ""}).string(text)
    except InterpolationError:
        return
    assert isinstance(out, str)
    if "$" not in text:
        assert out == text
