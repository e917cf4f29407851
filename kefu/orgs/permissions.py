"""What each role may do, as data. Transition rights live in the transition table."""

from __future__ import annotations

from kefu.orgs.choices import Role

REVEAL_PERSONAL_DATA = "customers.reveal"
CREATE_WORK_ORDER = "workorders.create"
ASSIGN_WORK_ORDER = "workorders.assign"
SET_MAJOR_SEVERITY = "workorders.major_severity"
APPROVE_COMPENSATION = "workorders.approve_compensation"
APPROVE_LARGE_COMPENSATION = "workorders.approve_large_compensation"
MARK_ESCALATED = "workorders.escalate"
READ_AUDIT = "audit.read"

_CAPABILITIES: dict[Role, frozenset[str]] = {
    Role.AGENT: frozenset({CREATE_WORK_ORDER, ASSIGN_WORK_ORDER}),
    Role.HANDLER: frozenset({CREATE_WORK_ORDER}),
    Role.SUPERVISOR: frozenset({
        CREATE_WORK_ORDER, ASSIGN_WORK_ORDER, SET_MAJOR_SEVERITY, APPROVE_COMPENSATION,
        MARK_ESCALATED, REVEAL_PERSONAL_DATA,
    }),
    Role.MANAGER: frozenset({
        CREATE_WORK_ORDER, ASSIGN_WORK_ORDER, SET_MAJOR_SEVERITY, APPROVE_COMPENSATION,
        APPROVE_LARGE_COMPENSATION, MARK_ESCALATED, REVEAL_PERSONAL_DATA,
    }),
    Role.QA: frozenset(),
    Role.ARCHIVIST: frozenset(),
    Role.EDITOR: frozenset(),
    Role.REVIEWER: frozenset(),
    Role.ADMIN: frozenset({ASSIGN_WORK_ORDER, REVEAL_PERSONAL_DATA}),
    Role.AUDITOR: frozenset({READ_AUDIT}),
    Role.CUSTOMER: frozenset({CREATE_WORK_ORDER}),
    Role.SYSTEM: frozenset({ASSIGN_WORK_ORDER}),
}


def has_capability(role: Role | str, capability: str) -> bool:
    return capability in _CAPABILITIES.get(Role(role), frozenset())
