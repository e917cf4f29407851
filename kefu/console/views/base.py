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

from kefu.console.error_handling import ErrorPage, View, renders_errors
from kefu.console.fields import FORM_FIELDS, SPECS
from kefu.errors import KefuError
from kefu.escalation.actions import (
    APPEAL_TAKERS,
    APPEALABLE_KINDS,
    DECIDERS,
    FINISHED,
    REQUESTERS,
    SUPERVISORS,
)
from kefu.escalation.models import EscalationCondition, Evaluation, Regulator
from kefu.escalation.queries import (
    appeal_of,
    list_appeals_of,
    list_department_staff,
    list_departments_for,
    list_escalation_requests,
    list_subtasks,
    list_supervision_of,
)
from kefu.orgs.actors import Actor, NotAnActor, actor_for_user
from kefu.orgs.permissions import (
    APPROVE_COMPENSATION,
    CREATE_WORK_ORDER,
    MARK_ESCALATED,
    has_capability,
)
from kefu.orgs.queries import list_staff_in_scope
from kefu.sla.calendar import SHANGHAI
from kefu.sla.models import DeadlineExtension
from kefu.sla.queries import list_clock_views
from kefu.surveys.models import ReturnVisit
from kefu.surveys.queries import is_survey_open, latest_survey
from kefu.workorders.actions import missing_record_content
from kefu.workorders.choices import (
    OPEN_STATUSES,
    WorkOrderKind,
    WorkOrderStatus,
)
from kefu.workorders.models import Reply
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
    moves = allowed_transitions(wo.kind, wo.status, actor)
    forms = [
        {"transition": t, "fields": [SPECS[name] for name in FORM_FIELDS[t.name]]}
        for t in moves
    ]
    return {
        "actor": actor, "wo": wo, "events": list_timeline(actor, wo), "forms": forms,
        "can_escalate": has_capability(actor.role, MARK_ESCALATED)
        and wo.status in OPEN_STATUSES and (not wo.is_escalated or wo.tier > 1),
        "higher_tiers": [(t, TIER_LABELS[t]) for t in range(wo.tier - 1, 0, -1)],
        "can_approve": has_capability(actor.role, APPROVE_COMPENSATION),
        "plans": wo.plans.order_by("id"), "replies": wo.replies.all(),
        "clocks": list_clock_views(wo),
        "extensions": DeadlineExtension.objects.filter(clock__work_order=wo).select_related(
            "clock").order_by("id"),
        "can_request_extension": wo.severity != "normal" and str(actor.role) in (
            "handler", "supervisor", "manager"),
        "can_decide_extension": str(actor.role) == "manager",
        "hold": wo.legal_holds.filter(lifted_at__isnull=True).first(),
        "visit": ReturnVisit.objects.filter(work_order=wo).first(),
        # Only an appeal work order has an appeal record, and only an appealable kind appeals.
        "appeal": appeal_of(wo) if wo.kind == WorkOrderKind.APPEAL else None,
        "appeals": list_appeals_of(actor, wo) if wo.kind in APPEALABLE_KINDS else [],
        **co_handling_context(actor, wo),
        "supervision": list_supervision_of(wo), "evaluations": Evaluation.choices,
        "links": list_links(actor, wo), "can_split": wo.status in OPEN_STATUSES
        and has_capability(actor.role, CREATE_WORK_ORDER),
        "severity_suggestions": suggestions_above_current(wo)
        if wo.status in OPEN_STATUSES else [],
        "can_supervise": actor.role in SUPERVISORS and wo.status in OPEN_STATUSES,
        "can_appeal": actor.role in APPEAL_TAKERS and wo.kind in APPEALABLE_KINDS
        and wo.status in FINISHED, "regulators": Regulator.choices,
        "survey": (survey := latest_survey(wo)), "survey_open": is_survey_open(survey)
        and str(actor.role) in ("agent", "supervisor"),
        "archive_review": missing_record_content(wo)
        if wo.status == WorkOrderStatus.CLOSED and str(actor.role) == "archivist" else None,
        "can_hold": str(actor.role) in ("manager", "admin"),
        "attachments": wo.attachments.order_by("id"),
        "staff": list_staff_in_scope(actor).filter(unit__path__startswith=wo.unit.path),
        "categories": list_categories(), "errors": {}, "values": {}, **extra,
    }

def co_handling_context(actor: Actor, wo: Any) -> dict[str, Any]:
    """Escalation requests and co-handling sub-tasks of the work order page."""
    subtasks = list_subtasks(wo)
    is_open = wo.status in OPEN_STATUSES
    return {
        "subtasks": subtasks, "escalation_requests": list_escalation_requests(wo),
        "can_request_escalation": actor.role in REQUESTERS and is_open,
        "can_decide_escalation": actor.role in DECIDERS,
        "conditions": EscalationCondition.choices,
        "co_departments": list_departments_for(wo) if is_open else [],
        "department_staff": list_department_staff([t.department_id for t in subtasks]),
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

