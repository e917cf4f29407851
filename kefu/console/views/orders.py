"""The work order page and every change made from it."""


from __future__ import annotations

from typing import Any

from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseRedirect,
)
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from kefu.archive.actions import lift_legal_hold, set_legal_hold
from kefu.console.error_handling import error_fragment, renders_errors
from kefu.console.views.base import (
    detail_context,
    detail_form,
    parse_datetime_local,
    parse_int,
    staff_view,
)
from kefu.errors import InvalidInput, KefuError
from kefu.escalation.actions import RegulatorCase, open_appeal
from kefu.orgs.actors import Actor
from kefu.sla.extensions import decide_deadline_extension, request_deadline_extension
from kefu.surveys.actions import SurveyAnswers, record_return_visit, record_survey_by_phone
from kefu.workorders import actions
from kefu.workorders.attachments import add_attachment
from kefu.workorders.files import attachment_response
from kefu.workorders.inputs import Kind
from kefu.workorders.perform import perform_transition
from kefu.workorders.queries import (
    get_attachment,
    get_work_order,
    is_work_order_in_scope,
)
from kefu.workorders.transitions import TRANSITIONS


@staff_view
def detail(request: HttpRequest, actor: Actor, wo_id: int) -> HttpResponse:
    context = detail_context(actor, wo_id, appealed=request.GET.get("appealed", "")[:20])
    return render(request, "console/detail.html", context)

def _transition_values(request: HttpRequest, name: str) -> dict[str, Any]:
    """The transition's form as posted, by its input type's fields: a ticked checkbox says
    "on", a multiple select sends a list; the input type coerces the rest."""
    transition = TRANSITIONS.get(name)
    values: dict[str, Any] = {}
    for field in transition.inputs.fields_in_order() if transition else ():
        if field.kind is Kind.FLAG:
            values[field.name] = request.POST.get(field.name) == "on"
        elif field.kind is Kind.MANY:
            values[field.name] = request.POST.getlist(field.name)
        else:
            values[field.name] = request.POST.get(field.name, "")
    return values

def _transition_form(request: HttpRequest, error: KefuError, actor: Actor, wo_id: int,
                     name: str) -> HttpResponse:
    """The work order page again with the transition's form open, as it was filled in."""
    return render(request, "console/detail.html", detail_context(
        actor, wo_id, errors={name: error}, values=_transition_values(request, name),
        open_form=name))

@require_POST
@staff_view
@renders_errors(_transition_form)
def transition(request: HttpRequest, actor: Actor, wo_id: int, name: str) -> HttpResponse:
    perform_transition(actor=actor, work_order_id=wo_id, name=name,
                       values=_transition_values(request, name),
                       expected_version=parse_int(request.POST.get("version")))
    return HttpResponseRedirect(reverse("console:detail", args=[wo_id]))

@require_POST
@staff_view
@renders_errors(detail_form("assign"))
def assign(request: HttpRequest, actor: Actor, wo_id: int) -> HttpResponse:
    actions.assign_work_order(
        actor=actor, work_order_id=wo_id,
        handler_id=parse_int(request.POST.get("handler_id")) or 0,
        note=request.POST.get("note", ""),
        expected_version=parse_int(request.POST.get("version")),
    )
    return HttpResponseRedirect(reverse("console:detail", args=[wo_id]))

@require_POST
@staff_view
@renders_errors(detail_form("note"))
def note(request: HttpRequest, actor: Actor, wo_id: int) -> HttpResponse:
    actions.add_note(actor=actor, work_order_id=wo_id, note=request.POST.get("note", ""),
                     is_customer_visible=request.POST.get("is_customer_visible") == "on")
    return HttpResponseRedirect(reverse("console:detail", args=[wo_id]))

@require_POST
@staff_view
@renders_errors(detail_form("plans"))
def decide_plan(request: HttpRequest, actor: Actor, wo_id: int, plan_id: int) -> HttpResponse:
    get_work_order(actor, wo_id)
    actions.decide_handling_plan(actor=actor, plan_id=plan_id,
                                 is_approved=request.POST.get("decision") == "approve",
                                 note=request.POST.get("note", ""))
    return HttpResponseRedirect(reverse("console:detail", args=[wo_id]))

@require_POST
@staff_view
@renders_errors(detail_form("escalate"))
def escalate(request: HttpRequest, actor: Actor, wo_id: int) -> HttpResponse:
    actions.escalate_work_order(actor=actor, work_order_id=wo_id,
                                reason=request.POST.get("reason", ""),
                                tier=parse_int(request.POST.get("tier")),
                                expected_version=parse_int(request.POST.get("version")))
    return HttpResponseRedirect(reverse("console:detail", args=[wo_id]))

@require_POST
@staff_view
@renders_errors(detail_form("upload"))
def upload(request: HttpRequest, actor: Actor, wo_id: int) -> HttpResponse:
    file = request.FILES.get("file")
    if file is None:
        raise InvalidInput("请选择文件", "Choose a file", fields={"file": ["必填 / required"]})
    add_attachment(actor=actor, work_order_id=wo_id, name=file.name or "attachment",
                   content_type=file.content_type or "", stream=file)
    return HttpResponseRedirect(reverse("console:detail", args=[wo_id]))

@require_POST
@staff_view
@renders_errors(error_fragment)
def reveal(request: HttpRequest, actor: Actor, wo_id: int) -> HttpResponse:
    """The customer's personal data, unmasked for this actor and logged (an htmx fragment)."""
    wo = actions.reveal_contact(actor=actor, work_order_id=wo_id,
                                reason=request.POST.get("reason", ""))
    return render(request, "console/_reveal.html", {"wo": wo, "customer": wo.customer})

@require_POST
@staff_view
@renders_errors(detail_form("clocks"))
def request_extension(request: HttpRequest, actor: Actor, wo_id: int) -> HttpResponse:
    request_deadline_extension(
        actor=actor, work_order_id=wo_id, clock=request.POST.get("clock", ""),
        working_days=parse_int(request.POST.get("working_days")) or 0,
        reason=request.POST.get("reason", ""))
    return HttpResponseRedirect(reverse("console:detail", args=[wo_id]))

@require_POST
@staff_view
@renders_errors(detail_form("clocks"))
def decide_extension(request: HttpRequest, actor: Actor, wo_id: int,
                     extension_id: int) -> HttpResponse:
    get_work_order(actor, wo_id)
    decide_deadline_extension(actor=actor, extension_id=extension_id,
                              is_approved=request.POST.get("decision") == "approve",
                              note=request.POST.get("note", ""))
    return HttpResponseRedirect(reverse("console:detail", args=[wo_id]))

@staff_view
def attachment(request: HttpRequest, actor: Actor, wo_id: int, attachment_id: int
               ) -> HttpResponseBase:
    return attachment_response(get_attachment(actor, wo_id, attachment_id))

@require_POST
@staff_view
@renders_errors(detail_form("hold"))
def legal_hold(request: HttpRequest, actor: Actor, wo_id: int) -> HttpResponse:
    if request.POST.get("lift"):
        lift_legal_hold(actor=actor, work_order_id=wo_id,
                        reason=request.POST.get("reason", ""))
    else:
        set_legal_hold(actor=actor, work_order_id=wo_id,
                       reason=request.POST.get("reason", ""))
    return HttpResponseRedirect(reverse("console:detail", args=[wo_id]))

@require_POST
@staff_view
@renders_errors(detail_form("visit"))
def return_visit(request: HttpRequest, actor: Actor, wo_id: int) -> HttpResponse:
    def yes_no(name: str) -> bool | None:
        value = request.POST.get(name)
        return None if value not in ("yes", "no") else value == "yes"

    record_return_visit(actor=actor, work_order_id=wo_id,
                        reached=request.POST.get("reached") == "yes",
                        satisfied=yes_no("satisfied"), resolved=yes_no("resolved"),
                        comment=request.POST.get("comment", ""))
    return HttpResponseRedirect(reverse("console:detail", args=[wo_id]))


@require_POST
@staff_view
@renders_errors(detail_form("survey"))
def survey(request: HttpRequest, actor: Actor, wo_id: int) -> HttpResponse:
    """What the customer answered on a call, entered by the phone agent."""
    record_survey_by_phone(actor=actor, work_order_id=wo_id,
                           answers=SurveyAnswers.from_form(request.POST))
    return HttpResponseRedirect(reverse("console:detail", args=[wo_id]))

@require_POST
@staff_view
@renders_errors(detail_form("appeal"))
def appeal(request: HttpRequest, actor: Actor, wo_id: int) -> HttpResponse:
    """Take in an appeal of this closed complaint: the customer's, or a regulator's case."""
    regulator = request.POST.get("regulator", "")
    case = RegulatorCase(
        regulator=regulator, external_number=request.POST.get("external_number", ""),
        received_at=parse_datetime_local(request.POST.get("external_received_at")),
        deadline=parse_datetime_local(request.POST.get("external_deadline")),
    ) if regulator or request.POST.get("external_number") else None
    created = open_appeal(actor=actor, original_id=wo_id,
                          reason=request.POST.get("reason", ""), case=case)
    if is_work_order_in_scope(actor, created.work_order_id):
        return HttpResponseRedirect(reverse("console:detail", args=[created.work_order_id]))
    # Handled a tier above the actor: back to the complaint, with the appeal's number.
    return HttpResponseRedirect(reverse("console:detail", args=[wo_id])
                                + f"?appealed={created.work_order.number}")
