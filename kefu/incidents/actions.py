"""Every change to an incident: reported, updated, notified, recovered, closed with its review.
Each runs in one transaction with its event, audit entry, clock change and outbox messages."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from kefu.audit.actions import record_audit
from kefu.audit.choices import AuditAction
from kefu.audit.refusals import audits_refusals
from kefu.errors import (
    REQUIRED,
    Conflict,
    InvalidInput,
    NotFound,
    StaleVersion,
)
from kefu.incidents.clocks import meet_notice_clock, start_notice_clock
from kefu.incidents.contents import (
    NOTICE_LATER,
    REPORT_TEXT,
    REVIEW_CONTENT,
    is_blank,
    missing_for_notice,
)
from kefu.incidents.models import (
    Incident,
    IncidentEvent,
    IncidentEventType,
    IncidentKind,
    IncidentLevel,
    IncidentNotice,
    IncidentStatus,
    NoticeAudience,
    NoticeChannel,
)
from kefu.incidents.people import alert_units
from kefu.incidents.permissions import can_command_incident, can_report_incident
from kefu.incidents.queries import scoped_incidents
from kefu.orgs.actors import Actor
from kefu.orgs.choices import Role
from kefu.orgs.queries import list_units_in_scope
from kefu.sla.calendar import SHANGHAI, as_shanghai
from kefu.workorders.numbering import format_number, reserve_numbers

NUMBER_PREFIX = "SJ"


@dataclass(frozen=True)
class IncidentReport:
    """The report (001 §7.2). Scope and initial cause are required like the rest of §7.2;
    the affected customers, measures, expected recovery and further impact (§7.3) may still
    be unknown, and the first notice needs them (`kefu.incidents.contents`)."""

    title: str
    kind: str
    level: int
    place: str
    occurred_at: datetime | None
    detected_at: datetime | None = None
    affected_customers: int | None = None
    affected_scope: str = ""
    initial_cause: str = ""
    measures: str = ""
    expected_recovery_at: datetime | None = None
    further_impact: str = ""
    unit_id: int | None = None
    is_drill: bool = False


@dataclass(frozen=True)
class IncidentChanges:
    """Fields to change; None leaves a field as it is."""

    title: str | None = None
    level: int | None = None
    place: str | None = None
    affected_customers: int | None = None
    affected_scope: str | None = None
    initial_cause: str | None = None
    measures: str | None = None
    expected_recovery_at: datetime | None = None
    further_impact: str | None = None


@dataclass(frozen=True)
class NoticeInput:
    audience: str
    channels: tuple[str, ...]
    text: str


@dataclass(frozen=True)
class IncidentReview:
    """The post-incident review (001 §7.4): root cause, corrective actions, the customers'
    compensation and the lessons learned, every one required."""

    root_cause: str
    corrective_actions: str
    compensation_summary: str
    lessons_learned: str


def in_shanghai(value: datetime | None) -> datetime | None:
    """A time without a zone is read as Asia/Shanghai, the desk's local time."""
    return as_shanghai(value)[0] if value is not None else None


@audits_refusals
def report_incident(*, actor: Actor, report: IncidentReport) -> Incident:
    """Report an incident at the actor's unit (or one below it) and start its notice clock."""
    can_report_incident(actor).enforce()
    now = timezone.now()
    occurred, detected = in_shanghai(report.occurred_at), in_shanghai(report.detected_at) or now
    recovery = in_shanghai(report.expected_recovery_at)
    errors = _report_errors(report, occurred, detected, recovery, now)
    if errors:
        raise InvalidInput("突发事件信息有误", "The incident report is invalid", fields=errors)
    unit_id = report.unit_id or actor.unit_id
    unit = list_units_in_scope(actor).filter(pk=unit_id).first() if unit_id else None
    if unit is None:
        raise NotFound("单位不存在", "No such unit")
    assert occurred is not None
    with transaction.atomic():
        year = detected.astimezone(SHANGHAI).year
        incident = Incident.objects.create(
            number=format_number(NUMBER_PREFIX, year, reserve_numbers(NUMBER_PREFIX, year)),
            title=report.title.strip(), kind=report.kind, level=report.level, unit=unit,
            place=report.place.strip(), occurred_at=occurred, detected_at=detected,
            affected_customers=report.affected_customers,
            affected_scope=report.affected_scope.strip(),
            initial_cause=report.initial_cause.strip(), measures=report.measures.strip(),
            expected_recovery_at=recovery, further_impact=report.further_impact.strip(),
            is_drill=report.is_drill,
            reported_by_name=actor.name, reported_by_user_id=actor.user_id, created_at=now)
        clock = start_notice_clock(incident)
        record_event(incident, actor, IncidentEventType.REPORTED, now,
                     note=f"{incident.get_level_display()} · {incident.get_kind_display()}",
                     data={"notice_deadline": clock.deadline.isoformat() if clock else None,
                           "is_drill": report.is_drill})
        if clock is not None:
            alert_units(incident, [unit, unit.parent], "incident_reported",
                        deadline=clock.deadline)
        record_audit(actor=actor, action=AuditAction.INCIDENT_REPORTED, object_type="incident",
                     object_id=incident.pk, data={"number": incident.number,
                                                   "level": incident.level,
                                                   "kind": incident.kind,
                                                   "is_drill": incident.is_drill})
    return incident


def _report_errors(report: IncidentReport, occurred: datetime | None, detected: datetime,
                   recovery: datetime | None, now: datetime) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {name: [REQUIRED] for name in REPORT_TEXT
                                    if is_blank(getattr(report, name))}
    if "title" not in errors and len(report.title) > 200:
        errors["title"] = ["最多 200 字 / at most 200 characters"]
    if report.kind not in IncidentKind.values:
        errors["kind"] = [f"可选 / one of: {', '.join(IncidentKind.values)}"]
    errors.update(_shared_errors(report.level, report.affected_customers, recovery, occurred))
    if occurred is None:
        errors["occurred_at"] = [REQUIRED]
    elif occurred > now:
        errors["occurred_at"] = ["发生时间不能晚于现在 / cannot be in the future"]
    elif detected < occurred:
        errors["detected_at"] = ["发现时间不能早于发生时间 / cannot be before it occurred"]
    if detected > now:
        errors["detected_at"] = ["发现时间不能晚于现在 / cannot be in the future"]
    return errors


def _shared_errors(level: int | None, count: int | None, recovery: datetime | None,
                   occurred: datetime | None) -> dict[str, list[str]]:
    """The checks a report and a correction have in common."""
    errors: dict[str, list[str]] = {}
    if level is not None and level not in IncidentLevel.values:
        errors["level"] = ["级别为 1、2 或 3 / level is 1, 2 or 3"]
    if count is not None and not 0 <= count <= 2_000_000_000:
        errors["affected_customers"] = ["须为 0 或正整数 / a whole number, 0 or more"]
    if recovery is not None and occurred is not None and recovery < occurred:
        errors["expected_recovery_at"] = [
            "预计恢复时间不能早于发生时间 / cannot be before it occurred"]
    return errors


@audits_refusals
def update_incident(*, actor: Actor, incident_id: int, changes: IncidentChanges,
                    version: int | None = None) -> Incident:
    """Correct or complete the report. A level changed before the first notice moves the
    notice deadline, counted again from the detection."""
    can_report_incident(actor).enforce()
    with transaction.atomic():
        incident = _lock(actor, incident_id, version)
        if incident.status == IncidentStatus.CLOSED:
            raise Conflict("事件已结束，不能修改", "The incident is closed")
        recovery = in_shanghai(changes.expected_recovery_at)
        errors = _shared_errors(changes.level, changes.affected_customers, recovery,
                                incident.occurred_at)
        # What §7.2 requires cannot be erased; nor, once published, what the notice stated.
        keep = REPORT_TEXT + (NOTICE_LATER if incident.first_notice_at else ())
        errors.update({name: [REQUIRED] for name in keep
                       if isinstance(value := getattr(changes, name), str) and is_blank(value)})
        if errors:
            raise InvalidInput("突发事件信息有误", "The incident report is invalid",
                               fields=errors)
        changed: dict[str, Any] = {}
        for f in fields(changes):
            value = recovery if f.name == "expected_recovery_at" else getattr(changes, f.name)
            if isinstance(value, str):
                value = value.strip()
            if value is not None and value != getattr(incident, f.name):
                changed[f.name] = value
                setattr(incident, f.name, value)
        if not changed:
            return incident
        incident.version += 1
        incident.save()
        now = timezone.now()
        if "level" in changed and incident.first_notice_at is None:
            clock = start_notice_clock(incident)
            if clock is not None:
                changed["notice_deadline"] = clock.deadline
        record_event(incident, actor, IncidentEventType.UPDATED, now,
                     note="、".join(_label(n) for n in changed if n != "notice_deadline"),
                     data={k: str(v) for k, v in changed.items()})
        record_audit(actor=actor, action=AuditAction.INCIDENT_UPDATED, object_type="incident",
                     object_id=incident.pk, data={k: str(v) for k, v in changed.items()})
    return incident


@audits_refusals
def issue_notice(*, actor: Actor, incident_id: int, notice: NoticeInput) -> IncidentNotice:
    """Record a notice; the first one meets the notice clock (late if past its deadline).
    A notice to the superior unit by e-mail goes out through the outbox."""
    can_command_incident(actor).enforce()
    errors: dict[str, list[str]] = {}
    if notice.audience not in NoticeAudience.values:
        errors["audience"] = [f"可选 / one of: {', '.join(NoticeAudience.values)}"]
    channels = tuple(dict.fromkeys(notice.channels))
    if not channels:
        errors["channels"] = [REQUIRED]
    elif any(c not in NoticeChannel.values for c in channels):
        errors["channels"] = [f"可选 / one of: {', '.join(NoticeChannel.values)}"]
    if not notice.text.strip():
        errors["text"] = [REQUIRED]
    elif len(notice.text) > 2000:
        errors["text"] = ["最多 2000 字 / at most 2000 characters"]
    if errors:
        raise InvalidInput("通报信息有误", "The notice is invalid", fields=errors)
    with transaction.atomic():
        incident = _lock(actor, incident_id, None)
        if incident.status == IncidentStatus.CLOSED:
            raise Conflict("事件已结束", "The incident is closed")
        is_first = incident.first_notice_at is None
        if is_first and (missing := missing_for_notice(incident)):
            raise InvalidInput(
                "首次通报须写明事件发生时间、地点、类型、影响范围、影响客户数、初步原因、"
                "已采取措施、预计恢复时间和后续影响",
                "The first notice needs the time, place, type, affected area, affected "
                "customers, initial cause, measures, expected recovery and further impact",
                fields={name: [REQUIRED] for name in missing})
        now = timezone.now()
        row = IncidentNotice.objects.create(
            incident=incident, audience=notice.audience, channels=list(channels),
            text=notice.text.strip(), is_update=not is_first, at=now, by_name=actor.name,
            by_user_id=actor.user_id)
        late = False
        if is_first:
            incident.first_notice_at = now
            late = meet_notice_clock(incident, now)
        incident.version += 1
        incident.save(update_fields=["first_notice_at", "version"])
        if notice.audience == NoticeAudience.SUPERIOR and NoticeChannel.EMAIL in channels:
            superior = incident.unit.parent or incident.unit
            alert_units(incident, [superior], "incident_notice", text=row.text,
                        roles=(Role.SUPERVISOR, Role.MANAGER))
        record_event(incident, actor, IncidentEventType.NOTICE_ISSUED, now, note=row.text,
                     data={"audience": row.audience, "channels": row.channels,
                           "is_update": row.is_update, "late": late})
        record_audit(actor=actor, action=AuditAction.INCIDENT_NOTIFIED, object_type="incident",
                     object_id=incident.pk, data={"notice": row.pk, "audience": row.audience,
                                                   "channels": row.channels,
                                                   "is_update": row.is_update, "late": late})
    return row


@audits_refusals
def recover_incident(*, actor: Actor, incident_id: int, note: str = "") -> Incident:
    """Service is back: the incident stays open for its review."""
    can_command_incident(actor).enforce()
    with transaction.atomic():
        incident = _lock(actor, incident_id, None)
        if incident.status != IncidentStatus.OPEN:
            raise Conflict("只有处置中的事件可以确认恢复", "Only an open incident can recover")
        now = timezone.now()
        incident.status, incident.recovered_at = IncidentStatus.RECOVERED, now
        incident.version += 1
        incident.save(update_fields=["status", "recovered_at", "version"])
        record_event(incident, actor, IncidentEventType.RECOVERED, now, note=note.strip())
        record_audit(actor=actor, action=AuditAction.INCIDENT_RECOVERED, object_type="incident",
                     object_id=incident.pk, data={"note": note.strip()})
    return incident


@audits_refusals
def close_incident(*, actor: Actor, incident_id: int, review: IncidentReview) -> Incident:
    """End a recovered incident with its review; one never notified cannot be closed, nor one
    whose report is incomplete (an incident reported before an item was required)."""
    can_command_incident(actor).enforce()
    errors = {name: [REQUIRED] for name in REVIEW_CONTENT if is_blank(getattr(review, name))}
    if errors:
        raise InvalidInput("事件总结须写明根本原因、整改措施、补偿情况和经验教训",
                           "The review needs the root cause, corrective actions, compensation "
                           "and lessons learned", fields=errors)
    with transaction.atomic():
        incident = _lock(actor, incident_id, None)
        if incident.status != IncidentStatus.RECOVERED:
            raise Conflict("事件恢复后才能结束", "Only a recovered incident can be closed")
        if incident.first_notice_at is None:
            raise Conflict("事件尚未通报，不能结束", "The incident was never notified")
        if missing := missing_for_notice(incident):
            raise InvalidInput("事件信息不完整，请先补全再结束事件",
                               "The report is incomplete: complete it before closing",
                               fields={name: [REQUIRED] for name in missing})
        now = timezone.now()
        incident.status, incident.closed_at = IncidentStatus.CLOSED, now
        written = {name: getattr(review, name).strip() for name in REVIEW_CONTENT}
        for name, value in written.items():
            setattr(incident, name, value)
        incident.version += 1
        incident.save()
        record_event(incident, actor, IncidentEventType.CLOSED, now, note=incident.root_cause)
        record_audit(actor=actor, action=AuditAction.INCIDENT_CLOSED, object_type="incident",
                     object_id=incident.pk, data=written)
    return incident


def _label(name: str) -> str:
    field = Incident._meta.get_field(name)
    return str(getattr(field, "verbose_name", name))


def _lock(actor: Actor, incident_id: int, version: int | None) -> Incident:
    incident = (scoped_incidents(actor).select_for_update(of=("self",))
                .select_related("unit", "unit__parent").filter(pk=incident_id).first())
    if incident is None:
        raise NotFound("突发事件不存在", "No such incident")
    if version is not None and version != incident.version:
        raise StaleVersion("事件已被他人修改，请刷新后重试",
                           "The incident was changed by someone else; reload and retry",
                           detail={"current_version": incident.version})
    return incident


def record_event(incident: Incident, actor: Actor, kind: IncidentEventType, at: datetime, *,
                 note: str = "", data: dict[str, Any] | None = None) -> None:
    """One step on the incident's timeline, written by the action (or sweep) that made it."""
    IncidentEvent.objects.create(incident=incident, at=at, event_type=kind,
                                 actor_name=actor.name, actor_role=str(actor.role), note=note,
                                 data=data or {})

