from django.db import migrations


def forwards(apps, schema_editor):
    from denials.reference import load_reference_data

    load_reference_data(apps)


class Migration(migrations.Migration):
    dependencies = [("denials", "0002_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
