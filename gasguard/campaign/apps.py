from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignConfig(AppConfig):
    name = "gasguard.campaign"
    verbose_name = _("专项整治任务")
