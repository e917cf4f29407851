"""What each role may do, as data: one vocabulary of capabilities for every app.

Code asks whether an actor holds a capability, never which role it has. Each app writes its
`can_*` predicates in its own `permissions.py` on top of these; a predicate returns a
`Verdict`, which the console reads as a yes or no and the action enforces, so what the
console offers and what the action accepts cannot drift apart."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from kefu.errors import KefuError, PermissionRefused
from kefu.orgs.choices import Role

R = Role


class Capability(StrEnum):
    REVEAL_PERSONAL_DATA = "customers.reveal"
    CREATE_WORK_ORDER = "workorders.create"
    ASSIGN_WORK_ORDER = "workorders.assign"
    LINK_WORK_ORDERS = "workorders.link"
    SPLIT_WORK_ORDER = "workorders.split"
    SET_MAJOR_SEVERITY = "workorders.major_severity"
    APPROVE_COMPENSATION = "workorders.approve_compensation"
    APPROVE_LARGE_COMPENSATION = "workorders.approve_large_compensation"
    MARK_ESCALATED = "workorders.escalate"
    REQUEST_EXTENSION = "sla.request_extension"
    DECIDE_EXTENSION = "sla.decide_extension"
    CHANGE_CALENDAR = "sla.change_calendar"
    CONFIGURE_SUPERVISION = "escalation.configure_supervision"
    CONFIGURE_BUSINESS_RULES = "config.business_rules"
    REQUEST_ESCALATION = "escalation.request"
    DECIDE_ESCALATION = "escalation.decide"
    SUPERVISE = "escalation.supervise"
    REPORT_SUPERVISION = "escalation.report_supervision"
    TAKE_APPEAL = "escalation.take_appeal"
    RECORD_RETURN_VISIT = "surveys.record_return_visit"
    RECORD_SURVEY = "surveys.record_survey"
    DECIDE_REOPEN_PROPOSAL = "surveys.decide_reopen_proposal"
    PLACE_LEGAL_HOLD = "archive.legal_hold"
    REPORT_INCIDENT = "incidents.report"
    COMMAND_INCIDENT = "incidents.command"
    READ_AUDIT = "audit.read"
    WRITE_ARTICLES = "knowledge.write"
    REVIEW_ARTICLES = "knowledge.review"
    CITE_ARTICLES = "knowledge.cite"


C = Capability
_DESK = frozenset({R.AGENT, R.HANDLER, R.SUPERVISOR, R.MANAGER})
_LEADS = frozenset({R.SUPERVISOR, R.MANAGER})
_STAFF = frozenset(r for r in Role if r not in (R.CUSTOMER, R.SYSTEM))

# Who holds each capability. Read down the list to see what a role may do.
HOLDERS: dict[Capability, frozenset[Role]] = {
    C.REVEAL_PERSONAL_DATA: frozenset({R.SUPERVISOR, R.MANAGER, R.ADMIN}),
    C.CREATE_WORK_ORDER: _DESK | {R.CUSTOMER},
    C.ASSIGN_WORK_ORDER: frozenset({R.AGENT, R.SUPERVISOR, R.MANAGER, R.ADMIN, R.SYSTEM}),
    C.LINK_WORK_ORDERS: _STAFF,
    C.SPLIT_WORK_ORDER: _DESK,
    C.SET_MAJOR_SEVERITY: _LEADS,
    C.APPROVE_COMPENSATION: _LEADS,
    C.APPROVE_LARGE_COMPENSATION: frozenset({R.MANAGER}),
    C.MARK_ESCALATED: _LEADS,
    C.REQUEST_EXTENSION: frozenset({R.HANDLER, R.SUPERVISOR, R.MANAGER}),
    C.DECIDE_EXTENSION: frozenset({R.MANAGER}),
    C.CHANGE_CALENDAR: frozenset({R.ADMIN, R.SYSTEM}),
    C.CONFIGURE_SUPERVISION: frozenset({R.ADMIN, R.SYSTEM}),
    C.CONFIGURE_BUSINESS_RULES: frozenset({R.ADMIN, R.SYSTEM}),
    C.REQUEST_ESCALATION: frozenset({R.AGENT, R.HANDLER, R.SUPERVISOR}),
    C.DECIDE_ESCALATION: _LEADS,
    C.SUPERVISE: _LEADS,
    C.REPORT_SUPERVISION: _DESK,
    C.TAKE_APPEAL: frozenset({R.AGENT, R.SUPERVISOR, R.MANAGER, R.CUSTOMER}),
    C.RECORD_RETURN_VISIT: frozenset({R.AGENT, R.SUPERVISOR}),
    C.RECORD_SURVEY: frozenset({R.AGENT, R.SUPERVISOR}),
    C.DECIDE_REOPEN_PROPOSAL: _LEADS,
    C.PLACE_LEGAL_HOLD: frozenset({R.MANAGER, R.ADMIN}),
    C.REPORT_INCIDENT: _DESK,
    C.COMMAND_INCIDENT: _LEADS,
    C.READ_AUDIT: frozenset({R.AUDITOR}),
    # 信息采编: editors write, reviewers publish; never the same person for one article.
    C.WRITE_ARTICLES: frozenset({R.EDITOR, R.SUPERVISOR, R.MANAGER}),
    C.REVIEW_ARTICLES: frozenset({R.REVIEWER, R.MANAGER}),
    C.CITE_ARTICLES: _DESK,
}

_GRANTS: dict[Role, frozenset[Capability]] = {
    role: frozenset(c for c, roles in HOLDERS.items() if role in roles) for role in Role
}


def has_capability(role: Role | str, capability: Capability) -> bool:
    return capability in _GRANTS.get(Role(role), frozenset())


def roles_with(capability: Capability) -> frozenset[Role]:
    return HOLDERS[capability]


@dataclass(frozen=True)
class Verdict:
    """Whether an actor may do a thing now; when not, the error the action raises. True or
    false to a template, so the console offers exactly what the action allows."""

    refusal: KefuError | None = None

    def __bool__(self) -> bool:
        return self.refusal is None

    def enforce(self) -> None:
        if self.refusal is not None:
            raise self.refusal


ALLOWED = Verdict()


def refused(error: KefuError) -> Verdict:
    return Verdict(error)


def granted(role: Role | str, capability: Capability, message_zh: str,
            message_en: str) -> Verdict:
    """Allowed when the role holds the capability; refused with the message otherwise."""
    if has_capability(role, capability):
        return ALLOWED
    return Verdict(PermissionRefused(message_zh, message_en))
