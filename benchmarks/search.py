"""Search benchmark: the reindex rate, search latency for a mix of Chinese queries on work
orders and articles at scale, and what segmentation adds to an intake. Prints figures;
asserts nothing.

Run through ./scripts/bench search (which creates the database and the environment)."""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
django.setup()

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from kefu.knowledge.actions import reindex_articles  # noqa: E402
from kefu.knowledge.choices import ArticleStatus, Audience, VersionStatus  # noqa: E402
from kefu.knowledge.models import Article, ArticleCategory, ArticleVersion  # noqa: E402
from kefu.knowledge.queries import search_articles  # noqa: E402
from kefu.orgs.actors import actor_for_user  # noqa: E402
from kefu.orgs.models import OrgUnit, Staff  # noqa: E402
from kefu.search import index  # noqa: E402
from kefu.search.query import SearchQuery  # noqa: E402
from kefu.search.segmenter import index_characters, index_words  # noqa: E402
from kefu.seeding.bulk import load_bulk  # noqa: E402
from kefu.seeding.demo import COMPLAINTS  # noqa: E402
from kefu.workorders.models import WorkOrder, WorkOrderText  # noqa: E402
from kefu.workorders.searching import reindex_all, search_work_orders  # noqa: E402

QUERIES = ["宽", "网", "宽带", "光猫", "掉线", "话费", "套餐", "携号转网", "宽带报修", "国际漫游",
           "5G套餐", "信号差", "无人上门", "退还流量费", "iphone", "视频无法播放", "装维人员",
           "账单明细", "经常无服务", "千兆宽带"]
TOPICS = ["宽带报修", "携号转网", "套餐变更", "话费账单", "国际漫游", "停复机", "实名制", "光猫",
          "流量", "5G", "信号", "销户", "积分", "合约机", "靓号", "副卡", "骚扰电话", "营业厅"]


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def load_articles(count: int, rng: random.Random) -> None:
    """Published articles written straight into their tables (the actions take about 20 ms
    each with their audit entries; the benchmark measures search, not writing)."""
    have = Article.objects.count()
    if have >= count:
        return
    editor = Staff.objects.get(user__username="editor")
    categories = list(ArticleCategory.objects.all())
    now = timezone.now()
    for start in range(have, count, 1000):
        with transaction.atomic():
            articles = Article.objects.bulk_create(
                [Article(owner_unit_id=editor.unit_id, created_by=editor, created_at=now,
                         status=ArticleStatus.PUBLISHED,
                         audience=Audience.PUBLIC if rng.random() < 0.5 else Audience.INTERNAL)
                 for _ in range(start, min(count, start + 1000))])
            versions = []
            for article in articles:
                topic, other = rng.choice(TOPICS), rng.choice(TOPICS)
                versions.append(ArticleVersion(
                    article=article, number=1, status=VersionStatus.PUBLISHED,
                    title=f"{topic}常见问题第{article.pk}号", category=rng.choice(categories),
                    body=f"<p>关于{topic}：{rng.choice(COMPLAINTS)[2]}</p><p>另见{other}。"
                         f"办理时请携带有效证件，可拨打10000咨询。</p>",
                    tags=[topic], audience=article.audience, valid_from=now, author=editor,
                    created_at=now, published_at=now))
            ArticleVersion.objects.bulk_create(versions)
            for article, version in zip(articles, versions, strict=True):
                article.published = version
            Article.objects.bulk_update(articles, ["published"])


def timed(fn: object, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        tick = time.perf_counter()
        fn()  # type: ignore[operator]
        out.append((time.perf_counter() - tick) * 1000)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--work-orders", type=int, default=1_000_000)
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--keep-index", action="store_true",
                        help="search the index as it is (a second run on the same database)")
    args = parser.parse_args()
    data_dir = Path(os.environ["KEFU_DATA_DIR"])
    rng = random.Random(11)

    have = WorkOrder.objects.count()
    if have < args.work_orders:
        stats = load_bulk(args.work_orders - have, data_dir=data_dir, progress=lambda _: None)
        print(f"bulk load: {stats.work_orders:,} work orders in {stats.seconds:.0f} s")
    load_articles(args.articles, rng)
    if not args.keep_index:
        WorkOrderText.objects.all().delete()
        tick = time.monotonic()
        indexed = sum(count for _, count in reindex_all(batch=2000))
        seconds = time.monotonic() - tick
        print(f"reindex work orders: {indexed:,} rows in {seconds:.0f} s = "
              f"{indexed / seconds:,.0f} rows/s")
        tick = time.monotonic()
        articles = sum(count for _, count in reindex_articles(batch=1000))
        seconds = time.monotonic() - tick
        print(f"reindex articles: {articles:,} rows in {seconds:.1f} s = "
              f"{articles / seconds:,.0f} rows/s")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    readers = {
        "city supervisor": actor_for_user(Staff.objects.get(user__username="supervisor").user),
        "province manager": actor_for_user(Staff.objects.get(user__username="manager").user),
    }
    for who, actor in readers.items():
        for label, search in (("work orders", search_work_orders), ("articles", search_articles)):
            times: list[float] = []
            for _ in range(args.rounds):
                for text in QUERIES:
                    query = SearchQuery.parse(text)
                    tick = time.perf_counter()
                    search(actor, query, limit=20)  # type: ignore[operator]
                    times.append((time.perf_counter() - tick) * 1000)
            print(f"search {label} as {who}: {len(times)} queries, p50 "
                  f"{statistics.median(times):.1f} ms, p95 {pct(times, 0.95):.1f} ms, "
                  f"max {max(times):.1f} ms")
    # The portal reads the public FAQ, without a scope.
    times = []
    for _ in range(args.rounds):
        for text in QUERIES:
            query = SearchQuery.parse(text)
            times += timed(lambda q=query: search_articles(None, q, limit=20), 1)
    print(f"search articles on the portal: p50 {statistics.median(times):.1f} ms, "
          f"p95 {pct(times, 0.95):.1f} ms")

    texts = [f"{title}\n{content}" for _, title, content in COMPLAINTS]
    cut = timed(lambda: [(index_words(t), index_characters(t)) for t in texts], 50)
    per_text = statistics.median(cut) / len(texts)
    sample = WorkOrder.objects.order_by("-id").values_list("id", flat=True)[:200]

    def upsert() -> None:
        with transaction.atomic():
            for pk in sample:
                index.put(WorkOrderText, {pk: texts[pk % len(texts)]})

    per_upsert = statistics.median(timed(upsert, 5)) / len(sample)
    print(f"intake's extra cost for search: segmentation {per_text:.2f} ms + one upsert "
          f"{per_upsert - per_text:.2f} ms = {per_upsert:.2f} ms per intake")
    print(f"units: {OrgUnit.objects.count()}, work orders: {WorkOrder.objects.count():,}, "
          f"articles: {Article.objects.count():,}")


if __name__ == "__main__":
    main()
