"""Speed of the network layer on a generated cluster: 2 000 namespaces, 50 000 pods, 10 000 policies.

The cluster is generated in memory (standard library only) the way a live snapshot looks: Pods
with labels, named ports and ``status.podIPs``, Namespaces with labels, Services, and five
NetworkPolicies per namespace in the shapes real clusters use (default deny, same-namespace,
DNS, ingress controller, databases shared within half of the teams, internet egress without
IMDS). Most namespaces deny by default; one in twenty is left open, so every control has work to do.

Timed on one core, in this order, on one inventory:

1. building the network index (pod classes, policies, who selects whom);
2. tenant-to-tenant reachability (KG-MT-006's index);
3. every control of the network layer plus KG-MT-006 over every object;
4. ``netpol matrix`` for one namespace on that index, and again from a fresh inventory (index
   built again) as the command runs (reading YAML is not included: the objects are generated).

Usage (with the project virtualenv's interpreter)::

    python bench/bench_netpol.py                   # the issue's size
    python bench/bench_netpol.py --namespaces 200  # a tenth, pods and policies scaled alike
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from kubeguard.engines.posture import PostureSettings, evaluate, load_controls
from kubeguard.engines.posture.netpol import network_of, tenant_reach_of, workload_matrix
from kubeguard.model import Inventory, K8sObject, Layer, SourceLocation, Status

T = TypeVar("T")

PODS_PER_NAMESPACE = 25
POLICIES_PER_NAMESPACE = 5
#: Apps per namespace and their replicas (25 pods in all).
APPS = {"web": 6, "api": 6, "worker": 5, "db": 3, "cache": 5}
TEAM_SIZE = 10
OPEN_EVERY = 20
"""One namespace in twenty has no default deny (every other team has one)."""
INGRESS_NAMESPACE = "ingress-nginx"
SYSTEM_NAMESPACE = "kube-system"
SOURCE = SourceLocation("generated.yaml")


def _namespace(name: str, labels: dict[str, str]) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name, "labels": labels}}


def _pod(namespace: str, app: str, replica: int, address: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": f"{app}-{replica}",
            "namespace": namespace,
            "labels": {"app": app, "tier": "backend" if app in ("db", "cache") else "frontend"},
        },
        "spec": {
            "nodeName": f"node-{replica % 50}",
            "containers": [
                {
                    "name": app,
                    "image": f"registry.example/{app}:1.0",
                    "ports": [{"name": "http", "containerPort": 8080 if app == "web" else 9000}],
                }
            ],
        },
        "status": {"podIP": address, "podIPs": [{"ip": address}]},
    }


def _policy(namespace: str, name: str, spec: dict[str, Any]) -> dict[str, Any]:
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {"name": name, "namespace": namespace},
        "spec": spec,
    }


def _policies(namespace: str, team: str, index: int) -> list[dict[str, Any]]:
    if index % OPEN_EVERY == 0:
        first = _policy(namespace, "allow-all-ingress", {"podSelector": {}, "ingress": [{}]})
    else:
        first = _policy(
            namespace, "default-deny", {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}
        )
    dns = {
        "to": [
            {
                "namespaceSelector": {
                    "matchLabels": {"kubernetes.io/metadata.name": "kube-system"}
                },
                "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}},
            }
        ],
        "ports": [{"port": 53, "protocol": "UDP"}, {"port": 53, "protocol": "TCP"}],
    }
    return [
        first,
        _policy(
            namespace,
            "same-namespace",
            {"podSelector": {}, "ingress": [{"from": [{"podSelector": {}}]}]},
        ),
        _policy(
            namespace,
            "dns-and-team-db",
            {
                "podSelector": {"matchLabels": {"app": "api"}},
                "policyTypes": ["Egress"],
                "egress": [
                    dns,
                    {
                        "to": [
                            {
                                "namespaceSelector": {"matchLabels": {"team": team}},
                                "podSelector": {"matchLabels": {"app": "db"}},
                            }
                        ],
                        "ports": [{"port": 9000}],
                    },
                ],
            },
        ),
        _policy(
            namespace,
            "web-from-ingress",
            {
                "podSelector": {"matchLabels": {"app": "web"}},
                "ingress": [
                    {
                        "from": [
                            {
                                "namespaceSelector": {
                                    "matchLabels": {
                                        "kubernetes.io/metadata.name": INGRESS_NAMESPACE
                                    }
                                }
                            }
                        ],
                        "ports": [{"port": "http"}],
                    }
                ],
            },
        ),
        _policy(
            namespace,
            "db-from-team" if _shares_databases(team) else "worker-internet",
            {
                "podSelector": {"matchLabels": {"app": "db"}},
                "ingress": [
                    {
                        "from": [
                            {
                                "namespaceSelector": {"matchLabels": {"team": team}},
                                "podSelector": {"matchLabels": {"app": "api"}},
                            }
                        ],
                        "ports": [{"port": "http"}],
                    }
                ],
            }
            if _shares_databases(team)
            else {
                "podSelector": {"matchLabels": {"app": "worker"}},
                "policyTypes": ["Egress"],
                "egress": [
                    dns,
                    {
                        "to": [
                            {
                                "ipBlock": {
                                    "cidr": "0.0.0.0/0",
                                    "except": ["169.254.169.254/32", "10.0.0.0/8"],
                                }
                            }
                        ]
                    },
                ],
            },
        ),
    ]


def _system() -> Iterator[dict[str, Any]]:
    """kube-system (CoreDNS, host-network node agents) and the shared ingress controller, with
    as many pods and policies as a tenant namespace."""
    yield _namespace(SYSTEM_NAMESPACE, {})
    yield _namespace(INGRESS_NAMESPACE, {"kubeguard.io/tenant": "false"})
    for replica in range(PODS_PER_NAMESPACE):
        if replica < 2:
            pod = _pod(SYSTEM_NAMESPACE, "coredns", replica, f"10.255.0.{replica + 1}")
            pod["metadata"]["labels"] = {"k8s-app": "kube-dns"}
        else:
            pod = _pod(SYSTEM_NAMESPACE, "aws-node", replica, f"192.168.0.{replica}")
            pod["metadata"]["labels"] = {"k8s-app": "aws-node"}
            pod["spec"]["hostNetwork"] = True
        yield pod
        yield _pod(INGRESS_NAMESPACE, "controller", replica, f"10.255.1.{replica + 1}")
    for namespace in (SYSTEM_NAMESPACE, INGRESS_NAMESPACE):
        yield _policy(namespace, "default-deny", {"podSelector": {}, "policyTypes": ["Ingress"]})
        for port, protocol in ((53, "UDP"), (53, "TCP"), (443, "TCP"), (10254, "TCP")):
            yield _policy(
                namespace,
                f"allow-{port}-{protocol.lower()}",
                {"podSelector": {}, "ingress": [{"ports": [{"port": port, "protocol": protocol}]}]},
            )


def _shares_databases(team: str) -> bool:
    """Half the teams let their namespaces' APIs use each other's databases."""
    return int(team.rsplit("-", 1)[1]) % 2 == 0


def generate(namespaces: int) -> Iterator[dict[str, Any]]:
    """The cluster's objects, ``namespaces`` namespaces in all (two of them system ones)."""
    yield from _system()
    address = 0
    for index in range(namespaces - 2):
        name, team = f"tenant-{index:04d}", f"team-{index // TEAM_SIZE:03d}"
        yield _namespace(name, {"team": team})
        for app, replicas in APPS.items():
            for replica in range(replicas):
                address += 1
                yield _pod(
                    name,
                    app,
                    replica,
                    f"10.{address >> 16 & 255}.{address >> 8 & 255}.{address & 255}",
                )
        yield from _policies(name, team, index)
        yield {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": "web", "namespace": name},
            "spec": {
                "type": "LoadBalancer" if index % 20 == 0 else "ClusterIP",
                "selector": {"app": "web"},
                "ports": [{"port": 80, "targetPort": "http"}],
            },
        }


def timed(label: str, work: Callable[[], T], figures: dict[str, float]) -> T:
    """Run ``work``, record its wall time under ``label``."""
    start = time.perf_counter()
    value = work()
    figures[label] = time.perf_counter() - start
    return value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--namespaces", type=int, default=2000)
    parser.add_argument("--matrix-namespace", default="tenant-0001")
    args = parser.parse_args(argv)
    figures: dict[str, float] = {}

    manifests = timed("generate objects", lambda: list(generate(args.namespaces)), figures)
    objects = [K8sObject(m, SOURCE) for m in manifests]
    inventory = timed("build inventory", lambda: Inventory(objects), figures)
    network = timed("network index", lambda: network_of(inventory), figures)
    reach = timed("tenant reachability", lambda: tenant_reach_of(inventory), figures)
    controls = [c for c in load_controls() if c.layer is Layer.NETWORK or c.id == "KG-MT-006"]
    findings = timed(
        "controls over every object",
        lambda: list(evaluate(inventory, controls, PostureSettings())),
        figures,
    )
    analysis = figures["network index"] + figures["tenant reachability"]
    analysis += figures["controls over every object"]

    def fresh_matrix() -> Any:
        return workload_matrix(network_of(Inventory(objects)), args.matrix_namespace)

    timed(
        "netpol matrix (index built)",
        lambda: workload_matrix(network, args.matrix_namespace),
        figures,
    )
    matrix = timed("netpol matrix (fresh index)", fresh_matrix, figures)

    kinds = {
        kind: len(inventory.of_kind(kind))
        for kind in ("Namespace", "Pod", "NetworkPolicy", "Service")
    }
    failed: dict[str, int] = {}
    for finding in findings:
        if finding.status is Status.FAIL:
            failed[finding.control_id] = failed.get(finding.control_id, 0) + 1
    print(f"python {sys.version.split()[0]}, one process")
    print("objects: " + ", ".join(f"{n} {kind}" for kind, n in kinds.items()))
    print(f"pod classes: {len(network.classes)} (of {len(network.endpoints)} pods)")
    print(
        f"tenant namespaces: {len(reach.tenants)}, reaching another: {sum(1 for v in reach.reaches.values() if v)}"
    )
    print(f"controls: {len(controls)}, findings: {len(findings)}")
    print("failures by control: " + ", ".join(f"{k} {v}" for k, v in sorted(failed.items())))
    print(f"matrix: {len(matrix.workloads)} workloads in {args.matrix_namespace}")
    print()
    print("| step | seconds |")
    print("|---|---:|")
    for label, seconds in figures.items():
        print(f"| {label} | {seconds:.2f} |")
    print(f"| **network findings (index + tenancy + controls)** | **{analysis:.2f}** |")
    print(
        f"| **network findings + matrix** | **{analysis + figures['netpol matrix (fresh index)']:.2f}** |"
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak resident memory: {peak:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
