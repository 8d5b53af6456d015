from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('cylinders', '0007_encrypt_customer_phones_and_scrub_their_copies'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='customer',
            name='phone',
        ),
    ]
