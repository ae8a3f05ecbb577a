import pytest
from django.core.management import call_command

from core.models import Membership, Practice, User


@pytest.mark.django_db
def test_seed_demo_creates_practices_and_role_users_with_the_given_password(
    monkeypatch,
):
    monkeypatch.setenv("DEMO_PASSWORD", "a-demo-password-1")
    call_command("seed_demo", "--claims", "0")
    assert Practice.objects.count() == 3
    for username, role in (
        ("biller", "biller"),
        ("manager", "manager"),
        ("admin", "admin"),
    ):
        user = User.objects.get(username=username)
        assert user.check_password("a-demo-password-1")
        assert set(
            Membership.objects.filter(user=user).values_list("role", flat=True)
        ) == {role}


@pytest.mark.django_db
def test_seed_demo_prints_a_generated_password_when_none_is_given(monkeypatch, capsys):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    call_command("seed_demo", "--claims", "0")
    out = capsys.readouterr().out
    password = out.rsplit("password: ", 1)[1].strip()
    assert len(password) >= 12
    assert User.objects.get(username="biller").check_password(password)
