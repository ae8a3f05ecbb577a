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
            models.UniqueConstraint(
                fields=["kind", "code"], name="reasoncode_unique_kind_code"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.code}: {self.description[:60]}"

    @property
    def retired(self) -> bool:
        return self.stop_date is not None


class Payer(models.Model):
    """A payer as the 835 names it (N1*PR); aliases point to their canonical payer."""

    class PayerClass(models.TextChoices):
        # Medicare fee-for-service (Part A/B, DME MACs): redetermination in 120 days.
        MEDICARE = "medicare", "Medicare fee-for-service"
        # Medicare Advantage plan, non-contracted provider: 60 days.
        MEDICARE_ADVANTAGE = "medicare_advantage", "Medicare Advantage"
        # State Medicaid or Medicaid managed care: usually 90 days.
        MEDICAID = "medicaid", "Medicaid"
        # Commercial plans (Aetna, Cigna, many BCBS): usually 180 days.
        COMMERCIAL = "commercial", "Commercial"
        # UnitedHealthcare: 12 months for reconsideration and appeal together.
        UNITEDHEALTHCARE = "unitedhealthcare", "UnitedHealthcare"
        # Not yet classified by an admin: 60 days, flagged unverified.
        UNKNOWN = "unknown", "Unknown"

    identifier = models.CharField(
        max_length=80, unique=True, help_text="Payer id from N1*PR / REF*2U / TRN03."
    )
    name = models.CharField(max_length=200)
    payer_class = models.CharField(
        max_length=20, choices=PayerClass.choices, default=PayerClass.UNKNOWN
    )
    canonical = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="aliases",
        help_text="Set to merge this payer into another (an alias of it).",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.identifier})"

    @property
    def effective(self) -> "Payer":
        return self.canonical or self


class RemitFile(models.Model):
    """One file as received. Its bytes are stored before anything is parsed."""

    class Status(models.TextChoices):
        # Stored; not yet posted (queued for the worker, or posting now).
        RECEIVED = "received", "Received"
        # Every transaction posted without remarks.
        POSTED = "posted", "Posted"
        # Posted, with irregularities to look at (counts, balancing, version).
        POSTED_WITH_WARNINGS = "posted_with_warnings", "Posted with warnings"
        # Some transactions posted, others were rejected or held.
        PARTIAL = "partial", "Partly posted"
        # Nothing posted: not an 835, or every transaction was rejected.
        REJECTED = "rejected", "Rejected"
        # Waiting for an admin: unknown payee, or a trace number with other content.
        HELD = "held", "Held for review"

    class Source(models.TextChoices):
        UPLOAD = "upload", "Browser upload"
        API = "api", "API"
        COMMAND = "command", "Command line"
        DROP = "drop", "Drop folder"

    sha256 = models.CharField(max_length=64, unique=True)
    original_name = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField()
    stored_path = models.CharField(max_length=300)
    source = models.CharField(max_length=10, choices=Source.choices)
    status = models.CharField(
        max_length=25, choices=Status.choices, default=Status.RECEIVED, db_index=True
    )
    uploaded_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Where payments whose payee matches no practice go (upload's, or --practice).
    practice_hint = models.ForeignKey(
        "core.Practice",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    received_at = models.DateTimeField(auto_now_add=True)
    posted_at = models.DateTimeField(null=True, blank=True)
    issues = models.JSONField(default=list, blank=True)
    transactions = models.PositiveIntegerField(default=0)
    claims = models.PositiveIntegerField(default=0)
    denials = models.PositiveIntegerField(default=0)
    paid_total = models.DecimalField(max_digits=14, decimal_places=2, default=0)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.sha256[:12]})"


class Remittance(models.Model):
    """One transaction set (ST..SE) of an 835: one payment by check or EFT."""

    class Status(models.TextChoices):
        # Being written right now (never seen outside its database transaction).
        POSTING = "posting", "Posting"
        POSTED = "posted", "Posted"
        POSTED_WITH_WARNINGS = "posted_with_warnings", "Posted with warnings"
        # Damaged so its content is ambiguous; nothing of it posted.
        REJECTED = "rejected", "Rejected"
        # Payee matches no practice: an admin assigns it, then it posts.
        HELD_PAYEE = "held_payee", "Held: unknown payee"
        # Same payer and trace number as a posted remittance, different content.
        HELD_CONFLICT = "held_conflict", "Held: trace number conflict"
        # Same payer, trace number and content as one already posted.
        DUPLICATE = "duplicate", "Duplicate (not posted again)"

    remit_file = models.ForeignKey(
        RemitFile, on_delete=models.CASCADE, related_name="remittances"
    )
    sequence = models.PositiveIntegerField(
        help_text="Position of the transaction in its file."
    )
    practice = models.ForeignKey(
        "core.Practice",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    payer = models.ForeignKey(Payer, null=True, blank=True, on_delete=models.PROTECT)
    status = models.CharField(max_length=20, choices=Status.choices, db_index=True)
    content_hash = models.CharField(max_length=64)
    trace_number = models.CharField(max_length=80, blank=True)
    interchange_sender = models.CharField(max_length=20, blank=True)
    interchange_control_number = models.CharField(max_length=20, blank=True)
    transaction_control_number = models.CharField(max_length=20, blank=True)
    version = models.CharField(max_length=20, blank=True)
    payment_amount = models.DecimalField(max_digits=14, decimal_places=2, null=True)
    credit_debit = models.CharField(max_length=2, blank=True)
    payment_method = models.CharField(max_length=3, blank=True)
    payment_date = models.DateField(null=True, blank=True)
    production_date = models.DateField(null=True, blank=True)
    payer_name = models.CharField(max_length=200, blank=True)
    payer_identifier = models.CharField(max_length=80, blank=True)
    payee_name = models.CharField(max_length=200, blank=True)
    payee_npi = models.CharField(max_length=20, blank=True)
    payee_tin = models.CharField(max_length=20, blank=True)
    claim_count = models.PositiveIntegerField(default=0)
    paid_total = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    issues = models.JSONField(default=list, blank=True)
    posted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["remit_file", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["remit_file", "sequence"], name="remittance_unique_in_file"
            ),
            # A payer's trace number posts once; conflicts are held, never merged.
            models.UniqueConstraint(
                fields=["payer_identifier", "trace_number"],
                condition=models.Q(status__in=["posted", "posted_with_warnings"])
                & ~models.Q(trace_number=""),
                name="remittance_unique_posted_trace",
            ),
        ]
        indexes = [
            # "Same interchange control number, other content": held for review.
            models.Index(
                fields=["interchange_sender", "interchange_control_number"],
                name="remittance_interchange",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.payer_name} {self.trace_number}"

    @property
    def remit_date(self):
        return self.payment_date or self.production_date


class ClaimPayment(models.Model):
    """One claim's adjudication (CLP loop) as a remittance reports it."""

    practice = models.ForeignKey(
        "core.Practice", on_delete=models.PROTECT, related_name="+"
    )
    remittance = models.ForeignKey(
        Remittance, on_delete=models.CASCADE, related_name="claims"
    )
    payer = models.ForeignKey(
        Payer, null=True, on_delete=models.PROTECT, related_name="+"
    )
    position = models.PositiveIntegerField()
    account_number = models.CharField(max_length=50)
    status_code = models.CharField(max_length=3)
    charge = models.DecimalField(max_digits=12, decimal_places=2)
    paid = models.DecimalField(max_digits=12, decimal_places=2)
    patient_responsibility = models.DecimalField(
        max_digits=12, decimal_places=2, null=True
    )
    filing_indicator = models.CharField(max_length=3, blank=True)
    payer_claim_number = models.CharField(max_length=50, blank=True)
    facility_code = models.CharField(max_length=5, blank=True)
    frequency = models.CharField(max_length=2, blank=True)
    patient_last = models.CharField(max_length=80, blank=True)
    patient_first = models.CharField(max_length=80, blank=True)
    patient_id = models.CharField(max_length=80, blank=True)
    insured_id = models.CharField(max_length=80, blank=True)
    rendering_npi = models.CharField(max_length=20, blank=True)
    rendering_name = models.CharField(max_length=150, blank=True)
    statement_from = models.DateField(null=True, blank=True)
    statement_to = models.DateField(null=True, blank=True)
    received_date = models.DateField(null=True, blank=True)
    remarks = models.JSONField(default=list, blank=True)
    # A reversal (CLP02 = 22) points at the payment it takes back.
    reverses = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reversed_by",
    )

    class Meta:
        ordering = ["remittance", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["remittance", "position"],
                name="claimpayment_unique_in_remittance",
            )
        ]
        indexes = [
            # Reversal matching and "a later 835 pays a denied claim": payer + ICN.
            models.Index(
                fields=["payer", "payer_claim_number"], name="claim_payer_icn"
            ),
            models.Index(
                fields=["practice", "account_number"], name="claim_practice_account"
            ),
            # Reversals still waiting for the payment they take back (usually none).
            models.Index(
                fields=["payer", "payer_claim_number"],
                condition=models.Q(status_code="22", reverses__isnull=True),
                name="claim_unlinked_reversal",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account_number} ({self.status_code})"

    @property
    def patient_name(self) -> str:
        return ", ".join(p for p in (self.patient_last, self.patient_first) if p)

    @property
    def is_reversal(self) -> bool:
        return self.status_code == "22"


class ServiceLine(models.Model):
    """One service line (SVC loop) of a claim payment."""

    claim = models.ForeignKey(
        ClaimPayment, on_delete=models.CASCADE, related_name="lines"
    )
    line_number = models.PositiveSmallIntegerField()
    procedure_qualifier = models.CharField(max_length=3, blank=True)
    procedure_code = models.CharField(max_length=48, blank=True)
    modifiers = models.CharField(max_length=20, blank=True)
    charge = models.DecimalField(max_digits=12, decimal_places=2)
    paid = models.DecimalField(max_digits=12, decimal_places=2)
    revenue_code = models.CharField(max_length=10, blank=True)
    units = models.DecimalField(max_digits=10, decimal_places=3, null=True)
    service_date = models.DateField(null=True, blank=True)
    service_date_end = models.DateField(null=True, blank=True)
    control_number = models.CharField(max_length=50, blank=True)
    allowed = models.DecimalField(max_digits=12, decimal_places=2, null=True)
    remarks = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["claim", "line_number"]

    def __str__(self) -> str:
        return f"line {self.line_number} {self.procedure_code}"


class Adjustment(models.Model):
    """One CAS triplet, on the claim (line is null) or on a service line."""

    claim = models.ForeignKey(
        ClaimPayment, on_delete=models.CASCADE, related_name="adjustments"
    )
    line = models.ForeignKey(
        ServiceLine,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="adjustments",
    )
    group = models.CharField(max_length=2)
    reason = models.CharField(max_length=5)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    quantity = models.DecimalField(max_digits=10, decimal_places=3, null=True)

    class Meta:
        ordering = ["claim", "line", "id"]

    def __str__(self) -> str:
        return f"{self.group}-{self.reason} {self.amount}"


class ProviderAdjustment(models.Model):
    """A provider-level adjustment (PLB) not tied to one claim."""

    remittance = models.ForeignKey(
        Remittance, on_delete=models.CASCADE, related_name="provider_adjustments"
    )
    provider_id = models.CharField(max_length=50, blank=True)
    fiscal_period_date = models.DateField(null=True, blank=True)
    reason = models.CharField(max_length=5)
    reference = models.CharField(max_length=80, blank=True)
    amount = models.DecimalField(max_digits=12, decimal_places=2)

    def __str__(self) -> str:
        return f"{self.reason} {self.amount}"
