from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "gasguard.reports"
    verbose_name = _("报表与责任倒查")

    def ready(self):
        # Models are importable only once the app registry is ready.
        from gasguard.campaign.figures import add_counter

        from . import loop_figures

        add_counter(loop_figures.cylinders)
        add_counter(loop_figures.alarms)
