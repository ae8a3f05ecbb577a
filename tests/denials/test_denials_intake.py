"""Posting behaviour: idempotency, holds, reversals, repeat denials and recoveries."""

import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command

from denials.intake import era_ingest, remittance_release
from denials.models import Denial
from remits.models import ClaimPayment, RemitFile, Remittance
from tests.denials.era_text import claim, era

AUTH_DENIAL = claim(
    "ACC1",
    "4",
    "410.00",
    "0",
    icn="ICN1",
    lines=[("99213", "410.00", "0", [("CO", "197", "410.00")])],
)
PAID = claim(
    "ACC2",
    "1",
    "200.00",
    "150.00",
    icn="ICN2",
    lines=[
        ("99214", "200.00", "150.00", [("CO", "45", "30.00"), ("PR", "2", "20.00")])
    ],
)


def ingest(text, name="era.835", **kwargs):
    return era_ingest(
        stream=io.BytesIO(text.encode()), name=name, source="upload", **kwargs
    )


@pytest.mark.django_db
def test_a_denied_claim_becomes_one_work_item_with_a_readable_reason(
    practice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = ingest(era([AUTH_DENIAL, PAID]))
    assert (report.status, report.claims, report.denials) == ("posted", 2, 1)
    denial = Denial.objects.get()
    assert denial.practice == practice
    assert denial.account_number == "ACC1"
    assert denial.patient_name == "Doe, Jane"
    assert denial.denied_amount == Decimal("410.00")
    assert denial.codes == ["CO-197"]
    assert (
        denial.reason == "claim denied (CLP02 = 4); CO-197 on line 1 (99213): $410.00"
    )
    assert denial.category.slug == "authorization"
    assert denial.is_initial
    assert denial.priority > 0 and "410.00 denied" in denial.priority_explanation


@pytest.mark.django_db
def test_second_upload_of_same_file_posts_nothing(practice):
    text = era([AUTH_DENIAL, PAID])
    first = ingest(text)
    second = ingest(text, name="again.835")
    assert first.status == "posted"
    assert second.status == "duplicate"
    assert "nothing posted again" in second.warnings[0]
    assert (
        RemitFile.objects.count(),
        ClaimPayment.objects.count(),
        Denial.objects.count(),
    ) == (1, 2, 1)


@pytest.mark.django_db
def test_resent_file_with_new_envelope_numbers_posts_once(practice):
    ingest(era([AUTH_DENIAL], control="000000001"))
    report = ingest(era([AUTH_DENIAL], control="000000777"))
    assert report.status == "duplicate" or report.denials == 0
    assert Remittance.objects.filter(status="duplicate").count() == 1
    assert Denial.objects.count() == 1


@pytest.mark.django_db
def test_same_trace_with_other_content_is_held_not_merged(practice):
    ingest(era([AUTH_DENIAL], trace="T9"))
    report = ingest(era([PAID], trace="T9"))
    assert report.status == "held"
    held = Remittance.objects.get(status="held_conflict")
    assert ClaimPayment.objects.filter(remittance=held).count() == 0
    # An admin decides it is a real, separate payment.
    released = remittance_release(remittance=held, accept_conflict=True)
    assert released.claims == 1
    held.refresh_from_db()
    assert held.status == "posted"
    assert ClaimPayment.objects.count() == 2


@pytest.mark.django_db
def test_unknown_payee_is_held_until_an_admin_assigns_the_practice(
    practice, other_practice
):
    report = ingest(era([AUTH_DENIAL], npi="1000000004"))
    assert report.status == "held"
    remittance = Remittance.objects.get()
    assert remittance.status == "held_payee" and remittance.practice is None
    assert not Denial.objects.exists()
    remittance_release(remittance=remittance, practice=other_practice)
    remittance.refresh_from_db()
    assert remittance.status == "posted" and remittance.practice == other_practice
    assert Denial.objects.get().practice == other_practice
    assert RemitFile.objects.get().status == "posted"


@pytest.mark.django_db
def test_upload_practice_takes_a_file_whose_payee_matches_none(
    practice, other_practice
):
    ingest(era([AUTH_DENIAL], npi="1000000004"), practice_hint=other_practice)
    assert Denial.objects.get().practice == other_practice


@pytest.mark.django_db
def test_a_damaged_transaction_is_rejected_whole_and_nothing_of_it_is_written(practice):
    bad = era([AUTH_DENIAL]).replace("CLP*ACC1*4*410.00", "CLP*ACC1*4*4X0.00")
    report = ingest(bad)
    assert report.status == "rejected"
    assert "CLP03" in report.errors[0] and "era.835" in report.errors[0]
    assert not ClaimPayment.objects.exists() and not Denial.objects.exists()
    assert RemitFile.objects.get().status == "rejected"


@pytest.mark.django_db
def test_a_file_that_is_not_an_835_is_rejected_with_one_message_and_kept(practice):
    report = ingest("Dear billing office, please find attached...", name="letter.txt")
    assert report.status == "rejected"
    assert len(report.errors) == 1 and "not an X12 835" in report.errors[0]
    assert RemitFile.objects.get().original_name == "letter.txt"


@pytest.mark.django_db
def test_reversal_links_to_the_payment_it_takes_back_in_either_order(practice):
    original = claim(
        "ACC5",
        "1",
        "100.00",
        "80.00",
        icn="ICN5",
        lines=[("99213", "100.00", "80.00", [("CO", "45", "20.00")])],
    )
    reversal = claim(
        "ACC5",
        "22",
        "-100.00",
        "-80.00",
        icn="ICN5",
        lines=[("99213", "-100.00", "-80.00", [("CO", "45", "-20.00")])],
    )
    # Reversal first, original later.
    ingest(era([reversal], trace="R1"))
    ingest(era([original], trace="R2"))
    rev = ClaimPayment.objects.get(status_code="22")
    assert rev.reverses == ClaimPayment.objects.get(status_code="1")
    # Original and reversal in one file.
    ingest(
        era(
            [
                claim(
                    "ACC6",
                    "1",
                    "50.00",
                    "50.00",
                    icn="ICN6",
                    lines=[("99211", "50.00", "50.00", [])],
                ),
                claim(
                    "ACC6",
                    "22",
                    "-50.00",
                    "-50.00",
                    icn="ICN6",
                    lines=[("99211", "-50.00", "-50.00", [])],
                ),
            ],
            trace="R3",
        )
    )
    rev6 = ClaimPayment.objects.get(account_number="ACC6", status_code="22")
    assert rev6.reverses.account_number == "ACC6" and rev6.reverses.status_code == "1"
    assert not Denial.objects.exists()


@pytest.mark.django_db
def test_repeat_denial_links_to_the_first_and_is_not_initial(practice):
    ingest(era([AUTH_DENIAL], trace="D1"))
    again = claim(
        "ACC1",
        "4",
        "410.00",
        "0",
        icn="ICN1B",
        lines=[("99213", "410.00", "0", [("CO", "197", "410.00")])],
    )
    ingest(era([again], trace="D2"))
    first, second = Denial.objects.order_by("id")
    assert first.is_initial and not second.is_initial
    assert second.previous == first


@pytest.mark.django_db
def test_a_later_835_paying_the_denied_claim_resolves_it_as_recovered(practice):
    ingest(era([AUTH_DENIAL], trace="P1"))
    paid = claim(
        "ACC1",
        "1",
        "410.00",
        "380.00",
        icn="ICN1C",
        lines=[("99213", "410.00", "380.00", [("CO", "45", "30.00")])],
    )
    report = ingest(era([paid], trace="P2"))
    assert report.recovered == 1
    denial = Denial.objects.get()
    assert denial.status == "recovered"
    assert denial.recovered_amount == Decimal("380.00")
    assert denial.events.filter(kind="payment", amount=Decimal("380.00")).exists()


@pytest.mark.django_db
def test_contractual_and_patient_share_are_not_denials_but_line_denials_are(practice):
    line_denial = claim(
        "ACC7",
        "1",
        "300.00",
        "100.00",
        icn="ICN7",
        lines=[
            (
                "99213",
                "150.00",
                "100.00",
                [("CO", "45", "30.00"), ("PR", "3", "20.00")],
            ),
            ("97110", "150.00", "0", [("CO", "50", "150.00")]),
        ],
    )
    ingest(era([PAID, line_denial]))
    denial = Denial.objects.get()
    assert denial.account_number == "ACC7"
    assert denial.kind == "line"
    assert denial.denied_amount == Decimal("150.00")
    assert denial.denied_lines == [
        {"line": 2, "procedure": "97110", "amount": "150.00", "codes": ["CO-50"]}
    ]
    assert denial.category.slug == "medical-necessity"


@pytest.mark.django_db
def test_ingest_era_command_prints_one_json_object_per_file(practice, tmp_path, capsys):
    good = tmp_path / "good.835"
    good.write_text(era([AUTH_DENIAL, PAID]))
    junk = tmp_path / "junk.txt"
    junk.write_text("hello")
    call_command("ingest_era", str(good), str(junk), "--json")
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [row["file"] for row in lines] == ["good.835", "junk.txt"]
    assert lines[0]["status"] == "posted" and lines[0]["claims"] == 2
    assert lines[0]["denials"] == 1 and lines[0]["paid_total"] == "150.00"
    assert lines[1]["status"] == "rejected" and lines[1]["errors"]
    for key in ("transactions", "warnings", "errors"):
        assert key in lines[0]


@pytest.mark.django_db
def test_ingest_era_practice_option_creates_and_uses_the_named_practice(tmp_path):
    path = tmp_path / "x.835"
    path.write_text(era([AUTH_DENIAL], npi="1000000004"))
    call_command(
        "ingest_era", str(path), "--practice", "New Clinic", stdout=io.StringIO()
    )
    assert Denial.objects.get().practice.name == "New Clinic"


@pytest.mark.django_db
def test_a_value_too_large_to_store_rejects_its_transaction_with_a_clear_message(
    practice,
):
    huge = claim(
        "ACC8",
        "1",
        "100.00",
        "100.00",
        icn="ICN8",
        lines=[("99213", "100.00", "100.00", [])],
    )
    at = huge.index("SVC*HC:99213*100.00*100.00**1")
    huge[at] = "SVC*HC:99213*100.00*100.00**20260205"  # a date keyed as the units
    report = ingest(era([huge]))
    assert report.status == "rejected"
    assert "SVC05 units 20260205 is out of range" in report.errors[0]
    assert "ACC8" in report.errors[0] and "era.835" in report.errors[0]
    assert not ClaimPayment.objects.exists()


@pytest.mark.django_db
def test_same_interchange_number_from_a_sender_with_other_content_is_held(practice):
    first = ingest(era([AUTH_DENIAL], trace="T1", control="000000555"), name="a.835")
    second = ingest(era([PAID], trace="T2", control="000000555"), name="b.835")
    assert first.status == "posted"
    assert second.status == "held"
    held = Remittance.objects.get(status="held_conflict")
    message = held.issues[-1]["message"]
    assert "interchange control number 000000555 from SENDER" in message
    assert "a.835" in message
    assert ClaimPayment.objects.filter(remittance=held).count() == 0


@pytest.mark.django_db
def test_a_file_that_turns_unreadable_after_a_payment_keeps_that_payment(practice):
    good = era([AUTH_DENIAL], trace="G1")
    tail = "ISA*00*garbage-that-is-not-an-interchange~\nST*837*0001~\n"
    report = ingest(good + tail)
    assert report.claims == 1 and report.denials == 1
    assert report.status == "partial"
    assert "'837' is not 835" in report.errors[0]
    assert RemitFile.objects.get().status == "partial"
