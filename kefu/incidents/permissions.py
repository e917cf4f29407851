"""Who may report an incident and who commands it: the predicates the incident actions
enforce and the console consults."""

from __future__ import annotations

from kefu.orgs.actors import Actor
from kefu.orgs.permissions import Capability, Verdict, granted


def can_report_incident(actor: Actor) -> Verdict:
    """Anyone at the desk reports an incident and corrects the report."""
    return granted(actor.role, Capability.REPORT_INCIDENT, "您的角色不能上报或修改突发事件",
                   "Your role cannot report or change incidents")


def can_command_incident(actor: Actor) -> Verdict:
    """Who speaks for the company in a notice, declares recovery and closes the review."""
    return granted(actor.role, Capability.COMMAND_INCIDENT,
                   "只有主管或管理层可以发布通报、确认恢复或结束事件",
                   "Only supervisors and managers issue notices, declare recovery and close "
                   "incidents")
