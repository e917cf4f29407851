"""Who may keep a work order past its retention: the predicate the legal-hold actions
enforce and the console consults."""

from __future__ import annotations

from kefu.orgs.actors import Actor
from kefu.orgs.permissions import Capability, Verdict, granted


def can_place_legal_hold(actor: Actor) -> Verdict:
    return granted(actor.role, Capability.PLACE_LEGAL_HOLD,
                   "只有管理层或系统管理员可以设置或解除法律保全",
                   "Only managers or administrators set or lift a legal hold")
