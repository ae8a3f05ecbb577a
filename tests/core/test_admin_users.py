"""Practice admins manage users and memberships in the admin; nobody else's users."""

import pytest

from core.models import Membership, User

pytestmark = pytest.mark.django_db


def test_practice_admin_adds_a_biller_to_their_practice(client, admin_user, practice):
    client.force_login(admin_user)
    response = client.post(
        "/admin/core/user/add/",
        {
            "username": "newbiller",
            "password1": "a-long-enough-password-1",
            "password2": "a-long-enough-password-1",
            "usable_password": "true",
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "0",
            "memberships-MIN_NUM_FORMS": "0",
            "memberships-MAX_NUM_FORMS": "1000",
            "memberships-0-practice": str(practice.pk),
            "memberships-0-role": "biller",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(username="newbiller")
    assert not user.is_superuser and not user.is_staff
    assert Membership.objects.get(user=user).role == "biller"


def test_practice_admin_does_not_see_users_of_other_practices(
    client, admin_user, other_practice_biller
):
    client.force_login(admin_user)
    listing = client.get("/admin/core/user/").content.decode()
    assert "other_biller" not in listing
    page = client.get(f"/admin/core/user/{other_practice_biller.pk}/change/")
    assert page.status_code == 302  # the admin says "does not exist" and goes home


def test_practice_admin_cannot_grant_superuser(client, admin_user):
    client.force_login(admin_user)
    page = client.get(f"/admin/core/user/{admin_user.pk}/change/").content.decode()
    assert 'name="is_superuser"' not in page
