"""The supervision ledger (督办台账): entries, progress reports, closure with an evaluation."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from kefu.api.auth import actor_of
from kefu.escalation.actions import close_supervision, report_supervision_progress
from kefu.escalation.models import SupervisionEntry
from kefu.escalation.queries import list_supervision

router = Router()


class SupervisionIn(Schema):
    detail: str = Field(max_length=200, description="what the supervising unit requires")
    working_days: int = Field(3, description="finish within, 1–30 working days")
    report_every_working_days: int = Field(
        2, description="progress reports due every, 1–10 working days (at 24:00)")


class SupervisionOut(Schema):
    id: int
    work_order_id: int
    number: str = Field(alias="work_order.number")
    reason: str
    detail: str
    supervising_unit_id: int
    supervisor_name: str
    opened_at: datetime
    due_at: datetime
    report_every_working_days: int
    next_report_due_at: datetime | None
    report_overdue_at: datetime | None
    missed_reports: int
    overdue_at: datetime | None
    closed_at: datetime | None
    evaluation: str
    evaluation_note: str


class LedgerQuery(Schema):
    state: str = Field("open", description="open | overdue | closed | all")


class ReportIn(Schema):
    progress: str = Field(max_length=4000)


class ReportOut(Schema):
    id: int
    at: datetime
    progress: str
    by_name: str


class CloseIn(Schema):
    evaluation: str = Field(description="good | acceptable | poor")
    note: str = Field("", max_length=2000)


@router.get("", response=list[SupervisionOut], summary="The supervision ledger in my scope")
def ledger(request: HttpRequest, q: Query[LedgerQuery]) -> list[SupervisionEntry]:
    return list(list_supervision(actor_of(request), state=q.state)[:500])


@router.post("/{entry_id}/reports", response={201: ReportOut},
             summary="Report progress on a supervised work order")
def report(request: HttpRequest, entry_id: int, payload: ReportIn) -> Status[Any]:
    return Status(201, report_supervision_progress(actor=actor_of(request), entry_id=entry_id,
                                                   progress=payload.progress))


@router.post("/{entry_id}/close", response=SupervisionOut,
             summary="Close an entry with the supervising unit's evaluation")
def close(request: HttpRequest, entry_id: int, payload: CloseIn) -> SupervisionEntry:
    return close_supervision(actor=actor_of(request), entry_id=entry_id,
                             evaluation=payload.evaluation, note=payload.note)
