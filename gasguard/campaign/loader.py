"""The plan's tasks (gasguard/campaign/data/tasks.py), loaded after every migrate. Safe to run again: each task is
matched on its code and brought up to date."""
from django.db import transaction

from gasguard.org.reference import department_index, resolve_units

from .data.tasks import TASKS
from .models import Task, default_campaign_id


@transaction.atomic
def load_tasks():
    index = department_index()
    for order, row in enumerate(TASKS, start=1):
        task, _ = Task.objects.update_or_create(
            campaign_id=default_campaign_id(), code=row["code"],
            defaults={"section": row["section"], "group": row["group"], "title": row["title"], "text": row["text"],
                      "zones": row["zones"], "streets": row["streets"], "others": row["others"], "order": order})
        task.lead_units.set(resolve_units(row["lead"], index))
        task.co_units.set(resolve_units(row["co"], index))
