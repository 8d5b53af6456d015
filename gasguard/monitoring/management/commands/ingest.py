"""gasguard ingest: consume device readings from MQTT (shared subscription, QoS 1, ack after commit)."""
from django.conf import settings
from django.core.management.base import BaseCommand

from gasguard.monitoring.mqtt import Ingester, default_client_id, install_signal_handlers


class Command(BaseCommand):
    help = ("从 MQTT 接收设备读数（共享订阅 $share/<组>/<前缀>/+/up，QoS 1），读数入库提交后才确认消息；"
            "可同时运行多个实例分担负载，每个实例须有固定且不同的 --client-id。")

    def add_arguments(self, parser):
        parser.add_argument("--client-id", default=None, help=f"MQTT 客户端标识（默认 {default_client_id()}）")
        parser.add_argument("--prefix", default=None, help=f"主题前缀（默认 {settings.MONITORING_TOPIC_PREFIX}）")
        parser.add_argument("--group", default=None, help=f"共享订阅组（默认 {settings.MONITORING_SHARE_GROUP}）")
        parser.add_argument("--batch-size", type=int, default=None, help="每次提交的最多消息数")
        parser.add_argument("--flush-ms", type=int, default=None, help="凑批的最长等待（毫秒）")
        parser.add_argument("--stats-every", type=float, default=10.0, help="统计输出间隔（秒）")

    def handle(self, *args, **o):
        def out(line):
            self.stdout.write(line)
            self.stdout.flush()

        ingester = Ingester(client_id=o["client_id"], prefix=o["prefix"], group=o["group"],
                            batch_size=o["batch_size"], flush_ms=o["flush_ms"], out=out)
        install_signal_handlers(ingester)
        ingester.run(stats_every=o["stats_every"])
