"""Kubernetes import and export speed: prints medians.

    .venv/bin/python benchmarks/bench_kubernetes.py [--workloads 1000] [--runs 5]

Generates a manifest stream of N workloads wired the way real clusters are (a Deployment and a
Service each, ``*_ADDR`` and URL environment values naming other Services, a ConfigMap mounted
by every tenth workload, StatefulSets for datastores, HPAs, PDBs, an Ingress) and times the
import (parse, resolve Services, infer links, lay out) in-process; then exports the imported
design and an exported-and-reimported one (the annotation contract path). Targets: 1,000
workloads import in under 2 s and export in under 2 s.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from archdesigner.export.kubernetes import KubernetesExporter
from archdesigner.importers.kubernetes import KubernetesImporter
from archdesigner.importers.kubernetes_read import read_stream
from benchmarks.common import median_seconds

TARGET = 2.0


def workload(name: str, image: str, env: dict[str, str], kind: str = "Deployment") -> str:
    env_lines = "".join(f"            - name: {k}\n              value: \"{v}\"\n"
                        for k, v in env.items())  # fmt: skip
    extra = f"  serviceName: {name}\n" if kind == "StatefulSet" else ""
    return (
        f"apiVersion: apps/v1\nkind: {kind}\nmetadata:\n  name: {name}\n  labels: {{app: {name}}}\n"
        f"spec:\n{extra}  replicas: 2\n  selector:\n    matchLabels: {{app: {name}}}\n"
        f"  template:\n    metadata:\n      labels: {{app: {name}}}\n    spec:\n"
        f"      containers:\n        - name: main\n          image: {image}\n"
        f"          ports:\n            - containerPort: 8080\n"
        + (f"          env:\n{env_lines}" if env else "")
        + f"---\napiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\nspec:\n"
        f"  selector: {{app: {name}}}\n  ports:\n    - port: 8080\n"
    )


def manifests(count: int, seed: int = 11) -> str:
    """A stream of about ``count`` workloads: apps, each with a datastore now and then."""
    rng = random.Random(seed)
    docs: list[str] = []
    apps: list[str] = []
    i = made = 0
    while made < count:
        app = f"svc{i:04d}"
        env = {"PORT": "8080", "LOG_LEVEL": "info"}
        for j, dep in enumerate(rng.sample(apps, k=min(len(apps), rng.randint(0, 3)))):
            env[f"DEP{j}_ADDR"] = f"{dep}:8080" if j % 2 else f"http://{dep}:8080/api"
        if i % 3 == 0 and made + 1 < count:
            store = f"{app}-db"
            docs.append(workload(store, "postgres:16", {}, "StatefulSet"))
            env["DATABASE_URL"] = f"postgres://{store}:5432/app"
            made += 1
        docs.append(workload(app, f"example/{app}:1", env))
        made += 1
        if i % 5 == 0:
            docs.append(
                "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n"
                f"  name: {app}\nspec:\n  scaleTargetRef: {{apiVersion: apps/v1, kind: "
                f"Deployment, name: {app}}}\n  minReplicas: 2\n  maxReplicas: 8\n"
            )
        apps.append(app)
        i += 1
    ingress = (
        "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: web}\nspec:\n"
        "  rules:\n    - http:\n        paths:\n          - {path: /, pathType: Prefix, "
        "backend: {service: {name: svc0000, port: {number: 8080}}}}\n"
    )
    return "---\n".join([*docs, ingress])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workloads", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    text = manifests(args.workloads)
    importer, exporter = KubernetesImporter(), KubernetesExporter()

    def do_import() -> object:
        return importer.import_stream(read_stream(text, "bench.yaml"))

    design = importer.import_stream(read_stream(text, "bench.yaml")).design
    workloads = len(design.nodes) - 1  # the users client
    exported = exporter.export(design).data
    assert isinstance(exported, str)
    jobs = [
        (f"import {workloads} workloads ({len(design.links)} links)", do_import),
        (f"export {workloads} workloads", lambda: exporter.export(design)),
        (
            f"re-import the export ({workloads}, annotations)",
            lambda: importer.import_stream(read_stream(exported, "export.yaml")),
        ),
    ]
    for label, job in jobs:
        wall = median_seconds(job, repeat=args.runs)
        cpu = median_seconds(job, repeat=args.runs, clock=time.process_time)
        verdict = "ok" if cpu < TARGET else "MISSED"
        print(f"{label:<48} wall {wall * 1000:7.0f} ms  cpu {cpu * 1000:7.0f} ms  "
              f"(target < {TARGET:g} s CPU: {verdict})")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
