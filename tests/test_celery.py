"""At scale the outbox is dispatched by a Celery worker on Redis: the same function, queued
through a real broker."""

from __future__ import annotations

import os
import socket
from typing import Any
from urllib.parse import urlparse

import pytest
from django.db import transaction

from kefu.notify.actions import enqueue_message
from kefu.notify.choices import MessageChannel, OutboxStatus
from kefu.notify.models import OutboxMessage

REDIS_URL = os.environ.get("KEFU_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def redis_reachable() -> bool:
    parsed = urlparse(REDIS_URL)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 6379), 1):
            return True
    except OSError:
        return False


pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not redis_reachable(), reason="Redis is not reachable"),
]


def test_worker_dispatches_outbox_through_redis(settings: Any, tmp_path: Any) -> None:
    from celery.contrib.testing.worker import start_worker

    from kefu.celery import app
    from kefu.notify.tasks import dispatch_outbox_task

    settings.DATA_DIR = tmp_path
    app.conf.update(broker_url=REDIS_URL, result_backend=REDIS_URL, task_always_eager=False,
                    broker_connection_retry_on_startup=True)
    with transaction.atomic():
        for n in range(3):
            enqueue_message(channel=MessageChannel.SMS, recipient="13812345678",
                            template="work_order_received",
                            context={"number": f"TS-2026-0000000{n}", "kind": "投诉"})
    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
        result = dispatch_outbox_task.delay(limit=10)
        outcome = result.get(timeout=30)
    assert outcome == {"claimed": 3, "sent": 3, "failed": 0}
    assert OutboxMessage.objects.filter(status=OutboxStatus.SENT).count() == 3
    assert len((tmp_path / "sms.log").read_text(encoding="utf-8").splitlines()) == 3


def test_worker_runs_the_sla_sweep_through_redis(settings: Any, tmp_path: Any) -> None:
    from datetime import timedelta

    from celery.contrib.testing.worker import start_worker
    from django.utils import timezone

    from kefu.celery import app
    from kefu.jobs import sweep_task
    from kefu.workorders import actions
    from kefu.workorders.models import TimelineEvent
    from tests.conftest import _build_world, ensure_reference_data, intake

    with transaction.atomic():
        ensure_reference_data()
        world = _build_world()
    actions.create_work_order(actor=world.agent, intake=intake(
        world, received_at=timezone.now() - timedelta(hours=20)))
    app.conf.update(broker_url=REDIS_URL, result_backend=REDIS_URL, task_always_eager=False,
                    broker_connection_retry_on_startup=True)
    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
        outcome = sweep_task.delay().get(timeout=30)
    assert outcome == {"due": 1, "warnings": 2, "breaches": 0, "closed": 0,
                       "incident_warnings": 0, "incident_breaches": 0}
    assert TimelineEvent.objects.filter(event_type="sla_warned").count() == 2
