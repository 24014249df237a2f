"""The built-in rule catalogue is complete and consistent.

GuardDuty's finding types from EKS audit logs (the AnomalousBehavior ones need baselines and are
not signature rules) and Falco's k8saudit rules each have a rule; ids are unique; tags are
valid ATT&CK; every rule file holds one rule and has its samples.
"""

from __future__ import annotations

import re
import uuid
from collections import Counter
from pathlib import Path

import pytest

from kubeguard.engines.detect import DetectionRule, Detector, load_rules
from kubeguard.engines.detect.attack import tactics_of, tag_problem
from kubeguard.engines.detect.testing import MATCH_FILE, NOMATCH_FILE

SAMPLES = Path(__file__).parent
RULES = load_rules().rules

GUARDDUTY_TYPES = [
    f"{tactic}:Kubernetes/{family}"
    for tactic in ("CredentialAccess", "DefenseEvasion", "Discovery", "Impact", "Persistence")
    for family in (
        "MaliciousIPCaller",
        "MaliciousIPCaller.Custom",
        "SuccessfulAnonymousAccess",
        "TorIPCaller",
    )
] + [
    "Execution:Kubernetes/ExecInKubeSystemPod",
    "Persistence:Kubernetes/ContainerWithSensitiveMount",
    "Policy:Kubernetes/AdminAccessToDefaultServiceAccount",
    "Policy:Kubernetes/AnonymousAccessGranted",
    "Policy:Kubernetes/ExposedDashboard",
    "Policy:Kubernetes/KubeflowDashboardExposed",
    "PrivilegeEscalation:Kubernetes/PrivilegedContainer",
]

#: Falco's k8saudit rules (plugin v0.18.0), but "All K8s Audit Events", a debugging pass-through
#: that matches every event and is disabled in Falco itself.
FALCO_RULES = [
    "Disallowed K8s User",
    "Create Disallowed Pod",
    "Create Privileged Pod",
    "Create Sensitive Mount Pod",
    "Create HostNetwork Pod",
    "Create HostPid Pod",
    "Create HostIPC Pod",
    "Create NodePort Service",
    "Create/Modify Configmap With Private Credentials",
    "Anonymous Request Allowed",
    "Attach/Exec Pod",
    "port-forward",
    "EphemeralContainers Created",
    "Create Disallowed Namespace",
    "Pod Created in Kube Namespace",
    "Service Account Created in Kube Namespace",
    "System ClusterRole Modified/Deleted",
    "Attach to cluster-admin Role",
    "ClusterRole With Wildcard Created",
    "ClusterRole With Write Privileges Created",
    "ClusterRole With Pod Exec Created",
    *(
        f"K8s {kind} {action}"
        for kind in (
            "Deployment",
            "Service",
            "ConfigMap",
            "Namespace",
            "Serviceaccount",
            "Role",
            "ClusterRole",
            "RoleBinding",
            "ClusterRoleBinding",
            "Secret",
        )
        for action in ("Created", "Deleted")
    ),
    "K8s Secret Get Successfully",
    "K8s Secret Get Unsuccessfully Tried",
    "Full K8s Administrative Access",
    "Ingress Object without TLS Certificate Created",
    "Untrusted Node Successfully Joined the Cluster",
    "Untrusted Node Unsuccessfully Tried to Join the Cluster",
]


def stem(rule: DetectionRule) -> str:
    return Path(rule.source.path).stem


def test_ids_are_unique_uuids() -> None:
    ids = [rule.id for rule in RULES]
    assert len(ids) == len(set(ids))
    assert all(str(uuid.UUID(rule_id)) == rule_id for rule_id in ids)


def test_every_guardduty_audit_log_finding_type_has_exactly_one_rule() -> None:
    types = Counter(rule.finding_type for rule in RULES)
    assert all(types[finding_type] == 1 for finding_type in GUARDDUTY_TYPES), {
        finding_type: types[finding_type] for finding_type in GUARDDUTY_TYPES
    }


def test_every_falco_k8saudit_rule_has_a_rule() -> None:
    covered = {name for rule in RULES for name in rule.extra_refs.get("falco", ())}
    assert set(FALCO_RULES) <= covered, set(FALCO_RULES) - covered
    assert len(FALCO_RULES) == 47


def test_each_rule_file_holds_one_rule_with_its_samples() -> None:
    stems = Counter(stem(rule) for rule in RULES)
    assert [name for name, count in stems.items() if count > 1] == []
    folders = {
        path.name for path in SAMPLES.iterdir() if path.is_dir() and path.name != "__pycache__"
    }
    assert folders == set(stems), "a sample folder per rule file, and none for a missing rule"
    for name in stems:
        for sample in (MATCH_FILE, NOMATCH_FILE):
            assert (SAMPLES / name / sample).read_text(encoding="utf-8").strip(), f"{name}/{sample}"


@pytest.mark.parametrize("rule", RULES, ids=stem)
def test_rule_metadata(rule: DetectionRule) -> None:
    assert all(tag_problem(tag) is None for tag in rule.tags)
    assert tactics_of(rule.tags), f"{stem(rule)} names no ATT&CK tactic"
    assert re.fullmatch(r"[A-Za-z]+:Kubernetes/[A-Za-z0-9.!]+", rule.finding_type)
    assert rule.description.strip(), f"{stem(rule)} has no description"
    assert rule.references, f"{stem(rule)} cites no source"
    assert rule.builtin


def test_threat_list_rules_stay_silent_until_a_list_is_loaded() -> None:
    rule_set = load_rules()
    list_rules = {rule.id for rule in RULES if "IPCaller" in rule.finding_type}
    assert len(list_rules) == 15
    inactive = {rule.rule.id for rule in Detector(rule_set).index.active} & list_rules
    assert inactive == set()
    loaded = {"tor": {"192.0.2.1"}, "intel/feed": {"192.0.2.2"}, "custom/mine": {"192.0.2.3"}}
    active = {rule.rule.id for rule in Detector(rule_set, loaded).index.active} & list_rules
    assert active == list_rules
