"""The notification outbox (after healthchecks' Flip): one row per event and target, written by the loops
(monitoring, cylinders, campaign) through services.enqueue in their own transaction, sent by services.send_pending."""
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gasguard.org.choices import Role
from gasguard.org.roles import can_manage_master_data
from gasguard.utilities import clock

from .choices import Channel


class NotificationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The office sees the whole outbox; anyone else the in-app notifications addressed to them, their
        department or (a street/zone officer) their unit."""
        if can_manage_master_data(user):
            return self
        if not user.is_authenticated:
            return self.none()
        mine = Q(channel=Channel.IN_APP, target=f"user:{user.pk}")
        if user.department_id:
            mine |= Q(channel=Channel.IN_APP, target=f"department:{user.department_id}")
        if user.role == Role.JURISDICTION and user.jurisdiction_id:
            unit = user.jurisdiction.territorial_unit()
            if unit is not None:
                mine |= Q(channel=Channel.IN_APP, target=f"jurisdiction:{unit.pk}")
        return self.filter(mine)


class Notification(models.Model):
    """Outbox row: one per event and target. Workers claim it with a conditional UPDATE (healthchecks' Flip)."""

    event = models.CharField(_("事件"), max_length=40)
    # What the notification is about (an alarm, …): generic, so the outbox knows none of the apps that write it.
    subject_type = models.ForeignKey(ContentType, models.CASCADE, null=True, blank=True, related_name="+")
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")
    channel = models.CharField(_("渠道"), max_length=20, choices=Channel.choices)
    target = models.CharField(_("接收方"), max_length=200)
    payload = models.JSONField(_("内容"), default=dict)
    # When the event happened (an alarm's raising); the dwell is measured from here, else from created_at.
    occurred_at = models.DateTimeField(_("事件时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("生成时间"), default=clock.now)
    claimed_at = models.DateTimeField(_("领取时间"), null=True, blank=True)
    claimed_by = models.CharField(max_length=100, blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    error = models.TextField(_("错误"), blank=True)
    failed = models.BooleanField(_("已放弃"), default=False)
    # Event → notification sent, in milliseconds (healthchecks' dwell time).
    dwell_ms = models.PositiveIntegerField(_("事件到送达（毫秒）"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["id"]
        indexes = [models.Index(fields=["id"], condition=Q(claimed_at__isnull=True), name="notification_unclaimed"),
                   models.Index(fields=["subject_type", "subject_id"], name="notification_subject")]
