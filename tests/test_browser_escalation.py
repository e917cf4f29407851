"""The escalation cards of the work order page, driven in Debian's chromium: a handler applies
for co-handling, the province's manager approves it, the supervisor hands the sub-tasks out, an engineer answers
his part, the complaint is put under supervision and reported on; an agent links and splits
work orders and registers a regulator's appeal of a closed complaint."""

from __future__ import annotations

from typing import Any

from kefu.escalation.models import Appeal, CoHandlingTask, EscalationRequest, SupervisionEntry
from kefu.orgs.choices import DepartmentKind
from kefu.orgs.models import Department
from kefu.sla.calendar import SHANGHAI
from kefu.workorders import actions
from kefu.workorders.models import WorkOrder, WorkOrderLink
from tests.conftest import World, intake
from tests.test_browser import browser, pytestmark, sign_in  # noqa: F401  (fixture, marks)
from tests.test_co_handling import engineer, in_processing
from tests.test_return_visits import closed


def test_co_handling_and_supervision_cards(world: World, live_server: Any,
                                            browser: Any) -> None:  # noqa: F811
    base = live_server.url
    network = Department.objects.create(unit=world.city, kind=DepartmentKind.NETWORK,
                                        name="网络运维部")
    billing = Department.objects.create(unit=world.district, kind=DepartmentKind.BILLING,
                                        name="计费账务部")
    engineer(world, "engineer", network)
    wo = in_processing(world)
    WorkOrder.objects.filter(pk=wo.pk).update(content="小区大面积断网两天，计费仍在扣费")

    handler = sign_in(browser, base, "handler")
    handler.goto(f"{base}/console/work-orders/{wo.pk}/")
    assert "重大" in handler.inner_text("#severity-suggestions")
    handler.click("summary:has-text('申请升级 / 协办')")
    handler.select_option("#esc-condition", "multi_department")
    handler.fill("#esc-reason", "断网涉及网络运维和计费两个部门，需要协同处理")
    handler.check(f"input[name=department_ids][value='{network.pk}']")
    handler.check(f"input[name=department_ids][value='{billing.pk}']")
    handler.click("#co-handling form button:has-text('提交升级申请')")
    handler.wait_for_selector("#co-handling >> text=待审批")
    request = EscalationRequest.objects.get(work_order=wo)
    assert request.status == "pending" and request.departments.count() == 2
    # the applicant never decides their own request: no approve button for the handler
    assert handler.locator(f"#esc-note-{request.pk}").count() == 0

    supervisor = sign_in(browser, base, "supervisor")
    supervisor.goto(f"{base}/console/work-orders/{wo.pk}/")
    # 001 §3.4.3: the superior unit approves, not the applying city's own supervisor
    assert supervisor.locator(f"#esc-note-{request.pk}").count() == 0
    manager = sign_in(browser, base, "manager")
    manager.goto(f"{base}/console/work-orders/{wo.pk}/")
    manager.fill(f"#esc-note-{request.pk}", "同意协办")
    manager.click("#co-handling button[value=approve]")
    manager.wait_for_selector("#co-handling table")
    supervisor.goto(f"{base}/console/work-orders/{wo.pk}/")
    tasks = {t.department_id: t for t in CoHandlingTask.objects.filter(work_order=wo)}
    assert set(tasks) == {network.pk, billing.pk}
    supervisor.select_option(f"#sub-handler-{tasks[network.pk].pk}", label="engineer")
    supervisor.click(f"form:has(#sub-handler-{tasks[network.pk].pk}) button")
    supervisor.wait_for_selector(f"#sub-handler-{tasks[network.pk].pk}")
    tasks[network.pk].refresh_from_db()
    assert tasks[network.pk].handler is not None
    assert tasks[network.pk].handler.display_name == "engineer"

    # while a sub-task is open the work order cannot be answered
    handler.goto(f"{base}/console/work-orders/{wo.pk}/")
    handler.click("summary:has-text('答复客户')")
    form = "form[data-transition=reply]"
    for name in ("result", "process_summary", "measures", "suggestions", "cause_analysis"):
        handler.fill(f"{form} [name={name}]", "已修复")
    handler.click(f"{form} button[type=submit]")
    handler.wait_for_selector("[role=alert]")
    assert "协办" in handler.inner_text("[role=alert]")
    assert WorkOrder.objects.get(pk=wo.pk).status == "processing"

    engineer_page = sign_in(browser, base, "engineer")
    engineer_page.goto(f"{base}/console/work-orders/{wo.pk}/")
    engineer_page.fill(f"#sub-result-{tasks[network.pk].pk}", "已更换故障光缆，网络恢复")
    engineer_page.click(f"form:has(#sub-result-{tasks[network.pk].pk}) button")
    engineer_page.wait_for_selector("#co-handling >> text=已更换故障光缆，网络恢复")
    supervisor.goto(f"{base}/console/work-orders/{wo.pk}/")
    supervisor.fill(f"#sub-result-{tasks[billing.pk].pk}", "断网期间月租已减免")
    supervisor.click(f"form:has(#sub-result-{tasks[billing.pk].pk}) button")
    supervisor.wait_for_selector("#co-handling >> text=断网期间月租已减免")
    assert set(CoHandlingTask.objects.filter(work_order=wo).values_list(
        "status", flat=True)) == {"done"}

    supervisor.click("#supervision summary:has-text('列入督办')")
    supervisor.fill("#sup-detail", "三日内恢复并回复客户")
    supervisor.fill("#sup-days", "3")
    supervisor.fill("#sup-report-days", "1")
    supervisor.click("#supervision form[action$='supervision/'] button")
    supervisor.wait_for_selector("#supervision >> text=三日内恢复并回复客户")
    entry = SupervisionEntry.objects.get(work_order=wo)
    assert entry.report_every_working_days == 1 and entry.closed_at is None

    handler.goto(f"{base}/console/work-orders/{wo.pk}/")
    handler.fill(f"#progress-{entry.pk}", "光缆已更换，正在回访确认")
    handler.click(f"form:has(#progress-{entry.pk}) button")
    handler.wait_for_selector("#supervision >> text=光缆已更换，正在回访确认")
    assert handler.locator(f"#evaluation-{entry.pk}").count() == 0  # handlers do not close it

    supervisor.goto(f"{base}/console/work-orders/{wo.pk}/")
    supervisor.select_option(f"#evaluation-{entry.pk}", "good")
    supervisor.click(f"form:has(#evaluation-{entry.pk}) button")
    supervisor.wait_for_selector("#supervision >> text=良好")
    entry.refresh_from_db()
    assert entry.closed_at is not None and entry.evaluation == "good"

    # the supervision ledger lists it under the closed ones, no longer under the open ones
    supervisor.goto(f"{base}/console/supervision/")
    assert wo.number not in supervisor.inner_text("main")
    supervisor.select_option("select[name=state]", "closed")
    supervisor.click("main form button")
    supervisor.wait_for_url("**state=closed**")
    assert wo.number in supervisor.inner_text("main")


def test_links_split_and_regulator_appeal_cards(world: World, live_server: Any,
                                                browser: Any) -> None:  # noqa: F811
    base = live_server.url
    first, _ = actions.create_work_order(actor=world.agent, intake=intake(
        world, title="宽带断线且多收费", content="宽带每天断线，本月还多收了50元月租"))
    second, _ = actions.create_work_order(actor=world.agent, intake=intake(
        world, title="宽带断线", content="宽带每天晚上断线"))
    agent = sign_in(browser, base, "agent")
    agent.goto(f"{base}/console/work-orders/{first.pk}/")
    agent.click("summary:has-text('关联工单')")
    agent.fill("#link-number", "TS-2026-99999999")  # no such work order: said, nothing linked
    agent.click("form[action$='links/'] button")
    agent.wait_for_selector("[role=alert]")
    assert not WorkOrderLink.objects.exists()
    agent.fill("#link-number", second.number)
    agent.fill("#link-note", "同一客户同一线路")
    agent.click("form[action$='links/'] button")
    agent.wait_for_selector(f"a:has-text('{second.number}')")
    assert WorkOrderLink.objects.filter(source=first, target=second).exists()

    agent.click("summary:has-text('拆分工单')")
    agent.fill("#part-title-1", "宽带断线")
    agent.fill("#part-content-1", "宽带每天断线")
    agent.fill("#part-title-2", "多收月租50元")
    agent.fill("#part-content-2", "本月多收了50元月租")
    agent.click("form[action$='split/'] button")
    agent.wait_for_selector("text=拆分出")
    parts = WorkOrder.objects.exclude(pk__in=[first.pk, second.pk])
    assert sorted(parts.values_list("title", flat=True)) == ["多收月租50元", "宽带断线"]
    assert all(p.received_at == first.received_at for p in parts)

    original = closed(world, title="信号差仍未解决")
    register_miit_appeal(agent, f"{base}/console/work-orders/{original.pk}/",
                         "客户向工信部申诉：信号问题仍未解决")
    agent.wait_for_selector("h1 >> text=SS-2026-")  # the agent took it in, so sees it (首问负责)
    appeal = Appeal.objects.get(original=original)
    assert agent.url.endswith(f"/console/work-orders/{appeal.work_order_id}/")
    assert "GXB-2026-004321" in agent.inner_text("main")
    assert appeal.regulator == "miit" and appeal.external_number == "GXB-2026-004321"
    assert appeal.external_deadline is not None
    assert appeal.external_deadline.astimezone(SHANGHAI).isoformat() == "2026-12-04T18:00:00+08:00"
    assert appeal.work_order.deadline_cap == appeal.external_deadline

    # the same case number a second time is refused and nothing more is opened
    register_miit_appeal(agent, f"{base}/console/work-orders/{original.pk}/", "重复转办")
    agent.wait_for_selector("#appeal [role=alert]")
    assert Appeal.objects.count() == 1


def register_miit_appeal(agent: Any, page: str, reason: str) -> None:
    """Fill and send the appeal card: MIIT case GXB-2026-004321, due 2026-12-04 18:00."""
    agent.goto(page)
    agent.fill("#appeal-reason", reason)
    agent.select_option("#appeal-regulator", "miit")
    agent.fill("#appeal-number", "GXB-2026-004321")
    agent.fill("#appeal-received", "2026-11-20T09:30")
    agent.fill("#appeal-deadline", "2026-12-04T18:00")
    agent.click("#appeal button[type=submit]")
