"""Inventory: workloads that can read Secrets or persistent volumes.

A workload that mounts or imports a Secret, or mounts a PersistentVolumeClaim, holds what an
attacker is after: credentials for databases and cloud accounts, and the data itself. Whoever
runs code in one of its containers (through a vulnerability, ``kubectl exec`` or a compromised
image) reads all of it. The list shows where exec rights, network policies, image provenance and
patching matter most, and whether each workload's access is the one it was designed with.

Informational: each such workload is reported once, naming every Secret, SecretProviderClass
and claim it reads, at the first reference. Objects a controller created (the pods of a
Deployment) are judged through their controller. ``imagePullSecrets`` are not counted, since
containers never see them.
"""

from collections.abc import Iterator
from itertools import chain

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.data_access import claim_references, secret_references
from kubeguard.engines.posture.ownership import controller_of
from kubeguard.engines.posture.views import WorkloadView
from kubeguard.model import Severity


@control(
    id="KG-DATA-009",
    title="Inventory of workloads with Secret or volume-claim access",
    severity=Severity.INFO,
    remediation=(
        "Confirm each workload needs the Secrets and claims listed; remove the others and "
        "protect these workloads first (no exec grants, ingress and egress NetworkPolicies)."
    ),
    refs={"mitre": "T1552.007", "kubescape": ("C-0255", "C-0257")},
)
def check(workload: WorkloadView, context: CheckContext) -> Iterator[Violation]:
    if controller_of(workload.obj) is not None:
        return
    references = list(chain(secret_references(workload), claim_references(workload)))
    if references:
        names = list(dict.fromkeys(reference.what for reference in references))
        yield Violation(
            path=references[0].path,
            message="can read " + ", ".join(names),
            value=names,
        )
