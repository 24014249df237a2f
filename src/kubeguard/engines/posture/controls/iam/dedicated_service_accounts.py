"""Unrelated applications do not share a ServiceAccount.

Every RoleBinding, IRSA role and Pod Identity association granted to a ServiceAccount goes to all
pods that run as it. When two unrelated applications share one, each gets the other's rights, and
a compromise of either yields both; audit logs and CloudTrail cannot tell their calls apart. Give
every application its own ServiceAccount with only what it needs.

Two workloads of a namespace are *unrelated* when the application they belong to differs: the
first of the labels ``app.kubernetes.io/part-of``, ``app.kubernetes.io/name``, ``app`` and
``k8s-app`` found on the pod template (then on the object), else the workload itself. Components
of one application (same ``part-of``) may share an account. Only top-level workloads count (a
ReplicaSet or Pod created by a controller is represented by its owner), and the namespace's
``default`` ServiceAccount is left to KG-IAM-010. HardenEKS and the CIS benchmark flag any two
Deployments (or StatefulSets, DaemonSets) sharing an account; this control asks for separation
between applications, which is what the rights follow.
"""

import re
from collections import defaultdict
from collections.abc import Iterator

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.ownership import application_of, controller_of
from kubeguard.engines.posture.service_accounts import DEFAULT_SERVICE_ACCOUNT
from kubeguard.engines.posture.views import WorkloadView, workload_of
from kubeguard.model import Inventory, Severity

#: At most this many other workloads are named in a message.
NAMED = 3
#: A ServiceAccount name the API server accepts; others (``$SA_NAME`` placeholders left in a
#: template) name no account and are not compared.
_OBJECT_NAME = re.compile(r"[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?")

AccountUsers = dict[tuple[str, str], list[tuple[str, str]]]


@control(
    id="KG-IAM-012",
    title="Unrelated applications do not share a ServiceAccount",
    severity=Severity.LOW,
    remediation=(
        "Create a ServiceAccount per application, bind each only the roles it needs, and set "
        "spec.serviceAccountName accordingly."
    ),
    refs={
        "cis-eks": "5.2.1",
        "kubescape": "C-0225",
        "hardeneks": (
            "use_dedicated_service_accounts_for_each_deployment",
            "use_dedicated_service_accounts_for_each_stateful_set",
            "use_dedicated_service_accounts_for_each_daemon_set",
        ),
    },
)
def check(workload: WorkloadView, context: CheckContext) -> Iterator[Violation]:
    name = workload.service_account_name
    if not name or name == DEFAULT_SERVICE_ACCOUNT or controller_of(workload.obj) is not None:
        return
    if not _OBJECT_NAME.fullmatch(name):
        return
    application = application_of(workload)
    users = context.inventory.derived(_account_users, _account_users)
    others = [(who, app) for who, app in users[(workload.namespace, name)] if app != application]
    if not others:
        return
    named = ", ".join(f"{who} ({app})" for who, app in others[:NAMED])
    more = f" and {len(others) - NAMED} more" if len(others) > NAMED else ""
    yield Violation(
        path=workload.path("serviceAccountName"),
        message=(
            f"ServiceAccount {workload.namespace}/{name} of application {application!r} is also "
            f"used by {named}{more}"
        ),
        value=name,
    )


def _account_users(inventory: Inventory) -> AccountUsers:
    """``(namespace, account) -> [(kind/name, application)]`` of every top-level workload."""
    users: AccountUsers = defaultdict(list)
    for obj in inventory:
        workload = workload_of(obj, inventory)
        if workload is None or controller_of(obj) is not None:
            continue
        name = workload.service_account_name
        if name and name != DEFAULT_SERVICE_ACCOUNT and _OBJECT_NAME.fullmatch(name):
            users[(workload.namespace, name)].append(
                (f"{obj.kind}/{obj.name}", application_of(workload))
            )
    return users
