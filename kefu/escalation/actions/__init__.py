"""Every change of escalation, co-handling, supervision and appeals, one module per part."""

from kefu.escalation.actions.appeals import (
    RegulatorCase,
    open_appeal,
    take_appeal,
)
from kefu.escalation.actions.co_handling import (
    EscalationApplication,
    assign_subtask,
    complete_subtask,
    decide_escalation,
    mark_overdue_subtasks,
    request_escalation,
)
from kefu.escalation.actions.duty import set_duty_supervisor
from kefu.escalation.actions.supervision import (
    close_supervision,
    open_breach_supervision,
    open_supervision,
    remind_supervision,
    report_supervision_progress,
    supervise_serious,
)

__all__ = [
    "EscalationApplication", "RegulatorCase", "assign_subtask", "close_supervision",
    "complete_subtask", "decide_escalation", "mark_overdue_subtasks", "open_appeal",
    "open_breach_supervision",
    "open_supervision", "remind_supervision", "report_supervision_progress",
    "request_escalation", "set_duty_supervisor", "supervise_serious", "take_appeal",
]
