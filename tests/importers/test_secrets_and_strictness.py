"""Compose import keeps secrets out of errors and designs, and is as strict as Docker Compose
about duplicate keys and extends cycles; designs beyond the size limit are never written."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from archdesigner.cli import main
from archdesigner.importers import ImportInputError
from archdesigner.importers.compose import ComposeImporter
from archdesigner.importers.compose_yaml import read_env_file

TOKEN = "tok_9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a1f0e9d8c7b6a5"


def test_env_file_errors_cite_the_line_never_its_content(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text(f"A=1\nSECRET_TOKEN {TOKEN}\nB=${{oops\n")
    with pytest.raises(ImportInputError) as info:
        read_env_file(env)
    assert str(info.value).startswith(f"{env}:2: ")
    assert TOKEN[:8] not in str(info.value)
    env.write_text(f"A=1\nB=x{TOKEN}${{oops\n")
    with pytest.raises(ImportInputError) as info:
        read_env_file(env)
    assert str(info.value).startswith(f"{env}:2: ") and TOKEN[:8] not in str(info.value)


def test_a_symlinked_env_out_of_the_project_is_not_read(tmp_path: Path) -> None:
    elsewhere = tmp_path / "home" / "secrets.env"
    elsewhere.parent.mkdir()
    elsewhere.write_text(f"TAG={TOKEN}\n")
    project = tmp_path / "project"
    project.mkdir()
    (project / ".env").symlink_to(elsewhere)
    compose = project / "compose.yaml"
    compose.write_text("services:\n  web:\n    image: nginx:${TAG:-1}\n")
    result = ComposeImporter().import_files([compose])
    assert result.design.nodes[0].image == "nginx:1"
    assert any("did not read" in line and "--env-file" in line for line in result.report)


def test_host_variables_stay_references_and_are_listed_in_the_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SECRET_TOKEN", TOKEN)
    monkeypatch.setenv("WEB_TAG", "1.25")
    compose = tmp_path / "compose.yaml"
    compose.write_text(
        "services:\n  web:\n    image: nginx:${WEB_TAG}\n"
        "    environment:\n      - SECRET_TOKEN\n      - AUTH=Bearer ${SECRET_TOKEN}\n"
    )
    result = ComposeImporter().import_files([compose])
    node = result.design.nodes[0]
    assert TOKEN not in result.design.model_dump_json()
    assert node.env == {"AUTH": "Bearer ${SECRET_TOKEN}"}
    assert node.image == "nginx:1.25"
    listed = [line for line in result.report if line.startswith("substituted host variables")]
    assert listed and "SECRET_TOKEN" in listed[0] and "WEB_TAG" in listed[0]
    assert TOKEN not in "\n".join(result.report)


def test_duplicate_yaml_keys_are_an_error_with_file_and_line(tmp_path: Path) -> None:
    compose = tmp_path / "compose.yaml"
    compose.write_text("services:\n  web:\n    image: a\n    ports: ['80']\n    image: b\n")
    with pytest.raises(ImportInputError) as info:
        ComposeImporter().import_files([compose])
    assert str(info.value) == (
        f"{compose}:5: not valid YAML: duplicate key 'image' (first on line 3)"
    )


def test_merge_keys_may_still_be_overridden(tmp_path: Path) -> None:
    compose = tmp_path / "compose.yaml"
    compose.write_text(
        "x-base: &base {image: a, restart: always}\n"
        "services:\n  web:\n    <<: *base\n    image: b\n"
    )
    assert ComposeImporter().import_files([compose]).design.nodes[0].image == "b"


def test_cross_file_extends_cycle_is_an_error_with_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(
        "services:\n  web:\n    extends: {file: b.yaml, service: base}\n"
    )
    (tmp_path / "b.yaml").write_text(
        "services:\n  base:\n    image: x\n    extends:\n      file: a.yaml\n      service: web\n"
    )
    with pytest.raises(ImportInputError) as info:
        ComposeImporter().import_files([tmp_path / "a.yaml"])
    assert str(info.value).startswith(f"{tmp_path / 'b.yaml'}:4: 'extends' goes round in a circle")


def test_an_import_beyond_the_design_size_limit_is_refused_before_writing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import archdesigner.io.load as load

    monkeypatch.setattr(load, "MAX_FILE_BYTES", 2000)
    compose = tmp_path / "compose.yaml"
    compose.write_text(
        "services:\n" + "".join(f"  svc{i}:\n    image: img{i}\n" for i in range(40))
    )
    out = tmp_path / "big.arch.json"
    assert main(["import", str(compose), "-o", str(out), "-q"]) == 2
    assert "limited to" in capsys.readouterr().err
    assert not out.exists()
    assert os.listdir(tmp_path) == ["compose.yaml"]
