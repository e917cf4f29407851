"""`kefu token create USER [--name N] [--expires DAYS]`, `kefu token list USER`,
`kefu token revoke USER ID`: API tokens from the command line, recorded as the system's."""

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from kefu.api.tokens import issue_api_token, list_api_tokens, revoke_api_token
from kefu.errors import KefuError
from kefu.orgs.actors import SYSTEM


class Command(BaseCommand):
    help = "Create, list or revoke a member of staff's API tokens."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("operation", choices=["create", "list", "revoke"])
        parser.add_argument("username")
        parser.add_argument("token_id", nargs="?", type=int, help="for revoke")
        parser.add_argument("--name", default="cli")
        parser.add_argument("--expires", type=int, help="days (default KEFU_API_TOKEN_DAYS)")

    def handle(self, *args: Any, **options: Any) -> None:
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None or not hasattr(user, "staff"):
            raise CommandError(f"no member of staff is called {options['username']!r}")
        try:
            if options["operation"] == "create":
                token, plain = issue_api_token(actor=SYSTEM, user=user, name=options["name"],
                                               days=options["expires"])
                self.stdout.write(f"{plain}\n(shown once; expires "
                                  f"{timezone.localtime(token.expires_at):%Y-%m-%d %H:%M})")
            elif options["operation"] == "revoke":
                if options["token_id"] is None:
                    raise CommandError("revoke needs the token's id (see `kefu token list`)")
                revoke_api_token(actor=SYSTEM, user=user, token_id=options["token_id"])
                self.stdout.write(f"token {options['token_id']} revoked")
            else:
                for t in list_api_tokens(user):
                    state = ("revoked" if t.revoked_at else "expired"
                             if t.expires_at <= timezone.now() else "active")
                    used = (f"{timezone.localtime(t.last_used_at):%Y-%m-%d %H:%M}"
                            if t.last_used_at else "never")
                    self.stdout.write(f"{t.pk}\t{t.prefix}…\t{t.name}\t{state}\t"
                                      f"expires {timezone.localtime(t.expires_at):%Y-%m-%d}\t"
                                      f"last used {used}")
        except KefuError as refused:
            raise CommandError(f"{refused.message_en}: {refused.fields}") from None
