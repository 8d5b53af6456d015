from django.core.management.base import BaseCommand

from gasguard.cylinders.signals import queue_reminders


class Command(BaseCommand):
    help = "Queue reminders for cylinders whose inspection or service life ends within 30 days (run daily)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=30)

    def handle(self, *args, days, **options):
        self.stdout.write(f"queued {queue_reminders(days=days)} reminders")
