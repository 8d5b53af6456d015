from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "gasguard.org"
    verbose_name = _("组织与用户")

    def ready(self):
        post_migrate.connect(_load_reference, sender=self)


def _load_reference(sender, **kwargs):
    """Reference data is part of the install: the units and the territory (before campaign and catalog, which
    name units: post_migrate is sent app by app in INSTALLED_APPS order)."""
    from .reference import load_org  # models are importable only once the app registry is ready

    load_org()
