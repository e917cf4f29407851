"""What retention does to a work order's surveys and return visit (decision 0010): the
customer's comments go, the scores and answers stay for the satisfaction figures."""

from __future__ import annotations

from kefu.retention import Rows, Scrub

RETENTION = (
    Rows("surveys.Survey", work_order="work_order_id", anonymise=Scrub(blank=("comment",))),
    Rows("surveys.ReturnVisit", work_order="work_order_id",
         anonymise=Scrub(blank=("comment",))),
)
