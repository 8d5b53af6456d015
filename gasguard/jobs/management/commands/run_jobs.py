"""gasguard run_jobs: run the scheduled jobs once, now (cron-style installs, catching up after a stop)."""
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from gasguard.jobs.schedule import JOBS


class Command(BaseCommand):
    help = "立即运行一遍定时任务（月报提醒与逾期标记、逾期隐患督办、回头看抽样）；可重复运行，不会重复提醒或下发。"

    def add_arguments(self, parser):
        parser.add_argument("--only", choices=sorted(JOBS), action="append", help="只运行指定任务（可多次）")
        parser.add_argument("--date", help="按此日期运行（YYYY-MM-DD），默认今天")

    def handle(self, *args, only=None, date=None, **o):
        try:
            on = _parse(date) if date else None
        except ValueError:
            raise CommandError(f"日期格式错误：“{date}”，应为 YYYY-MM-DD")
        for name in only or JOBS:
            result = JOBS[name][0](on)
            self.stdout.write(f"{name}: {result}")


def _parse(s) -> date:
    return date.fromisoformat(s)
