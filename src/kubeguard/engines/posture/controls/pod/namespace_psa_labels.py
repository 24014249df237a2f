"""Namespaces choose a Pod Security Standards level with Pod Security Admission labels.

Pod Security Admission judges pods against the level a namespace names in its
``pod-security.kubernetes.io/enforce`` label (``warn`` and ``audit`` only report). A namespace
without these labels gets the cluster default, which on EKS is ``privileged``: every pod is
admitted, however it is configured. This control fails a Namespace that

* has none of the ``enforce``, ``warn`` and ``audit`` labels;
* has ``warn`` or ``audit`` but no ``enforce`` (a reasonable step while workloads are fixed,
  but nothing is blocked yet);
* gives a level other than ``privileged``, ``baseline`` or ``restricted``, or a
  ``…-version`` other than ``v1.N`` or ``latest`` (PSA does not apply such a label as written);
* enforces ``privileged`` outside the system namespaces (``kube-system``, ``kube-public``,
  ``kube-node-lease``), which is the same as enforcing nothing.
"""

from collections.abc import Iterator

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.pss import PssLevel, parse_pss_version
from kubeguard.engines.posture.views import ObjectView, as_str
from kubeguard.model import ConfigError, Severity

LABEL_PREFIX = "pod-security.kubernetes.io/"
ENFORCE, WARN, AUDIT = "enforce", "warn", "audit"
MODES = (ENFORCE, WARN, AUDIT)
SYSTEM_NAMESPACES = frozenset({"kube-system", "kube-public", "kube-node-lease"})
LEVELS = frozenset(PssLevel)


@control(
    id="KG-POD-023",
    title="Namespaces enforce a Pod Security Standards level",
    severity=Severity.MEDIUM,
    remediation=(
        "Label every namespace pod-security.kubernetes.io/enforce: restricted (or baseline where "
        "restricted is not yet possible), with enforce-version pinned or latest; keep privileged "
        "for system namespaces."
    ),
    refs={"kubescape": "C-0192", "hardeneks": "ensure_namespace_psa_exist"},
    kinds={"Namespace"},
)
def check(namespace: ObjectView, context: CheckContext) -> Iterator[Violation]:
    labels = namespace.obj.labels
    levels = {mode: labels[LABEL_PREFIX + mode] for mode in MODES if LABEL_PREFIX + mode in labels}
    if not levels:
        yield Violation(
            path=("metadata", "labels"),
            message=(
                "no Pod Security Admission label: pods are admitted under the cluster default "
                "(privileged on EKS)"
            ),
        )
        return
    yield from _invalid_values(namespace)
    enforced = levels.get(ENFORCE)
    if enforced is None:
        reporting = " and ".join(f"{mode}s" for mode in MODES if mode in levels)
        yield Violation(
            path=("metadata", "labels"),
            message=(
                f"Pod Security only {reporting}, blocking no pod; "
                f"add {LABEL_PREFIX}{ENFORCE} once the pods comply"
            ),
        )
    elif enforced == PssLevel.PRIVILEGED and namespace.obj.name not in SYSTEM_NAMESPACES:
        yield Violation(
            path=("metadata", "labels", LABEL_PREFIX + ENFORCE),
            message="enforces the privileged level, which admits any pod",
            value=enforced,
        )


def _invalid_values(namespace: ObjectView) -> Iterator[Violation]:
    labels = namespace.obj.labels
    for mode in MODES:
        level_key, version_key = LABEL_PREFIX + mode, f"{LABEL_PREFIX}{mode}-version"
        if level_key in labels and as_str(labels[level_key]) not in LEVELS:
            yield Violation(
                path=("metadata", "labels", level_key),
                message=(
                    f"{level_key} is {labels[level_key]!r}, not privileged, baseline or restricted"
                ),
                value=labels[level_key],
            )
        if version_key in labels and not _valid_version(labels[version_key]):
            yield Violation(
                path=("metadata", "labels", version_key),
                message=f"{version_key} is {labels[version_key]!r}, not v1.N or latest",
                value=labels[version_key],
            )


def _valid_version(value: object) -> bool:
    text = as_str(value)
    if text is None:
        return False
    try:
        parse_pss_version(text)
    except ConfigError:
        return False
    return True
