"""Every change of escalation, co-handling, supervision and appeals, one module per part."""

from kefu.escalation.actions.appeals import (
    APPEAL_TAKERS,
    APPEALABLE_KINDS,
    FINISHED,
    RegulatorCase,
    open_appeal,
    take_appeal,
)
from kefu.escalation.actions.co_handling import (
    DECIDERS,
    REQUESTERS,
    EscalationApplication,
    assign_subtask,
    complete_subtask,
    decide_escalation,
    mark_overdue_subtasks,
    request_escalation,
)
from kefu.escalation.actions.supervision import (
    SUPERVISORS,
    close_supervision,
    open_breach_supervision,
    open_supervision,
    remind_supervision,
    report_supervision_progress,
    supervise_serious,
)

__all__ = [
    "APPEALABLE_KINDS", "APPEAL_TAKERS", "DECIDERS", "FINISHED", "REQUESTERS", "SUPERVISORS",
    "EscalationApplication", "RegulatorCase", "assign_subtask", "close_supervision",
    "complete_subtask", "decide_escalation", "mark_overdue_subtasks", "open_appeal",
    "open_breach_supervision",
    "open_supervision", "remind_supervision", "report_supervision_progress",
    "request_escalation", "supervise_serious", "take_appeal",
]
