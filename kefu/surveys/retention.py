"""What retention does to a work order's surveys, return visits and reopen proposals
(decision 0010): the customer's words go, the scores, answers and decisions stay for the
satisfaction figures."""

from __future__ import annotations

from kefu.retention import Rows, Scrub

RETENTION = (
    Rows("surveys.Survey", work_order="work_order_id", anonymise=Scrub(blank=("comment",))),
    Rows("surveys.ReturnVisit", work_order="work_order_id",
         anonymise=Scrub(blank=("comment",))),
    Rows("surveys.ReopenProposal", work_order="work_order_id",
         anonymise=Scrub(placeholder=("reason",))),
)
