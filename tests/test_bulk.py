"""The bulk loader writes work orders whose timelines follow the transition table."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kefu.audit.queries import verify_audit_chain
from kefu.seeding.bulk import load_bulk
from kefu.workorders.models import Reply, TimelineEvent, WorkOrder
from kefu.workorders.transitions import TRANSITIONS
from tests.conftest import World

pytestmark = pytest.mark.django_db


def test_bulk_load(world: World, settings: Any, tmp_path: Path) -> None:
    settings.DATA_DIR = tmp_path
    # The world's city has an agent, a handler and a supervisor, its province an archivist:
    # one desk for the loader to work with.
    stats = load_bulk(600, data_dir=tmp_path, batch_size=250, progress=lambda _: None)
    assert stats.work_orders == 600 and WorkOrder.objects.count() == 600
    numbers = list(WorkOrder.objects.values_list("number", flat=True))
    assert len(set(numbers)) == 600
    for wo in WorkOrder.objects.order_by("?")[:60]:
        status = "received"
        for event in TimelineEvent.objects.filter(work_order=wo,
                                                  event_type="transitioned").order_by("id"):
            assert event.from_status == status
            assert status in TRANSITIONS[event.transition].sources
            status = event.to_status
        assert status == wo.status
        assert wo.contact_phone.isdigit() and len(wo.contact_phone) == 11
    assert Reply.objects.exists()
    assert verify_audit_chain().ok
