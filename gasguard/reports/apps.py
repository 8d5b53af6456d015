from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "gasguard.reports"
    verbose_name = _("报表与责任倒查")
