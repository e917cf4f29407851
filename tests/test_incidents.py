"""Incidents (001 ch.7): reported with the facts of §7.2, notified within 2 hours when major
and 4 hours otherwise (§7.3), warned before and escalated to the superior unit after; the
first notice needs the whole report; recovery and a review close the incident."""

from __future__ import annotations

import json
import re
import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from kefu.audit.models import AuditEntry
from kefu.errors import Conflict, InvalidInput, NotFound, PermissionRefused, StaleVersion
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
from kefu.incidents.models import Incident, IncidentClock, IncidentEvent
from kefu.incidents.queries import get_incident, list_incidents
from kefu.incidents.sweeper import sweep_incident_clocks
from kefu.jobs import sweep
from kefu.notify.models import OutboxMessage
from kefu.orgs.choices import Role
from kefu.sla.calendar import SHANGHAI
from tests.conftest import World, make_staff

pytestmark = pytest.mark.django_db


def report(world: World, **overrides: object) -> Incident:
    values: dict[str, object] = {
        "title": "天河区光缆中断", "kind": "network_failure", "level": 2,
        "place": "广州市天河区体育西路", "occurred_at": timezone.now() - timedelta(minutes=20),
        "detected_at": timezone.now() - timedelta(minutes=10),
        "affected_customers": 12000, "affected_scope": "天河区体育西路一带家庭宽带和4G",
        "initial_cause": "市政施工挖断主干光缆", "measures": "抢修队已到场熔接，启用备用路由",
        "expected_recovery_at": timezone.now() + timedelta(hours=3),
        "further_impact": "恢复前该区域宽带和4G无法使用，恢复后需重启光猫"}
    values.update(overrides)
    actor = values.pop("actor", world.supervisor)
    return report_incident(actor=actor, report=IncidentReport(**values))  # type: ignore[arg-type]


def notice_clock(incident: Incident) -> IncidentClock:
    return IncidentClock.objects.get(incident=incident, clock="incident_notice")


def emails(world: World, *names: str) -> None:
    for name in names:
        world.users[name].email = f"{name}@example.com"
        world.users[name].save()


def notify(world: World, incident: Incident, **overrides: object) -> object:
    values: dict[str, object] = {"audience": "superior", "channels": ("email", "document"),
                                 "text": "光缆中断影响约1.2万户，预计3小时内恢复。"}
    values.update(overrides)
    return issue_notice(actor=world.supervisor, incident_id=incident.pk,
                        notice=NoticeInput(**values))  # type: ignore[arg-type]


def test_major_incident_is_due_in_two_hours_from_detection(world: World) -> None:
    emails(world, "supervisor", "manager")
    incident = report(world)
    assert incident.number.startswith("SJ-20") and incident.unit_id == world.city.pk
    clock = notice_clock(incident)
    assert clock.deadline - incident.detected_at == timedelta(hours=2)
    assert clock.warn_at - incident.detected_at == timedelta(minutes=96)  # 80 %
    assert "001 §7.3" in clock.policy.source
    # the unit's supervisor and the province's manager hear of it at once
    told = set(OutboxMessage.objects.filter(template="incident_reported")
               .values_list("recipient", flat=True))
    assert told == {"supervisor@example.com", "manager@example.com"}
    assert AuditEntry.objects.filter(action="INCIDENT_REPORTED").count() == 1
    assert IncidentEvent.objects.filter(incident=incident, event_type="reported").exists()


def test_general_incident_gets_four_hours(world: World) -> None:
    clock = notice_clock(report(world, level=3))
    assert clock.deadline - clock.started_at == timedelta(hours=4)


def test_a_time_without_zone_is_read_as_shanghai(world: World) -> None:
    local = (timezone.now() - timedelta(hours=1)).astimezone(SHANGHAI).replace(
        tzinfo=None, microsecond=0)
    incident = report(world, occurred_at=local, detected_at=local)
    assert incident.detected_at == local.replace(tzinfo=SHANGHAI)


@pytest.mark.parametrize(("overrides", "field"), [
    ({"title": " "}, "title"),
    ({"kind": "earthquake"}, "kind"),
    ({"level": 4}, "level"),
    ({"place": ""}, "place"),
    ({"occurred_at": None}, "occurred_at"),
    ({"occurred_at": timezone.now() + timedelta(hours=1)}, "occurred_at"),
    ({"detected_at": timezone.now() - timedelta(hours=1)}, "detected_at"),  # before it occurred
    ({"affected_customers": -5}, "affected_customers"),
    ({"expected_recovery_at": timezone.now() - timedelta(days=1)}, "expected_recovery_at"),
])
def test_bad_reports_change_nothing(world: World, overrides: dict[str, object],
                                    field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        report(world, **overrides)
    assert field in caught.value.fields
    assert not Incident.objects.exists() and not IncidentClock.objects.exists()


def test_who_may_report_and_where(world: World) -> None:
    with pytest.raises(PermissionRefused):
        report(world, actor=world.auditor)
    with pytest.raises(NotFound):  # a unit outside one's scope
        report(world, unit_id=world.sibling.pk)
    incident = report(world, actor=world.agent, unit_id=world.district.pk)
    assert incident.unit_id == world.district.pk
    with pytest.raises(NotFound):
        get_incident(world.sibling_handler, incident.pk)
    assert list(list_incidents(world.manager)) == [incident]  # the province sees below
    assert not list_incidents(world.sibling_handler).exists()


def test_sweep_warns_once_and_escalates_a_late_notice_to_the_superior(world: World) -> None:
    emails(world, "supervisor", "manager")
    incident = report(world)
    clock = notice_clock(incident)
    OutboxMessage.objects.all().delete()
    assert sweep_incident_clocks(clock.warn_at - timedelta(seconds=1)) == (0, 0)
    assert sweep_incident_clocks(clock.warn_at) == (1, 0)
    assert sweep_incident_clocks(clock.warn_at + timedelta(minutes=5)) == (0, 0)
    assert list(OutboxMessage.objects.filter(template="incident_notice_warned")
                .values_list("recipient", flat=True)) == ["supervisor@example.com"]
    stats = sweep(clock.deadline)
    assert (stats.incident_warnings, stats.incident_breaches) == (0, 1)
    assert sweep(clock.deadline + timedelta(hours=1)).incident_breaches == 0
    clock.refresh_from_db()
    assert clock.state == "breached" and clock.next_due_at is None
    # the breach goes to the superior unit (the province), where the manager is
    assert list(OutboxMessage.objects.filter(template="incident_notice_breached")
                .values_list("recipient", flat=True)) == ["manager@example.com"]
    assert AuditEntry.objects.filter(action="INCIDENT_NOTICE_BREACHED").count() == 1
    # notified late: the clock stays breached, finished
    notify(world, incident)
    clock.refresh_from_db()
    assert clock.state == "breached" and clock.finished_at is not None


def test_first_notice_in_time_meets_the_clock_and_reaches_the_superior(world: World) -> None:
    emails(world, "manager")
    incident = report(world)
    row = notify(world, incident)
    clock = notice_clock(incident)
    assert clock.state == "met" and clock.next_due_at is None
    assert not row.is_update  # type: ignore[attr-defined]
    assert list(OutboxMessage.objects.filter(template="incident_notice")
                .values_list("recipient", flat=True)) == ["manager@example.com"]
    update = notify(world, incident, audience="customers", channels=("sms", "web"),
                    text="抢修进展：已完成70%。")
    assert update.is_update  # type: ignore[attr-defined]
    assert sweep_incident_clocks(clock.deadline + timedelta(hours=1)) == (0, 0)


def test_first_notice_needs_the_whole_report(world: World) -> None:
    incident = report(world, measures="", expected_recovery_at=None)
    with pytest.raises(InvalidInput) as caught:
        notify(world, incident)
    assert set(caught.value.fields) == {"measures", "expected_recovery_at"}
    assert notice_clock(incident).state == "running"
    with pytest.raises(PermissionRefused):
        issue_notice(actor=world.handler, incident_id=incident.pk,
                     notice=NoticeInput("superior", ("email",), "x"))
    with pytest.raises(InvalidInput) as bad:
        notify(world, incident, audience="press", channels=("fax",), text="")
    assert set(bad.value.fields) == {"audience", "channels", "text"}


def test_raising_the_level_before_the_notice_shortens_the_deadline(world: World) -> None:
    incident = report(world, level=3)
    assert notice_clock(incident).deadline - incident.detected_at == timedelta(hours=4)
    with pytest.raises(StaleVersion):
        update_incident(actor=world.supervisor, incident_id=incident.pk,
                        changes=IncidentChanges(level=1), version=incident.version + 1)
    incident = update_incident(actor=world.supervisor, incident_id=incident.pk,
                               changes=IncidentChanges(level=1, affected_customers=50000),
                               version=incident.version)
    assert notice_clock(incident).deadline - incident.detected_at == timedelta(hours=2)
    event = IncidentEvent.objects.filter(incident=incident, event_type="updated").get()
    assert event.data["level"] == "1" and "notice_deadline" in event.data
    with pytest.raises(InvalidInput):
        update_incident(actor=world.supervisor, incident_id=incident.pk,
                        changes=IncidentChanges(level=0))


def test_a_breached_clock_stays_breached_when_the_level_is_lowered(world: World) -> None:
    three_hours_ago = timezone.now() - timedelta(hours=3)
    incident = report(world, occurred_at=three_hours_ago, detected_at=three_hours_ago)
    sweep_incident_clocks(timezone.now())
    assert notice_clock(incident).state == "breached"
    update_incident(actor=world.supervisor, incident_id=incident.pk,
                    changes=IncidentChanges(level=3))
    assert notice_clock(incident).state == "breached"


def test_recovery_and_review_close_it(world: World) -> None:
    incident = report(world, is_drill=True)
    review = IncidentReview("施工挖断", "与市政建立施工报备", "演练，无补偿", "报备要落实到人")
    with pytest.raises(Conflict):  # not recovered yet
        close_incident(actor=world.supervisor, incident_id=incident.pk, review=review)
    recover_incident(actor=world.supervisor, incident_id=incident.pk, note="已切换备用路由")
    with pytest.raises(Conflict):  # never notified
        close_incident(actor=world.supervisor, incident_id=incident.pk, review=review)
    notify(world, incident)
    with pytest.raises(InvalidInput):
        close_incident(actor=world.supervisor, incident_id=incident.pk,
                       review=IncidentReview("", "", "", ""))
    closed = close_incident(actor=world.supervisor, incident_id=incident.pk, review=IncidentReview(
        "施工挖断主干光缆", "与市政建立施工报备机制", "受影响客户减免当日月租",
        "施工区域的主干光缆须有备用路由"))
    assert closed.status == "closed" and closed.is_drill
    assert list(list_incidents(world.supervisor, state="closed")) == [closed]
    assert not list_incidents(world.supervisor).exists()
    with pytest.raises(Conflict):
        notify(world, closed)
    with pytest.raises(InvalidInput):
        list_incidents(world.supervisor, state="nonsense")


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SKIP LOCKED needs PostgreSQL")
def test_two_sweepers_escalate_each_late_notice_once(world: World) -> None:
    emails(world, "supervisor", "manager")
    incidents = [report(world, title=f"故障{n}") for n in range(30)]
    due = max(notice_clock(i).deadline for i in incidents)
    results: list[tuple[int, int]] = []
    barrier = threading.Barrier(2)

    def run() -> None:
        barrier.wait()
        try:
            results.append(sweep_incident_clocks(due, batch=7))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(r[1] for r in results) == 30
    assert OutboxMessage.objects.filter(template="incident_notice_breached").count() == 30
    assert AuditEntry.objects.filter(action="INCIDENT_NOTICE_BREACHED").count() == 30


def test_head_office_incident_escalates_to_head_office_itself(world: World) -> None:
    hq_manager, user = make_staff("hq_manager", Role.MANAGER, world.hq)
    user.email = "hq@example.com"
    user.save()
    incident = report(world, actor=hq_manager, unit_id=world.hq.pk, level=1)
    with pytest.raises(NotFound):  # a city supervisor cannot reach it
        notify(world, incident)
    sweep_incident_clocks(notice_clock(incident).deadline)
    assert list(OutboxMessage.objects.filter(template="incident_notice_breached")
                .values_list("recipient", flat=True)) == ["hq@example.com"]


def test_api_report_notify_and_read(world: World) -> None:
    from tests.test_api import post, token_client

    client, _ = token_client(world, "supervisor")
    body = {"title": "越秀区业务中断", "kind": "service_outage", "level": 3,
            "place": "广州市越秀区", "occurred_at": "2026-11-23T08:00:00",
            "detected_at": "2026-11-23T08:30:00", "affected_scope": "越秀区全部宽带用户",
            "affected_customers": 5000, "initial_cause": "核心路由器板卡故障",
            "measures": "更换板卡", "expected_recovery_at": "2026-11-23T12:00:00+08:00"}
    now = timezone.now()
    if now < datetime(2026, 11, 23, 1, 0, tzinfo=UTC):  # keep the times in the past
        pytest.skip("the fixed report times lie in the future of this clock")
    created = post(client, "/api/incidents", body)
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["detected_at"] == "2026-11-23T08:30:00+08:00"  # read as Shanghai time
    [clock] = data["clocks"]
    assert clock["clock"] == "incident_notice"
    assert datetime.fromisoformat(clock["deadline"]) == datetime(  # 4 hours: a general one
        2026, 11, 23, 12, 30, tzinfo=SHANGHAI)
    assert data["missing_for_notice"] == ["further_impact"]
    url = created["Location"]
    stale = client.patch(url, data=json.dumps({"level": 1}), content_type="application/json",
                         HTTP_IF_MATCH='"99"')
    assert stale.status_code == 412
    patched = client.patch(url, data=json.dumps({"level": 1, "further_impact": "恢复前无法上网"}),
                           content_type="application/json", HTTP_IF_MATCH=created["ETag"])
    assert patched.status_code == 200 and patched.json()["level"] == 1
    assert patched.json()["missing_for_notice"] == []
    bad = post(client, f"{url}/notices", {"audience": "superior", "channels": [], "text": ""})
    assert bad.status_code == 422 and {"channels", "text"} <= set(bad.json()["errors"])
    sent = post(client, f"{url}/notices", {"audience": "superior", "channels": ["email"],
                                           "text": "越秀区宽带中断，正在抢修"})
    assert sent.status_code == 201 and sent.json()["is_update"] is False
    listed = client.get("/api/incidents").json()
    assert [i["number"] for i in listed] == [data["number"]]
    other, _ = token_client(world, "sibling_handler")
    assert other.get(url).status_code == 404
    assert "/api/incidents" in client.get("/api/openapi.json").json()["paths"]


def labelled_everywhere(html: str) -> bool:
    ids = set(re.findall(r'<(?:input|select|textarea)[^>]*\bid="([^"]+)"', html))
    labelled = set(re.findall(r'<label[^>]*\bfor="([^"]+)"', html))
    return ids - {"f-number"} <= labelled


@pytest.mark.parametrize(("lang", "markers"), [
    ("zh-hans", ("突发事件", "上报突发事件", "事件轨迹", "首次通报前须补全", "初步原因")),
    ("en", ("Incidents", "Report an incident", "Incident timeline",
            "Before the first notice, complete", "Initial cause")),
])
def test_console_pages_in_both_languages(world: World, lang: str,
                                         markers: tuple[str, ...]) -> None:
    from tests.test_pages import render

    incident = report(world, measures="")
    client = world.client_for("supervisor")
    listing = render(client, "/console/incidents/", lang)
    assert markers[0] in listing and markers[1] in listing and incident.number in listing
    assert labelled_everywhere(listing)
    page = render(client, f"/console/incidents/{incident.pk}/", lang)
    assert markers[2] in page and markers[3] in page and markers[4] in page
    assert labelled_everywhere(page)


def test_console_report_notify_recover_close(world: World) -> None:
    client = world.client_for("supervisor")
    bad = client.post("/console/incidents/", {"title": "", "kind": "network_failure",
                                               "level": "2", "place": "天河区",
                                               "occurred_at": "2099-01-01T00:00"})
    assert bad.status_code == 422 and not Incident.objects.exists()
    html = bad.content.decode()
    assert 'role="alert"' in html and "天河区" in html  # the typed values are kept
    an_hour_ago = (timezone.now() - timedelta(hours=1)).astimezone(SHANGHAI)
    created = client.post("/console/incidents/", {
        "title": "天河区4G基站退服", "kind": "network_failure", "level": "2",
        "place": "天河区", "occurred_at": f"{an_hour_ago:%Y-%m-%dT%H:%M}",
        "affected_scope": "天河区4G", "initial_cause": "传输中断",
        "affected_customers": "3000", "unit_id": str(world.city.pk)})
    incident = Incident.objects.get()
    assert created.status_code == 302 and created["Location"].endswith(
        f"/console/incidents/{incident.pk}/")
    url = f"/console/incidents/{incident.pk}/"
    refused = client.post(f"{url}notices/", {"audience": "superior", "channels": ["email"],
                                             "text": "基站退服"})
    assert refused.status_code == 422 and "已采取措施" in refused.content.decode()
    assert client.post(f"{url}update/", {
        "version": str(incident.version), "level": "2", "initial_cause": "传输中断",
        "measures": "派单抢修", "expected_recovery_at": f"{an_hour_ago + timedelta(hours=3):%Y-%m-%dT%H:%M}",
        "affected_customers": "3000", "affected_scope": "天河区4G",
        "further_impact": "恢复前天河区4G无法使用"}).status_code == 302
    stale = client.post(f"{url}update/", {"version": str(incident.version), "level": "1"})
    assert stale.status_code == 412
    assert client.post(f"{url}notices/", {"audience": "superior",
                                           "channels": ["email", "document"],
                                           "text": "天河区基站退服，预计两小时恢复"}).status_code == 302
    assert notice_clock(incident).state == "met"
    assert client.post(f"{url}recover/", {"note": "传输恢复"}).status_code == 302
    assert client.post(f"{url}close/", {"root_cause": "", "corrective_actions": ""}
                       ).status_code == 422
    assert client.post(f"{url}close/", {"root_cause": "光缆被挖断",
                                        "corrective_actions": "加装保护管",
                                        "compensation_summary": "受影响客户赠送1GB流量",
                                        "lessons_learned": "传输光缆须有保护管"}
                       ).status_code == 302
    incident.refresh_from_db()
    assert incident.status == "closed" and incident.root_cause == "光缆被挖断"
    page = client.get(url).content.decode()
    assert "加装保护管" in page and "notices/" not in page  # nothing more to do on it
    assert world.client_for("sibling_handler").get(url).status_code == 404


def test_notice_compliance_per_unit_leaves_drills_out(world: World) -> None:
    from kefu.incidents.queries import notice_compliance

    in_time = report(world, title="按时")
    notify(world, in_time)
    late_start = timezone.now() - timedelta(hours=5)
    late = report(world, title="超时", occurred_at=late_start, detected_at=late_start)
    report(world, title="演练", is_drill=True, occurred_at=late_start, detected_at=late_start)
    sweep_incident_clocks(timezone.now())
    [row] = notice_compliance(world.manager)
    assert (row.label, row.met, row.breached, row.running_late) == ("广州市分公司", 1, 0, 1)
    notify(world, late)
    [row] = notice_compliance(world.manager)
    assert (row.met, row.breached, row.running_late, row.rate) == (1, 1, 0, 0.5)
    client = world.client_for("manager")
    assert "突发事件通报（按单位）" in client.get("/console/sla/").content.decode()
    from tests.test_api import token_client

    api, _ = token_client(world, "manager")
    [figures] = api.get("/api/incidents/notice-compliance").json()
    assert figures["met"] == 1 and figures["breached"] == 1
