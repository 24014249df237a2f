"""Projected service-account tokens are short-lived.

A ``serviceAccountToken`` projection mounts a bound token whose lifetime the pod chooses with
``expirationSeconds``. A token stolen from the pod (a file read, a log line, a backup of the
volume) is usable until it expires, so a lifetime of days turns a momentary leak into lasting
access. A token with no ``audience`` is valid against the API server itself, which makes it the
most useful one to steal: it should not outlive the 3607 seconds the kubelet uses for the token it
mounts by default. Any token is held to 24 hours at most; the kubelet refreshes projected tokens
before they expire, so short lifetimes cost the workload nothing.
"""

from collections.abc import Iterator

from kubeguard.engines.posture.control import CheckContext, Violation, control
from kubeguard.engines.posture.views import WorkloadView, as_int, as_list, as_mapping, as_str, get
from kubeguard.model import Severity

MAX_TOKEN_SECONDS = 24 * 60 * 60
"""Longest lifetime accepted for any projected token."""
MAX_API_TOKEN_SECONDS = 3607
"""Longest lifetime accepted for a token without an audience (the kubelet's own default)."""


@control(
    id="KG-POD-038",
    title="Projected service-account tokens are short-lived",
    severity=Severity.MEDIUM,
    remediation=(
        "Set expirationSeconds to at most 86400 on projected serviceAccountToken sources, "
        "and at most 3607 (or set an audience) for tokens meant for the API server."
    ),
    refs={"mitre": "T1528"},
)
def check(workload: WorkloadView, context: CheckContext) -> Iterator[Violation]:
    for volume_index, volume in workload.volumes():
        sources = as_list(get(volume, "projected", "sources"))
        for source_index, source in enumerate(sources):
            token = as_mapping(get(source, "serviceAccountToken"))
            seconds = as_int(token.get("expirationSeconds"))
            if seconds is None:
                continue
            audience = as_str(token.get("audience"))
            limit = MAX_TOKEN_SECONDS if audience else MAX_API_TOKEN_SECONDS
            if seconds > limit:
                target = f"audience {audience!r}" if audience else "the API server (no audience)"
                yield Violation(
                    path=workload.path(
                        "volumes",
                        volume_index,
                        "projected",
                        "sources",
                        source_index,
                        "serviceAccountToken",
                        "expirationSeconds",
                    ),
                    message=(
                        f"volume {volume.get('name')!r} projects a token for {target} "
                        f"valid for {seconds} s (limit {limit} s)"
                    ),
                    value=seconds,
                )
