"""Extending a major complaint's deadline: requested with a reason, approved by management,
once per clock, and the customer told why (001 §4.1)."""

from __future__ import annotations

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from kefu.audit.choices import AuditAction
from kefu.errors import Conflict, InvalidInput, NotFound
from kefu.orgs.actors import Actor
from kefu.sla.calendar import SHANGHAI
from kefu.sla.choices import ClockKind, ClockState
from kefu.sla.clocks import after_clock_time, refresh_due
from kefu.sla.models import DeadlineExtension, ExtensionStatus, SlaClock
from kefu.sla.permissions import can_decide_extension, can_request_extension
from kefu.sla.queries import current_calendar
from kefu.workorders.choices import EventType
from kefu.workorders.models import WorkOrder
from kefu.workorders.queries import scoped_work_orders
from kefu.workorders.steps import (
    audit_work_order,
    lock_work_order,
    record_event,
    tell_customer,
    touch,
    work_order_change,
)

MAX_DAYS = 30


def _locked_clock(actor: Actor, work_order_id: int, clock: str,
                  expected_version: int | None) -> tuple[WorkOrder, SlaClock]:
    """The work order locked like any change (in scope, at its version, not archived), then
    its clock."""
    wo = lock_work_order(actor, work_order_id, expected_version)
    found = SlaClock.objects.select_for_update().select_related("policy").filter(
        work_order=wo, clock=clock).first()
    if found is None:
        raise InvalidInput("该工单没有此时限", "The work order has no such time limit",
                           fields={"clock": [clock]})
    return wo, found


@work_order_change
def request_deadline_extension(
    *, actor: Actor, work_order_id: int, clock: str, working_days: int, reason: str,
    expected_version: int | None = None,
) -> DeadlineExtension:
    """Ask management to extend one running clock of a major or urgent complaint."""
    errors: dict[str, list[str]] = {}
    if not 1 <= working_days <= MAX_DAYS:
        errors["working_days"] = [f"1–{MAX_DAYS}"]
    if len(reason.strip()) < 4:
        errors["reason"] = ["请说明原因 / give the reason"]
    if clock not in ClockKind.values:
        errors["clock"] = ["未知时限 / unknown clock"]
    if errors:
        raise InvalidInput("延期申请有误", "The extension request is invalid", fields=errors)
    wo, found = _locked_clock(actor, work_order_id, clock, expected_version)
    can_request_extension(actor, wo).enforce()
    if found.state not in (ClockState.RUNNING, ClockState.PAUSED):
        raise Conflict("该时限已结束，不能延期", "That time limit has ended")
    try:
        with transaction.atomic():
            extension = DeadlineExtension.objects.create(
                clock=found, working_days=working_days, reason=reason.strip(),
                requested_by_name=actor.name, requested_by_user_id=actor.user_id,
                requested_at=timezone.now())
    except IntegrityError:
        raise Conflict("该时限已申请或已获延期（每个时限限一次）",
                       "This time limit was already extended or has a pending request") from None
    touch(wo)
    record_event(wo, actor, EventType.DEADLINE_EXTENSION_REQUESTED,
                 note=f"申请延期 {working_days} 个工作日：{reason.strip()}",
                 data={"extension_id": extension.pk, "clock": clock})
    audit_work_order(wo, actor, AuditAction.DEADLINE_EXTENSION_REQUESTED,
                     {"clock": clock, "working_days": working_days})
    return extension


@work_order_change
def decide_deadline_extension(
    *, actor: Actor, extension_id: int, is_approved: bool, note: str = "",
    expected_version: int | None = None,
) -> DeadlineExtension:
    """Approve (the deadline moves, the customer is told why) or reject an extension."""
    can_decide_extension(actor).enforce()
    # A request on a work order outside the scope answers like no request at all.
    extension = DeadlineExtension.objects.select_related("clock").filter(
        pk=extension_id, clock__work_order__in=scoped_work_orders(actor)).first()
    if extension is None:
        raise NotFound("延期申请不存在", "No such extension request")
    wo, clock = _locked_clock(actor, extension.clock.work_order_id, extension.clock.clock,
                              expected_version)
    extension = DeadlineExtension.objects.select_for_update().get(pk=extension_id)
    if extension.status != ExtensionStatus.PENDING:
        raise Conflict("该申请已处理", "The request was already decided")
    can_decide_extension(actor, extension).enforce()
    if not is_approved and not note.strip():
        raise InvalidInput("驳回须说明原因", "Give the reason for rejecting",
                           fields={"note": ["必填 / required"]})
    now = timezone.now()
    extension.status = ExtensionStatus.APPROVED if is_approved else ExtensionStatus.REJECTED
    extension.decided_by_name, extension.decided_at = actor.name, now
    extension.decision_note = note.strip()
    extension.save(update_fields=["status", "decided_by_name", "decided_at", "decision_note"])
    if is_approved:
        calendar = current_calendar()
        old = clock.deadline
        # N more working days after the last day of the old period (which ends at its 24:00).
        clock.deadline = calendar.add_working_days(
            clock.deadline - timedelta(seconds=1), extension.working_days).at
        shift = calendar.working_seconds_between(old, clock.deadline)
        clock.warn_at = after_clock_time(calendar, clock.policy, clock.warn_at, shift)
        if clock.warned_at is not None and clock.warn_at > now:
            clock.warned_at = None
        clock.save(update_fields=["deadline", "warn_at", "warned_at"])
        refresh_due(wo)
        last_day = (clock.deadline - timedelta(seconds=1)).astimezone(SHANGHAI)
        tell_customer(wo, "deadline_extended", reason=extension.reason,
                      deadline=f"{last_day:%Y-%m-%d} 24:00")
    # The version moves either way: the work order's approvals and clocks read differently.
    touch(wo)
    record_event(
        wo, actor, EventType.DEADLINE_EXTENDED if is_approved
        else EventType.DEADLINE_EXTENSION_REJECTED,
        note=("批准延期" if is_approved else "驳回延期") + (f"：{note.strip()}" if note else ""),
        data={"extension_id": extension.pk, "clock": clock.clock,
              "deadline": clock.deadline.isoformat()},
        is_customer_visible=is_approved)
    audit_work_order(wo, actor, AuditAction.DEADLINE_EXTENSION_APPROVED if is_approved
                     else AuditAction.DEADLINE_EXTENSION_REJECTED,
                     {"clock": clock.clock, "deadline": clock.deadline})
    return extension
