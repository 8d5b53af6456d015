"""gasguard cylinder_reminders: run daily. Queues the reminders for cylinders whose periodic inspection or service
life ends within --days (owner and last customer; a reminder already queued is not queued again), then sends the
queued ones (each once). Safe to run as often as wanted."""
from django.core.management.base import BaseCommand

from gasguard.cylinders.signals import queue_reminders, send_reminders


class Command(BaseCommand):
    help = "Queue and send reminders for cylinders whose inspection or service life ends within 30 days (daily)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=30)
        parser.add_argument("--queue-only", action="store_true", help="queue, do not send")

    def handle(self, *args, days, queue_only, **options):
        queued = queue_reminders(days=days)
        if queue_only:
            self.stdout.write(f"queued {queued} reminders")
            return
        sent = send_reminders()
        self.stdout.write(f"queued {queued} reminders; sent {sent['in_app']} in-app, {sent['sms']} by SMS gateway")
