from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from gasguard.audit.services import AnchorFileError, anchor, read_anchors, verify


class Command(BaseCommand):
    help = ("审计链操作。audit verify：逐条校验哈希链（HMAC），指出第一条断开的记录；加 --anchor 同时核对锚定文件"
            "（发现链尾被删除、记录在锚定后被改写）。audit anchor：把链头（时间、记录编号、哈希）追加到锚定文件。")

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify", "anchor"])
        parser.add_argument("--anchor", nargs="?", const="", default=None, metavar="FILE",
                            help=f"verify：核对锚定文件（默认 {settings.AUDIT_ANCHOR_FILE}）")
        parser.add_argument("--file", default=None, help="anchor：写入此文件（默认 AUDIT_ANCHOR_FILE）")

    def handle(self, *args, action, **options):
        if action == "anchor":
            entry = anchor(options["file"])
            if entry is None:
                self.stdout.write("链头未变（或链为空），未追加锚点。")
            else:
                self.stdout.write(self.style.SUCCESS(
                    f"已追加锚点：记录 #{entry['id']}，哈希 {entry['hash']}，共 {entry['length']} 条。"))
            return
        anchors = None
        if options["anchor"] is not None:
            path = options["anchor"] or settings.AUDIT_ANCHOR_FILE
            try:
                anchors = read_anchors(path)
            except AnchorFileError as exc:
                raise CommandError(str(exc))
        result = verify(anchors=anchors)
        if result.ok:
            also = f"，与 {len(anchors)} 个锚点一致" if anchors is not None else ""
            self.stdout.write(self.style.SUCCESS(f"审计链完整：已校验 {result.checked} 条记录{also}。"))
            return
        where = f"第一条断开的记录：#{result.broken_id}" if result.broken_id else "链尾"
        raise CommandError(f"审计链已被破坏。{where}。原因：{result.reason}（此前 {result.checked} 条完好）")
