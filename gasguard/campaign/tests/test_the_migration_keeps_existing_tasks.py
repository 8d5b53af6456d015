"""An installation from before campaigns were data keeps its tasks: the migration creates the default campaign with
its phases and puts every existing task in it."""
import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("campaign", "0002_initial")]


@pytest.mark.django_db(transaction=True)
def test_existing_tasks_join_the_default_campaign():
    executor = MigrationExecutor(connection)
    leaf = executor.loader.graph.leaf_nodes("campaign")
    executor.migrate(BEFORE)
    try:
        old = executor.loader.project_state(BEFORE).apps
        Task = old.get_model("campaign", "Task")
        Task.objects.create(code="九(一)1", section="九", group="g", title="一项旧任务", text="x", order=99)
        before = sorted(Task.objects.values_list("code", flat=True))
        assert len(before) == 45  # the plan's 44 and the one above

        executor = MigrationExecutor(connection)
        executor.migrate(leaf)
        new = executor.loader.project_state(leaf).apps
        Campaign, NewTask = new.get_model("campaign", "Campaign"), new.get_model("campaign", "Task")
        campaign = Campaign.objects.get(is_default=True)
        assert sorted(NewTask.objects.filter(campaign=campaign).values_list("code", flat=True)) == before
        NewTask.objects.filter(code="九(一)1").delete()
        assert list(campaign.phases.order_by("order").values_list("name", flat=True)) == ["集中攻坚", "巩固提升",
                                                                                          "长效机制"]
    finally:
        MigrationExecutor(connection).migrate(leaf)
