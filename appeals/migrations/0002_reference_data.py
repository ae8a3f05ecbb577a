from django.db import migrations


def forwards(apps, schema_editor):
    from appeals.reference import load_reference_data

    load_reference_data(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("appeals", "0001_initial"),
        ("denials", "0003_reference_data"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
