"""The incidents' part of the sweep: warn before a notice deadline, mark the breach and tell
the superior unit. Like the work order sweep it reads only clocks that are due, locks them
with SKIP LOCKED where the database can, and re-checks under the lock, so several sweepers
at once, or one run twice, warn and escalate each clock once."""

from __future__ import annotations

from datetime import datetime

from django.db import connection, transaction

from kefu.audit.actions import AuditRecord, record_audits
from kefu.audit.choices import AuditAction
from kefu.incidents.actions import record_event
from kefu.incidents.models import IncidentClock, IncidentEventType
from kefu.incidents.people import alert_units
from kefu.orgs.actors import SYSTEM
from kefu.sla.choices import ClockState
from kefu.sla.clocks import pass_due

_AUDITED = {IncidentEventType.NOTICE_WARNED: AuditAction.INCIDENT_NOTICE_WARNED,
            IncidentEventType.NOTICE_BREACHED: AuditAction.INCIDENT_NOTICE_BREACHED}


def sweep_incident_clocks(now: datetime, *, batch: int = 500) -> tuple[int, int]:
    """(warnings, breaches) of every incident clock due by `now`."""
    warnings = breaches = 0
    while True:
        handled, warned, breached = _sweep_batch(now, batch)
        warnings, breaches = warnings + warned, breaches + breached
        if handled < batch:
            return warnings, breaches


@transaction.atomic(durable=True)
def _sweep_batch(now: datetime, batch: int) -> tuple[int, int, int]:
    due = (IncidentClock.objects.filter(next_due_at__lte=now, state=ClockState.RUNNING)
           .order_by("next_due_at"))
    if connection.features.has_select_for_update_skip_locked:
        due = due.select_for_update(skip_locked=True, of=("self",))
    clocks = list(due.select_related("incident__unit__parent")[:batch])
    warned = breached = 0
    audits: list[AuditRecord] = []
    for clock in clocks:
        incident = clock.incident
        passed = pass_due(clock, now)
        if passed == ClockState.BREACHED:
            clock.next_due_at = None
            breached += 1
            kind, template = IncidentEventType.NOTICE_BREACHED, "incident_notice_breached"
            # The superior unit is told: reporting late is escalated, as a breach is.
            units = [incident.unit.parent or incident.unit]
        elif passed == ClockState.RUNNING:
            clock.next_due_at = clock.deadline
            warned += 1
            kind, template = IncidentEventType.NOTICE_WARNED, "incident_notice_warned"
            units = [incident.unit]
        else:
            clock.next_due_at = clock.deadline if clock.warned_at else clock.warn_at
            clock.save(update_fields=["next_due_at"])
            continue
        clock.save(update_fields=["state", "breached_at", "warned_at", "next_due_at"])
        record_event(incident, SYSTEM, kind, now,
                     data={"deadline": clock.deadline.isoformat()})
        alert_units(incident, units, template, deadline=clock.deadline)
        audits.append(AuditRecord(SYSTEM, _AUDITED[kind], "incident", incident.pk,
                                  {"clock": clock.clock, "deadline": clock.deadline}))
    if audits:
        record_audits(audits)
    return len(clocks), warned, breached
