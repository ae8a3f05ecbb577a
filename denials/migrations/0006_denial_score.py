"""Move the volatile score out of the wide denial row into a narrow DenialScore row.

The new table is filled from the denials set-based (one INSERT ... SELECT), before its
indexes are built.
"""

import django.db.models.deletion
from django.db import migrations, models

OPEN = "('new', 'in_progress', 'appealed', 'corrected_sent', 'pending_payer')"

FILL = f"""
INSERT INTO denials_denialscore (
  denial_id, practice_id, priority, priority_parts, priority_explanation,
  write_off_review, scored_at, open, unclaimed)
SELECT id, practice_id, priority, priority_parts, priority_explanation,
  write_off_review, scored_at, status IN {OPEN},
  status = 'new' AND assignee_id IS NULL
FROM denials_denial
"""

# Back to the columns (they exist again by then: reversed RemoveField comes first).
UNFILL = """
UPDATE denials_denial SET priority = s.priority, priority_parts = s.priority_parts,
  priority_explanation = s.priority_explanation,
  write_off_review = s.write_off_review, scored_at = s.scored_at
FROM denials_denialscore AS s WHERE s.denial_id = denials_denial.id
"""


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_audit_append_only_trigger"),
        ("denials", "0005_lean_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="DenialScore",
            fields=[
                (
                    "denial",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="score",
                        serialize=False,
                        to="denials.denial",
                    ),
                ),
                (
                    "practice",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="core.practice",
                    ),
                ),
                (
                    "priority",
                    models.DecimalField(decimal_places=4, default=0, max_digits=14),
                ),
                ("priority_parts", models.JSONField(blank=True, default=dict)),
                ("priority_explanation", models.CharField(blank=True, max_length=300)),
                (
                    "write_off_review",
                    models.BooleanField(
                        default=False,
                        help_text=(
                            "Deadline passed or expected recovery below rework cost."
                        ),
                    ),
                ),
                ("scored_at", models.DateTimeField(blank=True, null=True)),
                ("open", models.BooleanField(default=True)),
                ("unclaimed", models.BooleanField(default=True)),
            ],
        ),
        migrations.RunSQL(FILL, reverse_sql=UNFILL),
        migrations.AddIndex(
            model_name="denialscore",
            index=models.Index(
                condition=models.Q(("open", True)),
                fields=["practice", "-priority", "-denial"],
                name="score_open_priority",
            ),
        ),
        migrations.AddIndex(
            model_name="denialscore",
            index=models.Index(
                condition=models.Q(("unclaimed", True)),
                fields=["-priority", "-denial"],
                name="score_next_unclaimed",
            ),
        ),
        migrations.AlterModelOptions(
            name="denial",
            options={"ordering": ["-score__priority", "id"]},
        ),
        migrations.RemoveIndex(model_name="denial", name="denial_open_priority"),
        migrations.RemoveIndex(model_name="denial", name="denial_next_unassigned"),
        migrations.RemoveField(model_name="denial", name="priority"),
        migrations.RemoveField(model_name="denial", name="priority_explanation"),
        migrations.RemoveField(model_name="denial", name="priority_parts"),
        migrations.RemoveField(model_name="denial", name="scored_at"),
        migrations.RemoveField(model_name="denial", name="write_off_review"),
    ]
