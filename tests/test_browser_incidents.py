"""A supervisor reports an incident in Debian's chromium, completes the report, issues the
first notice in time, declares recovery and closes it with the review (001 §7.2–7.4)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from kefu.incidents.models import Incident, IncidentClock
from kefu.sla.calendar import SHANGHAI
from tests.conftest import World
from tests.test_browser import browser, pytestmark, shot, sign_in  # noqa: F401  (fixture, marks)


def test_supervisor_reports_notifies_and_closes_an_incident(
        world: World, live_server: Any, browser: Any) -> None:  # noqa: F811
    base = live_server.url
    page = sign_in(browser, base, "supervisor")
    page.click("nav >> text=突发事件")
    page.wait_for_url(f"{base}/console/incidents/")
    started = (timezone.now() - timedelta(minutes=25)).astimezone(SHANGHAI)
    page.fill("#inc-title", "天河区4G基站大面积退服")
    page.select_option("#inc-kind", "network_failure")
    page.select_option("#inc-level", "2")
    page.fill("#inc-place", "天河区珠江新城")
    page.fill("#inc-occurred", f"{started:%Y-%m-%dT%H:%M}")
    page.fill("#inc-scope", "天河区珠江新城一带4G")
    page.fill("#inc-affected", "8000")
    page.fill("#inc-cause", "传输光缆疑似中断，排查中")
    page.click("#incident-form button[type=submit]")
    page.wait_for_selector("h1 >> text=SJ-20")
    incident = Incident.objects.get()
    clock = IncidentClock.objects.get(incident=incident)
    assert clock.deadline - clock.started_at == timedelta(hours=2)
    assert "突发事件通报" in page.inner_text("#clocks") and "小时" in page.inner_text("#clocks")

    # the first notice needs the measures, the expected recovery and the further impact
    assert "首次通报前须补全" in page.inner_text("#notices")
    assert "后续影响" in page.inner_text("#report-missing")
    page.fill("#upd-cause", "传输光缆被施工挖断")
    page.fill("#upd-measures", "抢修队到场熔接，部分站点切换微波传输")
    page.fill("#upd-recovery", f"{started + timedelta(hours=4):%Y-%m-%dT%H:%M}")
    page.fill("#upd-further", "恢复前该区域4G无法使用，语音回落2G")
    page.click("#report button[type=submit]")
    page.wait_for_selector("text=传输光缆被施工挖断")
    assert "首次通报前须补全" not in page.inner_text("#notices")
    page.select_option("#notice-audience", "superior")
    page.check("input[name=channels][value=email]")
    page.check("input[name=channels][value=document]")
    page.fill("#notice-text", "天河区约8000户4G业务受影响，预计4小时内恢复。")
    page.click("#notices button[type=submit]")
    page.wait_for_selector("#notices >> text=首次通报")
    clock.refresh_from_db()
    assert clock.state == "met"
    shot(page, "incident")

    page.fill("#recover-note", "光缆熔接完成，基站全部恢复")
    page.click("#recovery button[type=submit]")
    page.wait_for_selector("#review-cause")
    page.fill("#review-cause", "市政施工未报备挖断光缆")
    page.fill("#review-actions", "与市政建立施工报备和管线交底机制")
    page.fill("#review-compensation", "受影响客户赠送当月1GB流量")
    page.fill("#review-lessons", "重点区域光缆须有备用路由")
    page.click("#recovery button[type=submit]")
    page.wait_for_selector("#recovery >> text=与市政建立施工报备和管线交底机制")
    incident.refresh_from_db()
    assert incident.status == "closed"
    page.goto(f"{base}/console/incidents/?state=closed")
    assert incident.number in page.inner_text("main")
