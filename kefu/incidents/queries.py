"""Reads of incidents, through the actor's scope: a unit sees its own incidents and those of
the units below it."""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone

from kefu.errors import InvalidInput, NotFound
from kefu.incidents.models import Incident, IncidentClock, IncidentStatus
from kefu.orgs.actors import Actor
from kefu.orgs.models import OrgUnit
from kefu.orgs.queries import list_units_in_scope
from kefu.sla.queries import ComplianceRow, compliance_counts

INCIDENT_STATES = ("open", "closed", "all")


def scoped_incidents(actor: Actor) -> QuerySet[Incident]:
    if actor.is_system:
        return Incident.objects.all()
    if not actor.is_staff:
        return Incident.objects.none()
    return Incident.objects.filter(unit__in=list_units_in_scope(actor))


def list_incidents(actor: Actor, *, state: str = "open") -> QuerySet[Incident]:
    """Open ones (being handled or recovered, not yet reviewed) newest first, or closed, or
    all."""
    if state not in INCIDENT_STATES:
        raise InvalidInput("状态取值无效", "Unknown state",
                           fields={"state": [" | ".join(INCIDENT_STATES)]})
    incidents = scoped_incidents(actor).select_related("unit")
    if state == "open":
        incidents = incidents.exclude(status=IncidentStatus.CLOSED)
    elif state == "closed":
        incidents = incidents.filter(status=IncidentStatus.CLOSED)
    return incidents.order_by("-detected_at", "-id")


def get_incident(actor: Actor, incident_id: int) -> Incident:
    incident = (scoped_incidents(actor).select_related("unit", "unit__parent")
                .filter(pk=incident_id).first())
    if incident is None:
        raise NotFound("突发事件不存在", "No such incident")
    return incident


def notice_compliance(actor: Actor, *, since: datetime | None = None,
                      until: datetime | None = None) -> list[ComplianceRow]:
    """Notices issued in time against late ones, per unit, over the incidents in scope detected
    in [since, until). Drills are exercises, not the record: they are left out."""
    incidents = scoped_incidents(actor).filter(is_drill=False)
    if since:
        incidents = incidents.filter(detected_at__gte=since)
    if until:
        incidents = incidents.filter(detected_at__lt=until)
    rows = (IncidentClock.objects.filter(incident__in=incidents.values("id"))
            .values("incident__unit").annotate(**compliance_counts(timezone.now()))
            .order_by("incident__unit"))
    names = dict(OrgUnit.objects.filter(pk__in=[r["incident__unit"] for r in rows])
                 .values_list("id", "name"))
    return [ComplianceRow(key=str(r["incident__unit"]), label=names[r["incident__unit"]],
                          met=r["met"], breached=r["breached"], running_late=r["late"])
            for r in rows]
