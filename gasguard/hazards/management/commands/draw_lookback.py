import re

from django.core.management.base import BaseCommand, CommandError

from gasguard.hazards.services import draw_lookback_sample
from gasguard.utilities import clock


class Command(BaseCommand):
    help = "抽取某月“回头看”样本：从此前已销号的隐患中按比例随机抽取（同一月份重复运行结果不变）。"

    def add_arguments(self, parser):
        parser.add_argument("--month", help="抽查月份，格式 YYYY-MM，默认本月")

    def handle(self, *args, month=None, **options):
        month = month or clock.today().strftime("%Y-%m")
        if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", month):
            raise CommandError(f"月份格式错误：“{month}”，应为 YYYY-MM，例如 2024-01")
        rows = draw_lookback_sample(month)
        self.stdout.write(self.style.SUCCESS(f"{month} 回头看样本：{len(rows)} 条。"))
