"""A bulk loader of realistic work orders with their timelines, for benchmarks and load tests.

It writes rows directly (PostgreSQL COPY, batched INSERTs on SQLite) instead of calling the
actions one by one, which would take hours for a million work orders. Every timeline is a walk
through the transition table, so the data is one the lifecycle could have produced; the load
itself is recorded in the audit log, one entry per batch."""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.utils import timezone

from kefu.audit.actions import record_audit
from kefu.audit.choices import AuditAction
from kefu.customers.actions import CustomerDetails, clean_customer_details
from kefu.customers.crypto import digest, encrypt
from kefu.customers.models import Customer
from kefu.db import copy_rows
from kefu.orgs.actors import SYSTEM
from kefu.orgs.choices import Role
from kefu.orgs.models import OrgUnit, Staff
from kefu.seeding.demo import COMPLAINTS, CONSULTATIONS, SERVICE, seed_demo
from kefu.seeding.orgtree import TREE
from kefu.seeding.people import id_number, mobile, person_name, street_address
from kefu.workorders.choices import NUMBER_PREFIX, Channel, WorkOrderKind
from kefu.workorders.models import Category, WorkOrder
from kefu.workorders.numbering import ARCHIVE_PREFIX, format_number, reserve_numbers
from kefu.workorders.transitions import TRANSITIONS

_SHANGHAI = ZoneInfo("Asia/Shanghai")

# How far each work order gets: weights of the final state.
_ENDS = [("received", 4), ("classified", 4), ("investigating", 6), ("processing", 8),
         ("pending_customer", 3), ("replied", 6), ("closed", 25), ("archived", 36),
         ("rejected", 3), ("withdrawn", 3), ("reopened", 2)]
# Only states still being worked on: for loads that model a full backlog.
_OPEN_ENDS = [("received", 4), ("classified", 4), ("investigating", 6), ("processing", 8),
              ("pending_customer", 3), ("replied", 6)]
_COMPLAINT_PATH = ["classify", "start_investigation", "start_processing", "reply", "close",
                   "archive"]
_DIRECT_PATH = ["classify", "begin_handling", "reply", "close", "archive"]
_CONSULT_PATH = ["classify", "answer", "close", "archive"]
_STOP_AT = {"received": 0, "classified": 1, "investigating": 2, "processing": 3, "replied": 4,
            "closed": 5, "archived": 6}


@dataclass
class Desk:
    agent: Staff
    handler: Staff
    supervisor: Staff
    archivist: Staff


@dataclass
class BulkStats:
    work_orders: int = 0
    events: int = 0
    customers: int = 0
    seconds: float = 0.0
    batches: list[float] = field(default_factory=list)


def _desks() -> dict[int, Desk]:
    """City unit id → the people who work there, built from the demo staff."""
    desks: dict[int, Desk] = {}
    for city in OrgUnit.objects.filter(level="city"):
        staff = {s.role: s for s in Staff.objects.filter(unit=city)}
        archivist = Staff.objects.filter(unit_id=city.parent_id, role=Role.ARCHIVIST).first()
        if archivist and all(r in staff for r in ("agent", "handler", "supervisor")):
            desks[city.pk] = Desk(staff["agent"], staff["handler"], staff["supervisor"], archivist)
    return desks


def _ensure_customers(target: int, rng: random.Random) -> list[tuple[int, int, str, str]]:
    """(id, city unit id, encrypted name, encrypted phone) of at least `target` customers."""
    have = Customer.objects.count()
    districts = list(OrgUnit.objects.filter(level="district").select_related("parent"))
    regions = {pcode: region for (pcode, *_, region) in TREE}
    batch: list[Customer] = []
    # One customer per number (SPEC §15): a number drawn twice is drawn again.
    taken = set(Customer.objects.values_list("phone_digest", flat=True))
    for index in range(have, target):
        district = rng.choice(districts)
        province_code = district.code.split("-")[0]
        province_name = district.parent.parent.name[:-2] if district.parent and \
            district.parent.parent else ""
        city_name = district.parent.name[:-3] if district.parent else ""
        name = person_name(rng)
        phone = mobile(rng)
        while digest(phone) in taken:
            phone = mobile(rng)
        taken.add(digest(phone))
        details = clean_customer_details(CustomerDetails(
            name=name, phone=phone,
            id_number=id_number(rng, regions.get(province_code, "440000")[:2] + "0101"),
            address=street_address(rng, province_name, city_name, district.name[len(city_name):-3]),
        ))
        batch.append(Customer(name=details.name, phone=details.phone,
                              phone_digest=digest(details.phone), id_number=details.id_number,
                              address=details.address, unit=district,
                              email=f"c{index}@example.com" if index % 4 == 0 else ""))
        if len(batch) == 5000:
            Customer.objects.bulk_create(batch)
            batch = []
    Customer.objects.bulk_create(batch)
    rows = Customer.objects.values_list("id", "unit__parent_id", "name", "phone")
    return [(cid, city or 0, encrypt(name), encrypt(phone)) for cid, city, name, phone in rows]


def load_bulk(work_orders: int, *, data_dir: Path, batch_size: int = 10_000, seed: int = 7,
              progress: Callable[[str], None] = print, open_only: bool = False,
              ends: list[tuple[str, int]] | None = None) -> BulkStats:
    """Add `work_orders` realistic work orders with timelines; returns what was written."""
    started = time.monotonic()
    rng = random.Random(seed)
    if not OrgUnit.objects.exists():
        seed_demo(data_dir=data_dir, work_orders=0)
    desks = _desks()
    categories = {c.code: c.pk for c in Category.objects.all()}
    customers = [c for c in _ensure_customers(max(1000, work_orders // 10), rng)
                 if c[1] in desks]
    stats = BulkStats(customers=len(customers))
    now = timezone.now()
    done = 0
    while done < work_orders:
        count = min(batch_size, work_orders - done)
        tick = time.monotonic()
        with transaction.atomic():
            stats.events += _load_batch(count, rng, now, desks, categories, customers,
                                        ends or (_OPEN_ENDS if open_only else _ENDS))
            record_audit(actor=SYSTEM, action=AuditAction.BULK_LOADED, object_type="work_order",
                         object_id="bulk", data={"count": count})
        done += count
        stats.batches.append(time.monotonic() - tick)
        if done % 100_000 == 0 or done == work_orders:
            progress(f"{done:,} work orders, {stats.events:,} events, "
                     f"{time.monotonic() - started:.0f} s")
    stats.work_orders = done
    stats.seconds = time.monotonic() - started
    return stats


def _path(kind: str, end: str) -> tuple[list[str], str]:
    """The transitions taking a new work order of `kind` to `end`, and the state it ends in."""
    if end in ("rejected", "withdrawn"):
        return [("reject" if end == "rejected" else "withdraw")], end
    full = (_COMPLAINT_PATH if kind in ("complaint", "appeal") else
            _CONSULT_PATH if kind == "consultation" else _DIRECT_PATH)
    if end == "pending_customer":
        steps = full[:2] if kind in ("complaint", "appeal") else full[:1]
        return [*steps, "request_info"], "pending_customer"
    if end == "reopened":
        return [*full[: full.index("close") + 1], "reopen"], "reopened"
    if kind == "consultation" and end in ("investigating", "processing"):
        end = "replied"
    if kind not in ("complaint", "appeal") and end == "investigating":
        end = "processing"
    target_index = {"received": 0, "classified": 1}.get(end)
    if target_index is None:
        target = {"investigating": "start_investigation", "processing": (
            "start_processing" if kind in ("complaint", "appeal") else "begin_handling"),
            "replied": "answer" if kind == "consultation" else "reply",
            "closed": "close", "archived": "archive"}[end]
        target_index = full.index(target) + 1
    return full[:target_index], end


_EVENT_COLUMNS = ("work_order_id", "at", "event_type", "transition", "from_status", "to_status",
                  "actor_role", "actor_user_id", "actor_name", "note", "data",
                  "is_customer_visible")
_REPLY_COLUMNS = ("work_order_id", "result", "process_summary", "measures", "suggestions",
                  "cause_analysis", "needs_further_handling", "channel", "replied_at",
                  "replied_by_name")


def _load_batch(count: int, rng: random.Random, now: datetime, desks: dict[int, Desk],
                categories: dict[str, int], customers: list[tuple[int, int, str, str]],
                ends: list[tuple[str, int]]) -> int:
    plans: list[tuple[WorkOrder, list[tuple[str, str, str, Staff, datetime]]]] = []
    by_kind_year: dict[tuple[str, int], list[WorkOrder]] = {}
    kind: str
    channels = list(Channel)
    weights = [40, 8, 14, 12, 3, 2, 12, 3, 4, 2]
    for _ in range(count):
        customer_id, city_id, name_token, phone_token = rng.choice(customers)
        desk = desks[city_id]
        roll = rng.random()
        if roll < 0.7:
            code, title, content = rng.choice(COMPLAINTS)
            kind, category = WorkOrderKind.COMPLAINT, categories[code]
        elif roll < 0.85:
            (title, content), kind, category = rng.choice(CONSULTATIONS), \
                WorkOrderKind.CONSULTATION, categories["Q03"]
        else:
            kind, title, content = rng.choice(SERVICE)
            category = categories["P03"]
        received = now - timedelta(days=rng.uniform(0.01, 700))
        channel = rng.choices(channels, weights)[0]
        steps, final = _path(kind, rng.choices([e for e, _ in ends], [w for _, w in ends])[0])
        wo = WorkOrder(
            kind=kind, status=final, channel=channel,
            call_id=f"CALL{received:%Y%m%d%H%M%S}{rng.randrange(10**4):04d}"
            if channel == Channel.PHONE else "",
            severity=rng.choices(["normal", "major", "urgent"], [88, 9, 3])[0],
            category_id=category if steps else None, customer_id=customer_id,
            contact_name=name_token, contact_phone=phone_token, title=title,
            content=content.replace("{place}", "家中"), unit_id=city_id, owner=desk.agent,
            handler=desk.handler if len(steps) > 1 else None, received_at=received,
            version=1 + len(steps),
        )
        timeline: list[tuple[str, str, str, Staff, datetime]] = []
        status, at = "received", received
        for step in steps:
            at = min(at + timedelta(hours=rng.uniform(0.1, 40)), now)
            transition = TRANSITIONS[step]
            actor = {"classify": desk.agent, "answer": desk.agent, "close": desk.agent,
                     "reopen": desk.agent, "reject": desk.agent, "withdraw": desk.agent,
                     "archive": desk.archivist}.get(step, desk.handler)
            target = transition.target or status
            timeline.append((step, status, target, actor, at))
            _stamp(wo, step, at, rng)
            status = target
        wo.updated_at = at
        plans.append((wo, timeline))
        year = received.astimezone(_SHANGHAI).year
        by_kind_year.setdefault((kind, year), []).append(wo)
    for (kind, year), group in by_kind_year.items():
        first = reserve_numbers(NUMBER_PREFIX[kind], year, len(group))
        for offset, wo in enumerate(group):
            wo.number = format_number(NUMBER_PREFIX[kind], year, first + offset)
    archived: dict[int, list[tuple[datetime, WorkOrder]]] = {}
    for wo, _ in plans:
        if wo.archived_at is not None:
            archived.setdefault(wo.archived_at.astimezone(_SHANGHAI).year, []).append(
                (wo.archived_at, wo))
    for year, dated in archived.items():
        first = reserve_numbers(ARCHIVE_PREFIX, year, len(dated))
        group = [wo for _, wo in sorted(dated, key=lambda pair: pair[0])]
        for offset, wo in enumerate(group):
            wo.archive_number = format_number(ARCHIVE_PREFIX, year, first + offset)
    # contact_name/contact_phone already hold ciphertext; skip the field's own encryption.
    created = _bulk_create_raw([wo for wo, _ in plans])
    events, replies = [], []
    for (wo, timeline), wo_id in zip(plans, created, strict=True):
        events.append((wo_id, wo.received_at, "created", "", "", "", "agent",
                       wo.owner.user_id if wo.owner else None,
                       wo.owner.display_name if wo.owner else "", "",
                       json.dumps({"channel": wo.channel, "kind": wo.kind}), True))
        for step, source, target, actor, at in timeline:
            # A withdrawal is on a recorded call in which the customer confirmed it.
            data = (json.dumps({"confirmed_by": "phone", "call_id": f"REC-{wo_id:08d}"})
                    if step == "withdraw" else "{}")
            events.append((wo_id, at, "transitioned", step, source, target, actor.role,
                           actor.user_id, actor.display_name, "", data,
                           TRANSITIONS[step].is_customer_visible))
            if step in ("reply", "answer"):
                replies.append((wo_id, "问题已处理完毕", "核实后按方案处理", "完成整改",
                                "如有问题请随时联系", "配置不当", False, "sms", at,
                                actor.display_name))
    copy_rows("workorders_timelineevent", _EVENT_COLUMNS, events)
    copy_rows("workorders_reply", _REPLY_COLUMNS, replies)
    return len(events)


def _stamp(wo: WorkOrder, step: str, at: datetime, rng: random.Random) -> None:
    if step == "classify":
        wo.classified_at = at
    elif step == "start_investigation":
        wo.investigation_started_at = at
        wo.investigation_methods = ["system_data", "interview"]
    elif step in ("start_processing", "begin_handling"):
        wo.processing_started_at = at
        if step == "start_processing":
            wo.findings, wo.evidence_summary = "经核查情况属实", "系统记录截图"
            wo.responsible_party = rng.choice(["company", "company", "customer", "third_party"])
    elif step in ("reply", "answer"):
        wo.replied_at = at
    elif step == "close":
        wo.closed_at, wo.is_confirmed_by_customer = at, True
        wo.satisfaction_score, wo.closing_note = rng.choice([3, 4, 5, 5]), "customer_confirmed"
    elif step == "reopen":
        wo.reopen_count, wo.closed_at, wo.is_confirmed_by_customer = 1, None, False
    elif step == "archive":
        wo.archived_at = at
    elif step == "request_info":
        wo.pending_question = "请提供相关截图"
    elif step == "reject":
        wo.reject_reason = "duplicate"


def _bulk_create_raw(items: list[WorkOrder]) -> list[int]:
    """bulk_create without re-encrypting the contact fields, which hold ciphertext."""
    fields = [f for f in WorkOrder._meta.concrete_fields if not f.primary_key]
    columns = [f.column for f in fields]
    rows = []
    for wo in items:
        row = []
        for f in fields:
            value = getattr(wo, f.attname)
            if f.attname in ("contact_name", "contact_phone"):
                row.append(value)
            else:
                row.append(f.get_db_prep_save(value, connection))
        rows.append(row)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT nextval('workorders_workorder_id_seq') "
                           "FROM generate_series(1, %s)", [len(rows)])
            ids = [int(r[0]) for r in cursor.fetchall()]
        copy_rows("workorders_workorder", ["id", *columns],
                [[i, *row] for i, row in zip(ids, rows, strict=True)])
        return ids
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM workorders_workorder")
        start = int(cursor.fetchone()[0]) + 1
    ids = list(range(start, start + len(rows)))
    copy_rows("workorders_workorder", ["id", *columns],
            [[i, *row] for i, row in zip(ids, rows, strict=True)])
    return ids
