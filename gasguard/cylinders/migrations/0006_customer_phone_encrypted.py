from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cylinders', '0005_gate_check_log_without_constraints_and_time_ordered_ids'),
    ]

    operations = [
        migrations.AddField(
            model_name='customer',
            name='phone_encrypted',
            field=models.TextField(blank=True, verbose_name='联系电话（密文）'),
        ),
        migrations.AddField(
            model_name='customer',
            name='phone_hash',
            field=models.CharField(blank=True, db_index=True, max_length=64),
        ),
        migrations.AddField(
            model_name='customer',
            name='phone_masked',
            field=models.CharField(blank=True, max_length=30, verbose_name='联系电话'),
        ),
    ]
