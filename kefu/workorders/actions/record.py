"""Changes to a work order beside its lifecycle: the handler, notes, a manual escalation
with or without a move up the tiers, and revealing the customer's contact for it."""

from __future__ import annotations

from kefu.audit.actions import AuditRecord
from kefu.audit.choices import AuditAction
from kefu.customers.actions import REVEALED_FIELDS, check_reveal_reason
from kefu.errors import REQUIRED, Conflict, InvalidInput, NotFound
from kefu.orgs.actors import Actor
from kefu.workorders.actions.values import staff_in_scope
from kefu.workorders.choices import EventType
from kefu.workorders.models import WorkOrder
from kefu.workorders.permissions import can_assign, can_mark_escalated, reveals_for_handling
from kefu.workorders.queries import scoped_work_orders
from kefu.workorders.steps import (
    audit,
    audit_work_order,
    lock_work_order,
    move_to_tier,
    record_event,
    touch,
    work_order_change,
)


@work_order_change
def assign_work_order(
    *, actor: Actor, work_order_id: int, handler_id: int, note: str = "",
    expected_version: int | None = None,
) -> WorkOrder:
    """Give the work order to a handler of its unit; the owner stays accountable (首问负责)."""
    wo = lock_work_order(actor, work_order_id, expected_version)
    can_assign(actor, wo).enforce()
    handler = staff_in_scope(actor, handler_id, wo.unit)
    previous = wo.handler_id
    wo.handler = handler
    touch(wo, "handler")
    record_event(wo, actor, EventType.ASSIGNED, note=note,
                 data={"from": previous, "to": handler.pk, "to_name": handler.display_name})
    audit_work_order(wo, actor, AuditAction.WORK_ORDER_ASSIGNED,
                     {"from": previous, "to": handler.pk})
    return wo


@work_order_change
def add_note(
    *, actor: Actor, work_order_id: int, note: str, is_customer_visible: bool = False,
    expected_version: int | None = None,
) -> WorkOrder:
    """An internal note, or a message the customer sees."""
    if not note.strip():
        raise InvalidInput("备注不能为空", "The note is empty", fields={"note": [REQUIRED]})
    wo = lock_work_order(actor, work_order_id, expected_version)
    visible = is_customer_visible or actor.is_customer
    touch(wo)
    record_event(wo, actor, EventType.NOTE_ADDED, note=note.strip(), is_customer_visible=visible)
    audit_work_order(wo, actor, AuditAction.WORK_ORDER_NOTE_ADDED, {"is_customer_visible": visible})
    return wo


@work_order_change
def escalate_work_order(
    *, actor: Actor, work_order_id: int, reason: str, tier: int | None = None,
    expected_version: int | None = None,
) -> WorkOrder:
    """Mark the work order escalated (001 §3.4) with the reason; with a tier (001 §7.2: 2
    province, 1 HQ), the unit at that tier takes it over and assigns a new handler."""
    wo = lock_work_order(actor, work_order_id, expected_version)
    can_mark_escalated(actor, wo).enforce()
    if not reason.strip():
        raise InvalidInput("请填写升级原因", "Give the reason", fields={"reason": [REQUIRED]})
    if tier is None and wo.is_escalated:
        raise Conflict("工单已升级；如需更高级别请选择响应级别",
                       "Already escalated; choose a tier to go higher")
    moved = move_to_tier(wo, tier) if tier is not None else []
    wo.is_escalated = True
    touch(wo, "is_escalated", *moved)
    data = {"tier": wo.tier, "unit": wo.unit.name} if moved else {}
    record_event(wo, actor, EventType.ESCALATED, note=reason.strip(), is_customer_visible=True,
                 data=data)
    audit_work_order(wo, actor, AuditAction.WORK_ORDER_ESCALATED,
                     {"reason": reason.strip(), **data})
    return wo


@work_order_change
def reveal_contact(*, actor: Actor, work_order_id: int, reason: str = "") -> WorkOrder:
    """The work order with its customer's data readable, logged. While it is open, its owner
    and current handler may reveal for it (001 §4.5.2, the work order is the reason); after
    that, and for everyone else, it takes the permission and a typed reason."""
    wo = (scoped_work_orders(actor).select_related("customer")
          .filter(pk=work_order_id).first())
    if wo is None:
        raise NotFound("工单不存在", "No such work order")
    if not reveals_for_handling(actor, wo):
        check_reveal_reason(actor, reason)
    fields = [*REVEALED_FIELDS, "contact_name", "contact_phone"]
    record_event(wo, actor, EventType.CONTACT_REVEALED, note=reason.strip(),
                 data={"fields": fields})
    audit(AuditRecord(actor, AuditAction.PERSONAL_DATA_REVEALED, "customer", wo.customer_id,
                      {"work_order": wo.number, "fields": fields,
                       "reason": reason.strip() or "handling"}))
    return wo
