"""Bearer secrets are not kept in clear (issue 22, item 2): a portal sign-in code and a survey
link reach the customer (the log gateway's sms.log stands for the phone), and nothing else
holds them after delivery — not the outbox row, not the admin, not the server log — while a
failed or interrupted delivery is still retried with the real secret."""

from __future__ import annotations

import importlib
import logging
import re
from datetime import timedelta
from typing import Any, ClassVar

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from kefu.notify import dispatcher
from kefu.notify.choices import MessageChannel, OutboxStatus
from kefu.notify.gateways import LogSmsGateway
from kefu.notify.models import DeliveryAttempt, OutboxMessage
from kefu.redaction import REDACTED
from kefu.surveys.actions import SurveyAnswers, answer_survey_by_link
from tests.conftest import PHONE, World
from tests.test_return_visits import closed

pytestmark = pytest.mark.django_db


@pytest.fixture
def sms_log(settings: Any, tmp_path: Any) -> Any:
    settings.DATA_DIR = tmp_path
    return tmp_path / "sms.log"


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.DEBUG)
    return caplog


def ask_for_code(client: Client) -> OutboxMessage:
    assert client.post("/portal/login/", {"phone": PHONE, "step": "send"}).status_code == 200
    return OutboxMessage.objects.filter(template="login_code").latest("id")


def code_in(text: str) -> str:
    found = re.search(r"\d{6}", text)
    assert found is not None, text
    return found.group(0)


def holds(text: str, code: str) -> bool:
    """Whether `text` has the code as a number of its own: six digits may also occur by chance
    inside ciphertext or a CSRF token, which is not the code being kept."""
    return re.search(rf"(?<![\w-]){code}(?![\w-])", text) is not None


def stored_row(message: OutboxMessage) -> str:
    """Every column of the message and its tries as the database holds them."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {OutboxMessage._meta.db_table} WHERE id = %s",
                       [message.pk])
        rows: list[Any] = list(cursor.fetchall())
        cursor.execute(f"SELECT * FROM {DeliveryAttempt._meta.db_table} WHERE message_id = %s",
                       [message.pk])
        rows += cursor.fetchall()
    return repr(rows)


def admin_page(message: OutboxMessage) -> str:
    root = get_user_model().objects.filter(is_superuser=True).first() or \
        get_user_model().objects.create_superuser("root", "root@example.com", "Root-pass-2026")
    client = Client()
    client.force_login(root)
    page = client.get(f"/admin/notify/outboxmessage/{message.pk}/change/")
    assert page.status_code == 200
    return page.content.decode()


def logged(caplog: pytest.LogCaptureFixture) -> str:
    return "\n".join(record.getMessage() for record in caplog.records)


def test_a_sign_in_code_is_kept_only_by_the_phone(world: World, sms_log: Any,
                                                  logs: pytest.LogCaptureFixture) -> None:
    client = Client()
    message = ask_for_code(client)
    code = code_in(message.sealed_body)
    # Before delivery: shown redacted, sealed with the field key.
    assert not holds(message.body, code) and REDACTED in message.body
    assert not holds(stored_row(message), code) and not holds(admin_page(message), code)

    assert dispatcher.dispatch_once().sent == 1
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT
    assert (message.sealed_body, message.sealed_secrets) == ("", "")
    assert not holds(message.body, code) and not holds(stored_row(message), code)
    assert not holds(admin_page(message), code)
    assert not holds(logged(logs), code)
    assert code in sms_log.read_text(encoding="utf-8")
    # And it is the real code.
    done = client.post("/portal/login/", {"phone": PHONE, "step": "verify", "code": code})
    assert done.status_code == 302


def test_a_survey_link_is_kept_only_by_the_customer(world: World, sms_log: Any, settings: Any,
                                                    logs: pytest.LogCaptureFixture) -> None:
    settings.KEFU_USE_EMAIL = True
    wo = closed(world)
    invitations = list(OutboxMessage.objects.filter(template="survey_invitation",
                                                    work_order_id=wo.pk).order_by("channel"))
    assert [m.channel for m in invitations] == [MessageChannel.EMAIL, MessageChannel.SMS]
    found = re.search(r"/portal/survey/([^/\s]+)/", invitations[1].sealed_body)
    assert found is not None
    token = found.group(1)
    for message in invitations:
        assert token in message.sealed_body and token not in message.body
        assert token not in stored_row(message)

    dispatcher.dispatch_once()
    for message in invitations:
        message.refresh_from_db()
        assert message.status == OutboxStatus.SENT, message.last_error
        assert token not in message.body and token not in stored_row(message)
        assert token not in admin_page(message)
    assert token in sms_log.read_text(encoding="utf-8")
    assert any(token in email.body for email in mail.outbox)
    assert token not in logged(logs)
    # The delivered link is the real one, and answering it twice leaves no trace of it in
    # Django's request log either (a used link answers 409, which Django logs with its path).
    survey_page = f"/portal/survey/{token}/"
    assert Client().get(survey_page).status_code == 200
    answer_survey_by_link(token=token, answers=SurveyAnswers(csat=5, is_resolved=True))
    again = Client().post(survey_page, {"csat": "5", "is_resolved": "yes"})
    assert again.status_code == 409
    assert "/portal/survey/" in logged(logs) and token not in logged(logs)


class FlakyGateway:
    """Refuses the first message, quoting it in the error as a careless gateway might."""

    failures: ClassVar[int] = 1

    def send(self, phone: str, text: str) -> None:
        if FlakyGateway.failures:
            FlakyGateway.failures -= 1
            raise ConnectionError(f"gateway busy, message not taken: {text}")
        LogSmsGateway().send(phone, text)


def test_a_failed_delivery_is_retried_with_the_real_code(world: World, sms_log: Any,
                                                         settings: Any,
                                                         logs: pytest.LogCaptureFixture) -> None:
    settings.KEFU_SMS_GATEWAY = "tests.test_secrets_at_rest.FlakyGateway"
    FlakyGateway.failures = 1
    client = Client()
    message = ask_for_code(client)
    code = code_in(message.sealed_body)
    assert dispatcher.dispatch_once().failed == 1
    message.refresh_from_db()
    assert message.status == OutboxStatus.PENDING and code in message.sealed_body
    assert "gateway busy" in message.last_error and not holds(message.last_error, code)
    assert not holds(stored_row(message), code) and not holds(logged(logs), code)
    assert not sms_log.exists()

    OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    assert dispatcher.dispatch_once().sent == 1
    assert code in sms_log.read_text(encoding="utf-8")
    message.refresh_from_db()
    assert message.sealed_body == "" and not holds(stored_row(message), code)
    assert client.post("/portal/login/", {"phone": PHONE, "step": "verify",
                                          "code": code}).status_code == 302


def test_a_dispatcher_that_dies_leaves_the_code_to_its_lease(world: World, sms_log: Any,
                                                             monkeypatch: Any) -> None:
    client = Client()
    code = code_in(ask_for_code(client).sealed_body)

    def killed(message: OutboxMessage) -> None:
        raise SystemExit("worker killed")

    real_send = dispatcher.send_message
    monkeypatch.setattr(dispatcher, "send_message", killed)
    with pytest.raises(SystemExit):
        dispatcher.dispatch_once()
    monkeypatch.setattr(dispatcher, "send_message", real_send)
    assert dispatcher.dispatch_once().claimed == 0  # leased
    OutboxMessage.objects.update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    assert dispatcher.dispatch_once().sent == 1
    assert code in sms_log.read_text(encoding="utf-8")
    assert client.post("/portal/login/", {"phone": PHONE, "step": "verify",
                                          "code": code}).status_code == 302


def test_a_message_given_up_keeps_no_secret(world: World, settings: Any) -> None:
    settings.KEFU_SMS_GATEWAY = "tests.test_secrets_at_rest.FlakyGateway"
    FlakyGateway.failures = 1
    message = ask_for_code(Client())
    code = code_in(message.sealed_body)
    OutboxMessage.objects.update(attempts=dispatcher.MAX_ATTEMPTS - 1)
    dispatcher.dispatch_once()
    message.refresh_from_db()
    assert message.status == OutboxStatus.FAILED and message.sealed_body == ""
    assert not holds(stored_row(message), code)


def test_messages_stored_before_sealing_are_redacted(world: World) -> None:
    link = "http://127.0.0.1:8000/portal/survey/WzEsImFiYyJd:1sTok:signature/"
    with transaction.atomic():
        sent = OutboxMessage.objects.create(
            channel=MessageChannel.SMS, recipient=PHONE, template="login_code",
            body="您的登录验证码为 482913，5分钟内有效。请勿告诉他人。",
            status=OutboxStatus.SENT, next_attempt_at=timezone.now())
        pending = OutboxMessage.objects.create(
            channel=MessageChannel.SMS, recipient=PHONE, template="survey_invitation",
            body=f"工单 X 已结案，请用1分钟评价我们的服务：{link}\n链接7天内有效，仅可使用一次。",
            next_attempt_at=timezone.now())
    migration = importlib.import_module("kefu.notify.migrations.0003_redact_stored_secrets")
    for _ in range(2):  # rerunnable
        migration.redact_stored_secrets(apps, None)
    sent.refresh_from_db()
    pending.refresh_from_db()
    assert sent.body == f"您的登录验证码为 {REDACTED}，5分钟内有效。请勿告诉他人。"
    assert sent.sealed_body == ""
    assert link not in pending.body and f"服务：{REDACTED}\n" in pending.body
    assert link in pending.sealed_body and not holds(stored_row(sent), "482913")
    assert link not in stored_row(pending)


def test_the_access_log_strikes_survey_tokens() -> None:
    from gunicorn.config import Config

    from kefu.gunicorn_conf import AccessLogger

    environ = {"REQUEST_METHOD": "GET", "RAW_URI": "/portal/survey/Wz:abc:sig/?x=1",
               "SERVER_PROTOCOL": "HTTP/1.1", "PATH_INFO": "/portal/survey/Wz:abc:sig/",
               "HTTP_REFERER": "http://k/portal/survey/Wz:abc:sig/"}

    class Response:
        status, sent, headers = "200 OK", 10, []

    atoms = AccessLogger(Config()).atoms(Response(), environ, environ, timedelta(seconds=1))
    assert atoms["U"] == f"/portal/survey/{REDACTED}/"
    assert "Wz:abc:sig" not in atoms["r"] + atoms["f"]
