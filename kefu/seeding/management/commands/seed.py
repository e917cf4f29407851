import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kefu.orgs.models import OrgUnit
from kefu.seeding.bulk import load_bulk
from kefu.seeding.demo import seed_demo


class Command(BaseCommand):
    help = "Load the demo data (organisation, one login per role, customers, work orders)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--demo-work-orders", type=int, default=1000)
        parser.add_argument("--if-empty", action="store_true",
                            help="do nothing when the database already has an organisation")
        parser.add_argument("--work-orders", type=int, default=0,
                            help="bulk-load this many more work orders with timelines "
                                 "(benchmarks); the demo organisation is created if missing")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["work_orders"]:
            if options["work_orders"] < 0:
                raise CommandError("--work-orders must be positive")
            stats = load_bulk(options["work_orders"], data_dir=Path(settings.DATA_DIR),
                              progress=self.stdout.write)
            self.stdout.write(f"loaded {stats.work_orders:,} work orders and {stats.events:,} "
                              f"timeline events in {stats.seconds:.1f} s")
            return
        if OrgUnit.objects.exists():
            if options["if_empty"]:
                return
            raise CommandError("the database already has data; demo data loads only into an "
                               "empty one")
        self.stdout.write("first start: loading demo data…")
        started = time.monotonic()
        path = seed_demo(data_dir=Path(settings.DATA_DIR),
                         work_orders=options["demo_work_orders"])
        self.stdout.write(f"demo data loaded in {time.monotonic() - started:.1f} s; "
                          f"logins in {path}")
