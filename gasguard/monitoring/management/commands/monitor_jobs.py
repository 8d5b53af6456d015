"""gasguard monitor_jobs: the periodic jobs of monitoring in one process (for `make run` and small installs):
notifications every second, silence and escalation checks every 30 s, partitions every hour. Each job is safe to
run in several processes at once."""
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from gasguard.monitoring import partitions, services
from gasguard.monitoring.evaluation import check_silence
from gasguard.notifications import services as outbox

JOBS = [  # (name, every seconds, function)
    ("notifications", 1.0, lambda: outbox.send_pending(100)),
    ("silence", 30.0, check_silence),
    ("escalation", 30.0, lambda: {"escalated": len(services.escalate_unacknowledged())}),
    ("partitions", 3600.0, partitions.maintain),
]


class Command(BaseCommand):
    help = "运行监测的定时任务：发送通知、离线检查、超时升级、读数分区维护（--once 只运行一遍）。"

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true")

    def handle(self, *args, once=False, **o):
        last = {name: 0.0 for name, _, _ in JOBS}
        while True:
            for name, every, job in JOBS:
                if once or time.monotonic() - last[name] >= every:
                    last[name] = time.monotonic()
                    try:
                        result = job()
                    except Exception as exc:  # one failing job must not stop the others
                        self.stderr.write(f"{name}: {exc!r}")
                        continue
                    if once or (isinstance(result, dict) and any(v for v in result.values() if isinstance(v, int))):
                        self.stdout.write(f"{name}: {result}")
            if once:
                return
            close_old_connections()
            time.sleep(0.5)
