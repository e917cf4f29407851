"""Incidents in the console: the list with each notice clock, the report form, and the
incident page with its notices, corrections, recovery and review. The forms mark what 001
§7.2–7.4 require (`kefu.incidents.contents`) and the page lists what the report still
lacks."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from kefu.console.error_handling import ErrorPage, renders_errors
from kefu.console.views.base import parse_datetime_local, parse_int, staff_view
from kefu.errors import KefuError, StaleVersion
from kefu.incidents.actions import (
    IncidentChanges,
    IncidentReport,
    IncidentReview,
    NoticeInput,
    close_incident,
    issue_notice,
    recover_incident,
    report_incident,
    update_incident,
)
from kefu.incidents.contents import REVIEW_CONTENT, missing_for_notice
from kefu.incidents.models import (
    Incident,
    IncidentKind,
    IncidentLevel,
    IncidentStatus,
    NoticeAudience,
    NoticeChannel,
)
from kefu.incidents.permissions import can_command_incident, can_report_incident
from kefu.incidents.queries import INCIDENT_STATES, get_incident, list_incidents
from kefu.orgs.actors import Actor
from kefu.orgs.queries import list_units_in_scope
from kefu.sla.calendar import SHANGHAI
from kefu.sla.queries import clock_views

STATE_LABELS = {"open": _("处置中"), "closed": _("已结束"), "all": _("全部")}


def _choices(actor: Actor) -> dict[str, Any]:
    return {"kinds": IncidentKind.choices, "levels": IncidentLevel.choices,
            "audiences": NoticeAudience.choices, "channels": NoticeChannel.choices,
            "can_report": can_report_incident(actor),
            "can_command": can_command_incident(actor)}


@staff_view
def incidents(request: HttpRequest, actor: Actor) -> HttpResponseBase:
    if request.method == "POST":
        return _report(request, actor)
    return _list_page(request, actor, request.GET.get("state", "open"))


def _list_page(request: HttpRequest, actor: Actor, state: str, *, values: Any = None,
               error: KefuError | None = None) -> HttpResponse:
    rows = list(list_incidents(actor, state=state).prefetch_related("clocks__policy")[:500])
    return render(request, "console/incidents.html", {
        "actor": actor, "state": state, "states": [(s, STATE_LABELS[s]) for s in INCIDENT_STATES],
        "rows": [(i, clock_views(i.clocks.all())) for i in rows],
        "units": list_units_in_scope(actor).order_by("path"), "values": values or {},
        "error": error, **_choices(actor)})


def _report_form(request: HttpRequest, error: KefuError, actor: Actor) -> HttpResponse:
    """The list of open incidents again, the report as it was filled in, with the refusal."""
    return _list_page(request, actor, "open", values=request.POST, error=error)


@renders_errors(_report_form)
def _report(request: HttpRequest, actor: Actor) -> HttpResponse:
    post = request.POST
    report = IncidentReport(
        title=post.get("title", ""), kind=post.get("kind", ""),
        level=parse_int(post.get("level")) or 0, place=post.get("place", ""),
        occurred_at=parse_datetime_local(post.get("occurred_at")),
        detected_at=parse_datetime_local(post.get("detected_at")),
        affected_customers=parse_int(post.get("affected_customers")),
        affected_scope=post.get("affected_scope", ""),
        initial_cause=post.get("initial_cause", ""), measures=post.get("measures", ""),
        expected_recovery_at=parse_datetime_local(post.get("expected_recovery_at")),
        further_impact=post.get("further_impact", ""),
        unit_id=parse_int(post.get("unit_id")), is_drill=post.get("is_drill") == "on")
    incident = report_incident(actor=actor, report=report)
    return HttpResponseRedirect(reverse("console:incident", args=[incident.pk]))


@staff_view
def incident(request: HttpRequest, actor: Actor, incident_id: int) -> HttpResponse:
    return _page(request, actor, incident_id)


def _page(request: HttpRequest, actor: Actor, incident_id: int, *, form: str = "",
          error: KefuError | None = None) -> HttpResponse:
    found = get_incident(actor, incident_id)
    # A refused form is drawn again as it was typed, the others from the record; after a
    # stale version it is drawn from the record too, or saving again would overwrite the
    # other person's change with the fresh version.
    posted = request.POST if error and not isinstance(error, StaleVersion) else None
    return render(request, "console/incident.html", {
        "actor": actor, "incident": found,
        "clocks": clock_views(found.clocks.select_related("policy")),
        "notices": found.notices.all(), "events": found.events.all(),
        "missing": missing_for_notice(found), "errors": {form: error} if error else {},
        "open_form": form, "is_open": found.status != IncidentStatus.CLOSED,
        "report": _update_values(found, posted if form == "report" else None),
        "review": {name: posted.get(name, "") if posted and form == "recovery" else ""
                   for name in REVIEW_CONTENT},
        **_choices(actor)})


UPDATE_FIELDS = ("title", "level", "place", "affected_customers", "affected_scope",
                 "initial_cause", "measures", "expected_recovery_at", "further_impact")


def _update_values(incident: Incident, posted: MultiValueDict[str, str] | None
                   ) -> dict[str, str]:
    """The correction form's values: as posted when it was refused, else the report's."""
    if posted is not None:
        return {name: posted.get(name, "") for name in UPDATE_FIELDS}
    values = {name: str(getattr(incident, name)) for name in UPDATE_FIELDS}
    if incident.affected_customers is None:
        values["affected_customers"] = ""
    recovery = incident.expected_recovery_at
    values["expected_recovery_at"] = (f"{recovery.astimezone(SHANGHAI):%Y-%m-%dT%H:%M}"
                                      if recovery else "")
    return values


def _incident_form(form: str) -> ErrorPage:
    """The incident page again, `form` open with the error by it."""

    def page(request: HttpRequest, error: KefuError, actor: Actor,
             incident_id: int) -> HttpResponse:
        return _page(request, actor, incident_id, form=form, error=error)

    return page


def _back(incident_id: int, form: str) -> HttpResponse:
    return HttpResponseRedirect(reverse("console:incident", args=[incident_id]) + f"#{form}")


@require_POST
@staff_view
@renders_errors(_incident_form("report"))
def incident_update(request: HttpRequest, actor: Actor, incident_id: int) -> HttpResponse:
    post = request.POST
    changes = IncidentChanges(
        title=post.get("title"), level=parse_int(post.get("level")), place=post.get("place"),
        affected_customers=parse_int(post.get("affected_customers")),
        affected_scope=post.get("affected_scope"), initial_cause=post.get("initial_cause"),
        measures=post.get("measures"),
        expected_recovery_at=parse_datetime_local(post.get("expected_recovery_at")),
        further_impact=post.get("further_impact"))
    update_incident(actor=actor, incident_id=incident_id, changes=changes,
                    version=parse_int(post.get("version")))
    return _back(incident_id, "report")


@require_POST
@staff_view
@renders_errors(_incident_form("notices"))
def incident_notice(request: HttpRequest, actor: Actor, incident_id: int) -> HttpResponse:
    notice = NoticeInput(audience=request.POST.get("audience", ""),
                         channels=tuple(request.POST.getlist("channels")),
                         text=request.POST.get("text", ""))
    issue_notice(actor=actor, incident_id=incident_id, notice=notice)
    return _back(incident_id, "notices")


@require_POST
@staff_view
@renders_errors(_incident_form("recovery"))
def incident_recover(request: HttpRequest, actor: Actor, incident_id: int) -> HttpResponse:
    recover_incident(actor=actor, incident_id=incident_id, note=request.POST.get("note", ""))
    return _back(incident_id, "recovery")


@require_POST
@staff_view
@renders_errors(_incident_form("recovery"))
def incident_close(request: HttpRequest, actor: Actor, incident_id: int) -> HttpResponse:
    review = IncidentReview(**{name: request.POST.get(name, "") for name in REVIEW_CONTENT})
    close_incident(actor=actor, incident_id=incident_id, review=review)
    return _back(incident_id, "recovery")
