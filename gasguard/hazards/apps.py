from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HazardsConfig(AppConfig):
    name = "gasguard.hazards"
    verbose_name = _("隐患台账")
