"""The kernel: the steps every change of a work order is made of, whichever app makes it.

A change is one function decorated with `work_order_change` (one durable transaction). It
locks the work order in the actor's scope (`lock_work_order`), checks the move
(`check_move`) and its input against the input's spec (`require`), saves named fields with
the version bump (`move`, `touch`), records the timeline event (`record_event`) and the
audit entry (`audit_work_order`), and tells people through the outbox (`tell_customer`,
`tell_staff`); the work orders it recorded events for are indexed again for search at its
end. New work orders (intake, appeal, split) start with `start_work_order`;
`reopen_locked` and `move_to_tier` are the reopen and the move to another unit shared by
several apps.

This module imports no feature app: feature apps import it, and add to the lifecycle through
`kefu.workorders.reactions`."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from kefu.audit.actions import AuditRecord, record_audits
from kefu.audit.choices import AuditAction
from kefu.audit.refusals import audits_refusals
from kefu.errors import REQUIRED, InvalidInput, NotFound, StaleVersion
from kefu.notify.actions import enqueue_message
from kefu.notify.choices import MessageChannel
from kefu.orgs.actors import Actor
from kefu.orgs.models import Staff
from kefu.orgs.queries import unit_for_tier
from kefu.sla import clocks
from kefu.workorders import reactions, searching
from kefu.workorders.choices import EventType, WorkOrderKind, WorkOrderStatus
from kefu.workorders.errors import ArchivedRecord, MissingFields
from kefu.workorders.inputs import ReopenInput, TransitionInput
from kefu.workorders.models import TimelineEvent, WorkOrder
from kefu.workorders.numbering import allocate_number
from kefu.workorders.queries import scoped_work_orders
from kefu.workorders.transitions import (
    Transition,
    TransitionNotAllowed,
    allowed_transitions,
    check_transition,
)

P = ParamSpec("P")
R = TypeVar("R")
Row = TypeVar("Row", bound=Model)

# The audit entries of the change under way, written together as its last statement.
_pending_audits: ContextVar[list[AuditRecord] | None] = ContextVar("pending_audits",
                                                                    default=None)
# The work orders the change under way recorded events for, indexed again at its end, each
# with whether the change created it; and the units of the staff who acted in it.
_changed: ContextVar[dict[WorkOrder, bool] | None] = ContextVar("changed_work_orders",
                                                                default=None)
_acting: ContextVar[dict[int, int | None] | None] = ContextVar("acting_staff", default=None)


@contextmanager
def change() -> Iterator[None]:
    """One durable transaction whose audit entries are appended last.

    Decision 0005: the audit chain's head is one locked row that every writer takes, so it is
    taken as the last statement of the transaction and held only until the commit. Steps
    called during the change queue their entries here instead of taking the lock on the way."""
    with transaction.atomic(durable=True):
        token = _pending_audits.set([])
        changed = _changed.set({})
        acting = _acting.set({})
        try:
            yield
            if work_orders := _changed.get():
                searching.reindex([wo.pk for wo, new in work_orders.items() if not new],
                                  new=[wo for wo, new in work_orders.items() if new],
                                  staff_units=_acting.get())
            if records := _pending_audits.get():
                record_audits(records)
        finally:
            _acting.reset(acting)
            _changed.reset(changed)
            _pending_audits.reset(token)


def work_order_change(fn: Callable[P, R]) -> Callable[P, R]:
    """Make `fn` one change (see `change`), whose refusals are evidence (`audits_refusals`)."""

    @wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with change():
            return fn(*args, **kwargs)

    return audits_refusals(wrapper)


def audit(record: AuditRecord) -> None:
    """Queue an audit entry for the end of the change, or write it now outside of one."""
    pending = _pending_audits.get()
    if pending is None:
        record_audits([record])
    else:
        pending.append(record)


def audit_work_order(wo: WorkOrder, actor: Actor, action: AuditAction,
                     data: dict[str, Any]) -> None:
    audit(AuditRecord(actor, action, "work_order", wo.pk,
                      {"number": wo.number, "version": wo.version, **data}))


# --- locking ------------------------------------------------------------------------------


def lock_work_order(actor: Actor, work_order_id: int,
                    expected_version: int | None = None) -> WorkOrder:
    """The work order locked for this transaction, in scope, at the expected version and not
    archived; raises otherwise."""
    try:
        wo = scoped_work_orders(actor).select_for_update().get(pk=work_order_id)
    except WorkOrder.DoesNotExist:
        raise NotFound("工单不存在", "No such work order") from None
    if expected_version is not None and wo.version != expected_version:
        raise StaleVersion(
            "工单已被他人修改，请刷新后重试",
            "The work order was changed by someone else; reload and try again",
            detail={"current_version": wo.version, "expected_version": expected_version},
        )
    if wo.status == WorkOrderStatus.ARCHIVED:
        raise ArchivedRecord("已归档工单不可修改", "An archived work order cannot be changed")
    return wo


def lock_with_work_order(actor: Actor, model: type[Row], pk: int, missing: NotFound,
                         *related: str) -> tuple[WorkOrder, Row]:
    """A row that belongs to a work order, locked after its work order (the order every change
    takes them in): the work order in the actor's scope and not archived, or `missing` — the
    same answer for a row of a work order outside the scope as for no row at all."""
    parent = model._default_manager.filter(pk=pk).values_list(
        "work_order_id", flat=True).first()
    if parent is None:
        raise missing
    try:
        wo = lock_work_order(actor, parent)
    except NotFound:
        raise missing from None
    row = model._default_manager.select_for_update().select_related(*related).get(pk=pk)
    return wo, row


# --- checking input -----------------------------------------------------------------------


def require(transition: Transition, inputs: TransitionInput) -> None:
    """Refuse the move unless `inputs` meets the transition's input spec: first every required
    field left empty, then every text too long and every value outside its choices."""
    if not isinstance(inputs, transition.inputs):
        raise TypeError(f"{transition.name} takes {transition.inputs.__name__}, "
                        f"not {type(inputs).__name__}")
    if missing := inputs.missing():
        raise MissingFields(
            f"「{transition.label_zh}」缺少必填内容", f"'{transition.label_en}' needs more fields",
            fields={name: [REQUIRED] for name in missing},
        )
    if problems := inputs.problems():
        raise InvalidInput(
            f"{'、'.join(problems)} 取值无效", f"Invalid value for {', '.join(problems)}",
            fields=problems,
        )


def choice(value: str, choices: type[Any], field_name: str) -> str:
    """`value` if it is one of `choices`; an invalid-input error naming the field otherwise."""
    if value not in choices.values:
        raise InvalidInput(
            f"{field_name} 取值无效", f"Invalid value for {field_name}",
            fields={field_name: [f"可选 / one of: {', '.join(choices.values)}"]},
        )
    return value


# --- moving and recording -----------------------------------------------------------------


def check_move(wo: WorkOrder, name: str, actor: Actor) -> Transition:
    """The transition, if the table allows it to this actor now and no app's guard refuses."""
    transition = check_transition(wo.kind, wo.status, name, actor)
    if transition.once_field and getattr(wo, transition.once_field) is not None:
        raise TransitionNotAllowed(
            f"「{transition.label_zh}」已完成", f"'{transition.label_en}' was already done",
            detail={"status": wo.status, "allowed": [
                t.name for t in allowed_transitions(wo.kind, wo.status, actor, wo)]})
    reactions.run_guards(name, wo, actor)
    return transition


def lock_for_move(actor: Actor, work_order_id: int, expected_version: int | None,
                  name: str) -> tuple[WorkOrder, Transition]:
    """The work order locked for this change (`lock_work_order`) and the move checked on it
    (`check_move`): how every transition's action begins."""
    wo = lock_work_order(actor, work_order_id, expected_version)
    return wo, check_move(wo, name, actor)


def move(
    wo: WorkOrder, actor: Actor, transition: Transition, *, changes: dict[str, Any],
    note: str = "", data: dict[str, Any] | None = None, target: str | None = None,
) -> None:
    """Make a checked move: state, named fields, version, clocks, event and audit entry; then
    what the apps declared for it."""
    old = wo.status
    new = target or transition.target
    assert new is not None
    for name, value in changes.items():
        setattr(wo, name, value)
    wo.status = new
    wo.version += 1
    clocks.on_transition(wo, transition.name, is_staff=actor.is_staff)
    wo.save(update_fields=["status", "version", "updated_at", "next_due_at", "is_overdue",
                           *changes])
    record_event(wo, actor, EventType.TRANSITIONED, note=note, data=data,
                 transition=transition, from_status=old,
                 is_customer_visible=transition.is_customer_visible)
    audit_work_order(wo, actor, transition.audit_action,
                     {"from": old, "to": new, **(data or {})})
    reactions.run_reactions(transition.name, wo, actor)


def touch(wo: WorkOrder, *fields: str) -> None:
    """Save a change beside the lifecycle: the named fields and the version, so the ETag moves."""
    wo.version += 1
    wo.save(update_fields=["version", "updated_at", *fields])


def record_event(
    wo: WorkOrder, actor: Actor, event_type: EventType, *, note: str = "",
    data: dict[str, Any] | None = None, is_customer_visible: bool = False,
    transition: Transition | None = None, from_status: str = "",
) -> TimelineEvent:
    if (changed := _changed.get()) is not None:
        changed[wo] = changed.get(wo, False) or event_type == EventType.CREATED
        if actor.staff_id is not None and (acting := _acting.get()) is not None:
            acting[actor.staff_id] = actor.unit_id
    return TimelineEvent.objects.create(
        work_order=wo, at=timezone.now(), event_type=event_type,
        transition=transition.name if transition else "",
        from_status=from_status, to_status=wo.status if transition else "",
        actor_role=str(actor.role), actor_user_id=actor.user_id, actor_name=actor.name,
        note=note, data=data or {}, is_customer_visible=is_customer_visible,
    )


# --- telling people -----------------------------------------------------------------------


def tell_customer(wo: WorkOrder, template: str, **context: Any) -> None:
    """An SMS to the work order's contact number, in the customer's language; replies and
    closures also by e-mail when the customer has an address."""
    language = wo.customer.preferred_language
    kind_label = WorkOrderKind(wo.kind).label
    enqueue_message(
        channel=MessageChannel.SMS, recipient=wo.contact_phone, template=template,
        context={"number": wo.number, "kind": str(kind_label), **context},
        language=language, work_order_id=wo.pk,
    )
    if template in {"reply_sent", "work_order_closed"} and wo.customer.email:
        enqueue_message(
            channel=MessageChannel.EMAIL, recipient=wo.customer.email, template=template,
            context={"number": wo.number, "kind": str(kind_label), **context},
            language=language, work_order_id=wo.pk,
        )


def tell_staff(staff_id: int | None, template: str, wo: WorkOrder, **context: str) -> None:
    """An e-mail to a member of staff about a work order, when they have an address."""
    email = (Staff.objects.filter(pk=staff_id).values_list("user__email", flat=True).first()
             if staff_id else None)
    if email:
        enqueue_message(channel=MessageChannel.EMAIL, recipient=email, template=template,
                        context={"number": wo.number, **context}, work_order_id=wo.pk)


# --- changes several apps make ------------------------------------------------------------


def start_work_order(wo: WorkOrder, actor: Actor, event_data: dict[str, Any], *,
                     template: str = "work_order_received", **context: Any) -> None:
    """What every new work order goes through after its row is inserted (intake, appeal,
    split): the created event, its clocks, its number, the customer's notice. The caller
    queues the audit entry."""
    record_event(wo, actor, EventType.CREATED, is_customer_visible=True, data=event_data)
    clocks.start_intake_clocks(wo, is_staff=actor.is_staff)
    # The two locks every intake shares, the number sequence and the audit chain head, are
    # taken last and always in this order: they are held only for the last few statements,
    # and two intakes can never wait on each other in a cycle.
    wo.number = allocate_number(wo.kind, wo.received_at)
    wo.save(update_fields=["number", "next_due_at"])
    tell_customer(wo, template, **context)


def reopen_locked(wo: WorkOrder, actor: Actor, reason: str) -> WorkOrder:
    """The customer is not satisfied: handle it further (001 §4.2.1), counted. For a change
    that already holds the work order's lock."""
    t = check_move(wo, "reopen", actor)
    inputs = ReopenInput(reason=reason)
    require(t, inputs)
    move(wo, actor, t, note=inputs.reason, changes={
        "reopen_count": wo.reopen_count + 1, "closed_at": None,
        "is_confirmed_by_customer": False, "closing_note": "",
    }, data={"reopen_count": wo.reopen_count + 1})
    tell_customer(wo, "work_order_reopened")
    return wo


def move_to_tier(wo: WorkOrder, tier: int) -> list[str]:
    """Tier and responsible unit move together; the new unit assigns its own handler. Returns
    the fields changed, for the caller's save."""
    if tier not in (1, 2, 3):
        raise InvalidInput("响应级别不存在（1 总部、2 省公司、3 地市/区县）",
                           "No such response tier (1 HQ, 2 province, 3 city or district)",
                           fields={"tier": ["1 | 2 | 3"]})
    if tier >= wo.tier:
        raise InvalidInput("只能升级到更高的响应级别", "Escalate only to a higher tier",
                           fields={"tier": [f"< {wo.tier}"]})
    target = unit_for_tier(wo.unit, tier)
    if target is None:
        raise InvalidInput("该单位没有这一级的上级单位", "No unit above this one at that tier",
                           fields={"tier": ["不存在 / none"]})
    wo.tier, wo.unit, wo.handler = tier, target, None
    return ["tier", "unit", "handler"]
