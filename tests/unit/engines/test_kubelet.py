"""Kubelet settings are read as the kubelet resolves them, and only where a kubelet runs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kubeguard.engines.posture import PostureSettings
from kubeguard.engines.posture.control import CheckContext
from kubeguard.engines.posture.controls.infrastructure.kubelet_anonymous_auth import (
    ANONYMOUS_AUTH,
)
from kubeguard.engines.posture.controls.infrastructure.kubelet_certificate_rotation import (
    SERVER_CERTIFICATE_ROTATION,
)
from kubeguard.engines.posture.controls.infrastructure.kubelet_read_only_port import (
    READ_ONLY_PORT,
)
from kubeguard.engines.posture.controls.infrastructure.kubelet_streaming_timeout import (
    STREAMING_IDLE_TIMEOUT,
)
from kubeguard.engines.posture.kubelet import Flag, Kubelet, Origin, kubelets
from kubeguard.engines.posture.views import ObjectView
from kubeguard.model import Inventory, K8sObject, SourceLocation
from kubeguard.sources import read_manifests

CONFIG_VERSION = "kubelet.config.k8s.io/v1beta1"


def _obj(manifest: dict[str, Any]) -> K8sObject:
    return K8sObject(manifest, SourceLocation("t.yaml"))


def _pod(**container: Any) -> K8sObject:
    return _obj(
        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": "node", "namespace": "kube-system"},
            "spec": {"containers": [{"name": "kubelet", "image": "kubelet:1.30", **container}]},
        }
    )


def _kubelets(obj: K8sObject) -> tuple[Kubelet, ...]:
    return kubelets(ObjectView(obj), CheckContext(Inventory([obj]), PostureSettings()))


def _only(obj: K8sObject) -> Kubelet:
    (kubelet,) = _kubelets(obj)
    return kubelet


@pytest.mark.parametrize(
    ("command", "args"),
    [
        (["kubelet"], []),
        (["/usr/local/bin/kubelet", "--v=2"], []),
        (None, ["kubelet", "--v=2"]),
        (["/hyperkube", "kubelet"], []),
        (["tini", "--", "/usr/bin/kubelet"], []),
        (["sh", "-c", "mkdir -p /var/lib/kubelet && exec kubelet --v=2"], []),
        (["/bin/bash", "-euxc"], ["set -e\nexec /opt/bin/kubelet \\\n  --v=2"]),
    ],
)
def test_a_container_running_the_kubelet_is_found(command: Any, args: list[str]) -> None:
    container = {"args": args} | ({"command": command} if command is not None else {})
    assert _only(_pod(**container)).label == "container 'kubelet'"


@pytest.mark.parametrize(
    "command",
    [
        ["sh", "-c", "systemctl restart kubelet"],
        ["sh", "-c", "echo waiting for the kubelet; sleep 5"],
        ["kubelet-csr-approver", "--provider-regex=^ip-"],
        ["kube-apiserver", "--kubelet-client-certificate=/etc/kubernetes/pki/kubelet"],
        ["cat", "/var/lib/kubelet/config.yaml"],
        ["prometheus-operator", "--kubelet-service=kube-system/kubelet"],
        ["prometheus-operator", "--kubelet-service", "kube-system/kubelet"],
        ["nginx"],
        "kubelet --anonymous-auth=true",  # not a list: the kubelet never runs from it
        [1, None, {"kubelet": True}],
    ],
)
def test_containers_that_only_mention_the_kubelet_run_none(command: Any) -> None:
    assert _kubelets(_pod(command=command)) == ()


def test_the_last_flag_wins_and_underscores_name_the_same_flag() -> None:
    kubelet = _only(_pod(command=["kubelet", "--read-only-port=0", "--read_only_port", "10255"]))
    reading = kubelet.read(READ_ONLY_PORT)
    assert reading is not None
    assert (reading.value, reading.origin) == (10255, Origin.FLAG)
    assert reading.path == ("spec", "containers", 0, "command", 2)


def test_a_boolean_flag_takes_no_separate_value_as_pflag_reads_it() -> None:
    # ``--anonymous-auth false`` sets the flag to true; "false" is a stray argument.
    kubelet = _only(_pod(command=["kubelet", "--anonymous-auth", "false", "--read-only-port=0"]))
    anonymous = kubelet.read(ANONYMOUS_AUTH)
    port = kubelet.read(READ_ONLY_PORT)
    assert anonymous is not None
    assert port is not None
    assert (anonymous.value, port.value) == (True, 0)


def test_flags_after_a_shell_separator_belong_to_another_command() -> None:
    script = "kubelet --v=2 && logger --read-only-port=0"
    reading = _only(_pod(command=["sh", "-c", script])).read(READ_ONLY_PORT)
    assert reading is not None
    assert (reading.value, reading.origin) == (10255, Origin.FLAG_DEFAULT)


def test_a_configuration_file_the_scan_cannot_see_leaves_unpassed_flags_unjudged() -> None:
    kubelet = _only(_pod(command=["kubelet", "--config=/etc/kubelet.yaml", "--anonymous-auth"]))
    assert kubelet.read(READ_ONLY_PORT) is None
    anonymous = kubelet.read(ANONYMOUS_AUTH)
    assert anonymous is not None
    assert anonymous.value is True


def test_a_flag_wins_over_the_configuration_document() -> None:
    kubelet = Kubelet(
        "node kubelet",
        (),
        {"readOnlyPort": 0},
        (Flag("read-only-port", "10255", ("flags", 0)),),
    )
    reading = kubelet.read(READ_ONLY_PORT)
    assert reading is not None
    assert (reading.value, reading.path) == (10255, ("flags", 0))


def test_feature_gates_merge_across_flags_and_the_last_entry_wins() -> None:
    kubelet = _only(
        _pod(
            command=["kubelet"],
            args=[
                "--feature-gates=RotateKubeletServerCertificate=true,SeccompDefault=true",
                "--feature-gates=SeccompDefault=false, RotateKubeletServerCertificate=false",
            ],
        )
    )
    reading = kubelet.read(SERVER_CERTIFICATE_ROTATION)
    assert reading is not None
    assert (reading.value, reading.path) == (False, ("spec", "containers", 0, "args", 1))


@pytest.mark.parametrize(
    ("written", "seconds"),
    [
        ("4h0m0s", 4 * 3600),
        ("1.5h", 5400),
        ("300ms", 0.3),
        ("1m30s", 90),
        ("-1s", -1),
        ("0", 0),
        ("4 hours", None),
        ("4", None),
        ("", None),
    ],
)
def test_durations_are_read_as_go_parses_them(written: str, seconds: float | None) -> None:
    kubelet = _only(_pod(command=["kubelet", f"--streaming-connection-idle-timeout={written}"]))
    reading = kubelet.read(STREAMING_IDLE_TIMEOUT)
    assert reading is not None
    assert reading.value == (pytest.approx(seconds) if seconds is not None else None)


def test_defaults_differ_between_the_configuration_and_the_command_line() -> None:
    config = _only(_obj({"apiVersion": CONFIG_VERSION, "kind": "KubeletConfiguration"}))
    flags = _only(_pod(command=["kubelet"]))
    from_config = config.read(READ_ONLY_PORT)
    from_flags = flags.read(READ_ONLY_PORT)
    assert from_config is not None
    assert from_flags is not None
    assert (from_config.value, from_config.origin) == (0, Origin.DEFAULT)
    assert (from_flags.value, from_flags.origin) == (10255, Origin.FLAG_DEFAULT)
    assert from_flags.path == ("spec", "containers", 0, "command", 0)


def test_a_default_points_at_the_deepest_mapping_the_document_has(tmp_path: Path) -> None:
    text = (
        "apiVersion: kubelet.config.k8s.io/v1beta1\n"
        "kind: KubeletConfiguration\n"
        "readOnlyPort: 0\n"
        "authentication:\n"
        "  webhook:\n"
        "    enabled: true\n"
    )
    file = tmp_path / "kubelet.yaml"
    file.write_text(text, encoding="utf-8")
    (obj,) = [item for item in read_manifests([str(file)]) if isinstance(item, K8sObject)]
    reading = _only(obj).read(ANONYMOUS_AUTH)
    assert reading is not None
    assert reading.path == ("authentication",)
    assert obj.location_of(reading.path).line == 4


def test_a_zero_timeout_in_the_file_takes_the_default_as_the_kubelet_does() -> None:
    manifest = {
        "apiVersion": CONFIG_VERSION,
        "kind": "KubeletConfiguration",
        "streamingConnectionIdleTimeout": "0s",
    }
    reading = _only(_obj(manifest)).read(STREAMING_IDLE_TIMEOUT)
    assert reading is not None
    assert (reading.value, reading.origin) == (4 * 3600, Origin.DEFAULT)


@pytest.mark.parametrize(
    "manifest",
    [
        {"apiVersion": CONFIG_VERSION, "kind": "KubeletConfiguration", "authentication": "x"},
        {"apiVersion": CONFIG_VERSION, "kind": "KubeletConfiguration", "authentication": [1]},
        {"apiVersion": CONFIG_VERSION, "kind": "KubeletConfiguration", "metadata": 3},
    ],
)
def test_a_malformed_document_is_read_with_defaults_and_never_crashes(
    manifest: dict[str, Any],
) -> None:
    reading = _only(_obj(manifest)).read(ANONYMOUS_AUTH)
    assert reading is not None
    assert (reading.value, reading.path) == (False, ())


def test_a_kubelet_configuration_of_another_api_group_is_not_a_kubelet() -> None:
    manifest = {"apiVersion": "example.com/v1", "kind": "KubeletConfiguration"}
    assert _kubelets(_obj(manifest)) == ()
