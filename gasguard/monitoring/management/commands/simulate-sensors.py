"""gasguard simulate-sensors: realistic readings for the demo devices, with leaks where and when you say."""
import socket
import time
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from gasguard.monitoring.models import Device
from gasguard.monitoring.mqtt import broker_address, publish_client
from gasguard.monitoring.simulate import Leak, Simulator, send_direct, send_mqtt
from gasguard.utilities import clock


class Command(BaseCommand):
    help = ("模拟演示设备上报读数（噪声、漂移、日变化、掉线），可在指定设备、指定时间注入泄漏。"
            "MQTT 服务器可达时经 MQTT 发布，否则直接写入。")

    def add_arguments(self, parser):
        parser.add_argument("--devices", nargs="*", default=None, help="设备编码（默认全部启用的设备）")
        parser.add_argument("--leak", action="append", default=[],
                            help="注入泄漏：设备编码[:开始秒数]，秒数相对于模拟开始（含回填），可多次使用")
        parser.add_argument("--interval", type=float, default=5.0, help="每轮上报间隔（秒）")
        parser.add_argument("--rounds", type=int, default=0, help="轮数（0 表示一直运行）")
        parser.add_argument("--backfill-minutes", type=int, default=0, help="先回填最近若干分钟的历史读数")
        parser.add_argument("--dropout", type=float, default=0.02, help="每次上报掉线的概率")
        parser.add_argument("--seed", type=int, default=1)
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--mqtt", action="store_true", help="只经 MQTT 发布（服务器不可达则报错）")
        mode.add_argument("--direct", action="store_true", help="直接写入，不经 MQTT")
        parser.add_argument("--prefix", default=None, help="MQTT 主题前缀")

    def handle(self, *args, **o):
        devices = Device.objects.filter(is_active=True).order_by("code")
        if o["devices"]:
            devices = devices.filter(code__in=o["devices"])
        devices = list(devices)
        if not devices:
            raise CommandError("没有可模拟的设备：先运行 gasguard load_demo_devices")
        start = clock.now() - timedelta(minutes=o["backfill_minutes"])
        leaks = []
        for spec in o["leak"]:
            code, _, offset = spec.partition(":")
            leaks.append(Leak(code=code, start=start + timedelta(seconds=float(offset or 0))))
        sim = Simulator(devices, leaks=leaks, dropout=o["dropout"], seed=o["seed"])
        client = None
        if not o["direct"]:
            try:
                socket.create_connection(broker_address(), timeout=2).close()
                client = publish_client()
            except OSError as exc:
                if o["mqtt"]:
                    raise CommandError(f"MQTT 服务器不可达：{exc}")
        how = "MQTT" if client else "直接写入"
        self.stdout.write(f"模拟 {len(devices)} 台设备（{how}），泄漏：{', '.join(o['leak']) or '无'}")

        def deliver(items):
            if client:
                return send_mqtt(client, items, o["prefix"])
            return send_direct(items).stored

        if o["backfill_minutes"]:
            done = deliver(sim.history(start, clock.now(), step_s=30))
            self.stdout.write(f"回填 {o['backfill_minutes']} 分钟：{done}")
        n = 0
        try:
            while not o["rounds"] or n < o["rounds"]:
                if n:
                    time.sleep(o["interval"])
                done = deliver(sim.round(clock.now()))
                n += 1
                self.stdout.write(f"第 {n} 轮：{done}")
                self.stdout.flush()
        except KeyboardInterrupt:
            pass
        finally:
            if client:
                client.disconnect()
                client.loop_stop()
