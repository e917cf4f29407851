"""Incidents (突发事件): report, correct, notify, recover and close with a review. The notice
clock (major 2 hours, general 4 hours from detection) comes with every incident. What the
report and the review must state (001 §7.2–7.4) is checked by the actions and named in a 422;
`missing_for_notice` says what the first notice still waits for."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from kefu.api.auth import actor_of
from kefu.api.etags import etag, if_match
from kefu.api.reference import ComplianceOut
from kefu.api.schemas import ClockOut
from kefu.incidents.actions import (
    IncidentChanges,
    IncidentReport,
    IncidentReview,
    NoticeInput,
    close_incident,
    issue_notice,
    recover_incident,
    report_incident,
    update_incident,
)
from kefu.incidents.contents import missing_for_notice
from kefu.incidents.models import Incident, IncidentNotice
from kefu.incidents.queries import get_incident, list_incidents, notice_compliance
from kefu.sla.queries import ClockView, ComplianceRow, clock_views

router = Router()

TIME_NOTE = "ISO 8601; a time without offset is read as Asia/Shanghai"
LATER = "may follow the report; required before the first notice (001 §7.3)"


class IncidentIn(Schema):
    title: str = Field(max_length=200)
    kind: str = Field(description="network_failure | service_outage | complaint_surge | "
                                  "data_breach")
    level: int = Field(description="1 particularly major, 2 major (both notified within "
                                   "2 hours), 3 general (4 hours)")
    place: str = Field(max_length=200)
    occurred_at: datetime = Field(description=TIME_NOTE)
    detected_at: datetime | None = Field(None, description=f"{TIME_NOTE}; default now. The "
                                                           "notice clock starts here")
    affected_scope: str = Field(max_length=500, description="the affected area and services "
                                                            "(影响范围, 001 §7.2)")
    initial_cause: str = Field(description="what is known of the cause so far (初步原因)")
    affected_customers: int | None = Field(None, description=f"how many; {LATER}")
    measures: str = Field("", description=f"measures taken; {LATER}")
    expected_recovery_at: datetime | None = Field(None, description=f"{TIME_NOTE}; {LATER}")
    further_impact: str = Field("", description=f"what follows from it (后续影响); {LATER}")
    unit_id: int | None = Field(None, description="default: my unit")
    is_drill: bool = False


class IncidentPatch(Schema):
    title: str | None = Field(None, max_length=200)
    level: int | None = None
    place: str | None = Field(None, max_length=200)
    affected_customers: int | None = None
    affected_scope: str | None = Field(None, max_length=500)
    initial_cause: str | None = None
    measures: str | None = None
    expected_recovery_at: datetime | None = None
    further_impact: str | None = None


class NoticeIn(Schema):
    audience: str = Field(description="superior | regulator | customers")
    channels: list[str] = Field(description="sms, email, web, social, phone, document")
    text: str = Field(max_length=2000)


class NoticeOut(Schema):
    id: int
    audience: str
    channels: list[str]
    text: str
    is_update: bool
    at: datetime
    by_name: str


class RecoverIn(Schema):
    note: str = Field("", max_length=2000)


class ReviewIn(Schema):
    """The review of 001 §7.4; every item is required ("none given" is a compensation
    summary)."""

    root_cause: str
    corrective_actions: str
    compensation_summary: str
    lessons_learned: str


class IncidentOut(Schema):
    id: int
    number: str
    title: str
    kind: str
    level: int
    unit_id: int
    unit_name: str = Field(alias="unit.name")
    place: str
    occurred_at: datetime
    detected_at: datetime
    affected_customers: int | None
    affected_scope: str
    initial_cause: str
    measures: str
    expected_recovery_at: datetime | None
    further_impact: str
    status: str
    is_drill: bool
    reported_by_name: str
    first_notice_at: datetime | None
    recovered_at: datetime | None
    closed_at: datetime | None
    root_cause: str
    corrective_actions: str
    compensation_summary: str
    lessons_learned: str
    version: int


class IncidentDetailOut(IncidentOut):
    clocks: list[ClockOut]
    notices: list[NoticeOut]
    missing_for_notice: list[str] = Field(description="report items the first notice (and "
                                                      "the closing) still waits for")

    @staticmethod
    def resolve_clocks(incident: Incident) -> list[ClockView]:
        return clock_views(incident.clocks.select_related("policy"))

    @staticmethod
    def resolve_notices(incident: Incident) -> list[IncidentNotice]:
        return list(incident.notices.all())

    @staticmethod
    def resolve_missing_for_notice(incident: Incident) -> list[str]:
        return missing_for_notice(incident)


class ComplianceQuery(Schema):
    detected_from: datetime | None = None
    detected_to: datetime | None = None


class ListQuery(Schema):
    state: str = Field("open", description="open | closed | all")


def _detail(incident: Incident, response: HttpResponse) -> Incident:
    response["ETag"] = etag(incident.version)
    return incident


@router.get("", response=list[IncidentOut], summary="Incidents in my scope, newest first")
def index(request: HttpRequest, q: Query[ListQuery]) -> list[Incident]:
    return list(list_incidents(actor_of(request), state=q.state)[:500])


@router.get("/notice-compliance", response=list[ComplianceOut],
            summary="Notices in time against late ones, per unit (drills left out)")
def compliance(request: HttpRequest, q: Query[ComplianceQuery]) -> list[ComplianceRow]:
    return notice_compliance(actor_of(request), since=q.detected_from, until=q.detected_to)


@router.post("", response={201: IncidentDetailOut}, summary="Report an incident")
def create(request: HttpRequest, payload: IncidentIn, response: HttpResponse) -> Status[Any]:
    incident = report_incident(actor=actor_of(request), report=IncidentReport(**payload.dict()))
    response["Location"] = f"/api/incidents/{incident.pk}"
    return Status(201, _detail(incident, response))


@router.get("/{incident_id}", response=IncidentDetailOut,
            summary="One incident with its notice clock and notices")
def detail(request: HttpRequest, incident_id: int, response: HttpResponse) -> Incident:
    return _detail(get_incident(actor_of(request), incident_id), response)


@router.patch("/{incident_id}", response=IncidentDetailOut,
              summary="Correct or complete the report (If-Match: the ETag you read)")
def patch(request: HttpRequest, incident_id: int, payload: IncidentPatch,
          response: HttpResponse) -> Incident:
    return _detail(update_incident(
        actor=actor_of(request), incident_id=incident_id,
        changes=IncidentChanges(**payload.dict(exclude_unset=True)),
        version=if_match(request)), response)


@router.post("/{incident_id}/notices", response={201: NoticeOut},
             summary="Issue a notice; the first one meets the notice clock")
def notices(request: HttpRequest, incident_id: int, payload: NoticeIn) -> Status[Any]:
    notice: IncidentNotice = issue_notice(
        actor=actor_of(request), incident_id=incident_id,
        notice=NoticeInput(payload.audience, tuple(payload.channels), payload.text))
    return Status(201, notice)


@router.post("/{incident_id}/recover", response=IncidentOut, summary="Service is restored")
def recover(request: HttpRequest, incident_id: int, payload: RecoverIn) -> Incident:
    return recover_incident(actor=actor_of(request), incident_id=incident_id,
                            note=payload.note)


@router.post("/{incident_id}/close", response=IncidentOut,
             summary="Close a recovered incident with its review")
def close(request: HttpRequest, incident_id: int, payload: ReviewIn) -> Incident:
    return close_incident(actor=actor_of(request), incident_id=incident_id,
                          review=IncidentReview(**payload.dict()))
