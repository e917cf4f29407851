"""The notice clock of an incident (001 §7.3: major 2 hours, general 4 hours), counted by the
same policies and calendar as a work order's clocks. Called inside the actions' transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from kefu.incidents.models import Incident, IncidentClock
from kefu.sla.calendar import CalendarError
from kefu.sla.choices import ClockKind, ClockState
from kefu.sla.clocks import policy_for, schedule
from kefu.sla.models import SlaPolicy
from kefu.sla.queries import current_calendar


@dataclass(frozen=True)
class PolicyTerms:
    """An incident described in the terms policies match on: levels 1 and 2 are major."""

    kind: str
    category_id: int | None
    severity: str
    channel: str


def terms_of(incident: Incident) -> PolicyTerms:
    return PolicyTerms(kind="incident", category_id=None,
                       severity="major" if incident.is_major else "normal", channel="")


def start_notice_clock(incident: Incident) -> IncidentClock | None:
    """Start (or, before the first notice, restart) the notice clock from the detection. A
    clock already breached stays breached: changing the level does not undo lateness."""
    policies = list(SlaPolicy.objects.filter(clock=ClockKind.INCIDENT_NOTICE, is_active=True))
    policy = policy_for(ClockKind.INCIDENT_NOTICE, terms_of(incident), policies)
    if policy is None:
        return None
    clock = (IncidentClock.objects.filter(incident=incident, clock=ClockKind.INCIDENT_NOTICE)
             .select_for_update().first()
             or IncidentClock(incident=incident, clock=ClockKind.INCIDENT_NOTICE))
    if clock.pk is not None and clock.state != ClockState.RUNNING:
        return clock
    clock.policy = policy
    try:
        schedule(clock, current_calendar(), incident.detected_at)
    except CalendarError:
        return None
    clock.state = ClockState.RUNNING
    clock.warned_at = clock.finished_at = clock.breached_at = None
    clock.next_due_at = clock.warn_at
    clock.save()
    return clock


def meet_notice_clock(incident: Incident, now: datetime) -> bool:
    """The first notice went out: the clock is met, or breached when it was late. Returns
    whether it was late."""
    clock = (IncidentClock.objects.filter(incident=incident, clock=ClockKind.INCIDENT_NOTICE)
             .select_for_update().first())
    if clock is None or clock.finished_at is not None:
        return False
    late = clock.state == ClockState.BREACHED or clock.deadline < now
    if clock.state == ClockState.RUNNING:
        clock.state = ClockState.BREACHED if late else ClockState.MET
        if late:
            clock.breached_at = clock.deadline
    clock.finished_at, clock.next_due_at = now, None
    clock.save()
    return late
