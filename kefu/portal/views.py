"""Customer self-service pages: sign in with an SMS code, submit, follow, answer."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth import login, logout
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from kefu.console.error_handling import ErrorPage, View, renders_errors
from kefu.errors import InvalidInput, KefuError, NotFound
from kefu.escalation.actions import open_appeal
from kefu.escalation.permissions import can_take_appeal
from kefu.escalation.queries import appeal_of, list_appeals_of
from kefu.knowledge.actions import mark_escalated
from kefu.orgs.actors import Actor, NotAnActor, actor_for_user
from kefu.portal.actions import TooManyRequests, send_login_code, verify_login_code
from kefu.sla.queries import list_clock_views
from kefu.surveys.actions import SurveyAnswers, answer_survey_by_link, answer_survey_on_portal
from kefu.surveys.models import Survey
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
# The FAQ's self-service key in the browser's session (kefu.portal.faq).
FAQ_SESSION_KEY = "kefu_self_service"
PORTAL_ERROR_PAGE = "portal/error.html"


def portal_errors(page: ErrorPage | None = None) -> Callable[[View], View]:
    """The console's way of answering a KefuError, with the portal's error page."""
    return renders_errors(page, template=PORTAL_ERROR_PAGE)


def customer_view(view: View) -> View:
    """Signed-in customers only; the view receives the actor. A KefuError it raises is
    answered with the error page unless the view names a page of its own."""
    answered = portal_errors()(view)

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            actor = actor_for_user(request.user)
        except NotAnActor:
            actor = None
        if actor is None or not actor.is_customer:
            # Back to the page asked for after signing in (the FAQ's "still need help").
            return HttpResponseRedirect(
                f"{reverse('portal:login')}?{urlencode({'next': request.get_full_path()})}")
        request.session.set_expiry(PORTAL_SESSION_SECONDS)
        return answered(request, actor, *args, **kwargs)

    return wrapper


def _next_page(request: HttpRequest) -> str:
    """Where to go after signing in: a page of this site the visitor asked for, or home."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted.startswith("/portal/") and url_has_allowed_host_and_scheme(
            wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return wanted
    return reverse("portal:home")


def _login_page(request: HttpRequest, *, sent: bool = False,
                error: KefuError | None = None) -> HttpResponse:
    return render(request, "portal/login.html", {
        "phone": request.POST.get("phone", "").strip(), "sent": sent, "error": error,
        "next": _next_page(request)})


def _login_form(request: HttpRequest, error: KefuError) -> HttpResponse:
    """The sign-in form again; a wrong code keeps the code field open, and so does asking
    again too soon: the code sent a moment ago is still the one to type."""
    step = request.POST.get("step")
    return _login_page(request, sent=step == "verify" or (
        step == "send" and isinstance(error, TooManyRequests)), error=error)


@require_http_methods(["GET", "POST"])
@portal_errors(_login_form)
def sign_in(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _login_page(request)
    phone = request.POST.get("phone", "").strip()
    if request.POST.get("step") == "verify":
        customer = verify_login_code(phone=phone, code=request.POST.get("code", ""))
        assert customer.user is not None
        login(request, customer.user, backend="django.contrib.auth.backends.ModelBackend")
        request.session.set_expiry(PORTAL_SESSION_SECONDS)
        return HttpResponseRedirect(_next_page(request))
    send_login_code(phone=phone)
    return _login_page(request, sent=True)


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    return HttpResponseRedirect(reverse("portal:login"))


@customer_view
def home(request: HttpRequest, actor: Actor) -> HttpResponse:
    orders = list_work_orders(actor, WorkOrderFilter(), limit=100)
    return render(request, "portal/home.html", {"actor": actor, "orders": orders})


def _submitted(request: HttpRequest) -> dict[str, str]:
    return {k: request.POST.get(k, "").strip() for k in ("kind", "title", "content")}


def _submit_form(request: HttpRequest, error: KefuError, actor: Actor) -> HttpResponse:
    """The form again, as it was filled in, with the refusal."""
    return render(request, "portal/new.html",
                  {"actor": actor, "values": _submitted(request), "error": error})


@require_http_methods(["GET", "POST"])
@customer_view
@portal_errors(_submit_form)
def submit(request: HttpRequest, actor: Actor) -> HttpResponse:
    if request.method == "GET":
        # "Still need help" from the FAQ brings the question along.
        asked = {k: request.GET.get(k, "")[:2000] for k in ("title", "content")}
        kind = "consultation" if request.GET.get("kind") == "consultation" else "complaint"
        return render(request, "portal/new.html", {
            "actor": actor, "values": {"kind": kind, **asked},
            "from_faq": request.GET.get("from_faq") == "1"})
    values = _submitted(request)
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
    if request.POST.get("from_faq") == "1" and (key := request.session.get(FAQ_SESSION_KEY)):
        mark_escalated(key=str(key), work_order_id=wo.pk)
    return HttpResponseRedirect(reverse("portal:detail", args=[wo.pk]))


def _detail(request: HttpRequest, actor: Actor, wo_id: int, **extra: Any) -> HttpResponse:
    wo = get_work_order(actor, wo_id)
    moves = {t.name for t in allowed_transitions(wo.kind, wo.status, actor, wo)}
    reply_due = next((c for c in list_clock_views(wo)
                      if c.clock in ("first_reply", "handling_complete") and
                      c.state in ("running", "paused")), None)
    return render(request, "portal/detail.html", {
        "actor": actor, "wo": wo, "events": list_timeline(actor, wo), "moves": moves,
        "reply_due": reply_due, "replies": wo.replies.order_by("id"),
        "attachments": wo.attachments.filter(uploaded_by_user_id=actor.user_id),
        "survey": survey if is_survey_open(survey := latest_survey(wo)) else None,
        "can_appeal": can_take_appeal(actor, wo),
        "appeals": list_appeals_of(actor, wo), "appeal": appeal_of(wo), **extra,
    })


def _detail_form(name: str) -> ErrorPage:
    """The work order page again, with the error by the form: `name` is the page's place for
    it (error, survey_error, appeal_error)."""

    def page(request: HttpRequest, error: KefuError, actor: Actor, wo_id: int,
             **_: Any) -> HttpResponse:
        return _detail(request, actor, wo_id, **{name: error})

    return page


@customer_view
def detail(request: HttpRequest, actor: Actor, wo_id: int) -> HttpResponse:
    return _detail(request, actor, wo_id)


PORTAL_MOVES = {"resume", "close", "reopen", "withdraw"}


@require_POST
@customer_view
@portal_errors(_detail_form("error"))
def act(request: HttpRequest, actor: Actor, wo_id: int, name: str) -> HttpResponse:
    score = request.POST.get("satisfaction_score", "")
    values: dict[str, Any] = {
        "note": request.POST.get("note", ""), "reason": request.POST.get("reason", ""),
        "feedback": request.POST.get("feedback", ""),
        "satisfaction_score": int(score) if score.isdigit() else None,
    }
    if name not in PORTAL_MOVES:
        raise InvalidInput("不支持的操作", "Not available here")
    perform_transition(actor=actor, work_order_id=wo_id, name=name, values=values)
    return HttpResponseRedirect(reverse("portal:detail", args=[wo_id]))


@customer_view
def attachment(request: HttpRequest, actor: Actor, wo_id: int, attachment_id: int
               ) -> HttpResponseBase:
    """Only what the customer uploaded themself: staff evidence stays internal."""
    found = get_attachment(actor, wo_id, attachment_id)
    if found.uploaded_by_user_id != actor.user_id:
        raise NotFound("附件不存在", "No such attachment")
    return attachment_response(found)


@require_http_methods(["GET", "POST"])
@portal_errors()
def survey(request: HttpRequest, token: str) -> HttpResponseBase:
    """The survey link from an SMS or email: no sign-in, the signed token is the key."""
    found = find_survey_by_token(token)
    if request.method == "POST":
        return _answer_by_link(request, found, token)
    context = _survey_context(request, found)
    if not is_survey_open(found):
        context["closed"] = True
    return render(request, "portal/survey.html", context)


def _survey_context(request: HttpRequest, found: Survey) -> dict[str, Any]:
    return {"number": found.work_order.number, "action": request.path}


def _survey_form(request: HttpRequest, error: KefuError, found: Survey,
                 token: str) -> HttpResponse:
    """The survey again, as it was answered, with the refusal."""
    return render(request, "portal/survey.html", {
        **_survey_context(request, found), "error": error, "values": request.POST})


@portal_errors(_survey_form)
def _answer_by_link(request: HttpRequest, found: Survey, token: str) -> HttpResponse:
    answer_survey_by_link(token=token, answers=SurveyAnswers.from_form(request.POST))
    return render(request, "portal/survey.html",
                  {**_survey_context(request, found), "thanks": True})


@require_POST
@customer_view
@portal_errors(_detail_form("survey_error"))
def answer_survey(request: HttpRequest, actor: Actor, wo_id: int) -> HttpResponse:
    answer_survey_on_portal(actor=actor, work_order_id=wo_id,
                            answers=SurveyAnswers.from_form(request.POST))
    return HttpResponseRedirect(reverse("portal:detail", args=[wo_id]))


@require_POST
@customer_view
@portal_errors(_detail_form("appeal_error"))
def appeal(request: HttpRequest, actor: Actor, wo_id: int) -> HttpResponse:
    """The customer is not satisfied with a closed complaint: appeal it."""
    created = open_appeal(actor=actor, original_id=wo_id,
                          reason=request.POST.get("reason", ""))
    return HttpResponseRedirect(reverse("portal:detail", args=[created.work_order_id]))
