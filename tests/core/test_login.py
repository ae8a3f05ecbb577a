import pytest
import time_machine
from django.contrib.auth.hashers import identify_hasher

from core.models import AuditEvent
from tests.conftest import PASSWORD


@pytest.mark.django_db
def test_wrong_password_shows_the_login_page_again_with_an_error(client, biller):
    response = client.post("/login/", {"username": "biller", "password": "nope"})
    assert response.status_code == 200
    assert b"didn't match" in response.content
    assert AuditEvent.objects.filter(action="login_failed").count() == 1


@pytest.mark.django_db
def test_right_password_signs_in_and_is_audited(client, biller):
    response = client.post("/login/", {"username": "biller", "password": PASSWORD})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="login", actor_id=biller.pk).exists()


@pytest.mark.django_db
def test_repeated_failures_lock_the_account_for_a_while(client, biller, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/login/", {"username": "biller", "password": "nope"})
    response = client.post("/login/", {"username": "biller", "password": PASSWORD})
    assert response.status_code == 429
    assert b"Too many failed sign-ins" in response.content


@pytest.mark.django_db
def test_passwords_are_stored_with_argon2(settings, django_user_model):
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
    ]
    user = django_user_model.objects.create_user(
        "newbie", password="a-long-enough-pass"
    )
    assert identify_hasher(user.password).algorithm == "argon2"


@pytest.mark.django_db
def test_idle_session_ends_after_the_timeout(client, biller, settings):
    settings.SESSION_IDLE_TIMEOUT = 15 * 60
    with time_machine.travel("2026-11-27 09:00:00Z", tick=False) as clock:
        client.post("/login/", {"username": "biller", "password": PASSWORD})
        assert client.get("/").status_code == 200
        clock.shift(14 * 60)
        assert client.get("/").status_code == 200
        clock.shift(16 * 60)
        response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/login/"


@pytest.mark.django_db
def test_active_session_still_ends_at_its_absolute_lifetime(client, biller, settings):
    settings.SESSION_ABSOLUTE_LIFETIME = 60 * 60
    with time_machine.travel("2026-11-27 09:00:00Z", tick=False) as clock:
        client.post("/login/", {"username": "biller", "password": PASSWORD})
        for _ in range(5):
            clock.shift(10 * 60)
            assert client.get("/").status_code == 200
        clock.shift(11 * 60)
        response = client.get("/")
    assert response.status_code == 302


@pytest.mark.django_db
def test_practice_switch_refuses_a_practice_that_is_not_yours(
    client, biller, other_practice
):
    client.force_login(biller)
    client.post("/practice/", {"practice": str(other_practice.pk), "next": "/"})
    response = client.get("/")
    assert other_practice.name.encode() not in response.content
    assert b"not one of yours" in response.content
