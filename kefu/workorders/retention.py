"""What retention does to a work order's own rows (decision 0010).

Anonymising keeps what the statistics count (kind, category, severity, unit, dates, states,
satisfaction) and clears what the customer told the operator and what was found and answered
about it: the request, the contact details, the findings, the replies, the timeline's notes
and data, and the attachments with their files. Handling plans, links and idempotency
records stay: they carry plan types, amounts, approvals and which work orders belong
together, the figures of how matters were handled."""

from __future__ import annotations

from kefu.retention import Erase, Rows, Scrub

RETENTION = (
    Rows("workorders.WorkOrder", work_order="pk",
         anonymise=Scrub(placeholder=("title", "content"),
                         blank=("contact_name", "contact_phone", "findings", "evidence_summary",
                                "pending_question", "customer_feedback", "call_id"),
                         mark=("is_anonymised",)),
         # A duplicate merged into a purged record would otherwise block its deletion.
         unlink=("merged_into",)),
    Rows("workorders.TimelineEvent", work_order="work_order_id",
         anonymise=Scrub(blank=("note",), empty_json=("data",))),
    Rows("workorders.Reply", work_order="work_order_id",
         anonymise=Scrub(placeholder=("result",),
                         blank=("process_summary", "measures", "suggestions",
                                "cause_analysis"))),
    Rows("workorders.WorkOrderText", work_order="work_order_id", anonymise=Erase()),
    Rows("workorders.Attachment", work_order="work_order_id", anonymise=Erase(),
         files=("file",)),
)
