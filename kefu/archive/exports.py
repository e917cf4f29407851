"""Exports of work orders: masked, streamed page by page, and written to the audit log."""

from __future__ import annotations

from collections.abc import Iterator

from django.db import transaction

from kefu.audit.actions import record_audit
from kefu.audit.choices import AuditAction
from kefu.customers.masking import mask_name, mask_phone
from kefu.orgs.actors import Actor
from kefu.spreadsheets import CsvLines
from kefu.workorders.queries import WorkOrderFilter, list_work_orders

COLUMNS = ["工单号 number", "类型 kind", "状态 state", "严重程度 severity", "渠道 channel",
           "标题 title", "客户 customer", "手机 phone", "受理时间 received", "档案号 archive"]


@transaction.atomic
def record_export(*, actor: Actor, what: str, query: str) -> None:
    record_audit(actor=actor, action=AuditAction.EXPORTED, object_type=what, object_id="-",
                 data={"query": query})


def stream_work_orders_csv(actor: Actor, filters: WorkOrderFilter,
                           page: int = 200) -> Iterator[str]:
    """CSV lines for every work order the filter finds in scope, personal data masked. Keyset
    pages keep memory flat however many rows there are."""
    lines = CsvLines()
    yield "\ufeff"  # spreadsheet programs read the file as UTF-8
    yield lines.rows([COLUMNS])
    before: int | None = None
    while True:
        rows = list_work_orders(actor, filters, before_id=before, limit=page)
        if not rows:
            return
        yield lines.rows([wo.number, wo.get_kind_display(), wo.get_status_display(),
                          wo.get_severity_display(), wo.get_channel_display(), wo.title,
                          mask_name(wo.customer.name), mask_phone(wo.customer.phone),
                          wo.received_at.isoformat(), wo.archive_number] for wo in rows)
        before = rows[-1].pk


SUPERVISION_COLUMNS = ["工单号 number", "督办原因 reason", "说明 detail", "督办单位 unit",
                       "督办人 supervisor", "督办时间 opened", "督办期限 due", "逾期 overdue",
                       "进展报告 reports", "逾期未报 missed reports", "结束时间 closed",
                       "评价 evaluation", "评价说明 note"]


def stream_supervision_csv(actor: Actor, state: str, page: int = 500) -> Iterator[str]:
    """The supervision ledger as CSV (no personal data in it), in keyset pages by id."""
    from kefu.escalation.queries import list_supervision

    lines = CsvLines()
    yield "\ufeff"
    yield lines.rows([SUPERVISION_COLUMNS])
    entries = list_supervision(actor, state=state).order_by("id")
    last = 0
    while True:
        rows = list(entries.filter(id__gt=last)[:page])
        yield lines.rows([
            e.work_order.number, e.get_reason_display(), e.detail, e.supervising_unit.name,
            e.supervisor_name, e.opened_at.isoformat(), e.due_at.isoformat(),
            e.overdue_at.isoformat() if e.overdue_at else "", e.report_count,  # type: ignore[attr-defined]
            e.missed_reports, e.closed_at.isoformat() if e.closed_at else "",
            e.get_evaluation_display(), e.evaluation_note] for e in rows)
        if len(rows) < page:
            return
        last = rows[-1].pk
