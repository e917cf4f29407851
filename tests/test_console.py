"""The console pages, through the Django test client, in Chinese and English."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from kefu.workorders.models import TimelineEvent, WorkOrder
from tests.conftest import PHONE, World

pytestmark = pytest.mark.django_db


def english(client: Client) -> Client:
    client.cookies["django_language"] = "en"
    return client


def test_login_page_and_redirect(world: World) -> None:
    response = Client().get("/console/")
    assert response.status_code == 302 and "/console/login/" in response["Location"]
    page = Client().get("/console/login/")
    assert "登录客服工作台" in page.content.decode()
    bad = Client().post("/console/login/", {"username": "agent", "password": "wrong"})
    assert "用户名或密码错误" in bad.content.decode()
    good = Client().post("/console/login/", {"username": "agent", "password": "Kefu-test-2026"})
    assert good.status_code == 302


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_queue_and_detail_render(world: World, complaint: WorkOrder, lang: str) -> None:
    client = world.client_for("agent")
    if lang == "en":
        english(client)
    queue = client.get("/console/?view=unit")
    html = queue.content.decode()
    assert queue.status_code == 200 and complaint.number in html
    assert ("Workspace" in html) == (lang == "en") and ("工作台" in html) == (lang != "en")
    assert "138****5678" in html and PHONE not in html
    detail = client.get(f"/console/work-orders/{complaint.pk}/")
    html = detail.content.decode()
    assert detail.status_code == 200
    assert complaint.number in html and PHONE not in html and "张*" in html
    assert 'data-transition="classify"' in html and 'data-transition="archive"' not in html
    assert ("Classify" in html) == (lang == "en") and ("Complaint" in html) == (lang == "en")


def test_intake_form_creates_once_and_keeps_input_on_error(world: World) -> None:
    client = world.client_for("agent")
    form = {
        "kind": "complaint", "channel": "phone", "call_id": "CALL-77", "title": "话费异常",
        "content": "本月多扣120元", "customer_name": "王芳", "customer_phone": "13700001111",
        "customer_id_number": "", "customer_address": "广东省广州市天河区天河路1号",
        "category": "", "severity": "normal", "unit": str(world.city.pk),
        "idempotency_key": "form-123",
    }
    bad = client.post("/console/new/", {**form, "customer_phone": "123"})
    assert bad.status_code == 422
    html = bad.content.decode()
    assert "话费异常" in html and "手机号" in html and WorkOrder.objects.count() == 0
    first = client.post("/console/new/", form)
    second = client.post("/console/new/", form)  # a double-clicked submit
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert WorkOrder.objects.count() == 1


def test_transition_from_the_page(world: World, complaint: WorkOrder) -> None:
    client = world.client_for("agent")
    url = f"/console/work-orders/{complaint.pk}/transitions/classify/"
    missing = client.post(url, {"version": "1", "severity": "normal"})
    assert missing.status_code == 422 and "必填" in missing.content.decode()
    done = client.post(url, {"version": "1", "severity": "normal",
                             "category_id": str(world.category.pk)})
    assert done.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == "classified"
    stale = client.post(f"/console/work-orders/{complaint.pk}/transitions/reject/",
                        {"version": "1", "reject_reason": "duplicate", "note": "重复"})
    assert stale.status_code == 412 and "已被他人修改" in stale.content.decode()


def test_sibling_cannot_open_by_url(world: World, complaint: WorkOrder) -> None:
    client = world.client_for("sibling_handler")
    assert client.get(f"/console/work-orders/{complaint.pk}/").status_code == 404
    assert complaint.number not in client.get("/console/?view=all").content.decode()


def test_note_and_assign(world: World, complaint: WorkOrder) -> None:
    client = world.client_for("supervisor")
    client.post(f"/console/work-orders/{complaint.pk}/notes/", {"note": "请尽快联系客户"})
    client.post(f"/console/work-orders/{complaint.pk}/assign/",
                {"handler_id": str(world.handler.staff_id), "version": "2"})
    complaint.refresh_from_db()
    assert complaint.handler_id == world.handler.staff_id
    kinds = list(TimelineEvent.objects.filter(work_order=complaint)
                 .values_list("event_type", flat=True).order_by("id"))
    assert kinds == ["created", "note_added", "assigned"]


def test_customer_login_has_no_console(world: World) -> None:
    response = world.client_for("customer").get("/console/")
    assert response.status_code == 403


def test_every_console_page_has_labels(world: World, complaint: WorkOrder) -> None:
    client = world.client_for("agent")
    for url in ("/console/new/", f"/console/work-orders/{complaint.pk}/"):
        html = client.get(url).content.decode()
        ids = set(re.findall(r'<(?:input|select|textarea)[^>]*\bid="([^"]+)"', html))
        labelled = set(re.findall(r'<label[^>]*\bfor="([^"]+)"', html))
        assert ids - {"idempotency-key"} <= labelled, ids - labelled


def test_supervisor_approves_compensation_on_the_page(world: World, complaint: WorkOrder) -> None:
    from kefu.workorders import actions
    from kefu.workorders.models import HandlingPlan

    actions.classify_work_order(actor=world.agent, work_order_id=complaint.pk,
                                inputs=actions.ClassifyInput(category_id=world.category.pk,
                                                             severity="normal"))
    actions.start_investigation(actor=world.handler, work_order_id=complaint.pk,
                                inputs=actions.StartInvestigationInput(
                                    investigation_methods=["system_data"]))
    actions.start_processing(actor=world.handler, work_order_id=complaint.pk,
                             inputs=actions.StartProcessingInput(
                                 findings="属实", evidence_summary="详单",
                                 responsible_party="company", plan_type="compensation",
                                 plan_description="退费", compensation_type="refund", amount=300))
    plan = HandlingPlan.objects.get()
    handler_page = world.client_for("handler").get(f"/console/work-orders/{complaint.pk}/")
    assert "decision" not in handler_page.content.decode().split('id="plans"')[1].split("</table>")[0]
    client = world.client_for("supervisor")
    page = client.get(f"/console/work-orders/{complaint.pk}/").content.decode()
    assert f"/plans/{plan.pk}/decision/" in page
    refused = client.post(f"/console/work-orders/{complaint.pk}/plans/{plan.pk}/decision/",
                          {"decision": "reject", "note": ""})
    assert refused.status_code == 422
    done = client.post(f"/console/work-orders/{complaint.pk}/plans/{plan.pk}/decision/",
                       {"decision": "approve", "note": "同意"})
    assert done.status_code == 302
    plan.refresh_from_db()
    assert plan.approval_status == "approved" and plan.decided_by_name == "supervisor"


def test_upload_reveal_and_escalate(world: World, complaint: WorkOrder) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from kefu.audit.models import AuditEntry

    agent = world.client_for("agent")
    png = b"\x89PNG\r\n\x1a\n" + b"1" * 64
    uploaded = agent.post(f"/console/work-orders/{complaint.pk}/attachments/",
                          {"file": SimpleUploadedFile("截图.png", png, "image/png")})
    assert uploaded.status_code == 302 and complaint.attachments.count() == 1
    bad = agent.post(f"/console/work-orders/{complaint.pk}/attachments/",
                     {"file": SimpleUploadedFile("x.exe", b"MZ", "application/x-msdownload")})
    assert bad.status_code == 422 and complaint.attachments.count() == 1
    revealed = agent.post(f"/console/work-orders/{complaint.pk}/reveal/", {})  # the owner
    assert revealed.status_code == 200 and PHONE in revealed.content.decode()
    assert AuditEntry.objects.filter(action="PERSONAL_DATA_REVEALED").count() == 1
    handler = world.client_for("handler")  # neither owner nor handler yet, and no permission
    refused = handler.post(f"/console/work-orders/{complaint.pk}/reveal/", {"reason": "核实"})
    assert refused.status_code == 403 and PHONE not in refused.content.decode()
    supervisor = world.client_for("supervisor")
    assert "升级工单" in supervisor.get(f"/console/work-orders/{complaint.pk}/").content.decode()
    assert "升级工单" not in agent.get(f"/console/work-orders/{complaint.pk}/").content.decode()
    escalated = supervisor.post(f"/console/work-orders/{complaint.pk}/escalate/",
                                {"reason": "涉及多部门", "version": "2"})
    assert escalated.status_code == 302
    complaint.refresh_from_db()
    assert complaint.is_escalated


def test_unassigned_queue(world: World, complaint: WorkOrder) -> None:
    from kefu.workorders import actions
    from tests.conftest import intake

    assigned, _ = actions.create_work_order(actor=world.agent, intake=intake(world, title="已分派"))
    actions.assign_work_order(actor=world.supervisor, work_order_id=assigned.pk,
                              handler_id=world.handler.staff_id)
    html = world.client_for("agent").get("/console/?view=unassigned").content.decode()
    assert complaint.number in html and assigned.number not in html
    mine = world.client_for("handler").get("/console/?view=mine").content.decode()
    assert assigned.number in mine and complaint.number not in mine


def test_lockout_after_repeated_failures(world: World) -> None:
    for _ in range(5):
        Client().post("/console/login/", {"username": "agent", "password": "wrong"})
    locked = Client().post("/console/login/", {"username": "agent",
                                               "password": "Kefu-test-2026"})
    assert locked.status_code == 429 and "15分钟" in locked.content.decode()
    other = Client().post("/console/login/", {"username": "handler",
                                              "password": "Kefu-test-2026"})
    assert other.status_code == 302


def test_success_clears_failures(world: World) -> None:
    for _ in range(4):
        Client().post("/console/login/", {"username": "agent", "password": "wrong"})
    assert Client().post("/console/login/", {"username": "agent",
                                             "password": "Kefu-test-2026"}).status_code == 302
    for _ in range(4):
        Client().post("/console/login/", {"username": "agent", "password": "wrong"})
    assert Client().post("/console/login/", {"username": "agent",
                                             "password": "Kefu-test-2026"}).status_code == 302


def test_session_has_a_maximum_lifetime(world: World, settings: object) -> None:
    import time

    client = Client()
    client.post("/console/login/", {"username": "agent", "password": "Kefu-test-2026"})
    assert client.get("/console/").status_code == 200
    session = client.session
    session["kefu_session_started"] = int(time.time()) - 11 * 3600
    session.save()
    response = client.get("/console/")
    assert response.status_code == 302 and "/console/login/" in response["Location"]


def test_supervisor_board(world: World) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from kefu.jobs import sweep
    from kefu.workorders import actions
    from tests.conftest import intake

    late, _ = actions.create_work_order(actor=world.agent, intake=intake(
        world, received_at=timezone.now() - timedelta(hours=30)))
    actions.assign_work_order(actor=world.supervisor, work_order_id=late.pk,
                              handler_id=world.handler.staff_id)
    sweep()
    actions.classify_work_order(actor=world.agent, work_order_id=late.pk,
                                inputs=actions.ClassifyInput(category_id=world.category.pk,
                                                             severity="normal"))
    actions.start_investigation(actor=world.handler, work_order_id=late.pk,
                                inputs=actions.StartInvestigationInput(
                                    investigation_methods=["interview"]))
    actions.start_processing(actor=world.handler, work_order_id=late.pk,
                             inputs=actions.StartProcessingInput(
                                 findings="属实", evidence_summary="详单",
                                 responsible_party="company", plan_type="compensation",
                                 plan_description="退费", compensation_type="refund", amount=200))
    page = world.client_for("supervisor").get("/console/board/").content.decode()
    assert "班组工作量" in page and "handler" in page
    assert late.number in page  # in the supervision ledger and the approvals
    assert "¥200.00" in page
    english = world.client_for("supervisor")
    english.cookies["django_language"] = "en"
    assert english.get("/console/board/").status_code == 200
    sibling = world.client_for("sibling_handler").get("/console/board/").content.decode()
    assert late.number not in sibling
    mine = world.client_for("supervisor").get(
        f"/console/?view=all&handler={world.handler.staff_id}").content.decode()
    assert late.number in mine


def test_customer_360_and_lookup(world: World, complaint: WorkOrder) -> None:
    client = world.client_for("agent")
    fragment = client.post("/console/customers/lookup/",
                           {"customer_phone": PHONE}).content.decode()
    assert complaint.number in fragment and "张*" in fragment and PHONE not in fragment
    assert "未找到" in client.post("/console/customers/lookup/",
                                 {"customer_phone": "13900001234"}).content.decode()
    page = client.get(f"/console/customers/{world.customer.pk}/").content.decode()
    assert complaint.number in page and "138****5678" in page
    assert world.client_for("sibling_handler").get(
        f"/console/customers/{world.customer.pk}/").status_code == 404
    prefilled = client.get(f"/console/new/?customer={world.customer.pk}").content.decode()
    assert f'name="customer_id" value="{world.customer.pk}"' in prefilled


def test_duplicate_warning_on_intake(world: World) -> None:
    from kefu.workorders import actions
    from tests.conftest import intake

    first, _ = actions.create_work_order(actor=world.agent, intake=intake(
        world, category_id=world.category.pk))
    client = world.client_for("agent")
    form = {"kind": "complaint", "channel": "phone", "call_id": "CALL-88", "title": "信号又差了",
            "content": "还是没有信号", "customer_id": str(world.customer.pk),
            "category": str(world.category.pk), "severity": "normal",
            "unit": str(world.city.pk)}
    warned = client.post("/console/new/", form)
    assert warned.status_code == 409 and first.number in warned.content.decode()
    assert WorkOrder.objects.count() == 1
    created = client.post("/console/new/", {**form, "confirm_duplicate": "on"})
    assert created.status_code == 302 and WorkOrder.objects.count() == 2
    other_category = client.post("/console/new/", {**form, "category": ""})
    assert other_category.status_code == 302


def test_bulk_assign_with_per_row_results(world: World, complaint: WorkOrder) -> None:
    from kefu.workorders import actions
    from tests.conftest import intake

    closed, _ = actions.create_work_order(actor=world.agent, intake=intake(world, title="已撤"))
    actions.withdraw_work_order(actor=world.agent, work_order_id=closed.pk,
                                inputs=actions.WithdrawInput(reason="客户撤诉",
                                                             confirmation_call_id="CALL-0002"))
    client = world.client_for("supervisor")
    queue = client.get("/console/?view=all").content.decode()
    assert 'name="ids"' in queue and "批量操作" in queue
    response = client.post("/console/bulk/", {
        "action": "assign", "handler_id": str(world.handler.staff_id),
        "ids": [str(complaint.pk), str(closed.pk), "999999"], "text": "请跟进"})
    html = response.content.decode()
    assert response.status_code == 200 and "成功 1 条，失败 2 条" in html
    assert complaint.number in html and closed.number in html
    complaint.refresh_from_db()
    assert complaint.handler_id == world.handler.staff_id
    escalated = client.post("/console/bulk/", {"action": "escalate", "ids": [str(complaint.pk)],
                                               "text": "批量升级"})
    assert "成功 1 条" in escalated.content.decode()


def test_phone_search_keeps_the_number_out_of_urls(world: World, complaint: WorkOrder) -> None:
    client = world.client_for("agent")
    found = client.post("/console/find-phone/", {"phone": "138-1234-5678"})
    assert found.status_code == 302 and PHONE not in found["Location"]
    assert "phone_key=" in found["Location"]
    page = client.get(found["Location"]).content.decode()
    assert complaint.number in page and PHONE not in page
    other = client.get(client.post("/console/find-phone/", {"phone": "13900000000"})["Location"])
    assert complaint.number not in other.content.decode()


def test_attachment_preview_is_scoped(world: World, complaint: WorkOrder) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    png = b"\x89PNG\r\n\x1a\n" + b"2" * 64
    world.client_for("agent").post(f"/console/work-orders/{complaint.pk}/attachments/",
                                   {"file": SimpleUploadedFile("截图.png", png, "image/png")})
    attachment = complaint.attachments.get()
    url = f"/console/work-orders/{complaint.pk}/attachments/{attachment.pk}/"
    page = world.client_for("handler").get(f"/console/work-orders/{complaint.pk}/")
    assert f'<img src="{url}"' in page.content.decode()
    response = world.client_for("handler").get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == png
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "image/png"
    assert world.client_for("sibling_handler").get(url).status_code == 404
    # The customer sees only what they uploaded themself.
    assert world.client_for("customer").get(
        f"/portal/orders/{complaint.pk}/files/{attachment.pk}/").status_code == 404


def test_queue_filters_sorting_and_approval_view(world: World) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from kefu.workorders import actions
    from tests.conftest import intake

    older, _ = actions.create_work_order(actor=world.agent, intake=intake(
        world, title="旧的", received_at=timezone.now() - timedelta(hours=10)))
    newer, _ = actions.create_work_order(actor=world.agent, intake=intake(world, title="新的"))
    client = world.client_for("supervisor")
    html = client.get("/console/?view=all&sort=due").content.decode()
    assert html.index(older.number) < html.index(newer.number)  # due sooner comes first
    html = client.get("/console/?view=all").content.decode()
    assert html.index(newer.number) < html.index(older.number)
    today = timezone.localdate().isoformat()
    dated = client.get(f"/console/?view=all&from={today}&to={today}").content.decode()
    assert newer.number in dated
    actions.classify_work_order(actor=world.agent, work_order_id=older.pk,
                                inputs=actions.ClassifyInput(category_id=world.category.pk,
                                                             severity="normal"))
    actions.start_investigation(actor=world.handler, work_order_id=older.pk,
                                inputs=actions.StartInvestigationInput(
                                    investigation_methods=["interview"]))
    actions.start_processing(actor=world.handler, work_order_id=older.pk,
                             inputs=actions.StartProcessingInput(
                                 findings="属实", evidence_summary="详单",
                                 responsible_party="company", plan_type="compensation",
                                 plan_description="退费", compensation_type="refund", amount=500))
    waiting = client.get("/console/?view=approval").content.decode()
    assert older.number in waiting and newer.number not in waiting
    by_category = client.get(f"/console/?view=all&category={world.category.pk}").content.decode()
    assert older.number in by_category and newer.number not in by_category
