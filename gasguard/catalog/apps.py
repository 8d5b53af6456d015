from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "gasguard.catalog"
    verbose_name = _("检查项目录")

    def ready(self):
        post_migrate.connect(_load_reference, sender=self)


def _load_reference(sender, **kwargs):
    """Reference data is part of the install: the check items (after org's units and campaign's tasks)."""
    from .loader import load_catalog  # models are importable only once the app registry is ready

    load_catalog()
