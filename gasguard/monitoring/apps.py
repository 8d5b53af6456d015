from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "gasguard.monitoring"
    verbose_name = _("城市生命线监测")

    def ready(self):
        from django.db.models.signals import post_migrate

        post_migrate.connect(_load_default_rules, sender=self)


def _load_default_rules(sender, using="default", **kwargs):
    """The default alarm rules are part of the install (re-added after a test flush too); edits are kept."""
    from .rules import ensure_default_rules

    ensure_default_rules(using=using)
