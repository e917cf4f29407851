"""Exports of work orders: masked, streamed page by page, and written to the audit log."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from django.db import transaction

from kefu.audit.actions import record_audit
from kefu.customers.masking import mask_name, mask_phone
from kefu.orgs.actors import Actor
from kefu.workorders.queries import WorkOrderFilter, list_work_orders

COLUMNS = ["工单号 number", "类型 kind", "状态 state", "严重程度 severity", "渠道 channel",
           "标题 title", "客户 customer", "手机 phone", "受理时间 received", "档案号 archive"]


@transaction.atomic
def record_export(*, actor: Actor, what: str, query: str) -> None:
    record_audit(actor=actor, action="EXPORTED", object_type=what, object_id="-",
                 data={"query": query})


def stream_work_orders_csv(actor: Actor, filters: WorkOrderFilter,
                           page: int = 200) -> Iterator[str]:
    """CSV lines for every work order the filter finds in scope, personal data masked. Keyset
    pages keep memory flat however many rows there are."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    yield "\ufeff"  # spreadsheet programs read the file as UTF-8
    writer.writerow(COLUMNS)
    yield flush()
    before: int | None = None
    while True:
        rows = list_work_orders(actor, filters, before_id=before, limit=page)
        if not rows:
            return
        for wo in rows:
            writer.writerow([wo.number, wo.get_kind_display(), wo.get_status_display(),
                             wo.get_severity_display(), wo.get_channel_display(), wo.title,
                             mask_name(wo.customer.name), mask_phone(wo.customer.phone),
                             wo.received_at.isoformat(), wo.archive_number])
        yield flush()
        before = rows[-1].pk
