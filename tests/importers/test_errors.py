"""Bad input: one clear line naming the file and the line, never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from archdesigner.importers import ImportInputError

from .helpers import FIXTURES, import_compose

CASES = [
    ("not-yaml.yaml", 4, "not valid YAML: mapping values are not allowed in this context"),
    ("not-compose.yaml", 1, "not a compose file: it has no 'services' section"),
    ("undefined-service.yaml", 7, "service 'web' depends on undefined service 'cache'"),
    ("missing-var.yaml", 5, "required variable SECRET is missing a value: set SECRET first"),
    ("bad-replicas.yaml", 5, "replicas of 'web' must be a whole number, got 'three'"),
]


@pytest.mark.parametrize(("name", "line", "message"), CASES, ids=[c[0] for c in CASES])
def test_bad_files_name_file_and_line(name: str, line: int, message: str) -> None:
    path = FIXTURES / name
    with pytest.raises(ImportInputError) as info:
        import_compose(path)
    assert str(info.value) == f"{path}:{line}: {message}"
    assert info.value.line == line


def write(tmp_path: Path, text: str, name: str = "compose.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (
            "- just\n- a list\n",
            1,
            "not a compose file: expected a mapping with 'services', got a list",
        ),
        ("", 1, "not a compose file: the file is empty"),
        ("services: [web]\n", 1, "'services' must be a mapping of service names"),
        ("services:\n  web: nginx\n", 2, "service 'web' must be a mapping of settings"),
        ("services:\n  web:\n", 2, "service 'web' is empty"),
        (
            "services:\n  web:\n    image: x\n    links: [db]\n",
            4,
            "service 'web' links to undefined service 'db'",
        ),
        (
            "services:\n  web:\n    image: x\n    extends: base\n",
            4,
            "'extends' names undefined service 'base'",
        ),
        (
            "services:\n  a:\n    extends: b\n  b:\n    extends: a\n",
            3,
            "'extends' goes round in a circle: a -> b -> a",
        ),
        (
            "services:\n  web:\n    image: x\n    network_mode: service:vpn\n",
            4,
            "network_mode of 'web' names undefined service 'vpn'",
        ),
        (
            "services:\n  web:\n    image: x\n    ports:\n      - '80:http'\n",
            5,
            "bad port: 'http' is not a port number (1-65535)",
        ),
        (
            "services:\n  web:\n    image: ${BROKEN\n",
            3,
            "invalid interpolation format in '${BROKEN': no '}'",
        ),
        (
            "services:\n  web:\n    image: x\n    environment:\n      A: {b: c}\n",
            5,
            "environment value of A must be a string",
        ),
        (
            "services:\n  web:\n    image: x\n    volumes_from: true\n",
            4,
            "'volumes_from' of 'web' must be a list, got a bool",
        ),
        ("services:\n  web:\n    image: [x]\n", 3, "'image' of 'web' must be a string, got a list"),
        (
            "services:\n  web:\n    image: x\n    deploy: 3\n",
            4,
            "'deploy' of 'web' must be a mapping, got a int",
        ),
    ],
)
def test_more_bad_files(tmp_path: Path, text: str, line: int, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ImportInputError) as info:
        import_compose(path)
    assert str(info.value) == f"{path}:{line}: {message}"


def test_problem_in_an_override_file_names_that_file(tmp_path: Path) -> None:
    base = write(tmp_path, "services:\n  web:\n    image: nginx\n", "base.yaml")
    over = write(tmp_path, "services:\n  web:\n    depends_on:\n      - api\n", "over.yaml")
    with pytest.raises(ImportInputError) as info:
        import_compose(base, over)
    assert str(info.value) == f"{over}:4: service 'web' depends on undefined service 'api'"


def test_optional_dependency_on_a_missing_service_is_fine(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "services:\n  web:\n    image: nginx\n    depends_on:\n"
        "      api:\n        condition: service_started\n        required: false\n",
    )
    result = import_compose(path)
    assert [link.id for link in result.design.links] == ["users->web"]  # only its entry


def test_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(ImportInputError, match="no such file"):
        import_compose(tmp_path / "missing.yaml")
    with pytest.raises(ImportInputError, match="is a directory"):
        import_compose(tmp_path)
    binary = tmp_path / "bin.yaml"
    binary.write_bytes(b"\x00\x01\x02")
    with pytest.raises(ImportInputError, match="binary data"):
        import_compose(binary)
    latin = tmp_path / "latin.yaml"
    latin.write_bytes(b"services:\n  caf\xe9:\n    image: x\n")
    with pytest.raises(ImportInputError) as info:
        import_compose(latin)
    assert str(info.value) == f"{latin}:2: not UTF-8 text (byte 15)"


def test_bad_env_file(tmp_path: Path) -> None:
    from archdesigner.importers.compose_yaml import read_env_file

    env = write(tmp_path, "A=1\nthis line has no equals sign\n", ".env")
    with pytest.raises(ImportInputError) as info:
        read_env_file(env)
    assert str(info.value) == f"{env}:2: expected KEY=VALUE (the line is not shown)"


@pytest.mark.parametrize("name", [c[0] for c in CASES])
def test_command_line_prints_one_line_and_exits_2(name: str) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "archdesigner", "import", str(FIXTURES / name)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert out.returncode == 2
    assert out.stdout == ""
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"archdesigner import: {FIXTURES / name}:")
    assert "Traceback" not in out.stderr


def test_alias_bomb_is_refused_quickly(tmp_path: Path) -> None:
    lines = ["x-a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]"]
    for i in range(1, 9):
        prev = chr(ord("a") + i - 1)
        cur = chr(ord("a") + i)
        lines.append(f"x-{cur}: &{cur} [{', '.join(['*' + prev] * 10)}]")
    lines += ["services:", "  web:", "    image: nginx", "    x-bomb: *i"]
    path = write(tmp_path, "\n".join(lines) + "\n")
    with pytest.raises(ImportInputError, match="expands to more than 2,000,000 values"):
        import_compose(path)


def test_deep_nesting_is_an_error_not_a_crash(tmp_path: Path) -> None:
    for depth in (600, 3000):
        deep = "[" * depth + "]" * depth
        path = write(tmp_path, f"services:\n  web:\n    image: nginx\n    x-deep: {deep}\n")
        with pytest.raises(ImportInputError, match=r"nested too deeply|exceeded maximum nesting"):
            import_compose(path)


def test_numeric_service_names_are_strings(tmp_path: Path) -> None:
    path = write(tmp_path, "services:\n  123:\n    image: nginx\n")
    assert [n.id for n in import_compose(path).design.nodes] == ["123", "users"]
