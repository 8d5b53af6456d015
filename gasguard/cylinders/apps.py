from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CylindersConfig(AppConfig):
    name = "gasguard.cylinders"
    verbose_name = _("一瓶一码")
