"""The outbox: nothing sent for a rolled-back change, nothing lost when the dispatcher dies,
retries with backoff, and real email through a local SMTP server."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.db import transaction
from django.utils import timezone

from kefu.notify import dispatcher
from kefu.notify.actions import enqueue_message
from kefu.notify.choices import MessageChannel, OutboxStatus
from kefu.notify.models import DeliveryAttempt, OutboxMessage
from kefu.workorders import actions
from kefu.workorders.models import WorkOrder
from tests.conftest import World, intake

pytestmark = pytest.mark.django_db
SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"


class Inbox:
    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(envelope)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def smtp(settings: Any) -> Iterator[Inbox]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.KEFU_USE_EMAIL = True
    # pytest-django swaps in the in-memory backend; these tests want the real SMTP one.
    settings.EMAIL_BACKEND = SMTP_BACKEND
    try:
        yield inbox
    finally:
        controller.stop()


@pytest.fixture
def sms_log(settings: Any, tmp_path: Any) -> Any:
    settings.DATA_DIR = tmp_path
    return tmp_path / "sms.log"


def test_nothing_sent_for_a_rolled_back_change(world: World, sms_log: Any) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue_message(channel=MessageChannel.SMS, recipient="13812345678",
                        template="work_order_received", context={"number": "TS-1", "kind": "投诉"})
        raise RuntimeError("a later step failed")
    assert OutboxMessage.objects.count() == 0
    assert dispatcher.dispatch_once().claimed == 0
    assert not sms_log.exists()


def test_sms_delivered_through_log_gateway_masked(world: World, sms_log: Any) -> None:
    wo, _ = actions.create_work_order(actor=world.agent, intake=intake(world))
    stats = dispatcher.dispatch_once()
    assert (stats.claimed, stats.sent) == (1, 1)
    line = sms_log.read_text(encoding="utf-8")
    assert wo.number in line and "138****5678" in line and "13812345678" not in line
    message = OutboxMessage.objects.get()
    assert message.status == OutboxStatus.SENT and message.attempts == 1
    assert DeliveryAttempt.objects.get().is_success


def test_email_through_real_smtp(world: World, smtp: Inbox, sms_log: Any) -> None:
    with transaction.atomic():
        enqueue_message(channel=MessageChannel.EMAIL, recipient="zhangwei@example.com",
                        template="reply_sent", context={"number": "TS-2026-00000001",
                                                        "kind": "投诉", "result": "已处理"})
    assert dispatcher.dispatch_once().sent == 1
    assert len(smtp.messages) == 1
    envelope = smtp.messages[0]
    assert envelope.rcpt_tos == ["zhangwei@example.com"]
    assert "TS-2026-00000001" in envelope.content.decode("utf-8", "replace") or \
        b"TS-2026-00000001" in envelope.original_content


def test_email_off_is_recorded_not_lost(world: World, settings: Any) -> None:
    settings.KEFU_USE_EMAIL = False
    with transaction.atomic():
        enqueue_message(channel=MessageChannel.EMAIL, recipient="a@example.com",
                        template="work_order_closed",
                        context={"number": "X", "kind": "投诉", "result": "已处理"})
    assert dispatcher.dispatch_once().skipped == 1
    assert OutboxMessage.objects.get().status == OutboxStatus.SKIPPED


def test_failed_delivery_retried_with_backoff(world: World, settings: Any) -> None:
    settings.KEFU_USE_EMAIL = True
    settings.EMAIL_BACKEND = SMTP_BACKEND
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nobody listens
    with transaction.atomic():
        enqueue_message(channel=MessageChannel.EMAIL, recipient="a@example.com",
                        template="work_order_closed",
                        context={"number": "X", "kind": "投诉", "result": "已处理"})
    before = timezone.now()
    assert dispatcher.dispatch_once().failed == 1
    message = OutboxMessage.objects.get()
    assert message.status == OutboxStatus.PENDING and message.attempts == 1
    assert message.next_attempt_at >= before + timedelta(seconds=29)
    assert "ConnectionRefused" in message.last_error
    assert dispatcher.dispatch_once().claimed == 0  # not due yet
    OutboxMessage.objects.update(attempts=dispatcher.MAX_ATTEMPTS - 1,
                                 next_attempt_at=timezone.now())
    dispatcher.dispatch_once()
    assert OutboxMessage.objects.get().status == OutboxStatus.FAILED
    assert DeliveryAttempt.objects.filter(is_success=False).count() == 2


def test_nothing_lost_when_dispatcher_dies_mid_batch(world: World, sms_log: Any,
                                                     monkeypatch: Any) -> None:
    for n in range(5):
        actions.create_work_order(actor=world.agent, intake=intake(world, title=f"第{n}条"))
    real_send = dispatcher.send_message
    sent: list[int] = []

    def dies_after_two(message: OutboxMessage) -> None:
        if len(sent) == 2:
            raise SystemExit("worker killed")
        real_send(message)
        sent.append(message.pk)

    monkeypatch.setattr(dispatcher, "send_message", dies_after_two)
    with pytest.raises(SystemExit):
        dispatcher.dispatch_once()
    monkeypatch.setattr(dispatcher, "send_message", real_send)
    assert OutboxMessage.objects.filter(status=OutboxStatus.SENT).count() == 2
    # Claimed but unsent messages wait out their lease, then go again.
    assert dispatcher.dispatch_once().claimed == 0
    OutboxMessage.objects.filter(status=OutboxStatus.PENDING).update(
        next_attempt_at=timezone.now())
    assert dispatcher.dispatch_once().sent == 3
    assert OutboxMessage.objects.filter(status=OutboxStatus.SENT).count() == 5
    assert len(sms_log.read_text(encoding="utf-8").splitlines()) == 5


def test_reply_sends_sms_and_email(world: World, complaint: WorkOrder) -> None:
    actions.request_customer_info(actor=world.agent, work_order_id=complaint.pk,
                                  inputs=actions.RequestInfoInput(question="请提供截图"))
    templates = set(OutboxMessage.objects.filter(work_order_id=complaint.pk)
                    .values_list("template", flat=True))
    assert templates == {"work_order_received", "info_requested"}


def test_closure_notice_in_the_customers_language(world: World) -> None:
    from kefu.customers.models import Customer

    Customer.objects.filter(pk=world.customer.pk).update(preferred_language="en")
    wo, _ = actions.create_work_order(actor=world.agent, intake=intake(world, kind="consultation"))
    actions.answer_consultation(actor=world.agent, work_order_id=wo.pk,
                                inputs=actions.AnswerInput(result="Send CXLL to 10001 to check your data",
                                                           reply_channel="phone"))
    actions.close_work_order(actor=world.agent, work_order_id=wo.pk,
                             inputs=actions.CloseInput(is_confirmed_by_customer=True))
    notice = OutboxMessage.objects.get(work_order_id=wo.pk, template="work_order_closed",
                                       channel="sms")
    assert notice.language == "en" and "is closed" in notice.body
    assert "Send CXLL to 10001" in notice.body and "appeal" in notice.body
