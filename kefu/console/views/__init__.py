"""Staff console: each view authenticates, loads through the actor's scope, calls one action,
renders. One module per part of the console."""

from kefu.console.views.co_handling import (
    escalation_decision,
    escalation_request,
    subtask_assign,
    subtask_complete,
)
from kefu.console.views.incidents import (
    incident,
    incident_close,
    incident_notice,
    incident_recover,
    incident_update,
    incidents,
)
from kefu.console.views.intake import customer_lookup, customer_view, intake
from kefu.console.views.links import link, split
from kefu.console.views.orders import (
    appeal,
    assign,
    attachment,
    decide_extension,
    decide_plan,
    detail,
    escalate,
    legal_hold,
    note,
    request_extension,
    return_visit,
    reveal,
    survey,
    transition,
    upload,
)
from kefu.console.views.proposals import reopen_decision
from kefu.console.views.queues import bulk, export_csv, find_by_phone, queue, saved_view
from kefu.console.views.reports import board, sla_report, surveys_report
from kefu.console.views.supervision import (
    ledger,
    ledger_csv,
    supervise,
    supervision_close,
    supervision_report,
)

__all__ = [
    "appeal",
    "assign",
    "attachment",
    "board",
    "bulk",
    "customer_lookup",
    "customer_view",
    "decide_extension",
    "decide_plan",
    "detail",
    "escalate",
    "escalation_decision",
    "escalation_request",
    "export_csv",
    "find_by_phone",
    "incident",
    "incident_close",
    "incident_notice",
    "incident_recover",
    "incident_update",
    "incidents",
    "intake",
    "ledger",
    "ledger_csv",
    "legal_hold",
    "link",
    "note",
    "queue",
    "reopen_decision",
    "request_extension",
    "return_visit",
    "reveal",
    "saved_view",
    "sla_report",
    "split",
    "subtask_assign",
    "subtask_complete",
    "supervise",
    "supervision_close",
    "supervision_report",
    "survey",
    "surveys_report",
    "transition",
    "upload",
]
