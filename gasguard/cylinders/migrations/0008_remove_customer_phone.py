from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cylinders', '0007_encrypt_customer_phones_and_scrub_their_copies'),
    ]

    operations = [
        # A default first, so that unapplying can add the column back to existing rows (0007 then refills it).
        migrations.AlterField(
            model_name='customer',
            name='phone',
            field=models.CharField(blank=True, default='', max_length=30, verbose_name='联系电话'),
        ),
        migrations.RemoveField(
            model_name='customer',
            name='phone',
        ),
    ]
