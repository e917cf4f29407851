"""Races that real traffic produces: simultaneous intakes, retried requests arriving at the
same moment, two people saving the same work order, two dispatchers. Run on both databases;
PostgreSQL is the one where the writers truly overlap."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import pytest
from django.db import connection, connections

from kefu.errors import StaleVersion
from kefu.notify import dispatcher
from kefu.notify.models import DeliveryAttempt, OutboxMessage
from kefu.workorders import actions
from kefu.workorders.models import WorkOrder
from tests.conftest import World, intake

pytestmark = pytest.mark.django_db(transaction=True)
T = TypeVar("T")


def run_together(count: int, job: Callable[[int], T]) -> list[T | BaseException]:
    """Run `job(i)` in `count` threads released at the same instant."""
    barrier = threading.Barrier(count)

    def wrapped(index: int) -> T | BaseException:
        try:
            barrier.wait(timeout=10)
            return job(index)
        except BaseException as exc:  # collected and asserted on by the caller
            return exc
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(wrapped, range(count)))


def test_concurrent_intakes_get_unique_consecutive_numbers(world: World) -> None:
    def take(index: int) -> list[str]:
        return [actions.create_work_order(actor=world.agent,
                                          intake=intake(world, title=f"{index}-{n}"))[0].number
                for n in range(6)]

    results = run_together(8, take)
    errors = [r for r in results if isinstance(r, BaseException)]
    assert not errors, errors
    numbers = sorted(n for batch in results for n in batch)  # type: ignore[union-attr]
    assert len(numbers) == len(set(numbers)) == 48
    assert [int(n[-8:]) for n in numbers] == list(range(1, 49))


def test_simultaneous_retries_create_one_work_order(world: World) -> None:
    def create(_: int) -> tuple[int, bool]:
        wo, created = actions.create_work_order(actor=world.agent, intake=intake(world),
                                                 idempotency_key="retry-abc")
        return wo.pk, created

    results = run_together(8, create)
    errors = [r for r in results if isinstance(r, BaseException)]
    assert not errors, errors
    ids = {r[0] for r in results}  # type: ignore[index]
    assert len(ids) == 1 and WorkOrder.objects.count() == 1
    assert sum(1 for r in results if r[1]) == 1  # type: ignore[index]


def test_stale_update_loses(world: World) -> None:
    wo, _ = actions.create_work_order(actor=world.agent, intake=intake(world))

    def classify(index: int) -> Any:
        return actions.classify_work_order(actor=world.supervisor, work_order_id=wo.pk,
                                           inputs=actions.ClassifyInput(
                                               category_id=world.category.pk,
                                               severity="major" if index else "normal"),
                                           expected_version=1)

    results = run_together(2, classify)
    stale = [r for r in results if isinstance(r, StaleVersion)]
    done = [r for r in results if isinstance(r, WorkOrder)]
    assert len(stale) == 1 and len(done) == 1, results
    wo.refresh_from_db()
    assert wo.version == 2 and wo.severity == done[0].severity


def test_two_dispatchers_send_each_message_once(world: World, settings: Any,
                                                tmp_path: Any) -> None:
    settings.DATA_DIR = tmp_path
    for n in range(30):
        actions.create_work_order(actor=world.agent, intake=intake(world, title=f"{n}"))
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer at a time; the race needs PostgreSQL")
    results = run_together(2, lambda _: dispatcher.dispatch_once(limit=20))
    assert all(not isinstance(r, BaseException) for r in results), results
    while dispatcher.dispatch_once().claimed:
        pass
    assert OutboxMessage.objects.filter(status="sent").count() == 30
    assert DeliveryAttempt.objects.count() == 30
    assert len((tmp_path / "sms.log").read_text(encoding="utf-8").splitlines()) == 30
