"""What retention does to the escalation rows of a work order (decision 0010).

An appeal's reason is the customer's own words, so anonymising the appeal's work order
clears it; the regulator, case number and deadlines stay for the appeal figures. The
supervision ledger, escalation requests and co-handling tasks are written by staff about the
handling (units, departments, deadlines, evaluations) and stay."""

from __future__ import annotations

from kefu.retention import Rows, Scrub

RETENTION = (
    Rows("escalation.Appeal", work_order="work_order_id",
         anonymise=Scrub(placeholder=("reason",))),
)
