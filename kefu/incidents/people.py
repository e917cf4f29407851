"""Who hears about an incident: the supervisors and managers of the units concerned."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.utils import timezone

from kefu.incidents.models import Incident
from kefu.notify.actions import enqueue_message
from kefu.notify.choices import MessageChannel
from kefu.orgs.choices import Role
from kefu.orgs.models import OrgUnit, Staff


def alert_units(incident: Incident, units: Iterable[OrgUnit | None], template: str, *,
                roles: tuple[Role, ...] = (Role.SUPERVISOR, Role.MANAGER),
                deadline: datetime | None = None, **context: Any) -> int:
    """E-mail the staff of `roles` in `units` about the incident; returns how many."""
    unit_ids = {u.pk for u in units if u is not None}
    emails = (Staff.objects.filter(unit_id__in=unit_ids, role__in=roles)
              .exclude(user__email="").values_list("user__email", flat=True).distinct())
    local = timezone.get_current_timezone()
    values = {"number": incident.number, "title": incident.title,
              "unit": incident.unit.name, "level": incident.get_level_display(),
              "level_no": incident.level,
              "detected": f"{incident.detected_at.astimezone(local):%Y-%m-%d %H:%M}",
              "deadline": f"{deadline.astimezone(local):%Y-%m-%d %H:%M}" if deadline else "",
              **context}
    sent = 0
    for email in emails:
        if enqueue_message(channel=MessageChannel.EMAIL, recipient=email, template=template,
                           context=values):
            sent += 1
    return sent
