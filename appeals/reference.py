"""Starter checklists and letter templates; admins edit them in the admin."""

# category slug → what a winning appeal usually encloses
CHECKLISTS: dict[str, list[str]] = {
    "authorization": [
        "Authorization or referral number, with the date it was issued",
        "Copy of the payer's authorization approval (letter, fax or portal screen)",
        "Clinical notes showing the service matched what was authorized",
    ],
    "medical-necessity": [
        "Clinical notes for the date of service (history, exam, plan)",
        "Payer's coverage policy or LCD/NCD reference the service meets",
        "Letter of medical necessity signed by the treating provider",
        "Relevant test results or prior treatment history",
    ],
    "timely-filing": [
        "Proof of timely filing: clearinghouse acceptance report (999/277CA) with date",
        "Original claim submission record or certified mail receipt",
        "Correspondence showing a delay caused by the payer or another payer",
    ],
    "eligibility": [
        "Eligibility verification printout from the date of service",
        "Copy of the patient's insurance card (front and back)",
        "Corrected member id or subscriber details",
    ],
    "coding": [
        "Corrected coding (CPT/HCPCS, modifiers, ICD-10) with a short rationale",
        "Operative or procedure note supporting the codes billed",
        "NCCI or payer policy reference for the modifier used",
    ],
    "missing-information": [
        "The missing information the remark code names (see RARC)",
        "Itemized bill or medical records requested by the payer",
    ],
    "coordination-of-benefits": [
        "Primary payer's EOB or remit for the same claim",
        "Patient's coordination-of-benefits questionnaire",
    ],
    "duplicate": [
        "Original claim and its remit, showing why this claim is not a duplicate",
        "Documentation of distinct services (modifiers 76/77/59, times, sites)",
    ],
    "enrollment": [
        "Provider enrollment or credentialing approval with effective date",
        "Rendering provider NPI and taxonomy on file with the payer",
    ],
    "benefit-limits": [
        "Benefit summary showing the remaining visits or limit",
        "Medical necessity documentation for services above the limit",
    ],
    "uncategorized": [
        "Copy of the remit (EOB) showing the denial",
        "Clinical notes for the date of service",
    ],
}

GENERIC_APPEAL = """{{ today }}

{{ payer_name }}
Appeals Department

Re: {{ level_name }} request
Patient: {{ patient_name }}
Patient account: {{ account_number }}
Payer claim number: {{ payer_claim_number }}
Date of service: {{ service_date }}
Billed: {{ billed_amount }}; denied: {{ denied_amount }}

To whom it may concern,

{{ practice_name }} (TIN {{ practice_tin }}, NPI {{ practice_npi }}) requests a
{{ level_name }} of the denial on the remittance dated {{ remit_date }}.

The claim was denied with these codes:
{{ codes }}

Services denied:
{{ lines }}

We believe the services were billed correctly and are covered. The enclosed
documentation supports payment of {{ denied_amount }}. Please reprocess the claim.

This request is sent before the filing deadline of {{ deadline }}.

Sincerely,

{{ biller_name }}
{{ practice_name }}
"""

AUTHORIZATION = """{{ today }}

{{ payer_name }}
Appeals Department

Re: {{ level_name }}: authorization denial
Patient: {{ patient_name }}; account {{ account_number }}
Payer claim number: {{ payer_claim_number }}; date of service {{ service_date }}

To whom it may concern,

The claim above was denied for missing or invalid authorization:
{{ codes }}

Authorization was obtained before the service was provided. The enclosed
authorization record and clinical notes show that the services below were the
services authorized:
{{ lines }}

We ask you to reprocess the claim and pay {{ denied_amount }}.

Sincerely,

{{ biller_name }}
{{ practice_name }} (NPI {{ practice_npi }})
"""

MEDICAL_NECESSITY = """{{ today }}

{{ payer_name }}
Appeals Department

Re: {{ level_name }}: medical necessity
Patient: {{ patient_name }}; account {{ account_number }}
Payer claim number: {{ payer_claim_number }}; date of service {{ service_date }}

To whom it may concern,

The services below were denied as not medically necessary:
{{ codes }}

{{ lines }}

The enclosed clinical notes document the patient's condition and why the
services were needed, and the enclosed policy reference shows they meet your
coverage criteria. We request payment of {{ denied_amount }}.

Sincerely,

{{ biller_name }}
{{ practice_name }} (NPI {{ practice_npi }})
"""

TIMELY_FILING = """{{ today }}

{{ payer_name }}
Appeals Department

Re: {{ level_name }}: timely filing
Patient: {{ patient_name }}; account {{ account_number }}
Payer claim number: {{ payer_claim_number }}; date of service {{ service_date }}

To whom it may concern,

The claim was denied as filed late:
{{ codes }}

The enclosed clearinghouse acceptance report shows the claim was submitted within
the filing limit. Please reprocess the claim and pay {{ denied_amount }}.

Sincerely,

{{ biller_name }}
{{ practice_name }}
"""

REOPENING = """{{ today }}

{{ payer_name }}

Re: Request for reopening (clerical error)
Patient: {{ patient_name }}; account {{ account_number }}
Payer claim number: {{ payer_claim_number }}; date of service {{ service_date }}

To whom it may concern,

We ask you to reopen the claim above to correct a clerical error. It was denied with:
{{ codes }}

Services:
{{ lines }}

Please reprocess the claim for {{ denied_amount }}.

Sincerely,

{{ biller_name }}
{{ practice_name }}
"""

SECOND_LEVEL = """{{ today }}

{{ payer_name }}
Appeals Department

Re: {{ level_name }}: request for further review
Patient: {{ patient_name }}; account {{ account_number }}
Payer claim number: {{ payer_claim_number }}; date of service {{ service_date }}

To whom it may concern,

Our earlier appeal of this claim was upheld. We disagree with that decision and
request a {{ level_name }}, before the deadline of {{ deadline }}.

Denial codes:
{{ codes }}

Services:
{{ lines }}

The enclosed documentation supports payment of {{ denied_amount }}.

Sincerely,

{{ biller_name }}
{{ practice_name }}
"""

# (name, category slug or None, action, level index or None, body)
TEMPLATES = [
    ("Generic appeal", None, "appeal", None, GENERIC_APPEAL),
    ("Generic reconsideration", None, "reconsideration", None, GENERIC_APPEAL),
    ("Appeal at a further level", None, "appeal", 1, SECOND_LEVEL),
    ("Authorization appeal", "authorization", "appeal", 0, AUTHORIZATION),
    ("Medical necessity appeal", "medical-necessity", "appeal", 0, MEDICAL_NECESSITY),
    ("Timely filing appeal", "timely-filing", "appeal", 0, TIMELY_FILING),
    ("Reopening request", None, "reopening", None, REOPENING),
]


def load_reference_data(apps) -> None:
    """Create the starter checklists and templates if missing."""
    Category = apps.get_model("denials", "Category")
    EvidenceChecklist = apps.get_model("appeals", "EvidenceChecklist")
    LetterTemplate = apps.get_model("appeals", "LetterTemplate")
    categories = {c.slug: c for c in Category.objects.all()}
    for slug, items in CHECKLISTS.items():
        if slug in categories:
            EvidenceChecklist.objects.get_or_create(
                category=categories[slug], defaults={"items": items}
            )
    for name, slug, action, level, body in TEMPLATES:
        if slug is not None and slug not in categories:
            continue
        LetterTemplate.objects.get_or_create(
            name=name,
            defaults={
                "category": categories.get(slug) if slug else None,
                "action": action,
                "level_index": level,
                "body": body,
            },
        )
