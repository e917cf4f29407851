"""Shared pieces of the console views: the staff gate, parsing helpers, the work order
page's context."""


from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch, prefetch_related_objects
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
)
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from kefu.archive.permissions import can_place_legal_hold
from kefu.console.error_handling import ErrorPage, View, renders_errors
from kefu.console.fields import form_fields
from kefu.errors import KefuError
from kefu.escalation.models import (
    EscalationCondition,
    Evaluation,
    Regulator,
    RequestStatus,
    SubtaskStatus,
)
from kefu.escalation.permissions import (
    APPEALABLE_KINDS,
    can_assign_subtask,
    can_close_supervision,
    can_complete_subtask,
    can_decide_escalation,
    can_report_supervision,
    can_request_escalation,
    can_supervise,
    can_take_appeal,
)
from kefu.escalation.queries import (
    appeal_of,
    list_appeals_of,
    list_department_staff,
    list_departments_for,
    list_escalation_requests,
    list_subtasks,
    list_supervision_of,
)
from kefu.knowledge.permissions import can_cite_articles
from kefu.knowledge.queries import search_articles
from kefu.orgs.actors import Actor, NotAnActor, actor_for_user
from kefu.orgs.queries import list_staff_in_scope
from kefu.search.query import SearchQuery
from kefu.sla.calendar import SHANGHAI
from kefu.sla.models import DeadlineExtension, ExtensionStatus
from kefu.sla.permissions import can_decide_extension, can_request_extension
from kefu.sla.queries import list_clock_views
from kefu.surveys.models import ProposalStatus
from kefu.surveys.permissions import (
    can_decide_reopen_proposal,
    can_record_return_visit,
    can_record_survey,
)
from kefu.surveys.queries import (
    is_survey_open,
    latest_survey,
    latest_visit,
    list_reopen_proposals_of,
)
from kefu.workorders.actions import missing_record_content
from kefu.workorders.choices import (
    OPEN_STATUSES,
    WorkOrderKind,
    WorkOrderStatus,
)
from kefu.workorders.models import Reply
from kefu.workorders.permissions import (
    can_assign,
    can_decide_plan,
    can_link,
    can_mark_escalated,
    can_split,
    reveals_for_handling,
)
from kefu.workorders.queries import (
    get_work_order,
    list_categories,
    list_links,
    list_timeline,
)
from kefu.workorders.severity import suggestions_above_current
from kefu.workorders.transitions import allowed_transitions

TIER_LABELS = {1: _("一级（总部）"), 2: _("二级（省公司）"), 3: _("三级（地市/区县）")}

def staff_view(view: View) -> View:
    """Signed-in staff only; the view receives the actor. A KefuError it raises is answered
    with the error page unless the view names a page of its own with `renders_errors`."""
    answered = renders_errors()(view)

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            actor = actor_for_user(request.user)
        except NotAnActor:
            return render(request, "console/error.html", {"message": "该账号没有控制台权限"},
                          status=403)
        if not actor.is_staff:
            return render(request, "console/error.html", {"message": "该账号没有控制台权限"},
                          status=403)
        return answered(request, actor, *args, **kwargs)

    return wrapper

def parse_int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None

def detail_context(actor: Actor, wo_id: int, **extra: Any) -> dict[str, Any]:
    wo = get_work_order(actor, wo_id)
    # The page lists the replies and the archive review asks whether there are any: one read.
    prefetch_related_objects([wo], Prefetch("replies", queryset=Reply.objects.order_by("id")))
    moves = allowed_transitions(wo.kind, wo.status, actor, wo)
    forms = [{"transition": t, "fields": form_fields(t)} for t in moves]
    plans = list(wo.plans.order_by("id"))
    extensions = list(DeadlineExtension.objects.filter(clock__work_order=wo)
                      .select_related("clock").order_by("id"))
    visit = latest_visit(wo)
    # Every proposal came from a visit of this work order, so none without one.
    proposals = list_reopen_proposals_of(wo) if visit is not None else []
    for proposal in proposals:
        proposal.work_order = wo
    survey = latest_survey(wo)
    # Each offer below is the predicate its action enforces, so the page offers what the
    # action accepts and nothing else.
    return {
        "actor": actor, "wo": wo, "events": list_timeline(actor, wo), "forms": forms,
        "can_assign": can_assign(actor, wo), "can_link": can_link(actor),
        "reveal_needs_reason": not reveals_for_handling(actor, wo),
        "can_escalate": can_mark_escalated(actor, wo),
        "higher_tiers": [(t, TIER_LABELS[t]) for t in range(wo.tier - 1, 0, -1)],
        "plans": plans, "decidable_plans": {p.pk for p in plans if can_decide_plan(actor, p)},
        "replies": wo.replies.all(),
        "clocks": list_clock_views(wo), "extensions": extensions,
        "can_request_extension": can_request_extension(actor, wo),
        "decidable_extensions": {x.pk for x in extensions if x.status == ExtensionStatus.PENDING
                                 and can_decide_extension(actor, x)},
        "hold": wo.legal_holds.filter(lifted_at__isnull=True).first(),
        "visit": visit,
        "can_record_visit": visit is not None and can_record_return_visit(actor, visit),
        "reopen_proposals": proposals,
        "decidable_proposals": {p.pk for p in proposals if p.status == ProposalStatus.PENDING
                                and can_decide_reopen_proposal(actor, p)},
        # Only an appeal work order has an appeal record, and only an appealable kind appeals.
        "appeal": appeal_of(wo) if wo.kind == WorkOrderKind.APPEAL else None,
        "appeals": list_appeals_of(actor, wo) if wo.kind in APPEALABLE_KINDS else [],
        **co_handling_context(actor, wo),
        **supervision_context(actor, wo), **knowledge_context(actor, wo),
        "evaluations": Evaluation.choices,
        "links": list_links(actor, wo), "can_split": can_split(actor, wo),
        "severity_suggestions": suggestions_above_current(wo)
        if wo.status in OPEN_STATUSES else [],
        "can_appeal": can_take_appeal(actor, wo), "regulators": Regulator.choices,
        "survey": survey, "survey_open": is_survey_open(survey) and can_record_survey(actor),
        # Whoever may archive it sees what the archive review would refuse.
        "archive_review": missing_record_content(wo) if wo.status == WorkOrderStatus.CLOSED
        and any(t.name == "archive" for t in moves) else None,
        "can_hold": can_place_legal_hold(actor),
        "attachments": wo.attachments.order_by("id"),
        "staff": list_staff_in_scope(actor).filter(unit__path__startswith=wo.unit.path),
        "categories": list_categories(), "errors": {}, "values": {}, **extra,
    }

def co_handling_context(actor: Actor, wo: Any) -> dict[str, Any]:
    """Escalation requests and co-handling sub-tasks of the work order page."""
    subtasks = list_subtasks(wo)
    requests = list_escalation_requests(wo)
    is_open = wo.status in OPEN_STATUSES
    return {
        "subtasks": subtasks, "escalation_requests": requests,
        "can_request_escalation": can_request_escalation(actor, wo),
        "decidable_requests": {r.pk for r in requests if r.status == RequestStatus.PENDING
                               and can_decide_escalation(actor, r)},
        "can_assign_subtask": can_assign_subtask(actor),
        "completable_subtasks": {t.pk for t in subtasks if t.status == SubtaskStatus.OPEN
                                 and can_complete_subtask(actor, t)},
        "conditions": EscalationCondition.choices,
        "co_departments": list_departments_for(wo) if is_open else [],
        "department_staff": list_department_staff([t.department_id for t in subtasks]),
    }

def knowledge_context(actor: Actor, wo: Any) -> dict[str, Any]:
    """The articles the answer cites, and those the customer's words suggest while open."""
    citations = list(wo.article_citations.select_related("article__published")
                     .order_by("id"))
    suggested = []
    if wo.status in OPEN_STATUSES and (query := SearchQuery.suggestion(
            f"{wo.title} {wo.content}")) is not None:
        cited = {c.article_id for c in citations}
        suggested = [h for h in search_articles(actor, query, limit=8)
                     if h.article.pk not in cited][:5]
    return {"citations": citations, "suggested_articles": suggested,
            "can_cite": can_cite_articles(actor) and wo.status in OPEN_STATUSES}


def supervision_context(actor: Actor, wo: Any) -> dict[str, Any]:
    entries = list_supervision_of(wo)
    return {
        "supervision": entries, "can_supervise": can_supervise(actor, wo),
        "can_report_supervision": can_report_supervision(actor),
        "closable_supervision": {e.pk for e in entries if e.closed_at is None
                                 and can_close_supervision(actor, e)},
    }

def detail_form(form: str) -> ErrorPage:
    """The work order page again, `form` open with the error by it."""

    def page(request: HttpRequest, error: KefuError, actor: Actor, wo_id: int,
             **_: Any) -> HttpResponse:
        return render(request, "console/detail.html",
                      detail_context(actor, wo_id, errors={form: error}, open_form=form))

    return page

def parse_datetime_local(value: str | None) -> datetime | None:
    """A browser's datetime-local value, read as Beijing time."""
    try:
        return datetime.fromisoformat(value or "").replace(tzinfo=SHANGHAI)
    except ValueError:
        return None

def parse_date(value: str | None) -> datetime | None:
    try:
        return datetime.combine(date.fromisoformat(value or ""), time.min, SHANGHAI)
    except ValueError:
        return None

def day_after(day: datetime | None) -> datetime | None:
    """An inclusive "to" date becomes the exclusive start of the next day."""
    return day + timedelta(days=1) if day else None

