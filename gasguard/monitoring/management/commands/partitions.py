"""gasguard partitions: create the readings partitions ahead and drop those past the retention period."""
from django.core.management.base import BaseCommand

from gasguard.monitoring import partitions


class Command(BaseCommand):
    help = "创建未来若干天的读数分区，删除超过保存期限的分区（PostgreSQL；SQLite 上删除过期读数）。可重复运行。"

    def add_arguments(self, parser):
        parser.add_argument("--ahead", type=int, default=None, help="提前创建的天数（默认 MONITORING_PARTITIONS_AHEAD_DAYS）")
        parser.add_argument("--retention-days", type=int, default=None, help="读数保存天数（默认 MONITORING_RETENTION_DAYS）")

    def handle(self, *args, ahead=None, retention_days=None, **o):
        done = partitions.maintain(ahead_days=ahead, retention_days=retention_days)
        self.stdout.write(f"created {len(done['created'])}: {' '.join(done['created'])}")
        self.stdout.write(f"dropped {len(done['dropped'])}: {' '.join(done['dropped'])}")
        if done["deleted_rows"]:
            self.stdout.write(f"deleted {done['deleted_rows']} expired readings")
