"""SQL statements per request on the pages read most, pinned. A query per row, or a list read
twice, changes these numbers; each test then adds rows to every list the page shows and
checks that the number stays the same."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from kefu.api.tokens import issue_api_token
from kefu.escalation.actions import open_supervision, report_supervision_progress
from kefu.escalation.models import SupervisionEntry
from kefu.orgs.actors import SYSTEM
from kefu.workorders import actions
from kefu.workorders.attachments import add_attachment
from kefu.workorders.links import link_work_orders
from kefu.workorders.models import HandlingPlan, WorkOrder
from tests.conftest import World, intake

pytestmark = pytest.mark.django_db

AssertQueries = Callable[..., Any]

REPLY = actions.ReplyInput(
    result="已恢复信号覆盖", process_summary="现场测试后调整天线", measures="调整基站天线下倾角",
    suggestions="如仍有问题请致电10000", cause_analysis="天线方位角偏移", reply_channel="sms",
)
PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 64

# Every request: the session, the user, the actor's staff row and unit; a console page also
# saves the session (savepoint, update, release) for the idle timeout.
DETAIL_PAGE = 36  # the scope 3 times, the work order and 24 parts of its page (with the
#                   articles cited and those the customer's words suggest: by the words, then
#                   by the characters for the rest)
QUEUE_PAGE = 13   # the scope, one page of rows, saved views, categories, staff, units
API_LIST = 3      # the token with its user and actor, the scope, one page of rows
API_DETAIL = 3    # the token with its user and actor, the scope, the work order


def attach(world: World, wo: WorkOrder, name: str) -> None:
    add_attachment(actor=world.handler, work_order_id=wo.pk, name=name,
                   content_type="image/png", stream=io.BytesIO(PNG))


def handled(world: World, title: str) -> WorkOrder:
    """A complaint answered: assigned, noted, classified, investigated, two handling plans
    (one approved), supervised with progress reports, two attachments, a reply."""
    wo, _ = actions.create_work_order(actor=world.agent, intake=intake(world, title=title))
    actions.assign_work_order(actor=world.supervisor, work_order_id=wo.pk,
                              handler_id=world.handler.staff_id)
    actions.add_note(actor=world.handler, work_order_id=wo.pk, note="已联系客户",
                     is_customer_visible=True)
    actions.classify_work_order(actor=world.agent, work_order_id=wo.pk,
                                inputs=actions.ClassifyInput(category_id=world.category.pk,
                                                             severity="normal"))
    actions.start_investigation(actor=world.handler, work_order_id=wo.pk,
                                inputs=actions.StartInvestigationInput(
                                    investigation_methods=["on_site", "system_data"]))
    actions.start_processing(actor=world.handler, work_order_id=wo.pk,
                             inputs=actions.StartProcessingInput(
                                 findings="基站天线偏移导致室内覆盖弱",
                                 evidence_summary="现场测试报告", responsible_party="company",
                                 plan_type="compensation", plan_description="退还当月月租",
                                 compensation_type="refund", amount=300))
    actions.add_handling_plan(actor=world.handler, work_order_id=wo.pk,
                              plan=actions.PlanInput("repair", "调整天线"))
    compensation = HandlingPlan.objects.filter(work_order=wo).order_by("id").first()
    assert compensation is not None
    actions.decide_handling_plan(actor=world.supervisor, plan_id=compensation.pk,
                                 is_approved=True, note="同意")
    entry = open_supervision(actor=world.supervisor, work_order_id=wo.pk, detail="三日内办结",
                             working_days=3)
    for progress in ("已上门测试", "已调整天线"):
        report_supervision_progress(actor=world.handler, entry_id=entry.pk, progress=progress)
    for name in ("测试报告.png", "现场照片.png"):
        attach(world, wo, name)
    actions.reply_to_customer(actor=world.handler, work_order_id=wo.pk, inputs=REPLY)
    return WorkOrder.objects.get(pk=wo.pk)


@pytest.fixture
def busy(world: World) -> WorkOrder:
    """A handled complaint linked to another in each direction."""
    wo = handled(world, "家中手机信号差")
    link_work_orders(actor=world.agent, work_order_id=wo.pk,
                     other_number=handled(world, "宽带经常断网").number)
    link_work_orders(actor=world.agent, work_order_id=handled(world, "话费异常").pk,
                     other_number=wo.number)
    return wo


def token_client(world: World, name: str) -> Client:
    _, plain = issue_api_token(actor=SYSTEM, user=world.users[name], name="counts")
    return Client(HTTP_AUTHORIZATION=f"Bearer {plain}")


def get_counted(client: Client, url: str, statements: int,
                django_assert_num_queries: AssertQueries) -> str:
    # The first request fills what is kept between requests (the working-day calendar, a
    # token's last use), so the counted one costs what every later one does.
    client.get(url)
    with django_assert_num_queries(statements):
        response = client.get(url)
    assert response.status_code == 200
    return str(response.content.decode())


def test_work_order_page(world: World, busy: WorkOrder,
                         django_assert_num_queries: AssertQueries) -> None:
    client = world.client_for("supervisor")
    url = f"/console/work-orders/{busy.pk}/"

    html = get_counted(client, url, DETAIL_PAGE, django_assert_num_queries)

    for shown in ("退还当月月租", "调整天线", "已恢复信号覆盖", "已联系客户", "已调整天线",
                  "测试报告.png", "现场照片.png", "首次答复"):
        assert shown in html, shown
    for linked in WorkOrder.objects.exclude(pk=busy.pk):
        assert linked.number in html

    attach(world, busy, "录音.png")
    actions.add_note(actor=world.handler, work_order_id=busy.pk, note="客户确认信号恢复")
    entry = SupervisionEntry.objects.get(work_order=busy)
    report_supervision_progress(actor=world.handler, entry_id=entry.pk, progress="已回访")
    link_work_orders(actor=world.agent, work_order_id=busy.pk,
                     other_number=handled(world, "流量异常").number)

    more = get_counted(client, url, DETAIL_PAGE, django_assert_num_queries)
    assert "录音.png" in more and "客户确认信号恢复" in more and "已回访" in more


def test_queue_page(world: World, busy: WorkOrder,
                    django_assert_num_queries: AssertQueries) -> None:
    client = world.client_for("supervisor")

    html = get_counted(client, "/console/?view=all", QUEUE_PAGE, django_assert_num_queries)

    assert all(wo.number in html for wo in WorkOrder.objects.all())
    added, _ = actions.create_work_order(actor=world.agent, intake=intake(world, title="宽带提速"))
    more = get_counted(client, "/console/?view=all", QUEUE_PAGE, django_assert_num_queries)
    assert added.number in more


def test_api_list(world: World, busy: WorkOrder,
                  django_assert_num_queries: AssertQueries) -> None:
    client = token_client(world, "supervisor")

    get_counted(client, "/api/work-orders", API_LIST, django_assert_num_queries)

    actions.create_work_order(actor=world.agent, intake=intake(world, title="宽带提速"))
    get_counted(client, "/api/work-orders", API_LIST, django_assert_num_queries)
    assert len(client.get("/api/work-orders").json()["items"]) == 4


def test_api_detail(world: World, busy: WorkOrder,
                    django_assert_num_queries: AssertQueries) -> None:
    client = token_client(world, "supervisor")

    get_counted(client, f"/api/work-orders/{busy.pk}", API_DETAIL, django_assert_num_queries)

    assert client.get(f"/api/work-orders/{busy.pk}").json()["number"] == busy.number
