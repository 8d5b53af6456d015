"""gasguard escalate_alarms: escalate alarms not acknowledged in time (safe to run twice)."""
from django.core.management.base import BaseCommand

from gasguard.monitoring import services


class Command(BaseCommand):
    help = "将超过 MONITORING_ESCALATE_AFTER_MIN 分钟仍未确认的报警升级至专班办公室（可重复运行，不会重复升级）。"

    def add_arguments(self, parser):
        parser.add_argument("--after-minutes", type=int, default=None)

    def handle(self, *args, after_minutes=None, **o):
        done = services.escalate_unacknowledged(after_minutes=after_minutes)
        self.stdout.write(f"escalated {len(done)}: {' '.join(a.number for a in done)}")
