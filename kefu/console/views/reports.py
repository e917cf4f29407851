"""Views for supervisors and managers: the team board, SLA compliance and survey results."""


from __future__ import annotations

from datetime import datetime, time, timedelta

from django.http import (
    HttpRequest,
    HttpResponse,
)
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.console.views.base import day_after, parse_date, staff_view
from kefu.escalation.permissions import can_decide_escalation
from kefu.escalation.queries import (
    appeal_figures,
    list_open_subtasks,
    list_open_supervision,
    list_pending_escalation_requests,
)
from kefu.incidents.queries import notice_compliance
from kefu.knowledge.queries import deflection
from kefu.orgs.actors import Actor
from kefu.sla.calendar import SHANGHAI
from kefu.sla.queries import list_pending_extensions, sla_compliance
from kefu.surveys.permissions import can_decide_reopen_proposal
from kefu.surveys.queries import (
    GROUPS,
    list_pending_reopen_proposals,
    return_visit_figures,
    survey_results,
)
from kefu.workorders.queries import (
    count_received_since,
    list_pending_plan_approvals,
    reopen_rate,
    team_load,
)


@staff_view
def sla_report(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Clocks met on time against breached, per clock kind, unit and category."""
    since, until = parse_date(request.GET.get("from")), parse_date(request.GET.get("to"))
    tables = [
        (_("按时限"), sla_compliance(actor, group="clock", since=since, until=until)),
        (_("按单位"), sla_compliance(actor, group="unit", since=since, until=until)),
        (_("按分类"), sla_compliance(actor, group="category", since=since, until=until)),
        (_("突发事件通报（按单位）"), notice_compliance(actor, since=since, until=until)),
    ]
    return render(request, "console/sla.html", {
        "actor": actor, "tables": tables, "since": request.GET.get("from", ""),
        "until": request.GET.get("to", "")})

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
        "escalation_requests": list_pending_escalation_requests(actor)[:50]
        if can_decide_escalation(actor) else [],
        "reopen_proposals": list_pending_reopen_proposals(actor)[:50]
        if can_decide_reopen_proposal(actor) else [],
        "subtasks": list_open_subtasks(actor)[:50],
        "appeals": appeal_figures(actor, since=today - timedelta(days=30)),
        "received_today": count_received_since(actor, today),
        "reopens": reopen_rate(actor, since=today - timedelta(days=30)),
        "deflection": deflection(since=(today - timedelta(days=30)).date(),
                                 until=today.date()),
        "compliance": [r for r in compliance if r.rate is not None],
        "now": timezone.now(),
    })



SURVEY_GROUPS = {"agent": _("按处理人"), "team": _("按班组"), "unit": _("按单位"),
                 "category": _("按分类"), "channel": _("按渠道")}


@staff_view
def surveys_report(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Satisfaction survey results: response rate, CSAT, resolved and NPS, with a chart; and
    the return visits of the same period, whose response rate counts against their tasks."""
    group = request.GET.get("group", "unit")
    since = parse_date(request.GET.get("from"))
    until = day_after(parse_date(request.GET.get("to")))
    rows = survey_results(actor, group=group, since=since, until=until)
    return render(request, "console/surveys.html", {
        "actor": actor, "rows": rows, "group": group,
        "visits": return_visit_figures(actor, since=since, until=until),
        "groups": [(g, SURVEY_GROUPS[g]) for g in GROUPS],
        "since": request.GET.get("from", ""), "until": request.GET.get("to", ""),
        "totals": {"sent": sum(r.sent for r in rows),
                   "answered": sum(r.answered for r in rows)},
    })
