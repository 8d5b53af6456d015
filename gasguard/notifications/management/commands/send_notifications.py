"""gasguard send_notifications: claim and send outbox notifications (several workers may run at once)."""
from django.core.management.base import BaseCommand

from gasguard.notifications import services


class Command(BaseCommand):
    help = "领取并发送通知（站内、邮件、Webhook）。多个实例可同时运行，同一条通知只会被发送一次。"

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="持续运行")
        parser.add_argument("--interval", type=float, default=1.0, help="无待发通知时的等待秒数")
        parser.add_argument("--limit", type=int, default=50)
        parser.add_argument("--worker", default=None)

    def handle(self, *args, loop=False, interval=1.0, limit=50, worker=None, **o):
        while True:
            done = services.send_pending(limit, worker=worker)
            if done["claimed"] or not loop:
                self.stdout.write(f"claimed {done['claimed']} sent {done['sent']} failed {done['failed']}")
                self.stdout.flush()
            if not loop:
                return
            if not done["claimed"]:
                services.wait_for_work(interval)  # PostgreSQL: woken by the enqueuing commit
