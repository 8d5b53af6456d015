import time

from django.core.management.base import BaseCommand

from gasguard.hazards import tally


class Command(BaseCommand):
    help = "由隐患台账重新计算驾驶舱汇总表（批量导入数据后运行，或用于修复汇总表）。"

    def handle(self, *args, **options):
        started = time.perf_counter()
        rows = tally.rebuild()
        self.stdout.write(self.style.SUCCESS(
            f"驾驶舱汇总表已重建：{rows} 行，用时 {time.perf_counter() - started:.1f} 秒。"))
