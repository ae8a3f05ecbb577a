import pytest
from rest_framework.authtoken.models import Token


@pytest.mark.django_db
def test_schema_and_docs_need_a_signed_in_user(client, biller):
    assert client.get("/api/schema/").status_code == 401
    client.force_login(biller)
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"openapi: 3" in schema.content
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert b"swagger-ui" in docs.content
    assert b"cdn" not in docs.content.lower()


@pytest.mark.django_db
def test_token_authentication_opens_the_schema(client, biller):
    token = Token.objects.create(user=biller)
    response = client.get("/api/schema/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200


@pytest.mark.django_db
def test_bad_token_gets_401_not_a_redirect(client):
    response = client.get("/api/schema/", HTTP_AUTHORIZATION="Token not-a-token")
    assert response.status_code == 401
    assert b"Invalid token" in response.content


def test_openapi_schema_generates_without_warnings(tmp_path):
    from django.core.management import call_command

    target = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    text = target.read_text()
    assert "/api/v1/denials/" in text and "/api/v1/remits/" in text
