"""Loading and saving: canonical output, atomic saves, clear errors for every broken file."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archdesigner.io import (
    DesignError,
    dumps_design,
    load_design,
    loads_design,
    migrations,
    save_design,
)
from archdesigner.model import Design

from .strategies import designs, json_values, mutated_json

SMALL = {
    "format": "archdesigner.design",
    "version": 1,
    "name": "Web shop",
    "nodes": [
        {"id": "web", "kind": "client", "load_rps": 800, "position": {"x": 0, "y": 0}},
        {"id": "api", "kind": "service", "replicas": 3, "ports": [8080]},
        {"id": "orders-db", "kind": "database", "technology": "postgres"},
    ],
    "links": [
        {"id": "l1", "source": "web", "target": "api", "protocol": "http"},
        {"id": "l2", "source": "api", "target": "orders-db", "protocol": "sql"},
    ],
}


def write(tmp_path: Path, content: str | bytes, name: str = "d.arch.json") -> Path:
    p = tmp_path / name
    if isinstance(content, str):
        p.write_text(content, encoding="utf-8")
    else:
        p.write_bytes(content)
    return p


def error_of(path: Path) -> DesignError:
    with pytest.raises(DesignError) as info:
        load_design(path)
    return info.value


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(designs())
def test_save_load_save_is_byte_identical(
    tmp_path_factory: pytest.TempPathFactory, d: Design
) -> None:
    path = tmp_path_factory.mktemp("rt") / "x.arch.json"
    save_design(d, path)
    first = path.read_bytes()
    loaded = load_design(path)
    assert loaded.model_dump() == d.model_dump()
    save_design(loaded, path)
    assert path.read_bytes() == first


def test_canonical_form_keys_in_spec_order_defaults_left_out() -> None:
    text = dumps_design(loads_design(json.dumps(SMALL)))
    assert text.endswith("}\n") and not text.endswith("\n\n")
    data = json.loads(text)
    assert list(data) == ["format", "version", "name", "nodes", "links"]
    assert list(data["nodes"][1]) == ["id", "kind", "replicas", "ports"]
    assert data["nodes"][0]["load_rps"] == 800  # integral numbers stay integers
    assert "mode" not in data["links"][0]  # default left out
    assert '  "version": 1' in text  # two-space indent


def test_properties_round_trip_untouched_and_unknown_kind_kept(tmp_path: Path) -> None:
    props = {"z": [1, 2.5, {"deep": None}], "a": "é ✓", "float": 1.0}
    data = json.loads(json.dumps(SMALL))
    data["nodes"].append({"id": "k8s", "kind": "kubernetes_operator", "properties": props})
    p = write(tmp_path, json.dumps(data))
    d = load_design(p)
    assert d.nodes[-1].kind == "kubernetes_operator"
    save_design(d, p)
    again = json.loads(p.read_text(encoding="utf-8"))
    assert again["nodes"][-1]["properties"] == props
    assert json.dumps(again["nodes"][-1]["properties"]) == json.dumps(props)


@pytest.mark.parametrize(
    ("mutate", "where", "what"),
    [
        (
            lambda d: d["nodes"][1].update(replicas=0),
            "nodes[1].replicas",
            "greater than or equal to 1",
        ),
        (lambda d: d["nodes"][1].update(replicas="3"), "nodes[1].replicas", "integer"),
        (lambda d: d["nodes"][1].update(id="bad id!"), "nodes[1].id", "pattern"),
        (lambda d: d["nodes"][2].update(id="api"), "nodes[2].id", "duplicate node id 'api'"),
        (
            lambda d: d["links"][1].update(target="nope"),
            "links[1].target",
            "no node with id 'nope'",
        ),
        (lambda d: d["links"][1].update(id="l1"), "links[1].id", "duplicate link id"),
        (lambda d: d["nodes"][0].update(colour="red"), "nodes[0].colour", "unknown field"),
        (lambda d: d["nodes"][0].update(group="zone-x"), "nodes[0].group", "no group"),
        (
            lambda d: d["nodes"][1].update(autoscale={"min": 4, "max": 2}),
            "nodes[1].autoscale",
            "max",
        ),
        (lambda d: d["nodes"][1].update(ports=[70000]), "nodes[1].ports[0]", "65535"),
        (lambda d: d["links"][0].update(mode="maybe"), "links[0].mode", "sync"),
        (lambda d: d["links"][0].update(timeout_ms=0), "links[0].timeout_ms", "greater than 0"),
        (lambda d: d.update(format="something.else"), "format", "archdesigner.design"),
        (lambda d: d.pop("version"), "version", "missing"),
        (lambda d: d.update(nodes={"id": "x"}), "nodes", "list"),
        (
            lambda d: d.update(groups=[{"id": "a", "parent": "b"}, {"id": "b", "parent": "a"}]),
            "groups[0].parent",
            "cycle",
        ),
        (lambda d: d.update(groups=[{"id": "a", "parent": "zz"}]), "groups[0].parent", "no group"),
    ],
)
def test_invalid_designs_name_file_and_json_path(
    tmp_path: Path, mutate: object, where: str, what: str
) -> None:
    data = json.loads(json.dumps(SMALL))
    mutate(data)  # type: ignore[operator]
    err = error_of(write(tmp_path, json.dumps(data)))
    line = str(err)
    assert "\n" not in line
    assert line.startswith(str(tmp_path / "d.arch.json") + ": ")
    assert where in line
    assert what in line


def test_newer_version_is_refused_naming_both_versions(tmp_path: Path) -> None:
    err = error_of(write(tmp_path, json.dumps({**SMALL, "version": 7})))
    assert "version 7" in str(err) and "version 1" in str(err)


@pytest.mark.parametrize(
    ("content", "what"),
    [
        ('{"format": "archdesigner.design", "version": 1, "nodes": [', "not valid JSON"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe", "binary"),
        (b"\xff\xfe\xfa{}", "not UTF-8"),
        ("", "not valid JSON"),
        ("[1, 2, 3]", "expected a JSON object"),
        ("[" * 200_000 + "]" * 200_000, "nested too deeply"),
        ('{"a":' * 5000 + "1" + "}" * 5000, "nested too deeply"),
    ],
)
def test_malformed_files_give_one_clear_line(
    tmp_path: Path, content: str | bytes, what: str
) -> None:
    err = error_of(write(tmp_path, content))
    assert what in str(err)
    assert str(tmp_path) in str(err)


def test_deeply_nested_properties_do_not_crash(tmp_path: Path) -> None:
    data = json.loads(json.dumps(SMALL))
    data["properties"] = json.loads('{"a":' * 900 + "1" + "}" * 900)
    p = write(tmp_path, json.dumps(data))
    try:
        d = load_design(p)
    except DesignError as exc:  # either loads or says it is too deep; never a traceback
        assert "deeply" in str(exc)
    else:
        assert d.name == "Web shop"


def test_truncated_file_reports_line_and_column(tmp_path: Path) -> None:
    text = dumps_design(loads_design(json.dumps(SMALL)))
    err = error_of(write(tmp_path, text[: len(text) // 2]))
    assert "line " in str(err) and "column " in str(err)


def test_fifty_megabyte_file_is_refused_quickly(tmp_path: Path) -> None:
    p = tmp_path / "big.arch.json"
    with p.open("wb") as fh:
        fh.write(b'{"format": "archdesigner.design", "version": 1, "description": "')
        fh.write(b"x" * 50_000_000)
        fh.write(b'"}')
    start = time.perf_counter()
    err = error_of(p)
    assert time.perf_counter() - start < 2
    assert "MB" in str(err)


def test_missing_file_and_directory(tmp_path: Path) -> None:
    assert "no such file" in str(error_of(tmp_path / "absent.arch.json"))
    assert "directory" in str(error_of(tmp_path))


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_fuzz_random_bytes_never_traceback(data: bytes) -> None:
    try:
        loads_design(data.decode("utf-8", errors="replace"), "fuzz.arch.json")
    except DesignError as exc:
        assert str(exc).startswith("fuzz.arch.json: ")


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_fuzz_random_json_never_traceback(value: object) -> None:
    try:
        loads_design(json.dumps(value), "fuzz.arch.json")
    except DesignError as exc:
        assert str(exc).startswith("fuzz.arch.json: ")


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(designs(max_nodes=5), st.data())
def test_fuzz_mutated_designs_never_traceback(d: Design, data: st.DataObject) -> None:
    """Valid designs with one field replaced by arbitrary JSON: load or one clear error."""
    try:
        loads_design(mutated_json(d, data, "extra"), "m.arch.json")
    except DesignError as exc:
        assert str(exc).startswith("m.arch.json: ") and "\n" not in str(exc)


def test_migration_mechanism_lifts_old_versions(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pretend the program is at version 2 and version 1 files need a step that renames
    a field; the loader migrates in memory before validation."""

    def v1_to_v2(data: dict[str, object]) -> dict[str, object]:
        data["description"] = str(data.pop("summary", ""))
        return data

    monkeypatch.setitem(migrations.MIGRATIONS, 1, v1_to_v2)
    raw = {"format": "archdesigner.design", "version": 1, "summary": "old field"}
    lifted = migrations.migrate(dict(raw), current=2)
    assert lifted == {"format": "archdesigner.design", "version": 2, "description": "old field"}
    # and the real loader refuses what it cannot lift
    with pytest.raises(migrations.MigrationError, match="version 3"):
        migrations.migrate({"version": 3}, current=2)


def test_migration_gap_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(migrations, "MIGRATIONS", {})
    with pytest.raises(migrations.MigrationError, match="no migration from format version 1"):
        migrations.migrate({"version": 1}, current=2)


def test_save_keeps_file_mode_and_leaves_no_temp_files(tmp_path: Path) -> None:
    p = tmp_path / "d.arch.json"
    save_design(loads_design(json.dumps(SMALL)), p)
    os.chmod(p, 0o640)
    save_design(loads_design(json.dumps(SMALL)), p)
    assert (p.stat().st_mode & 0o777) == 0o640
    assert [f.name for f in tmp_path.iterdir()] == ["d.arch.json"]


KILLER = r"""
import sys
from archdesigner.io import save_design
from archdesigner.model import Design, Node
d = Design.empty("big")
d.nodes = [Node(id=f"n{i}", kind="service", name="x" * 200) for i in range(40000)]
print("ready", flush=True)
while True:
    save_design(d, sys.argv[1])
"""


@pytest.mark.slow
def test_killing_the_process_mid_save_leaves_a_loadable_file(tmp_path: Path) -> None:
    target = tmp_path / "design.arch.json"
    original = loads_design(json.dumps(SMALL))
    save_design(original, target)
    for delay in (0.05, 0.2, 0.4, 0.7):
        with subprocess.Popen(
            [sys.executable, "-c", KILLER, str(target)], stdout=subprocess.PIPE, text=True
        ) as proc:
            assert proc.stdout is not None
            assert proc.stdout.readline().strip() == "ready"
            time.sleep(delay)
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
        loaded = load_design(target)  # old or new, never a mix
        assert loaded.name in ("Web shop", "big")
        leftovers = [f for f in tmp_path.iterdir() if f.name != "design.arch.json"]
        for f in leftovers:  # a killed save may leave its temp file; never the target damaged
            assert f.name.startswith(".design.arch.json.")
