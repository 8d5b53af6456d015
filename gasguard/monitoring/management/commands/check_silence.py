"""gasguard check_silence: raise an offline alarm for devices not heard from for N reporting intervals."""
from django.core.management.base import BaseCommand

from gasguard.monitoring.evaluation import check_silence


class Command(BaseCommand):
    help = "检查设备是否超过规定的上报周期数无数据，产生离线报警（可重复运行）。"

    def handle(self, *args, **o):
        done = check_silence()
        self.stdout.write(f"checked {done['checked']} raised {done['raised']}")
