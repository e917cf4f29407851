from django.apps import AppConfig


class SeedingConfig(AppConfig):
    name = "kefu.seeding"
    label = "seeding"
    verbose_name = "Demo data"
