"""gasguard restore DIR: a backup into the configured (new, empty) database and MEDIA_ROOT, then checked."""
from django.core.management.base import BaseCommand, CommandError

from gasguard.audit.backup import BackupError, restore


class Command(BaseCommand):
    help = ("把 gasguard backup 的备份恢复到当前配置的数据库（须为新建的空数据库）和 MEDIA_ROOT，"
            "然后逐表核对行数并校验审计链（须使用备份时的 AUDIT_HMAC_KEY）。")

    def add_arguments(self, parser):
        parser.add_argument("source", help="备份目录")

    def handle(self, *args, source, **o):
        try:
            result = restore(source)
        except BackupError as exc:
            raise CommandError(str(exc))
        self.stdout.write(self.style.SUCCESS(
            f"已恢复：{result.tables} 张表、{result.rows} 行，行数与备份一致；审计链完整（{result.audit_checked} 条）；"
            f"上传文件 {result.media_files} 个。"))
