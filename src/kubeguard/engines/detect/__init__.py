"""Detection: rules over Kubernetes audit events, GuardDuty-style findings.

Rules are data (:mod:`.language`), compiled to predicates (:mod:`.predicates`) that any front end
can produce, routed by verb and resource and aggregated into findings by :mod:`.engine`.
"""

from kubeguard.engines.detect.engine import Aggregator, CompiledRule, Detector, RuleIndex
from kubeguard.engines.detect.language import RuleSet, RuleSetError, load_rules, rule_files
from kubeguard.engines.detect.predicates import AddressList, AddressLists
from kubeguard.engines.detect.rule import DetectionRule

__all__ = [
    "AddressList",
    "AddressLists",
    "Aggregator",
    "CompiledRule",
    "DetectionRule",
    "Detector",
    "RuleIndex",
    "RuleSet",
    "RuleSetError",
    "load_rules",
    "rule_files",
]
