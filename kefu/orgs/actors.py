"""Who is acting: the one value every action and query takes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kefu.orgs.choices import Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


@dataclass(frozen=True)
class Actor:
    role: Role
    name: str
    user_id: int | None = None
    staff_id: int | None = None
    unit_id: int | None = None
    unit_path: str = ""
    customer_id: int | None = None

    @property
    def is_customer(self) -> bool:
        return self.role == Role.CUSTOMER

    @property
    def is_staff(self) -> bool:
        return self.staff_id is not None

    @property
    def is_system(self) -> bool:
        return self.role == Role.SYSTEM

    def audit_label(self) -> dict[str, Any]:
        return {"role": str(self.role), "user_id": self.user_id, "name": self.name}


SYSTEM = Actor(role=Role.SYSTEM, name="system")


class NotAnActor(Exception):
    """The login belongs to neither a member of staff nor a customer."""


def actor_for_user(user: AbstractBaseUser | AnonymousUser) -> Actor:
    """The actor behind a login; raises NotAnActor for an account with no role."""
    if not user.is_authenticated:
        raise NotAnActor("anonymous")
    staff = getattr(user, "staff", None)
    if staff is not None:
        return Actor(
            role=Role(staff.role),
            name=staff.display_name,
            user_id=user.pk,
            staff_id=staff.pk,
            unit_id=staff.unit_id,
            unit_path=staff.unit.path,
        )
    customer = getattr(user, "customer", None)
    if customer is not None:
        return Actor(role=Role.CUSTOMER, name="customer", user_id=user.pk, customer_id=customer.pk)
    raise NotAnActor(f"user {user.pk} has no staff or customer record")


def actor_for_admin(user: AbstractBaseUser | AnonymousUser) -> Actor:
    """Who acts in the admin site: the staff member, or an administrator for a superuser made
    with `kefu createsuperuser`, which has no staff record."""
    try:
        return actor_for_user(user)
    except NotAnActor:
        return Actor(role=Role.ADMIN, name=user.get_username(), user_id=user.pk)
