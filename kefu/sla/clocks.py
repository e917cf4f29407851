"""Starting, meeting, pausing and stopping a work order's clocks, and keeping its
`next_due_at` and `is_overdue` right. Called by the work order actions inside their
transaction; never commits on its own."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Protocol

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from kefu.orgs.actors import Actor
from kefu.sla.calendar import SHANGHAI, CalendarError, Deadline, WorkCalendar
from kefu.sla.choices import ClockKind, ClockState, ClockUnit
from kefu.sla.models import SlaClock, SlaPolicy
from kefu.sla.queries import current_calendar
from kefu.sla.rules import (
    MEETS,
    PAUSES,
    RESTARTS,
    RESUMES,
    SELF_ACTING,
    START_ON_INTAKE,
    STARTS,
    STOPS,
)
from kefu.workorders.choices import EventType
from kefu.workorders.models import TimelineEvent, WorkOrder

OPEN = (ClockState.RUNNING, ClockState.PAUSED)


class PolicySubject(Protocol):
    """What a policy is matched on: a work order, or an incident described in its terms."""

    @property
    def kind(self) -> str: ...
    @property
    def category_id(self) -> int | None: ...
    @property
    def severity(self) -> str: ...
    @property
    def channel(self) -> str: ...


class ScheduledClock(Protocol):
    """A clock row of any owner: a work order's or an incident's."""

    policy: SlaPolicy
    started_at: datetime
    deadline: datetime
    warn_at: datetime
    is_provisional: bool


def policy_for(clock: ClockKind, work_order: PolicySubject,
               policies: list[SlaPolicy] | None = None) -> SlaPolicy | None:
    """The most specific active policy of `clock` that matches the work order (or incident)."""
    candidates = policies if policies is not None else list(
        SlaPolicy.objects.filter(clock=clock, is_active=True))
    best: SlaPolicy | None = None
    for policy in candidates:
        if policy.clock != clock or not policy.is_active:
            continue
        if not _matches(policy, work_order):
            continue
        if best is None or (policy.specificity, -policy.pk) > (best.specificity, -best.pk):
            best = policy
    return best


def _matches(policy: SlaPolicy, wo: PolicySubject) -> bool:
    return all((
        not policy.work_order_kind or policy.work_order_kind == wo.kind,
        policy.category_id is None or policy.category_id == wo.category_id,
        not policy.severity or policy.severity == wo.severity,
        not policy.channel or policy.channel == wo.channel,
    ))


def compute_deadline(calendar: WorkCalendar, start: datetime, policy: SlaPolicy) -> Deadline:
    unit = ClockUnit(policy.unit)
    if unit == ClockUnit.WORKING_DAYS:
        return calendar.add_working_days(start, policy.amount)
    if unit == ClockUnit.CALENDAR_DAYS:
        return calendar.add_calendar_days(start, policy.amount)
    minutes = policy.amount * (60 if unit == ClockUnit.HOURS else 1)
    return calendar.add_elapsed(start, timedelta(minutes=minutes))


def allowance_seconds(calendar: WorkCalendar, policy: SlaPolicy, start: datetime,
                      end: datetime) -> int:
    """The clock's own time from start to end: working time for working-day clocks."""
    if policy.unit == ClockUnit.WORKING_DAYS:
        return calendar.working_seconds_between(start, end)
    return int((end - start).total_seconds())


def after_clock_time(calendar: WorkCalendar, policy: SlaPolicy, start: datetime,
                     seconds: int) -> datetime:
    """The instant `seconds` of the clock's own time after `start`."""
    if policy.unit == ClockUnit.WORKING_DAYS:
        return calendar.instant_after_working_seconds(start, seconds)
    return start + timedelta(seconds=seconds)


def schedule(clock: ScheduledClock, calendar: WorkCalendar, start: datetime,
             cap: datetime | None = None) -> None:
    """Set the clock's deadline and warning instant for a start at `start`."""
    deadline = compute_deadline(calendar, start, clock.policy)
    allowance = allowance_seconds(calendar, clock.policy, start, deadline.at)
    clock.started_at, clock.deadline = start, deadline.at
    clock.warn_at = after_clock_time(calendar, clock.policy, start,
                           allowance * clock.policy.warn_percent // 100)
    clock.is_provisional = deadline.is_provisional
    apply_cap(clock, cap)


def apply_cap(clock: ScheduledClock, cap: datetime | None) -> None:
    """A deadline set from outside (a regulator's, 003 ch.8) is the latest the clock may show:
    the deadline moves back to it and the warning keeps its share of the shorter time."""
    if cap is None or clock.deadline <= cap:
        return
    span = (cap - clock.started_at).total_seconds()
    clock.deadline = cap
    clock.warn_at = min(clock.warn_at, clock.started_at + timedelta(
        seconds=max(0.0, span) * clock.policy.warn_percent / 100))


def start_clocks(wo: WorkOrder, kinds: tuple[ClockKind, ...], at: datetime,
                 calendar: WorkCalendar | None = None) -> list[SlaClock]:
    """Start (or restart) the given clocks that a policy covers: one query for the policies,
    one for the clocks already there, one insert for the new ones."""
    calendar = calendar or current_calendar()
    policies = list(SlaPolicy.objects.filter(clock__in=kinds, is_active=True))
    existing = {c.clock: c for c in SlaClock.objects.filter(work_order=wo, clock__in=kinds)}
    new: list[SlaClock] = []
    started: list[SlaClock] = []
    for kind in kinds:
        policy = policy_for(kind, wo, policies)
        if policy is None:
            continue
        clock = existing.get(kind) or SlaClock(work_order=wo, clock=kind)
        clock.policy = policy
        clock.state = ClockState.RUNNING
        clock.paused_at = clock.warned_at = clock.finished_at = clock.breached_at = None
        clock.paused_seconds = 0
        try:
            schedule(clock, calendar, at, wo.deadline_cap)
        except CalendarError:
            continue  # beyond the calendar's range: nothing sensible to count
        if clock.pk is None:
            new.append(clock)
        else:
            clock.save()
        started.append(clock)
    SlaClock.objects.bulk_create(new)
    return started


def start_intake_clocks(wo: WorkOrder, *, is_staff: bool) -> None:
    """A work order was received: start its clocks (staff intake confirms receipt at once)
    and set, on the instance only, when it is next due. The caller saves `next_due_at`."""
    now = timezone.now()
    calendar = current_calendar()
    policies = list(SlaPolicy.objects.filter(clock__in=START_ON_INTAKE, is_active=True))
    clocks = []
    for kind in START_ON_INTAKE:
        policy = policy_for(kind, wo, policies)
        if policy is None:
            continue
        clock = SlaClock(work_order=wo, clock=kind, policy=policy)
        try:
            schedule(clock, calendar, wo.received_at, wo.deadline_cap)
        except CalendarError:
            continue
        if is_staff and kind == ClockKind.CONFIRM:
            clock.state, clock.finished_at = ClockState.MET, now
        clocks.append(clock)
    SlaClock.objects.bulk_create(clocks)
    wo.next_due_at = next_due(clocks)


class SweptClock(Protocol):
    """A running clock as the sweep sees it, whoever owns it."""

    state: str
    deadline: datetime
    warn_at: datetime
    warned_at: datetime | None
    breached_at: datetime | None


def pass_due(clock: SweptClock, now: datetime) -> ClockState | None:
    """What the sweep does to a running clock whose moment may have come: at the deadline it
    is breached (and counts as warned), at its warning instant it is warned once. Returns
    BREACHED or RUNNING (warned now), or None when nothing was due."""
    if clock.deadline <= now:
        clock.state, clock.breached_at = ClockState.BREACHED, now
        clock.warned_at = clock.warned_at or now
        return ClockState.BREACHED
    if clock.warned_at is None and clock.warn_at <= now:
        clock.warned_at = now
        return ClockState.RUNNING
    return None


def next_due(clocks: list[SlaClock]) -> datetime | None:
    """The earliest unsent warning or deadline of the running clocks."""
    moments = [c.warn_at if c.warned_at is None else c.deadline
               for c in clocks if c.state == ClockState.RUNNING]
    return min(moments, default=None)


def on_transition(wo: WorkOrder, name: str, *, is_staff: bool) -> None:
    """Apply the clock rules of one lifecycle move: one read of the work order's clocks, one
    write of those that changed. The work order's `next_due_at` and `is_overdue` are set on
    the instance only; the caller saves them with the move itself."""
    now = timezone.now()
    clocks = list(SlaClock.objects.filter(work_order=wo).select_related("policy"))
    meets = set(MEETS.get(name, ())) | ({ClockKind.CONFIRM} if is_staff else set())
    calendar = current_calendar() if name in RESUMES else None
    changed: list[SlaClock] = []
    for clock in clocks:
        before = (clock.state, clock.finished_at, clock.paused_at, clock.deadline,
                  clock.breached_at)
        if clock.clock in meets or (name in STOPS and clock.clock != ClockKind.ARCHIVE):
            if clock.state in OPEN:
                if clock.clock not in meets:
                    clock.state = ClockState.STOPPED
                elif (clock.state == ClockState.RUNNING and clock.deadline < now
                      and clock.clock not in SELF_ACTING):
                    # Met after the deadline before a sweep noticed: late all the same.
                    clock.state, clock.breached_at = ClockState.BREACHED, clock.deadline
                else:
                    clock.state = ClockState.MET
                clock.finished_at = now
            elif clock.state == ClockState.BREACHED and clock.finished_at is None:
                # Met or ended after its deadline: it stays breached, finished all the same.
                clock.finished_at = now
        elif name in PAUSES and clock.state == ClockState.RUNNING:
            clock.state, clock.paused_at = ClockState.PAUSED, now
        elif name in RESUMES and clock.state == ClockState.PAUSED and calendar is not None:
            assert clock.paused_at is not None
            # The deadline moves by the clock time that passed while the customer had it.
            shift = allowance_seconds(calendar, clock.policy, clock.paused_at, now)
            clock.deadline = after_clock_time(calendar, clock.policy, clock.deadline, shift)
            clock.warn_at = after_clock_time(calendar, clock.policy, clock.warn_at, shift)
            clock.paused_seconds += shift
            clock.state, clock.paused_at = ClockState.RUNNING, None
            apply_cap(clock, wo.deadline_cap)
        if (clock.state, clock.finished_at, clock.paused_at, clock.deadline,
                clock.breached_at) != before:
            changed.append(clock)
    SlaClock.objects.bulk_update(
        changed, ["state", "finished_at", "paused_at", "deadline", "warn_at", "paused_seconds",
                  "breached_at"])
    kinds = STARTS.get(name, ()) + RESTARTS.get(name, ())
    if kinds:
        started = {c.clock: c for c in start_clocks(wo, kinds, now)}
        clocks = [started.get(c.clock, c) for c in clocks]
        clocks += [c for k, c in started.items() if all(o.clock != k for o in clocks)]
    _set_due(wo, clocks, save=False)


def refresh_due(wo: WorkOrder) -> None:
    """Recompute the work order's next due instant and overdue flag from its clocks."""
    _set_due(wo, list(SlaClock.objects.filter(work_order=wo)))


def _set_due(wo: WorkOrder, clocks: list[SlaClock], *, save: bool = True) -> None:
    due = next_due(clocks)
    overdue = any(c.state == ClockState.BREACHED and c.finished_at is None for c in clocks)
    if (due, overdue) != (wo.next_due_at, wo.is_overdue):
        if save:
            WorkOrder.objects.filter(pk=wo.pk).update(next_due_at=due, is_overdue=overdue)
        wo.next_due_at, wo.is_overdue = due, overdue


def recompute_open_clocks(first_day: date, last_day: date, *, actor: Actor, reason: str,
                          batch: int = 2000) -> int:
    """After a calendar change on [first_day, last_day]: recompute every running or paused
    day-counting clock whose period touches those days, pauses kept, and the due instants of
    their work orders. Each work order whose deadline moved has it on its timeline: old and
    new deadline and why. Returns how many clocks changed."""
    calendar = current_calendar()
    span_start = datetime.combine(first_day, datetime.min.time(), SHANGHAI)
    span_end = datetime.combine(last_day + timedelta(days=1), datetime.min.time(), SHANGHAI)
    touched = (SlaClock.objects.filter(state__in=OPEN, started_at__lt=span_end,
                                       deadline__gte=span_start)
               .exclude(policy__unit__in=[ClockUnit.HOURS, ClockUnit.MINUTES])
               .select_related("policy").annotate(cap=F("work_order__deadline_cap"))
               .order_by("id"))
    changed_total, last_id = 0, 0
    while True:
        clocks = list(touched.filter(id__gt=last_id)[:batch])
        if not clocks:
            return changed_total
        last_id = clocks[-1].pk
        changed, moves = [], defaultdict(list)
        for clock in clocks:
            before = (clock.deadline, clock.warn_at, clock.is_provisional)
            old_deadline = clock.deadline
            started, paused = clock.started_at, clock.paused_seconds
            schedule(clock, calendar, started)
            clock.deadline = after_clock_time(calendar, clock.policy, clock.deadline, paused)
            clock.warn_at = after_clock_time(calendar, clock.policy, clock.warn_at, paused)
            clock.paused_seconds = paused
            apply_cap(clock, clock.cap)
            if (clock.deadline, clock.warn_at, clock.is_provisional) != before:
                changed.append(clock)
            if clock.deadline != old_deadline:
                moves[clock.work_order_id].append({
                    "clock": clock.clock, "from": old_deadline.isoformat(),
                    "to": clock.deadline.isoformat()})
        SlaClock.objects.bulk_update(changed, ["deadline", "warn_at", "is_provisional"])
        for wo in WorkOrder.objects.filter(pk__in={c.work_order_id for c in changed}):
            refresh_due(wo)
        _record_moves(moves, actor, reason)
        changed_total += len(changed)


def _record_moves(moves: dict[int, list[dict[str, str]]], actor: Actor, reason: str) -> None:
    """The moved deadlines on each work order's timeline, its version bumped (its ETag with
    it): a deadline never moves without the record saying when, from what, to what and why."""
    if not moves:
        return
    now = timezone.now()
    TimelineEvent.objects.bulk_create([
        TimelineEvent(work_order_id=wo_id, at=now, event_type=EventType.DEADLINE_RECOMPUTED,
                      actor_role=str(actor.role), actor_user_id=actor.user_id,
                      actor_name=actor.name, note=reason, data={"clocks": clocks})
        for wo_id, clocks in moves.items()])
    WorkOrder.objects.filter(pk__in=list(moves)).update(version=F("version") + 1)


def stop_auto_close(work_order_id: int) -> None:
    """Stop an auto-close clock whose work order moved on before the closure (reopened,
    withdrawn), so the sweep does not return to it."""
    with transaction.atomic():
        SlaClock.objects.filter(work_order_id=work_order_id, clock=ClockKind.AUTO_CLOSE,
                                state=ClockState.RUNNING).update(
            state=ClockState.STOPPED, finished_at=timezone.now())
