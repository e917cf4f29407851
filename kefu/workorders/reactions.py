"""What feature apps add to the work order's lifecycle, declared by them, run by the kernel.

The kernel knows no feature app (decision 0015): a co-handling department that must finish
before the reply, a survey sent at closure, supervision opened for a serious complaint or at a
breach all belong to the apps that own those rows. Each such app declares them in its own
`reactions.py`, found when the apps are ready; the kernel runs them at a fixed point of the
change, inside its transaction:

- a guard runs right after the transition table allowed the move, before anything is written,
  and refuses the move by raising a `KefuError`;
- a reaction runs right after the move was saved and recorded, and writes its own rows;
- a breach reaction runs once per sweep batch with every breach of the batch, so it can write
  its rows in bulk;
- the appeal taker is the one step that opens an appeal of a finished work order, for apps
  that find a customer dissatisfied after closure;
- a scope widening adds the work orders a member of staff sees beyond their units' own;
- a search text adds what an app keeps about work orders that their search finds.

Nothing runs on `save()` or through signals: a reader of an action finds its extension point
by name (`run_guards`, `run_reactions`), and `registered()` lists what is declared."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from kefu.errors import Conflict
from kefu.orgs.actors import Actor
from kefu.workorders.models import WorkOrder
from kefu.workorders.transitions import TRANSITIONS

if TYPE_CHECKING:
    from django.db.models import QuerySet

Guard = Callable[[WorkOrder, Actor], None]
Reaction = Callable[[WorkOrder, Actor], None]


class AppealTaker(Protocol):
    def __call__(self, *, actor: Actor, original_id: int, reason: str) -> object: ...


@dataclass(frozen=True)
class Breach:
    """One work order whose clocks passed their deadline in a sweep batch, after the kernel
    moved it to its superior unit."""

    work_order_id: int
    unit_id: int
    clocks: tuple[str, ...]
    clock_labels: tuple[str, ...]


BreachReaction = Callable[[list[Breach], datetime], None]
# From the ids of the units in a member of staff's scope, the ids of more work orders they see.
ScopeWidening = Callable[[list[int]], "QuerySet[Any, Any]"]
# More searchable text the apps keep for work orders, by work order id (an appeal's
# regulator case number, its reason).
SearchText = Callable[[list[WorkOrder]], dict[int, list[str]]]
# The units whose staff see these work orders through an app, by work order id: the other
# direction of a scope widening, kept in the search index.
ScopeUnits = Callable[[list[WorkOrder]], dict[int, set[int]]]
# The required record items (001 §4.4.1) an app holds for a work order, e.g. the customer's
# feedback and score from a survey answered after closure.
RecordContent = Callable[[WorkOrder], set[str]]

_guards: dict[str, list[Guard]] = {}
_reactions: dict[str, list[Reaction]] = {}
_breach_reactions: list[BreachReaction] = []
_appeal_takers: list[AppealTaker] = []
_scope_widenings: list[ScopeWidening] = []
_record_contents: list[RecordContent] = []
_search_texts: list[SearchText] = []
_scope_units: list[ScopeUnits] = []


def _known(names: tuple[str, ...]) -> tuple[str, ...]:
    unknown = [name for name in names if name not in TRANSITIONS]
    if unknown or not names:
        raise ValueError(f"no such transition: {unknown or names}")
    return names


def _register(table: dict[str, list[Guard]],
              transitions: tuple[str, ...]) -> Callable[[Guard], Guard]:
    names = _known(transitions)

    def register(fn: Guard) -> Guard:
        for name in names:
            if fn not in table.setdefault(name, []):
                table[name].append(fn)
        return fn
    return register


def guard(*transitions: str) -> Callable[[Guard], Guard]:
    """Declare a check that may refuse these transitions."""
    return _register(_guards, transitions)


def after(*transitions: str) -> Callable[[Reaction], Reaction]:
    """Declare what happens, in the same transaction, once these transitions are made."""
    return _register(_reactions, transitions)


def after_breaches(fn: BreachReaction) -> BreachReaction:
    """Declare what happens, in the sweep batch's transaction, to the batch's breaches."""
    if fn not in _breach_reactions:
        _breach_reactions.append(fn)
    return fn


def widens_scope(fn: ScopeWidening) -> ScopeWidening:
    """Declare more work orders a member of staff sees, from the units in their scope."""
    if fn not in _scope_widenings:
        _scope_widenings.append(fn)
    return fn


def widens_scope_of(fn: ScopeUnits) -> ScopeUnits:
    """Declare, for a scope widening, which units' staff see given work orders through it."""
    if fn not in _scope_units:
        _scope_units.append(fn)
    return fn


def scope_units_added(work_orders: list[WorkOrder]) -> dict[int, set[int]]:
    added: dict[int, set[int]] = {}
    for fn in _scope_units:
        for work_order_id, units in fn(work_orders).items():
            added.setdefault(work_order_id, set()).update(units)
    return added


def scope_widenings() -> tuple[ScopeWidening, ...]:
    return tuple(_scope_widenings)


def holds_record_content(fn: RecordContent) -> RecordContent:
    _record_contents.append(fn)
    return fn


def record_content_held(wo: WorkOrder) -> set[str]:
    """The record items the apps hold for `wo` beside its own row."""
    held: set[str] = set()
    for fn in _record_contents:
        held |= fn(wo)
    return held


def adds_search_text(fn: SearchText) -> SearchText:
    """Declare text an app keeps about work orders that their search should find."""
    if fn not in _search_texts:
        _search_texts.append(fn)
    return fn


def search_text_added(work_orders: list[WorkOrder]) -> dict[int, list[str]]:
    added: dict[int, list[str]] = {}
    for fn in _search_texts:
        for work_order_id, texts in fn(work_orders).items():
            added.setdefault(work_order_id, []).extend(texts)
    return added


def takes_appeals(fn: AppealTaker) -> AppealTaker:
    """Declare the step that opens an appeal (a work order of kind appeal) of a finished one,
    inside the caller's transaction."""
    if _appeal_takers and _appeal_takers[0] is not fn:
        raise ValueError("appeals are already taken by another step")
    _appeal_takers[:] = [fn]
    return fn


def take_appeal(*, actor: Actor, original_id: int, reason: str) -> object:
    """Open an appeal of a finished work order, through the step declared for it."""
    if not _appeal_takers:
        raise Conflict("本系统未启用申诉", "Appeals are not enabled")
    return _appeal_takers[0](actor=actor, original_id=original_id, reason=reason)


def run_guards(transition: str, wo: WorkOrder, actor: Actor) -> None:
    for fn in _guards.get(transition, ()):
        fn(wo, actor)


def run_reactions(transition: str, wo: WorkOrder, actor: Actor) -> None:
    for fn in _reactions.get(transition, ()):
        fn(wo, actor)


def run_breach_reactions(breaches: list[Breach], now: datetime) -> None:
    if breaches:
        for fn in _breach_reactions:
            fn(breaches, now)


def registered() -> dict[str, list[str]]:
    """Every declared guard and reaction by where it runs, as dotted names."""
    def name(fn: Callable[..., object]) -> str:
        return f"{fn.__module__}.{fn.__qualname__}"

    listing = {f"guard:{t}": [name(fn) for fn in fns] for t, fns in _guards.items()}
    listing |= {f"after:{t}": [name(fn) for fn in fns] for t, fns in _reactions.items()}
    listing["after:breaches"] = [name(fn) for fn in _breach_reactions]
    listing["takes:appeals"] = [name(fn) for fn in _appeal_takers]
    listing["widens:scope"] = [name(fn) for fn in _scope_widenings]
    listing["widens:scope_of"] = [name(fn) for fn in _scope_units]
    listing["holds:record_content"] = [name(fn) for fn in _record_contents]
    listing["adds:search_text"] = [name(fn) for fn in _search_texts]
    return {key: value for key, value in sorted(listing.items()) if value}
