"""The Kubernetes importer: Online Boutique against its true call graph, and every object kind
the importer reads (docs/kubernetes.md)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from archdesigner.importers import ImportInputError, KubernetesImporter
from archdesigner.importers.kubernetes_read import read_stream
from archdesigner.io import dumps_design
from archdesigner.kubernetes_syntax import platform_front_door
from archdesigner.lint import lint_design
from archdesigner.model.design import Design

from .helpers import DATA

BOUTIQUE = DATA / "kubernetes" / "online-boutique"
CALL_GRAPH = json.loads((BOUTIQUE / "call-graph.json").read_text(encoding="utf-8"))


def load(text: str) -> tuple[Design, list[str]]:
    result = KubernetesImporter().import_stream(read_stream(text, "test.yaml"))
    return result.design, result.report


def pairs(design: Design) -> set[tuple[str, str]]:
    return {(link.source, link.target) for link in design.links}


@pytest.mark.parametrize(
    "source", [BOUTIQUE / "kubernetes-manifests.yaml", BOUTIQUE / "kubernetes-manifests"]
)
def test_online_boutique_has_its_true_call_graph(source: Path) -> None:
    design = KubernetesImporter().import_files([source]).design
    nodes = design.node_map()
    workloads = sorted(
        n.id for n in design.nodes if (n.kind != "client" or n.image) and not platform_front_door(n)
    )
    assert workloads == CALL_GRAPH["workloads"]
    calls = {(c["source"], c["target"]) for c in CALL_GRAPH["calls"]}
    users = [n for n in design.nodes if n.kind == "client" and not n.image]
    assert len(users) == 1
    # users reach the frontend through the cloud load balancer of its LoadBalancer Service
    door = nodes["frontend-external"]
    assert (door.kind, door.replicas, door.image) == ("load_balancer", 2, "")
    entry_path = {(users[0].id, door.id), (door.id, CALL_GRAPH["entry"])}
    assert {(s, t) for s, t in pairs(design) if users[0].id in (s, t) or door.id in (s, t)} == (
        entry_path
    )
    assert pairs(design) - entry_path == calls
    assert nodes[CALL_GRAPH["client"]].kind == "client"
    assert nodes["redis-cart"].kind == "cache"
    assert nodes["frontend"].ports == [8080]
    # what the Services' ports say: gRPC between the services (one connection per caller,
    # so kube-proxy does not spread the calls), HTTP to the frontend (spread over replicas)
    links = {(x.source, x.target): x for x in design.links}
    assert (
        links[("frontend", "adservice")].protocol,
        links[("frontend", "adservice")].discovery,
    ) == (
        "grpc",
        False,
    )
    to_frontend = links[(CALL_GRAPH["client"], "frontend")]
    assert (to_frontend.protocol, to_frontend.discovery) == ("http", True)
    assert links[("cartservice", "redis-cart")].protocol == "redis"
    assert nodes["cartservice"].env["REDIS_ADDR"] == "redis-cart:6379"
    assert design.groups == []


def test_release_stream_keeps_service_accounts_and_reports_them() -> None:
    result = KubernetesImporter().import_files([BOUTIQUE / "kubernetes-manifests.yaml"])
    kept = result.design.properties["kubernetes"]["resources"]
    assert {obj["kind"] for obj in kept} == {"ServiceAccount"}
    assert "kept 11 other objects in properties.kubernetes.resources" in result.report
    assert (
        "entry: users -> frontend-external -> frontend "
        "(from Service frontend-external (LoadBalancer))"
    ) in result.report


MANIFESTS = """\
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: ConfigMap
    metadata: {name: web-config, namespace: shop}
    data:
      API_URL: http://api:8080/v1
      nginx.conf: |
        upstream backend { server api:8080; }
  - apiVersion: v1
    kind: Secret
    metadata: {name: db-secret, namespace: shop}
    stringData: {DB_PASSWORD: hunter2-never-copied}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      topologySpreadConstraints:
        - {maxSkew: 1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: DoNotSchedule,
           labelSelector: {matchLabels: {app: web}}}
      containers:
        - name: web
          image: example/web:1
          ports: [{containerPort: 3000}]
          env:
            - name: API_URL
              valueFrom: {configMapKeyRef: {name: web-config, key: API_URL}}
          volumeMounts: [{name: conf, mountPath: /etc/nginx}]
      volumes:
        - name: conf
          configMap: {name: web-config}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api-v2, namespace: shop}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api, tier: backend}}
    spec:
      affinity:
        podAntiAffinity:
          preferredDuringSchedulingIgnoredDuringExecution:
            - weight: 1
              podAffinityTerm: {topologyKey: kubernetes.io/hostname}
      containers:
        - name: api
          image: example/api:2
          args: ["--db", "postgres://orders-db:5432/orders"]
          env:
            - name: DB_PASSWORD
              valueFrom: {secretKeyRef: {name: db-secret, key: DB_PASSWORD}}
          ports: [{containerPort: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: api, namespace: shop}
spec:
  selector: {app: api}
  ports: [{port: 8080}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: orders-db, namespace: shop}
spec:
  serviceName: orders-db
  replicas: 2
  selector: {matchLabels: {app: orders-db}}
  template:
    metadata: {labels: {app: orders-db}}
    spec:
      containers: [{name: pg, image: "postgres:16", ports: [{containerPort: 5432}]}]
---
apiVersion: v1
kind: Service
metadata: {name: orders-db, namespace: shop}
spec: {selector: {app: orders-db}, ports: [{port: 5432}], clusterIP: None}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec: {selector: {app: web}, ports: [{port: 80, targetPort: 3000}]}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: shop, namespace: shop}
spec:
  rules:
    - http:
        paths:
          - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: api-route, namespace: shop}
spec:
  parentRefs: [{name: public}]
  rules: [{backendRefs: [{name: api, port: 8080}]}]
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: api, namespace: shop}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: api-v2}
  minReplicas: 2
  maxReplicas: 9
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: api, namespace: shop}
spec: {maxUnavailable: 1, selector: {matchLabels: {tier: backend}}}
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly-report, namespace: shop}
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers: [{name: r, image: example/reports:1}]
---
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {name: api, namespace: shop}
spec: {endpoints: [{port: http}]}
"""


def test_every_read_kind_lands_where_the_design_keeps_it() -> None:
    design, report = load(MANIFESTS)
    nodes = design.node_map()
    assert sorted(nodes) == [
        "api-v2", "nightly-report", "orders-db", "public", "shop", "users", "web",
    ]  # fmt: skip
    web, api, db, job = nodes["web"], nodes["api-v2"], nodes["orders-db"], nodes["nightly-report"]
    # workloads
    assert (web.replicas, web.image, web.ports, web.group) == (3, "example/web:1", [3000], "shop")
    assert web.env == {"API_URL": "http://api:8080/v1"}  # from the ConfigMap
    assert (db.kind, db.technology, db.replicas) == ("database", "postgres", 2)
    assert db.properties["kubernetes"]["workload"] == "StatefulSet"
    assert job.kind == "worker" and job.properties["kubernetes"]["schedule"] == "0 3 * * *"
    # HPA, PDB, spreading
    assert api.autoscale is not None and (api.autoscale.min, api.autoscale.max) == (2, 9)
    assert api.properties["kubernetes"]["pdb"] == {"maxUnavailable": 1}
    assert api.properties["kubernetes"]["anti_affinity"] == ["kubernetes.io/hostname"]
    assert "zone_spread" not in api.properties["kubernetes"]
    assert web.properties["kubernetes"]["zone_spread"] is True
    assert web.properties["kubernetes"]["spread"][0]["whenUnsatisfiable"] == "DoNotSchedule"
    # Secrets: referenced, never copied
    assert api.env == {"DB_PASSWORD": "${DB_PASSWORD}"}
    assert api.properties["kubernetes"]["secret_env"] == {"DB_PASSWORD": "db-secret/DB_PASSWORD"}
    assert "hunter2" not in dumps_design(design)
    # links: Service-resolved (env value, mounted ConfigMap, args), entries
    assert pairs(design) == {
        ("web", "api-v2"), ("api-v2", "orders-db"),
        ("users", "shop"), ("shop", "web"), ("users", "public"), ("public", "api-v2"),
    }  # fmt: skip
    # the front doors the platform runs: the ingress controller, the route's Gateway
    doors = {
        n.id: (n.kind, n.technology, n.replicas, n.properties["kubernetes"]["front_door"])
        for n in (nodes["shop"], nodes["public"])
    }
    assert doors == {
        "shop": ("load_balancer", "Ingress controller", 2, "Ingress shop"),
        "public": ("api_gateway", "Gateway API", 2, "Gateway public"),
    }
    why = {(link.source, link.target): link.properties for link in design.links}
    assert "ConfigMap web-config nginx.conf" in why[("web", "api-v2")]["inferred_from"]
    assert "env API_URL=http://api:8080/v1" in why[("web", "api-v2")]["inferred_from"]
    assert why[("api-v2", "orders-db")]["inferred_from"] == [
        "args postgres://orders-db:5432/orders"
    ]
    assert why[("public", "api-v2")] == {"kubernetes": {"via": "HTTPRoute api-route"}}
    assert why[("shop", "web")] == {"kubernetes": {"via": "Ingress shop"}}
    # namespaces are groups; unknown kinds kept and reported
    assert [(g.id, g.kind) for g in design.groups] == [("shop", "boundary")]
    assert [r["kind"] for r in design.properties["kubernetes"]["resources"]] == ["ServiceMonitor"]
    assert "unknown kinds kept (not part of the design): ServiceMonitor" in report


def test_job_pod_daemonset_and_replicaset_are_workloads() -> None:
    text = """\
apiVersion: batch/v1
kind: Job
metadata: {name: migrate}
spec: {template: {spec: {containers: [{name: m, image: flyway/flyway}]}}}
---
apiVersion: v1
kind: Pod
metadata: {name: debug}
spec: {containers: [{name: d, image: busybox}]}
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {a: b}}
  template:
    metadata: {labels: {a: b}}
    spec: {containers: [{name: a, image: fluent/fluent-bit}]}
---
apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: old}
spec: {replicas: 2, template: {spec: {containers: [{name: o, image: nginx}]}}}
"""
    design, _ = load(text)
    nodes = design.node_map()
    assert nodes["migrate"].kind == "worker"
    assert nodes["debug"].image == "busybox"
    assert nodes["agent"].properties["kubernetes"]["daemon"] is True
    assert (nodes["old"].kind, nodes["old"].replicas) == ("load_balancer", 2)


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec: {containers: [}\n", 4,
         "not valid YAML"),
        ("# c\n---\n\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: w}\nspec: 3\n", 4,
         "Deployment w: spec must be a mapping"),
        ("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: w}\nspec: {template: {}}\n", 1,
         "Deployment w: has no pod template (spec.template)"),
        ("apiVersion: v1\nkind: List\nitems: 4\n", 1, "List: 'items' must be a list"),
        ("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: w}\nspec:\n  replicas: many\n"
         "  template: {spec: {containers: []}}\n", 1, "spec.replicas must be a whole number"),
    ],
)  # fmt: skip
def test_bad_manifests_name_file_and_line(text: str, line: int, message: str) -> None:
    with pytest.raises(ImportInputError) as info:
        load(text)
    assert info.value.line == line
    assert str(info.value).startswith(f"test.yaml:{line}: ")
    assert message in str(info.value)


def test_documents_without_kind_are_skipped_with_a_note() -> None:
    design, report = load("replicaCount: 3\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: p}\n"
                          "spec: {containers: [{name: p, image: redis}]}\n")  # fmt: skip
    assert [n.id for n in design.nodes] == ["p"]
    assert report[0] == "test.yaml:1: not a Kubernetes object (no apiVersion/kind)"


def run_cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "archdesigner", "import", *args],
        capture_output=True, text=True, timeout=120, input=stdin,
    )  # fmt: skip


def test_cli_reads_stdin_and_tells_the_format_from_the_content() -> None:
    text = (BOUTIQUE / "kubernetes-manifests.yaml").read_text(encoding="utf-8")
    out = run_cli("-", stdin=text)
    assert out.returncode == 0, out.stderr
    assert len(json.loads(out.stdout)["nodes"]) == 14
    assert out.stderr.strip().endswith("imported 14 nodes, 18 links")
    compose = (DATA / "compose" / "flask-redis.yaml").read_text(encoding="utf-8")
    out = run_cli("-", stdin=compose)
    assert out.returncode == 0, out.stderr
    assert sorted(n["id"] for n in json.loads(out.stdout)["nodes"]) == ["redis", "users", "web"]


def test_cli_reads_folders_and_from_forces_the_importer(tmp_path: Path) -> None:
    out = run_cli(str(BOUTIQUE / "kubernetes-manifests"), "-o", str(tmp_path / "d.json"))
    assert out.returncode == 0, out.stderr
    assert len(json.loads((tmp_path / "d.json").read_text())["nodes"]) == 14
    out = run_cli("--from", "compose", str(BOUTIQUE / "kubernetes-manifests.yaml"))
    assert out.returncode == 2
    assert out.stderr.count("\n") == 1 and "kubernetes-manifests.yaml" in out.stderr
    bad = tmp_path / "bad.yaml"
    bad.write_text("apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec: [\n")
    out = run_cli("-", stdin=bad.read_text())
    assert out.returncode == 2
    assert out.stderr.startswith("archdesigner import: <stdin>:5: not valid YAML"), out.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    out = run_cli(str(empty))
    assert out.returncode == 2 and "holds no *.yaml or *.yml file" in out.stderr


def test_sources_beside_a_manifests_folder_are_scanned(tmp_path: Path) -> None:
    (tmp_path / "k8s").mkdir()
    (tmp_path / "src" / "api").mkdir(parents=True)
    (tmp_path / "src" / "api" / "config.py").write_text('ORDERS = "http://orders:8080/v1"\n')
    for name in ("api", "orders"):
        (tmp_path / "k8s" / f"{name}.yaml").write_text(
            f"apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: {name}}}\nspec:\n"
            f"  selector: {{matchLabels: {{app: {name}}}}}\n  template:\n"
            f"    metadata: {{labels: {{app: {name}}}}}\n"
            f"    spec: {{containers: [{{name: c, image: example/{name}}}]}}\n---\n"
            f"apiVersion: v1\nkind: Service\nmetadata: {{name: {name}}}\n"
            f"spec: {{selector: {{app: {name}}}, ports: [{{port: 8080}}]}}\n"
        )
    result = KubernetesImporter().import_files([tmp_path / "k8s"])
    (link,) = result.design.links
    assert (link.source, link.target) == ("api", "orders")
    assert link.properties["inferred_from"] == ["source src/api/config.py:1 (url)"]
    assert f"scanned 1 source files under {tmp_path.resolve()} for names of Services" in (
        result.report
    )


def _paths(value: object, pre: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    out: list[tuple[object, ...]] = []
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(
        value, list) else []  # fmt: skip
    for key, child in items:
        out.append((*pre, key))
        out.extend(_paths(child, (*pre, key)))
    return out


@pytest.mark.slow
def test_malformed_shapes_are_import_errors_never_crashes() -> None:
    """Any value in any place of real manifests: an ImportInputError naming the object, or a
    design that exports; never another exception."""
    import copy
    import random

    import yaml

    from archdesigner.export.kubernetes import KubernetesExporter
    from archdesigner.importers.kubernetes_read import Obj, Stream

    base = [d for d in yaml.safe_load_all(MANIFESTS) if d]
    base += [d for d in yaml.safe_load_all((BOUTIQUE / "kubernetes-manifests.yaml").read_text())
             if d][:12]  # fmt: skip
    values: list[object] = [None, 3, "x", [], {}, [1, "a"], {"a": [1]}, True, -1, 1.5, "", 70000]
    rng = random.Random(14)
    for _ in range(300):
        docs = copy.deepcopy(base)
        for _ in range(3):
            doc = rng.choice(docs)
            path = rng.choice(_paths(doc))
            parent = doc
            for key in path[:-1]:
                parent = parent[key]
            parent[path[-1]] = copy.deepcopy(rng.choice(values))
        stream = Stream([Obj("f.yaml", 1, d) for d in docs if isinstance(d, dict)])
        try:
            design = KubernetesImporter().import_stream(stream).design
        except ImportInputError as exc:
            assert str(exc).startswith("f.yaml:1: ")
            continue
        KubernetesExporter().export(design)


WEB = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      containers:
        - name: web
          image: example/web:1
          env:
            - {name: API_ADDR, value: "api:8080"}
            - {name: PEERS, value: "peers:7000"}
            - {name: RPC_ADDR, value: "rpc:9000"}
"""
#: (workload, its Service, the Service's spec besides the selector)
SERVED = [
    ("api", "api", "ports: [{name: http-main, port: 8080}]"),
    ("peer", "peers", "clusterIP: None, ports: [{name: http, port: 7000}]"),
    ("rpc", "rpc", "ports: [{port: 9000, appProtocol: kubernetes.io/h2c}]"),
]
PROTOCOLS = WEB + "".join(
    f"""---
apiVersion: apps/v1
kind: Deployment
metadata: {{name: {name}}}
spec:
  template:
    metadata: {{labels: {{app: {name}}}}}
    spec: {{containers: [{{name: {name}, image: example/{name}:1}}]}}
---
apiVersion: v1
kind: Service
metadata: {{name: {service}}}
spec: {{selector: {{app: {name}}}, {spec}}}
"""
    for name, service, spec in SERVED
)


def test_service_ports_give_the_protocol_and_a_virtual_ip_balances_http() -> None:
    """The protocol a Service's port names (``http-main``, ``appProtocol``) is the link's;
    HTTP through a Service's virtual IP reaches every replica (``discovery``: SCL001 wants
    no balancer), through a headless Service or over gRPC it does not."""
    design, _ = load(PROTOCOLS)
    links = {(x.source, x.target): (x.protocol, x.discovery) for x in design.links}
    assert links[("web", "api")] == ("http", True)
    assert links[("web", "peer")] == ("http", False)  # headless: balancing is the caller's
    assert links[("web", "rpc")] == ("grpc", False)  # one HTTP/2 connection, one pod


def test_online_boutiques_load_generator_needs_no_front_door() -> None:
    """The loadgenerator calls frontend:80 inside the cluster on purpose (users come in
    through frontend-external): its link skips EDG001, and the lint has no warning left."""
    from archdesigner.lint import lint_design

    result = KubernetesImporter().import_files([BOUTIQUE / "kubernetes-manifests"])
    links = {(x.source, x.target): x for x in result.design.links}
    assert links[(CALL_GRAPH["client"], "frontend")].lint_ignore == ["EDG001"]
    assert sum("lint_ignore" in x.model_fields_set for x in result.design.links) == 1
    assert any(
        line.startswith(f"link {CALL_GRAPH['client']}->frontend: lint_ignore EDG001")
        for line in result.report
    )
    report = lint_design(result.design)
    assert {f.rule_id for f in report.active} == {"SPF001", "RES002"}


ISTIO = """\
---
apiVersion: networking.istio.io/v1beta1
kind: Gateway
metadata: {name: shop-gateway}
spec:
  selector: {istio: ingressgateway}
  servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: ["*"]}]
---
apiVersion: networking.istio.io/v1beta1
kind: VirtualService
metadata: {name: shop-ingress}
spec:
  hosts: ["*"]
  gateways: [shop-gateway]
  http: [{route: [{destination: {host: web.default.svc.cluster.local, port: {number: 80}}}]}]
---
apiVersion: networking.istio.io/v1beta1
kind: VirtualService
metadata: {name: api-inside}
spec:
  hosts: [api]
  gateways: [mesh]
  http: [{route: [{destination: {host: api}}]}]
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec: {selector: {app: web}, ports: [{name: http, port: 80}]}
"""


def test_in_an_istio_mesh_sidecars_balance_grpc_and_the_gateway_is_the_front_door() -> None:
    """With Istio's objects in the manifests the sidecars balance every HTTP and gRPC call
    (``discovery``; SCL001 then wants no load balancer), a workload that refuses its sidecar
    excepted; a VirtualService bound to an ingress Gateway is the users' way in, one bound
    only to the mesh is not."""
    meshed = PROTOCOLS.replace("metadata: {name: web}\nspec:\n  template:\n", (
        "metadata: {name: web}\nspec:\n  template:\n    metadata: {labels: {app: web}}\n"
    ))  # fmt: skip
    design, report = load(meshed + ISTIO)
    links = {(x.source, x.target): (x.protocol, x.discovery) for x in design.links}
    assert links[("web", "rpc")] == ("grpc", True)
    assert links[("web", "peer")] == ("http", True)  # the sidecar balances a headless one too
    assert any(line.startswith("service mesh (Istio: Gateway shop-gateway)") for line in report)
    nodes = design.node_map()
    door = nodes["shop-gateway"]
    assert (door.kind, door.technology, bool(platform_front_door(door))) == (
        "api_gateway",
        "Istio ingress",
        True,
    )
    assert {
        (x.source, x.target) for x in design.links if "shop-gateway" in (x.source, x.target)
    } == {
        ("users", "shop-gateway"),
        ("shop-gateway", "web"),
    }
    assert not any(x.source == "users" and x.target != "shop-gateway" for x in design.links)
    refused = meshed.replace(
        "    metadata: {labels: {app: web}}\n",
        "    metadata: {labels: {app: web}, annotations: {sidecar.istio.io/inject: 'false'}}\n",
    )
    design, _ = load(refused + ISTIO)
    links = {(x.source, x.target): (x.protocol, x.discovery) for x in design.links}
    assert links[("web", "rpc")] == ("grpc", False)
    design, report = load(PROTOCOLS)  # no mesh
    assert not any(line.startswith("service mesh") for line in report)


DEPLOY = """\
apiVersion: apps/v1
kind: Deployment
metadata: {{name: {name}, namespace: shop}}
spec:
  replicas: {replicas}
  selector: {{matchLabels: {{app: {name}}}}}
  template:
    metadata: {{labels: {{app: {name}}}}}
    spec: {{containers: [{{name: main, image: {image}, ports: [{{containerPort: {port}}}]}}]}}
---
apiVersion: v1
kind: Service
metadata: {{name: {name}, namespace: shop}}
spec:
  type: {service}
  selector: {{app: {name}}}
  ports: [{{port: {port}, targetPort: {port}}}]
"""


def _deploy(name: str, image: str, port: int, service: str = "ClusterIP", replicas: int = 1) -> str:
    return DEPLOY.format(name=name, image=image, port=port, service=service, replicas=replicas)


def test_an_object_defined_twice_is_the_last_one_read(tmp_path: Path) -> None:
    """A folder with a plain and a mesh variant of one Deployment (pitstop's k8s folder has
    three of several): one object, the last read, as kubectl apply leaves it, reported."""
    (tmp_path / "web-istio.yaml").write_text(_deploy("web", "acme/web:2", 8080, replicas=3))
    (tmp_path / "web.yaml").write_text(_deploy("web", "acme/web:1", 8080, "LoadBalancer"))
    result = KubernetesImporter().import_files([tmp_path])
    webs = [n for n in result.design.nodes if n.image.startswith("acme/web")]
    assert [(n.id, n.image, n.replicas) for n in webs] == [("web", "acme/web:1", 1)]
    said = [line for line in result.report if "defined 2 times" in line]
    assert len(said) == 2 and said[0].startswith("Deployment web (namespace shop)")
    assert "web-istio.yaml:1" in said[0] and "web.yaml:1" in said[0]


def test_a_node_port_on_a_datastore_is_operator_access_not_an_entry() -> None:
    """NodePort Services that publish a database and a broker's console (pitstop's
    sqlserver and rabbitmq) are how operators reach them: users come in through the web
    app's LoadBalancer only, so no 'users -> database' link (EDG002) is made."""
    text = "---\n".join(
        [
            _deploy("web", "acme/web:1", 8080, "LoadBalancer"),
            _deploy("db", "postgres:16", 5432, "NodePort"),
            _deploy("rabbitmq", "rabbitmq:3-management", 15672, "NodePort"),
            _deploy("api", "acme/api:1", 5000, "NodePort"),
        ]
    )
    design, report = load(text)
    users = {link.target for link in design.links if link.source == "users"}
    assert "db" not in users and "rabbitmq" not in users
    assert "api" in users  # a service published on a node port is reachable: an entry
    assert any(t != "api" and t.startswith("web") for t in users)
    assert (
        "not an entry (operator access, not users' traffic): Service db (NodePort) -> db (database)"
        in report
    )


def test_calls_to_an_observability_tool_are_on_the_side() -> None:
    """Logs sent to Seq (pitstop's logserver) are async and not required, as in the compose
    import: when the log server is down, requests still succeed (no SPF001 on it)."""
    api = _deploy("api", "acme/api:1", 5000, "LoadBalancer").replace(
        "ports: [{containerPort: 5000}]",
        "ports: [{containerPort: 5000}], env: [{name: LOG_URL, value: 'http://logserver:5341'}]",
    )
    design, _ = load(api + "---\n" + _deploy("logserver", "datalust/seq:latest", 5341))
    link = next(x for x in design.links if (x.source, x.target) == ("api", "logserver"))
    assert (link.mode, link.required) == ("async", False)
    assert "logserver" not in {f.subject for f in lint_design(design).active}
