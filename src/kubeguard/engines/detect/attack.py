"""MITRE ATT&CK tags of detection rules: the tactics and the techniques rules may name.

Rules tag themselves the Sigma way: ``attack.<tactic>`` (``attack.credential_access``) and
``attack.tNNNN`` or ``attack.tNNNN.NNN`` (``attack.t1609``). Only the Enterprise tactics and the
techniques below are accepted, so a typo fails at load time instead of producing a mapping that
leads nowhere. The techniques are those of the Containers matrix plus the Enterprise techniques
Kubernetes detections commonly map to.
"""

from __future__ import annotations

import re

#: Enterprise tactics, by the tag word Sigma uses.
TACTICS: dict[str, str] = {
    "reconnaissance": "Reconnaissance",
    "resource_development": "Resource Development",
    "initial_access": "Initial Access",
    "execution": "Execution",
    "persistence": "Persistence",
    "privilege_escalation": "Privilege Escalation",
    "defense_evasion": "Defense Evasion",
    "credential_access": "Credential Access",
    "discovery": "Discovery",
    "lateral_movement": "Lateral Movement",
    "collection": "Collection",
    "command_and_control": "Command and Control",
    "exfiltration": "Exfiltration",
    "impact": "Impact",
}

#: Techniques rules may name, by id.
TECHNIQUES: dict[str, str] = {
    "T1046": "Network Service Discovery",
    "T1053": "Scheduled Task/Job",
    "T1053.007": "Container Orchestration Job",
    "T1069": "Permission Groups Discovery",
    "T1070": "Indicator Removal",
    "T1078": "Valid Accounts",
    "T1078.001": "Default Accounts",
    "T1087": "Account Discovery",
    "T1090": "Proxy",
    "T1090.003": "Multi-hop Proxy",
    "T1098": "Account Manipulation",
    "T1098.006": "Additional Container Cluster Roles",
    "T1133": "External Remote Services",
    "T1136": "Create Account",
    "T1190": "Exploit Public-Facing Application",
    "T1485": "Data Destruction",
    "T1489": "Service Stop",
    "T1498": "Network Denial of Service",
    "T1499": "Endpoint Denial of Service",
    "T1525": "Implant Internal Image",
    "T1528": "Steal Application Access Token",
    "T1531": "Account Access Removal",
    "T1552": "Unsecured Credentials",
    "T1552.001": "Credentials In Files",
    "T1552.007": "Container API",
    "T1556": "Modify Authentication Process",
    "T1562": "Impair Defenses",
    "T1562.001": "Disable or Modify Tools",
    "T1572": "Protocol Tunneling",
    "T1609": "Container Administration Command",
    "T1610": "Deploy Container",
    "T1611": "Escape to Host",
    "T1612": "Build Image on Host",
    "T1613": "Container and Resource Discovery",
}

_TECHNIQUE_TAG = re.compile(r"^attack\.(t\d{4}(?:\.\d{3})?)$")
_ATTACK_TAG = re.compile(r"^attack\.")


def tag_problem(tag: str) -> str | None:
    """Why ``tag`` is not a valid ATT&CK tag, or ``None`` (tags of other namespaces pass)."""
    if not _ATTACK_TAG.match(tag):
        return None
    technique = _TECHNIQUE_TAG.match(tag)
    if technique:
        if technique.group(1).upper() not in TECHNIQUES:
            return f"unknown ATT&CK technique {technique.group(1).upper()}"
        return None
    tactic = tag.removeprefix("attack.")
    if tactic not in TACTICS:
        return f"unknown ATT&CK tactic {tactic!r} (known: {', '.join(sorted(TACTICS))})"
    return None


def techniques_of(tags: tuple[str, ...]) -> tuple[str, ...]:
    """The technique ids among ``tags`` (``T1609``), in order."""
    return tuple(
        match.group(1).upper() for tag in tags if (match := _TECHNIQUE_TAG.match(tag)) is not None
    )


def tactics_of(tags: tuple[str, ...]) -> tuple[str, ...]:
    """The tactic words among ``tags`` (``credential_access``), in order."""
    return tuple(
        tag.removeprefix("attack.")
        for tag in tags
        if tag.startswith("attack.") and tag.removeprefix("attack.") in TACTICS
    )
