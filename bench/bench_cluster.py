"""The identity-and-network case: one generated cluster, every iam, network and tenancy finding.

2,000 namespaces, 50,000 pods, 10,000 NetworkPolicies (bench_netpol's generator) and 20,000 RBAC
bindings with their roles and service accounts (bench_rbac's generator, without its own pods and
namespaces, so the two describe one cluster). Timed in one process on one core: the inventory,
every control of the iam, network and tenancy layers over every object (their indexes built on
the way, as in a scan), then ``netpol matrix`` for one namespace. Reading YAML is not included:
the objects are generated.

Usage (with the project virtualenv's interpreter)::

    python bench/bench_cluster.py
    python bench/bench_cluster.py --namespaces 200   # a tenth of the size
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from collections import Counter

from bench_netpol import SOURCE
from bench_netpol import generate as generate_network
from bench_rbac import generate as generate_rbac

from kubeguard.engines.posture import PostureSettings, evaluate, load_controls
from kubeguard.engines.posture.netpol import network_of, workload_matrix
from kubeguard.gc_pause import cyclic_gc_paused
from kubeguard.model import Inventory, K8sObject, Layer, Status

LAYERS = (Layer.IAM, Layer.NETWORK, Layer.TENANCY)


def main(argv: list[str] | None = None) -> int:
    """Generate, time, print."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--namespaces", type=int, default=2000)
    parser.add_argument("--matrix-namespace", default="tenant-0001")
    args = parser.parse_args(argv)

    with cyclic_gc_paused():
        objects = [K8sObject(m, SOURCE) for m in generate_network(args.namespaces)]
        objects += [
            obj for obj in generate_rbac(args.namespaces, pods=0) if obj.kind != "Namespace"
        ]
        started = time.perf_counter()
        inventory = Inventory(objects)
        controls = [c for c in load_controls() if c.layer in LAYERS]
        findings = list(evaluate(inventory, controls, PostureSettings()))
        findings_seconds = time.perf_counter() - started
        matrix_started = time.perf_counter()
        matrix = workload_matrix(network_of(inventory), args.matrix_namespace)
        matrix_seconds = time.perf_counter() - matrix_started

    kinds = Counter(obj.kind for obj in objects)
    failed = Counter(f.control_id for f in findings if f.status is Status.FAIL)
    bindings = kinds["RoleBinding"] + kinds["ClusterRoleBinding"]
    print(f"python {sys.version.split()[0]}, one process, one core")
    print(
        f"objects: {len(objects)} ({kinds['Namespace']} namespaces, {kinds['Pod']} pods, "
        f"{kinds['NetworkPolicy']} NetworkPolicies, {bindings} bindings)"
    )
    print(f"controls: {len(controls)} ({', '.join(layer.value for layer in LAYERS)})")
    print(f"findings: {len(findings)}, failing: {sum(failed.values())}")
    print(f"matrix: {len(matrix.workloads)} workloads in {args.matrix_namespace}")
    print()
    print("| step | seconds |")
    print("|---|---:|")
    print(f"| inventory and every iam, network and tenancy finding | {findings_seconds:.2f} |")
    print(f"| netpol matrix for one namespace (index already built) | {matrix_seconds:.2f} |")
    print(f"| **total** | **{findings_seconds + matrix_seconds:.2f}** |")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak resident memory: {peak:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
