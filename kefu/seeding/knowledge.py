"""Demo knowledge: the FAQ a customer finds on the portal, an internal script for agents, an
article about to expire, a new version waiting for review and a draft, all written by the
demo editor and published by the demo reviewer through the knowledge actions."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from kefu.knowledge.actions import (
    approve_article,
    create_article,
    edit_article,
    submit_article,
)
from kefu.knowledge.content import ArticleContent
from kefu.orgs.actors import Actor

PUBLISHED = [
    ArticleContent(
        title="宽带断网怎么报修", category_code="K0301", audience="public", tags=("宽带", "报修"),
        body="<h2>先自查</h2><ol><li>重启光猫和路由器，等待 3 分钟；</li><li>检查光猫 PON 灯"
             "是否常亮，LOS 灯是否闪红。</li></ol><h2>再报修</h2><p>仍无法上网时，拨打 10000 "
             "或在本页“仍需帮助”提交报修。维修人员 24 小时内与您预约上门时间。</p>"),
    ArticleContent(
        title="携号转网需要什么条件", category_code="K0201", audience="public",
        tags=("携号转网",),
        body="<p>办理携号转网（携出）需同时满足：</p><ul><li>号码已实名登记；</li>"
             "<li>无欠费，合约已到期或已按约定处理；</li><li>非停机、非挂失状态。</li></ul>"
             "<p>可发送短信 CXXZ#姓名#证件号码 到客服短信号码查询资格。符合条件的，营业厅和"
             "客服不得拖延或阻拦办理。</p>"),
    ArticleContent(
        title="话费账单怎么查询", category_code="K04", audience="public", tags=("话费", "账单"),
        body="<p>登录 APP“我的-账单”，或发送短信 CXZD 到 10000，可查询近 6 个月的账单明细。"
             "</p><table><tr><th>项目</th><th>说明</th></tr><tr><td>套餐费</td><td>每月固定"
             "费用</td></tr><tr><td>超出流量</td><td>超出套餐部分按 5 元/GB</td></tr></table>"),
    ArticleContent(
        title="出国前如何开通国际漫游", category_code="K05", audience="public",
        tags=("国际漫游",),
        body="<p>实名用户默认已开通国际漫游。出行前可在 APP 订购目的地流量包，抵达后开启手机"
             "的数据漫游开关。</p>"),
    ArticleContent(
        title="停机保号与复机", category_code="K0202", audience="public", tags=("停复机",),
        body="<p>停机保号每月收取 5 元，最长 12 个月。复机可在 APP 或营业厅办理，立即生效。</p>"),
    ArticleContent(
        title="坐席话术：客户要求销户时", category_code="K0202", audience="internal",
        tags=("销户", "话术"),
        body="<p>核验身份后当场受理销户申请。可介绍保号或资费优惠，但客户明确拒绝后不得再"
             "挽留，不得要求客户到指定营业厅办理。</p>"),
]


def seed_demo_articles(editor: Actor, reviewer: Actor) -> None:
    now = timezone.now()
    made = []
    for content in PUBLISHED:
        article = create_article(actor=editor, content=content)
        submit_article(actor=editor, article_id=article.pk)
        approve_article(actor=reviewer, article_id=article.pk)
        made.append(article)
    # An article whose validity ends within the week, for the editors' desk.
    promo = create_article(actor=editor, content=ArticleContent(
        title="年底流量包限时优惠", category_code="K0102", audience="public", tags=("流量",),
        body="<p>活动期间订购 30 元 20GB 月包，次月起恢复原价。</p>",
        valid_to=now + timedelta(days=5)))
    submit_article(actor=editor, article_id=promo.pk)
    approve_article(actor=reviewer, article_id=promo.pk)
    # A new version of a published article, waiting for review.
    edit_article(actor=editor, article_id=made[0].pk, content=ArticleContent(
        **{**PUBLISHED[0].__dict__,
           "body": PUBLISHED[0].body.replace("24 小时内", "12 小时内")}))
    submit_article(actor=editor, article_id=made[0].pk)
    # A draft the editor is still writing.
    create_article(actor=editor, content=ArticleContent(
        title="光猫指示灯说明（草稿）", category_code="K0301", audience="public",
        body="<p>PON 灯常亮表示光路正常；LOS 灯闪红表示光纤中断。</p>"))
