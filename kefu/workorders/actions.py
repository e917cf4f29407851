"""Every change to a work order. One function per change, each in one transaction: lock the
row, check the move against the transition table, save named fields, write the timeline event
and the audit entry, and put customer messages in the outbox."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from kefu.audit.actions import AuditRecord, record_audit, record_audits
from kefu.customers.actions import CustomerDetails, check_reveal_reason, create_customer
from kefu.customers.models import Customer
from kefu.customers.queries import find_customers_by_phone, get_customer
from kefu.customers.validators import validate_mobile
from kefu.errors import (
    REQUIRED,
    Conflict,
    InvalidInput,
    NotFound,
    PermissionRefused,
    StaleVersion,
)
from kefu.escalation.queries import count_open_subtasks
from kefu.notify.actions import enqueue_message
from kefu.notify.choices import MessageChannel
from kefu.orgs.actors import Actor
from kefu.orgs.models import OrgUnit, Staff
from kefu.orgs.permissions import (
    ASSIGN_WORK_ORDER,
    CREATE_WORK_ORDER,
    MARK_ESCALATED,
    SET_MAJOR_SEVERITY,
    has_capability,
)
from kefu.orgs.queries import is_unit_in_scope, list_units_in_scope, unit_for_tier
from kefu.sla import clocks
from kefu.surveys.actions import schedule_return_visit, send_survey
from kefu.workorders.choices import (
    OPEN_STATUSES,
    ApprovalStatus,
    Channel,
    CompensationType,
    EventType,
    InvestigationMethod,
    PlanType,
    RejectReason,
    ResponsibleParty,
    Severity,
    WorkOrderKind,
    WorkOrderStatus,
)
from kefu.workorders.errors import ArchivedRecord, MissingFields
from kefu.workorders.models import (
    Category,
    CompensationApprovalRule,
    HandlingPlan,
    IdempotencyRecord,
    Reply,
    TimelineEvent,
    WorkOrder,
)
from kefu.workorders.numbering import allocate_archive_number, allocate_number
from kefu.workorders.queries import scoped_work_orders
from kefu.workorders.transitions import Transition, check_transition

S = WorkOrderStatus


# --- shared steps -------------------------------------------------------------------------


def lock_work_order(actor: Actor, work_order_id: int,
                    expected_version: int | None) -> WorkOrder:
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
    if wo.status == S.ARCHIVED:
        raise ArchivedRecord("已归档工单不可修改", "An archived work order cannot be changed")
    return wo


def _require(transition: Transition, values: dict[str, Any]) -> None:
    missing = {
        name: [REQUIRED]
        for name in transition.requires
        if values.get(name) is False or values.get(name) in (None, "", [], ())
    }
    if missing:
        raise MissingFields(
            f"「{transition.label_zh}」缺少必填内容", f"'{transition.label_en}' needs more fields",
            fields=missing,
        )


def _choice(value: str, choices: type[Any], field_name: str) -> str:
    if value not in choices.values:
        raise InvalidInput(
            f"{field_name} 取值无效", f"Invalid value for {field_name}",
            fields={field_name: [f"可选 / one of: {', '.join(choices.values)}"]},
        )
    return value


def record_event(
    wo: WorkOrder, actor: Actor, event_type: EventType, *, note: str = "",
    data: dict[str, Any] | None = None, is_customer_visible: bool = False,
    transition: Transition | None = None, from_status: str = "",
) -> TimelineEvent:
    return TimelineEvent.objects.create(
        work_order=wo, at=timezone.now(), event_type=event_type,
        transition=transition.name if transition else "",
        from_status=from_status, to_status=wo.status if transition else "",
        actor_role=str(actor.role), actor_user_id=actor.user_id, actor_name=actor.name,
        note=note, data=data or {}, is_customer_visible=is_customer_visible,
    )


def audit_work_order(wo: WorkOrder, actor: Actor, action: str,
                     data: dict[str, Any]) -> None:
    record_audit(actor=actor, action=action, object_type="work_order", object_id=wo.pk,
                 data={"number": wo.number, "version": wo.version, **data})


def _move(
    wo: WorkOrder, actor: Actor, transition: Transition, *, changes: dict[str, Any],
    note: str = "", data: dict[str, Any] | None = None, target: str | None = None,
) -> None:
    """Apply a checked transition: state, named fields, version, event and audit entry."""
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
    record_event(wo, actor, EventType.TRANSITIONED, note=note, data=data, transition=transition,
           from_status=old, is_customer_visible=transition.is_customer_visible)
    audit_work_order(wo, actor, f"WORK_ORDER_{transition.name.upper()}",
           {"from": old, "to": new, **(data or {})})


def tell_customer(wo: WorkOrder, template: str, **context: Any) -> None:
    """An SMS to the work order's contact number, in the customer's language."""
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


def _staff_in_scope(actor: Actor, staff_id: int, unit: OrgUnit) -> Staff:
    """A member of staff who works in `unit` or below it, within the actor's scope."""
    try:
        staff = Staff.objects.select_related("unit").get(pk=staff_id)
    except Staff.DoesNotExist:
        raise InvalidInput("处理人不存在", "No such member of staff",
                           fields={"handler_id": ["不存在 / unknown"]}) from None
    if not staff.unit.path.startswith(unit.path) or not is_unit_in_scope(actor, staff.unit):
        raise InvalidInput("处理人不在该工单的责任单位内",
                           "The handler is outside the work order's unit",
                           fields={"handler_id": ["范围外 / out of scope"]})
    return staff


def _category(category_id: int | None) -> Category | None:
    if category_id is None:
        return None
    try:
        return Category.objects.get(pk=category_id, is_active=True)
    except Category.DoesNotExist:
        raise InvalidInput("分类不存在", "Unknown category",
                           fields={"category_id": ["不存在 / unknown"]}) from None


def _severity(actor: Actor, severity: str) -> str:
    _choice(severity, Severity, "severity")
    if severity != Severity.NORMAL and not has_capability(actor.role, SET_MAJOR_SEVERITY):
        # 001 §4.1: major (and, by SPEC §15, urgent) matters are set by supervisors or managers.
        raise PermissionRefused("重大/紧急级别须由主管或管理层确定",
                                "Only supervisors or managers set major or urgent severity")
    return severity


# --- intake -------------------------------------------------------------------------------


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


@transaction.atomic(durable=True)
def _create_work_order(
    actor: Actor, intake: Intake, key: str | None, fingerprint: str
) -> WorkOrder:
    if not has_capability(actor.role, CREATE_WORK_ORDER):
        raise PermissionRefused("您的角色不能受理工单", "Your role may not create work orders")
    errors = _validate_intake(actor, intake)
    contact_phone = intake.contact_phone
    if contact_phone:
        try:
            contact_phone = validate_mobile(contact_phone)
        except ValidationError as exc:
            errors["contact_phone"] = [str(m) for m in exc.messages]
    if errors:
        raise InvalidInput("受理信息有误", "The intake is invalid", fields=errors)
    category = _category(intake.category_id)
    severity = _severity(actor, intake.severity)
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
    audit_later.append(AuditRecord(actor, "WORK_ORDER_CREATED", "work_order", wo.pk, {
        "number": wo.number, "version": wo.version, "kind": wo.kind, "channel": wo.channel,
        "unit": unit.pk, "customer": customer.pk}))
    record_audits(audit_later)
    return wo


def start_work_order(wo: WorkOrder, actor: Actor, event_data: dict[str, Any], *,
                     template: str = "work_order_received", **context: Any) -> None:
    """What every new work order goes through after its row is inserted (intake, appeal,
    split): the created event, its clocks, its number, the customer's notice. The caller
    writes the audit entry last."""
    record_event(wo, actor, EventType.CREATED, is_customer_visible=True, data=event_data)
    clocks.start_intake_clocks(wo, is_staff=actor.is_staff)
    # The two locks every intake shares, the number sequence and the audit chain head, are
    # taken last and always in this order: they are held only for the last few statements,
    # and two intakes can never wait on each other in a cycle.
    wo.number = allocate_number(wo.kind, wo.received_at)
    wo.save(update_fields=["number", "next_due_at"])
    tell_customer(wo, template, **context)


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
    known = find_customers_by_phone(actor, intake.customer.phone).first()
    if known is not None:
        return unit, known
    return unit, create_customer(actor=actor, details=intake.customer, unit=unit,
                                 audit_later=audit_later)


# --- lifecycle ------------------------------------------------------------------------------


@transaction.atomic(durable=True)
def classify_work_order(
    *, actor: Actor, work_order_id: int, category_id: int | None, severity: str,
    handler_id: int | None = None, note: str = "", expected_version: int | None = None,
) -> WorkOrder:
    """Set category and severity (001 §3.1.2, §4.2.2), optionally the handler."""
    wo = lock_work_order(actor, work_order_id, expected_version)
    t = check_transition(wo.kind, wo.status, "classify", actor)
    _require(t, {"category": category_id, "severity": severity})
    category = _category(category_id)
    changes: dict[str, Any] = {
        "category": category, "severity": _severity(actor, severity),
        "classified_at": timezone.now(),
    }
    if handler_id is not None:
        changes["handler"] = _staff_in_scope(actor, handler_id, wo.unit)
    _move(wo, actor, t, changes=changes, note=note,
          data={"category": category_id, "severity": severity, "handler": handler_id})
    if wo.severity != Severity.NORMAL and wo.kind in (WorkOrderKind.COMPLAINT,
                                                       WorkOrderKind.APPEAL):
        from kefu.escalation.actions import supervise_serious

        supervise_serious(wo, actor)
    return wo


@transaction.atomic(durable=True)
def answer_consultation(
    *, actor: Actor, work_order_id: int, result: str, reply_channel: str, note: str = "",
    expected_version: int | None = None,
) -> WorkOrder:
    """Answer a consultation directly (001 §2.2)."""
    wo = lock_work_order(actor, work_order_id, expected_version)
    t = check_transition(wo.kind, wo.status, "answer", actor)
    _require(t, {"result": result.strip(), "reply_channel": reply_channel})
    _choice(reply_channel, Channel, "reply_channel")
    now = timezone.now()
    Reply.objects.create(work_order=wo, result=result.strip(), process_summary="",
                         measures="", cause_analysis="", channel=reply_channel,
                         replied_at=now, replied_by_name=actor.name)
    _move(wo, actor, t, changes={"replied_at": now}, note=note,
          data={"result": result.strip(), "reply_channel": reply_channel})
    tell_customer(wo, "reply_sent", result=result.strip())
    return wo


@transaction.atomic(durable=True)
def start_investigation(
    *, actor: Actor, work_order_id: int, investigation_methods: list[str], note: str = "",
    expected_version: int | None = None,
) -> WorkOrder:
    """Begin verifying the facts (001 §3.2.2); the actor becomes handler if there is none."""
    wo = lock_work_order(actor, work_order_id, expected_version)
    t = check_transition(wo.kind, wo.status, "start_investigation", actor)
    _require(t, {"investigation_methods": investigation_methods})
    methods = [_choice(m, InvestigationMethod, "investigation_methods")
               for m in dict.fromkeys(investigation_methods)]
    changes: dict[str, Any] = {"investigation_methods": methods,
                               "investigation_started_at": timezone.now()}
    if wo.handler_id is None and actor.staff_id is not None:
        changes["handler_id"] = actor.staff_id
    _move(wo, actor, t, changes=changes, note=note, data={"methods": methods})
    return wo


@dataclass(frozen=True)
class PlanInput:
    plan_type: str
    description: str
    compensation_type: str = ""
    amount: Decimal | str | int | None = None


def _add_plan(wo: WorkOrder, actor: Actor, plan: PlanInput) -> HandlingPlan:
    _choice(plan.plan_type, PlanType, "plan_type")
    amount = Decimal("0")
    approval, approver = ApprovalStatus.NOT_NEEDED, ""
    if plan.plan_type == PlanType.COMPENSATION:
        _choice(plan.compensation_type, CompensationType, "compensation_type")
        try:
            amount = Decimal(str(plan.amount)).quantize(Decimal("0.01"))
        except (InvalidOperation, ValueError):
            raise InvalidInput("补偿金额无效", "Invalid amount",
                               fields={"amount": ["须为金额 / must be an amount"]}) from None
        if amount <= 0 or amount > Decimal("100000"):
            raise InvalidInput("补偿金额须在0到100000元之间",
                               "Amount must be between 0 and 100,000",
                               fields={"amount": ["超出范围 / out of range"]})
        rule = (CompensationApprovalRule.objects.filter(amount_above__lt=amount)
                .order_by("-amount_above").first())
        if rule is not None:
            approval, approver = ApprovalStatus.PENDING, rule.approver_role
    created = HandlingPlan.objects.create(
        work_order=wo, plan_type=plan.plan_type, description=plan.description.strip(),
        compensation_type=plan.compensation_type if plan.plan_type == PlanType.COMPENSATION
        else "",
        amount=amount, approval_status=approval, approver_role=approver,
        created_at=timezone.now(), created_by_name=actor.name, created_by_user_id=actor.user_id,
    )
    record_event(wo, actor, EventType.PLAN_ADDED, note=created.description,
           data={"plan_id": created.pk, "plan_type": created.plan_type,
                 "amount": str(amount), "approval": approval, "approver_role": approver})
    return created


@transaction.atomic(durable=True)
def start_processing(
    *, actor: Actor, work_order_id: int, findings: str, evidence_summary: str,
    responsible_party: str, plan: PlanInput, note: str = "", expected_version: int | None = None,
) -> WorkOrder:
    """Record the findings and the responsible party (001 §3.2.5) and adopt a plan."""
    wo = lock_work_order(actor, work_order_id, expected_version)
    t = check_transition(wo.kind, wo.status, "start_processing", actor)
    _require(t, {"findings": findings.strip(), "evidence_summary": evidence_summary.strip(),
                 "responsible_party": responsible_party, "plan_type": plan.plan_type,
                 "plan_description": plan.description.strip()})
    _choice(responsible_party, ResponsibleParty, "responsible_party")
    created = _add_plan(wo, actor, plan)
    _move(wo, actor, t, note=note, changes={
        "findings": findings.strip(), "evidence_summary": evidence_summary.strip(),
        "responsible_party": responsible_party, "processing_started_at": timezone.now(),
    }, data={"responsible_party": responsible_party, "plan_id": created.pk})
    return wo


@transaction.atomic(durable=True)
def begin_handling(
    *, actor: Actor, work_order_id: int, plan: PlanInput, note: str = "",
    expected_version: int | None = None,
) -> WorkOrder:
    """Start carrying out a service request, appointment or repair."""
    wo = lock_work_order(actor, work_order_id, expected_version)
    t = check_transition(wo.kind, wo.status, "begin_handling", actor)
    _require(t, {"plan_type": plan.plan_type, "plan_description": plan.description.strip()})
    created = _add_plan(wo, actor, plan)
    changes: dict[str, Any] = {"processing_started_at": timezone.now()}
    if wo.handler_id is None and actor.staff_id is not None:
        changes["handler_id"] = actor.staff_id
    _move(wo, actor, t, changes=changes, note=note, data={"plan_id": created.pk})
    return wo


@transaction.atomic(durable=True)
def request_customer_info(
    *, actor: Actor, work_order_id: int, question: str, expected_version: int | None = None,
) -> WorkOrder:
    """Wait for the customer to supply something; the SLA clocks pause meanwhile."""
    wo = lock_work_order(actor, work_order_id, expected_version)
    t = check_transition(wo.kind, wo.status, "request_info", actor)
    _require(t, {"question": question.strip()})
    _move(wo, actor, t, note=question.strip(), changes={
        "pending_return_status": wo.status, "pending_question": question.strip(),
    })
    tell_customer(wo, "info_requested", question=question.strip())
    return wo


@transaction.atomic(durable=True)
def resume_from_customer(
    *, actor: Actor, work_order_id: int, note: str, expected_version: int | None = None,
) -> WorkOrder:
    """The customer supplied what was asked: back to the state before the pause."""
    wo = lock_work_order(actor, work_order_id, expected_version)
    t = check_transition(wo.kind, wo.status, "resume", actor)
    _require(t, {"note": note.strip()})
    target = wo.pending_return_status or S.RECEIVED
    _move(wo, actor, t, note=note.strip(), target=target,
          changes={"pending_return_status": "", "pending_question": ""})
    return wo


@dataclass(frozen=True)
class ReplyInput:
    result: str
    process_summary: str
    measures: str
    suggestions: str
    cause_analysis: str
    reply_channel: str
    needs_further_handling: bool = False


@transaction.atomic(durable=True)
def reply_to_customer(
    *, actor: Actor, work_order_id: int, reply: ReplyInput, note: str = "",
    expected_version: int | None = None,
) -> WorkOrder:
    """Send the written reply (001 §4.3); refused while a compensation awaits approval."""
    wo = lock_work_order(actor, work_order_id, expected_version)
    t = check_transition(wo.kind, wo.status, "reply", actor)
    if open_subtasks := count_open_subtasks(wo):
        # 001 §3.4.3: the work order waits for every co-handling department.
        raise Conflict(f"还有 {open_subtasks} 个协办任务未完成，不能答复",
                       f"{open_subtasks} co-handling task(s) are still open",
                       detail={"open_subtasks": open_subtasks})
    values = {k: (v.strip() if isinstance(v, str) else v) for k, v in asdict(reply).items()}
    _require(t, values)
    _choice(reply.reply_channel, Channel, "reply_channel")
    if wo.plans.filter(approval_status=ApprovalStatus.PENDING).exists():
        raise Conflict("补偿方案尚待审批，不能答复", "A compensation plan still awaits approval")
    now = timezone.now()
    Reply.objects.create(
        work_order=wo, result=values["result"], process_summary=values["process_summary"],
        measures=values["measures"], suggestions=values["suggestions"],
        cause_analysis=values["cause_analysis"], channel=reply.reply_channel,
        needs_further_handling=reply.needs_further_handling, replied_at=now,
        replied_by_name=actor.name,
    )
    _move(wo, actor, t, note=note, changes={"replied_at": now},
          data={"result": values["result"], "reply_channel": reply.reply_channel,
                "needs_further_handling": reply.needs_further_handling})
    tell_customer(wo, "reply_sent", result=values["result"])
    return wo


@transaction.atomic(durable=True)
def close_work_order(
    *, actor: Actor, work_order_id: int, is_confirmed_by_customer: bool = False,
    satisfaction_score: int | None = None, feedback: str = "", is_auto_close: bool = False,
    expected_version: int | None = None,
) -> WorkOrder:
    """Close on the customer's confirmation, or automatically when they did not answer."""
    wo = lock_work_order(actor, work_order_id, expected_version)
    t = check_transition(wo.kind, wo.status, "close", actor)
    if is_auto_close and not actor.is_system:
        raise PermissionRefused("只有系统可以自动结案", "Only the system closes automatically")
    confirmed = is_confirmed_by_customer or actor.is_customer
    _require(t, {"confirmation": confirmed or is_auto_close})
    if satisfaction_score is not None and not 1 <= satisfaction_score <= 5:
        raise InvalidInput("满意度须为1到5分", "Satisfaction must be 1 to 5",
                           fields={"satisfaction_score": ["1–5"]})
    how = "auto" if is_auto_close else "customer_confirmed"
    _move(wo, actor, t, note=feedback.strip(), changes={
        "closed_at": timezone.now(), "is_confirmed_by_customer": confirmed,
        "satisfaction_score": satisfaction_score, "customer_feedback": feedback.strip(),
        "closing_note": how,
    }, data={"how": how, "satisfaction_score": satisfaction_score})
    schedule_return_visit(wo)
    send_survey(wo)
    last_reply = wo.replies.order_by("-id").first()
    tell_customer(wo, "work_order_closed",
                   result=last_reply.result if last_reply else wo.closing_note)
    return wo


@transaction.atomic(durable=True)
def reopen_work_order(
    *, actor: Actor, work_order_id: int, reason: str, expected_version: int | None = None,
) -> WorkOrder:
    """The customer is not satisfied: handle it further (001 §4.2.1), counted."""
    return reopen_locked(lock_work_order(actor, work_order_id, expected_version), actor, reason)


def reopen_locked(wo: WorkOrder, actor: Actor, reason: str) -> WorkOrder:
    """The reopen step for an action that already holds the work order's lock."""
    t = check_transition(wo.kind, wo.status, "reopen", actor)
    _require(t, {"reason": reason.strip()})
    _move(wo, actor, t, note=reason.strip(), changes={
        "reopen_count": wo.reopen_count + 1, "closed_at": None,
        "is_confirmed_by_customer": False, "closing_note": "",
    }, data={"reopen_count": wo.reopen_count + 1})
    tell_customer(wo, "work_order_reopened")
    return wo


@transaction.atomic(durable=True)
def reject_work_order(
    *, actor: Actor, work_order_id: int, reject_reason: str, note: str,
    expected_version: int | None = None,
) -> WorkOrder:
    """Not accepted: a duplicate, invalid or out of scope, with the reason."""
    wo = lock_work_order(actor, work_order_id, expected_version)
    t = check_transition(wo.kind, wo.status, "reject", actor)
    _require(t, {"reject_reason": reject_reason, "note": note.strip()})
    _choice(reject_reason, RejectReason, "reject_reason")
    _move(wo, actor, t, note=note.strip(), changes={"reject_reason": reject_reason},
          data={"reject_reason": reject_reason})
    tell_customer(wo, "work_order_rejected", reason=str(RejectReason(reject_reason).label))
    return wo


@transaction.atomic(durable=True)
def withdraw_work_order(
    *, actor: Actor, work_order_id: int, reason: str, expected_version: int | None = None,
) -> WorkOrder:
    """The customer withdraws (撤诉)."""
    wo = lock_work_order(actor, work_order_id, expected_version)
    t = check_transition(wo.kind, wo.status, "withdraw", actor)
    _require(t, {"reason": reason.strip()})
    _move(wo, actor, t, note=reason.strip(), changes={})
    tell_customer(wo, "work_order_withdrawn")
    return wo


@transaction.atomic(durable=True)
def merge_work_order(
    *, actor: Actor, work_order_id: int, target_number: str, note: str = "",
    expected_version: int | None = None,
) -> WorkOrder:
    """Merge a duplicate into another open work order of the same customer and kind."""
    wo = lock_work_order(actor, work_order_id, expected_version)
    t = check_transition(wo.kind, wo.status, "merge", actor)
    _require(t, {"target_number": target_number.strip()})
    target = (scoped_work_orders(actor).select_for_update()
              .filter(number=target_number.strip().upper()).first())
    if target is None:
        raise InvalidInput("目标工单不存在", "No such target work order",
                           fields={"target_number": ["不存在 / unknown"]})
    if target.pk == wo.pk or target.customer_id != wo.customer_id or target.kind != wo.kind:
        raise InvalidInput("只能合并到同一客户、同一类型的其他工单",
                           "Merge only into another work order of the same customer and kind",
                           fields={"target_number": ["不匹配 / mismatch"]})
    if target.status not in OPEN_STATUSES:
        raise InvalidInput("目标工单已结束", "The target work order is not open",
                           fields={"target_number": ["已结束 / not open"]})
    _move(wo, actor, t, note=note, changes={"merged_into": target},
          data={"target": target.number})
    record_event(target, actor, EventType.MERGED_IN, note=note, data={"source": wo.number})
    return wo


# Required record content of a complaint (001 §4.4.1), checked before archiving.
def missing_record_content(wo: WorkOrder) -> list[str]:
    """Names of the required record items this work order lacks."""
    checks = {
        "received_at": bool(wo.received_at), "content": bool(wo.content),
        "category": wo.category_id is not None, "customer_name": bool(wo.contact_name),
        "contact": bool(wo.contact_phone), "address": bool(wo.customer.address),
        "handler": wo.handler_id is not None, "owner": wo.owner_id is not None,
        "process_and_result": wo.replies.exists(), "closed_at": bool(wo.closed_at),
        "customer_feedback": wo.is_confirmed_by_customer or wo.closing_note == "auto",
    }
    if wo.kind in (WorkOrderKind.COMPLAINT, WorkOrderKind.APPEAL):
        checks["findings"] = bool(wo.findings)
    return [name for name, present in checks.items() if not present]


@transaction.atomic(durable=True)
def archive_work_order(
    *, actor: Actor, work_order_id: int, expected_version: int | None = None,
) -> WorkOrder:
    """Archive after review of the record content (001 §3.5.3); an archived record is final."""
    wo = lock_work_order(actor, work_order_id, expected_version)
    t = check_transition(wo.kind, wo.status, "archive", actor)
    if wo.status == S.CLOSED and (missing := missing_record_content(wo)):
        raise MissingFields("档案内容不完整，不能归档", "Record content is incomplete",
                            fields={name: [REQUIRED] for name in missing},
                            detail={"missing": missing})
    if wo.archive_number:
        raise Conflict("该工单已有档案号", "The work order already has an archive number")
    now = timezone.now()
    archive_number = allocate_archive_number(now)
    _move(wo, actor, t, changes={"archived_at": now, "archive_number": archive_number},
          data={"archive_number": archive_number})
    return wo


# --- changes that are not moves -------------------------------------------------------------


@transaction.atomic(durable=True)
def assign_work_order(
    *, actor: Actor, work_order_id: int, handler_id: int, note: str = "",
    expected_version: int | None = None,
) -> WorkOrder:
    """Give the work order to a handler of its unit; the owner stays accountable (首问负责)."""
    if not has_capability(actor.role, ASSIGN_WORK_ORDER):
        raise PermissionRefused("您的角色不能分派工单", "Your role may not assign work orders")
    wo = lock_work_order(actor, work_order_id, expected_version)
    if wo.status not in OPEN_STATUSES:
        raise Conflict("已结束的工单不能分派", "A finished work order cannot be assigned")
    handler = _staff_in_scope(actor, handler_id, wo.unit)
    previous = wo.handler_id
    wo.handler = handler
    wo.version += 1
    wo.save(update_fields=["handler", "version", "updated_at"])
    record_event(wo, actor, EventType.ASSIGNED, note=note,
           data={"from": previous, "to": handler.pk, "to_name": handler.display_name})
    audit_work_order(wo, actor, "WORK_ORDER_ASSIGNED", {"from": previous, "to": handler.pk})
    return wo


@transaction.atomic(durable=True)
def add_note(
    *, actor: Actor, work_order_id: int, note: str, is_customer_visible: bool = False,
    expected_version: int | None = None,
) -> WorkOrder:
    """An internal note, or a message the customer sees."""
    if not note.strip():
        raise InvalidInput("备注不能为空", "The note is empty", fields={"note": [REQUIRED]})
    wo = lock_work_order(actor, work_order_id, expected_version)
    visible = is_customer_visible or actor.is_customer
    wo.version += 1
    wo.save(update_fields=["version", "updated_at"])
    record_event(wo, actor, EventType.NOTE_ADDED, note=note.strip(), is_customer_visible=visible)
    audit_work_order(wo, actor, "WORK_ORDER_NOTE_ADDED", {"is_customer_visible": visible})
    return wo


@transaction.atomic(durable=True)
def escalate_work_order(
    *, actor: Actor, work_order_id: int, reason: str, tier: int | None = None,
    expected_version: int | None = None,
) -> WorkOrder:
    """Mark the work order escalated (001 §3.4) with the reason; with a tier (001 §7.2: 2
    province, 1 HQ), the unit at that tier takes it over and assigns a new handler."""
    if not has_capability(actor.role, MARK_ESCALATED):
        raise PermissionRefused("只有主管或管理层可以升级工单",
                                "Only supervisors or managers escalate")
    if not reason.strip():
        raise InvalidInput("请填写升级原因", "Give the reason", fields={"reason": [REQUIRED]})
    wo = lock_work_order(actor, work_order_id, expected_version)
    if wo.status not in OPEN_STATUSES:
        raise Conflict("已结束的工单不能升级", "A finished work order cannot be escalated")
    if tier is None and wo.is_escalated:
        raise Conflict("工单已升级；如需更高级别请选择响应级别",
                       "Already escalated; choose a tier to go higher")
    moved: dict[str, Any] = {}
    if tier is not None:
        moved = move_to_tier(wo, tier)
    wo.is_escalated = True
    wo.version += 1
    wo.save(update_fields=["is_escalated", "version", "updated_at", *moved])
    data = {"tier": wo.tier, "unit": wo.unit.name} if moved else {}
    record_event(wo, actor, EventType.ESCALATED, note=reason.strip(), is_customer_visible=True,
                 data=data)
    audit_work_order(wo, actor, "WORK_ORDER_ESCALATED", {"reason": reason.strip(), **data})
    return wo


def move_to_tier(wo: WorkOrder, tier: int) -> dict[str, Any]:
    """Tier and responsible unit move together; the new unit assigns its own handler."""
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
    return {"tier": tier, "unit": target, "handler": None}


@transaction.atomic(durable=True)
def decide_handling_plan(
    *, actor: Actor, plan_id: int, is_approved: bool, note: str = "",
) -> HandlingPlan:
    """Approve or reject a compensation that needs it; never one's own plan."""
    try:
        plan = HandlingPlan.objects.select_related("work_order").get(pk=plan_id)
    except HandlingPlan.DoesNotExist:
        raise NotFound("方案不存在", "No such plan") from None
    wo = lock_work_order(actor, plan.work_order_id, None)
    plan = HandlingPlan.objects.select_for_update().get(pk=plan_id)
    if plan.approval_status != ApprovalStatus.PENDING:
        raise Conflict("该方案不在待审批状态", "The plan is not awaiting approval")
    allowed = {plan.approver_role}
    if plan.approver_role == "supervisor":
        allowed.add("manager")
    if str(actor.role) not in allowed:
        raise PermissionRefused("您无权审批该金额的补偿",
                                "You may not approve a compensation this large")
    if plan.created_by_user_id is not None and plan.created_by_user_id == actor.user_id:
        raise PermissionRefused("不能审批自己提交的方案", "You cannot approve your own plan")
    if not is_approved and not note.strip():
        raise InvalidInput("驳回须说明原因", "Give the reason for rejecting",
                           fields={"note": [REQUIRED]})
    plan.approval_status = ApprovalStatus.APPROVED if is_approved else ApprovalStatus.REJECTED
    plan.decided_by_name, plan.decided_at = actor.name, timezone.now()
    plan.decision_note = note.strip()
    plan.save(update_fields=["approval_status", "decided_by_name", "decided_at", "decision_note"])
    wo.version += 1
    wo.save(update_fields=["version", "updated_at"])
    kind = EventType.PLAN_APPROVED if is_approved else EventType.PLAN_REJECTED
    record_event(wo, actor, kind, note=note.strip(), data={"plan_id": plan.pk,
                                                      "amount": str(plan.amount)})
    audit_work_order(wo, actor, f"PLAN_{'APPROVED' if is_approved else 'REJECTED'}",
           {"plan_id": plan.pk, "amount": str(plan.amount)})
    return plan


@transaction.atomic(durable=True)
def add_handling_plan(
    *, actor: Actor, work_order_id: int, plan: PlanInput, expected_version: int | None = None,
) -> HandlingPlan:
    """Another plan while processing (e.g. after a rejected compensation)."""
    wo = lock_work_order(actor, work_order_id, expected_version)
    if wo.status != S.PROCESSING:
        raise Conflict("只有处理中的工单可以添加方案", "Plans are added while processing")
    if not plan.description.strip():
        raise InvalidInput("请填写方案说明", "Describe the plan",
                           fields={"plan_description": [REQUIRED]})
    created = _add_plan(wo, actor, plan)
    wo.version += 1
    wo.save(update_fields=["version", "updated_at"])
    audit_work_order(wo, actor, "PLAN_ADDED",
                     {"plan_id": created.pk, "amount": str(created.amount)})
    return created


@transaction.atomic(durable=True)
def reveal_contact(*, actor: Actor, work_order_id: int, reason: str = "") -> WorkOrder:
    """The work order with its customer's data readable, logged. Its owner and current handler
    may reveal for it (001 §4.5.2, the work order is the reason); others need the permission
    and a typed reason."""
    wo = (scoped_work_orders(actor).select_related("customer")
          .filter(pk=work_order_id).first())
    if wo is None:
        raise NotFound("工单不存在", "No such work order")
    handles = actor.staff_id is not None and actor.staff_id in (wo.owner_id, wo.handler_id)
    if not handles:
        check_reveal_reason(actor, reason)
    record_event(wo, actor, EventType.CONTACT_REVEALED, note=reason.strip())
    record_audit(actor=actor, action="PERSONAL_DATA_REVEALED", object_type="customer",
                 object_id=wo.customer_id,
                 data={"work_order": wo.number, "reason": reason.strip() or "handling"})
    return wo
