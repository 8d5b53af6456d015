"""Who hears of an alarm and what they are told: the targets and payload of each alarm event, queued in the outbox
(gasguard.notifications) inside the alarm's transaction."""
from django.conf import settings

from gasguard.notifications import services as outbox
from gasguard.notifications.choices import Channel

# ---------------------------------------------------------------------------------------------------- targets

def default_targets(alarm) -> list[tuple[str, str]]:
    """Who hears of a new alarm: the task force office and the street/zone of the place (in-app), the configured
    gateway (webhook) and mailboxes."""
    targets = [(Channel.IN_APP, "office")]
    unit = alarm.jurisdiction.territorial_unit()
    if unit is not None:
        targets.append((Channel.IN_APP, f"jurisdiction:{unit.pk}"))
    if settings.MONITORING_WEBHOOK_URL:
        targets.append((Channel.WEBHOOK, settings.MONITORING_WEBHOOK_URL))
    targets += [(Channel.EMAIL, e) for e in settings.MONITORING_NOTIFY_EMAILS]
    return targets


def escalation_targets() -> list[tuple[str, str]]:
    targets = [(Channel.IN_APP, "office")]
    if settings.MONITORING_WEBHOOK_URL:
        targets.append((Channel.WEBHOOK, settings.MONITORING_WEBHOOK_URL))
    return targets


def dispatch_targets(unit, user) -> list[tuple[str, str]]:
    targets = []
    if unit is not None:
        targets.append((Channel.IN_APP, f"department:{unit.pk}"))
    if user is not None:
        targets.append((Channel.IN_APP, f"user:{user.pk}"))
        if user.email:
            targets.append((Channel.EMAIL, user.email))
    return targets


TITLES = {"alarm.raised": "新报警", "alarm.reraised": "报警再次超限", "alarm.cleared": "报警恢复正常",
          "alarm.escalated": "报警超时未确认（已升级）", "alarm.dispatched": "报警派单"}


def enqueue(alarm, event: str, targets=None):
    """Queue one notification per target for `event` on `alarm` (inside the caller's transaction); the dwell is
    timed from the alarm's raising."""
    title = TITLES.get(event, event)
    payload = {"event": event, "title": f"{title}：{alarm.device.code}", "alarm": alarm.number,
               "device": alarm.device.code, "site": alarm.site.name, "severity": alarm.severity,
               "text": alarm.message, "value": alarm.last_value, "raised_at": alarm.raised_at.isoformat()}
    return outbox.enqueue(event, default_targets(alarm) if targets is None else targets, payload, subject=alarm,
                          occurred_at=alarm.raised_at)
