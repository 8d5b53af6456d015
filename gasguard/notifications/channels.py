"""How a notification leaves: a sender class per channel in SENDERS (`@sender("webhook")`). A sender raises on
failure; services.send_pending retries and gives up after MONITORING_NOTIFY_MAX_ATTEMPTS."""
import json
import urllib.request

from django.core.mail import send_mail

from gasguard.utilities import pii

from .choices import Channel

SENDERS: dict[str, type] = {}


def sender(channel: str):
    def register(cls):
        SENDERS[channel] = cls
        return cls
    return register


@sender(Channel.IN_APP)
class InAppSender:
    """Delivered by being written: the alarm board and the user's inbox read these rows."""

    def send(self, notification):
        return None


@sender(Channel.EMAIL)
class EmailSender:
    def send(self, notification):
        p = notification.payload
        send_mail(subject=f"[GasGuard] {p.get('title', '通知')}", message=p.get("text", ""),
                  from_email=None, recipient_list=[notification.target])


def unsealed(payload: dict) -> dict:
    """The payload as the gateway needs it: its "sealed" values (personal data, encrypted with utilities.pii so that
    the outbox row holds none in clear) opened in place of their masked forms."""
    if not payload.get("sealed"):
        return payload
    opened = {key: pii.decrypt(token) for key, token in payload["sealed"].items()}
    return {**{k: v for k, v in payload.items() if k != "sealed"}, **opened}


@sender(Channel.WEBHOOK)
class WebhookSender:
    """POST the payload as JSON to the target URL (an SMS or messaging gateway); anything but 2xx is a failure."""

    timeout = 5

    def send(self, notification):
        body = json.dumps(unsealed(notification.payload), ensure_ascii=False).encode("utf-8")
        req = urllib.request.Request(notification.target, data=body, method="POST",
                                     headers={"Content-Type": "application/json; charset=utf-8"})
        with urllib.request.urlopen(req, timeout=self.timeout) as resp:  # noqa: S310 (configured URL)
            if not 200 <= resp.status < 300:
                raise RuntimeError(f"HTTP {resp.status}")
