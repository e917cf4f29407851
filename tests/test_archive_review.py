"""The archive review checks the whole record content of 001 §4.4.1 — time, content, type;
customer name, contact, address; process and result; handler and responsible person; handling
and completion times; the customer's feedback and satisfaction score — and lists what is
missing. Archived records are found by keyword as well as by number."""

from __future__ import annotations

import pytest
from django.utils import timezone

from kefu.surveys.actions import SurveyAnswers, record_survey_by_phone
from kefu.workorders import actions
from kefu.workorders.actions import missing_record_content
from kefu.workorders.errors import MissingFields
from kefu.workorders.models import WorkOrder
from kefu.workorders.queries import WorkOrderFilter, list_work_orders
from tests.conftest import World
from tests.test_lifecycle import investigate
from tests.test_return_visits import REPLY

pytestmark = pytest.mark.django_db


def replied(world: World, complaint: WorkOrder) -> WorkOrder:
    investigate(world, complaint.pk)
    actions.reply_to_customer(actor=world.handler, work_order_id=complaint.pk, inputs=REPLY)
    return complaint


def archive(world: World, wo: WorkOrder) -> WorkOrder:
    return actions.archive_work_order(actor=world.archivist, work_order_id=wo.pk,
                                      inputs=actions.ArchiveInput())


def test_a_record_without_the_customers_score_fails_the_review(
        world: World, complaint: WorkOrder) -> None:
    wo = replied(world, complaint)
    actions.close_work_order(actor=world.agent, work_order_id=wo.pk,
                             inputs=actions.CloseInput(is_confirmed_by_customer=True))
    with pytest.raises(MissingFields) as refused:
        archive(world, wo)
    assert refused.value.detail["missing"] == ["satisfaction_score"]
    page = world.client_for("archivist").get(f"/console/work-orders/{wo.pk}/").content.decode()
    assert "满意度评分" in page


def test_an_unanswered_auto_closure_lacks_feedback_until_the_survey_is_answered(
        world: World, complaint: WorkOrder) -> None:
    from kefu.orgs.actors import SYSTEM

    wo = replied(world, complaint)
    actions.close_work_order(actor=SYSTEM, work_order_id=wo.pk, is_auto_close=True,
                             inputs=actions.CloseInput())
    wo.refresh_from_db()
    assert missing_record_content(wo) == ["customer_feedback", "satisfaction_score"]
    record_survey_by_phone(actor=world.agent, work_order_id=wo.pk,
                           answers=SurveyAnswers(csat=4, is_resolved=True))
    assert missing_record_content(wo) == []
    archived = archive(world, wo)
    assert archived.status == "archived"


def test_every_item_of_the_record_is_checked(world: World, complaint: WorkOrder) -> None:
    WorkOrder.objects.filter(pk=complaint.pk).update(status="closed", closed_at=timezone.now())
    wo = WorkOrder.objects.get(pk=complaint.pk)
    assert set(missing_record_content(wo)) >= {
        "category", "handler", "process_and_result", "handled_at", "customer_feedback",
        "satisfaction_score", "findings"}


def test_archived_records_are_found_by_keyword_and_number(
        world: World, complaint: WorkOrder) -> None:
    wo = replied(world, complaint)
    actions.close_work_order(actor=world.agent, work_order_id=wo.pk,
                             inputs=actions.CloseInput(is_confirmed_by_customer=True,
                                                       satisfaction_score=5))
    done = archive(world, wo)
    for word in ("信号差", "无服务", done.archive_number, done.number):
        found = list_work_orders(world.supervisor, WorkOrderFilter(status="archived",
                                                                   keyword=word))
        assert [w.pk for w in found] == [done.pk], word
    assert not list_work_orders(world.supervisor, WorkOrderFilter(keyword="宽带"))
    page = world.client_for("supervisor").get("/console/?view=all&status=archived&q=信号差")
    assert done.number in page.content.decode()
    api = world.client_for("supervisor").get("/api/work-orders?keyword=无服务").json()
    assert [i["id"] for i in api["items"]] == [done.pk]
