"""Which closed complaints get a return visit (回访, SPEC §15): every major and urgent one, and
of each unit's normal ones an exact share, rounded up, per calendar month in Beijing time.

The k-th normal complaint a unit closes in a month gets a visit exactly when the visits so far
fall short of ceil(share × k / 100). With one share all month that is the rule
ceil(share×k/100) > ceil(share×(k−1)/100): at 30 % the 1st, 4th, 7th and 10th, so after every
closure the count is the rounded-up share, and a re-run gives the same visits. When the share
is changed mid-month the count catches up with (or waits for) the new share instead of
starting over. Each unit and month has one counter row, locked by the closure, so two
closures at once take consecutive places, never the same one (decision 0017)."""

from __future__ import annotations

import math
from datetime import date, datetime

from django.utils import timezone

from kefu.sla.calendar import SHANGHAI
from kefu.sla.queries import current_calendar
from kefu.surveys.models import ReturnVisit, ReturnVisitPolicy, SamplingDraw, SamplingTally
from kefu.workorders.choices import Severity, WorkOrderKind
from kefu.workorders.models import WorkOrder

DEFAULT_SHARE = 30
# Complaints, and appeals: complaints taken a tier up. Other kinds are not visited.
VISITED_KINDS = frozenset({WorkOrderKind.COMPLAINT, WorkOrderKind.APPEAL})


def policy_for(wo: WorkOrder) -> ReturnVisitPolicy:
    """The most specific sampling rule for the work order (unit and category beat blanks)."""
    best, score = ReturnVisitPolicy(normal_share=DEFAULT_SHARE), -1
    for policy in ReturnVisitPolicy.objects.all():
        if policy.unit_id not in (None, wo.unit_id) or policy.category_id not in (
                None, wo.category_id):
            continue
        points = (policy.unit_id is not None) + (policy.category_id is not None)
        if points > score:
            best, score = policy, points
    return best


def sampling_month(at: datetime) -> date:
    """The period a closure counts in: the first day of its calendar month in Beijing."""
    return at.astimezone(SHANGHAI).date().replace(day=1)


def visits_due(share: int, closed: int) -> int:
    """How many of `closed` normal complaints the share asks to visit, rounded up."""
    return math.ceil(max(0, min(share, 100)) * closed / 100)


def draw(wo: WorkOrder, policy: ReturnVisitPolicy, at: datetime) -> bool:
    """Whether this normal complaint's closure gets a visit; takes its place in the unit's
    month. Called inside the closure's transaction, which already holds the work order."""
    tally, _ = SamplingTally.objects.select_for_update().get_or_create(
        unit_id=wo.unit_id, month=sampling_month(at), category_key=policy.category_id or 0)
    earlier = SamplingDraw.objects.filter(tally=tally, work_order=wo).first()
    if earlier is not None:
        # Closed again in the same month: still one complaint of the period, counted once.
        return earlier.is_visited
    tally.closed += 1
    visited = tally.visited < visits_due(policy.normal_share, tally.closed)
    tally.visited += int(visited)
    tally.save(update_fields=["closed", "visited"])
    SamplingDraw.objects.create(work_order=wo, tally=tally, ordinal=tally.closed,
                                is_visited=visited, drawn_at=at)
    return visited


def schedule_return_visit(wo: WorkOrder) -> ReturnVisit | None:
    """Called by the close action inside its transaction: a visit task for this closure when
    the rule picks it."""
    if wo.kind not in VISITED_KINDS:
        return None
    policy = policy_for(wo)
    now = wo.closed_at or timezone.now()
    if wo.severity == Severity.NORMAL and not draw(wo, policy, now):
        return None
    due = current_calendar().add_working_days(now, policy.working_days).at
    return ReturnVisit.objects.create(work_order=wo, unit_id=wo.unit_id, scheduled_at=now,
                                      due_at=due)
