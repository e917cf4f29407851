"""What retention does to the rows each app keeps about a work order.

An app that stores customer text or files says so in its own `retention.py`: a module-level
`RETENTION` tuple of `Rows`, one per model, naming how a row leads to its work order and what
anonymising does to it. Purging deletes every declared row and then the work order. Models
mark the fields that hold personal data with a `PERSONAL_FIELDS` class attribute, so a test
can prove each one is declared (decision 0010).

This module sits below every app: it imports none of them, and finds their declarations
through the app registry.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from importlib import import_module

from django.apps import AppConfig, apps
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db import models
from django.utils.module_loading import module_has_submodule

# What a required text reads after anonymising: a blank would look as if it was never given.
ANONYMISED = "（已匿名化）"


@dataclass(frozen=True)
class Scrub:
    """Anonymise by overwriting: the row stays, so its figures still count; its text goes."""

    placeholder: tuple[str, ...] = ()  # set to ANONYMISED
    blank: tuple[str, ...] = ()  # set to ""
    empty_json: tuple[str, ...] = ()  # set to {}
    # Booleans set to True: how the row says it has been anonymised, so no run takes it twice.
    mark: tuple[str, ...] = ()

    @property
    def fields(self) -> tuple[str, ...]:
        """Every field the scrub overwrites."""
        return self.placeholder + self.blank + self.empty_json + self.mark

    def values(self) -> dict[str, object]:
        """The update to apply; a new dict per JSON field, so no two rows share one."""
        return {**dict.fromkeys(self.placeholder, ANONYMISED), **dict.fromkeys(self.blank, ""),
                **{name: {} for name in self.empty_json}, **dict.fromkeys(self.mark, True)}


@dataclass(frozen=True)
class Erase:
    """Anonymise by deleting the row: nothing in it is a figure worth keeping."""


@dataclass(frozen=True)
class Rows:
    """The rows of one model that belong to a work order, and what retention does to them.

    `work_order` is the lookup from a row to its work order's id ("work_order_id", "pk" on
    the work order itself, "clock__work_order_id" through a parent). `files` are file fields
    whose stored files are removed once the batch commits. `unlink` are nullable foreign keys
    of this model to work orders that would protect a purged one from deletion: the rows
    pointing at it let go first."""

    model: str  # "app_label.ModelName"
    work_order: str
    anonymise: Scrub | Erase
    files: tuple[str, ...] = ()
    unlink: tuple[str, ...] = ()


def personal_fields(model: type[models.Model]) -> tuple[str, ...]:
    """The fields a model marks as holding personal data; empty when it marks none."""
    return tuple(getattr(model, "PERSONAL_FIELDS", ()))


def collect_declarations(app_configs: Iterable[AppConfig] | None = None) -> tuple[Rows, ...]:
    """Every installed app's declarations, in INSTALLED_APPS order. A `retention` module
    without `RETENTION` declares nothing; an app declaring another app's model is refused,
    because only the owner knows what its fields hold."""
    found: list[Rows] = []
    for config in apps.get_app_configs() if app_configs is None else app_configs:
        if config.module is None or not module_has_submodule(config.module, "retention"):
            continue
        module = import_module(f"{config.name}.retention")
        for rows in getattr(module, "RETENTION", ()):
            if rows.model.partition(".")[0] != config.label:
                raise ImproperlyConfigured(
                    f"{config.name}.retention declares {rows.model}, a model of another app")
            found.append(rows)
    return tuple(found)


def declaration_problems(declarations: Iterable[Rows], *,
                         root: type[models.Model]) -> list[str]:
    """What is wrong with the declarations: a model or field that does not exist, a path
    that does not lead to `root` (the work order), a value the field cannot hold."""
    problems: list[str] = []
    for rows in declarations:
        try:
            model = apps.get_model(rows.model)
        except (LookupError, ValueError):
            problems.append(f"{rows.model}: no such model")
            continue
        problems += [f"{rows.model}: {p}" for p in _row_problems(model, rows, root)]
    return problems


def coverage_problems(
    installed: Iterable[type[models.Model]], declarations: Iterable[Rows], *,
    personal: Callable[[type[models.Model]], Collection[str]] = personal_fields,
    exempt: Mapping[str, str] | None = None,
) -> list[str]:
    """Personal fields that anonymising would leave as they are, and marks naming no field.
    A field is covered when a declaration of its model scrubs it or erases the row.
    `exempt` maps the labels of models retention does not reach to the reason why."""
    exempt = exempt or {}
    covered: dict[str, set[str]] = {}
    erased: set[str] = set()
    for rows in declarations:
        try:
            label = apps.get_model(rows.model)._meta.label
        except (LookupError, ValueError):
            continue  # reported by declaration_problems
        if isinstance(rows.anonymise, Erase):
            erased.add(label)
        else:
            covered.setdefault(label, set()).update(rows.anonymise.fields)
    problems: list[str] = []
    labels: set[str] = set()
    for model in installed:
        label = model._meta.label
        labels.add(label)
        names = sorted(personal(model))
        problems += [f"{label}: marks '{name}' personal, but has no such field"
                     for name in names if _field(model, name) is None]
        if label in exempt or label in erased:
            continue
        problems += [f"{label}.{name} is personal, but anonymising leaves it"
                     for name in names
                     if _field(model, name) is not None and name not in covered.get(label, set())]
    problems += [f"{label}: exempt, but no such model" for label in exempt
                 if label not in labels]
    return problems


def _row_problems(model: type[models.Model], rows: Rows,
                  root: type[models.Model]) -> list[str]:
    problems: list[str] = []
    if _path_target(model, rows.work_order) is not root:
        problems.append(f"'{rows.work_order}' does not lead to {root._meta.label}")
    if isinstance(rows.anonymise, Scrub):
        scrub = rows.anonymise
        named = scrub.fields
        problems += [f"'{name}' is overwritten twice" for name in set(named)
                     if named.count(name) > 1]
        kinds: list[tuple[tuple[str, ...], tuple[type[models.Field], ...]]] = [
            (scrub.placeholder + scrub.blank, (models.CharField, models.TextField)),
            (scrub.empty_json, (models.JSONField,)),
            (scrub.mark, (models.BooleanField,)),
        ]
        for names, types in kinds:
            problems += _kind_problems(model, names, types)
        for name in scrub.placeholder:
            length = _max_length(model, name)
            if length is not None and length < len(ANONYMISED):
                problems.append(f"'{name}' is too short for the placeholder")
        # A scrubbed row keeps pointing at its file unless the scrub blanks the field.
        problems += [f"file '{name}' is removed, but the row keeps it" for name in rows.files
                     if name not in scrub.blank]
    problems += _kind_problems(model, rows.files, (models.FileField,))
    for name in rows.unlink:
        problems += _kind_problems(model, (name,), (models.ForeignKey,))
        field = _field(model, name)
        if isinstance(field, models.ForeignKey) and (
                field.related_model is not root or not field.null):
            problems.append(f"'{name}' is no nullable reference to {root._meta.label}")
    return problems


def _kind_problems(model: type[models.Model], names: Iterable[str],
                   types: tuple[type[models.Field], ...]) -> list[str]:
    problems: list[str] = []
    for name in names:
        field = _field(model, name)
        if field is None:
            problems.append(f"no field '{name}'")
        elif not isinstance(field, types):
            problems.append(f"'{name}' is a {type(field).__name__}, not a "
                            + " or ".join(t.__name__ for t in types))
    return problems


def _field(model: type[models.Model], name: str) -> models.Field | None:
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return field if isinstance(field, models.Field) else None


def _max_length(model: type[models.Model], name: str) -> int | None:
    field = _field(model, name)
    return field.max_length if isinstance(field, models.CharField) else None


def _path_target(model: type[models.Model], path: str) -> type[models.Model] | None:
    """The model whose id `path` reaches from a row of `model`, or None if it reaches none."""
    *through, last = path.split("__")
    current: type[models.Model] = model
    for name in through:
        field = _field(current, name)
        if field is None or not (field.many_to_one or field.one_to_one) or (
                field.related_model is None or isinstance(field.related_model, str)):
            return None
        current = field.related_model
    if last == "pk":
        return current
    field = _field(current, last)
    if field is None:
        return None
    if field.primary_key and not field.is_relation:
        return current
    if (field.many_to_one or field.one_to_one) and isinstance(field.related_model, type):
        return field.related_model
    return None
