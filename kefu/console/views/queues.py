"""Work queues: lists, bulk actions, saved views, phone search and the masked export."""


from __future__ import annotations

from datetime import timedelta
from functools import partial
from typing import Any

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
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from kefu.archive.exports import record_export, stream_work_orders_csv
from kefu.console.error_handling import error_text, refusal
from kefu.console.saved_views import delete_view, list_saved_views, save_view
from kefu.console.views.base import day_after, parse_date, parse_int, staff_view
from kefu.customers.crypto import digest
from kefu.customers.validators import normalise_phone
from kefu.errors import InvalidInput
from kefu.escalation.queries import appeals_with_external_number
from kefu.orgs.actors import Actor
from kefu.orgs.choices import CASEWORKER_ROLES
from kefu.orgs.queries import list_staff_in_scope, list_units_in_scope
from kefu.surveys.queries import pending_visit_ids
from kefu.workorders import actions
from kefu.workorders.choices import (
    Channel,
    Severity,
    WorkOrderKind,
    WorkOrderStatus,
)
from kefu.workorders.perform import perform_transition
from kefu.workorders.queries import (
    WorkOrderFilter,
    list_categories,
    list_work_orders,
    scoped_numbers,
)

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

@staff_view
def queue(request: HttpRequest, actor: Actor) -> HttpResponse:
    view = request.GET.get("view", "mine")
    params = request.GET
    base: dict[str, Any] = {
        "status": params.get("status") or None, "kind": params.get("kind") or None,
        "severity": params.get("severity") or None, "channel": params.get("channel") or None,
        "number": params.get("number") or None, "phone_key": params.get("phone_key") or None,
        "keyword": (params.get("q") or "")[:100] or None,
        "among": appeals_with_external_number(external)
        if (external := (params.get("external") or "")[:32]) else None,
        "category_id": parse_int(params.get("category")),
        "handler_id": parse_int(params.get("handler")),
        "unit_id": parse_int(params.get("unit")),
        "created_from": parse_date(params.get("from")),
        "created_to": day_after(parse_date(params.get("to"))),
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
        filters = WorkOrderFilter(**{**base, "among": pending_visit_ids()})
    elif view == "to_archive":
        filters = WorkOrderFilter(**{**base, "status": WorkOrderStatus.CLOSED})
    elif view == "approval":
        filters = WorkOrderFilter(**base, is_open=True, is_awaiting_approval=True)
    else:
        filters = WorkOrderFilter(**base)
    order = "due" if params.get("sort") == "due" or view == "due" else "newest"
    items = list_work_orders(actor, filters, before_id=parse_int(params.get("before")), limit=50,
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
        "staff": list_staff_in_scope(actor).filter(role__in=CASEWORKER_ROLES),
    })

BULK_ACTIONS = {
    "assign": _("分派给"),
    "request_info": _("请客户补充"),
    "reject": _("不予受理（重复）"),
    "escalate": _("升级"),
}

def _bulk_change(actor: Actor, action: str, wo_id: int, text: str,
                 handler_id: int | None) -> None:
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

@require_POST
@staff_view
def bulk(request: HttpRequest, actor: Actor) -> HttpResponse:
    """One action on many work orders; each row succeeds or fails on its own."""
    action = request.POST.get("action", "")
    text = request.POST.get("text", "").strip()
    handler_id = parse_int(request.POST.get("handler_id"))
    results = []
    for wo_id in [i for i in (parse_int(v) for v in request.POST.getlist("ids")) if i][:200]:
        error = refusal(partial(_bulk_change, actor, action, wo_id, text, handler_id))
        results.append((wo_id, error is None, error_text(error) if error else ""))
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
        delete_view(actor=actor, view_id=parse_int(request.POST.get("delete")) or 0)
        return HttpResponseRedirect(reverse("console:queue"))
    query = request.POST.get("query", "")
    save_view(actor=actor, name=request.POST.get("name", ""), query=query)
    return HttpResponseRedirect(f"{reverse('console:queue')}?{query}")

@require_POST
@staff_view
def find_by_phone(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Search the queue by phone without the number ever appearing in a URL or a log: the
    page is addressed by the number's keyed digest."""
    key = digest(normalise_phone(request.POST.get("phone", "")))
    return HttpResponseRedirect(f"{reverse('console:queue')}?view=all&phone_key={key}")

@staff_view
def export_csv(request: HttpRequest, actor: Actor) -> HttpResponseBase:
    """The current queue filter as CSV, masked, streamed in pages; the export is audited."""
    params = request.GET
    filters = WorkOrderFilter(
        status=params.get("status") or None, kind=params.get("kind") or None,
        severity=params.get("severity") or None, channel=params.get("channel") or None,
        number=params.get("number") or None, phone_key=params.get("phone_key") or None,
        keyword=(params.get("q") or "")[:100] or None,
        category_id=parse_int(params.get("category")), unit_id=parse_int(params.get("unit")),
        created_from=parse_date(params.get("from")),
        created_to=day_after(parse_date(params.get("to"))))
    record_export(actor=actor, what="work_orders", query=params.urlencode())
    return StreamingHttpResponse(
        stream_work_orders_csv(actor, filters), content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="work-orders.csv"'})

