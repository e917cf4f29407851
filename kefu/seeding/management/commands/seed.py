import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kefu.orgs.models import OrgUnit
from kefu.seeding.demo import seed_demo


class Command(BaseCommand):
    help = "Load the demo data (organisation, one login per role, customers, work orders)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--demo-work-orders", type=int, default=1000)
        parser.add_argument("--if-empty", action="store_true",
                            help="do nothing when the database already has an organisation")

    def handle(self, *args: Any, **options: Any) -> None:
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
