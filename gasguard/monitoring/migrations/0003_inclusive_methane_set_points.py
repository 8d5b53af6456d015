"""The methane set points are inclusive ("≥ 25 % LEL": a reading of exactly 25 raises the first level). Adds the
≥ / ≤ operators and moves the default methane rules that still compare with > to ≥; a rule whose operator the
office has changed to something else is left alone."""
from django.db import migrations, models

# The codes of rules.DEFAULT_RULES' methane rules, spelt out: a migration must not change with the code it ships with.
METHANE_DEFAULT_CODES = ("ch4_level1", "ch4_level2", "ch4_rate", "ch4_repeat")


def to_inclusive(apps, schema_editor):
    AlarmRule = apps.get_model("monitoring", "AlarmRule")
    AlarmRule.objects.using(schema_editor.connection.alias).filter(
        code__in=METHANE_DEFAULT_CODES, op="gt").update(op="ge")


def to_strict(apps, schema_editor):
    AlarmRule = apps.get_model("monitoring", "AlarmRule")
    AlarmRule.objects.using(schema_editor.connection.alias).filter(
        code__in=METHANE_DEFAULT_CODES, op="ge").update(op="gt")


class Migration(migrations.Migration):

    dependencies = [
        ("monitoring", "0002_repeat_rule_rollups"),
    ]

    operations = [
        migrations.AlterField(
            model_name="alarmrule",
            name="op",
            field=models.CharField(choices=[("gt", ">"), ("ge", "≥"), ("lt", "<"), ("le", "≤"),
                                            ("outside", "超出区间")], default="gt", max_length=10,
                                   verbose_name="比较"),
        ),
        migrations.RunPython(to_inclusive, to_strict),
    ]
