"""Legal holds and the retention run."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from kefu.archive.models import LegalHold, RetentionAction, RetentionPolicy
from kefu.audit.actions import record_audit
from kefu.errors import Conflict, InvalidInput, NotFound, PermissionRefused
from kefu.escalation.models import Appeal
from kefu.orgs.actors import SYSTEM, Actor
from kefu.orgs.choices import Role
from kefu.surveys.models import ReturnVisit, Survey
from kefu.workorders.choices import WorkOrderStatus
from kefu.workorders.models import Attachment, Reply, TimelineEvent, WorkOrder
from kefu.workorders.queries import scoped_work_orders

HOLD_ROLES = frozenset({Role.MANAGER, Role.ADMIN})
ANONYMISED = "（已匿名化）"


@transaction.atomic(durable=True)
def set_legal_hold(*, actor: Actor, work_order_id: int, reason: str) -> LegalHold:
    """Keep a work order past its retention (a dispute, a lawsuit, an inquiry)."""
    if actor.role not in HOLD_ROLES:
        raise PermissionRefused("只有管理层或系统管理员可以设置法律保全",
                                "Only managers or administrators set a legal hold")
    if len(reason.strip()) < 4:
        raise InvalidInput("请说明保全原因", "Give the reason", fields={"reason": ["required"]})
    wo = scoped_work_orders(actor).filter(pk=work_order_id).first()
    if wo is None:
        raise NotFound("工单不存在", "No such work order")
    if LegalHold.objects.filter(work_order=wo, lifted_at__isnull=True).exists():
        raise Conflict("该工单已在法律保全中", "The work order is already on hold")
    hold = LegalHold.objects.create(work_order=wo, reason=reason.strip(),
                                    set_by_name=actor.name, set_at=timezone.now())
    record_audit(actor=actor, action="LEGAL_HOLD_SET", object_type="work_order",
                 object_id=wo.pk, data={"reason": reason.strip()})
    return hold


@transaction.atomic(durable=True)
def lift_legal_hold(*, actor: Actor, work_order_id: int, reason: str) -> LegalHold:
    if actor.role not in HOLD_ROLES:
        raise PermissionRefused("只有管理层或系统管理员可以解除法律保全",
                                "Only managers or administrators lift a legal hold")
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
    record_audit(actor=actor, action="LEGAL_HOLD_LIFTED", object_type="work_order",
                 object_id=work_order_id, data={"reason": reason.strip()})
    return hold


@dataclass
class RetentionStats:
    due: dict[str, int] = field(default_factory=dict)  # action → work orders past retention
    held: int = 0
    done: int = 0


def years_before(moment: datetime, years: int) -> datetime:
    """The same calendar instant `years` earlier (29 February becomes the 28th)."""
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:
        return moment.replace(year=moment.year - years, day=28)


def _due_orders(policy: RetentionPolicy, kinds_with_own: set[str],
                now: datetime) -> QuerySet[WorkOrder]:
    cutoff = years_before(now, policy.years)
    qs = WorkOrder.objects.filter(status=WorkOrderStatus.ARCHIVED, archived_at__lt=cutoff,
                                  is_anonymised=False)
    if policy.work_order_kind:
        return qs.filter(kind=policy.work_order_kind)
    return qs.exclude(kind__in=kinds_with_own)


def run_retention(*, dry_run: bool = False, now: datetime | None = None,
                  batch: int = 1000) -> RetentionStats:
    """Anonymise or purge archived work orders past their retention, skipping legal holds,
    in batches so memory stays flat however many there are. A dry run only counts."""
    now = now or timezone.now()
    stats = RetentionStats()
    policies = list(RetentionPolicy.objects.all())
    kinds_with_own = {p.work_order_kind for p in policies if p.work_order_kind}
    held_ids = LegalHold.objects.filter(lifted_at__isnull=True).values("work_order_id")
    for policy in policies:
        due = _due_orders(policy, kinds_with_own, now)
        stats.held += due.filter(id__in=held_ids).count()
        due = due.exclude(id__in=held_ids)
        stats.due[policy.action] = stats.due.get(policy.action, 0) + due.count()
        if dry_run:
            continue
        last_id = 0
        while True:
            ids = list(due.filter(id__gt=last_id).order_by("id").values_list("id", flat=True)
                       [:batch])
            if not ids:
                break
            last_id = ids[-1]
            stats.done += _apply(policy, ids)
    return stats


@transaction.atomic
def _apply(policy: RetentionPolicy, ids: list[int]) -> int:
    """One batch in one transaction, recorded in the audit log with its counts."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # the archive trigger lets this transaction act
            cursor.execute("SET LOCAL kefu.retention = 'on'")
    files = list(Attachment.objects.filter(work_order_id__in=ids))
    if policy.action == RetentionAction.PURGE:
        # Duplicates merged into a purged record would otherwise block its deletion.
        WorkOrder.objects.filter(merged_into_id__in=ids).update(merged_into=None)
        count, _ = WorkOrder.objects.filter(pk__in=ids).delete()
    else:
        count = WorkOrder.objects.filter(pk__in=ids).update(
            title=ANONYMISED, content=ANONYMISED, contact_name="", contact_phone="",
            findings="", evidence_summary="", pending_question="", customer_feedback="",
            call_id="", is_anonymised=True)
        TimelineEvent.objects.filter(work_order_id__in=ids).update(note="", data={})
        Reply.objects.filter(work_order_id__in=ids).update(
            result=ANONYMISED, process_summary="", measures="", suggestions="",
            cause_analysis="")
        Attachment.objects.filter(work_order_id__in=ids).delete()
        # What the customer said in an appeal, a survey or a return visit goes too.
        Appeal.objects.filter(work_order_id__in=ids).update(reason=ANONYMISED)
        Survey.objects.filter(work_order_id__in=ids).update(comment="")
        ReturnVisit.objects.filter(work_order_id__in=ids).update(comment="")
    stored = [a.file.name for a in files]
    transaction.on_commit(lambda: _delete_files(stored))
    record_audit(actor=SYSTEM, action=f"RETENTION_{policy.action.upper()}",
                 object_type="work_order", object_id=f"{ids[0]}-{ids[-1]}",
                 data={"count": len(ids), "kind": policy.work_order_kind or "*",
                       "years": policy.years})
    return len(ids) if policy.action == RetentionAction.ANONYMISE else min(count, len(ids))


def _delete_files(names: list[str]) -> None:
    from django.core.files.storage import default_storage

    for name in names:
        default_storage.delete(name)
