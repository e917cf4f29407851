"""Severity suggestions (SPEC §5): each rule with its reason; an agent cannot act on a major
one, a supervisor can."""

from __future__ import annotations

import pytest

from kefu.customers.models import Customer
from kefu.errors import PermissionRefused
from kefu.workorders import actions
from kefu.workorders.severity import suggest_severity, suggested_severity
from tests.conftest import World, intake

pytestmark = pytest.mark.django_db


def codes(wo: object) -> list[str]:
    return [s.code for s in suggest_severity(wo)]  # type: ignore[arg-type]


def test_each_rule_with_its_reason(world: World) -> None:
    plain, _ = actions.create_work_order(actor=world.agent, intake=intake(world, kind="consultation",
                                                                          title="咨询套餐"))
    assert codes(plain) == []
    outage, _ = actions.create_work_order(actor=world.agent, intake=intake(
        world, title="整片小区断网", content="从早上开始大面积无法上网"))
    assert "network_outage" in codes(outage)
    assert "repeat" not in codes(outage)  # the first complaint in 30 days
    leak, _ = actions.create_work_order(actor=world.agent, intake=intake(
        world, title="个人信息被泄露", content="接到骚扰电话，对方知道我的身份证号"))
    suggestions = suggest_severity(leak)
    assert suggestions[0].code == "data_leak" and suggested_severity(suggestions) == "urgent"
    assert "repeat" in codes(leak) and "30" in next(
        s.reason_zh for s in suggestions if s.code == "repeat")
    media, _ = actions.create_work_order(actor=world.agent, intake=intake(
        world, kind="consultation", channel="social", call_id="", title="微博上的投诉"))
    assert "media_or_regulator" in codes(media)
    Customer.objects.filter(pk=world.customer.pk).update(level="diamond")
    media.refresh_from_db()
    assert "vip" in codes(media)


def test_shown_in_console_and_api_and_only_authorised_people_follow_it(world: World) -> None:
    wo, _ = actions.create_work_order(actor=world.agent, intake=intake(
        world, title="个人信息泄露", content="营业厅泄露了我的信息"))
    page = world.client_for("agent").get(f"/console/work-orders/{wo.pk}/").content.decode()
    assert "建议严重程度" in page and "涉及个人信息泄露" in page
    english = world.client_for("agent").get(f"/console/work-orders/{wo.pk}/",
                                            HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Personal data may have leaked" in english
    api = world.client_for("supervisor").get(f"/api/work-orders/{wo.pk}/severity-suggestions")
    assert api.json()[0] == {"severity": "urgent", "code": "data_leak",
                             "reason_zh": "涉及个人信息泄露",
                             "reason_en": "Personal data may have leaked"}
    with pytest.raises(PermissionRefused):
        actions.classify_work_order(actor=world.agent, work_order_id=wo.pk,
                                    inputs=actions.ClassifyInput(
                                        category_id=world.category.pk, severity="urgent"))
    actions.classify_work_order(actor=world.supervisor, work_order_id=wo.pk,
                                inputs=actions.ClassifyInput(category_id=world.category.pk,
                                                             severity="urgent"))
    page = world.client_for("agent").get(f"/console/work-orders/{wo.pk}/").content.decode()
    assert "建议严重程度" not in page  # followed: nothing left to suggest
