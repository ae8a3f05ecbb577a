"""Remittance files as received, the payments they post, and the code lists they use."""

from django.db import models


class ReasonCode(models.Model):
    """A CARC, RARC or CAS group code with its published description and dates."""

    class Kind(models.TextChoices):
        # Claim Adjustment Reason Code: why money was not paid.
        CARC = "CARC", "CARC"
        # Remittance Advice Remark Code: detail behind a CARC.
        RARC = "RARC", "RARC"
        # CAS group: who owns the adjustment (CO, PR, OA, PI, CR).
        GROUP = "Group", "Group code"

    kind = models.CharField(max_length=5, choices=Kind.choices)
    code = models.CharField(max_length=10)
    description = models.TextField()
    usage = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    start_date = models.DateField(null=True, blank=True)
    last_modified = models.DateField(null=True, blank=True)
    stop_date = models.DateField(null=True, blank=True)
    source = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["kind", "code"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "code"], name="reasoncode_unique_kind_code")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.code}: {self.description[:60]}"

    @property
    def retired(self) -> bool:
        return self.stop_date is not None
