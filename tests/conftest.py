"""Shared personas: an agent, a handler and a supervisor of one city (Guangzhou), a handler
of its sibling (Shenzhen), a manager and an archivist of the province, and a customer."""

from __future__ import annotations

import importlib
import itertools
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test import Client

from kefu.customers.actions import CustomerDetails, create_customer
from kefu.customers.models import Customer
from kefu.orgs.actions import create_org_unit
from kefu.orgs.actors import SYSTEM, Actor, actor_for_user
from kefu.orgs.choices import Role, UnitLevel
from kefu.orgs.models import OrgUnit, Staff
from kefu.workorders import actions
from kefu.workorders.models import Category

_numbers = itertools.count(1)

PHONE = "13812345678"
ID_NUMBER = "440106199003071231"


def requires_postgres() -> pytest.MarkDecorator:
    return pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    # PBKDF2 at full strength costs ~0.3 s per login made; tests make hundreds.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _default_language() -> Any:
    # A request in English leaves English active in this thread; each test starts in Chinese.
    from django.utils import translation

    with translation.override("zh-hans"):
        yield


@dataclass
class World:
    hq: OrgUnit
    province: OrgUnit
    city: OrgUnit
    district: OrgUnit
    sibling: OrgUnit
    agent: Actor
    handler: Actor
    supervisor: Actor
    manager: Actor
    archivist: Actor
    sibling_handler: Actor
    auditor: Actor
    qa: Actor
    editor: Actor
    reviewer: Actor
    admin: Actor
    customer: Customer
    customer_actor: Actor
    category: Category
    users: dict[str, Any]

    def client_for(self, name: str) -> Client:
        client = Client()
        client.force_login(self.users[name])
        return client


def make_staff(username: str, role: Role, unit: OrgUnit) -> tuple[Actor, Any]:
    user = get_user_model().objects.create_user(username=username, password="Kefu-test-2026")
    Staff.objects.create(user=user, unit=unit, role=role, display_name=username,
                         employee_no=f"T{next(_numbers):06d}")
    user.refresh_from_db()
    return actor_for_user(user), user


def ensure_reference_data() -> None:
    """The taxonomy and approval rules a migration loads. Transactional tests empty the tables
    after each test, so the next one loads them again (the loader is idempotent)."""
    from django.apps import apps

    for name in ("kefu.workorders.migrations.0002_seed_taxonomy",
                 "kefu.sla.migrations.0003_default_policies",
                 "kefu.sla.migrations.0007_incident_notice_clock",
                 "kefu.surveys.migrations.0002_default_policy",
                 "kefu.knowledge.migrations.0002_seed_categories"):
        importlib.import_module(name).seed(apps, None)


@pytest.fixture
def world(db: None) -> World:
    with transaction.atomic():
        ensure_reference_data()
        return _build_world()


def _build_world() -> World:
    hq = create_org_unit(name="总部", code="HQ", level=UnitLevel.HQ)
    province = create_org_unit(name="广东省公司", code="GD", level=UnitLevel.PROVINCE, parent=hq)
    city = create_org_unit(name="广州市分公司", code="GD-GZ", level=UnitLevel.CITY,
                           parent=province)
    district = create_org_unit(name="天河区营业部", code="GD-GZ-01", level=UnitLevel.DISTRICT,
                               parent=city)
    sibling = create_org_unit(name="深圳市分公司", code="GD-SZ", level=UnitLevel.CITY,
                              parent=province)
    users: dict[str, Any] = {}
    personas: dict[str, Actor] = {}
    for name, role, unit in [
        ("agent", Role.AGENT, city), ("handler", Role.HANDLER, city),
        ("supervisor", Role.SUPERVISOR, city), ("manager", Role.MANAGER, province),
        ("archivist", Role.ARCHIVIST, province), ("sibling_handler", Role.HANDLER, sibling),
        ("auditor", Role.AUDITOR, hq), ("qa", Role.QA, province),
        ("editor", Role.EDITOR, hq), ("reviewer", Role.REVIEWER, hq),
        ("admin", Role.ADMIN, hq),
    ]:
        personas[name], users[name] = make_staff(name, role, unit)
    customer = create_customer(actor=SYSTEM, unit=district, details=CustomerDetails(
        name="张伟", phone=PHONE, id_number=ID_NUMBER,
        address="广东省广州市天河区体育西路100号", email="zhangwei@example.com"))
    customer_user = get_user_model().objects.create_user(username="customer", password="x")
    Customer.objects.filter(pk=customer.pk).update(user=customer_user)
    customer_user.refresh_from_db()
    users["customer"] = customer_user
    category = Category.objects.get(code="T01")
    return World(hq=hq, province=province, city=city, district=district, sibling=sibling,
                 customer=customer, customer_actor=actor_for_user(customer_user),
                 category=category, users=users, **personas)


def intake(world: World, **overrides: Any) -> actions.Intake:
    values: dict[str, Any] = {
        "kind": "complaint", "channel": "phone", "call_id": "CALL-0001",
        "title": "家中手机信号差", "content": "室内经常无服务，影响通话。",
        "customer_id": world.customer.pk,
    }
    values.update(overrides)
    return actions.Intake(**values)


@pytest.fixture
def complaint(world: World) -> Any:
    wo, _ = actions.create_work_order(actor=world.agent, intake=intake(world))
    return wo
