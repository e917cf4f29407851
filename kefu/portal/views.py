"""Customer self-service pages: sign in with an SMS code, submit, follow, answer."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth import login, logout
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.views.decorators.http import require_http_methods, require_POST

from kefu.errors import InvalidInput, KefuError, NotFound
from kefu.escalation.actions import APPEALABLE_KINDS, FINISHED, open_appeal
from kefu.escalation.queries import appeal_of, list_appeals_of
from kefu.orgs.actors import Actor, NotAnActor, actor_for_user
from kefu.portal.actions import send_login_code, verify_login_code
from kefu.sla.queries import list_clock_views
from kefu.surveys.actions import SurveyAnswers, answer_survey_by_link, answer_survey_on_portal
from kefu.surveys.queries import find_survey_by_token, is_survey_open, latest_survey
from kefu.workorders import actions
from kefu.workorders.attachments import add_attachment
from kefu.workorders.files import attachment_response
from kefu.workorders.perform import perform_transition
from kefu.workorders.queries import (
    WorkOrderFilter,
    get_attachment,
    get_work_order,
    list_timeline,
    list_work_orders,
)
from kefu.workorders.transitions import allowed_transitions

PORTAL_SESSION_SECONDS = 30 * 60  # idle timeout for customers


def customer_view(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            actor = actor_for_user(request.user)
        except NotAnActor:
            actor = None
        if actor is None or not actor.is_customer:
            return HttpResponseRedirect(reverse("portal:login"))
        request.session.set_expiry(PORTAL_SESSION_SECONDS)
        return view(request, actor, *args, **kwargs)

    return wrapper


def _message(error: KefuError) -> str:
    return error.message(get_language() or "zh-hans")


@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    context: dict[str, Any] = {"phone": request.POST.get("phone", "").strip(), "sent": False}
    if request.method == "POST":
        try:
            if request.POST.get("step") == "verify":
                customer = verify_login_code(phone=context["phone"],
                                             code=request.POST.get("code", ""))
                assert customer.user is not None
                login(request, customer.user,
                      backend="django.contrib.auth.backends.ModelBackend")
                request.session.set_expiry(PORTAL_SESSION_SECONDS)
                return HttpResponseRedirect(reverse("portal:home"))
            send_login_code(phone=context["phone"])
            context["sent"] = True
        except KefuError as error:
            context["error"] = error
            context["sent"] = request.POST.get("step") == "verify"
            return render(request, "portal/login.html", context, status=error.http_status)
    return render(request, "portal/login.html", context)


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    return HttpResponseRedirect(reverse("portal:login"))


@customer_view
def home(request: HttpRequest, actor: Actor) -> HttpResponse:
    orders = list_work_orders(actor, WorkOrderFilter(), limit=100)
    return render(request, "portal/home.html", {"actor": actor, "orders": orders})


@require_http_methods(["GET", "POST"])
@customer_view
def submit(request: HttpRequest, actor: Actor) -> HttpResponse:
    values = {k: request.POST.get(k, "").strip() for k in ("kind", "title", "content")}
    if request.method == "GET":
        return render(request, "portal/new.html", {"actor": actor, "values": {"kind":
                                                                              "complaint"}})
    try:
        wo, _ = actions.create_work_order(
            actor=actor, intake=actions.Intake(
                kind=values["kind"] if values["kind"] in ("complaint", "consultation")
                else "complaint", channel="web", title=values["title"],
                content=values["content"]),
            idempotency_key=request.POST.get("idempotency_key") or None)
        upload = request.FILES.get("file")
        if upload is not None:
            add_attachment(actor=actor, work_order_id=wo.pk, name=upload.name or "attachment",
                           content_type=upload.content_type or "", stream=upload)
    except KefuError as error:
        return render(request, "portal/new.html", {"actor": actor, "values": values,
                                                   "error": error}, status=error.http_status)
    return HttpResponseRedirect(reverse("portal:detail", args=[wo.pk]))


def _detail(request: HttpRequest, actor: Actor, wo_id: int, **extra: Any) -> HttpResponse:
    wo = get_work_order(actor, wo_id)
    moves = {t.name for t in allowed_transitions(wo.kind, wo.status, actor)}
    reply_due = next((c for c in list_clock_views(wo)
                      if c.clock in ("first_reply", "handling_complete") and
                      c.state in ("running", "paused")), None)
    return render(request, "portal/detail.html", {
        "actor": actor, "wo": wo, "events": list_timeline(actor, wo), "moves": moves,
        "reply_due": reply_due, "replies": wo.replies.order_by("id"),
        "attachments": wo.attachments.filter(uploaded_by_user_id=actor.user_id),
        "survey": survey if is_survey_open(survey := latest_survey(wo)) else None,
        "can_appeal": wo.kind in APPEALABLE_KINDS and wo.status in FINISHED,
        "appeals": list_appeals_of(actor, wo), "appeal": appeal_of(wo), **extra,
    }, status=extra.get("status", 200))


def _detail_with_error(request: HttpRequest, actor: Actor, wo_id: int,
                       **errors: KefuError) -> HttpResponse:
    """The work order page again with the error by its form, or the error page when the work
    order itself cannot be shown."""
    status = next(iter(errors.values())).http_status
    try:
        return _detail(request, actor, wo_id, status=status, **errors)
    except KefuError as outer:
        return render(request, "portal/error.html", {"message": _message(outer)},
                      status=outer.http_status)


@customer_view
def detail(request: HttpRequest, actor: Actor, wo_id: int) -> HttpResponse:
    try:
        return _detail(request, actor, wo_id)
    except KefuError as error:
        return render(request, "portal/error.html", {"message": _message(error)},
                      status=error.http_status)


PORTAL_MOVES = {"resume", "close", "reopen", "withdraw"}


@require_POST
@customer_view
def act(request: HttpRequest, actor: Actor, wo_id: int, name: str) -> HttpResponse:
    score = request.POST.get("satisfaction_score", "")
    values: dict[str, Any] = {
        "note": request.POST.get("note", ""), "reason": request.POST.get("reason", ""),
        "feedback": request.POST.get("feedback", ""),
        "satisfaction_score": int(score) if score.isdigit() else None,
    }
    try:
        if name not in PORTAL_MOVES:
            raise InvalidInput("不支持的操作", "Not available here")
        perform_transition(actor=actor, work_order_id=wo_id, name=name, values=values)
    except KefuError as error:
        return _detail_with_error(request, actor, wo_id, error=error)
    return HttpResponseRedirect(reverse("portal:detail", args=[wo_id]))


@customer_view
def attachment(request: HttpRequest, actor: Actor, wo_id: int, attachment_id: int
               ) -> HttpResponseBase:
    """Only what the customer uploaded themself: staff evidence stays internal."""
    try:
        found = get_attachment(actor, wo_id, attachment_id)
        if found.uploaded_by_user_id != actor.user_id:
            raise NotFound("附件不存在", "No such attachment")
        return attachment_response(found)
    except KefuError as error:
        return render(request, "portal/error.html", {"message": _message(error)},
                      status=error.http_status)


@require_http_methods(["GET", "POST"])
def survey(request: HttpRequest, token: str) -> HttpResponse:
    """The survey link from an SMS or email: no sign-in, the signed token is the key."""
    try:
        found = find_survey_by_token(token)
    except KefuError as error:
        return render(request, "portal/error.html", {"message": _message(error)},
                      status=error.http_status)
    context: dict[str, Any] = {"number": found.work_order.number, "action": request.path}
    if request.method == "POST":
        try:
            answer_survey_by_link(token=token, answers=SurveyAnswers.from_form(request.POST))
        except KefuError as error:
            context.update(error=error, values=request.POST)
            return render(request, "portal/survey.html", context, status=error.http_status)
        return render(request, "portal/survey.html", {**context, "thanks": True})
    if not is_survey_open(found):
        context["closed"] = True
    return render(request, "portal/survey.html", context)


@require_POST
@customer_view
def answer_survey(request: HttpRequest, actor: Actor, wo_id: int) -> HttpResponse:
    try:
        answer_survey_on_portal(actor=actor, work_order_id=wo_id,
                                answers=SurveyAnswers.from_form(request.POST))
    except KefuError as error:
        return _detail_with_error(request, actor, wo_id, survey_error=error)
    return HttpResponseRedirect(reverse("portal:detail", args=[wo_id]))


@require_POST
@customer_view
def appeal(request: HttpRequest, actor: Actor, wo_id: int) -> HttpResponse:
    """The customer is not satisfied with a closed complaint: appeal it."""
    try:
        created = open_appeal(actor=actor, original_id=wo_id,
                              reason=request.POST.get("reason", ""))
    except KefuError as error:
        return _detail_with_error(request, actor, wo_id, appeal_error=error)
    return HttpResponseRedirect(reverse("portal:detail", args=[created.work_order_id]))
