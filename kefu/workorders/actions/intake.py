"""Receiving a matter (001 §4.2.1): validated, numbered, recorded, the customer told; with an
Idempotency-Key a retried request answers with the first result."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone

from kefu.audit.actions import AuditRecord
from kefu.audit.choices import AuditAction
from kefu.customers.actions import CustomerDetails, customer_for_number
from kefu.customers.models import Customer
from kefu.customers.queries import get_customer
from kefu.customers.validators import validate_mobile
from kefu.errors import REQUIRED, Conflict, InvalidInput, NotFound
from kefu.orgs.actors import Actor
from kefu.orgs.models import OrgUnit
from kefu.orgs.queries import list_units_in_scope
from kefu.workorders.actions.values import active_category, allowed_severity
from kefu.workorders.choices import Channel, Severity, WorkOrderKind
from kefu.workorders.models import IdempotencyRecord, WorkOrder
from kefu.workorders.permissions import can_create_work_order
from kefu.workorders.steps import audit, audit_work_order, start_work_order, work_order_change


@dataclass(frozen=True)
class Intake:
    kind: str
    channel: str
    title: str
    content: str
    customer_id: int | None = None
    customer: CustomerDetails | None = None
    contact_name: str = ""
    contact_phone: str = ""
    call_id: str = ""
    category_id: int | None = None
    severity: str = Severity.NORMAL
    unit_id: int | None = None
    received_at: datetime | None = None

    def fingerprint(self) -> str:
        body = json.dumps(asdict(self), sort_keys=True, default=str, ensure_ascii=False)
        return hashlib.sha256(body.encode()).hexdigest()


def create_work_order(
    *, actor: Actor, intake: Intake, idempotency_key: str | None = None
) -> tuple[WorkOrder, bool]:
    """Receive a matter (001 §4.2.1): validate, number it, record it. Returns (work order,
    created); with an Idempotency-Key a retry returns the first result and `created` False."""
    key = (idempotency_key or "").strip()[:128] or None
    if key and actor.user_id is None:
        key = None
    fingerprint = intake.fingerprint()
    if key and (replayed := _replay(actor, key, fingerprint)) is not None:
        return replayed, False
    try:
        return _create_work_order(actor, intake, key, fingerprint), True
    except IntegrityError:
        # Two requests with one key raced: the loser's insert of the key failed after the
        # winner committed. Answer with the winner's work order.
        if key and (replayed := _replay(actor, key, fingerprint)) is not None:
            return replayed, False
        raise


def _replay(actor: Actor, key: str, fingerprint: str) -> WorkOrder | None:
    assert actor.user_id is not None
    record = (IdempotencyRecord.objects.select_related("work_order")
              .filter(user_id=actor.user_id, key=key).first())
    if record is None:
        return None
    if record.fingerprint != fingerprint:
        raise Conflict("该幂等键已用于另一个不同的请求",
                       "This Idempotency-Key was used for a different request",
                       detail={"idempotency_key": key})
    return record.work_order


def _validate_intake(actor: Actor, intake: Intake) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if intake.kind not in WorkOrderKind.values:
        errors["kind"] = [f"可选 / one of: {', '.join(WorkOrderKind.values)}"]
    if intake.channel not in Channel.values:
        errors["channel"] = [f"可选 / one of: {', '.join(Channel.values)}"]
    if intake.channel == Channel.PHONE and not intake.call_id.strip() and not actor.is_customer:
        errors["call_id"] = ["电话渠道须填写来电流水号 / a phone intake needs the call id"]
    if not intake.title.strip():
        errors["title"] = [REQUIRED]
    if len(intake.title) > 200:
        errors["title"] = ["最多200字 / at most 200 characters"]
    if not intake.content.strip():
        errors["content"] = [REQUIRED]
    if intake.customer_id is None and intake.customer is None and not actor.is_customer:
        errors["customer"] = ["请指定客户或填写客户信息 / give a customer id or details"]
    if intake.received_at and intake.received_at > timezone.now() + timedelta(minutes=5):
        errors["received_at"] = ["不能晚于当前时间 / cannot be in the future"]
    return errors


@work_order_change
def _create_work_order(
    actor: Actor, intake: Intake, key: str | None, fingerprint: str
) -> WorkOrder:
    can_create_work_order(actor).enforce()
    errors = _validate_intake(actor, intake)
    contact_phone = intake.contact_phone
    if contact_phone:
        try:
            contact_phone = validate_mobile(contact_phone)
        except ValidationError as exc:
            errors["contact_phone"] = [str(m) for m in exc.messages]
    if errors:
        raise InvalidInput("受理信息有误", "The intake is invalid", fields=errors)
    category = active_category(intake.category_id)
    severity = allowed_severity(actor, intake.severity)
    audit_later: list[AuditRecord] = []
    unit, customer = _intake_unit_and_customer(actor, intake, audit_later)
    now = timezone.now()
    received_at = intake.received_at or now
    wo = WorkOrder.objects.create(
        number=None,
        kind=intake.kind, channel=intake.channel, call_id=intake.call_id.strip(),
        severity=severity, category=category, customer=customer,
        contact_name=(intake.contact_name.strip() or customer.name),
        contact_phone=contact_phone or customer.phone,
        title=intake.title.strip(), content=intake.content.strip(), unit=unit,
        owner_id=actor.staff_id, handler=None, received_at=received_at,
    )
    if key and actor.user_id is not None:
        IdempotencyRecord.objects.create(user_id=actor.user_id, key=key, fingerprint=fingerprint,
                                         work_order=wo)
    start_work_order(wo, actor, {"channel": wo.channel, "call_id": wo.call_id,
                                 "kind": wo.kind})
    for record in audit_later:
        audit(record)
    audit_work_order(wo, actor, AuditAction.WORK_ORDER_CREATED, {
        "kind": wo.kind, "channel": wo.channel, "unit": unit.pk, "customer": customer.pk})
    return wo


def _intake_unit_and_customer(
    actor: Actor, intake: Intake, audit_later: list[AuditRecord]
) -> tuple[OrgUnit, Customer]:
    if actor.is_customer:
        assert actor.customer_id is not None
        customer = Customer.objects.select_related("unit").get(pk=actor.customer_id)
        return customer.unit, customer
    if intake.unit_id is not None:
        try:
            unit = list_units_in_scope(actor).get(pk=intake.unit_id)
        except OrgUnit.DoesNotExist:
            raise InvalidInput("责任单位不存在", "Unknown unit",
                               fields={"unit_id": ["不存在 / unknown"]}) from None
    else:
        assert actor.unit_id is not None
        unit = OrgUnit.objects.get(pk=actor.unit_id)
    if intake.customer_id is not None:
        try:
            customer = get_customer(actor, intake.customer_id)
        except NotFound:
            raise InvalidInput("客户不存在", "Unknown customer",
                               fields={"customer_id": ["不存在 / unknown"]}) from None
        return unit, customer
    assert intake.customer is not None
    # A known number is that customer, whichever unit took their earlier calls (SPEC §15).
    return unit, customer_for_number(actor=actor, details=intake.customer, unit=unit,
                                     audit_later=audit_later)
