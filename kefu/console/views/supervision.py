"""The supervision ledger (督办台账) and its changes from the work order page."""

from __future__ import annotations

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

from kefu.archive.exports import record_export, stream_supervision_csv
from kefu.console.error_handling import renders_errors
from kefu.console.views.base import detail_form, parse_int, staff_view
from kefu.escalation.actions import (
    close_supervision,
    open_supervision,
    report_supervision_progress,
)
from kefu.escalation.queries import SUPERVISION_STATES, list_supervision
from kefu.orgs.actors import Actor

STATE_LABELS = {"open": _("督办中"), "overdue": _("已逾期"), "closed": _("已结束"),
                "all": _("全部")}


@staff_view
def ledger(request: HttpRequest, actor: Actor) -> HttpResponse:
    state = request.GET.get("state", "open")
    entries = list(list_supervision(actor, state=state)[:500])
    return render(request, "console/supervision.html", {
        "actor": actor, "entries": entries, "state": state, "now": timezone.now(),
        "states": [(s, STATE_LABELS[s]) for s in SUPERVISION_STATES]})


@staff_view
def ledger_csv(request: HttpRequest, actor: Actor) -> HttpResponseBase:
    state = request.GET.get("state", "all")
    if state not in SUPERVISION_STATES:
        state = "all"
    record_export(actor=actor, what="supervision", query=f"state={state}")
    return StreamingHttpResponse(
        stream_supervision_csv(actor, state), content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="supervision.csv"'})


def _back(wo_id: int) -> HttpResponse:
    return HttpResponseRedirect(reverse("console:detail", args=[wo_id]) + "#supervision")


@require_POST
@staff_view
@renders_errors(detail_form("supervision"))
def supervise(request: HttpRequest, actor: Actor, wo_id: int) -> HttpResponse:
    open_supervision(actor=actor, work_order_id=wo_id,
                     detail=request.POST.get("detail", ""),
                     working_days=parse_int(request.POST.get("working_days")) or 0,
                     report_every_working_days=parse_int(
                         request.POST.get("report_every_working_days")) or 0)
    return _back(wo_id)


@require_POST
@staff_view
@renders_errors(detail_form("supervision"))
def supervision_report(request: HttpRequest, actor: Actor, wo_id: int,
                       entry_id: int) -> HttpResponse:
    report_supervision_progress(actor=actor, entry_id=entry_id,
                                progress=request.POST.get("progress", ""))
    return _back(wo_id)


@require_POST
@staff_view
@renders_errors(detail_form("supervision"))
def supervision_close(request: HttpRequest, actor: Actor, wo_id: int,
                      entry_id: int) -> HttpResponse:
    close_supervision(actor=actor, entry_id=entry_id,
                      evaluation=request.POST.get("evaluation", ""),
                      note=request.POST.get("note", ""))
    return _back(wo_id)
