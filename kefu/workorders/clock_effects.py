"""What a sweep batch's warnings and breaches do to the work orders: the timeline events, the
e-mails to the owner and the unit's supervisors, the audit entries, and at a breach the move
one tier up with the responsible unit (SPEC §15). Written in bulk for the whole batch.

New rows are kept as column values: thousands of model instances would cost more than the
rows' own writing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import Any, Protocol

from django.utils import timezone

from kefu.audit.actions import AuditRecord
from kefu.audit.choices import AuditAction
from kefu.db import insert_rows
from kefu.notify.actions import outbox_state
from kefu.notify.choices import MessageChannel
from kefu.notify.models import OutboxMessage
from kefu.notify.templates_text import render_message
from kefu.orgs.actors import SYSTEM
from kefu.orgs.choices import Role
from kefu.orgs.models import Staff
from kefu.orgs.queries import UnitTree, unit_tree
from kefu.workorders.choices import EventType
from kefu.workorders.models import TimelineEvent, WorkOrder
from kefu.workorders.reactions import Breach

# The work order fields a breach changes, besides what the clocks project onto it.
BREACH_FIELDS = ("tier", "unit", "is_escalated", "version")


class SweptClock(Protocol):
    clock: str
    deadline: datetime


@dataclass
class ClockEffects:
    """The rows one batch writes for its warnings and breaches, and what it needs to know to
    write them: who is told, the unit tree, the clocks' names in Chinese."""

    now: datetime
    units: UnitTree
    owner_emails: dict[int, str]
    supervisor_emails: dict[int, list[str]]
    labels: dict[str, str]
    tz: tzinfo
    events: list[dict[str, Any]] = field(default_factory=list)
    audits: list[AuditRecord] = field(default_factory=list)
    messages: list[dict[str, Any]] = field(default_factory=list)
    breaches: list[Breach] = field(default_factory=list)

    @classmethod
    def for_orders(cls, orders: list[WorkOrder], now: datetime,
                   labels: dict[str, str]) -> ClockEffects:
        owners = dict(Staff.objects.filter(pk__in={wo.owner_id for wo in orders})
                      .exclude(user__email="").values_list("id", "user__email"))
        supervisors: dict[int, list[str]] = {}
        for unit_id, email in (Staff.objects.filter(unit__in={wo.unit_id for wo in orders},
                                                    role=Role.SUPERVISOR)
                               .exclude(user__email="").values_list("unit_id", "user__email")):
            supervisors.setdefault(unit_id, []).append(email)
        return cls(now, unit_tree(), owners, supervisors, labels,
                   timezone.get_current_timezone())

    def warn(self, wo: WorkOrder, clock: SweptClock) -> None:
        self.events.append(self._event(wo, EventType.SLA_WARNED, clock))
        self.audits.append(AuditRecord(SYSTEM, AuditAction.SLA_WARNED, "work_order", wo.pk,
                                       {"clock": clock.clock, "deadline": clock.deadline}))
        self._tell_staff(wo, "sla_warned", clock)

    def breach(self, wo: WorkOrder, breached: Sequence[SweptClock]) -> None:
        """The superior unit takes it over: the parent of the responsible unit in the org
        tree, the tier the parent's (SPEC §15; the handler keeps working on it and still sees
        it); the owner and supervisors told. The caller saves `BREACH_FIELDS`."""
        names = [c.clock for c in breached]
        for clock in breached:
            self.events.append(self._event(wo, EventType.SLA_BREACHED, clock))
            self._tell_staff(wo, "sla_breached", clock)
        parent = self.units.get(wo.unit_id, (None, wo.tier))[0]
        if parent is not None:
            wo.unit_id, wo.tier = parent, self.units[parent][1]
        wo.is_escalated = True
        wo.version += 1
        self.audits.append(AuditRecord(SYSTEM, AuditAction.SLA_BREACHED, "work_order", wo.pk,
                                       {"clocks": names, "tier": wo.tier, "unit": wo.unit_id}))
        self.breaches.append(Breach(wo.pk, wo.unit_id, tuple(names),
                                    tuple(self.labels[n] for n in names)))

    def write(self) -> None:
        """The events and messages; the audit entries are the caller's last write."""
        insert_rows(TimelineEvent, self.events)
        insert_rows(OutboxMessage, self.messages)

    def _event(self, wo: WorkOrder, kind: EventType, clock: SweptClock) -> dict[str, Any]:
        return {
            "work_order_id": wo.pk, "at": self.now, "event_type": kind, "actor_role": "system",
            "actor_user_id": None, "actor_name": "system", "note": self.labels[clock.clock],
            "data": {"clock": clock.clock, "deadline": clock.deadline.isoformat()},
            "is_customer_visible": False}

    def _tell_staff(self, wo: WorkOrder, template: str, clock: SweptClock) -> None:
        """E-mail to the work order's owner and the supervisors of its unit."""
        recipients = dict.fromkeys([self.owner_emails.get(wo.owner_id or 0, ""),
                                    *self.supervisor_emails.get(wo.unit_id, [])])
        deadline = clock.deadline.astimezone(self.tz)
        subject, body = render_message(template, "zh-hans", {
            "number": wo.number, "clock": self.labels[clock.clock],
            "deadline": f"{deadline:%Y-%m-%d %H:%M}"})
        self.messages += [
            {"channel": MessageChannel.EMAIL, "recipient": email, "template": template,
             "subject": subject, "body": body, "work_order_id": wo.pk,
             "next_attempt_at": self.now, **outbox_state()}
            for email in recipients if email]
