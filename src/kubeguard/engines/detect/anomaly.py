"""Behavioural anomalies: sensitive requests a principal was never seen making, GuardDuty-style.

GuardDuty's ``AnomalousBehavior`` findings come from per-cluster profiles of "the user making the
request, the location the request was made from, the user agent used, the namespace that the user
operated" and the container images launched. :class:`AnomalyDetector` keeps the same profiles as
a :class:`~kubeguard.model.baseline.ClusterBaseline`, learned from every successful request:

- per principal (``user.username``): each action (verb and resource, ``create pods/exec``; the
  URL path for non-resource requests) with the namespaces it was done in, the client products
  (``kubectl``, ``python-requests``: the user agent without its version) and the source networks
  (the /24 of an IPv4 caller, the /64 of an IPv6 one; the last entry of ``sourceIPs``, the
  connection's peer, which a client cannot forge);
- per cluster: the image repositories workloads launched, and those launched privileged.

During the learning window (``learn_seconds`` after the first event learned, measured in event
time) it only learns. Afterwards, a sensitive request that is new in some respect becomes a
finding naming what is new and what the baseline holds (what the principal was seen doing, since
when, how often); then it is learned like any other, so the same behaviour is reported once.

Sensitive requests, and the finding types (GuardDuty's names where GuardDuty has one):

========================================  ===========================================================
exec or attach into a pod                 ``Execution:Kubernetes/AnomalousBehavior.ExecInPod``
port-forward to a pod                     ``UnauthorizedAccess:Kubernetes/AnomalousBehavior.PortForward`` (ours)
create/update/patch a (Cluster)RoleBinding ``PrivilegeEscalation:Kubernetes/AnomalousBehavior.RoleBindingCreated``
                                          (high when it binds an admin role, medium otherwise)
create/update/patch a workload in a kube  ``Execution:Kubernetes/AnomalousBehavior.WorkloadDeployed``
namespace
… anywhere, with a privileged container   ``PrivilegeEscalation:Kubernetes/AnomalousBehavior.WorkloadDeployed!PrivilegedContainer``
… anywhere, mounting a sensitive host     ``Persistence:Kubernetes/AnomalousBehavior.WorkloadDeployed!ContainerWithSensitiveMount``
path
(Self)SubjectAccessReview of a powerful   ``Discovery:Kubernetes/AnomalousBehavior.PermissionChecked``
permission, SelfSubjectRulesReview
get/list/watch Secrets                    ``CredentialAccess:Kubernetes/AnomalousBehavior.SecretsAccessed``
========================================  ===========================================================

What counts as new: a principal never seen; an action it never made; a namespace it never made
that action in; a client product or source network it never used; for workloads, an image
repository never launched in the cluster (never launched privileged, for privileged containers).
Failed requests (HTTP 400 and up, or denied) are neither learned nor reported: they are not
behaviour the principal has. ``RequestReceived`` stages are skipped, the other stages of a
request count as it.

The detector does no I/O: the caller loads the baseline and saves it after the run.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from kubeguard.engines.detect.engine import affected_resource
from kubeguard.engines.detect.fields import MISSING, getter, parse_field
from kubeguard.engines.detect.predicates import Scalar
from kubeguard.model import (
    Action,
    Actor,
    AuditEvent,
    ControlId,
    DetectionDetail,
    Evidence,
    Finding,
    Layer,
    RuleInfo,
    Severity,
    Status,
    fingerprint,
    parse_timestamp,
)
from kubeguard.model.addresses import parse_address
from kubeguard.model.baseline import (
    MAX_KEYS,
    MAX_PRINCIPALS,
    ActionProfile,
    ClusterBaseline,
    Profile,
    Seen,
    moment,
    sighting,
)

DEFAULT_LEARNING_WINDOW = datetime.timedelta(days=7)
#: Entries of each baseline table a finding shows (the most frequent).
SHOWN_ENTRIES = 5
#: Distinct user agents and addresses whose reductions are remembered.
_MEMO_SIZE = 4096
_NAMESPACE = uuid.UUID("8c1f2a57-30a6-4d1e-9f0b-6a3c1d2e4b90")

WORKLOAD_RESOURCES = frozenset(
    {
        "pods",
        "deployments",
        "replicasets",
        "statefulsets",
        "daemonsets",
        "jobs",
        "cronjobs",
        "replicationcontrollers",
    }
)
BINDING_RESOURCES = frozenset({"rolebindings", "clusterrolebindings"})
REVIEW_RESOURCES = frozenset(
    {"selfsubjectaccessreviews", "subjectaccessreviews", "localsubjectaccessreviews"}
)
RULES_REVIEW = "selfsubjectrulesreviews"
WRITE_VERBS = frozenset({"create", "update", "patch"})
READ_VERBS = frozenset({"get", "list", "watch"})
#: Verbs whose permission check is worth an attacker's question.
POWERFUL_VERBS = frozenset(
    {
        "*",
        "create",
        "update",
        "patch",
        "delete",
        "deletecollection",
        "escalate",
        "bind",
        "impersonate",
    }
)
POWERFUL_RESOURCES = frozenset(
    {"*", "secrets", "clusterrolebindings", "rolebindings", "clusterroles", "roles", "nodes"}
)
POWERFUL_SUBRESOURCES = frozenset({"exec", "attach", "portforward", "proxy", "token"})

_CONTAINERS = getter(parse_field("podSpec.allContainers[*]"))
_VOLUMES = getter(parse_field("podSpec.volumes[*]"))


@dataclass(frozen=True, slots=True)
class AnomalyType:
    """One kind of anomaly finding."""

    finding_type: str
    title: str
    severity: Severity
    summary: str
    techniques: tuple[str, ...]

    @property
    def control_id(self) -> ControlId:
        """A stable id derived from the finding type."""
        return ControlId(str(uuid.uuid5(_NAMESPACE, self.finding_type)))

    @property
    def info(self) -> RuleInfo:
        """The type as reports show it."""
        return RuleInfo(
            id=self.control_id,
            title=self.title,
            layer=Layer.DETECTIVE,
            severity=self.severity,
            summary=self.summary,
            rationale=(
                "First-seen behaviour against the cluster's learned baseline of who does what "
                "(actions, namespaces, user agents, source networks, images)."
            ),
            remediation=(
                "Confirm with the principal's owner that the request was intended; if not, "
                "revoke its credentials and review what else it did."
            ),
            refs={"guardduty-type": (self.finding_type,), "mitre": self.techniques},
        )


EXEC_IN_POD = AnomalyType(
    "Execution:Kubernetes/AnomalousBehavior.ExecInPod",
    "Anomalous command execution in a pod",
    Severity.MEDIUM,
    "A principal ran a command in (or attached to) a pod in a way never seen before.",
    ("T1609",),
)
PORT_FORWARD = AnomalyType(
    "UnauthorizedAccess:Kubernetes/AnomalousBehavior.PortForward",
    "Anomalous port-forward to a pod",
    Severity.MEDIUM,
    "A principal opened a port-forward to a pod in a way never seen before.",
    ("T1572",),
)
ROLE_BINDING = AnomalyType(
    "PrivilegeEscalation:Kubernetes/AnomalousBehavior.RoleBindingCreated",
    "Anomalous role binding change",
    Severity.MEDIUM,
    "A principal created or changed a RoleBinding or ClusterRoleBinding in a way never seen "
    "before (high severity when it binds an admin role).",
    ("T1098.006", "T1078"),
)
WORKLOAD = AnomalyType(
    "Execution:Kubernetes/AnomalousBehavior.WorkloadDeployed",
    "Anomalous workload deployed in a system namespace",
    Severity.LOW,
    "A principal deployed a workload in a Kubernetes system namespace in a way never seen before.",
    ("T1610",),
)
PRIVILEGED_WORKLOAD = AnomalyType(
    "PrivilegeEscalation:Kubernetes/AnomalousBehavior.WorkloadDeployed!PrivilegedContainer",
    "Anomalous workload with a privileged container",
    Severity.HIGH,
    "A principal deployed a workload with a privileged container in a way never seen before.",
    ("T1610", "T1611"),
)
SENSITIVE_MOUNT = AnomalyType(
    "Persistence:Kubernetes/AnomalousBehavior.WorkloadDeployed!ContainerWithSensitiveMount",
    "Anomalous workload mounting a sensitive host path",
    Severity.HIGH,
    "A principal deployed a workload that mounts a sensitive host path in a way never seen before.",
    ("T1610", "T1611"),
)
PERMISSION_CHECKED = AnomalyType(
    "Discovery:Kubernetes/AnomalousBehavior.PermissionChecked",
    "Anomalous permission check",
    Severity.LOW,
    "A principal checked whether it holds powerful permissions (kubectl auth can-i) in a way "
    "never seen before.",
    ("T1069", "T1613"),
)
SECRETS_ACCESSED = AnomalyType(
    "CredentialAccess:Kubernetes/AnomalousBehavior.SecretsAccessed",
    "Anomalous access to Secrets",
    Severity.MEDIUM,
    "A principal read Secrets in a way never seen before.",
    ("T1552.007",),
)
ANOMALY_TYPES = (
    EXEC_IN_POD,
    PORT_FORWARD,
    ROLE_BINDING,
    WORKLOAD,
    PRIVILEGED_WORKLOAD,
    SENSITIVE_MOUNT,
    PERMISSION_CHECKED,
    SECRETS_ACCESSED,
)


@dataclass(frozen=True, slots=True)
class AnomalySettings:
    """What counts as sensitive (the rule library's lists, so user tuning applies here too)."""

    kube_namespaces: frozenset[str] = frozenset({"kube-system", "kube-public"})
    admin_roles: frozenset[str] = frozenset({"cluster-admin", "admin"})
    sensitive_host_paths: frozenset[str] = frozenset(
        {
            "/",
            "/proc",
            "/etc",
            "/root",
            "/var/lib/kubelet",
            "/etc/kubernetes",
            "/var/run/docker.sock",
            "/run/containerd/containerd.sock",
            "/var/run/crio/crio.sock",
        }
    )

    @staticmethod
    def from_lists(lists: Mapping[str, tuple[Scalar, ...]]) -> AnomalySettings:
        """The settings of a rule set's lists (``kube_namespaces``, ``admin_roles``,
        ``sensitive_host_paths``), the defaults for those it lacks."""
        default = AnomalySettings()

        def texts(name: str, fallback: frozenset[str]) -> frozenset[str]:
            items = lists.get(name)
            if items is None:
                return fallback
            return frozenset(item for item in items if isinstance(item, str))

        return AnomalySettings(
            kube_namespaces=texts("kube_namespaces", default.kube_namespaces),
            admin_roles=texts("admin_roles", default.admin_roles),
            sensitive_host_paths=texts("sensitive_host_paths", default.sensitive_host_paths),
        )


@dataclass(frozen=True, slots=True)
class _Workload:
    """What a workload request launches."""

    images: tuple[str, ...]
    privileged_images: tuple[str, ...]
    sensitive_paths: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Request:
    """The parts of one successful request that profiles are made of."""

    principal: str
    when: int
    verb: str
    resource: str
    subresource: str
    namespace: str
    action: str
    user_agent: str
    network: str
    workload: _Workload | None
    """What it launches, when it writes a workload."""


class AnomalyDetector:
    """Learns a cluster's baseline from events and reports first-seen sensitive behaviour."""

    def __init__(self, baseline: ClusterBaseline, settings: AnomalySettings | None = None) -> None:
        self.baseline = baseline
        self.settings = settings or AnomalySettings()
        self.learned = 0
        """Events learned in this run."""
        self._second_prefix = ""
        self._second = 0
        self._agents: dict[str, str] = {}
        self._networks: dict[str, str] = {}
        self._recent: dict[tuple[Any, ...], tuple[Seen, ...]] = {}

    @staticmethod
    def rules() -> dict[str, RuleInfo]:
        """Every anomaly type as reports show it, by id."""
        return {kind.control_id: kind.info for kind in ANOMALY_TYPES}

    def feed(self, event: AuditEvent) -> list[Finding]:
        """Learn from one event; the anomaly findings it raises (none while learning)."""
        data = event.data
        head = self._head(data)
        if head is None:
            return []
        principal, when = head
        baseline = self.baseline
        if baseline.started is None:
            baseline.started = when
        # Most events repeat what was just learned (a controller's watch, a kubelet's lease):
        # the same principal, request and client were learned already, so nothing about them
        # can be new, and learning them again is counting.
        ref = data.get("objectRef")
        ips = data.get("sourceIPs")
        key = (
            principal,
            data["verb"],
            data.get("userAgent"),
            ips[-1] if type(ips) is list and ips else None,
            (ref.get("resource"), ref.get("subresource"), ref.get("namespace"))
            if type(ref) is dict
            else data.get("requestURI"),
        )
        try:
            sightings = self._recent.get(key)
        except TypeError:  # a list or mapping where text belongs: no shortcut
            sightings, hashable = None, False
        else:
            hashable = True
        if sightings is not None:
            self._count(when)
            for seen in sightings:  # Seen.record, inlined: this is most events' whole cost
                seen.count += 1
                if when > seen.last:
                    seen.last = when
                elif when < seen.first:
                    seen.first = when
            return []
        request = self._request(data, principal, when)
        findings = [] if baseline.learning(when) else self._check(event, request)
        self._learn(request)
        if hashable and request.workload is None:
            if len(self._recent) >= _MEMO_SIZE:
                self._recent.clear()
            self._recent[key] = self._sightings(request)
        return findings

    def run(self, events: Iterable[AuditEvent]) -> list[Finding]:
        """Every anomaly finding of ``events``, in order."""
        return [finding for event in events for finding in self.feed(event)]

    # -- reading a request ------------------------------------------------------------------

    def _head(self, data: dict[str, Any]) -> tuple[str, int] | None:
        """Who made a successful request, and when; ``None`` for what is not learned."""
        if data.get("stage") == "RequestReceived":
            return None
        status = data.get("responseStatus")
        code = status.get("code") if type(status) is dict else None
        if type(code) is int and code >= 400:
            return None
        annotations = data.get("annotations")
        if type(annotations) is dict and annotations.get("authorization.k8s.io/decision") == (
            "forbid"
        ):
            return None
        user = data.get("user")
        principal = user.get("username") if type(user) is dict else None
        when = self._seconds(data.get("requestReceivedTimestamp"))
        if type(principal) is not str or not principal or when is None:
            return None
        return principal, when

    def _request(self, data: dict[str, Any], principal: str, when: int) -> _Request:
        verb = data["verb"]
        ref = data.get("objectRef")
        ref = ref if type(ref) is dict else {}
        resource = _text(ref.get("resource"))
        subresource = _text(ref.get("subresource"))
        if resource:
            action = f"{verb} {resource}/{subresource}" if subresource else f"{verb} {resource}"
        else:
            uri = _text(data.get("requestURI"))
            action = f"{verb} {uri.partition('?')[0][:64]}"
        ips = data.get("sourceIPs")
        peer = ips[-1] if type(ips) is list and ips and type(ips[-1]) is str else ""
        writes_workload = resource in WORKLOAD_RESOURCES and verb in WRITE_VERBS and not subresource
        return _Request(
            principal=principal,
            when=when,
            verb=verb,
            resource=resource,
            subresource=subresource,
            namespace=_text(ref.get("namespace")),
            action=action,
            user_agent=_memo(self._agents, _text(data.get("userAgent")), client_product),
            network=_memo(self._networks, peer, network_of),
            workload=self._workload(data) if writes_workload else None,
        )

    def _seconds(self, text: Any) -> int | None:
        """Event time in whole seconds; one parse per distinct second of ``Z`` timestamps."""
        if type(text) is not str:
            return None
        if len(text) > 19 and text.endswith("Z") and text[:19] == self._second_prefix:
            return self._second
        parsed = parse_timestamp(text)
        if parsed is None:
            return None
        seconds = int(parsed.timestamp())
        if len(text) > 19 and text.endswith("Z"):
            self._second_prefix, self._second = text[:19], seconds
        return seconds

    # -- learning -------------------------------------------------------------------------------

    def _count(self, when: int) -> None:
        baseline = self.baseline
        if baseline.started is None or when < baseline.started:
            baseline.started = when
        if baseline.updated is None or when > baseline.updated:
            baseline.updated = when
        baseline.events += 1
        self.learned += 1

    def _sightings(self, request: _Request) -> tuple[Seen, ...]:
        """Where the baseline counts a request like this one (what a repeat updates)."""
        profile = self.baseline.principals.get(request.principal)
        if profile is None:
            return ()
        action = profile.actions.get(request.action)
        found = [
            profile.seen,
            action.seen if action else None,
            action.namespaces.get(request.namespace) if action else None,
            profile.user_agents.get(request.user_agent),
            profile.networks.get(request.network),
        ]
        return tuple(seen for seen in found if seen is not None)

    def _learn(self, request: _Request) -> None:
        baseline = self.baseline
        when = request.when
        self._count(when)
        profile = baseline.principals.get(request.principal)
        if profile is None:
            if len(baseline.principals) >= MAX_PRINCIPALS:
                return
            profile = baseline.principals[request.principal] = Profile(Seen(0, when, when))
        profile.seen.record(when)
        action = profile.actions.get(request.action)
        if action is None and len(profile.actions) < MAX_KEYS:
            action = profile.actions[request.action] = ActionProfile(Seen(0, when, when))
        if action is not None:
            action.seen.record(when)
            if request.namespace:
                sighting(action.namespaces, request.namespace, when)
        if request.user_agent:
            sighting(profile.user_agents, request.user_agent, when)
        if request.network:
            sighting(profile.networks, request.network, when)
        workload = request.workload
        if workload is not None:
            for image in workload.images:
                sighting(baseline.images, image, when)
            for image in workload.privileged_images:
                sighting(baseline.privileged_images, image, when)

    # -- checking -------------------------------------------------------------------------------

    def _check(self, event: AuditEvent, request: _Request) -> list[Finding]:
        kinds = self._kinds(event.data, request)
        if not kinds:
            return []
        workload = request.workload
        novelty = self._novelty(request)
        findings = []
        for kind, severity, detail in kinds:
            new = list(novelty)
            if workload is not None:
                images = (
                    workload.privileged_images if kind is PRIVILEGED_WORKLOAD else workload.images
                )
                known = (
                    self.baseline.privileged_images
                    if kind is PRIVILEGED_WORKLOAD
                    else self.baseline.images
                )
                qualifier = "privileged " if kind is PRIVILEGED_WORKLOAD else ""
                new += [
                    f"{qualifier}image {image}"
                    for image in images
                    if image not in known and len(known) < MAX_KEYS
                ]
            if new:
                findings.append(self._finding(event, request, kind, severity, new, detail))
        return findings

    def _kinds(
        self, data: dict[str, Any], request: _Request
    ) -> list[tuple[AnomalyType, Severity, dict[str, Any]]]:
        """The anomaly types a request would raise if it were new, with severity and detail."""
        resource, subresource, verb = request.resource, request.subresource, request.verb
        if resource == "pods" and subresource in ("exec", "attach") and verb in ("create", "get"):
            return [(EXEC_IN_POD, EXEC_IN_POD.severity, {})]
        if resource == "pods" and subresource == "portforward" and verb in ("create", "get"):
            return [(PORT_FORWARD, PORT_FORWARD.severity, {})]
        if subresource:
            return []
        if resource in BINDING_RESOURCES and verb in WRITE_VERBS:
            role = _role_ref(data)
            admin = role.get("name") in self.settings.admin_roles
            severity = Severity.HIGH if admin else ROLE_BINDING.severity
            return [(ROLE_BINDING, severity, {"roleRef": role} if role else {})]
        if request.workload is not None:
            return self._workload_kinds(request.workload, request.namespace)
        if verb == "create" and (resource in REVIEW_RESOURCES or resource == RULES_REVIEW):
            checked = _checked_permission(data)
            if resource == RULES_REVIEW or checked is None or _powerful(checked):
                detail = {"permission": checked if checked is not None else "<not logged>"}
                return [(PERMISSION_CHECKED, PERMISSION_CHECKED.severity, detail)]
            return []
        if resource == "secrets" and verb in READ_VERBS:
            return [(SECRETS_ACCESSED, SECRETS_ACCESSED.severity, {})]
        return []

    def _workload_kinds(
        self, workload: _Workload, namespace: str
    ) -> list[tuple[AnomalyType, Severity, dict[str, Any]]]:
        kinds: list[tuple[AnomalyType, Severity, dict[str, Any]]] = []
        if workload.privileged_images:
            detail = {"privileged_images": list(workload.privileged_images)}
            kinds.append((PRIVILEGED_WORKLOAD, PRIVILEGED_WORKLOAD.severity, detail))
        if workload.sensitive_paths:
            detail = {"host_paths": list(workload.sensitive_paths)}
            kinds.append((SENSITIVE_MOUNT, SENSITIVE_MOUNT.severity, detail))
        if not kinds and namespace in self.settings.kube_namespaces:
            kinds.append((WORKLOAD, WORKLOAD.severity, {"images": list(workload.images)}))
        return kinds

    def _novelty(self, request: _Request) -> list[str]:
        """What about this request the principal's profile has never seen."""
        profile = self.baseline.principals.get(request.principal)
        if profile is None:
            return [f"principal {request.principal} (never seen in this cluster)"]
        new = []
        action = profile.actions.get(request.action)
        if action is None:
            if len(profile.actions) < MAX_KEYS:
                new.append(f"action {request.action}")
        elif (
            request.namespace
            and request.namespace not in action.namespaces
            and len(action.namespaces) < MAX_KEYS
        ):
            new.append(f"namespace {request.namespace} for {request.action}")
        for label, value, table in (
            ("user agent", request.user_agent, profile.user_agents),
            ("source network", request.network, profile.networks),
        ):
            if value and value not in table and len(table) < MAX_KEYS:
                new.append(f"{label} {value}")
        return new

    def _workload(self, data: dict[str, Any]) -> _Workload:
        images: list[str] = []
        privileged: list[str] = []
        mounted: set[str] = set()
        containers = _CONTAINERS(data)
        for container in containers if containers is not MISSING else ():
            if type(container) is not dict:
                continue
            image = image_repository(_text(container.get("image")))
            if image and image not in images:
                images.append(image)
            context = container.get("securityContext")
            if type(context) is dict and context.get("privileged") is True and image:
                privileged.append(image)
            mounts = container.get("volumeMounts")
            for mount in mounts if type(mounts) is list else ():
                if type(mount) is dict and type(mount.get("name")) is str:
                    mounted.add(mount["name"])
        sensitive: list[str] = []
        volumes = _VOLUMES(data)
        for volume in volumes if volumes is not MISSING else ():
            host = volume.get("hostPath") if type(volume) is dict else None
            path = host.get("path") if type(host) is dict else None
            if type(path) is str and volume.get("name") in mounted:
                normal = path.rstrip("/") or "/"
                if normal in self.settings.sensitive_host_paths and normal not in sensitive:
                    sensitive.append(normal)
        return _Workload(tuple(images), tuple(dict.fromkeys(privileged)), tuple(sensitive))

    # -- findings -------------------------------------------------------------------------------

    def _finding(
        self,
        event: AuditEvent,
        request: _Request,
        kind: AnomalyType,
        severity: Severity,
        new: list[str],
        detail: dict[str, Any],
    ) -> Finding:
        baseline = self.baseline
        profile = baseline.principals.get(request.principal)
        evidence = [
            Evidence(("anomaly", "new"), new),
            Evidence(
                ("anomaly", "learning"),
                {
                    "cluster": baseline.cluster,
                    "since": _iso(baseline.started),
                    "until": _iso(baseline.updated),
                    "events": baseline.events,
                },
            ),
        ]
        if profile is not None:
            action = profile.actions.get(request.action)
            evidence += [
                Evidence(("anomaly", "principal"), _seen(profile.seen)),
                Evidence(
                    ("anomaly", "action"),
                    {
                        "action": request.action,
                        **(_seen(action.seen) if action else {"count": 0}),
                        "namespaces": _top(action.namespaces) if action else {},
                    },
                ),
                Evidence(("anomaly", "actions"), _top_actions(profile.actions)),
                Evidence(("anomaly", "user_agents"), _top(profile.user_agents)),
                Evidence(("anomaly", "networks"), _top(profile.networks)),
            ]
        evidence += [Evidence(("anomaly", key), value) for key, value in detail.items()]
        when = moment(request.when)
        resource = affected_resource(event)
        who = request.principal
        what = request.action + (f" in {request.namespace}" if request.namespace else "")
        return Finding(
            control_id=kind.control_id,
            layer=Layer.DETECTIVE,
            severity=severity,
            status=Status.FAIL,
            resource=resource,
            message=f"{kind.title}: {who} {what}; new: {'; '.join(new)}",
            location=event.location,
            evidence=tuple(evidence),
            fingerprint=fingerprint(
                kind.control_id, resource, "\x1f".join((who, *new, str(request.when)))
            ),
            detection=DetectionDetail(
                finding_type=kind.finding_type,
                actor=Actor.of(event),
                action=Action.of(event),
                first_seen=when,
                last_seen=when,
                count=1,
                audit_ids=(event.audit_id,),
                aggregation_key=(who, request.action, *new),
            ),
        )


# -- reductions ----------------------------------------------------------------------------------


def client_product(user_agent: str) -> str:
    """The client of a user agent without version or platform: ``kubectl``, ``python-requests``."""
    head = user_agent.strip().split(" ", 1)[0].split("/", 1)[0]
    return head.lower()[:64]


def network_of(address: str) -> str:
    """The /24 of an IPv4 address or the /64 of an IPv6 one; ``""`` for what is not an address."""
    parsed = parse_address(address)
    if parsed is None:
        return ""
    version, value = parsed
    if version == 4:
        network = value >> 8 << 8
        return f"{network >> 24}.{network >> 16 & 255}.{network >> 8 & 255}.0/24"
    groups = [f"{value >> shift & 0xFFFF:x}" for shift in (112, 96, 80, 64)]
    return ":".join(groups) + "::/64"


def image_repository(image: str) -> str:
    """An image reference without tag or digest: ``registry.example/app:1.2@sha256:…`` gives
    ``registry.example/app``."""
    name = image.strip().partition("@")[0]
    slash = name.rfind("/")
    colon = name.rfind(":")
    return name[:colon] if colon > slash else name


def _memo(memory: dict[str, str], key: str, reduce: Callable[[str], str]) -> str:
    if not key:
        return ""
    found = memory.get(key)
    if found is None:
        if len(memory) >= _MEMO_SIZE:
            memory.clear()
        found = memory[key] = reduce(key)
    return found


def _text(value: Any) -> str:
    return value if type(value) is str else ""


def _role_ref(data: dict[str, Any]) -> dict[str, str]:
    body = data.get("requestObject")
    role = body.get("roleRef") if type(body) is dict else None
    if type(role) is not dict:
        return {}
    return {key: value for key, value in role.items() if type(value) is str}


def _checked_permission(data: dict[str, Any]) -> dict[str, str] | None:
    body = data.get("requestObject")
    spec = body.get("spec") if type(body) is dict else None
    if type(spec) is not dict:
        return None
    for key in ("resourceAttributes", "nonResourceAttributes"):
        attributes = spec.get(key)
        if type(attributes) is dict:
            return {name: value for name, value in attributes.items() if type(value) is str}
    return None


def _powerful(permission: dict[str, str]) -> bool:
    return (
        permission.get("verb", "") in POWERFUL_VERBS
        or permission.get("resource", "") in POWERFUL_RESOURCES
        or permission.get("subresource", "") in POWERFUL_SUBRESOURCES
    )


def _iso(seconds: int | None) -> str | None:
    return moment(seconds).isoformat() if seconds is not None else None


def _seen(seen: Seen) -> dict[str, Any]:
    return {"count": seen.count, "first_seen": _iso(seen.first), "last_seen": _iso(seen.last)}


def _top(table: dict[str, Seen]) -> dict[str, int]:
    ranked = sorted(table.items(), key=lambda item: (-item[1].count, item[0]))
    return {key: seen.count for key, seen in ranked[:SHOWN_ENTRIES]}


def _top_actions(table: dict[str, ActionProfile]) -> dict[str, int]:
    return _top({key: action.seen for key, action in table.items()})
