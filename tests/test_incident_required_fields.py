"""What an incident report and its review must state, in the words of 001 §7.2–7.4.

§7.2: "事件报告应包含时间、地点、事件类型、影响范围、初步原因等信息" — required when reporting.
§7.3: "突发事件报告应包括事件发生时间、地点、类型、影响范围、已采取措施、预计处理时间、后续影响等
信息", for a network failure "影响用户数量" — what the report made at once may not know yet is
required before the first notice goes out.
§7.4: "问题根因分析", "改进措施落实", "客户补偿", "总结与复盘……经验教训" — the review."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from kefu.audit.models import AuditEntry
from kefu.errors import REQUIRED, InvalidInput
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
from kefu.incidents.contents import (
    NOTICE_LATER,
    REPORT_REQUIRED,
    REVIEW_CONTENT,
    missing_for_notice,
)
from kefu.incidents.models import Incident, IncidentClock, IncidentEvent
from kefu.sla.calendar import SHANGHAI
from tests.conftest import World

pytestmark = pytest.mark.django_db


def full_report(**overrides: Any) -> dict[str, Any]:
    now = timezone.now()
    values: dict[str, Any] = {
        "title": "海珠区光缆中断", "kind": "network_failure", "level": 2,
        "place": "广州市海珠区新港西路", "occurred_at": now - timedelta(minutes=30),
        "detected_at": now - timedelta(minutes=20),
        "affected_scope": "海珠区新港西路一带家庭宽带和4G", "affected_customers": 6500,
        "initial_cause": "疑似施工挖断主干光缆", "measures": "抢修队已出发，启用备用路由",
        "expected_recovery_at": now + timedelta(hours=3),
        "further_impact": "恢复前该区域无法上网，恢复后部分用户需重启光猫"}
    values.update(overrides)
    return values


def report(world: World, **overrides: Any) -> Incident:
    return report_incident(actor=world.supervisor, report=IncidentReport(**full_report(**overrides)))


def notify(world: World, incident: Incident) -> Any:
    return issue_notice(actor=world.supervisor, incident_id=incident.pk, notice=NoticeInput(
        "superior", ("email",), "海珠区光缆中断，约6500户受影响，预计3小时内恢复。"))


def full_review(**overrides: str) -> IncidentReview:
    values = {"root_cause": "市政施工未报备，挖断主干光缆",
              "corrective_actions": "与市政建立施工报备和管线交底机制",
              "compensation_summary": "受影响客户减免当日月租",
              "lessons_learned": "主干光缆须有异路由备份，抢修队须两小时内到场"}
    values.update(overrides)
    return IncidentReview(**values)


def recovered(world: World, **overrides: Any) -> Incident:
    incident = report(world, **overrides)
    notify(world, incident)
    return recover_incident(actor=world.supervisor, incident_id=incident.pk)


# -- the report: §7.2 at once ------------------------------------------------------------

@pytest.mark.parametrize(("field", "value"), [
    ("occurred_at", None),      # 时间
    ("place", "  "),            # 地点
    ("kind", ""),               # 事件类型
    ("affected_scope", ""),     # 影响范围
    ("initial_cause", " "),     # 初步原因
])
def test_a_report_without_a_section_7_2_item_is_refused_naming_it(
        world: World, field: str, value: Any) -> None:
    with pytest.raises(InvalidInput) as caught:
        report(world, **{field: value})
    assert list(caught.value.fields) == [field]
    assert caught.value.message_zh == "突发事件信息有误"
    assert caught.value.message_en == "The incident report is invalid"
    assert not Incident.objects.exists() and not IncidentClock.objects.exists()


def test_the_items_required_at_once_are_those_of_section_7_2() -> None:
    # the list the actions refuse on is the seed's §7.2 list, kind and level included
    assert set(REPORT_REQUIRED) == {"title", "kind", "level", "place", "occurred_at",
                                    "affected_scope", "initial_cause"}


def test_a_bare_report_names_every_item(world: World) -> None:
    with pytest.raises(InvalidInput) as caught:
        report_incident(actor=world.supervisor, report=IncidentReport(
            title="", kind="", level=0, place="", occurred_at=None))
    assert set(caught.value.fields) == set(REPORT_REQUIRED)
    assert caught.value.fields["affected_scope"] == [REQUIRED]


# -- §7.3: what may follow the report, and the notice that waits for it ------------------

@pytest.mark.parametrize(("field", "blank"), [
    ("affected_customers", None),     # 影响用户数量
    ("measures", ""),                 # 已采取措施
    ("expected_recovery_at", None),   # 预计处理时间
    ("further_impact", ""),           # 后续影响
])
def test_an_item_that_may_follow_holds_back_the_first_notice(
        world: World, field: str, blank: Any) -> None:
    incident = report(world, **{field: blank})
    assert missing_for_notice(incident) == [field]
    with pytest.raises(InvalidInput) as caught:
        notify(world, incident)
    assert caught.value.fields == {field: [REQUIRED]}
    assert caught.value.message_zh.startswith("首次通报须写明")
    assert "后续影响" in caught.value.message_zh and "further impact" in caught.value.message_en
    clock = IncidentClock.objects.get(incident=incident)
    assert clock.state == "running" and not incident.notices.exists()
    filled = full_report()[field]
    incident = update_incident(actor=world.supervisor, incident_id=incident.pk,
                               changes=IncidentChanges(**{field: filled}))
    assert missing_for_notice(incident) == []
    assert not notify(world, incident).is_update
    clock.refresh_from_db()
    assert clock.state == "met"


def test_no_customers_affected_is_a_figure_not_a_gap(world: World) -> None:
    incident = report(world, affected_customers=0, is_drill=True)
    assert missing_for_notice(incident) == []


def test_the_items_that_may_follow_are_those_of_section_7_3() -> None:
    assert set(NOTICE_LATER) == {"affected_customers", "measures", "expected_recovery_at",
                                 "further_impact"}


def test_an_incident_reported_before_the_rule_lists_what_it_lacks(world: World) -> None:
    incident = report(world)
    # as the migration leaves an older row: blank scope, cause and further impact
    Incident.objects.filter(pk=incident.pk).update(affected_scope="", initial_cause="",
                                                   further_impact="")
    incident.refresh_from_db()
    assert missing_for_notice(incident) == ["affected_scope", "initial_cause",
                                            "further_impact"]
    with pytest.raises(InvalidInput) as caught:
        notify(world, incident)
    assert set(caught.value.fields) == {"affected_scope", "initial_cause", "further_impact"}


def test_a_correction_cannot_erase_what_is_required(world: World) -> None:
    incident = report(world, measures="")
    for field in ("affected_scope", "initial_cause", "place", "title"):
        with pytest.raises(InvalidInput) as caught:
            update_incident(actor=world.supervisor, incident_id=incident.pk,
                            changes=IncidentChanges(**{field: " "}))
        assert caught.value.fields == {field: [REQUIRED]}
    # before the notice, what may follow may also be taken back
    update_incident(actor=world.supervisor, incident_id=incident.pk,
                    changes=IncidentChanges(further_impact=""))
    incident = update_incident(actor=world.supervisor, incident_id=incident.pk,
                               changes=IncidentChanges(measures="启用备用路由",
                                                       further_impact="恢复后需重启光猫"))
    notify(world, incident)
    # once published, it stays stated
    for field in ("measures", "further_impact"):
        with pytest.raises(InvalidInput) as caught:
            update_incident(actor=world.supervisor, incident_id=incident.pk,
                            changes=IncidentChanges(**{field: ""}))
        assert caught.value.fields == {field: [REQUIRED]}


# -- §7.4: the review --------------------------------------------------------------------

@pytest.mark.parametrize("field", REVIEW_CONTENT)
def test_a_review_missing_an_item_is_refused_naming_it(world: World, field: str) -> None:
    incident = recovered(world)
    with pytest.raises(InvalidInput) as caught:
        close_incident(actor=world.supervisor, incident_id=incident.pk,
                       review=full_review(**{field: "  "}))
    assert caught.value.fields == {field: [REQUIRED]}
    assert caught.value.message_zh == "事件总结须写明根本原因、整改措施、补偿情况和经验教训"
    assert caught.value.message_en.startswith("The review needs the root cause")
    incident.refresh_from_db()
    assert incident.status == "recovered" and incident.root_cause == ""
    assert not AuditEntry.objects.filter(action="INCIDENT_CLOSED").exists()


def test_an_empty_review_names_every_item(world: World) -> None:
    incident = recovered(world)
    with pytest.raises(InvalidInput) as caught:
        close_incident(actor=world.supervisor, incident_id=incident.pk,
                       review=IncidentReview("", "", "", ""))
    assert set(caught.value.fields) == {"root_cause", "corrective_actions",
                                        "compensation_summary", "lessons_learned"}


def test_a_complete_review_is_kept_with_the_incident_and_its_audit(world: World) -> None:
    incident = recovered(world)
    closed = close_incident(actor=world.supervisor, incident_id=incident.pk,
                            review=full_review(compensation_summary="  未造成资费损失，不予补偿 "))
    assert closed.status == "closed"
    assert closed.compensation_summary == "未造成资费损失，不予补偿"
    assert closed.lessons_learned.startswith("主干光缆须有异路由备份")
    entry = AuditEntry.objects.get(action="INCIDENT_CLOSED")
    assert set(entry.data) == set(REVIEW_CONTENT)
    assert IncidentEvent.objects.filter(incident=closed, event_type="closed").exists()


def test_an_incomplete_report_does_not_close(world: World) -> None:
    incident = recovered(world)
    Incident.objects.filter(pk=incident.pk).update(further_impact="")  # an older row
    with pytest.raises(InvalidInput) as caught:
        close_incident(actor=world.supervisor, incident_id=incident.pk, review=full_review())
    assert caught.value.fields == {"further_impact": [REQUIRED]}
    update_incident(actor=world.supervisor, incident_id=incident.pk,
                    changes=IncidentChanges(further_impact="无后续影响"))
    assert close_incident(actor=world.supervisor, incident_id=incident.pk,
                          review=full_review()).status == "closed"


# -- the API -----------------------------------------------------------------------------

def api_body(**overrides: Any) -> dict[str, Any]:
    values = full_report(**overrides)
    return {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in values.items()}


def test_api_requires_the_fields_and_names_the_missing_ones(world: World) -> None:
    from tests.test_api import post, token_client

    client, _ = token_client(world, "supervisor")
    body = api_body()
    for name in ("affected_scope", "initial_cause"):
        absent = post(client, "/api/incidents", {k: v for k, v in body.items() if k != name})
        assert absent.status_code == 422 and name in absent.json()["errors"]
    blank = post(client, "/api/incidents", api_body(affected_scope=" ", initial_cause=""))
    assert blank.status_code == 422
    assert blank.json()["errors"] == {"affected_scope": [REQUIRED], "initial_cause": [REQUIRED]}
    assert blank.json()["message_zh"] == "突发事件信息有误"

    later = {"affected_customers": None, "measures": "", "expected_recovery_at": None,
             "further_impact": ""}
    created = post(client, "/api/incidents", {**body, **later})
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["missing_for_notice"] == ["affected_customers", "measures",
                                          "expected_recovery_at", "further_impact"]
    url = created["Location"]
    refused = post(client, f"{url}/notices", {"audience": "superior", "channels": ["email"],
                                              "text": "光缆中断"})
    assert refused.status_code == 422 and set(refused.json()["errors"]) == set(later)
    patched = client.patch(url, data=json.dumps({k: body[k] for k in later}),
                           content_type="application/json", HTTP_IF_MATCH=created["ETag"])
    assert patched.status_code == 200, patched.content
    assert patched.json()["missing_for_notice"] == []
    assert patched.json()["further_impact"] == body["further_impact"]
    assert post(client, f"{url}/notices", {"audience": "superior", "channels": ["email"],
                                           "text": "光缆中断"}).status_code == 201
    assert post(client, f"{url}/recover", {}).status_code == 200

    review = {"root_cause": "施工挖断", "corrective_actions": "施工报备",
              "compensation_summary": "减免当日月租", "lessons_learned": "异路由备份"}
    absent = post(client, f"{url}/close", {k: v for k, v in review.items()
                                           if k != "lessons_learned"})
    assert absent.status_code == 422 and "lessons_learned" in absent.json()["errors"]
    blank = post(client, f"{url}/close", {**review, "root_cause": "", "corrective_actions": "",
                                          "compensation_summary": " "})
    assert blank.status_code == 422
    assert set(blank.json()["errors"]) == {"root_cause", "corrective_actions",
                                           "compensation_summary"}
    closed = post(client, f"{url}/close", review)
    assert closed.status_code == 200, closed.content
    assert {k: closed.json()[k] for k in review} == review


def test_openapi_marks_the_required_fields(world: World) -> None:
    from tests.test_api import token_client

    client, _ = token_client(world, "supervisor")
    schemas = client.get("/api/openapi.json").json()["components"]["schemas"]
    assert set(REPORT_REQUIRED) <= set(schemas["IncidentIn"]["required"])
    assert not set(NOTICE_LATER) & set(schemas["IncidentIn"]["required"])
    assert set(schemas["ReviewIn"]["required"]) == set(REVIEW_CONTENT)
    assert {"further_impact", "lessons_learned"} <= set(schemas["IncidentOut"]["properties"])


# -- the console -------------------------------------------------------------------------

@pytest.mark.parametrize(("lang", "marks"), [
    ("zh-hans", ("影响范围 *", "初步原因 *", "影响客户数 †", "已采取措施 †", "预计恢复时间 †",
                 "后续影响 †", "上报时必填")),
    ("en", ("Affected area *", "Initial cause *", "Affected customers †", "Measures taken †",
            "Expected recovery †", "Further impact †", "required to report")),
])
def test_console_report_form_marks_what_is_required(world: World, lang: str,
                                                    marks: tuple[str, ...]) -> None:
    from tests.test_pages import render

    html = render(world.client_for("supervisor"), "/console/incidents/", lang)
    for mark in marks:
        assert mark in html, mark
    assert 'name="further_impact"' in html


def test_console_refuses_a_report_without_scope_or_cause(world: World) -> None:
    client = world.client_for("supervisor")
    an_hour_ago = (timezone.now() - timedelta(hours=1)).astimezone(SHANGHAI)
    refused = client.post("/console/incidents/", {
        "title": "海珠区光缆中断", "kind": "network_failure", "level": "2",
        "place": "海珠区", "occurred_at": f"{an_hour_ago:%Y-%m-%dT%H:%M}",
        "affected_scope": "", "initial_cause": "", "further_impact": "待评估"})
    assert refused.status_code == 422 and not Incident.objects.exists()
    html = refused.content.decode()
    assert html.count(REQUIRED) == 2 and "待评估" in html  # by each field; typed values kept


def test_console_page_lists_what_is_missing_and_takes_it(world: World) -> None:
    incident = report(world, further_impact="", measures="")
    client = world.client_for("supervisor")
    url = f"/console/incidents/{incident.pk}/"
    html = client.get(url).content.decode()
    assert "事件信息尚缺：已采取措施、后续影响" in html
    assert "首次通报前须补全：已采取措施、后续影响" in html
    values = {"version": str(incident.version), "level": "2", "title": incident.title,
              "place": incident.place, "affected_scope": incident.affected_scope,
              "affected_customers": "6500", "initial_cause": incident.initial_cause,
              "measures": "启用备用路由", "expected_recovery_at": "",
              "further_impact": "恢复后需重启光猫"}
    assert client.post(f"{url}update/", values).status_code == 302
    incident.refresh_from_db()
    assert incident.further_impact == "恢复后需重启光猫" and missing_for_notice(incident) == []
    html = client.get(url).content.decode()
    assert "事件信息尚缺" not in html and "恢复后需重启光猫" in html
    # erasing the cause is refused by the field, the typed values kept
    erased = client.post(f"{url}update/", {**values, "version": str(incident.version),
                                           "initial_cause": "", "measures": "改为微波传输"})
    assert erased.status_code == 422
    page = erased.content.decode()
    assert REQUIRED in page and "改为微波传输" in page
    # a stale form is drawn from the record, so saving again cannot overwrite the newer one
    stale = client.post(f"{url}update/", {**values, "measures": "改为微波传输"})
    assert stale.status_code == 412 and "改为微波传输" not in stale.content.decode()


def test_console_review_asks_for_every_item(world: World) -> None:
    incident = recovered(world)
    client = world.client_for("supervisor")
    url = f"/console/incidents/{incident.pk}/"
    html = client.get(url).content.decode()
    for mark in ("根本原因 *", "整改措施 *", "补偿情况 *", "经验教训 *"):
        assert mark in html, mark
    refused = client.post(f"{url}close/", {"root_cause": "施工挖断",
                                           "corrective_actions": "施工报备"})
    assert refused.status_code == 422
    page = refused.content.decode()
    assert "事件总结须写明根本原因、整改措施、补偿情况和经验教训" in page
    assert page.count(REQUIRED) == 2 and "施工报备" in page  # the typed review is kept
    incident.refresh_from_db()
    assert incident.status == "recovered"
    assert client.post(f"{url}close/", {"root_cause": "施工挖断", "corrective_actions": "施工报备",
                                        "compensation_summary": "减免当日月租",
                                        "lessons_learned": "异路由备份"}).status_code == 302
    html = client.get(url).content.decode()
    assert "经验教训" in html and "异路由备份" in html and "减免当日月租" in html
