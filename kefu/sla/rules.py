"""Which clock starts, is met, pauses or stops at which step of the lifecycle, as data."""

from __future__ import annotations

from kefu.sla.choices import ClockKind as C

# Clocks started when a work order is received (each only if a policy matches it).
START_ON_INTAKE = (
    C.CONFIRM, C.START_HANDLING, C.INITIAL_INVESTIGATION, C.FIRST_REPLY, C.HANDLING_COMPLETE,
    C.CLOSED_LOOP, C.REQUEST_ASSESSMENT, C.REQUEST_COMPLETE,
)

# transition → clocks it starts
STARTS: dict[str, tuple[C, ...]] = {
    "start_investigation": (C.DETAILED_INVESTIGATION,),
    # 001 §4.2.1: the customer hears within 2 working days after handling is complete.
    "complete_handling": (C.REPLY_AFTER_HANDLING,),
    # A reply the customer does not answer closes by itself when this clock runs out.
    "reply": (C.AUTO_CLOSE,),
    "answer": (C.AUTO_CLOSE,),
    "close": (C.ARCHIVE,),
}

# Clocks whose end is not a breach but an action of the system's own.
SELF_ACTING = frozenset({C.AUTO_CLOSE})

# transition → clocks it meets. Any move made by staff also confirms receipt.
MEETS: dict[str, tuple[C, ...]] = {
    "classify": (C.REQUEST_ASSESSMENT,),
    "start_investigation": (C.START_HANDLING,),
    "begin_handling": (C.START_HANDLING,),
    "start_processing": (C.INITIAL_INVESTIGATION, C.DETAILED_INVESTIGATION),
    "answer": (C.START_HANDLING, C.FIRST_REPLY, C.HANDLING_COMPLETE, C.REQUEST_COMPLETE),
    "complete_handling": (C.HANDLING_COMPLETE,),
    "reply": (C.FIRST_REPLY, C.HANDLING_COMPLETE, C.REQUEST_COMPLETE, C.REPLY_AFTER_HANDLING),
    "close": (C.CLOSED_LOOP, C.AUTO_CLOSE),
    "reopen": (C.AUTO_CLOSE,),
    "archive": (C.ARCHIVE,),
}

# A reopened matter is handled again: these clocks run anew from the reopening.
RESTARTS: dict[str, tuple[C, ...]] = {
    "reopen": (C.HANDLING_COMPLETE, C.CLOSED_LOOP),
    # Handled again: the handling is complete again only when it says so once more.
    "handle_again": (),
}

PAUSES = frozenset({"request_info"})
RESUMES = frozenset({"resume"})
# Ending without handling stops every clock but the archive one.
STOPS = frozenset({"reject", "withdraw", "merge"})
