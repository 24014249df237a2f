"""What the RBAC controls share: judging a binding by what its role grants, and to whom.

A risky permission exists only where a binding grants it, and a binding is what users change
(drop a subject, point ``roleRef`` elsewhere, split the role), so RBAC controls judge
RoleBindings and ClusterRoleBindings and name the role and its rules in the message. Controls
about *what* a role grants report once per binding, at ``roleRef``, listing the subjects;
controls about *who* is bound report each subject at its ``subjects[i]`` entry. Only the
subjects :meth:`~kubeguard.engines.posture.rbac.index.Binding.judged_subjects` yields are
judged, which keeps the bindings Kubernetes and EKS ship out of the report.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from kubeguard.engines.posture.control import CheckContext, Violation
from kubeguard.engines.posture.rbac.index import Binding, rbac_index
from kubeguard.engines.posture.rbac.risks import RISKS_BY_KEY, Risk
from kubeguard.engines.posture.rbac.rules import Rule
from kubeguard.engines.posture.rbac.subjects import Subject
from kubeguard.engines.posture.views import ObjectView

#: The kinds binding controls judge.
BINDINGS = frozenset({"RoleBinding", "ClusterRoleBinding"})
ROLE_REF = ("roleRef",)


def binding_of(view: ObjectView, context: CheckContext) -> Binding | None:
    """The resolved binding behind ``view`` (its role may be missing from the scan)."""
    return rbac_index(context.inventory).binding_for(view.obj)


def scope_of(binding: Binding) -> str:
    """``cluster-wide`` or ``in namespace shop``."""
    return f"in namespace {binding.namespace}" if binding.namespace else "cluster-wide"


def granted(context: CheckContext, binding: Binding, risk: Risk) -> tuple[Rule, ...]:
    """The rules by which ``binding`` gives ``risk``; empty if it does not (here)."""
    if binding.role is None or not risk.applies_in(binding.namespace):
        return ()
    return rbac_index(context.inventory).rules_granting(binding.role, risk)


def through(binding: Binding, rules: Iterable[Rule]) -> str:
    """``through ClusterRole view (rules[0]: get,list secrets)``."""
    role = binding.role.describe() if binding.role is not None else "(no role)"
    cited = "; ".join(_cite(binding, rule) for rule in rules)
    return f"through {role} ({cited})"


def _cite(binding: Binding, rule: Rule) -> str:
    aggregated = binding.role is not None and rule.origin != binding.role.key
    where = f"{rule.origin} " if aggregated else ""
    return f"{where}rules[{rule.index}]: {rule.describe()}"


def admin_grant(context: CheckContext, binding: Binding) -> str:
    """``holds every verb on every resource cluster-wide through …``, or ``""`` if it does not."""
    rules = granted(context, binding, RISKS_BY_KEY["everything"])
    if not rules:
        return ""
    return f"holds every verb on every resource {scope_of(binding)} {through(binding, rules)}"


def _listed(items: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def names(subjects: Iterable[Subject]) -> str:
    """Subjects as a readable list."""
    return ", ".join(str(subject) for subject in subjects)


def role_risk_violations(
    view: ObjectView,
    context: CheckContext,
    risks: Iterable[Risk],
    *,
    where: Callable[[str | None], bool] | None = None,
) -> Iterator[Violation]:
    """One violation at ``roleRef`` when the binding gives its judged subjects any of ``risks``.

    ``where`` narrows the scopes that count (``None`` is cluster-wide), beyond each risk's own.
    """
    binding = binding_of(view, context)
    if binding is None or (where is not None and not where(binding.namespace)):
        return
    subjects = [subject for _, subject in binding.judged_subjects()]
    held = [(risk, rules) for risk in risks if (rules := granted(context, binding, risk))]
    if not subjects or not held:
        return
    titles = _listed([risk.title for risk, _ in held])
    cited = list(dict.fromkeys(rule for _, found in held for rule in found))
    yield Violation(
        path=ROLE_REF,
        message=f"{names(subjects)} can {titles} {scope_of(binding)} {through(binding, cited)}",
        value=view.field("roleRef", "name"),
    )


def subject_violations(
    view: ObjectView,
    context: CheckContext,
    judge: Callable[[Binding, Subject], str | None],
) -> Iterator[Violation]:
    """One violation per judged subject for which ``judge`` returns a message."""
    binding = binding_of(view, context)
    if binding is None:
        return
    for index, subject in binding.judged_subjects():
        message = judge(binding, subject)
        if message is not None:
            yield Violation(
                path=("subjects", index),
                message=message,
                value=view.field("subjects", index, "name"),
            )
