"""gasguard load_demo_devices: monitoring devices for the demo district's sites (skipped when devices exist)."""
from django.core.management.base import BaseCommand

from gasguard.monitoring.simulate import load_demo_devices


class Command(BaseCommand):
    help = "为演示区的管道、调压站、餐饮场所等登记监测设备（已有设备时什么也不做，可供 make run 反复调用）。"

    def add_arguments(self, parser):
        parser.add_argument("--per-kind", type=int, default=6, help="每类监测对象登记设备的对象数")

    def handle(self, *args, per_kind=6, **o):
        made = load_demo_devices(per_kind=per_kind)
        if not made:
            self.stdout.write("已有监测设备（或没有演示监测对象），跳过。")
            return
        self.stdout.write(self.style.SUCCESS(f"登记演示监测设备 {len(made)} 台。"))
