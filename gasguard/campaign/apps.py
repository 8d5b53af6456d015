from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CampaignConfig(AppConfig):
    name = "gasguard.campaign"
    verbose_name = _("专项整治任务")

    def ready(self):
        post_migrate.connect(_load_tasks, sender=self)


def _load_tasks(sender, **kwargs):
    """The plan's tasks are part of the install (after org's units, before catalog's items that serve them)."""
    from .loader import load_tasks  # models are importable only once the app registry is ready

    load_tasks()
