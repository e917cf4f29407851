"""Demo data: one login per role, timelines the lifecycle could produce, and nothing twice."""

from __future__ import annotations

import re
import stat
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from kefu.audit.queries import verify_audit_chain
from kefu.customers.crypto import digest
from kefu.customers.models import Customer
from kefu.incidents.models import Incident, IncidentClock
from kefu.incidents.sweeper import sweep_incident_clocks
from kefu.jobs import sweep
from kefu.notify.dispatcher import dispatch_once
from kefu.notify.models import OutboxMessage
from kefu.orgs.models import OrgUnit, Staff
from kefu.sla.models import SlaClock
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
    # The customer line says how a customer signs in: their number and an SMS code.
    customer_line = next(line for line in logins if line.startswith("customer "))
    assert customer_line.split()[1] == portal_phone and "sms.log" in customer_line
    assert not get_user_model().objects.filter(username="customer").exists()
    portal_customer = Customer.objects.get(phone_digest=digest(portal_phone))
    assert portal_customer.unit.parent == Staff.objects.get(user__username="agent").unit
    assert OrgUnit.objects.filter(level="province").count() == 2
    assert OrgUnit.objects.filter(level="city").count() == 6
    assert Customer.objects.count() == 200
    assert WorkOrder.objects.count() == 150
    assert len(set(WorkOrder.objects.values_list("status", flat=True))) >= 8
    assert Staff.objects.get(user__username="agent").unit.level == "city"
    # incidents: one in time, one whose notice is late, a closed drill
    assert sorted(Incident.objects.values_list("status", "is_drill")) == [
        ("closed", True), ("open", False), ("open", False)]
    assert sorted(IncidentClock.objects.values_list("incident__is_drill", "state")) == [
        (False, "breached"), (False, "running"), (True, "met")]  # the drill notified in time
    # The demo is consistent with its clocks: the load ended with the sweep that brings them
    # to now, its messages recorded and none to send, so the server's first sweep is quiet.
    assert not (tmp_path / "demo-loading").exists()
    assert not OutboxMessage.objects.filter(status="pending").exists()
    assert set(OutboxMessage.objects.values_list("last_error", flat=True)) == {
        "demo data: not delivered"}
    assert SlaClock.objects.filter(state="breached").exists()
    stats = sweep(timezone.now())
    assert (stats.warnings, stats.breaches, stats.closed) == (0, 0, 0)
    assert sweep_incident_clocks(timezone.now()) == (0, 0)
    assert not OutboxMessage.objects.filter(status="pending").exists()
    assert dispatch_once(500).claimed == 0 and not (tmp_path / "sms.log").exists()
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


def test_first_start_serves_while_the_history_loads(settings: Any, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """`scripts/run` loads what signing in needs, serves, and lets the server load the rest:
    the login page counts it, the clock sweeps wait for it, an interrupted load goes on from
    where it stopped, and two loaders never run at once."""
    from kefu import runtime
    from kefu.jobs import JOBS
    from kefu.seeding import demo
    from kefu.seeding.progress import demo_load_lock, read_demo_load

    settings.DATA_DIR = tmp_path
    call_command("seed", "--if-empty", "--background", "--demo-work-orders", "12")
    assert (tmp_path / "demo-logins.txt").exists() and WorkOrder.objects.count() == 0
    load = read_demo_load(tmp_path)
    assert load is not None and (load.done, load.total) == (0, 12)
    page = Client().get("/console/login/").content.decode()
    assert "演示数据正在后台加载" in page and "0 / 12" in page
    english = Client()
    english.cookies["django_language"] = "en"
    assert "Demo data is loading in the background: 0 of 12" in english.get(
        "/console/login/").content.decode()
    waiting = {job.name for job in JOBS if not runtime.is_due(job)}
    assert waiting == {"sla-sweeper", "retention", "knowledge-expiry"}  # the outbox delivers
    real = demo._demo_work_order

    def interrupted(rng: Any, customer: Any, desks: Any, categories: Any, index: int) -> None:
        if index == 5:
            raise KeyboardInterrupt
        real(rng, customer, desks, categories, index)

    monkeypatch.setattr(demo, "_demo_work_order", interrupted)
    call_command("seed", "--resume")
    assert WorkOrder.objects.count() == 5 and read_demo_load(tmp_path).done == 5  # type: ignore[union-attr]
    monkeypatch.setattr(demo, "_demo_work_order", real)
    with demo_load_lock(tmp_path):
        call_command("seed", "--resume")  # another process holds the lock: nothing done
    assert WorkOrder.objects.count() == 5
    call_command("seed", "--if-empty")  # the next start finishes it
    assert WorkOrder.objects.count() == 12 and Incident.objects.count() == 3
    assert read_demo_load(tmp_path) is None and all(runtime.is_due(job) for job in JOBS)
    assert Client().get("/console/login/demo-progress/").content.decode().strip() == ""
    assert not OutboxMessage.objects.filter(status="pending").exists()


def test_the_readme_journey(settings: Any, tmp_path: Path) -> None:
    """The demo agent takes a complaint from the demo customer, who signs in to the portal
    with the number on the customer line and the code from sms.log, and sees it."""
    settings.DATA_DIR = tmp_path
    call_command("seed", "--demo-work-orders", "20")
    phone = (tmp_path / "demo-portal.txt").read_text(encoding="utf-8").strip()
    agent = Client()
    agent.force_login(get_user_model().objects.get(username="agent"))
    found = agent.post("/console/customers/lookup/", {"customer_phone": phone}).content.decode()
    assert f"{phone[:3]}****{phone[-4:]}" in found and phone not in found
    taken = agent.post("/console/new/", {
        "kind": "complaint", "channel": "phone", "call_id": "CALL-DEMO-1",
        "title": "宽带晚上经常断网", "content": "每天晚上八点后断网。", "customer_phone": phone,
        "customer_name": "", "category": "", "severity": "normal"})
    assert taken.status_code == 302
    number = WorkOrder.objects.latest("id").number
    assert Customer.objects.count() == 200  # the demo customer, not a new record
    portal = Client()
    portal.post("/portal/login/", {"phone": phone, "step": "send"})
    dispatch_once(50)
    code = re.findall(r"\b(\d{6})\b", (tmp_path / "sms.log").read_text(encoding="utf-8"))[-1]
    assert portal.post("/portal/login/", {"phone": phone, "step": "verify",
                                          "code": code}).status_code == 302
    assert number is not None and number in portal.get("/portal/").content.decode()
