"""gasguard load_demo: the demo district, its accounts and its campaign history (see gasguard.demo.district)."""
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from gasguard.catalog.models import CheckItem
from gasguard.demo import district as demo
from gasguard.org.models import Jurisdiction, User
from gasguard.sites.models import Site


class Command(BaseCommand):
    help = ("载入演示区（滨海新区）数据：各角色账号、燃气企业、监管对象，以及经由业务服务按时间顺序回放的"
            "检查、隐患整改、督办和回头看记录（审计链真实有效）。")

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true",
                            help="数据库中已有监管对象时什么也不做（供 make run 反复调用）")
        parser.add_argument("--seed", type=int, default=demo.DEFAULT_SEED,
                            help=f"随机种子，相同种子生成相同的数据（默认 {demo.DEFAULT_SEED}）")
        parser.add_argument("--scale", type=float, default=1.0,
                            help="规模系数：监管对象、检查和隐患的数量乘以该系数（默认 1.0，约300个对象）")

    def handle(self, *args, if_empty=False, seed=demo.DEFAULT_SEED, scale=1.0, **options):
        if Site.objects.exists():
            if if_empty:
                self.stdout.write("数据库中已有监管对象数据，跳过演示数据载入。")
                return
            raise CommandError("数据库中已有监管对象数据，不能再载入演示数据。请使用空数据库，"
                               "或加 --if-empty 在已有数据时跳过。")
        if not 0 < scale <= 20:
            raise CommandError("--scale 须为大于 0、不超过 20 的数")
        if not (Jurisdiction.objects.filter(code="120116").exists() and CheckItem.objects.exists()):
            raise CommandError("缺少基础数据（属地、成员单位、检查项），请先运行 gasguard migrate。")
        taken = sorted(User.objects.filter(username__in=demo.usernames()).exclude(username="admin")
                       .values_list("username", flat=True))
        if taken:
            raise CommandError(f"以下账号已存在，与演示账号重名：{'、'.join(taken)}")

        summary = demo.load(seed=seed, scale=scale, log=self.stdout.write)
        call_command("load_outlines", stdout=self.stdout)  # the demo's approximate outlines for the map

        self.stdout.write(self.style.SUCCESS(f"演示数据载入完成，用时 {summary.seconds:.1f} 秒。"))
        self.stdout.write("  " + "，".join(f"{k} {v}" for k, v in summary.counts.items()))
        self.stdout.write("  隐患按状态：" + "，".join(f"{k} {v}" for k, v in summary.by_state.items()))
        self.stdout.write("")
        self.stdout.write(f"演示账号（密码均为 {demo.PASSWORD}）：")
        rows = [("账号", "姓名", "角色", "所属单位")] + summary.logins
        widths = [max(_width(r[i]) for r in rows) for i in range(4)]
        for row in rows:
            self.stdout.write("  " + "  ".join(_pad(cell, w) for cell, w in zip(row, widths, strict=True)))
        self.stdout.write("  另有：属地账号（如 xinbei、dagang）、检查员 inspector03–inspector14、"
                          "企业账号 ent01–ent21，密码相同。")


def _width(text: str) -> int:
    """Display width: CJK characters take two columns."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
