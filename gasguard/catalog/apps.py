from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "gasguard.catalog"
    verbose_name = _("检查项目录")

    def ready(self):
        from django.db.models.signals import post_migrate

        post_migrate.connect(_load_reference, sender=self)


def _load_reference(sender, using="default", **kwargs):
    """Reference data is part of the install: the units, the territory, the plan's tasks and the check items."""
    from .loader import load_reference

    load_reference()
