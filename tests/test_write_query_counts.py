"""How many statements a write costs: an intake, and a sweep batch whatever its size. A change
that adds a statement per row, or a lookup the step already made, shows here first."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from django.db import connection

from kefu.sla.calendar import SHANGHAI
from kefu.sla.sweeper import sweep_batch
from kefu.workorders import actions
from tests.conftest import World, intake

pytestmark = pytest.mark.django_db

# The breach supervision names its people in two reads (duty supervisors, then the units'
# supervisors). PostgreSQL writes a batch's events and supervision entries with COPY, which
# the statement capture does not see; SQLite inserts them.
SWEEP_BATCH = 19 if connection.vendor == "sqlite" else 17


def test_an_intake_costs_eighteen_statements(world: World,
                                             django_assert_num_queries: Any) -> None:
    actions.create_work_order(actor=world.agent, intake=intake(world))  # warms the calendar
    # Scope and customer, the row, its event and clocks (policies, calendar freshness), the
    # number, the customer's SMS, its search text (from the row at hand), and the audit
    # chain: head, entry, head.
    with django_assert_num_queries(18):
        actions.create_work_order(actor=world.agent, intake=intake(world))


@pytest.mark.parametrize("due", [3, 12])
def test_a_sweep_batch_costs_the_same_whatever_its_size(world: World, due: int,
                                                        django_assert_num_queries: Any) -> None:
    for _ in range(due):
        actions.create_work_order(actor=world.agent, intake=intake(
            world, received_at=datetime(2025, 11, 6, 9, 0, tzinfo=SHANGHAI)))
    with django_assert_num_queries(SWEEP_BATCH):
        stats = sweep_batch(datetime(2025, 11, 7, 10, 0, tzinfo=SHANGHAI))
    assert stats.work_orders == due and stats.breaches >= due
