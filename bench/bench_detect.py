"""Speed of ``kubeguard detect`` on one core, beside parsing the same lines alone with orjson.

Generates a realistic EKS audit log (JSON lines): mostly get/list/watch and lease renewals by
system components (kubelets, controllers, CoreDNS, the VPC CNI), node and pod status patches,
some human kubectl reads, some workload and RBAC writes with their request bodies, and a few
attacks (exec into kube-system, a privileged pod with a host mount, Secret reads, anonymous
calls, a binding to cluster-admin). Then, in one process and one thread:

- parse-only: read the file line by line and ``orjson.loads`` each line (the ceiling);
- detect: the whole batch pipeline (``AuditLogReader`` + every built-in rule + aggregation),
  what ``kubeguard detect FILE`` runs, without rendering a report.

Each is timed several times, alternating; the best run counts (the machine may be shared).
Results are printed and saved as JSON under ``bench/results/``.

Usage (with the project virtualenv's interpreter)::

    python bench/bench_detect.py                  # 500,000 events, 3 rounds
    python bench/bench_detect.py --events 100000 --rounds 5
"""

from __future__ import annotations

import argparse
import gc
import json
import platform
import random
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson

from kubeguard.detect import DetectionRun, DetectOptions, stream_findings

RESULTS = Path(__file__).parent / "results"
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
NODES = [f"ip-10-0-{a}-{b}.eu-west-1.compute.internal" for a in range(8) for b in (11, 42, 73)]
NAMESPACES = ["shop", "payments", "observability", "kube-system", "default"]
ECR = "602401143452.dkr.ecr.eu-west-1.amazonaws.com"
CONTROLLERS = [
    "system:kube-controller-manager",
    "system:kube-scheduler",
    "system:serviceaccount:kube-system:coredns",
    "system:serviceaccount:kube-system:aws-node",
    "system:serviceaccount:kube-system:endpointslice-controller",
    "system:serviceaccount:kube-system:replicaset-controller",
    "eks:node-manager",
    "eks:cloud-controller-manager",
]
READ_RESOURCES = ["pods", "endpoints", "services", "configmaps", "nodes", "endpointslices"]


class Generator:
    """Builds audit events with the shapes and sizes EKS writes."""

    def __init__(self, seed: int) -> None:
        self.random = random.Random(seed)  # noqa: S311 - synthetic traffic, not secrets
        self.serial = 0

    def event(
        self,
        verb: str,
        user: str,
        groups: list[str],
        resource: str | None,
        *,
        namespace: str | None = None,
        name: str | None = None,
        subresource: str | None = None,
        code: int = 200,
        body: dict[str, Any] | None = None,
        ip: str = "10.0.3.17",
        agent: str = "kube-controller-manager/v1.30.2 (linux/amd64) kubernetes/3968350",
        stage: str = "ResponseComplete",
    ) -> dict[str, Any]:
        self.serial += 1
        when = START + timedelta(milliseconds=self.serial * 7)
        uri = f"/api/v1/{'namespaces/' + namespace + '/' if namespace else ''}{resource or ''}"
        if name:
            uri += f"/{name}"
        if subresource:
            uri += f"/{subresource}"
        if verb in ("list", "watch"):
            uri += (
                "?resourceVersion=81234567&timeout=7m36s&watch=true"
                if verb == "watch"
                else "?limit=500"
            )
        event: dict[str, Any] = {
            "kind": "Event",
            "apiVersion": "audit.k8s.io/v1",
            "level": "Request" if verb in ("get", "list", "watch") else "RequestResponse",
            "auditID": f"{self.random.getrandbits(128):032x}",
            "stage": stage,
            "requestURI": uri,
            "verb": verb,
            "user": {"username": user, "uid": f"uid-{hash(user) & 0xFFFF:x}", "groups": groups},
            "sourceIPs": [ip],
            "userAgent": agent,
        }
        if resource:
            ref: dict[str, Any] = {"resource": resource, "apiVersion": "v1"}
            if namespace:
                ref["namespace"] = namespace
            if name:
                ref["name"] = name
            if subresource:
                ref["subresource"] = subresource
            event["objectRef"] = ref
        event["responseStatus"] = {"metadata": {}, "code": code}
        if body is not None:
            event["requestObject"] = body
        stamp = when.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        event["requestReceivedTimestamp"] = stamp
        event["stageTimestamp"] = stamp
        event["annotations"] = {
            "authorization.k8s.io/decision": "allow",
            "authorization.k8s.io/reason": 'RBAC: allowed by ClusterRoleBinding "system:controller" '
            'of ClusterRole "system:controller" to User "' + user + '"',
        }
        return event

    def background(self) -> dict[str, Any]:
        """One event of ordinary traffic."""
        roll = self.random.random()
        node = self.random.choice(NODES)
        namespace = self.random.choice(NAMESPACES)
        if roll < 0.30:  # kubelet heartbeats: lease renewals
            return self.event(
                "update",
                f"system:node:{node}",
                ["system:nodes", "system:authenticated"],
                "leases",
                namespace="kube-node-lease",
                name=node,
                agent="kubelet/v1.30.2-eks-1552ad0 (linux/amd64) kubernetes/1552ad0",
                body={
                    "apiVersion": "coordination.k8s.io/v1",
                    "kind": "Lease",
                    "metadata": {"name": node, "namespace": "kube-node-lease"},
                    "spec": {
                        "holderIdentity": node,
                        "leaseDurationSeconds": 40,
                        "renewTime": "2026-03-02T09:00:00.000000Z",
                    },
                },
            )
        if roll < 0.62:  # controllers and agents watching and listing
            return self.event(
                self.random.choice(["watch", "list", "watch", "watch"]),
                self.random.choice(CONTROLLERS),
                ["system:serviceaccounts", "system:authenticated"],
                self.random.choice(READ_RESOURCES),
                namespace=namespace if self.random.random() < 0.5 else None,
            )
        if roll < 0.82:  # kubelets and controllers reading objects
            # Kubelets watch the Secrets their pods mount rather than get them.
            resource = self.random.choice(["pods", "nodes", "configmaps", "serviceaccounts"])
            return self.event(
                "get",
                f"system:node:{node}",
                ["system:nodes", "system:authenticated"],
                resource,
                namespace=None if resource == "nodes" else namespace,
                name=node
                if resource == "nodes"
                else f"{resource[:-1]}-{self.random.randrange(40)}",
                agent="kubelet/v1.30.2-eks-1552ad0 (linux/amd64) kubernetes/1552ad0",
            )
        if roll < 0.92:  # status patches
            pod = f"orders-7d9c{self.random.randrange(99):02d}"
            return self.event(
                "patch",
                f"system:node:{node}",
                ["system:nodes", "system:authenticated"],
                "pods",
                namespace=namespace,
                name=pod,
                subresource="status",
                body={
                    "metadata": {"uid": "7f1d"},
                    "status": {
                        "conditions": [
                            {
                                "type": "Ready",
                                "status": "True",
                                "lastProbeTime": None,
                                "lastTransitionTime": "2026-03-02T09:00:00Z",
                            }
                        ]
                    },
                },
                agent="kubelet/v1.30.2-eks-1552ad0 (linux/amd64) kubernetes/1552ad0",
            )
        if roll < 0.95:  # people reading with kubectl
            return self.event(
                self.random.choice(["get", "list"]),
                "arn:aws:iam::111122223333:role/developer",
                ["system:authenticated"],
                self.random.choice(["pods", "deployments", "services", "events"]),
                namespace=namespace,
                ip="203.0.113.25",
                agent="kubectl/v1.30.2 (darwin/arm64) kubernetes/3968350",
            )
        if roll < 0.98:  # controllers writing what they maintain
            name = f"orders-{self.random.randrange(30)}"
            return self.event(
                "update",
                "system:serviceaccount:kube-system:endpointslice-controller",
                ["system:serviceaccounts", "system:authenticated"],
                "endpointslices",
                namespace=namespace,
                name=name,
                body={
                    "apiVersion": "discovery.k8s.io/v1",
                    "kind": "EndpointSlice",
                    "metadata": {"name": name, "namespace": namespace},
                    "addressType": "IPv4",
                    "endpoints": [
                        {
                            "addresses": [f"10.0.{self.random.randrange(255)}.{i}"],
                            "conditions": {"ready": True},
                            "nodeName": node,
                        }
                        for i in range(3)
                    ],
                    "ports": [{"name": "http", "port": 8080, "protocol": "TCP"}],
                },
            )
        # deployers writing workloads (GitOps sync)
        image = (
            f"111122223333.dkr.ecr.eu-west-1.amazonaws.com/shop/orders:{self.random.randrange(500)}"
        )
        return self.event(
            self.random.choice(["create", "patch", "update"]),
            "system:serviceaccount:argocd:argocd-application-controller",
            ["system:serviceaccounts", "system:authenticated"],
            "deployments",
            namespace="shop",
            name="orders",
            code=200,
            body={
                "apiVersion": "apps/v1",
                "kind": "Deployment",
                "metadata": {"name": "orders", "namespace": "shop", "labels": {"app": "orders"}},
                "spec": {
                    "replicas": 3,
                    "selector": {"matchLabels": {"app": "orders"}},
                    "template": {
                        "metadata": {"labels": {"app": "orders"}},
                        "spec": {
                            "serviceAccountName": "orders",
                            "containers": [
                                {
                                    "name": "orders",
                                    "image": image,
                                    "ports": [{"containerPort": 8080}],
                                    "resources": {"limits": {"memory": "256Mi"}},
                                    "securityContext": {
                                        "runAsNonRoot": True,
                                        "allowPrivilegeEscalation": False,
                                    },
                                }
                            ],
                        },
                    },
                },
            },
            ip="10.0.5.80",
            agent="argocd-application-controller/v2.11.3",
        )

    def attack(self) -> dict[str, Any]:
        """One event of an attack (few: about one in a thousand)."""
        kind = self.random.randrange(5)
        attacker = "arn:aws:iam::111122223333:user/contractor"
        if kind == 0:
            return self.event(
                "get",
                attacker,
                ["system:authenticated"],
                "pods",
                namespace="kube-system",
                name="aws-node-7xk2p",
                subresource="exec",
                code=101,
                stage="ResponseStarted",
                ip="198.51.100.23",
                agent="kubectl/v1.30.2 (linux/amd64)",
            )
        if kind == 1:
            return self.event(
                "create",
                attacker,
                ["system:authenticated"],
                "pods",
                namespace="default",
                code=201,
                ip="198.51.100.23",
                body={
                    "apiVersion": "v1",
                    "kind": "Pod",
                    "metadata": {"name": "node-shell"},
                    "spec": {
                        "hostPID": True,
                        "containers": [
                            {
                                "name": "shell",
                                "image": "alpine:3.19",
                                "securityContext": {"privileged": True},
                                "volumeMounts": [{"name": "root", "mountPath": "/host"}],
                            }
                        ],
                        "volumes": [{"name": "root", "hostPath": {"path": "/"}}],
                    },
                },
            )
        if kind == 2:
            return self.event(
                "get",
                attacker,
                ["system:authenticated"],
                "secrets",
                namespace="payments",
                name="stripe-api-key",
                ip="198.51.100.23",
            )
        if kind == 3:
            return self.event(
                "list",
                "system:anonymous",
                ["system:unauthenticated"],
                "pods",
                namespace="shop",
                ip="45.155.205.3",
                agent="curl/8.5.0",
            )
        return self.event(
            "create",
            attacker,
            ["system:authenticated"],
            "clusterrolebindings",
            code=201,
            ip="198.51.100.23",
            body={
                "apiVersion": "rbac.authorization.k8s.io/v1",
                "kind": "ClusterRoleBinding",
                "metadata": {"name": "backup"},
                "roleRef": {"kind": "ClusterRole", "name": "cluster-admin"},
                "subjects": [{"kind": "ServiceAccount", "name": "default", "namespace": "default"}],
            },
        )

    def events(self, count: int) -> Iterator[dict[str, Any]]:
        for _ in range(count):
            yield self.attack() if self.random.random() < 0.001 else self.background()


def write_log(path: Path, count: int, seed: int) -> int:
    """Write ``count`` events to ``path``; return its size in bytes."""
    with path.open("wb") as sink:
        for event in Generator(seed).events(count):
            sink.write(orjson.dumps(event) + b"\n")
    return path.stat().st_size


def parse_only(path: Path) -> int:
    """Read and decode every line, nothing else: the ceiling."""
    count = 0
    loads = orjson.loads
    with path.open("rb") as source:
        for line in source:
            loads(line)
            count += 1
    return count


def detect(path: Path) -> int:
    """The batch detection pipeline with every built-in rule; returns the findings' count."""
    run = DetectionRun(DetectOptions())
    return sum(1 for _ in stream_findings([str(path)], run))


def best_time(function: Callable[[Path], int], path: Path) -> tuple[float, int]:
    gc.collect()
    start = time.perf_counter()
    result = function(path)
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=500_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20260302)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        log = Path(folder) / "audit.log"
        size = write_log(log, arguments.events, arguments.seed)
        parse_times, detect_times = [], []
        findings = 0
        for _ in range(arguments.rounds):
            elapsed, _count = best_time(parse_only, log)
            parse_times.append(elapsed)
            elapsed, findings = best_time(detect, log)
            detect_times.append(elapsed)
    parse_best, detect_best = min(parse_times), min(detect_times)
    result = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "revision": _revision(),
        "python": platform.python_version(),
        "orjson": orjson.__version__,
        "events": arguments.events,
        "bytes": size,
        "mean_event_bytes": round(size / arguments.events),
        "rounds": arguments.rounds,
        "parse_only_seconds": round(parse_best, 3),
        "detect_seconds": round(detect_best, 3),
        "parse_only_events_per_second": round(arguments.events / parse_best),
        "detect_events_per_second": round(arguments.events / detect_best),
        "slowdown_vs_parse_only": round(detect_best / parse_best, 2),
        "findings": findings,
    }
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    (RESULTS / f"detect-{stamp}.json").write_text(
        json.dumps(result, indent=2) + "\n", encoding="utf-8"
    )
    print(
        f"{arguments.events:,} events, {size / 1e6:.1f} MB ({result['mean_event_bytes']} bytes each)"
    )
    print(
        f"parse only (orjson):  {result['parse_only_events_per_second']:>9,} events/s  ({parse_best:.2f} s)"
    )
    print(
        f"kubeguard detect:     {result['detect_events_per_second']:>9,} events/s  ({detect_best:.2f} s)"
    )
    print(f"detect / parse-only:  {result['slowdown_vs_parse_only']}x, {findings} findings")


def _revision() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


if __name__ == "__main__":
    main()
