"""SLA sweep benchmark on PostgreSQL: one sweep with 1,000 due among N open work orders, at
N and 10·N, and breach handling of 28,000 due clocks with their events, audit entries and
outbox messages. Prints figures; asserts nothing. Run through ./scripts/bench sla."""

from __future__ import annotations

import argparse
import os
import time
from datetime import timedelta
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from kefu.audit.models import AuditEntry  # noqa: E402
from kefu.notify.models import OutboxMessage  # noqa: E402
from kefu.seeding.bulk import load_bulk  # noqa: E402
from kefu.sla.models import SlaClock, SlaPolicy  # noqa: E402
from kefu.sla.sweeper import sweep  # noqa: E402
from kefu.workorders.choices import OPEN_STATUSES  # noqa: E402
from kefu.workorders.models import TimelineEvent, WorkOrder  # noqa: E402


def make_due(count: int, *, breach: bool) -> list[int]:
    """Give `count` open work orders one running clock that is due now (warning or breach);
    every other open work order is due far in the future."""
    now = timezone.now()
    policy = SlaPolicy.objects.get(clock="first_reply", work_order_kind="complaint")
    ids = list(WorkOrder.objects.filter(status__in=OPEN_STATUSES, clocks__isnull=True)
               .order_by("?").values_list("id", flat=True)[:count])
    SlaClock.objects.bulk_create([
        SlaClock(work_order_id=i, clock="first_reply", policy=policy, state="running",
                 started_at=now - timedelta(days=10),
                 deadline=now - timedelta(minutes=5) if breach else now + timedelta(days=1),
                 warn_at=now - timedelta(days=2) if breach else now - timedelta(minutes=5),
                 warned_at=now - timedelta(days=2) if breach else None)
        for i in ids], batch_size=5000)
    WorkOrder.objects.filter(pk__in=ids).update(next_due_at=now - timedelta(minutes=5))
    return ids


def timed_sweep(label: str) -> float:
    events, audits, messages = (TimelineEvent.objects.count(), AuditEntry.objects.count(),
                                OutboxMessage.objects.count())
    started = time.perf_counter()
    stats = sweep()
    elapsed = time.perf_counter() - started
    print(f"{label}: {elapsed:.2f} s — {stats.work_orders:,} due, {stats.warnings:,} warnings, "
          f"{stats.breaches:,} breaches; wrote {TimelineEvent.objects.count() - events:,} "
          f"events, {AuditEntry.objects.count() - audits:,} audit entries, "
          f"{OutboxMessage.objects.count() - messages:,} outbox messages")
    return elapsed


def open_count() -> int:
    return WorkOrder.objects.filter(status__in=OPEN_STATUSES).count()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--open", type=int, default=100_000,
                        help="work orders for the first sweep; the second has ten times more")
    args = parser.parse_args()
    data_dir = Path(os.environ["KEFU_DATA_DIR"])
    get_user_model().objects.filter(staff__isnull=False).update(email="owner@example.com")
    for total in (args.open, args.open * 10):  # open work orders, all but the demo's
        have = WorkOrder.objects.count()
        if have < total:
            load_bulk(total - have, data_dir=data_dir, progress=lambda _: None, open_only=True)
        WorkOrder.objects.filter(status__in=OPEN_STATUSES).update(
            next_due_at=timezone.now() + timedelta(days=30))
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        make_due(1000, breach=False)
        timed_sweep(f"sweep, 1,000 due among {WorkOrder.objects.count():,} work orders "
                    f"({open_count():,} open)")
    make_due(28_000, breach=True)
    timed_sweep("breach handling, 28,000 due clocks")


if __name__ == "__main__":
    main()
