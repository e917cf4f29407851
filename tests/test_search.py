"""Chinese full-text search of work orders, on whichever database the suite runs on (CI runs
both): segmentation, queries of one to six characters and mixed scripts, scope, masking in
snippets, the index kept current by the kernel, and the reindex command."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction

from kefu.errors import InvalidInput
from kefu.search.query import SearchQuery, snippet
from kefu.search.segmenter import index_characters, index_words, query_words
from kefu.workorders import actions
from kefu.workorders.models import WorkOrderText
from kefu.workorders.queries import WorkOrderFilter, list_work_orders
from kefu.workorders.searching import search_work_orders
from tests.conftest import World, intake

TEXTS = {
    "porting": ("携号转网被拒", "我想携号转网到别家，营业厅说有合约期不能办理，已经拒绝了三次。"),
    "broadband": ("宽带报修无人上门", "家里宽带断网两天，报修后一直没人上门维修光猫。"),
    "plan": ("5G套餐扣费有误", "iPhone15 用户，5G套餐每月多扣话费20元，请核实账单。"),
}


def found(world: World, actor: Any, text: str) -> set[str]:
    return {hit.work_order.title for hit in search_work_orders(actor, SearchQuery.parse(text))}


@pytest.fixture
def orders(world: World) -> dict[str, Any]:
    made = {}
    for key, (title, content) in TEXTS.items():
        made[key], _ = actions.create_work_order(
            actor=world.agent, intake=intake(world, title=title, content=content))
    return made


def test_the_telecom_dictionary_keeps_its_words_whole() -> None:
    assert "携号转网" in index_words("我要携号转网").split()
    assert query_words("携号转网") == ["携号转网"]
    assert query_words("宽带报修") == ["宽带", "报修"]
    # Scripts split where they change, the same way at write time and at query time.
    assert query_words("5G套餐") == ["5g", "套餐"]
    assert index_characters("光猫5G，坏了!") == "光 猫 5g 坏 了"


@pytest.mark.parametrize(("query", "expected"), [
    ("携", {"porting"}),                      # one character
    ("转网", {"porting"}),                    # two characters, part of a dictionary word
    ("拒绝", {"porting"}),
    ("携号转网", {"porting"}),                # a dictionary word
    ("宽带报修", {"broadband"}),              # two words, both required
    ("报修光猫", {"broadband"}),              # two words far apart in the text
    ("没人上门", {"broadband"}),
    ("营业厅合约期", {"porting"}),            # six characters
    ("5G套餐", {"plan"}),                     # digits, Latin and Chinese mixed
    ("iphone", {"plan"}),                     # a Latin prefix, any case
    ("IPHONE15", {"plan"}),
    ("20元", {"plan"}),
    ("宽带 携号转网", set()),                 # every word must be there
    ("漫游", set()),
])
def test_chinese_queries_find_what_they_say(world: World, orders: dict[str, Any],
                                            query: str, expected: set[str]) -> None:
    titles = {TEXTS[key][0] for key in expected}
    assert found(world, world.supervisor, query) == titles


def test_words_rank_above_scattered_characters(world: World, orders: dict[str, Any]) -> None:
    actions.create_work_order(actor=world.agent, intake=intake(
        world, title="转接问题", content="客服转了三次，网页也打不开。"))
    hits = search_work_orders(world.supervisor, SearchQuery.parse("转网"))
    # "转网" as a word ranks first; "转…网" scattered is not a phrase and is not found.
    assert [h.work_order.title for h in hits] == ["携号转网被拒"]


def test_search_stays_in_the_actors_scope(world: World, orders: dict[str, Any]) -> None:
    assert found(world, world.sibling_handler, "携号转网") == set()
    assert found(world, world.manager, "携号转网") == {"携号转网被拒"}
    # The list's keyword filter reads the same index through the same scope.
    assert list_work_orders(world.sibling_handler, WorkOrderFilter(keyword="携号转网")) == []
    assert [wo.title for wo in list_work_orders(
        world.supervisor, WorkOrderFilter(keyword="携号转网"))] == ["携号转网被拒"]


def test_snippets_mark_the_match_and_mask_personal_numbers(world: World) -> None:
    actions.create_work_order(actor=world.agent, intake=intake(
        world, title="副卡停机",
        content="<b>客户</b>说副卡 13812345678 被停机，身份证 440106199003071231。"))
    [hit] = search_work_orders(world.supervisor, SearchQuery.parse("停机"))
    assert "<mark>停机</mark>" in hit.snippet
    assert "13812345678" not in hit.snippet and "138****5678" in hit.snippet
    assert "440106199003071231" not in hit.snippet and "440***********1231" in hit.snippet
    assert "<b>" not in hit.snippet and "&lt;b&gt;" in hit.snippet


def test_the_index_follows_every_change_and_ignores_rolled_back_ones(
        world: World, complaint: Any) -> None:
    assert found(world, world.supervisor, "光猫") == set()
    actions.add_note(actor=world.supervisor, work_order_id=complaint.pk,
                     note="已派维修人员更换光猫")
    assert found(world, world.supervisor, "光猫") == {complaint.title}

    with pytest.raises(RuntimeError), transaction.atomic():
        actions.create_work_order(actor=world.agent, intake=intake(
            world, title="漫游费用", content="国际漫游费用过高"))
        raise RuntimeError
    assert found(world, world.supervisor, "漫游") == set()


def test_the_number_is_found_as_typed(world: World, complaint: Any) -> None:
    assert found(world, world.supervisor, complaint.number) == {complaint.title}
    assert found(world, world.supervisor, complaint.number[-8:]) == {complaint.title}


@pytest.mark.parametrize(("text", "problem"), [
    ("", "empty"), ("，。！", "empty"), ("宽" * 10_000, "max 100"),
    (" ".join(f"w{i}" for i in range(13)), "max 12 words"),
])
def test_queries_no_search_should_take_are_refused(text: str, problem: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        SearchQuery.parse(text)
    assert problem in refused.value.fields["q"][0]


def test_snippet_escapes_and_cuts_around_the_first_match() -> None:
    text = "开头" * 50 + "宽带<断网>" + "结尾" * 50
    piece = snippet(text, SearchQuery.parse("断网"))
    assert piece.startswith("…") and piece.endswith("…")
    assert "&lt;<mark>断网</mark>&gt;" in piece


def test_reindex_rebuilds_and_resumes(world: World, orders: dict[str, Any],
                                      tmp_path: Any, settings: Any) -> None:
    settings.DATA_DIR = tmp_path
    WorkOrderText.objects.all().delete()
    assert found(world, world.supervisor, "宽带") == set()
    first = min(wo.pk for wo in orders.values())
    (tmp_path / "reindex-work_orders.checkpoint").write_text(str(first))
    out = io.StringIO()
    call_command("reindex", "work_orders", "--resume", "--batch", "1", stdout=out)
    assert "done, 2 indexed after id" in out.getvalue()
    assert not (tmp_path / "reindex-work_orders.checkpoint").exists()
    assert found(world, world.supervisor, "宽带") == {"宽带报修无人上门"}
    call_command("reindex", stdout=out)
    assert WorkOrderText.objects.count() == 3


def test_a_co_handling_unit_finds_what_it_co_handles(world: World) -> None:
    from kefu.escalation.actions import decide_escalation
    from kefu.orgs.choices import DepartmentKind, Role
    from kefu.orgs.models import Department
    from tests.conftest import make_staff
    from tests.test_co_handling import apply, in_processing

    network = Department.objects.create(unit=world.city, kind=DepartmentKind.NETWORK,
                                        name="网络运维部")
    billing = Department.objects.create(unit=world.district, kind=DepartmentKind.BILLING,
                                        name="计费账务部")
    clerk, _ = make_staff("district-clerk", Role.HANDLER, world.district)
    wo = in_processing(world)
    assert found(world, clerk, "信号差") == set()
    request = apply(world, wo, network.pk, billing.pk)
    decide_escalation(actor=world.manager, request_id=request.pk, is_approved=True)
    # The district sees the city's work order through its sub-task (scoped_work_orders), and
    # so does search, on either database's path.
    assert found(world, clerk, "信号差") == {wo.title}


def test_the_index_knows_who_sees_each_work_order(world: World, complaint: Any) -> None:
    text = WorkOrderText.objects.get(pk=complaint.pk)
    assert str(complaint.unit_id) in text.scope_units
    assert str(world.city.pk) in text.scope_units  # the agent's, who owns it
