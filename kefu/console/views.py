"""Staff console: each view authenticates, loads through the actor's scope, calls one action,
renders."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from kefu.archive.actions import lift_legal_hold, set_legal_hold
from kefu.archive.exports import record_export, stream_work_orders_csv
from kefu.console.fields import CHECKBOXES, FORM_FIELDS, INTEGERS, SPECS
from kefu.console.saved_views import delete_view, list_saved_views, save_view
from kefu.customers.actions import CustomerDetails
from kefu.customers.crypto import digest
from kefu.customers.queries import find_customers_by_phone, get_customer
from kefu.customers.validators import normalise_phone
from kefu.errors import InvalidInput, KefuError
from kefu.escalation.queries import list_open_supervision
from kefu.orgs.actors import Actor, NotAnActor, actor_for_user
from kefu.orgs.permissions import APPROVE_COMPENSATION, MARK_ESCALATED, has_capability
from kefu.orgs.queries import list_staff_in_scope, list_units_in_scope
from kefu.sla.calendar import SHANGHAI
from kefu.sla.extensions import decide_deadline_extension, request_deadline_extension
from kefu.sla.models import DeadlineExtension
from kefu.sla.queries import list_clock_views, list_pending_extensions, sla_compliance
from kefu.surveys.actions import record_return_visit
from kefu.surveys.models import ReturnVisit
from kefu.workorders import actions
from kefu.workorders.actions import missing_record_content
from kefu.workorders.attachments import add_attachment
from kefu.workorders.choices import (
    OPEN_STATUSES,
    Channel,
    Severity,
    WorkOrderKind,
    WorkOrderStatus,
)
from kefu.workorders.files import attachment_response
from kefu.workorders.perform import perform_transition
from kefu.workorders.queries import (
    WorkOrderFilter,
    count_received_since,
    find_possible_duplicates,
    get_attachment,
    get_work_order,
    list_categories,
    list_pending_plan_approvals,
    list_timeline,
    list_work_orders,
    scoped_numbers,
    team_load,
)
from kefu.workorders.transitions import allowed_transitions

View = Callable[..., HttpResponseBase]


def staff_view(view: Callable[..., HttpResponseBase]) -> View:
    """Signed-in staff only; the view receives the actor."""

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
        return view(request, actor, *args, **kwargs)

    return wrapper


def _message(error: KefuError) -> str:
    return error.message(get_language() or "zh-hans")


QUEUES = {
    "mine": _("我的待办"),
    "unit": _("本单位"),
    "unassigned": _("未分派"),
    "due": _("即将到期"),
    "overdue": _("已超时"),
    "approval": _("待审批"),
    "to_archive": _("待归档"),
    "visits": _("待回访"),
    "pending": _("待客户补充"),
    "all": _("全部"),
}


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


@staff_view
def queue(request: HttpRequest, actor: Actor) -> HttpResponse:
    view = request.GET.get("view", "mine")
    params = request.GET
    base: dict[str, Any] = {
        "status": params.get("status") or None, "kind": params.get("kind") or None,
        "severity": params.get("severity") or None, "channel": params.get("channel") or None,
        "number": params.get("number") or None, "phone_key": params.get("phone_key") or None,
        "category_id": _int(params.get("category")),
        "handler_id": _int(params.get("handler")),
        "unit_id": _int(params.get("unit")),
        "created_from": _date(params.get("from")),
        "created_to": _day_after(_date(params.get("to"))),
        "is_overdue": True if params.get("overdue") == "on" else None,
    }
    if view == "mine":
        filters = WorkOrderFilter(**{**base, "handler_id": actor.staff_id}, is_open=True)
    elif view == "unassigned":
        filters = WorkOrderFilter(**{**base, "unit_id": base["unit_id"] or actor.unit_id},
                                  is_open=True, is_unassigned=True)
    elif view == "pending":
        base["status"] = WorkOrderStatus.PENDING_CUSTOMER
        filters = WorkOrderFilter(**base)
    elif view == "unit":
        filters = WorkOrderFilter(**base, is_open=True)
    elif view == "due":
        filters = WorkOrderFilter(**base, is_open=True,
                                  due_before=timezone.now() + timedelta(hours=24))
    elif view == "overdue":
        filters = WorkOrderFilter(**{**base, "is_overdue": True})
    elif view == "visits":
        filters = WorkOrderFilter(**base, has_pending_visit=True)
    elif view == "to_archive":
        filters = WorkOrderFilter(**{**base, "status": WorkOrderStatus.CLOSED})
    elif view == "approval":
        filters = WorkOrderFilter(**base, is_open=True, is_awaiting_approval=True)
    else:
        filters = WorkOrderFilter(**base)
    order = "due" if params.get("sort") == "due" or view == "due" else "newest"
    items = list_work_orders(actor, filters, before_id=_int(params.get("before")), limit=50,
                             order=order)
    if view == "mine" and not items and params.get("before") is None and not any(base.values()):
        # An agent owns what they received even when someone else handles it (首问负责).
        items = list_work_orders(actor, WorkOrderFilter(owner_id=actor.staff_id, is_open=True))
    query = params.copy()
    query.pop("before", None)
    template = "console/_queue_rows.html" if request.htmx else "console/queue.html"  # type: ignore[attr-defined]
    return render(request, template, {
        "actor": actor, "items": items, "view": view, "queues": QUEUES,
        "next_before": items[-1].id if len(items) == 50 and order == "newest" else None,
        "query": query.urlencode(), "params": params,
        "statuses": WorkOrderStatus.choices, "kinds": WorkOrderKind.choices,
        "severities": Severity.choices, "channels": Channel.choices,
        "categories": list_categories(), "bulk_actions": BULK_ACTIONS,
        "saved_views": list_saved_views(actor), "units": list_units_in_scope(actor),
        "staff": list_staff_in_scope(actor).filter(role__in=["agent", "handler",
                                                              "supervisor"]),
    })


def _detail_context(actor: Actor, wo_id: int, **extra: Any) -> dict[str, Any]:
    wo = get_work_order(actor, wo_id)
    moves = allowed_transitions(wo.kind, wo.status, actor)
    forms = [
        {"transition": t, "fields": [SPECS[name] for name in FORM_FIELDS[t.name]]}
        for t in moves
    ]
    return {
        "actor": actor, "wo": wo, "events": list_timeline(actor, wo), "forms": forms,
        "can_escalate": has_capability(actor.role, MARK_ESCALATED)
        and wo.status in OPEN_STATUSES and not wo.is_escalated,
        "can_approve": has_capability(actor.role, APPROVE_COMPENSATION),
        "plans": wo.plans.order_by("id"), "replies": wo.replies.order_by("id"),
        "clocks": list_clock_views(wo),
        "extensions": DeadlineExtension.objects.filter(clock__work_order=wo).select_related(
            "clock").order_by("id"),
        "can_request_extension": wo.severity != "normal" and str(actor.role) in (
            "handler", "supervisor", "manager"),
        "can_decide_extension": str(actor.role) == "manager",
        "hold": wo.legal_holds.filter(lifted_at__isnull=True).first(),
        "visit": ReturnVisit.objects.filter(work_order=wo).first(),
        "archive_review": missing_record_content(wo)
        if wo.status == WorkOrderStatus.CLOSED and str(actor.role) == "archivist" else None,
        "can_hold": str(actor.role) in ("manager", "admin"),
        "attachments": wo.attachments.order_by("id"),
        "staff": list_staff_in_scope(actor).filter(unit__path__startswith=wo.unit.path),
        "categories": list_categories(), "errors": {}, "values": {}, **extra,
    }


@staff_view
def detail(request: HttpRequest, actor: Actor, wo_id: int) -> HttpResponse:
    try:
        context = _detail_context(actor, wo_id)
    except KefuError as error:
        return render(request, "console/error.html", {"message": _message(error)},
                      status=error.http_status)
    return render(request, "console/detail.html", context)


def _transition_values(request: HttpRequest, name: str) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for field in FORM_FIELDS.get(name, ()):
        if field in CHECKBOXES:
            values[field] = request.POST.get(field) == "on"
        elif SPECS[field].widget == "multiselect":
            values[field] = request.POST.getlist(field)
        elif field in INTEGERS:
            values[field] = _int(request.POST.get(field))
        else:
            values[field] = request.POST.get(field, "").strip()
    if values.get("amount") == "":
        values["amount"] = None
    return values


@require_POST
@staff_view
def transition(request: HttpRequest, actor: Actor, wo_id: int, name: str) -> HttpResponse:
    values = _transition_values(request, name)
    try:
        perform_transition(actor=actor, work_order_id=wo_id, name=name, values=values,
                           expected_version=_int(request.POST.get("version")))
    except KefuError as error:
        try:
            context = _detail_context(actor, wo_id, errors={name: error}, values=values,
                                      open_form=name)
        except KefuError as outer:
            return render(request, "console/error.html", {"message": _message(outer)},
                          status=outer.http_status)
        return render(request, "console/detail.html", context, status=error.http_status)
    return HttpResponseRedirect(reverse("console:detail", args=[wo_id]))


@require_POST
@staff_view
def assign(request: HttpRequest, actor: Actor, wo_id: int) -> HttpResponse:
    try:
        actions.assign_work_order(
            actor=actor, work_order_id=wo_id, handler_id=_int(request.POST.get("handler_id")) or 0,
            note=request.POST.get("note", ""), expected_version=_int(request.POST.get("version")),
        )
    except KefuError as error:
        return _detail_with_error(request, actor, wo_id, "assign", error)
    return HttpResponseRedirect(reverse("console:detail", args=[wo_id]))


@require_POST
@staff_view
def note(request: HttpRequest, actor: Actor, wo_id: int) -> HttpResponse:
    try:
        actions.add_note(actor=actor, work_order_id=wo_id, note=request.POST.get("note", ""),
                         is_customer_visible=request.POST.get("is_customer_visible") == "on")
    except KefuError as error:
        return _detail_with_error(request, actor, wo_id, "note", error)
    return HttpResponseRedirect(reverse("console:detail", args=[wo_id]))


INTAKE_FIELDS = ("kind", "channel", "call_id", "title", "content", "customer_name",
                 "customer_phone", "customer_id_number", "customer_address", "category",
                 "severity", "unit", "customer_id", "confirm_duplicate")


@require_http_methods(["GET", "POST"])
@staff_view
def intake(request: HttpRequest, actor: Actor) -> HttpResponse:
    values = {f: request.POST.get(f, "").strip() for f in INTAKE_FIELDS}
    context: dict[str, Any] = {
        "actor": actor, "values": values, "errors": None,
        "kinds": WorkOrderKind.choices, "channels": Channel.choices,
        "severities": Severity.choices, "categories": list_categories(),
        "units": list_units_in_scope(actor),
    }
    chosen = _int(request.GET.get("customer") or values["customer_id"])
    if chosen:
        try:
            context["chosen"] = get_customer(actor, chosen)
        except KefuError:
            chosen = None
    if request.method == "GET":
        context["values"] = {"kind": "complaint", "channel": "phone", "severity": "normal",
                             "unit": str(actor.unit_id), "customer_id": chosen or ""}
        return render(request, "console/intake.html", context)
    known = chosen
    if known is None and values["customer_phone"]:
        match = find_customers_by_phone(actor, values["customer_phone"]).first()
        known = match.pk if match else None
    duplicates = find_possible_duplicates(actor, customer_id=known,
                                          category_id=_int(values["category"])) if known else []
    if duplicates and values["confirm_duplicate"] != "on":
        # 30-day repeat of the same matter: offer merge or link before creating another.
        context["duplicates"] = duplicates
        return render(request, "console/intake.html", context, status=409)
    intake_data = actions.Intake(
        kind=values["kind"], channel=values["channel"], call_id=values["call_id"],
        title=values["title"], content=values["content"], customer_id=chosen,
        customer=None if chosen else CustomerDetails(
            name=values["customer_name"], phone=values["customer_phone"],
            id_number=values["customer_id_number"], address=values["customer_address"],
        ),
        category_id=_int(values["category"]), severity=values["severity"] or "normal",
        unit_id=_int(values["unit"]),
    )
    try:
        wo, _ = actions.create_work_order(
            actor=actor, intake=intake_data,
            idempotency_key=request.POST.get("idempotency_key") or None,
        )
    except KefuError as error:
        context["errors"] = error
        return render(request, "console/intake.html", context, status=error.http_status)
    return HttpResponseRedirect(reverse("console:detail", args=[wo.pk]))


@require_POST
@staff_view
def decide_plan(request: HttpRequest, actor: Actor, wo_id: int, plan_id: int) -> HttpResponse:
    try:
        get_work_order(actor, wo_id)
        actions.decide_handling_plan(actor=actor, plan_id=plan_id,
                                     is_approved=request.POST.get("decision") == "approve",
                                     note=request.POST.get("note", ""))
    except KefuError as error:
        return _detail_with_error(request, actor, wo_id, "plans", error)
    return HttpResponseRedirect(reverse("console:detail", args=[wo_id]))


@require_POST
@staff_view
def escalate(request: HttpRequest, actor: Actor, wo_id: int) -> HttpResponse:
    try:
        actions.escalate_work_order(actor=actor, work_order_id=wo_id,
                                    reason=request.POST.get("reason", ""),
                                    expected_version=_int(request.POST.get("version")))
    except KefuError as error:
        return _detail_with_error(request, actor, wo_id, "escalate", error)
    return HttpResponseRedirect(reverse("console:detail", args=[wo_id]))


@require_POST
@staff_view
def upload(request: HttpRequest, actor: Actor, wo_id: int) -> HttpResponse:
    file = request.FILES.get("file")
    try:
        if file is None:
            raise InvalidInput("请选择文件", "Choose a file", fields={"file": ["必填 / required"]})
        add_attachment(actor=actor, work_order_id=wo_id, name=file.name or "attachment",
                       content_type=file.content_type or "", stream=file)
    except KefuError as error:
        return _detail_with_error(request, actor, wo_id, "upload", error)
    return HttpResponseRedirect(reverse("console:detail", args=[wo_id]))


@require_POST
@staff_view
def reveal(request: HttpRequest, actor: Actor, wo_id: int) -> HttpResponse:
    """The customer's personal data, unmasked for this actor and logged (an htmx fragment)."""
    try:
        wo = actions.reveal_contact(actor=actor, work_order_id=wo_id,
                                    reason=request.POST.get("reason", ""))
    except KefuError as error:
        return render(request, "console/_reveal.html", {"error": error, "wo_id": wo_id},
                      status=error.http_status)
    return render(request, "console/_reveal.html", {"wo": wo, "customer": wo.customer})


def _detail_with_error(request: HttpRequest, actor: Actor, wo_id: int, form: str,
                       error: KefuError) -> HttpResponse:
    try:
        context = _detail_context(actor, wo_id, errors={form: error}, open_form=form)
    except KefuError as outer:
        return render(request, "console/error.html", {"message": _message(outer)},
                      status=outer.http_status)
    return render(request, "console/detail.html", context, status=error.http_status)


@staff_view
def sla_report(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Clocks met on time against breached, per clock kind, unit and category."""
    since, until = _date(request.GET.get("from")), _date(request.GET.get("to"))
    tables = [
        (_("按时限"), sla_compliance(actor, group="clock", since=since, until=until)),
        (_("按单位"), sla_compliance(actor, group="unit", since=since, until=until)),
        (_("按分类"), sla_compliance(actor, group="category", since=since, until=until)),
    ]
    return render(request, "console/sla.html", {
        "actor": actor, "tables": tables, "since": request.GET.get("from", ""),
        "until": request.GET.get("to", "")})


def _date(value: str | None) -> datetime | None:
    try:
        return datetime.combine(date.fromisoformat(value or ""), time.min, SHANGHAI)
    except ValueError:
        return None


@require_POST
@staff_view
def request_extension(request: HttpRequest, actor: Actor, wo_id: int) -> HttpResponse:
    try:
        request_deadline_extension(
            actor=actor, work_order_id=wo_id, clock=request.POST.get("clock", ""),
            working_days=_int(request.POST.get("working_days")) or 0,
            reason=request.POST.get("reason", ""))
    except KefuError as error:
        return _detail_with_error(request, actor, wo_id, "clocks", error)
    return HttpResponseRedirect(reverse("console:detail", args=[wo_id]))


@require_POST
@staff_view
def decide_extension(request: HttpRequest, actor: Actor, wo_id: int,
                     extension_id: int) -> HttpResponse:
    try:
        get_work_order(actor, wo_id)
        decide_deadline_extension(actor=actor, extension_id=extension_id,
                                  is_approved=request.POST.get("decision") == "approve",
                                  note=request.POST.get("note", ""))
    except KefuError as error:
        return _detail_with_error(request, actor, wo_id, "clocks", error)
    return HttpResponseRedirect(reverse("console:detail", args=[wo_id]))


@staff_view
def board(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The supervisor's view: team load, supervision, approvals, today's intake and SLA."""
    today = datetime.combine(timezone.now().astimezone(SHANGHAI).date(), time.min, SHANGHAI)
    compliance = sla_compliance(actor, group="clock", since=today - timedelta(days=30))
    return render(request, "console/board.html", {
        "actor": actor, "team": team_load(actor),
        "supervision": list_open_supervision(actor)[:50],
        "plans": list_pending_plan_approvals(actor)[:50],
        "extensions": list_pending_extensions(actor)[:50],
        "received_today": count_received_since(actor, today),
        "compliance": [r for r in compliance if r.rate is not None],
        "now": timezone.now(),
    })


@require_POST
@staff_view
def customer_lookup(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Customers with this exact number, each with recent work orders (an htmx fragment)."""
    phone = request.POST.get("customer_phone", "").strip()
    customers = list(find_customers_by_phone(actor, phone)[:5]) if len(phone) >= 11 else []
    for customer in customers:
        customer.recent = list_work_orders(  # type: ignore[attr-defined]
            actor, WorkOrderFilter(customer_id=customer.pk), limit=5)
    return render(request, "console/_customer_matches.html",
                  {"customers": customers, "phone": phone})


@staff_view
def customer_view(request: HttpRequest, actor: Actor, customer_id: int) -> HttpResponse:
    """Customer 360: masked details and every work order of theirs in scope, all channels."""
    try:
        customer = get_customer(actor, customer_id)
    except KefuError as error:
        return render(request, "console/error.html", {"message": _message(error)},
                      status=error.http_status)
    orders = list_work_orders(actor, WorkOrderFilter(customer_id=customer.pk), limit=200)
    return render(request, "console/customer.html",
                  {"actor": actor, "customer": customer, "orders": orders})


BULK_ACTIONS = {
    "assign": _("分派给"),
    "request_info": _("请客户补充"),
    "reject": _("不予受理（重复）"),
    "escalate": _("升级"),
}


@require_POST
@staff_view
def bulk(request: HttpRequest, actor: Actor) -> HttpResponse:
    """One action on many work orders; each row succeeds or fails on its own."""
    action = request.POST.get("action", "")
    text = request.POST.get("text", "").strip()
    handler_id = _int(request.POST.get("handler_id"))
    results = []
    for wo_id in [i for i in (_int(v) for v in request.POST.getlist("ids")) if i][:200]:
        try:
            if action == "assign":
                actions.assign_work_order(actor=actor, work_order_id=wo_id,
                                          handler_id=handler_id or 0, note=text)
            elif action == "escalate":
                actions.escalate_work_order(actor=actor, work_order_id=wo_id, reason=text)
            elif action == "request_info":
                perform_transition(actor=actor, work_order_id=wo_id, name="request_info",
                                   values={"question": text})
            elif action == "reject":
                perform_transition(actor=actor, work_order_id=wo_id, name="reject",
                                   values={"reject_reason": "duplicate", "note": text})
            else:
                raise InvalidInput("请选择批量操作", "Choose an action",
                                   fields={"action": list(BULK_ACTIONS)})
            results.append((wo_id, True, ""))
        except KefuError as error:
            results.append((wo_id, False, _message(error)))
    numbers = {wo.pk: wo.number for wo in
               scoped_numbers(actor, [r[0] for r in results])}
    rows = [(numbers.get(i, str(i)), i, ok, msg) for i, ok, msg in results]
    return render(request, "console/bulk_result.html", {
        "actor": actor, "rows": rows, "action": BULK_ACTIONS.get(action, action),
        "done": sum(1 for r in rows if r[2]), "failed": sum(1 for r in rows if not r[2])})


@require_POST
@staff_view
def saved_view(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Save the current queue filter under a name, or delete a saved one."""
    if request.POST.get("delete"):
        delete_view(actor=actor, view_id=_int(request.POST.get("delete")) or 0)
        return HttpResponseRedirect(reverse("console:queue"))
    query = request.POST.get("query", "")
    try:
        save_view(actor=actor, name=request.POST.get("name", ""), query=query)
    except KefuError as error:
        return render(request, "console/error.html", {"message": _message(error)},
                      status=error.http_status)
    return HttpResponseRedirect(f"{reverse('console:queue')}?{query}")


@require_POST
@staff_view
def find_by_phone(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Search the queue by phone without the number ever appearing in a URL or a log: the
    page is addressed by the number's keyed digest."""
    key = digest(normalise_phone(request.POST.get("phone", "")))
    return HttpResponseRedirect(f"{reverse('console:queue')}?view=all&phone_key={key}")


@staff_view
def attachment(request: HttpRequest, actor: Actor, wo_id: int, attachment_id: int
               ) -> HttpResponseBase:
    try:
        return attachment_response(get_attachment(actor, wo_id, attachment_id))
    except KefuError as error:
        return render(request, "console/error.html", {"message": _message(error)},
                      status=error.http_status)


def _day_after(day: datetime | None) -> datetime | None:
    """An inclusive "to" date becomes the exclusive start of the next day."""
    return day + timedelta(days=1) if day else None


@require_POST
@staff_view
def legal_hold(request: HttpRequest, actor: Actor, wo_id: int) -> HttpResponse:
    try:
        if request.POST.get("lift"):
            lift_legal_hold(actor=actor, work_order_id=wo_id,
                            reason=request.POST.get("reason", ""))
        else:
            set_legal_hold(actor=actor, work_order_id=wo_id,
                           reason=request.POST.get("reason", ""))
    except KefuError as error:
        return _detail_with_error(request, actor, wo_id, "hold", error)
    return HttpResponseRedirect(reverse("console:detail", args=[wo_id]))


@staff_view
def export_csv(request: HttpRequest, actor: Actor) -> HttpResponseBase:
    """The current queue filter as CSV, masked, streamed in pages; the export is audited."""
    params = request.GET
    filters = WorkOrderFilter(
        status=params.get("status") or None, kind=params.get("kind") or None,
        severity=params.get("severity") or None, channel=params.get("channel") or None,
        number=params.get("number") or None, phone_key=params.get("phone_key") or None,
        category_id=_int(params.get("category")), unit_id=_int(params.get("unit")),
        created_from=_date(params.get("from")), created_to=_day_after(_date(params.get("to"))))
    record_export(actor=actor, what="work_orders", query=params.urlencode())
    return StreamingHttpResponse(
        stream_work_orders_csv(actor, filters), content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="work-orders.csv"'})


@require_POST
@staff_view
def return_visit(request: HttpRequest, actor: Actor, wo_id: int) -> HttpResponse:
    def yes_no(name: str) -> bool | None:
        value = request.POST.get(name)
        return None if value not in ("yes", "no") else value == "yes"

    try:
        record_return_visit(actor=actor, work_order_id=wo_id,
                            reached=request.POST.get("reached") == "yes",
                            satisfied=yes_no("satisfied"), resolved=yes_no("resolved"),
                            comment=request.POST.get("comment", ""))
    except KefuError as error:
        return _detail_with_error(request, actor, wo_id, "visit", error)
    return HttpResponseRedirect(reverse("console:detail", args=[wo_id]))
