"""Work orders: intake, lists, detail, transitions, timeline, attachments."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, File, Form, Query, Router, Schema, UploadedFile
from ninja.responses import Status

from kefu.api.appeals import AppealIn, AppealOut
from kefu.api.auth import actor_of
from kefu.api.co_handling import EscalationRequestIn, EscalationRequestOut, SubtaskOut
from kefu.api.etags import etag, if_match
from kefu.api.schemas import (
    AssignIn,
    AttachmentOut,
    ClockOut,
    CustomerRevealedOut,
    EscalateIn,
    ExtensionIn,
    ExtensionOut,
    LegalHoldOut,
    PlanDecisionIn,
    RevealIn,
    TimelineEventOut,
    TransitionIn,
    TransitionOut,
    WorkOrderIn,
    WorkOrderOut,
    WorkOrderPage,
)
from kefu.api.supervision import SupervisionIn, SupervisionOut
from kefu.api.surveys import SurveyAnswersIn, SurveyOut
from kefu.archive.actions import lift_legal_hold, set_legal_hold
from kefu.customers.actions import CustomerDetails
from kefu.escalation.actions import open_appeal, open_supervision, request_escalation
from kefu.escalation.queries import appeals_with_external_number, list_subtasks
from kefu.sla.extensions import request_deadline_extension
from kefu.sla.queries import list_clock_views
from kefu.surveys.actions import answer_survey_on_portal, record_survey_by_phone
from kefu.workorders import actions
from kefu.workorders.attachments import add_attachment
from kefu.workorders.choices import Channel, Severity, WorkOrderKind, WorkOrderStatus
from kefu.workorders.links import SplitPart, link_work_orders, split_work_order
from kefu.workorders.models import Attachment, TimelineEvent, WorkOrder
from kefu.workorders.perform import perform_transition
from kefu.workorders.queries import (
    WorkOrderFilter,
    get_work_order,
    list_links,
    list_timeline,
    list_work_orders,
)
from kefu.workorders.severity import suggest_severity
from kefu.workorders.transitions import allowed_transitions

router = Router()


def _etag(wo: WorkOrder) -> str:
    return etag(wo.version)


def _detail(request: HttpRequest, wo_id: int) -> WorkOrder:
    return get_work_order(actor_of(request), wo_id)


class ListQuery(Schema):
    # Choices are declared, so an unknown value is a 422 and not an empty list.
    kind: WorkOrderKind | None = None
    status: WorkOrderStatus | None = None
    category_id: int | None = None
    severity: Severity | None = None
    unit_id: int | None = None
    channel: Channel | None = None
    handler_id: int | None = None
    owner_id: int | None = None
    customer_id: int | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None
    number: str | None = None
    keyword: str | None = Field(None, max_length=100,
                                description="in the title or content, or a work order or "
                                "archive number")
    external_number: str | None = Field(None, max_length=32,
                                        description="a regulator's case number (appeals)")
    phone: str | None = None
    is_open: bool | None = None
    is_unassigned: bool | None = None
    is_overdue: bool | None = None
    due_before: datetime | None = None
    before: int | None = None
    limit: int = 50


@router.get("", response=WorkOrderPage, summary="List work orders in my scope")
def list_(request: HttpRequest, q: Query[ListQuery]) -> dict[str, Any]:
    external = q.external_number
    filters = WorkOrderFilter(**q.dict(exclude={"before", "limit", "external_number"}),
                              among=appeals_with_external_number(external) if external
                              else None)
    items = list_work_orders(actor_of(request), filters, before_id=q.before, limit=q.limit)
    limit = max(1, min(q.limit, 200))
    return {"items": items, "next_before": items[-1].id if len(items) == limit else None}


@router.post("", response={200: WorkOrderOut, 201: WorkOrderOut},
             summary="Create a work order (send Idempotency-Key to make retries safe)")
def create(request: HttpRequest, payload: WorkOrderIn, response: HttpResponse) -> Any:
    data = payload.dict()
    customer = data.pop("customer")
    intake = actions.Intake(
        **data, customer=CustomerDetails(**customer) if customer else None,
    )
    wo, created = actions.create_work_order(
        actor=actor_of(request), intake=intake,
        idempotency_key=request.headers.get("Idempotency-Key"),
    )
    # The action's own instance carries its customer, unit and category already; reading it
    # back through the scope would cost a third of the request.
    response["ETag"] = _etag(wo)
    response["Location"] = f"/api/work-orders/{wo.pk}"
    return Status(201 if created else 200, wo)


@router.get("/{wo_id}", response=WorkOrderOut, summary="One work order")
def detail(request: HttpRequest, wo_id: int, response: HttpResponse) -> WorkOrder:
    wo = _detail(request, wo_id)
    response["ETag"] = _etag(wo)
    return wo


@router.get("/{wo_id}/transitions", response=list[TransitionOut],
            summary="What I may do with this work order now")
def transitions(request: HttpRequest, wo_id: int) -> list[dict[str, Any]]:
    actor = actor_of(request)
    wo = get_work_order(actor, wo_id)
    return [
        {"name": t.name, "label_zh": t.label_zh, "label_en": t.label_en, "target": t.target,
         "requires": list(t.requires)}
        for t in allowed_transitions(wo.kind, wo.status, actor, wo)
    ]


@router.post("/{wo_id}/transitions/{name}", response=WorkOrderOut,
             summary="Move the work order (If-Match: the ETag you read)")
def transition(request: HttpRequest, wo_id: int, name: str, payload: TransitionIn,
               response: HttpResponse) -> WorkOrder:
    actor = actor_of(request)
    perform_transition(actor=actor, work_order_id=wo_id, name=name,
                       values=payload.dict(), expected_version=if_match(request))
    wo = _detail(request, wo_id)
    response["ETag"] = _etag(wo)
    return wo


@router.post("/{wo_id}/assign", response=WorkOrderOut, summary="Assign a handler")
def assign(request: HttpRequest, wo_id: int, payload: AssignIn,
           response: HttpResponse) -> WorkOrder:
    actions.assign_work_order(actor=actor_of(request), work_order_id=wo_id,
                              handler_id=payload.handler_id, note=payload.note,
                              expected_version=if_match(request))
    wo = _detail(request, wo_id)
    response["ETag"] = _etag(wo)
    return wo


@router.post("/{wo_id}/reveal-contact", response=CustomerRevealedOut,
             summary="Reveal the customer's personal data for this work order (logged)")
def reveal_contact(request: HttpRequest, wo_id: int, payload: RevealIn) -> Any:
    wo = actions.reveal_contact(actor=actor_of(request), work_order_id=wo_id,
                                reason=payload.reason)
    return wo.customer


@router.post("/{wo_id}/plans/{plan_id}/decision", response=WorkOrderOut,
             summary="Approve or reject a compensation plan")
def decide_plan(request: HttpRequest, wo_id: int, plan_id: int,
                payload: PlanDecisionIn) -> WorkOrder:
    actor = actor_of(request)
    get_work_order(actor, wo_id)
    actions.decide_handling_plan(actor=actor, plan_id=plan_id, is_approved=payload.is_approved,
                                 note=payload.note)
    return get_work_order(actor, wo_id)


@router.get("/{wo_id}/clocks", response=list[ClockOut],
            summary="Time limits with the time left (working time for working-day limits)")
def clocks(request: HttpRequest, wo_id: int) -> list[Any]:
    return list_clock_views(get_work_order(actor_of(request), wo_id))


@router.post("/{wo_id}/clocks/{clock}/extensions", response={201: ExtensionOut},
             summary="Ask management to extend a major complaint's time limit")
def request_extension(request: HttpRequest, wo_id: int, clock: str,
                      payload: ExtensionIn) -> Status[Any]:
    extension = request_deadline_extension(
        actor=actor_of(request), work_order_id=wo_id, clock=clock,
        working_days=payload.working_days, reason=payload.reason)
    return Status(201, extension)


@router.post("/{wo_id}/legal-hold", response={201: LegalHoldOut},
             summary="Keep the work order past its retention (managers, administrators)")
def hold(request: HttpRequest, wo_id: int, payload: RevealIn) -> Status[Any]:
    return Status(201, set_legal_hold(actor=actor_of(request), work_order_id=wo_id,
                                      reason=payload.reason))


@router.post("/{wo_id}/legal-hold/lift", response=LegalHoldOut, summary="Lift the legal hold")
def unhold(request: HttpRequest, wo_id: int, payload: RevealIn) -> Any:
    return lift_legal_hold(actor=actor_of(request), work_order_id=wo_id, reason=payload.reason)


@router.post("/{wo_id}/escalate", response=WorkOrderOut,
             summary="Escalate (supervisors, managers): mark it, or move it with its tier to the "
                     "unit at a higher tier")
def escalate(request: HttpRequest, wo_id: int, payload: EscalateIn,
             response: HttpResponse) -> WorkOrder:
    actor = actor_of(request)
    wo = actions.escalate_work_order(actor=actor, work_order_id=wo_id, reason=payload.reason,
                                     tier=payload.tier, expected_version=if_match(request))
    response["ETag"] = _etag(wo)
    # After a move up the actor may no longer see it; the answer is what they just did.
    return wo


@router.post("/{wo_id}/escalation-requests", response={201: EscalationRequestOut},
             summary="Apply to escalate: condition, reason, tier asked for, departments to "
                     "co-handle")
def escalation_request(request: HttpRequest, wo_id: int,
                       payload: EscalationRequestIn) -> Status[Any]:
    return Status(201, request_escalation(actor=actor_of(request), work_order_id=wo_id,
                                          application=payload.application()))


@router.get("/{wo_id}/subtasks", response=list[SubtaskOut],
            summary="Co-handling sub-tasks with their handler, deadline and result")
def subtasks(request: HttpRequest, wo_id: int) -> list[Any]:
    return list_subtasks(get_work_order(actor_of(request), wo_id))


@router.post("/{wo_id}/supervision", response={201: SupervisionOut},
             summary="Put the work order under supervision by my unit (supervisors, managers)")
def supervise(request: HttpRequest, wo_id: int, payload: SupervisionIn) -> Status[Any]:
    return Status(201, open_supervision(
        actor=actor_of(request), work_order_id=wo_id, detail=payload.detail,
        working_days=payload.working_days,
        report_every_working_days=payload.report_every_working_days))


class LinkIn(Schema):
    number: str = Field(max_length=20, description="the other work order's number")
    note: str = Field("", max_length=200)


class LinkedOut(Schema):
    work_order_id: int
    number: str
    status: str
    kind: str = Field(description="related | split_from | split_into")
    note: str


class SplitPartIn(Schema):
    title: str = Field(max_length=200)
    content: str = Field(max_length=10000)
    category_id: int | None = None


class SplitIn(Schema):
    parts: list[SplitPartIn]


@router.get("/{wo_id}/links", response=list[LinkedOut], summary="Linked work orders")
def links(request: HttpRequest, wo_id: int) -> list[Any]:
    actor = actor_of(request)
    return list_links(actor, get_work_order(actor, wo_id))


@router.post("/{wo_id}/links", response={201: list[LinkedOut]},
             summary="Link a related work order by its number")
def link(request: HttpRequest, wo_id: int, payload: LinkIn) -> Status[Any]:
    actor = actor_of(request)
    link_work_orders(actor=actor, work_order_id=wo_id, other_number=payload.number,
                     note=payload.note)
    return Status(201, list_links(actor, get_work_order(actor, wo_id)))


@router.post("/{wo_id}/split", response={201: list[WorkOrderOut]},
             summary="Split matters out into new work orders, received when this one was")
def split(request: HttpRequest, wo_id: int, payload: SplitIn) -> Status[Any]:
    parts = [SplitPart(title=p.title, content=p.content, category_id=p.category_id)
             for p in payload.parts]
    return Status(201, split_work_order(actor=actor_of(request), work_order_id=wo_id,
                                        parts=parts))


class SeveritySuggestionOut(Schema):
    severity: str
    code: str
    reason_zh: str
    reason_en: str


@router.get("/{wo_id}/severity-suggestions", response=list[SeveritySuggestionOut],
            summary="Severities the rules suggest (outage, data leak, media or regulator, "
                    "repeat within 30 days, VIP), each with its reason")
def severity_suggestions(request: HttpRequest, wo_id: int) -> list[Any]:
    return suggest_severity(get_work_order(actor_of(request), wo_id))


@router.post("/{wo_id}/appeals", response={201: AppealOut},
             summary="Appeal this closed complaint: the customer's own, or a regulator's case "
                     "with its number, received date and deadline; handled one tier higher")
def appeal(request: HttpRequest, wo_id: int, payload: AppealIn) -> Status[Any]:
    return Status(201, open_appeal(actor=actor_of(request), original_id=wo_id,
                                   reason=payload.reason, case=payload.case()))


@router.post("/{wo_id}/survey", response=SurveyOut,
             summary="Answer the work order's survey: the customer themself, or a phone agent "
                     "entering what the customer said")
def survey(request: HttpRequest, wo_id: int, payload: SurveyAnswersIn) -> Any:
    actor = actor_of(request)
    if actor.is_customer:
        return answer_survey_on_portal(actor=actor, work_order_id=wo_id,
                                       answers=payload.answers())
    return record_survey_by_phone(actor=actor, work_order_id=wo_id, answers=payload.answers())


@router.get("/{wo_id}/timeline", response=list[TimelineEventOut], summary="The timeline")
def timeline(request: HttpRequest, wo_id: int) -> list[TimelineEvent]:
    actor = actor_of(request)
    return list(list_timeline(actor, get_work_order(actor, wo_id)))


@router.get("/{wo_id}/attachments", response=list[AttachmentOut], summary="Attachments")
def attachments(request: HttpRequest, wo_id: int) -> list[Attachment]:
    wo = get_work_order(actor_of(request), wo_id)
    return list(wo.attachments.order_by("id"))


@router.post("/{wo_id}/attachments", response={201: AttachmentOut},
             summary="Upload evidence (multipart)")
def upload(request: HttpRequest, wo_id: int, file: File[UploadedFile],
           is_evidence: Form[bool] = True) -> Status[Attachment]:
    attachment = add_attachment(
        actor=actor_of(request), work_order_id=wo_id, name=file.name or "attachment",
        content_type=file.content_type or "", stream=file, is_evidence=is_evidence,
    )
    return Status(201, attachment)
