"""RBAC queries over manifests: ``who-can``, ``can``, ``subject`` and ``paths``.

They read the same inputs as ``scan`` through :func:`kubeguard.scan.read_inputs`. A binding or
role in an input that cannot be read would change the answer, so none is given then: the result
carries the input errors instead. Malformed questions raise
:class:`~kubeguard.engines.posture.rbac.QueryError`: an unreadable subject before any input is
read, a resource type neither built in nor defined by a CustomResourceDefinition of the inputs
once they are.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO, TypeVar

from kubeguard.engines.posture.rbac import (
    CanAnswer,
    EscalationPath,
    Request,
    SubjectAnswer,
    WhoCanAnswer,
    build_request,
    can,
    escalation_graph,
    parse_subject,
    permissions_of,
    rbac_index,
    who_can,
)
from kubeguard.model import Inventory
from kubeguard.scan import QueryResult, answer_from_inputs
from kubeguard.sources.manifests import DEFAULT_MAX_FILE_BYTES

Answer = TypeVar("Answer")

#: What every query answers: the answer, or the input errors.
RbacResult = QueryResult


@dataclass(frozen=True, slots=True)
class Inputs:
    """Where the objects come from."""

    paths: tuple[str, ...]
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
    stdin: BinaryIO | None = None


@dataclass(frozen=True, slots=True)
class Question:
    """A request as typed: verb, resource (``pods/exec``, ``deploy``, ``/metrics``), scope."""

    verb: str
    resource: str
    namespace: str = ""
    api_group: str | None = None
    name: str = ""

    def request(self, inventory: Inventory) -> Request:
        """The request the API server would authorize."""
        return build_request(
            rbac_index(inventory),
            self.verb,
            self.resource,
            namespace=self.namespace,
            api_group=self.api_group,
            name=self.name,
        )


def _answer(inputs: Inputs, ask: Callable[[Inventory], Answer]) -> QueryResult[Answer]:
    return answer_from_inputs(
        inputs.paths, ask, max_file_bytes=inputs.max_file_bytes, stdin=inputs.stdin
    )


def who_can_query(
    inputs: Inputs, question: Question, *, any_namespace: bool = False
) -> RbacResult[WhoCanAnswer]:
    """Every subject allowed to ask ``question`` (in any namespace, with ``any_namespace``)."""
    return _answer(
        inputs,
        lambda inventory: who_can(
            inventory, question.request(inventory), any_namespace=any_namespace
        ),
    )


def can_query(inputs: Inputs, subject: str, question: Question) -> RbacResult[CanAnswer]:
    """Whether ``subject`` (``user:NAME``, ``group:NAME``, ``system:serviceaccount:NS:NAME``) may."""
    who = parse_subject(subject)
    return _answer(inputs, lambda inventory: can(inventory, who, question.request(inventory)))


def subject_query(inputs: Inputs, subject: str) -> RbacResult[SubjectAnswer]:
    """Everything ``subject`` may do, the risky parts marked, and its shortest escalation."""
    who = parse_subject(subject)
    return _answer(inputs, lambda inventory: permissions_of(inventory, who))


def paths_query(inputs: Inputs) -> RbacResult[list[EscalationPath]]:
    """Every escalation path to cluster-admin power, shortest first."""
    return _answer(inputs, lambda inventory: escalation_graph(inventory).paths())
