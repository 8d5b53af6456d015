from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from gasguard.cylinders import services


class Command(BaseCommand):
    help = ("个人信息（购气用户的身份证号码、联系电话）的密钥。pii rotate：用 PII_KEYS 中最新（第一个）密钥重新加密全部已存信息并重算检索哈希，"
            "全部成功或全部不变；完成后即可从 PII_KEYS 中去掉旧密钥。")

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["rotate"])
        parser.add_argument("--batch-size", type=int, default=1000, help="每批读写的行数（默认 1000）")

    def handle(self, *args, action, batch_size, **options):
        if batch_size < 1:
            raise CommandError(_("--batch-size 须为正整数"))
        try:
            rows = services.rotate_pii_keys(batch_size=batch_size)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages))
        self.stdout.write(self.style.SUCCESS(f"已用最新密钥重新加密 {rows} 项个人信息（身份证号码、联系电话）。"))
