"""Demo data: one login per role, timelines the lifecycle could produce, and nothing twice."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from kefu.audit.queries import verify_audit_chain
from kefu.customers.models import Customer
from kefu.incidents.models import Incident, IncidentClock
from kefu.incidents.sweeper import sweep_incident_clocks
from kefu.orgs.models import OrgUnit, Staff
from kefu.workorders.models import TimelineEvent, WorkOrder
from kefu.workorders.transitions import TRANSITIONS

pytestmark = pytest.mark.django_db


def test_demo_seed(settings: Any, tmp_path: Path) -> None:
    settings.DATA_DIR = tmp_path
    call_command("seed", "--demo-work-orders", "150")
    logins = (tmp_path / "demo-logins.txt").read_text(encoding="utf-8").splitlines()
    assert stat.S_IMODE((tmp_path / "demo-logins.txt").stat().st_mode) == 0o600
    portal_phone = (tmp_path / "demo-portal.txt").read_text(encoding="utf-8").strip()
    assert len(portal_phone) == 11 and portal_phone.startswith("1")
    roles = {line.split()[0]: line.split()[2] for line in logins}
    assert set(roles) == {"agent", "handler", "supervisor", "manager", "qa", "archivist",
                          "editor", "reviewer", "admin", "auditor", "customer"}
    username, password, _ = logins[0].split()
    assert authenticate(username=username, password=password) is not None
    assert OrgUnit.objects.filter(level="province").count() == 2
    assert OrgUnit.objects.filter(level="city").count() == 6
    assert Customer.objects.count() == 200
    assert WorkOrder.objects.count() == 150
    assert len(set(WorkOrder.objects.values_list("status", flat=True))) >= 8
    assert Staff.objects.get(user__username="agent").unit.level == "city"
    # incidents: one in time, one whose notice the first sweep will find late, a closed drill
    assert sorted(Incident.objects.values_list("status", "is_drill")) == [
        ("closed", True), ("open", False), ("open", False)]
    assert sweep_incident_clocks(timezone.now()) == (0, 1)
    assert sorted(IncidentClock.objects.values_list("incident__is_drill", "state")) == [
        (False, "breached"), (False, "running"), (True, "met")]  # the drill notified in time
    for wo in WorkOrder.objects.all()[:40]:
        events = list(TimelineEvent.objects.filter(work_order=wo, event_type="transitioned")
                      .order_by("id"))
        status = "received"
        for event in events:
            assert event.from_status == status
            assert status in TRANSITIONS[event.transition].sources
            status = event.to_status
        assert status == wo.status
        stamps = [e.at for e in TimelineEvent.objects.filter(work_order=wo).order_by("id")]
        assert stamps == sorted(stamps) and stamps[0] == wo.received_at
    assert verify_audit_chain().ok
    with pytest.raises(CommandError):
        call_command("seed")
    call_command("seed", "--if-empty")
    assert WorkOrder.objects.count() == 150
