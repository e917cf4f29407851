"""The customer portal: sign in with an SMS code, submit, follow, answer — and the limits."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from kefu.notify.models import OutboxMessage
from kefu.portal.models import LoginCode
from kefu.workorders import actions
from kefu.workorders.models import WorkOrder
from tests.conftest import PHONE, World, intake

pytestmark = pytest.mark.django_db


def last_code() -> str:
    """The code as the customer's phone will get it (the stored body has it redacted)."""
    message = OutboxMessage.objects.filter(template="login_code").latest("id")
    found = re.search(r"\d{6}", message.sealed_body)
    assert found is not None
    return found.group(0)


def signed_in(world: World) -> Client:
    client = Client()
    client.post("/portal/login/", {"phone": PHONE, "step": "send"})
    done = client.post("/portal/login/", {"phone": PHONE, "step": "verify", "code": last_code()})
    assert done.status_code == 302 and done["Location"] == "/portal/"
    return client


def test_sign_in_with_a_code(world: World) -> None:
    client = Client()
    assert client.get("/portal/").status_code == 302
    sent = client.post("/portal/login/", {"phone": "138 1234 5678", "step": "send"})
    assert sent.status_code == 200 and "验证码已发送" in sent.content.decode()
    message = OutboxMessage.objects.get(template="login_code")
    assert message.recipient == PHONE
    assert LoginCode.objects.get().code_hash != last_code()  # only a hash is stored
    wrong = client.post("/portal/login/", {"phone": PHONE, "step": "verify", "code": "000000"})
    assert wrong.status_code == 422
    ok = client.post("/portal/login/", {"phone": PHONE, "step": "verify", "code": last_code()})
    assert ok.status_code == 302
    again = Client().post("/portal/login/", {"phone": PHONE, "step": "verify",
                                             "code": last_code()})
    assert again.status_code == 422  # a code works once


def test_throttling(world: World) -> None:
    client = Client()
    client.post("/portal/login/", {"phone": PHONE, "step": "send"})
    assert client.post("/portal/login/", {"phone": PHONE, "step": "send"}).status_code == 429
    for _ in range(5):
        client.post("/portal/login/", {"phone": PHONE, "step": "verify", "code": "111111"})
    locked = client.post("/portal/login/", {"phone": PHONE, "step": "verify",
                                            "code": last_code()})
    assert locked.status_code == 429


def test_unknown_number_looks_the_same_but_gets_no_sms(world: World) -> None:
    response = Client().post("/portal/login/", {"phone": "13900009999", "step": "send"})
    assert response.status_code == 200 and "验证码已发送" in response.content.decode()
    assert not OutboxMessage.objects.filter(template="login_code").exists()
    bad = Client().post("/portal/login/", {"phone": "12345", "step": "send"})
    assert bad.status_code == 422


def test_submit_follow_and_confirm(world: World) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = signed_in(world)
    form: dict[str, Any] = {"kind": "complaint", "title": "宽带经常掉线",
                            "content": "每天晚上八点后断网", "idempotency_key": "p-1",
                            "file": SimpleUploadedFile("路由器.png", b"\x89PNG\r\n\x1a\n" + b"0" * 50,
                                                       "image/png")}
    created = client.post("/portal/new/", form)
    assert created.status_code == 302
    wo = WorkOrder.objects.get()
    assert wo.customer_id == world.customer.pk and wo.channel == "web"
    assert wo.attachments.count() == 1
    page = client.get(f"/portal/orders/{wo.pk}/").content.decode()
    assert "宽带经常掉线" in page and "预计答复时间" in page
    actions.classify_work_order(actor=world.agent, work_order_id=wo.pk,
                                inputs=actions.ClassifyInput(category_id=world.category.pk,
                                                             severity="normal"))
    actions.request_customer_info(actor=world.agent, work_order_id=wo.pk,
                                  inputs=actions.RequestInfoInput(question="请提供路由器型号"))
    page = client.get(f"/portal/orders/{wo.pk}/").content.decode()
    assert "请提供路由器型号" in page
    client.post(f"/portal/orders/{wo.pk}/resume/", {"note": "型号是 HG8145"})
    wo.refresh_from_db()
    assert wo.status == "classified"
    actions.start_investigation(actor=world.handler, work_order_id=wo.pk,
                                inputs=actions.StartInvestigationInput(
                                    investigation_methods=["on_site"]))
    actions.start_processing(actor=world.handler, work_order_id=wo.pk,
                             inputs=actions.StartProcessingInput(
                                 findings="光猫老化", evidence_summary="现场检测",
                                 responsible_party="company", plan_type="repair",
                                 plan_description="更换光猫"))
    actions.reply_to_customer(actor=world.handler, work_order_id=wo.pk,
                              inputs=actions.ReplyInput(result="已更换光猫",
                                                        process_summary="上门检测后更换",
                                                        measures="更换设备",
                                                        suggestions="如再断网请报修",
                                                        cause_analysis="设备老化",
                                                        reply_channel="sms"))
    page = client.get(f"/portal/orders/{wo.pk}/").content.decode()
    assert "已更换光猫" in page and "确认结案" in page
    client.post(f"/portal/orders/{wo.pk}/close/", {"satisfaction_score": "4",
                                                   "feedback": "师傅很专业"})
    wo.refresh_from_db()
    assert wo.status == "closed" and wo.satisfaction_score == 4
    assert wo.is_confirmed_by_customer


def test_reopen_and_withdraw(world: World) -> None:
    client = signed_in(world)
    wo, _ = actions.create_work_order(actor=world.agent, intake=intake(world, kind="consultation"))
    actions.answer_consultation(actor=world.agent, work_order_id=wo.pk,
                                inputs=actions.AnswerInput(result="请重启路由器",
                                                           reply_channel="phone"))
    client.post(f"/portal/orders/{wo.pk}/reopen/", {"reason": "重启后仍然不行"})
    wo.refresh_from_db()
    assert wo.status == "reopened" and wo.reopen_count == 1
    other, _ = actions.create_work_order(actor=world.agent, intake=intake(world, title="另一条"))
    missing = client.post(f"/portal/orders/{other.pk}/withdraw/", {"reason": ""})
    assert missing.status_code == 422
    client.post(f"/portal/orders/{other.pk}/withdraw/", {"reason": "已自行解决"})
    other.refresh_from_db()
    assert other.status == "withdrawn"
    refused = client.post(f"/portal/orders/{other.pk}/archive/", {})
    assert refused.status_code == 422


def test_customers_see_only_their_own(world: World) -> None:
    from kefu.customers.actions import CustomerDetails

    theirs, _ = actions.create_work_order(actor=world.agent, intake=intake(
        world, customer_id=None, customer=CustomerDetails(name="王五", phone="13700007777")))
    client = signed_in(world)
    assert client.get(f"/portal/orders/{theirs.pk}/").status_code == 404
    assert theirs.number not in client.get("/portal/").content.decode()
    mine, _ = actions.create_work_order(actor=world.agent, intake=intake(world))
    page = client.get(f"/portal/orders/{mine.pk}/").content.decode()
    assert mine.number in page and "call_id" not in page
    internal = actions.add_note(actor=world.agent, work_order_id=mine.pk, note="内部备注勿外传")
    assert internal
    assert "内部备注勿外传" not in client.get(f"/portal/orders/{mine.pk}/").content.decode()


def test_staff_cannot_use_the_portal_as_customers(world: World) -> None:
    assert world.client_for("agent").get("/portal/").status_code == 302


def test_asking_for_a_code_again_too_soon_keeps_the_code_field(world: World) -> None:
    from django.test import Client

    from tests.conftest import PHONE

    visitor = Client()
    visitor.post("/portal/login/", {"phone": PHONE, "step": "send"})
    again = visitor.post("/portal/login/", {"phone": PHONE, "step": "send"})
    page = again.content.decode()
    assert again.status_code == 429 and 'id="code"' in page
