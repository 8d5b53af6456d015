from django.core.management.base import BaseCommand, CommandError

from gasguard.audit.services import verify


class Command(BaseCommand):
    help = "审计链操作。audit verify：逐条校验哈希链，指出第一条断开的记录。"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args, **options):
        result = verify()
        if result.ok:
            self.stdout.write(self.style.SUCCESS(f"审计链完整：已校验 {result.checked} 条记录。"))
            return
        where = f"第一条断开的记录：#{result.broken_id}" if result.broken_id else "链尾"
        raise CommandError(f"审计链已被破坏。{where}。原因：{result.reason}（此前 {result.checked} 条完好）")
