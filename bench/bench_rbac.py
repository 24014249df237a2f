"""Speed of the RBAC engine and controls on a generated cluster.

The cluster has N namespaces, each with its own ServiceAccounts, Roles, RoleBindings and pods,
plus a few cluster-wide roles and bindings, shaped like a multi-tenant cluster: every namespace
binds its accounts to its own roles and to the default ``view`` and ``edit`` roles, a deployer
group may create Deployments, and every tenth namespace runs a Secret-syncing account with a
ClusterRoleBinding, which gives that namespace's deployers an escalation path. The default,
2 000 namespaces with 10 bindings and 25 pods each, is 20 000 RoleBindings and 50 000 pods.

Objects are built in memory (no YAML parsing) so the figures measure the engine: building the
RBAC index, the escalation graph and its paths, one who-can and one subject query, and every
control of the iam and data layers over the whole inventory.

Usage (with the project virtualenv's interpreter)::

    python bench/bench_rbac.py                         # 2 000 namespaces
    python bench/bench_rbac.py --namespaces 200        # a quick run
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from kubeguard.engines.posture import PostureSettings, evaluate, load_controls
from kubeguard.engines.posture.rbac import (
    Request,
    Subject,
    escalation_graph,
    permissions_of,
    rbac_index,
    who_can,
)
from kubeguard.model import Inventory, K8sObject, Layer, SourceLocation, Status

RBAC = "rbac.authorization.k8s.io/v1"
T = TypeVar("T")


def _object(manifest: dict[str, Any]) -> K8sObject:
    return K8sObject(manifest, SourceLocation("generated.yaml"))


def _rule(verbs: str, resources: str, group: str = "", names: str = "") -> dict[str, Any]:
    rule: dict[str, Any] = {
        "verbs": verbs.split(),
        "apiGroups": [group],
        "resources": resources.split(),
    }
    if names:
        rule["resourceNames"] = names.split()
    return rule


def _role(name: str, namespace: str | None, *rules: dict[str, Any]) -> dict[str, Any]:
    metadata = {"name": name} | ({"namespace": namespace} if namespace else {})
    kind = "Role" if namespace else "ClusterRole"
    return {"apiVersion": RBAC, "kind": kind, "metadata": metadata, "rules": list(rules)}


def _binding(
    name: str, namespace: str | None, role_kind: str, role: str, *subjects: dict[str, Any]
) -> dict[str, Any]:
    metadata = {"name": name} | ({"namespace": namespace} if namespace else {})
    return {
        "apiVersion": RBAC,
        "kind": "RoleBinding" if namespace else "ClusterRoleBinding",
        "metadata": metadata,
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": role_kind, "name": role},
        "subjects": list(subjects),
    }


def _account(name: str, namespace: str) -> dict[str, Any]:
    return {"kind": "ServiceAccount", "name": name, "namespace": namespace}


def _group(name: str) -> dict[str, Any]:
    return {"kind": "Group", "name": name, "apiGroup": "rbac.authorization.k8s.io"}


def generate(namespaces: int, bindings: int = 10, pods: int = 25) -> Iterator[K8sObject]:
    """A cluster of ``namespaces`` tenants with ``bindings`` RoleBindings and ``pods`` pods each."""
    yield _object(_role("secret-sync", None, _rule("get list watch", "secrets")))
    yield _object(_role("node-reader", None, _rule("get list watch", "nodes")))
    yield _object(_binding("node-readers", None, "ClusterRole", "node-reader", _group("sre")))
    for n in range(namespaces):
        ns = f"tenant-{n:04d}"
        yield _object({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}})
        accounts = [f"app-{a}" for a in range(5)]
        for account in accounts:
            yield _object(
                {
                    "apiVersion": "v1",
                    "kind": "ServiceAccount",
                    "metadata": {"name": account, "namespace": ns},
                }
            )
        yield _object(_role("config-reader", ns, _rule("get list watch", "configmaps pods")))
        yield _object(
            _role("deployer", ns, _rule("get list create update patch", "deployments", "apps"))
        )
        yield _object(_role("tls-reader", ns, _rule("get", "secrets", names="tls-cert tls-key")))
        roles = [("Role", "config-reader"), ("Role", "tls-reader"), ("ClusterRole", "view")]
        for b in range(bindings):
            subject = _account(accounts[b % len(accounts)], ns)
            if b == 0:
                yield _object(
                    _binding("deployers", ns, "Role", "deployer", _group(f"{ns}-deployers"))
                )
            elif b == 1:
                yield _object(
                    _binding("editors", ns, "ClusterRole", "edit", _group(f"{ns}-admins"))
                )
            else:
                kind, role = roles[b % len(roles)]
                yield _object(_binding(f"binding-{b}", ns, kind, role, subject))
        if n % 10 == 0:
            yield _object(
                _binding(
                    f"secret-sync-{ns}", None, "ClusterRole", "secret-sync", _account("app-4", ns)
                )
            )
        for p in range(pods):
            yield _object(
                {
                    "apiVersion": "v1",
                    "kind": "Pod",
                    "metadata": {
                        "name": f"pod-{p}",
                        "namespace": ns,
                        "labels": {"app": f"a{p % 5}"},
                    },
                    "spec": {
                        "serviceAccountName": accounts[p % len(accounts)],
                        "containers": [{"name": "app", "image": "registry.example.com/app:1.0"}],
                    },
                }
            )


def _timed(label: str, action: Callable[[], T], timings: dict[str, float]) -> T:
    start = time.perf_counter()
    value = action()
    timings[label] = time.perf_counter() - start
    return value


def run(namespaces: int) -> dict[str, float]:
    """Build the cluster and time each stage; returns seconds by stage."""
    timings: dict[str, float] = {}
    objects = _timed("generate objects", lambda: list(generate(namespaces)), timings)
    inventory = _timed("inventory", lambda: Inventory(objects), timings)
    index = _timed("RBAC index", lambda: rbac_index(inventory), timings)
    graph = _timed("escalation graph", lambda: escalation_graph(inventory), timings)
    paths = _timed("escalation paths", graph.paths, timings)
    answer = _timed(
        "who-can create deployments -n tenant-0001",
        lambda: who_can(
            inventory, Request("create", "deployments", api_group="apps", namespace="tenant-0001")
        ),
        timings,
    )
    _timed(
        "subject tenant-0000/app-0",
        lambda: permissions_of(inventory, Subject.service_account("tenant-0000", "app-0")),
        timings,
    )
    controls = [c for c in load_controls() if c.layer in (Layer.IAM, Layer.DATA)]
    findings = _timed(
        f"{len(controls)} iam and data controls",
        lambda: list(evaluate(inventory, controls, PostureSettings())),
        timings,
    )
    bindings = sum(1 for b in index.bindings)
    pods = len(inventory.of_kind("Pod"))
    failed = sum(1 for f in findings if f.status == Status.FAIL)
    errors = sum(1 for f in findings if f.status == Status.ERROR)
    print(
        f"{namespaces} namespaces: {len(objects)} objects, {bindings} bindings, {pods} pods; "
        f"{len(paths)} escalation paths; who-can found {len(answer.subjects)} subjects; "
        f"{len(findings)} findings ({failed} failed, {errors} errors)"
    )
    return timings


def main() -> None:
    """Parse flags, run, print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--namespaces", type=int, default=2000)
    args = parser.parse_args()
    timings = run(args.namespaces)
    print("\n| stage | seconds |\n|---|---|")
    for label, seconds in timings.items():
        print(f"| {label} | {seconds:.2f} |")
    engine = sum(v for k, v in timings.items() if k not in ("generate objects", "inventory"))
    print(f"| **RBAC engine, queries and controls** | **{engine:.2f}** |")


if __name__ == "__main__":
    main()
