"""A person at the console, in Debian's chromium: an agent takes a complaint by phone and a
handler takes it to a reply; a sibling unit cannot open it by URL. Screenshots of the pages
go to docs/screenshots/."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kefu.notify.models import OutboxMessage
from kefu.workorders.models import WorkOrder
from tests.conftest import World

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed"),
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync"],
        )
        yield instance
        instance.close()


def sign_in(browser: Any, base: str, username: str) -> Any:
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page.goto(f"{base}/console/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "Kefu-test-2026")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/console/**")
    return page


def shot(page: Any, name: str) -> None:
    # KEFU_SCREENSHOTS=1 ./scripts/test -k browser refreshes docs/screenshots/.
    if os.environ.get("KEFU_SCREENSHOTS") == "1":
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_agent_takes_complaint_and_handler_replies(world: World, live_server: Any,
                                                   browser: Any) -> None:
    base = live_server.url
    agent = sign_in(browser, base, "agent")
    agent.click("text=新建工单")
    agent.fill("#customer_phone", "13700002222")
    agent.fill("#customer_name", "周杰")
    agent.fill("#customer_address", "广东省广州市天河区天河北路100号")
    agent.fill("#call_id", "CALL-20261122-0001")
    agent.select_option("#category", label="服务政策 / 计费与收费争议")
    agent.fill("#title", "本月话费多扣120元")
    agent.fill("#content", "客户来电反映本月账单比平时多出120元，明细中有不明流量费用，要求核实并退还。")
    shot(agent, "intake")
    agent.click("form#intake-form button[type=submit]")
    agent.wait_for_url(f"{base}/console/work-orders/**")
    wo = WorkOrder.objects.get()
    assert wo.number in agent.inner_text("h1")
    assert "137****2222" in agent.content() and "13700002222" not in agent.content()
    agent.click("summary:has-text('分类定级')")
    agent.select_option("#classify-handler_id", label=f"handler · {'处理人员'}")
    agent.click("form[data-transition=classify] button[type=submit]")
    agent.wait_for_selector("text=已分类")

    handler = sign_in(browser, base, "handler")
    handler.goto(f"{base}/console/?view=mine")
    assert wo.number in handler.content()
    shot(handler, "queue")
    handler.click(f"text={wo.number}")
    handler.click("summary:has-text('开始调查')")
    handler.select_option("#start_investigation-investigation_methods", ["system_data"])
    handler.click("form[data-transition=start_investigation] button[type=submit]")
    handler.wait_for_selector("summary:has-text('确认责任并处理')")
    handler.click("summary:has-text('确认责任并处理')")
    form = "form[data-transition=start_processing]"
    handler.fill(f"{form} [name=findings]", "计费系统显示流量包未按时生效，多计费120元。")
    handler.fill(f"{form} [name=evidence_summary]", "计费详单截图")
    handler.select_option(f"{form} [name=responsible_party]", "company")
    handler.select_option(f"{form} [name=plan_type]", "compensation")
    handler.fill(f"{form} [name=plan_description]", "退还多收费用")
    handler.select_option(f"{form} [name=compensation_type]", "refund")
    handler.fill(f"{form} [name=amount]", "80")
    handler.click(f"{form} button[type=submit]")
    handler.wait_for_selector("summary:has-text('答复客户')")
    handler.click("summary:has-text('答复客户')")
    form = "form[data-transition=reply]"
    for name, text in [("result", "已退还多收费用80元"), ("process_summary", "核实计费记录后退费"),
                       ("measures", "修复流量包生效流程"), ("suggestions", "可通过APP查询账单明细"),
                       ("cause_analysis", "系统流量包生效延迟")]:
        handler.fill(f"{form} [name={name}]", text)
    handler.click(f"{form} button[type=submit]")
    handler.wait_for_selector("h1 >> text=已答复")
    shot(handler, "detail")
    wo.refresh_from_db()
    assert wo.status == "replied" and wo.handler_id == world.handler.staff_id

    # The customer signs in to the portal on a phone and confirms the resolution.
    customer = browser.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN")
    customer.goto(f"{base}/portal/login/")
    customer.fill("#phone", "13700002222")
    customer.click("button[value=send]")
    customer.wait_for_selector("#code")
    message = OutboxMessage.objects.filter(template="login_code").latest("id")
    code = re.search(r"\d{6}", message.sealed_body)
    assert code is not None
    customer.fill("#code", code.group(0))
    customer.click("button[value=verify]")
    customer.wait_for_url(f"{base}/portal/")
    customer.click(f"text={wo.title}")
    assert "已退还多收费用80元" in customer.content()
    shot(customer, "portal")
    customer.check("input[name=satisfaction_score][value='5']")
    customer.fill("#close-feedback", "费用已退还，满意。")
    customer.click("text=已解决，确认结案")
    customer.wait_for_selector("text=已结案")
    wo.refresh_from_db()
    assert wo.status == "closed" and wo.satisfaction_score == 5

    archivist = sign_in(browser, base, "archivist")
    archivist.goto(f"{base}/console/work-orders/{wo.pk}/")
    archivist.click("summary:has-text('归档')")
    archivist.click("form[data-transition=archive] button[type=submit]")
    archivist.wait_for_selector("h1 >> text=已归档")
    wo.refresh_from_db()
    assert wo.status == "archived" and wo.archive_number.startswith("GD-20")

    sibling = sign_in(browser, base, "sibling_handler")
    response = sibling.goto(f"{base}/console/work-orders/{wo.pk}/")
    assert response is not None and response.status == 404
    assert wo.number not in sibling.content()


def test_keyboard_shortcuts(world: World, live_server: Any, browser: Any) -> None:
    base = live_server.url
    page = sign_in(browser, base, "agent")
    page.goto(f"{base}/console/?view=all")
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "f-number"
    page.keyboard.press("Escape")
    page.evaluate("document.activeElement.blur()")
    page.keyboard.press("n")
    page.wait_for_url(f"{base}/console/new/")
    assert page.evaluate("document.activeElement.id") == "customer_phone"


def test_dissatisfied_customer_reopens_and_the_supervisor_sees_it(
        world: World, live_server: Any, browser: Any) -> None:
    from kefu.workorders import actions
    from tests.conftest import PHONE, intake

    wo, _ = actions.create_work_order(actor=world.agent, intake=intake(
        world, title="5G网速慢", content="晚上网速不到1M"))
    actions.assign_work_order(actor=world.supervisor, work_order_id=wo.pk,
                              handler_id=world.handler.staff_id)
    actions.classify_work_order(actor=world.agent, work_order_id=wo.pk,
                                inputs=actions.ClassifyInput(category_id=world.category.pk,
                                                             severity="normal"))
    actions.start_investigation(actor=world.handler, work_order_id=wo.pk,
                                inputs=actions.StartInvestigationInput(
                                    investigation_methods=["system_data"]))
    actions.start_processing(actor=world.handler, work_order_id=wo.pk,
                             inputs=actions.StartProcessingInput(
                                 findings="基站负荷高", evidence_summary="网管数据",
                                 responsible_party="company", plan_type="repair",
                                 plan_description="扩容"))
    actions.reply_to_customer(actor=world.handler, work_order_id=wo.pk,
                              inputs=actions.ReplyInput(result="已扩容基站",
                                                        process_summary="核查负荷后扩容",
                                                        measures="扩容", suggestions="如仍慢请反馈",
                                                        cause_analysis="高峰负荷",
                                                        reply_channel="sms"))
    base = live_server.url
    customer = browser.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN")
    customer.goto(f"{base}/portal/login/")
    customer.fill("#phone", PHONE)
    customer.click("button[value=send]")
    customer.wait_for_selector("#code")
    code = re.search(r"\d{6}", OutboxMessage.objects.filter(
        template="login_code").latest("id").sealed_body)
    assert code is not None
    customer.fill("#code", code.group(0))
    customer.click("button[value=verify]")
    customer.wait_for_url(f"{base}/portal/")
    customer.click("text=5G网速慢")
    customer.fill("#reopen-reason", "扩容后晚上还是很慢")
    customer.click("text=未解决，继续处理")
    customer.wait_for_selector("text=已重开")
    wo.refresh_from_db()
    assert wo.status == "reopened" and wo.reopen_count == 1

    supervisor = sign_in(browser, base, "supervisor")
    supervisor.set_viewport_size({"width": 1024, "height": 768})  # a tablet on its side
    supervisor.goto(f"{base}/console/board/")
    assert "handler" in supervisor.inner_text("main")
    shot(supervisor, "board")
    supervisor.goto(f"{base}/console/work-orders/{wo.pk}/")
    assert "重开次数" in supervisor.content() and "扩容后晚上还是很慢" in supervisor.content()
    width = supervisor.evaluate("document.documentElement.scrollWidth")
    assert width <= 1024  # no sideways scrolling at tablet width
