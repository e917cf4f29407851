"""What each transition takes: one frozen input type per transition, its fields in the order
the console's form asks for them, each field saying whether it is required, how long it may
be and which values it may take.

These types are the one declaration of a transition's inputs. The table (`transitions`)
derives what a move requires from them, the kernel (`steps.require`) checks an input against
them, the dispatcher builds them from submitted values, the console draws its forms from them
and the API derives its body from them.

This module stands below everything else in the kernel: it knows the choices and the errors,
nothing more."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any, Self

from kefu.errors import InvalidInput
from kefu.workorders.choices import (
    Channel,
    CompensationType,
    InvestigationMethod,
    PlanType,
    RejectReason,
    ResponsibleParty,
    Severity,
)

NOTE_LENGTH = 5000
LONG_TEXT_LENGTH = 10000
# A code from a list of choices, or a work order number: never more than a few dozen characters.
SHORT_LENGTH = 100


class Kind(StrEnum):
    TEXT = "text"  # str
    PICK = "pick"  # str, one of its choices (or empty when optional)
    MANY = "many"  # tuple[str, ...], each one of its choices
    NUMBER = "number"  # int | None
    FLAG = "flag"  # bool
    MONEY = "money"  # Decimal | None


@dataclass(frozen=True)
class InputField:
    name: str
    kind: Kind
    required: bool
    default: Any
    max_length: int | None = None
    choices: type[Any] | None = None  # a TextChoices class

    @property
    def allowed(self) -> tuple[str, ...]:
        return tuple(self.choices.values) if self.choices is not None else ()


_SPEC = "kefu.input"


def _spec(kind: Kind, default: Any, *, required: bool, max_length: int | None = None,
          choices: type[Any] | None = None) -> Any:
    # Returned as Any, as dataclasses.field is, so that `x: str = text(...)` type-checks.
    return field(default=default, metadata={_SPEC: (kind, required, max_length, choices)})


def text(*, max_length: int, required: bool = False) -> Any:
    return _spec(Kind.TEXT, "", required=required, max_length=max_length)


def pick(choices: type[Any], *, required: bool = False) -> Any:
    return _spec(Kind.PICK, "", required=required, max_length=SHORT_LENGTH, choices=choices)


def many(choices: type[Any], *, required: bool = False) -> Any:
    return _spec(Kind.MANY, (), required=required, choices=choices)


def number(*, required: bool = False) -> Any:
    return _spec(Kind.NUMBER, None, required=required)


def flag(*, required: bool = False) -> Any:
    return _spec(Kind.FLAG, False, required=required)


def money() -> Any:
    return _spec(Kind.MONEY, None, required=False)


_TRUE = frozenset({"on", "true", "1", "yes"})


def _is_empty(value: Any) -> bool:
    # An unticked box counts as empty: a required flag is one that must be ticked.
    return value is None or value is False or (isinstance(value, str | tuple) and not value)


def _coerce(spec: InputField, value: Any) -> Any:
    """A loose value (a form's string, a JSON value) as the field's type."""
    if spec.kind in (Kind.TEXT, Kind.PICK):
        return "" if value is None else str(value)
    if spec.kind is Kind.MANY:
        if value is None or value == "":
            return ()
        return (value,) if isinstance(value, str) else tuple(str(v) for v in value)
    if spec.kind is Kind.FLAG:
        return value.strip().lower() in _TRUE if isinstance(value, str) else bool(value)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if spec.kind is Kind.NUMBER:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        try:
            return int(str(value).strip())
        except ValueError:
            raise InvalidInput(f"{spec.name} 须为整数", f"{spec.name} must be a whole number",
                               fields={spec.name: ["须为整数 / must be a whole number"]}
                               ) from None
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except InvalidOperation:
        amount = Decimal("NaN")
    if not amount.is_finite():
        raise InvalidInput(f"{spec.name} 须为金额", f"{spec.name} must be an amount",
                           fields={spec.name: ["须为金额 / must be an amount"]})
    return amount


@dataclass(frozen=True, kw_only=True)
class TransitionInput:
    """The base of every transition's input: strings arrive stripped and lists as tuples,
    whoever builds the input."""

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if isinstance(value, str):
                object.__setattr__(self, f.name, value.strip())
            elif isinstance(value, list):
                object.__setattr__(self, f.name, tuple(value))

    @classmethod
    def fields_in_order(cls) -> tuple[InputField, ...]:
        specs = []
        for f in dataclasses.fields(cls):
            if _SPEC not in f.metadata:
                raise TypeError(f"{cls.__name__}.{f.name} is declared without text(), pick(), "
                                "many(), number(), flag() or money()")
            kind, required, max_length, choices = f.metadata[_SPEC]
            specs.append(InputField(f.name, kind, required, f.default, max_length, choices))
        return tuple(specs)

    @classmethod
    def required_names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in cls.fields_in_order() if f.required)

    @classmethod
    def from_values(cls, values: Mapping[str, Any]) -> Self:
        """The input from loosely typed values, as a form or a JSON body sends them. Keys that
        are not fields are ignored; a missing key takes the field's default; a value that is
        not a number where one is expected is refused, naming the field."""
        return cls(**{spec.name: _coerce(spec, values[spec.name])
                      for spec in cls.fields_in_order() if spec.name in values})

    def missing(self) -> list[str]:
        """The required fields left empty, in field order."""
        return [spec.name for spec in self.fields_in_order()
                if spec.required and _is_empty(getattr(self, spec.name))]

    def problems(self) -> dict[str, list[str]]:
        """Per field, what is wrong with a text that is too long or a value outside the
        field's choices."""
        found: dict[str, list[str]] = {}
        for spec in self.fields_in_order():
            value = getattr(self, spec.name)
            if spec.max_length is not None and len(value) > spec.max_length:
                found[spec.name] = [f"最多 {spec.max_length} 字 / at most {spec.max_length} "
                                    "characters"]
            elif spec.choices is not None:
                # An optional choice may be left empty; every item of a list must be valid.
                picked = value if spec.kind is Kind.MANY else (value,) if value else ()
                if any(item not in spec.allowed for item in picked):
                    found[spec.name] = [f"可选 / one of: {', '.join(spec.allowed)}"]
        return found


def union_of_fields(types: Iterable[type[TransitionInput]]) -> dict[str, InputField]:
    """Every field the input types declare, once, in the order first declared.

    One name must mean one thing in every input that declares it (same kind, same maximum
    length), because the API describes all transitions with one body."""
    found: dict[str, InputField] = {}
    for cls in types:
        for spec in cls.fields_in_order():
            seen = found.setdefault(spec.name, spec)
            if (seen.kind, seen.max_length) != (spec.kind, spec.max_length):
                raise TypeError(
                    f"{cls.__name__}.{spec.name} is {spec.kind} (max {spec.max_length}), but "
                    f"another input declares it {seen.kind} (max {seen.max_length})")
    return found


# --- handling plans ---------------------------------------------------------------------


@dataclass(frozen=True)
class PlanInput:
    """A handling plan, as `actions.plans.add_plan` takes it."""

    plan_type: str
    description: str
    compensation_type: str = ""
    amount: Decimal | str | int | None = None


class _AdoptsPlan:
    """For the transitions that adopt a plan as they move: the form and the API send the plan's
    fields flat, beside the transition's own."""

    plan_type: str
    plan_description: str
    compensation_type: str
    amount: Decimal | None

    @property
    def plan(self) -> PlanInput:
        return PlanInput(plan_type=self.plan_type, description=self.plan_description,
                         compensation_type=self.compensation_type, amount=self.amount)


# --- one input per transition, in the table's order ---------------------------------------


@dataclass(frozen=True, kw_only=True)
class ClassifyInput(TransitionInput):
    category_id: int | None = number(required=True)
    severity: str = pick(Severity, required=True)
    handler_id: int | None = number()
    note: str = text(max_length=NOTE_LENGTH)


@dataclass(frozen=True, kw_only=True)
class AnswerInput(TransitionInput):
    result: str = text(max_length=LONG_TEXT_LENGTH, required=True)
    reply_channel: str = pick(Channel, required=True)
    note: str = text(max_length=NOTE_LENGTH)


@dataclass(frozen=True, kw_only=True)
class StartInvestigationInput(TransitionInput):
    investigation_methods: tuple[str, ...] = many(InvestigationMethod, required=True)
    note: str = text(max_length=NOTE_LENGTH)


@dataclass(frozen=True, kw_only=True)
class StartProcessingInput(TransitionInput, _AdoptsPlan):
    findings: str = text(max_length=LONG_TEXT_LENGTH, required=True)
    evidence_summary: str = text(max_length=LONG_TEXT_LENGTH, required=True)
    responsible_party: str = pick(ResponsibleParty, required=True)
    plan_type: str = pick(PlanType, required=True)
    plan_description: str = text(max_length=NOTE_LENGTH, required=True)
    compensation_type: str = pick(CompensationType)
    amount: Decimal | None = money()  # noqa: RUF009 - money() returns a field()
    note: str = text(max_length=NOTE_LENGTH)


@dataclass(frozen=True, kw_only=True)
class BeginHandlingInput(TransitionInput, _AdoptsPlan):
    plan_type: str = pick(PlanType, required=True)
    plan_description: str = text(max_length=NOTE_LENGTH, required=True)
    compensation_type: str = pick(CompensationType)
    amount: Decimal | None = money()  # noqa: RUF009 - money() returns a field()
    note: str = text(max_length=NOTE_LENGTH)


@dataclass(frozen=True, kw_only=True)
class RequestInfoInput(TransitionInput):
    question: str = text(max_length=NOTE_LENGTH, required=True)


@dataclass(frozen=True, kw_only=True)
class ResumeInput(TransitionInput):
    note: str = text(max_length=NOTE_LENGTH, required=True)


@dataclass(frozen=True, kw_only=True)
class ReplyInput(TransitionInput):
    result: str = text(max_length=LONG_TEXT_LENGTH, required=True)
    process_summary: str = text(max_length=LONG_TEXT_LENGTH, required=True)
    measures: str = text(max_length=LONG_TEXT_LENGTH, required=True)
    suggestions: str = text(max_length=LONG_TEXT_LENGTH, required=True)
    cause_analysis: str = text(max_length=LONG_TEXT_LENGTH, required=True)
    reply_channel: str = pick(Channel, required=True)
    needs_further_handling: bool = flag()
    note: str = text(max_length=NOTE_LENGTH)


@dataclass(frozen=True, kw_only=True)
class CloseInput(TransitionInput):
    # Required of staff; a customer confirms by closing, and the system closes unanswered
    # replies without it (see `close_work_order`).
    is_confirmed_by_customer: bool = flag(required=True)
    satisfaction_score: int | None = number()
    feedback: str = text(max_length=NOTE_LENGTH)


@dataclass(frozen=True, kw_only=True)
class ReopenInput(TransitionInput):
    reason: str = text(max_length=NOTE_LENGTH, required=True)


@dataclass(frozen=True, kw_only=True)
class CompleteHandlingInput(TransitionInput):
    # What was done, in the handler's words: the reply that follows reports it to the customer.
    note: str = text(max_length=NOTE_LENGTH, required=True)


@dataclass(frozen=True, kw_only=True)
class HandleAgainInput(TransitionInput):
    note: str = text(max_length=NOTE_LENGTH)


@dataclass(frozen=True, kw_only=True)
class RejectInput(TransitionInput):
    reject_reason: str = pick(RejectReason, required=True)
    note: str = text(max_length=NOTE_LENGTH, required=True)


@dataclass(frozen=True, kw_only=True)
class WithdrawInput(TransitionInput):
    reason: str = text(max_length=NOTE_LENGTH, required=True)
    # Required of staff: the recorded call in which the customer confirmed the withdrawal. A
    # customer confirms by withdrawing in the portal (see `withdraw_work_order`).
    confirmation_call_id: str = text(max_length=SHORT_LENGTH, required=True)


@dataclass(frozen=True, kw_only=True)
class MergeInput(TransitionInput):
    target_number: str = text(max_length=SHORT_LENGTH, required=True)
    note: str = text(max_length=NOTE_LENGTH)


@dataclass(frozen=True, kw_only=True)
class ArchiveInput(TransitionInput):
    pass
