"""Actions that relate work orders: linking two related matters, and splitting a complaint
into several work orders (each part then runs on its own, from the original receipt time)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from kefu.audit.actions import AuditRecord
from kefu.audit.choices import AuditAction
from kefu.errors import REQUIRED, Conflict, InvalidInput
from kefu.orgs.actors import Actor
from kefu.workorders.choices import EventType, WorkOrderStatus
from kefu.workorders.models import Category, LinkKind, WorkOrder, WorkOrderLink
from kefu.workorders.permissions import can_link, can_split
from kefu.workorders.queries import scoped_work_orders
from kefu.workorders.steps import (
    audit,
    audit_work_order,
    lock_work_order,
    record_event,
    start_work_order,
    touch,
    work_order_change,
)

MAX_PARTS = 5


@work_order_change
def link_work_orders(*, actor: Actor, work_order_id: int, other_number: str,
                     note: str = "") -> WorkOrderLink:
    """Mark two work orders in scope as related, once; archived ones keep their timeline."""
    can_link(actor).enforce()
    wo = scoped_work_orders(actor).select_for_update().filter(pk=work_order_id).first()
    other = (scoped_work_orders(actor).select_for_update()
             .filter(number=other_number.strip().upper()).first())
    if wo is None:
        raise InvalidInput("工单不存在", "No such work order", fields={"id": ["不存在 / unknown"]})
    if other is None or other.pk == wo.pk:
        raise InvalidInput("要关联的工单不存在", "No such work order to link",
                           fields={"number": ["不存在 / unknown"]})
    if WorkOrderLink.objects.filter(source__in=(wo, other), target__in=(wo, other)).exists():
        raise Conflict("这两张工单已关联", "These work orders are already linked")
    link = WorkOrderLink.objects.create(source=wo, target=other, kind=LinkKind.RELATED,
                                        note=note.strip()[:200], created_at=timezone.now(),
                                        created_by_name=actor.name)
    for this, that in ((wo, other), (other, wo)):
        if this.status != WorkOrderStatus.ARCHIVED:
            touch(this)
            record_event(this, actor, EventType.LINKED, note=link.note,
                         data={"number": that.number})
    audit(AuditRecord(actor, AuditAction.WORK_ORDERS_LINKED, "work_order", wo.pk,
                      {"number": wo.number, "other": other.number}))
    return link


@dataclass(frozen=True)
class SplitPart:
    title: str
    content: str
    category_id: int | None = None


def _check_parts(parts: list[SplitPart]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not 1 <= len(parts) <= MAX_PARTS:
        errors["parts"] = [f"1–{MAX_PARTS}"]
    for n, part in enumerate(parts):
        if not part.title.strip() or not part.content.strip():
            errors[f"parts.{n}"] = [REQUIRED]
        elif len(part.title) > 200:
            errors[f"parts.{n}"] = ["标题最多200字 / title at most 200 characters"]
        elif part.category_id is not None and not Category.objects.filter(
                pk=part.category_id, is_active=True).exists():
            errors[f"parts.{n}"] = ["分类不存在 / unknown category"]
    return errors


@work_order_change
def split_work_order(*, actor: Actor, work_order_id: int,
                     parts: list[SplitPart]) -> list[WorkOrder]:
    """Split matters out of an open work order into new ones of the same customer, kind,
    channel and unit, received when the original was (their clocks count from then), each
    linked to it; the original keeps the rest."""
    wo = lock_work_order(actor, work_order_id)
    can_split(actor, wo).enforce()
    if errors := _check_parts(parts):
        raise InvalidInput("拆分内容有误", "The parts are invalid", fields=errors)
    now = timezone.now()
    created: list[WorkOrder] = []
    for part in parts:
        new = WorkOrder.objects.create(
            number=None, kind=wo.kind, channel=wo.channel, call_id=wo.call_id,
            category_id=part.category_id or wo.category_id, customer_id=wo.customer_id,
            contact_name=wo.contact_name, contact_phone=wo.contact_phone,
            title=part.title.strip(), content=part.content.strip(), unit_id=wo.unit_id,
            tier=wo.tier, owner_id=actor.staff_id, received_at=wo.received_at)
        start_work_order(new, actor, {"channel": new.channel, "kind": new.kind,
                                      "split_from": wo.number})
        WorkOrderLink.objects.create(source=new, target=wo, kind=LinkKind.SPLIT,
                                     created_at=now, created_by_name=actor.name)
        audit(AuditRecord(actor, AuditAction.WORK_ORDER_CREATED, "work_order", new.pk,
                          {"number": new.number, "split_from": wo.number}))
        created.append(new)
    touch(wo)
    numbers = [n.number for n in created]
    record_event(wo, actor, EventType.SPLIT, is_customer_visible=True,
                 note="、".join(str(n) for n in numbers), data={"parts": numbers})
    audit_work_order(wo, actor, AuditAction.WORK_ORDER_SPLIT, {"parts": numbers})
    return created
