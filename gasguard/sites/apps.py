from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SitesConfig(AppConfig):
    name = "gasguard.sites"
    verbose_name = _("监管对象")
