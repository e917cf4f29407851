"""Escalation requests and co-handling sub-tasks, from the work order page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from kefu.console.error_handling import renders_errors
from kefu.console.views.base import detail_form, parse_int, staff_view
from kefu.escalation.actions import (
    EscalationApplication,
    assign_subtask,
    complete_subtask,
    decide_escalation,
    request_escalation,
)
from kefu.orgs.actors import Actor


def _back(wo_id: int) -> HttpResponse:
    return HttpResponseRedirect(reverse("console:detail", args=[wo_id]) + "#co-handling")


@require_POST
@staff_view
@renders_errors(detail_form("co_handling"))
def escalation_request(request: HttpRequest, actor: Actor, wo_id: int) -> HttpResponse:
    ids = tuple(i for i in (parse_int(v) for v in request.POST.getlist("department_ids")) if i)
    request_escalation(actor=actor, work_order_id=wo_id, application=EscalationApplication(
        condition=request.POST.get("condition", ""), reason=request.POST.get("reason", ""),
        tier=parse_int(request.POST.get("tier")), department_ids=ids,
        working_days=parse_int(request.POST.get("working_days")) or 0))
    return _back(wo_id)


@require_POST
@staff_view
@renders_errors(detail_form("co_handling"))
def escalation_decision(request: HttpRequest, actor: Actor, wo_id: int,
                        request_id: int) -> HttpResponse:
    decide_escalation(actor=actor, request_id=request_id,
                      is_approved=request.POST.get("decision") == "approve",
                      note=request.POST.get("note", ""))
    return _back(wo_id)


@require_POST
@staff_view
@renders_errors(detail_form("co_handling"))
def subtask_assign(request: HttpRequest, actor: Actor, wo_id: int, task_id: int) -> HttpResponse:
    assign_subtask(actor=actor, task_id=task_id,
                   handler_id=parse_int(request.POST.get("handler_id")) or 0)
    return _back(wo_id)


@require_POST
@staff_view
@renders_errors(detail_form("co_handling"))
def subtask_complete(request: HttpRequest, actor: Actor, wo_id: int,
                     task_id: int) -> HttpResponse:
    complete_subtask(actor=actor, task_id=task_id, result=request.POST.get("result", ""))
    return _back(wo_id)
