import io
from datetime import timedelta

import pytest
from django.utils import timezone

from denials.intake import era_ingest
from denials.models import Denial
from tests.denials.era_text import claim, era


@pytest.mark.django_db
def test_home_shows_the_days_denial_work_of_my_practices_only(
    persona_client, biller, other_practice_biller
):
    era_ingest(
        stream=io.BytesIO(
            era(
                [
                    claim(
                        "A1",
                        "4",
                        "100.00",
                        "0",
                        lines=[("99213", "100.00", "0", [("CO", "197", "100.00")])],
                    ),
                    claim(
                        "A2",
                        "4",
                        "50.00",
                        "0",
                        lines=[("99213", "50.00", "0", [("CO", "27", "50.00")])],
                    ),
                ]
            ).encode()
        ),
        name="a.835",
        source="api",
    )
    Denial.objects.filter(account_number="A1").update(
        posted_at=timezone.now() - timedelta(days=9), assignee=biller
    )
    html = persona_client(biller).get("/").content.decode()
    assert "Today's denial work" in html
    assert "<strong>2</strong> open denials, $150" in html
    assert "<strong>1</strong> assigned to you" in html
    assert ">1</strong> not worked within 7 days" in html
    other = persona_client(other_practice_biller).get("/").content.decode()
    assert "<strong>0</strong> open denials" in other
