"""Shared helpers for the importer tests."""

from __future__ import annotations

import csv
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from archdesigner.importers import ComposeImporter, ImportResult
from archdesigner.model.design import Node

DATA = Path(__file__).resolve().parents[1] / "data"
CORPUS = DATA / "compose"
FIXTURES = DATA / "compose-fixtures"
CORPUS_FILES = sorted(CORPUS.glob("*.yaml"))


def manifest() -> dict[str, dict[str, str]]:
    with (CORPUS / "MANIFEST.tsv").open(encoding="utf-8") as fh:
        return {row["file"]: row for row in csv.DictReader(fh, delimiter="\t")}


def import_compose(*paths: Path, env: Mapping[str, str] | None = None) -> ImportResult:
    return ComposeImporter().import_files(list(paths), env={} if env is None else env)


def raw_compose(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


def depends_on_pairs(data: Mapping[str, Any]) -> set[tuple[str, str]]:
    """(service, dependency) for every ``depends_on`` entry, short or long syntax."""
    pairs = set()
    for name, svc in (data.get("services") or {}).items():
        deps = svc.get("depends_on") or []
        for dep in deps:  # a list of names or a mapping keyed by name
            pairs.add((name, str(dep)))
    return pairs


def link_pairs(result: ImportResult, *, inferred: bool | None = None) -> set[tuple[str, str]]:
    """Links between services (``users`` -> entry links are left out: see test_entries)."""
    out = set()
    for link in result.design.links:
        if link.properties.get("evidence") == "entry":
            continue
        is_inferred = bool(link.properties.get("inferred"))
        if inferred is None or inferred == is_inferred:
            out.add((link.source, link.target))
    return out


def service_nodes(result: ImportResult) -> list[Node]:
    """The nodes that stand for services (the ``users`` entry client left out)."""
    return [n for n in result.design.nodes if not (n.properties.get("import") or {}).get("entry")]
