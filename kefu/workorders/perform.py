"""One entry for every transition by name, used by the API, the console and the portal alike.
It only builds the transition's input from the submitted values and hands it to the action
registered for the transition (`transitions.performs`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# Imported for its effect: each action registers itself for its transition as it is defined.
import kefu.workorders.actions  # noqa: F401
from kefu.orgs.actors import Actor
from kefu.workorders.models import WorkOrder
from kefu.workorders.transitions import PERFORMERS, TRANSITIONS, TransitionNotAllowed

assert set(PERFORMERS) == set(TRANSITIONS), "every transition needs its action"


def perform_transition(
    *, actor: Actor, work_order_id: int, name: str, values: Mapping[str, Any],
    expected_version: int | None = None,
) -> WorkOrder:
    """Run the named transition's action with the submitted values."""
    transition = TRANSITIONS.get(name)
    if transition is None:
        raise TransitionNotAllowed(f"没有名为「{name}」的操作", f"There is no transition '{name}'",
                                   detail={"allowed": []})
    return PERFORMERS[name](actor=actor, work_order_id=work_order_id,
                            inputs=transition.inputs.from_values(values),
                            expected_version=expected_version)
