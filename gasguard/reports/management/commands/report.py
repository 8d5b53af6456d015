"""gasguard report district --month YYYY-MM --out DIR: the district report as Word, PDF and Excel files."""
import time

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from gasguard.reports import services
from gasguard.reports.charts import FontMissing
from gasguard.reports.figures import MonthError
from gasguard.reports.pdf import PdfFailed


class Command(BaseCommand):
    help = "生成区级月报（Word、PDF、Excel）"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="which", required=True)
        district = sub.add_parser("district", help="滨海新区燃气安全专项整治工作月报")
        district.add_argument("--month", required=True, help="月份，YYYY-MM")
        district.add_argument("--out", required=True, help="输出目录")
        district.add_argument("--template", default=None,
                              help="Word 模板（.docx）；默认用已启用的上传模板，没有则用内置模板")

    def handle(self, *args, which, month, out, template=None, **options):
        started = time.monotonic()
        try:
            report = services.build(month, template=template or services.active_template(),
                                    progress=lambda step, pct: self.stderr.write(f"{pct:3d}% {step}"))
        except (MonthError, FontMissing, PdfFailed) as exc:
            raise CommandError(str(exc))
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages))
        paths = services.write(report, out)
        for path in paths.values():
            self.stdout.write(str(path))
        self.stderr.write(f"用时 {time.monotonic() - started:.1f} 秒（PDF：{report.pdf_engine}）")
