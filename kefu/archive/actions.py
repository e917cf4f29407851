"""Legal holds. The retention run lives in `kefu.archive.retention`; `run_retention` is
importable from here too, where the web process, the Celery task and the command find it."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from kefu.archive.models import LegalHold
from kefu.archive.permissions import can_place_legal_hold
from kefu.archive.retention import RetentionStats, run_retention
from kefu.audit.actions import record_audit
from kefu.audit.choices import AuditAction
from kefu.audit.refusals import audits_refusals
from kefu.errors import Conflict, InvalidInput, NotFound
from kefu.orgs.actors import Actor
from kefu.workorders.queries import scoped_work_orders

__all__ = ["RetentionStats", "lift_legal_hold", "run_retention", "set_legal_hold"]



@audits_refusals
@transaction.atomic(durable=True)
def set_legal_hold(*, actor: Actor, work_order_id: int, reason: str) -> LegalHold:
    """Keep a work order past its retention (a dispute, a lawsuit, an inquiry)."""
    can_place_legal_hold(actor).enforce()
    if len(reason.strip()) < 4:
        raise InvalidInput("请说明保全原因", "Give the reason", fields={"reason": ["required"]})
    wo = scoped_work_orders(actor).filter(pk=work_order_id).first()
    if wo is None:
        raise NotFound("工单不存在", "No such work order")
    if LegalHold.objects.filter(work_order=wo, lifted_at__isnull=True).exists():
        raise Conflict("该工单已在法律保全中", "The work order is already on hold")
    hold = LegalHold.objects.create(work_order=wo, reason=reason.strip(),
                                    set_by_name=actor.name, set_at=timezone.now())
    record_audit(actor=actor, action=AuditAction.LEGAL_HOLD_SET, object_type="work_order",
                 object_id=wo.pk, data={"reason": reason.strip()})
    return hold


@audits_refusals
@transaction.atomic(durable=True)
def lift_legal_hold(*, actor: Actor, work_order_id: int, reason: str) -> LegalHold:
    """End a work order's legal hold, so retention takes it again when it is due."""
    can_place_legal_hold(actor).enforce()
    if len(reason.strip()) < 4:
        raise InvalidInput("请说明解除原因", "Give the reason", fields={"reason": ["required"]})
    hold = (LegalHold.objects.select_for_update()
            .filter(work_order__in=scoped_work_orders(actor), work_order_id=work_order_id,
                    lifted_at__isnull=True).first())
    if hold is None:
        raise NotFound("该工单没有生效的法律保全", "No active hold on this work order")
    hold.lifted_at, hold.lifted_by_name, hold.lift_reason = (timezone.now(), actor.name,
                                                             reason.strip())
    hold.save(update_fields=["lifted_at", "lifted_by_name", "lift_reason"])
    record_audit(actor=actor, action=AuditAction.LEGAL_HOLD_LIFTED, object_type="work_order",
                 object_id=work_order_id, data={"reason": reason.strip()})
    return hold
