"""A file can pay several practices; each sees only its own payments in it."""

import io

import pytest

from core.services import membership_set, practice_upsert
from denials.intake import era_ingest
from remits.models import Remittance
from tests.denials.era_text import claim, era

pytestmark = pytest.mark.django_db


def two_practice_file(practice, other_practice):
    """One interchange with a payment to each practice (two transaction sets)."""
    one = era([claim("A1", "1", "10.00", "10.00")], trace="P1", npi=practice.npis[0])
    two = era(
        [claim("B1", "1", "20.00", "20.00")], trace="P2", npi=other_practice.npis[0]
    )
    body = lambda text: text.split("GS*")[1].split("~\nGE*")[0]  # noqa: E731
    first = (
        one.split("GS*")[0] + "GS*" + body(one) + "~\n" + body(two).split("~\n", 1)[1]
    )
    return first + "~\nGE*2*1~\nIEA*1*000000001~\n"


def test_a_file_shows_each_practice_only_its_own_payments(
    persona_client, biller, other_practice_biller, practice, other_practice
):
    report = era_ingest(
        stream=io.BytesIO(two_practice_file(practice, other_practice).encode()),
        name="two.835",
        source="api",
    )
    assert report.transactions == 2
    file_id = report.remit_file_id
    mine = persona_client(biller).get(f"/remits/files/{file_id}/").content.decode()
    assert "P1" in mine and "P2" not in mine
    theirs = persona_client(other_practice_biller).get(f"/remits/files/{file_id}/")
    assert "P2" in theirs.content.decode() and "P1" not in theirs.content.decode()


def test_an_unplaced_payment_is_seen_by_admins_of_the_upload_practice_only(
    client, admin_user, practice, other_practice
):
    era_ingest(
        stream=io.BytesIO(
            era([claim("A1", "1", "10", "10")], npi="1000000004").encode()
        ),
        name="x.835",
        source="upload",
        practice_hint=None,
        user=admin_user,
    )
    held = Remittance.objects.get(status="held_payee")
    stranger = practice_upsert(name="Elsewhere Clinic")
    from core.services import user_upsert

    other_admin = user_upsert(username="other_admin", password="x" * 12)
    membership_set(user=other_admin, practice=stranger, role="admin")
    client.force_login(other_admin)
    assert client.get(f"/remits/files/{held.remit_file_id}/").status_code == 404
    assert (
        client.post(
            f"/intake/release/{held.pk}/", {"practice": stranger.pk}
        ).status_code
        == 404
    )
    client.force_login(admin_user)  # the uploader
    assert client.get(f"/remits/files/{held.remit_file_id}/").status_code == 200


def test_an_admin_cannot_release_into_a_practice_where_they_are_not_admin(
    client, admin_user, practice, other_practice
):
    membership_set(user=admin_user, practice=other_practice, role="biller")
    era_ingest(
        stream=io.BytesIO(
            era([claim("A1", "1", "10", "10")], npi="1000000004").encode()
        ),
        name="x.835",
        source="upload",
        user=admin_user,
    )
    held = Remittance.objects.get(status="held_payee")
    client.force_login(admin_user)
    response = client.post(
        f"/intake/release/{held.pk}/", {"practice": other_practice.pk}
    )
    assert response.status_code == 404
    held.refresh_from_db()
    assert held.status == "held_payee"


def test_list_totals_and_raw_download_respect_the_other_practice(
    persona_client, admin_user, practice, other_practice
):
    report = era_ingest(
        stream=io.BytesIO(two_practice_file(practice, other_practice).encode()),
        name="two.835",
        source="api",
    )
    client = persona_client(admin_user)  # admin of `practice` only
    listing = client.get("/remits/").content.decode()
    assert "$10.00" in listing and "$30.00" not in listing
    assert (
        client.get(f"/remits/files/{report.remit_file_id}/download/").status_code == 403
    )
    single = era_ingest(
        stream=io.BytesIO(era([claim("C1", "1", "5", "5")], trace="P3").encode()),
        name="one.835",
        source="api",
    )
    download = client.get(f"/remits/files/{single.remit_file_id}/download/")
    assert download.status_code == 200
    assert b"CLP*C1" in b"".join(download.streaming_content)
