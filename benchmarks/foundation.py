"""Foundation benchmark: bulk load, intake throughput next to the raw INSERT rate, list and
detail latency at scale, SQL statements per request. Prints figures and ratios; asserts nothing.

Run through ./scripts/bench (which creates the database and the environment)."""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from kefu.api.tokens import issue_api_token  # noqa: E402
from kefu.orgs.actors import SYSTEM  # noqa: E402
from kefu.orgs.models import Staff  # noqa: E402
from kefu.seeding.bulk import load_bulk  # noqa: E402
from kefu.workorders.models import WorkOrder  # noqa: E402

HOST, PORT = "127.0.0.1", int(os.environ.get("KEFU_BENCH_PORT", "8091"))


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def intake_body(rng: random.Random) -> dict[str, Any]:
    return {
        "kind": "complaint", "channel": "phone", "call_id": f"CALL-{uuid.uuid4().hex[:12]}",
        "title": "家中手机信号差", "content": "室内经常无服务，影响正常通话。",
        "customer": {"name": "测试客户", "phone": f"139{rng.randrange(10**8):08d}",
                     "address": "广东省广州市天河区体育西路1号"},
    }


def run_load(concurrency: int, seconds: float, request: Callable[[http.client.HTTPConnection,
                                                                  random.Random], int]
             ) -> tuple[float, list[float], int]:
    """Requests/s, latencies (ms) and error count for `concurrency` keep-alive clients."""
    stop = time.monotonic() + seconds
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()

    def client(seed: int) -> None:
        rng = random.Random(seed)
        conn = http.client.HTTPConnection(HOST, PORT, timeout=30)
        mine: list[float] = []
        bad = 0
        while time.monotonic() < stop:
            t0 = time.perf_counter()
            status = request(conn, rng)
            mine.append((time.perf_counter() - t0) * 1000)
            if status >= 400:
                bad += 1
        conn.close()
        with lock:
            latencies.extend(mine)
            errors[0] += bad

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    return len(latencies) / elapsed, latencies, errors[0]


def raw_insert_rate(concurrency: int, seconds: float) -> float:
    """Single-row INSERTs per second, each its own transaction, straight through psycopg."""
    import psycopg

    settings = connection.settings_dict
    dsn = (f"host={settings['HOST']} port={settings['PORT'] or 5432} "
           f"dbname={settings['NAME']} user={settings['USER']}")
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS bench_raw")
        conn.execute("CREATE TABLE bench_raw (id bigserial primary key, a text, b timestamptz)")
    counts = [0] * concurrency
    stop = time.monotonic() + seconds

    def worker(index: int) -> None:
        with psycopg.connect(dsn, autocommit=True) as conn:
            while time.monotonic() < stop:
                conn.execute("INSERT INTO bench_raw (a, b) VALUES (%s, now())", ["x" * 40])
                counts[index] += 1

    started = time.monotonic()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(counts) / (time.monotonic() - started)


def statements_per_request(token: str, wo_id: int) -> dict[str, int]:
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    counts = {}
    rng = random.Random(time.time_ns())  # a new caller each run, so intake creates a customer
    for name, call in [
        ("intake", lambda: client.post("/api/work-orders", data=json.dumps(intake_body(rng)),
                                       content_type="application/json")),
        ("list", lambda: client.get("/api/work-orders?status=processing&limit=50")),
        ("detail", lambda: client.get(f"/api/work-orders/{wo_id}")),
    ]:
        call()  # warm caches the way a running server has them
        with CaptureQueriesContext(connection) as ctx:
            response = call()
        assert response.status_code < 300, response.content
        counts[name] = len(ctx.captured_queries)
    return counts


def start_server(workers: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "KEFU_PORT": str(PORT), "KEFU_WORKERS": str(workers),
           "KEFU_THREADS": "4", "KEFU_ACCESS_LOG": "/dev/null", "KEFU_BACKGROUND": "0"}
    kefu = str(Path(sys.executable).with_name("kefu"))
    server = subprocess.Popen([kefu, "serve"], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            conn = http.client.HTTPConnection(HOST, PORT, timeout=1)
            conn.request("GET", "/api/openapi.json")
            if conn.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("the server did not start")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--work-orders", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    data_dir = Path(os.environ["KEFU_DATA_DIR"])

    agent = Staff.objects.get(user__username="agent")
    _, token = issue_api_token(actor=SYSTEM, user=agent.user, name="bench")
    small = WorkOrder.objects.count()
    sample = WorkOrder.objects.filter(unit=agent.unit).order_by("-id").first()
    assert sample is not None
    small_counts = statements_per_request(token, sample.pk)
    print(f"statements per request at {small:,} work orders: {small_counts}")

    have = WorkOrder.objects.count()
    if have < args.work_orders:
        started = time.monotonic()
        stats = load_bulk(args.work_orders - have, data_dir=data_dir)
        print(f"bulk load: {stats.work_orders:,} work orders, {stats.events:,} events in "
              f"{time.monotonic() - started:.0f} s")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    total = WorkOrder.objects.count()
    ids = list(WorkOrder.objects.filter(unit=agent.unit).order_by("?").values_list(
        "id", flat=True)[:500])
    big_counts = statements_per_request(token, ids[0])
    print(f"statements per request at {total:,} work orders: {big_counts}")

    results: dict[str, Any] = {"work_orders": total, "statements_small": small_counts,
                               "statements_large": big_counts, "small": small}
    for concurrency in (1, 8):
        results[f"raw_insert_c{concurrency}"] = raw_insert_rate(concurrency, 5)
        print(f"raw single-row INSERT, concurrency {concurrency}: "
              f"{results[f'raw_insert_c{concurrency}']:.0f}/s")

    server = start_server(workers=2)
    auth = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    try:
        def post(conn: http.client.HTTPConnection, rng: random.Random) -> int:
            conn.request("POST", "/api/work-orders", body=json.dumps(intake_body(rng)),
                         headers=auth)
            response = conn.getresponse()
            response.read()
            return response.status

        for concurrency in (1, 8):
            rate, lat, errors = run_load(concurrency, args.seconds, post)
            results[f"intake_c{concurrency}"] = rate
            print(f"intake POST, concurrency {concurrency}: {rate:.0f}/s, p50 "
                  f"{pct(lat, .5):.1f} ms, p95 {pct(lat, .95):.1f} ms, errors {errors}")
            raw = results[f"raw_insert_c{concurrency}"]
            print(f"  ratio intake / raw INSERT at concurrency {concurrency}: {rate / raw:.2f}")

        filters = ["status=processing", "kind=complaint&severity=major", "channel=phone",
                   "is_open=true", f"unit_id={agent.unit_id}", "status=closed&kind=consultation"]

        def list_page(conn: http.client.HTTPConnection, rng: random.Random) -> int:
            conn.request("GET", f"/api/work-orders?{rng.choice(filters)}&limit=50",
                         headers=auth)
            response = conn.getresponse()
            response.read()
            return response.status

        def detail(conn: http.client.HTTPConnection, rng: random.Random) -> int:
            conn.request("GET", f"/api/work-orders/{rng.choice(ids)}", headers=auth)
            response = conn.getresponse()
            response.read()
            return response.status

        for name, request in (("list", list_page), ("detail", detail)):
            rate, lat, errors = run_load(1, args.seconds / 2, request)
            results[f"{name}_p50"], results[f"{name}_p95"] = pct(lat, .5), pct(lat, .95)
            print(f"{name} at {total:,} work orders (sequential): p50 {pct(lat, .5):.1f} ms, "
                  f"p95 {pct(lat, .95):.1f} ms, median of {len(lat)} requests, errors {errors}")
    finally:
        server.terminate()
        server.wait(timeout=20)
    print("RESULTS " + json.dumps(results, default=float))


if __name__ == "__main__":
    main()
