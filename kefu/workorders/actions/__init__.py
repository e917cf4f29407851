"""Every change to a work order, one module per part of the work: intake, the lifecycle's
forward moves, closure and the side paths, handling plans, and the record beside the
lifecycle. Each change is built from the kernel's steps (`kefu.workorders.steps`); each
transition's action takes that transition's input (`kefu.workorders.inputs`, exported here).

Feature apps never import these: they stand on the kernel and add to the lifecycle through
`kefu.workorders.reactions`. The API, console and portal call them."""

from kefu.customers.actions import CustomerDetails
from kefu.workorders.actions.closure import (
    archive_work_order,
    close_work_order,
    merge_work_order,
    missing_record_content,
    reject_work_order,
    reopen_work_order,
    withdraw_work_order,
)
from kefu.workorders.actions.intake import Intake, create_work_order
from kefu.workorders.actions.lifecycle import (
    answer_consultation,
    begin_handling,
    classify_work_order,
    complete_handling,
    handle_again,
    reply_to_customer,
    request_customer_info,
    resume_from_customer,
    start_investigation,
    start_processing,
)
from kefu.workorders.actions.plans import add_handling_plan, decide_handling_plan
from kefu.workorders.actions.record import (
    add_note,
    assign_work_order,
    escalate_work_order,
    reveal_contact,
)
from kefu.workorders.inputs import (
    AnswerInput,
    ArchiveInput,
    BeginHandlingInput,
    ClassifyInput,
    CloseInput,
    CompleteHandlingInput,
    HandleAgainInput,
    MergeInput,
    PlanInput,
    RejectInput,
    ReopenInput,
    ReplyInput,
    RequestInfoInput,
    ResumeInput,
    StartInvestigationInput,
    StartProcessingInput,
    WithdrawInput,
)

__all__ = [
    "AnswerInput",
    "ArchiveInput",
    "BeginHandlingInput",
    "ClassifyInput",
    "CloseInput",
    "CompleteHandlingInput",
    "CustomerDetails",
    "HandleAgainInput",
    "Intake",
    "MergeInput",
    "PlanInput",
    "RejectInput",
    "ReopenInput",
    "ReplyInput",
    "RequestInfoInput",
    "ResumeInput",
    "StartInvestigationInput",
    "StartProcessingInput",
    "WithdrawInput",
    "add_handling_plan",
    "add_note",
    "answer_consultation",
    "archive_work_order",
    "assign_work_order",
    "begin_handling",
    "classify_work_order",
    "close_work_order",
    "complete_handling",
    "create_work_order",
    "decide_handling_plan",
    "escalate_work_order",
    "handle_again",
    "merge_work_order",
    "missing_record_content",
    "reject_work_order",
    "reopen_work_order",
    "reply_to_customer",
    "request_customer_info",
    "resume_from_customer",
    "reveal_contact",
    "start_investigation",
    "start_processing",
    "withdraw_work_order",
]
