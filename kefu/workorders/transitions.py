"""The complaint lifecycle (SPEC §3) as data: which move leads where, who may make it, what
it takes (its input type, `kefu.workorders.inputs`) and what it must record. Actions consult
this table; nothing else decides a move.

Each transition's action registers itself here with `performs`, so that the dispatcher
(`kefu.workorders.perform`) finds it by the transition's name."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from kefu.audit.choices import AuditAction
from kefu.errors import Conflict, PermissionRefused
from kefu.orgs.actors import Actor
from kefu.orgs.choices import Role
from kefu.workorders.choices import OPEN_STATUSES, WorkOrderKind, WorkOrderStatus
from kefu.workorders.inputs import (
    AnswerInput,
    ArchiveInput,
    BeginHandlingInput,
    ClassifyInput,
    CloseInput,
    CompleteHandlingInput,
    HandleAgainInput,
    MergeInput,
    RejectInput,
    ReopenInput,
    ReplyInput,
    RequestInfoInput,
    ResumeInput,
    StartInvestigationInput,
    StartProcessingInput,
    TransitionInput,
    WithdrawInput,
)

if TYPE_CHECKING:
    from kefu.workorders.models import WorkOrder

S = WorkOrderStatus
K = WorkOrderKind

_DESK = frozenset({Role.AGENT, Role.HANDLER, Role.SUPERVISOR, Role.MANAGER})
_HANDLING = frozenset({Role.HANDLER, Role.SUPERVISOR, Role.MANAGER})
_FRONT = frozenset({Role.AGENT, Role.SUPERVISOR, Role.MANAGER})
_INVESTIGATED = frozenset({K.COMPLAINT, K.APPEAL, K.FAULT})
_HANDLED_DIRECTLY = frozenset({K.SERVICE_REQUEST, K.APPOINTMENT, K.FAULT})


@dataclass(frozen=True)
class Transition:
    name: str
    label_zh: str
    label_en: str
    sources: frozenset[str]
    # None: back to the state the work order was in before it waited for the customer.
    target: str | None
    roles: frozenset[Role]
    audit_action: AuditAction
    inputs: type[TransitionInput]
    kinds: frozenset[str] | None = None
    is_customer_visible: bool = True
    # A step taken once: offered only while this field of the work order is still empty.
    once_field: str = ""

    @property
    def requires(self) -> tuple[str, ...]:
        """The input fields the move cannot be made without."""
        return self.inputs.required_names()

    def applies_to(self, kind: str, status: str) -> bool:
        return status in self.sources and (self.kinds is None or kind in self.kinds)


TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in [
        Transition(
            "classify", "分类定级", "Classify", frozenset({S.RECEIVED}), S.CLASSIFIED, _DESK,
            audit_action=AuditAction.WORK_ORDER_CLASSIFIED,
            inputs=ClassifyInput, is_customer_visible=False,
        ),
        Transition(
            "answer", "直接答复", "Answer", frozenset({S.RECEIVED, S.CLASSIFIED}), S.REPLIED,
            _DESK,
            audit_action=AuditAction.WORK_ORDER_ANSWERED,
            inputs=AnswerInput, kinds=frozenset({K.CONSULTATION}),
        ),
        Transition(
            "start_investigation", "开始调查", "Start investigation", frozenset({S.CLASSIFIED}),
            S.INVESTIGATING, _HANDLING,
            audit_action=AuditAction.WORK_ORDER_INVESTIGATION_STARTED,
            inputs=StartInvestigationInput,
            kinds=_INVESTIGATED,
        ),
        Transition(
            "start_processing", "确认责任并处理", "Record findings and handle",
            frozenset({S.INVESTIGATING}), S.PROCESSING, _HANDLING,
            audit_action=AuditAction.WORK_ORDER_PROCESSING_STARTED,
            inputs=StartProcessingInput,
            kinds=_INVESTIGATED,
        ),
        Transition(
            "begin_handling", "开始办理", "Begin handling", frozenset({S.CLASSIFIED}),
            S.PROCESSING, _HANDLING,
            audit_action=AuditAction.WORK_ORDER_HANDLING_BEGUN,
            inputs=BeginHandlingInput,
            kinds=_HANDLED_DIRECTLY,
        ),
        # The work order stays in processing; the move marks the moment handling is complete,
        # from which the reply is due (001 §4.2.1).
        Transition(
            "complete_handling", "处理完成", "Handling complete", frozenset({S.PROCESSING}),
            S.PROCESSING, _HANDLING,
            audit_action=AuditAction.WORK_ORDER_HANDLING_COMPLETED,
            inputs=CompleteHandlingInput, is_customer_visible=False,
            once_field="handling_completed_at",
        ),
        Transition(
            "request_info", "请客户补充", "Ask the customer",
            frozenset({S.RECEIVED, S.CLASSIFIED, S.INVESTIGATING, S.PROCESSING}),
            S.PENDING_CUSTOMER, _DESK,
            audit_action=AuditAction.WORK_ORDER_INFO_REQUESTED,
            inputs=RequestInfoInput,
        ),
        Transition(
            "resume", "客户已补充", "Customer supplied", frozenset({S.PENDING_CUSTOMER}), None,
            _DESK | {Role.CUSTOMER},
            audit_action=AuditAction.WORK_ORDER_RESUMED,
            inputs=ResumeInput,
        ),
        Transition(
            "reply", "答复客户", "Reply to customer", frozenset({S.PROCESSING}), S.REPLIED,
            _HANDLING,
            audit_action=AuditAction.WORK_ORDER_REPLIED,
            inputs=ReplyInput,
        ),
        Transition(
            "close", "确认结案", "Close", frozenset({S.REPLIED}), S.CLOSED,
            _DESK | {Role.CUSTOMER, Role.SYSTEM},
            audit_action=AuditAction.WORK_ORDER_CLOSED,
            inputs=CloseInput,
        ),
        Transition(
            "reopen", "重新处理", "Reopen", frozenset({S.REPLIED, S.CLOSED}), S.REOPENED,
            _FRONT | {Role.CUSTOMER},
            audit_action=AuditAction.WORK_ORDER_REOPENED,
            inputs=ReopenInput,
        ),
        Transition(
            "handle_again", "恢复处理", "Handle again", frozenset({S.REOPENED}), S.PROCESSING,
            _HANDLING,
            audit_action=AuditAction.WORK_ORDER_HANDLED_AGAIN,
            inputs=HandleAgainInput, is_customer_visible=True,
        ),
        Transition(
            "reject", "不予受理", "Reject", frozenset({S.RECEIVED, S.CLASSIFIED}), S.REJECTED,
            _FRONT,
            audit_action=AuditAction.WORK_ORDER_REJECTED,
            inputs=RejectInput,
        ),
        Transition(
            "withdraw", "撤诉", "Withdraw", frozenset(OPEN_STATUSES), S.WITHDRAWN,
            _FRONT | {Role.CUSTOMER},
            audit_action=AuditAction.WORK_ORDER_WITHDRAWN,
            inputs=WithdrawInput,
        ),
        Transition(
            "merge", "合并到其他工单", "Merge into another",
            frozenset({S.RECEIVED, S.CLASSIFIED, S.INVESTIGATING, S.PENDING_CUSTOMER}), S.MERGED,
            _FRONT,
            audit_action=AuditAction.WORK_ORDER_MERGED,
            inputs=MergeInput, is_customer_visible=True,
        ),
        Transition(
            "archive", "归档", "Archive",
            frozenset({S.CLOSED, S.REJECTED, S.WITHDRAWN, S.MERGED}), S.ARCHIVED,
            frozenset({Role.ARCHIVIST}),
            audit_action=AuditAction.WORK_ORDER_ARCHIVED, inputs=ArchiveInput,
            is_customer_visible=False,
        ),
    ]
}


class TransitionNotAllowed(Conflict):
    code = "transition_not_allowed"


def allowed_transitions(kind: str, status: str, actor: Actor,
                        wo: Any = None) -> list[Transition]:
    """The moves this actor may make now, in table order; given the work order, without the
    steps it has already taken once."""
    return [
        t for t in TRANSITIONS.values() if t.applies_to(kind, status) and actor.role in t.roles
        and not (wo is not None and t.once_field and getattr(wo, t.once_field) is not None)
    ]


def check_transition(kind: str, status: str, name: str, actor: Actor) -> Transition:
    """The transition, if the work order's state and the actor's role allow it.

    An unknown move, or one the current state does not allow, is a conflict (409) listing the
    allowed moves; a move the state allows but the role does not is refused (403)."""
    transition = TRANSITIONS.get(name)
    allowed = [t.name for t in allowed_transitions(kind, status, actor)]
    if transition is None or not transition.applies_to(kind, status):
        raise TransitionNotAllowed(
            f"当前状态「{WorkOrderStatus(status).label}」不能执行「{name}」",
            f"'{name}' is not possible from state '{status}'",
            detail={"status": status, "allowed": allowed},
        )
    if actor.role not in transition.roles:
        raise PermissionRefused(
            f"您的角色不能执行「{transition.label_zh}」",
            f"Your role may not '{transition.label_en}'",
            detail={"status": status, "allowed": allowed},
        )
    return transition


# --- the action that makes each transition ------------------------------------------------


class TransitionAction(Protocol):
    """How the dispatcher calls every transition's action; an action may take more keywords
    of its own with defaults (close's `is_auto_close`)."""

    def __call__(self, *, actor: Actor, work_order_id: int, inputs: Any,
                 expected_version: int | None = ...) -> WorkOrder: ...


A = TypeVar("A", bound=TransitionAction)

_performers: dict[str, TransitionAction] = {}
# The registered actions by transition name, filled as `kefu.workorders.actions` is imported.
PERFORMERS: Mapping[str, TransitionAction] = MappingProxyType(_performers)


def performs(name: str) -> Callable[[A], A]:
    """Register the decorated function as the action that makes transition `name`: one
    action per transition, taking the transition's own input type as `inputs`."""

    def register(action: A) -> A:
        who = getattr(action, "__qualname__", repr(action))
        transition = TRANSITIONS.get(name)
        if transition is None:
            raise TypeError(f"{who} performs {name!r}, which is no transition")
        if name in _performers:
            raise TypeError(f"{name!r} already has its action, so {who} cannot perform it")
        takes = inspect.signature(action).parameters.get("inputs")
        # Annotations are strings here (postponed evaluation): compare the type's name.
        if takes is None or takes.annotation not in (transition.inputs,
                                                     transition.inputs.__name__):
            raise TypeError(f"{who} must take inputs: {transition.inputs.__name__}")
        _performers[name] = action
        return action

    return register
