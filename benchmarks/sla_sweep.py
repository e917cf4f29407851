"""SLA sweep benchmark on PostgreSQL: one sweep with 1,000 due among N open work orders, at
N and 10·N, and breach handling of 28,000 due clocks with their events, audit entries and
outbox messages. Prints figures; asserts nothing. Run through ./scripts/bench sla.

The N work orders come from the bulk loader, with their timelines; the other nine tenths of
the 10·N table are copies of them made in SQL, which takes minutes where the loader would take
hours. The sweep reads the work order table and its indexes, so copies serve it as well as
new work orders would."""

from __future__ import annotations

import argparse
import os
import statistics
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
from kefu.jobs import sweep  # noqa: E402
from kefu.notify.models import OutboxMessage  # noqa: E402
from kefu.seeding.bulk import load_bulk  # noqa: E402
from kefu.sla.models import SlaClock, SlaPolicy  # noqa: E402
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


def grow_by_copy(total: int) -> None:
    """Copy open work orders in SQL, under new numbers, until the table holds `total`."""
    fields = [f.column for f in WorkOrder._meta.concrete_fields
              if f.column not in ("id", "number", "next_due_at")]
    columns = ", ".join(f'"{c}"' for c in fields)
    with connection.cursor() as cursor:
        while (have := WorkOrder.objects.count()) < total:
            # Rows are numbered after the LIMIT: a window function in the same SELECT would
            # number every open row before the limit picks some, and numbers would repeat.
            cursor.execute(
                f'INSERT INTO workorders_workorder ({columns}, "number", "next_due_at") '
                f"SELECT {columns}, 'C' || lpad((%s + row_number() OVER ())::text, 11, '0'), "
                "now() + interval '30 days' FROM (SELECT * FROM workorders_workorder "
                "WHERE status = ANY(%s) ORDER BY id LIMIT %s) AS picked",
                [have, list(OPEN_STATUSES), min(total - have, 500_000)])


def wal() -> tuple[int, int]:
    """WAL written so far on the server: (full-page images, bytes)."""
    with connection.cursor() as cursor:
        # This connection's own counts reach pg_stat_wal only when it flushes its statistics.
        cursor.execute("SELECT pg_stat_force_next_flush()")
        cursor.execute("SELECT wal_fpi, pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0') "
                       "FROM pg_stat_wal")
        fpi, size = cursor.fetchone()
    return int(fpi), int(size)


def timed_sweep(label: str) -> float:
    events, audits, messages = (TimelineEvent.objects.count(), AuditEntry.objects.count(),
                                OutboxMessage.objects.count())
    fpi, size = wal()
    started = time.perf_counter()
    stats = sweep()
    elapsed = time.perf_counter() - started
    fpi_after, size_after = wal()
    print(f"{label}: {elapsed:.2f} s — {stats.work_orders:,} due, {stats.warnings:,} warnings, "
          f"{stats.breaches:,} breaches; wrote {TimelineEvent.objects.count() - events:,} "
          f"events, {AuditEntry.objects.count() - audits:,} audit entries, "
          f"{OutboxMessage.objects.count() - messages:,} outbox messages; "
          f"WAL {(size_after - size) / 2**20:,.0f} MiB, {fpi_after - fpi:,} full-page images")
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
    with connection.cursor() as cursor:
        settings = []
        for name in ("shared_buffers", "max_wal_size", "wal_compression"):
            cursor.execute(f"SHOW {name}")
            settings.append(f"{name}={cursor.fetchone()[0]}")
    print("PostgreSQL " + ", ".join(settings))
    for total in (args.open, args.open * 10):  # open work orders, all but the demo's
        if total == args.open:
            load_bulk(total - WorkOrder.objects.count(), data_dir=data_dir,
                      progress=lambda _: None, open_only=True)
        else:
            grow_by_copy(total)
        # Nothing due but what make_due() sets: every open work order a month ahead.
        WorkOrder.objects.filter(status__in=OPEN_STATUSES).exclude(
            next_due_at__gt=timezone.now() + timedelta(days=29),
        ).update(next_due_at=timezone.now() + timedelta(days=30))
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        label = (f"sweep, 1,000 due among {WorkOrder.objects.count():,} work orders "
                 f"({open_count():,} open)")
        runs = []
        for run in range(1, 4):  # three sweeps: one alone says little on a shared machine
            make_due(1000, breach=False)
            runs.append(timed_sweep(f"{label}, run {run}"))
        print(f"{label}: median {statistics.median(runs):.2f} s")
    make_due(28_000, breach=True)
    timed_sweep("breach handling, 28,000 due clocks")


if __name__ == "__main__":
    main()
