"""Which action each denial code calls for (pure: no database)."""

from datetime import date

import pytest

from appeals import guidance as g

TODAY = date(2026, 11, 27)
LATER = date(2027, 3, 1)


def recommend(**kwargs):
    base = {
        "payer_class": "commercial",
        "carc": "197",
        "group": "CO",
        "rarc": "",
        "category": "authorization",
        "deadline": LATER,
        "today": TODAY,
        "level_index": 0,
        "level_name": "Level 1 appeal",
        "levels": 2,
    }
    return g.recommend(**{**base, **kwargs})


def test_medicare_timely_filing_has_no_appeal_rights_and_suggests_write_off():
    # Given a Medicare CO-29 denial
    advice = recommend(
        payer_class="medicare",
        carc="29",
        category="timely-filing",
        level_name="Redetermination",
    )
    # Then no appeal is offered: write off, or a reopening with proof of timely filing
    assert advice.action == g.WRITE_OFF
    assert advice.no_appeal_rights
    assert g.APPEAL not in advice.allowed
    assert g.REOPENING in advice.allowed
    assert "no appeal rights" in advice.reason


def test_commercial_timely_filing_is_appealed_with_proof():
    advice = recommend(payer_class="commercial", carc="29", category="timely-filing")
    assert advice.action == g.APPEAL
    assert not advice.no_appeal_rights


def test_duplicate_denial_is_a_reopening_not_an_appeal():
    advice = recommend(carc="18", group="OA", category="duplicate")
    assert advice.action == g.REOPENING
    assert "not an appeal" in advice.reason
    assert "another 18" in advice.reason


@pytest.mark.parametrize("carc", ["4", "5", "6", "11", "97", "B15", "234"])
def test_coding_carcs_call_for_a_corrected_claim_with_the_payer_icn(carc):
    advice = recommend(carc=carc, category="coding", payer_claim_number="ICN777")
    assert advice.action == g.CORRECTED_CLAIM
    assert "frequency 7" in advice.reason
    assert "ICN777" in advice.reason


@pytest.mark.parametrize("rarc", ["M51", "M76", "M77"])
def test_carc_16_with_a_coding_remark_is_a_corrected_claim(rarc):
    advice = recommend(carc="16", rarc=rarc, category="missing-information")
    assert advice.action == g.CORRECTED_CLAIM
    assert rarc in advice.reason


@pytest.mark.parametrize(
    ("carc", "category", "words"),
    [
        ("197", "authorization", "authorization number"),
        ("50", "medical-necessity", "clinical notes"),
        ("27", "eligibility", "eligibility verification"),
    ],
)
def test_payer_judgement_denials_are_appealed_at_the_next_level(carc, category, words):
    advice = recommend(carc=carc, category=category)
    assert advice.action == g.APPEAL
    assert words in advice.reason
    assert "Level 1 appeal" in advice.reason


def test_a_reconsideration_level_is_recommended_as_a_reconsideration():
    advice = recommend(
        payer_class="medicare",
        carc="50",
        category="medical-necessity",
        level_index=1,
        level_name="Reconsideration (QIC)",
        levels=3,
    )
    assert advice.action == g.RECONSIDERATION


def test_an_expired_deadline_turns_an_appeal_into_a_write_off_decision():
    advice = recommend(carc="197", deadline=date(2026, 11, 26))
    assert advice.action == g.WRITE_OFF
    assert advice.expired
    assert "Nov 26, 2026" in advice.reason


def test_the_deadline_day_itself_still_allows_an_appeal():
    assert recommend(carc="197", deadline=TODAY).action == g.APPEAL


def test_no_level_left_means_write_off():
    advice = recommend(carc="50", category="medical-necessity", level_index=2, levels=2)
    assert advice.action == g.WRITE_OFF


def test_documentation_requests_send_records_with_the_appeal():
    advice = recommend(carc="252", category="missing-information")
    assert advice.action == g.APPEAL
    assert "records" in advice.reason
