"""The Kubernetes exporter: every manifest validates against the Kubernetes 1.30 schemas
(kubernetes-validate, strict), designs come back from their manifests, and the resilience a
design promises is in the manifests (docs/kubernetes.md)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from archdesigner.export.kubernetes import KUBERNETES_VERSION, KubernetesExporter
from archdesigner.importers import ComposeImporter, KubernetesImporter
from archdesigner.importers.kubernetes_read import read_stream
from archdesigner.io import design_to_data, load_design
from archdesigner.kubernetes_syntax import is_secret_key
from archdesigner.lint import lint_design
from archdesigner.model.design import Design, Node

from .conftest import DESIGN_PATHS, ROOT

COMPOSE = ROOT / "tests" / "data" / "compose"
COMPOSE_CORPUS = sorted(COMPOSE.glob("*.yaml"))
BOUTIQUE = ROOT / "tests" / "data" / "kubernetes" / "online-boutique"
FIXED = ROOT / "resources" / "examples" / "fixed" / "web-shop-fixed.arch.json"


def objects(text: str) -> list[dict[str, Any]]:
    return [doc for doc in yaml.safe_load_all(text) if doc is not None]


def assert_valid(text: str) -> list[dict[str, Any]]:
    docs = objects(text)
    assert docs
    for doc in docs:
        try:
            kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)
        except kubernetes_validate.ValidationError as exc:
            name = doc.get("metadata", {}).get("name")
            pytest.fail(f"{doc.get('kind')} {name}: {exc.message} at {list(exc.path)}")
    return docs


def export(design: Design) -> str:
    data = KubernetesExporter().export(design).data
    assert isinstance(data, str)
    return data


def reimport(text: str) -> Design:
    return KubernetesImporter().import_stream(read_stream(text, "export.yaml")).design


@pytest.mark.parametrize("path", DESIGN_PATHS, ids=lambda p: p.name)
def test_examples_validate_and_come_back_the_same(path: Path) -> None:
    design = load_design(path)
    text = export(design)
    assert_valid(text)
    assert design_to_data(reimport(text)) == design_to_data(design)


@pytest.mark.slow  # the 39-file corpus sweep (~9 s); the examples above stay in the quick loop
@pytest.mark.parametrize("path", COMPOSE_CORPUS, ids=lambda p: p.name)
def test_compose_corpus_exports_valid_manifests(path: Path) -> None:
    design = ComposeImporter().import_files([path], env={}).design
    docs = assert_valid(export(design))
    workloads = [d for d in docs if d["kind"] in ("Deployment", "StatefulSet")]
    assert len(workloads) == len([n for n in design.nodes if n.kind != "client" or n.image])
    # the same design, but a literal secret (SA_PASSWORD: example_123) is now a reference
    for n in design.nodes:
        n.env = {k: "${" + k + "}" if is_secret_key(k) and "${" not in v else v
                 for k, v in n.env.items()}  # fmt: skip
    assert design_to_data(reimport(export(design))) == design_to_data(design)


@pytest.mark.parametrize(
    "source", [BOUTIQUE / "kubernetes-manifests.yaml", BOUTIQUE / "kubernetes-manifests"]
)
def test_imported_manifests_export_valid_and_round_trip(source: Path) -> None:
    design = KubernetesImporter().import_files([source]).design
    text = export(design)
    docs = assert_valid(text)
    frontend = by_kind(docs, "Service")["frontend"]
    assert frontend["spec"]["ports"] == [{"name": "http", "port": 80, "targetPort": 8080}]
    ingress = next(d for d in docs if d["kind"] == "Ingress")
    backends = [p["backend"]["service"] for p in ingress["spec"]["rules"][0]["http"]["paths"]]
    assert backends == [{"name": "frontend", "port": {"number": 80}}]
    assert design_to_data(reimport(text)) == design_to_data(design)


def by_kind(docs: list[dict[str, Any]], kind: str) -> dict[str, dict[str, Any]]:
    return {d["metadata"]["name"]: d for d in docs if d["kind"] == kind}


def test_a_lint_clean_design_gets_a_pdb_and_spread_for_every_redundant_component() -> None:
    design = load_design(FIXED)
    assert lint_design(design).findings == []
    docs = assert_valid(export(design))
    pdbs = by_kind(docs, "PodDisruptionBudget")
    workloads = {**by_kind(docs, "Deployment"), **by_kind(docs, "StatefulSet")}
    redundant = [n for n in design.nodes if n.redundant and n.kind not in ("client", "cdn")]
    redundant = [n for n in redundant if n.kind != "external" and n.technology != "s3"]
    assert len(redundant) >= 15
    for node in redundant:
        workload = workloads[node.id]
        labels = workload["spec"]["selector"]["matchLabels"]
        assert pdbs[node.id]["spec"] == {"maxUnavailable": 1, "selector": {"matchLabels": labels}}
        spread = workload["spec"]["template"]["spec"]["topologySpreadConstraints"]
        assert spread == [{
            "maxSkew": 1, "topologyKey": "kubernetes.io/hostname",
            "whenUnsatisfiable": "ScheduleAnyway", "labelSelector": {"matchLabels": labels},
        }]  # fmt: skip
        replicas = workload["spec"].get("replicas")
        assert replicas == (node.replicas if node.autoscale is None else None)
    single = [n.id for n in design.nodes if n.id in workloads and not n.scaled_out]
    assert all(name not in pdbs for name in single)


def test_zone_groups_spread_over_zones_and_autoscale_is_an_hpa() -> None:
    design = load_design(ROOT / "resources" / "examples" / "media-streaming.arch.json")
    docs = assert_valid(export(design))
    workloads = by_kind(docs, "Deployment")
    spread = workloads["catalog-api"]["spec"]["template"]["spec"]["topologySpreadConstraints"]
    assert spread[0]["topologyKey"] == "topology.kubernetes.io/zone"
    hpa = by_kind(docs, "HorizontalPodAutoscaler")["catalog-api"]["spec"]
    assert (hpa["minReplicas"], hpa["maxReplicas"]) == (3, 8)
    assert hpa["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment",
                                     "name": "catalog-api"}  # fmt: skip


def node(**fields: Any) -> Node:
    return Node.model_validate({"id": "n", "kind": "service", **fields})


def design_of(*nodes: Node, links: list[dict[str, Any]] | None = None) -> Design:
    return Design.model_validate(
        {"format": "archdesigner.design", "version": 1, "name": "Shop",
         "nodes": [n.model_dump() for n in nodes], "links": links or []}
    )  # fmt: skip


def test_stateful_probes_resources_links_and_secrets() -> None:
    db = node(id="orders-db", kind="database", technology="postgres", replicas=2,
              env={"POSTGRES_PASSWORD": "literal-secret", "PGDATA": "/data/pg"})  # fmt: skip
    env = {
        "DB_URL": "postgres://app:${DB_PASS}@orders-db/orders",
        "LOG": "${LOG_LEVEL:-info}",
        "TOKEN": "${API_TOKEN}",
        "RAW": "a$(b)",
    }
    api = node(id="api", capacity_rps=250, ports=[8080], env=env)
    web = node(id="browser", kind="client")
    design = design_of(db, api, web, links=[
        {"id": "a", "source": "api", "target": "orders-db"},
        {"id": "b", "source": "browser", "target": "api"},
    ])  # fmt: skip
    text = export(design)
    assert "literal-secret" not in text
    docs = assert_valid(text)
    sts = by_kind(docs, "StatefulSet")["orders-db"]
    pod = sts["spec"]["template"]["spec"]["containers"][0]
    assert pod["volumeMounts"] == [{"name": "data", "mountPath": "/var/lib/postgresql/data"}]
    claim = sts["spec"]["volumeClaimTemplates"][0]["spec"]["resources"]["requests"]
    assert claim == {"storage": "1Gi"}
    assert pod["readinessProbe"]["exec"]["command"] == ["sh", "-c", "pg_isready -U postgres"]
    assert pod["env"][0] == {"name": "POSTGRES_PASSWORD", "valueFrom": {
        "secretKeyRef": {"name": "shop-secrets", "key": "POSTGRES_PASSWORD"}}}  # fmt: skip
    deploy = by_kind(docs, "Deployment")["api"]["spec"]["template"]["spec"]["containers"][0]
    assert deploy["resources"] == {"requests": {"cpu": "250m", "memory": "256Mi"}}
    written = {e["name"]: e for e in deploy["env"]}
    assert written["DB_PASS"]["valueFrom"]["secretKeyRef"]["key"] == "DB_PASS"
    assert deploy["env"][0]["name"] == "DB_PASS"  # defined before its use
    assert written["DB_URL"]["value"] == "postgres://app:$(DB_PASS)@orders-db/orders"
    assert written["LOG"]["value"] == "info"
    assert written["RAW"]["value"] == "a$$(b)"
    assert written["ORDERS_DB_HOST"]["value"] == "orders-db"
    assert written["ORDERS_DB_URL"]["value"] == "postgres://orders-db:5432"
    back = reimport(text)
    assert back.node_map()["orders-db"].env["POSTGRES_PASSWORD"] == "${POSTGRES_PASSWORD}"
    assert back.node_map()["api"].env == api.env
    assert [(link.source, link.target) for link in back.links] == [
        ("api", "orders-db"), ("browser", "api"),
    ]  # fmt: skip
    assert by_kind(docs, "Ingress")["shop"]["spec"]["rules"][0]["http"]["paths"][0]["path"] == "/"


def test_edits_in_the_manifests_win_over_the_annotation() -> None:
    design = load_design(FIXED)
    docs = objects(export(design))
    cart = next(d for d in docs if d["kind"] == "Deployment" and d["metadata"]["name"] == "cart")
    cart["spec"]["replicas"] = 5
    container = cart["spec"]["template"]["spec"]["containers"][0]
    container["image"] = "example/cart:2"
    container["env"] = [{"name": "MODE", "value": "fast"}]
    text = "---\n".join(yaml.safe_dump(d) for d in docs)
    back = reimport(text).node_map()["cart"]
    assert (back.replicas, back.image, back.env) == (5, "example/cart:2", {"MODE": "fast"})


def test_cli_writes_a_folder_with_a_kustomization_or_one_stream(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "archdesigner", "export", str(FIXED), "--to", "kubernetes",
         "-o", f"{tmp_path}/k8s/"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    folder = tmp_path / "k8s"
    kustomization = yaml.safe_load((folder / "kustomization.yaml").read_text())
    written = sorted(p.name for p in folder.iterdir() if p.name != "kustomization.yaml")
    assert sorted(kustomization["resources"]) == written
    assert "checkout.yaml" in written and "archdesigner-design.yaml" in written
    for name in written:
        assert_valid((folder / name).read_text())
    stream = tmp_path / "all.k8s.yaml"
    out = subprocess.run(
        [sys.executable, "-m", "archdesigner", "export", str(FIXED), "-o", str(stream)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert design_to_data(KubernetesImporter().import_files([folder]).design) == (
        design_to_data(KubernetesImporter().import_files([stream]).design)
    )
    assert "not deployed (outside the cluster" in out.stderr


def test_compose_design_gets_its_command_a_front_door_ingress_and_no_false_secret() -> None:
    design = ComposeImporter().import_files([COMPOSE / "nginx-flask-mysql.yaml"], env={}).design
    docs = assert_valid(export(design))
    db = by_kind(docs, "StatefulSet")["db"]["spec"]["template"]["spec"]["containers"][0]
    assert db["args"] == ["--default-authentication-plugin=mysql_native_password"]
    assert {"name": "MYSQL_ROOT_PASSWORD_FILE", "value": "/run/secrets/db-password"} in db["env"]
    assert db["readinessProbe"]["periodSeconds"] == 3  # the compose health check's interval
    (ingress,) = by_kind(docs, "Ingress").values()
    paths = ingress["spec"]["rules"][0]["http"]["paths"]
    assert [p["backend"]["service"]["name"] for p in paths] == ["proxy"]  # the front door


def test_imported_command_and_args_are_written_back() -> None:
    text = (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: w}\nspec:\n"
        "  selector: {matchLabels: {a: w}}\n  template:\n    metadata: {labels: {a: w}}\n"
        "    spec: {containers: [{name: w, image: example/w, command: [/bin/w], "
        "args: [--port, '8080']}]}\n"
    )
    design = reimport(text)
    (container,) = by_kind(assert_valid(export(design)), "Deployment")["w"]["spec"]["template"][
        "spec"
    ]["containers"]
    assert (container["command"], container["args"]) == (["/bin/w"], ["--port", "8080"])


def test_replicated_datastores_are_named_in_the_report() -> None:
    """Two pods of Redis or PostgreSQL are two servers, not a replicated one: the export
    says which datastores need their replication set up."""
    design = load_design(FIXED)
    report = KubernetesExporter().export(design).report
    line = next(r for r in report if r.startswith("2+ replicas of a datastore"))
    stores = [n.id for n in design.nodes if n.kind in ("database", "cache") and n.redundant]
    assert stores and all(s in line for s in stores)
    single = [n.id for n in design.nodes if n.kind == "database" and not n.scaled_out]
    assert all(f" {s}," not in line and not line.endswith(f" {s}") for s in single)
