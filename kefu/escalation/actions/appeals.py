"""Appeals (申诉): a new work order about a closed complaint, handled one tier higher on its
own clocks; a regulator's deadline caps them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from kefu.audit.actions import AuditRecord
from kefu.audit.choices import AuditAction
from kefu.errors import REQUIRED, Conflict, InvalidInput, PermissionRefused
from kefu.escalation.models import (
    Appeal,
    AppealSource,
    Regulator,
)
from kefu.escalation.permissions import can_take_appeal
from kefu.orgs.actors import Actor
from kefu.orgs.queries import unit_for_tier
from kefu.sla.queries import current_calendar
from kefu.workorders.choices import (
    Channel,
    Severity,
    WorkOrderKind,
)
from kefu.workorders.models import WorkOrder
from kefu.workorders.queries import scoped_work_orders
from kefu.workorders.steps import audit, start_work_order, work_order_change

# Staff who take an appeal in for a customer or from a regulator.
# A regulator's case number: letters, digits and hyphens, with its serial digits.
EXTERNAL_NUMBER = re.compile(r"^(?=(?:[^0-9]*[0-9]){4})[A-Z0-9][A-Z0-9-]{5,31}$")


@dataclass(frozen=True)
class RegulatorCase:
    regulator: str
    external_number: str
    received_at: datetime | None
    deadline: datetime | None

    def cleaned(self, now: datetime) -> RegulatorCase:
        errors: dict[str, list[str]] = {}
        number = self.external_number.strip().upper()
        if self.regulator not in Regulator.values:
            errors["regulator"] = [f"可选 / one of: {', '.join(Regulator.values)}"]
        if not EXTERNAL_NUMBER.match(number):
            errors["external_number"] = [
                "6–32位大写字母、数字或连字符，至少含4位数字，如 GXB-2026-001234 / "
                "6–32 capital letters, digits or hyphens with at least 4 digits, "
                "e.g. GXB-2026-001234"]
        if self.received_at is None:
            errors["external_received_at"] = [REQUIRED]
        elif self.received_at > now + timedelta(minutes=5):
            errors["external_received_at"] = ["不能晚于当前时间 / cannot be in the future"]
        # No deadline from the regulator: the default appeal clock applies (`take_appeal`).
        if self.deadline is not None and self.received_at is not None \
                and self.deadline <= self.received_at:
            errors["external_deadline"] = ["须晚于转办日期 / must be after the received date"]
        if errors:
            raise InvalidInput("监管转办信息有误", "The regulator's case is invalid",
                               fields=errors)
        return RegulatorCase(self.regulator, number, self.received_at, self.deadline)


def _original(actor: Actor, original_id: int) -> WorkOrder:
    # Lock the original so two appeals of one complaint are taken in one after the other.
    original = (scoped_work_orders(actor).select_related("unit", "customer")
                .select_for_update(of=("self",)).filter(pk=original_id).first())
    if original is None:
        raise InvalidInput("原工单不存在", "No such work order to appeal",
                           fields={"original_id": ["不存在 / unknown"]})
    can_take_appeal(actor, original).enforce()
    return original


@work_order_change
def open_appeal(*, actor: Actor, original_id: int, reason: str,
                case: RegulatorCase | None = None) -> Appeal:
    """Take in an appeal of a closed complaint: by the customer, by staff for the customer,
    or forwarded by a regulator with its case number, received date and deadline."""
    return take_appeal(actor=actor, original_id=original_id, reason=reason, case=case)


def take_appeal(*, actor: Actor, original_id: int, reason: str,
                case: RegulatorCase | None = None) -> Appeal:
    """The appeal step, for an action already inside its transaction."""
    can_take_appeal(actor).enforce()
    if case is not None and actor.is_customer:
        raise PermissionRefused("监管转办由客服人员登记", "Staff record a regulator's case")
    if not reason.strip():
        raise InvalidInput("请填写申诉理由", "Give the reason for the appeal",
                           fields={"reason": [REQUIRED]})
    now = timezone.now()
    case = case.cleaned(now) if case is not None else None
    original = _original(actor, original_id)
    tier = max(1, original.tier - 1)
    unit = unit_for_tier(original.unit, tier) or original.unit
    received_at = case.received_at if case and case.received_at else now
    severity = Severity.MAJOR if case else original.severity
    cap = None
    if case is not None:
        cap = case.deadline or current_calendar().add_working_days(
            received_at, settings.KEFU_APPEAL_DEFAULT_WORKING_DAYS).at
    channel = (Channel.REGULATOR if case else Channel.WEB if actor.is_customer
               else Channel.PHONE)
    wo = WorkOrder.objects.create(
        number=None, kind=WorkOrderKind.APPEAL, channel=channel, severity=severity,
        category_id=original.category_id, customer=original.customer,
        contact_name=original.contact_name, contact_phone=original.contact_phone,
        title=f"申诉：{original.title}"[:200], content=reason.strip(), unit=unit, tier=tier,
        owner_id=actor.staff_id, received_at=received_at, is_escalated=True,
        deadline_cap=cap)
    try:
        with transaction.atomic():
            appeal = Appeal.objects.create(
                work_order=wo, original=original, original_number=original.number or "",
                source=AppealSource.REGULATOR if case else AppealSource.CUSTOMER,
                regulator=case.regulator if case else "",
                external_number=case.external_number if case else "",
                external_received_at=case.received_at if case else None,
                external_deadline=case.deadline if case else None,
                reason=reason.strip(), created_at=now)
    except IntegrityError:
        raise Conflict("该监管编号已登记过", "This regulator's case is already recorded",
                       detail={"external_number": case.external_number if case else ""}
                       ) from None
    start_work_order(wo, actor, {"channel": channel, "kind": wo.kind,
                                 "appeal_of": original.number, "source": appeal.source,
                                 "external_number": appeal.external_number},
                     template="appeal_received", original=original.number)
    audit(AuditRecord(actor, AuditAction.APPEAL_OPENED, "work_order", wo.pk, {
        "number": wo.number, "original": original.number, "tier": tier, "unit": unit.pk,
        "source": appeal.source, "regulator": appeal.regulator,
        "external_number": appeal.external_number, "deadline_cap": wo.deadline_cap}))
    return appeal
