"""Starter reference data: categories, the code map, adjustment rules, appeal defaults.

Sites edit all of it in the admin; this is what a new installation starts from.
"""

from .classification import DEFAULT_RULES

# slug: (name, department, CARCs)
CATEGORIES = {
    "eligibility": (
        "Eligibility / registration",
        "Registration & eligibility verification",
        ["26", "27", "31", "32", "33", "109", "140", "177", "200"],
    ),
    "coordination-of-benefits": (
        "Coordination of benefits",
        "Registration / billing",
        ["22", "19", "20", "21", "276"],
    ),
    "authorization": (
        "Authorization / referral",
        "Scheduling / pre-certification",
        ["197", "198", "39", "284", "288", "243", "15", "62"],
    ),
    "coding": (
        "Coding (validity, edits, bundling)",
        "Providers & coding",
        [
            "4",
            "5",
            "6",
            "7",
            "11",
            "146",
            "181",
            "182",
            "189",
            "199",
            "97",
            "234",
            "236",
            "231",
            "B15",
        ],
    ),
    "medical-necessity": (
        "Medical necessity / non-covered",
        "Providers / utilization review",
        ["50", "55", "56", "150", "151", "167", "58", "96", "204"],
    ),
    "missing-information": (
        "Missing information / documentation",
        "Billing / health information",
        ["16", "226", "250", "251", "252", "163"],
    ),
    "timely-filing": ("Timely filing", "Billing", ["29", "286"]),
    "duplicate": ("Duplicate claim", "Billing", ["18"]),
    "enrollment": (
        "Provider enrollment / credentialing",
        "Credentialing",
        ["B7", "170", "183", "184", "185", "206", "207", "208"],
    ),
    "benefit-limits": (
        "Benefit limits",
        "Patient financial services",
        ["35", "119", "149"],
    ),
    "uncategorized": ("Uncategorized", "", []),
}

# (carc, group, rarc) -> category: refinements by RARC.
RARC_MAPPINGS = [
    ("16", "", "N290", "enrollment"),  # missing/invalid rendering provider id
]

# payer class: (levels, clock start, source note)
APPEAL_DEFAULTS = {
    "medicare": (
        [
            {"name": "Redetermination", "days": 120},
            {"name": "Reconsideration (QIC)", "days": 180},
            {"name": "ALJ hearing", "days": 60},
        ],
        "remit_plus_5",
        "CMS: redetermination within 120 days of receipt of the initial determination, "
        "presumed 5 days after the remit date; reconsideration 180 days; ALJ 60 days "
        "(amount in controversy at least $190 in 2025).",
    ),
    "medicare_advantage": (
        [{"name": "Reconsideration", "days": 60}],
        "remit_date",
        "Medicare Advantage, non-contracted provider: 60 days from the remit.",
    ),
    "medicaid": (
        [{"name": "Level 1 appeal", "days": 90}],
        "remit_date",
        "Medicaid: commonly 90 days; states vary from 30 to 180. "
        "Check the state manual.",
    ),
    "commercial": (
        [
            {"name": "Level 1 appeal", "days": 180},
            {"name": "Level 2 appeal", "days": 60},
        ],
        "remit_date",
        "Commercial plans (Aetna, Cigna, many BCBS): 180 days; Aetna 60 days after a "
        "reconsideration.",
    ),
    "unitedhealthcare": (
        [{"name": "Reconsideration and appeal", "days": 365}],
        "original_eob",
        "UnitedHealthcare: 12 months from the original EOB for reconsideration and "
        "appeal together.",
    ),
    "unknown": (
        [{"name": "Appeal", "days": 60}],
        "remit_date",
        "Unknown payer: a cautious 60 days until an admin sets the payer's class "
        "or rule.",
    ),
}


def load_reference_data(apps) -> None:
    """Create the starter rows if missing (usable from a migration or a command)."""
    Department = apps.get_model("denials", "Department")
    Category = apps.get_model("denials", "Category")
    CodeMapping = apps.get_model("denials", "CodeMapping")
    AdjustmentRule = apps.get_model("denials", "AdjustmentRule")
    AppealRule = apps.get_model("denials", "AppealRule")
    QueueSettings = apps.get_model("denials", "QueueSettings")

    for slug, (name, department, carcs) in CATEGORIES.items():
        dept = (
            Department.objects.get_or_create(name=department)[0] if department else None
        )
        category, _ = Category.objects.get_or_create(
            slug=slug, defaults={"name": name, "department": dept}
        )
        for carc in carcs:
            CodeMapping.objects.get_or_create(
                carc=carc, group="", rarc="", defaults={"category": category}
            )
    for carc, group, rarc, slug in RARC_MAPPINGS:
        CodeMapping.objects.get_or_create(
            carc=carc,
            group=group,
            rarc=rarc,
            defaults={"category": Category.objects.get(slug=slug)},
        )
    for (group, carc), kind in DEFAULT_RULES.items():
        AdjustmentRule.objects.get_or_create(
            group=group, carc=carc, defaults={"kind": kind}
        )
    for payer_class, (levels, clock, note) in APPEAL_DEFAULTS.items():
        AppealRule.objects.get_or_create(
            payer=None,
            payer_class=payer_class,
            defaults={
                "levels": levels,
                "clock_start": clock,
                "source_note": note,
                "verified": False,
            },
        )
    if not QueueSettings.objects.exists():
        QueueSettings.objects.create()
