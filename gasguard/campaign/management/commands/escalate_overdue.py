from django.core.management.base import BaseCommand

from gasguard.campaign.services import escalate_overdue


class Command(BaseCommand):
    help = "为逾期未整改的隐患向牵头单位下发督办单（可重复运行，同一隐患同一期限只下发一次）。"

    def handle(self, *args, **options):
        orders = escalate_overdue()
        self.stdout.write(self.style.SUCCESS(f"已下发督办单 {len(orders)} 份。"))
