"""Demo data for a new installation: the org tree, one login per role, customers, and work
orders taken through the real actions, so every timeline is one the lifecycle could produce."""

from __future__ import annotations

import random
import secrets
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from kefu.customers.actions import CustomerDetails, create_customer
from kefu.customers.models import Customer
from kefu.jobs import sweep
from kefu.notify.actions import messages_held_back
from kefu.orgs.actors import SYSTEM, Actor, actor_for_user
from kefu.orgs.choices import DepartmentKind, Role, UnitLevel
from kefu.orgs.models import Department, OrgUnit, Staff
from kefu.seeding.incidents import seed_demo_incidents
from kefu.seeding.knowledge import seed_demo_articles
from kefu.seeding.orgtree import build_org_tree
from kefu.seeding.people import id_number, mobile, person_name, street_address
from kefu.seeding.progress import DemoLoad, finish_demo_load, read_demo_load, write_demo_load
from kefu.surveys.actions import record_return_visit
from kefu.surveys.models import ReturnVisit, VisitStatus
from kefu.workorders import actions
from kefu.workorders.choices import Channel, Severity, WorkOrderKind
from kefu.workorders.models import Category, WorkOrder

User = get_user_model()

SEED = 20261122

DEMO_ROLES = [
    # username, role, where (province index or "hq" or city index), department
    ("agent", Role.AGENT, "city", DepartmentKind.CUSTOMER_SERVICE),
    ("handler", Role.HANDLER, "city", DepartmentKind.CUSTOMER_SERVICE),
    ("supervisor", Role.SUPERVISOR, "city", DepartmentKind.CUSTOMER_SERVICE),
    ("manager", Role.MANAGER, "province", DepartmentKind.CUSTOMER_SERVICE),
    ("qa", Role.QA, "province", DepartmentKind.CUSTOMER_SERVICE),
    ("archivist", Role.ARCHIVIST, "province", DepartmentKind.CUSTOMER_SERVICE),
    ("editor", Role.EDITOR, "hq", DepartmentKind.CUSTOMER_SERVICE),
    ("reviewer", Role.REVIEWER, "hq", DepartmentKind.CUSTOMER_SERVICE),
    ("admin", Role.ADMIN, "hq", DepartmentKind.CUSTOMER_SERVICE),
    ("auditor", Role.AUDITOR, "hq", DepartmentKind.LEGAL),
]

COMPLAINTS = [
    ("T01", "家中手机信号差，经常无服务", "最近一个月在家里（{place}）手机信号只有一格，室内经常显示无服务，影响正常通话。"),
    ("T02", "通话频繁掉线", "近两周通话经常在一两分钟后自动掉线，换了手机也一样，请尽快排查。"),
    ("T03", "5G套餐网速很慢", "办理的5G套餐晚上上网速度不到1M，视频无法播放，与宣传不符。"),
    ("T04", "宽带预约安装一直未上门", "预约了宽带安装，约定时间过了三天仍无人上门，电话也联系不上装维人员。"),
    ("T05", "宽带经常断网", "家里宽带每天晚上断网多次，光猫指示灯闪红，报修后问题依旧。"),
    ("P01", "本月话费异常偏高", "本月账单比平时多出120元，明细中有不明流量费用，要求核实并退还。"),
    ("P02", "被扣取未订购的增值业务费", "话费中每月扣除10元“视频会员”费用，本人从未订购，要求退订并退费。"),
    ("P03", "套餐变更未生效", "上月申请变更为低档套餐，本月仍按原套餐扣费。"),
    ("P04", "营业员承诺的优惠未兑现", "办理合约时营业员承诺赠送每月20G流量，实际未到账。"),
    ("P05", "携号转网受阻", "申请携号转网，被告知有未结清合约无法办理，但合约早已到期。"),
    ("Q01", "营业厅工作人员态度差", "在营业厅办理业务时，工作人员态度冷淡，不耐烦解释资费问题。"),
    ("Q05", "客服热线长时间无法接通", "拨打客服热线等待超过20分钟仍未接通人工。"),
    ("F04", "个人信息疑似泄露", "近期频繁收到推销电话，对方能准确说出我的套餐信息，怀疑信息泄露。"),
    ("F02", "投诉后迟迟没有答复", "上周反映的问题至今没有任何回复，希望尽快处理。"),
]
CONSULTATIONS = [
    ("如何查询本月流量使用情况", "请问怎么查询本月剩余流量？"),
    ("国际漫游如何开通", "下个月出国旅游，想了解国际漫游的开通方式和资费。"),
    ("宽带提速资费咨询", "想把宽带从300M升级到1000M，需要多少钱？"),
]
SERVICE = [
    (WorkOrderKind.SERVICE_REQUEST, "申请变更为低档套餐", "申请将套餐变更为59元档，下月生效。"),
    (WorkOrderKind.SERVICE_REQUEST, "申请办理销户", "本人号码不再使用，申请销户。"),
    (WorkOrderKind.APPOINTMENT, "预约宽带上门安装", "预约周六上午上门安装千兆宽带。"),
    (WorkOrderKind.FAULT, "固话无拨号音", "家中固定电话没有拨号音，无法拨打。"),
]


class SimulatedClock:
    """Demo history happened before this installation: while seeding one work order,
    `timezone.now()` answers the simulated moment of each step (never later than the real
    now), so timelines, clocks and deadlines come out as the rules would have produced them.
    The audit log keeps the real time of writing."""

    def __init__(self, start: datetime) -> None:
        self.moment = start
        self.real_now = timezone.now

    def __enter__(self) -> SimulatedClock:
        timezone.now = lambda: self.moment
        return self

    def __exit__(self, *exc: object) -> None:
        timezone.now = self.real_now

    def advance(self, delta: timedelta) -> None:
        self.moment = min(self.moment + delta, self.real_now())


@dataclass
class Desk:
    """The people of one city: who receives, handles and supervises there."""

    agent: Actor
    handler: Actor
    supervisor: Actor
    archivist: Actor
    handler_staff_id: int


def _staff(username: str, role: Role, unit: OrgUnit, kind: DepartmentKind, name: str,
           number: int, is_admin: bool = False) -> Staff:
    """A member of staff whose login has no password yet (`begin_demo` sets the demo's)."""
    user = User(username=username, is_staff=is_admin, is_superuser=is_admin)
    user.set_unusable_password()
    user.save()
    department = Department.objects.filter(unit=unit, kind=kind).first()
    return Staff.objects.create(user=user, unit=unit, department=department, role=role,
                                display_name=name, employee_no=f"E{number:06d}")


def seed_demo(*, data_dir: Path, work_orders: int = 1000, seed: int = SEED) -> Path:
    """Load the whole demo now; returns the path of the file with the demo logins."""
    path = begin_demo(data_dir=data_dir, work_orders=work_orders, seed=seed)
    load_demo_history(data_dir)
    return path


def begin_demo(*, data_dir: Path, work_orders: int = 1000, seed: int = SEED) -> Path:
    """What people need to sign in: the organisation, one login per role, the customers and
    the logins file (returned). Their history, `work_orders` taken through the lifecycle, is
    left to `load_demo_history`, and noted as under way in the data directory."""
    rng = random.Random(seed)
    passwords = {username: secrets.token_urlsafe(9) for username, *_ in DEMO_ROLES}
    # PBKDF2 lets go of the GIL: the ten demo passwords hash on other threads while the
    # organisation and the customers are written, instead of adding 2-3 s to the first start.
    with ThreadPoolExecutor(max_workers=2) as pool:
        hashed = {username: pool.submit(make_password, password)
                  for username, password in passwords.items()}
        with transaction.atomic():
            portal_customer, customers = _people(rng)
            for username, password in hashed.items():
                User.objects.filter(username=username).update(password=password.result())
    # The knowledge base is there from the first sign-in: a few actions, well under a second.
    with messages_held_back("demo data: not delivered"):
        seed_demo_articles(*(actor_for_user(Staff.objects.get(user__username=name).user)
                             for name in ("editor", "reviewer")))
    data_dir.mkdir(parents=True, exist_ok=True)
    write_demo_load(data_dir, DemoLoad(
        seed=seed, total=work_orders, done=0, first_customer_id=customers[0].pk,
        last_customer_id=customers[-1].pk))
    portal = data_dir / "demo-portal.txt"
    portal.write_text(f"{portal_customer.phone}\n", encoding="utf-8")
    portal.chmod(0o600)
    # A customer has no password: the portal signs them in with their number and a code
    # sent by SMS, which the default gateway writes to sms.log.
    sms_log = data_dir / "sms.log"
    lines = [f"{username} {passwords[username]} {role}" for username, role, *_ in DEMO_ROLES]
    lines.append(f"customer {portal_customer.phone} customer — /portal/ 手机号码 + 短信验证码"
                 f"（见 {sms_log}）· mobile number + the SMS code written to {sms_log}")
    path = data_dir / "demo-logins.txt"
    path.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
    path.chmod(0o600)
    return path


def _people(rng: random.Random) -> tuple[Customer, list[Customer]]:
    """The organisation, its staff and the customers; returns the portal's demo customer,
    who lives in the demo staff's city, and all the customers."""
    units = build_org_tree()
    guangzhou = units.cities[0]
    number = 1
    for username, role, where, kind in DEMO_ROLES:
        unit = {"city": guangzhou, "province": units.provinces[0], "hq": units.hq}[where]
        _staff(username, role, unit, kind, person_name(rng), number, is_admin=role == Role.ADMIN)
        number += 1
    for province in units.provinces[1:]:
        _staff(f"{province.code.lower()}-archivist", Role.ARCHIVIST, province,
               DepartmentKind.CUSTOMER_SERVICE, person_name(rng), number)
        number += 1
    for city in units.cities[1:]:
        for role in (Role.AGENT, Role.HANDLER, Role.SUPERVISOR):
            _staff(f"{city.code.lower()}-{role}", role, city, DepartmentKind.CUSTOMER_SERVICE,
                   person_name(rng), number)
            number += 1
    customers: list[Customer] = []
    phones: set[str] = set()
    for index in range(200):
        district = rng.choice(units.districts)
        province_name, city_name, district_name, region = units.places[district.pk]
        name = person_name(rng)
        phone = mobile(rng)
        while phone in phones:  # one customer per number (SPEC §15)
            phone = mobile(rng)
        phones.add(phone)
        details = CustomerDetails(
            name=name, phone=phone, id_number=id_number(rng, region),
            address=street_address(rng, province_name, city_name, district_name),
            email=f"user{index:03d}@example.com" if rng.random() < 0.3 else "",
        )
        customers.append(create_customer(actor=SYSTEM, details=details, unit=district))
    # The README's journey: the demo agent takes a complaint from the portal's customer, who
    # then follows it on the portal. Guangzhou's desk handles its own districts' customers.
    portal_customer = next(c for c in customers if c.unit.parent_id == guangzhou.pk)
    return portal_customer, customers


def _desks() -> dict[int, Desk]:
    """Each city's desk, from the staff `begin_demo` created."""
    # Descending, so the first of each role in a unit is the one kept.
    staff = {(s.unit_id, str(s.role)): s for s in Staff.objects.select_related("user", "unit")
             .order_by("-id")}
    desks: dict[int, Desk] = {}
    for city in OrgUnit.objects.filter(level=UnitLevel.CITY):
        people = {role: staff[(city.pk, role)] for role in ("agent", "handler", "supervisor")}
        archivist = staff[(city.parent_id or 0, "archivist")]
        desks[city.pk] = Desk(
            agent=actor_for_user(people["agent"].user),
            handler=actor_for_user(people["handler"].user),
            supervisor=actor_for_user(people["supervisor"].user),
            archivist=actor_for_user(archivist.user),
            handler_staff_id=people["handler"].pk,
        )
    return desks


def load_demo_history(data_dir: Path, *, progress: Callable[[str], None] | None = None) -> None:
    """The demo's history, from where its load stands: each work order taken through the
    lifecycle actions at simulated past moments, then the incidents, then the sweep that
    brings every clock to now (warnings, breaches, auto-closures). It happened before this
    installation, so its messages are recorded and never sent. The note in the data directory
    advances after each work order, so an interrupted load resumes with the next one, and is
    removed at the end. Nothing to do when no load is under way."""
    load = read_demo_load(data_dir)
    if load is None:
        finish_demo_load(data_dir)  # none begun, or a file no load could resume from
        return
    customers = list(Customer.objects.filter(
        pk__range=(load.first_customer_id, load.last_customer_id)).select_related("unit")
        .order_by("id"))
    desks = _desks()
    categories = {c.code: c for c in Category.objects.all()}
    started = time.monotonic()
    with messages_held_back("demo data: not delivered"):
        for index in range(load.done, load.total):
            # One generator per work order: the same demo whether the load ran at once or
            # resumed after an interruption.
            rng = random.Random(f"{load.seed}:{index}")
            customer = customers[index % len(customers)] if index < 400 \
                else rng.choice(customers)
            _demo_work_order(rng, customer, desks, categories, index)
            load = replace(load, done=index + 1)
            write_demo_load(data_dir, load)
            if progress is not None and (load.done % 100 == 0 or load.done == load.total):
                progress(f"demo data: {load.done:,}/{load.total:,} work orders "
                         f"({time.monotonic() - started:.0f} s)")
        if not load.has_incidents:
            supervisor = Staff.objects.select_related("user").get(user__username="supervisor")
            seed_demo_incidents(actor_for_user(supervisor.user), OrgUnit.objects.filter(
                parent_id=supervisor.unit_id).order_by("id").values_list("id", flat=True)[0])
            load = replace(load, has_incidents=True)
            write_demo_load(data_dir, load)
        sweep(timezone.now())
    finish_demo_load(data_dir)


def _desk_for(customer: Customer, desks: dict[int, Desk]) -> Desk:
    return desks[customer.unit.parent_id]  # type: ignore[index]


END_STATES = [("received", 6), ("classified", 6), ("investigating", 8), ("processing", 10),
              ("pending_customer", 4), ("replied", 8), ("closed", 30), ("archived", 12),
              ("rejected", 4), ("withdrawn", 4), ("reopened", 5), ("merged", 3)]


def _demo_work_order(rng: random.Random, customer: Customer, desks: dict[int, Desk],
                     categories: dict[str, Category], index: int) -> None:
    desk = _desk_for(customer, desks)
    roll = rng.random()
    received_at = timezone.now() - timedelta(days=rng.uniform(0.05, 120))
    if roll < 0.7:
        code, title, content = rng.choice(COMPLAINTS)
        kind, category = WorkOrderKind.COMPLAINT, categories[code]
        content = content.format(place=customer.address[:12])
    elif roll < 0.85:
        title, content = rng.choice(CONSULTATIONS)
        kind, category = WorkOrderKind.CONSULTATION, categories["Q03"]
    else:
        kind, title, content = rng.choice(SERVICE)
        category = categories["P03"] if kind == WorkOrderKind.SERVICE_REQUEST else categories["T05"]
    channel = rng.choices(list(Channel), weights=[40, 8, 14, 12, 3, 2, 12, 3, 4, 2])[0]
    if kind != WorkOrderKind.COMPLAINT and channel == Channel.REGULATOR:
        channel = Channel.PHONE
    with SimulatedClock(received_at) as clock:
        wo, _ = actions.create_work_order(actor=desk.agent, intake=actions.Intake(
            kind=kind, channel=channel, title=title, content=content, customer_id=customer.pk,
            call_id=f"CALL{received_at:%Y%m%d}{index:06d}" if channel == Channel.PHONE else "",
            received_at=received_at,
        ))
        target = rng.choices([s for s, _ in END_STATES], weights=[w for _, w in END_STATES])[0]
        severity = rng.choices([Severity.NORMAL, Severity.MAJOR, Severity.URGENT], [88, 9, 3])[0]
        _walk(wo, kind, category, severity, target, desk, rng, clock)


def _walk(wo: WorkOrder, kind: str, category: Category, severity: str, target: str,
          desk: Desk, rng: random.Random, clock: SimulatedClock) -> None:
    """Take the work order towards `target` by the transitions a desk would make, each a
    few hours after the one before."""
    i = wo.pk

    def step(action: Callable[..., object], **kwargs: Any) -> None:
        clock.advance(timedelta(hours=rng.uniform(0.2, 30)))
        action(**kwargs)

    if target == "received":
        return
    if target == "rejected":
        step(actions.reject_work_order, actor=desk.agent, work_order_id=i,
             inputs=actions.RejectInput(reject_reason="duplicate", note="与此前已受理的诉求重复。"))
        return
    if target == "withdrawn" and rng.random() < 0.5:
        step(actions.withdraw_work_order, actor=desk.agent, work_order_id=i,
             inputs=actions.WithdrawInput(reason="客户来电表示问题已自行解决，申请撤诉。",
                                          confirmation_call_id=f"REC-{i:08d}"))
        return
    classifier = desk.supervisor if severity != Severity.NORMAL else desk.agent
    step(actions.classify_work_order, actor=classifier, work_order_id=i,
         inputs=actions.ClassifyInput(category_id=category.pk, severity=severity,
                                      handler_id=desk.handler_staff_id))
    if target == "classified":
        return
    if target == "merged":
        other = (WorkOrder.objects.filter(customer_id=wo.customer_id, kind=kind,
                                          status__in=["received", "classified", "investigating"])
                 .exclude(pk=i).first())
        if other is not None:
            step(actions.merge_work_order, actor=desk.agent, work_order_id=i,
                 inputs=actions.MergeInput(target_number=other.number or "",
                                           note="同一客户重复反映同一问题。"))
        return
    if kind == WorkOrderKind.CONSULTATION:
        step(actions.answer_consultation, actor=desk.agent, work_order_id=i,
             inputs=actions.AnswerInput(result="已向客户详细解答，并告知自助查询方式。",
                                        reply_channel="phone"))
    elif kind == WorkOrderKind.COMPLAINT:
        step(actions.start_investigation, actor=desk.handler, work_order_id=i,
             inputs=actions.StartInvestigationInput(investigation_methods=("system_data", "interview")))
        if target == "investigating":
            return
        if target == "pending_customer":
            step(actions.request_customer_info, actor=desk.handler, work_order_id=i,
                 inputs=actions.RequestInfoInput(question="请提供问题发生的具体时间和地点，以及相关截图。"))
            return
        amount = rng.choice([0, 0, 20, 50, 80])
        step(actions.start_processing, actor=desk.handler, work_order_id=i,
             inputs=actions.StartProcessingInput(
                 findings="经系统数据核查与用户访谈，情况属实。",
                 evidence_summary="计费系统记录、基站告警日志截图。", responsible_party="company",
                 plan_type="compensation" if amount else "explanation",
                 plan_description=f"赠送话费{amount}元作为补偿" if amount
                 else "向客户书面说明原因并完成整改",
                 compensation_type="credit" if amount else "",
                 amount=Decimal(amount) if amount else None))
    else:
        step(actions.begin_handling, actor=desk.handler, work_order_id=i,
             inputs=actions.BeginHandlingInput(plan_type="repair" if kind == WorkOrderKind.FAULT else "explanation",
                                               plan_description="按客户申请办理。"))
    if target in ("processing", "investigating", "pending_customer"):
        return
    if kind != WorkOrderKind.CONSULTATION:
        step(actions.reply_to_customer, actor=desk.handler, work_order_id=i,
             inputs=actions.ReplyInput(result="问题已处理完毕。",
                                       process_summary="核实问题后按方案处理，并与客户电话沟通确认。",
                                       measures="已完成整改并加强日常巡检。",
                                       suggestions="如再遇类似问题可随时联系客服。",
                                       cause_analysis="设备老化及配置不当导致。",
                                       reply_channel="sms"))
    if target == "replied":
        return
    if target == "withdrawn":
        step(actions.withdraw_work_order, actor=desk.agent, work_order_id=i,
             inputs=actions.WithdrawInput(reason="客户来电表示不再追究。",
                                          confirmation_call_id=f"REC-{i:08d}"))
        return
    step(actions.close_work_order, actor=desk.agent, work_order_id=i,
         inputs=actions.CloseInput(is_confirmed_by_customer=True,
                                   satisfaction_score=rng.choice([3, 4, 5, 5, 5]),
                                   feedback="客户确认问题已解决。"))
    if target == "reopened":
        step(actions.reopen_work_order, actor=desk.agent, work_order_id=i,
             inputs=actions.ReopenInput(reason="客户反映问题再次出现，不满意处理结果。"))
        return
    if target == "closed":
        _return_visit(i, desk, rng, step)
        return
    if target == "archived":
        step(actions.archive_work_order, actor=desk.archivist, work_order_id=i,
             inputs=actions.ArchiveInput())


def _return_visit(i: int, desk: Desk, rng: random.Random,
                  step: Callable[..., None]) -> None:
    """Most sampled visits are made; a customer whose problem is not resolved leaves a reopen
    proposal on the supervisor's board (an archived record could not take one)."""
    if rng.random() < 0.3 or not ReturnVisit.objects.filter(
            work_order_id=i, status=VisitStatus.PENDING).exists():
        return
    resolved = rng.random() > 0.2
    step(record_return_visit, actor=desk.agent, work_order_id=i, reached=True,
         satisfied=resolved, resolved=resolved,
         comment="" if resolved else "客户表示问题仍未解决，希望再次处理。")
