"""Every route declares who may use it; each role gets exactly what the rule says."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from core.access import rule_of

# Routes served by third-party code with their own gatekeeping.
ADMIN_NAMESPACE = "admin"


def walk(patterns, prefix="", namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            yield from walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), namespace, entry


def app_routes():
    return [
        (route, pattern)
        for route, namespace, pattern in walk(get_resolver().url_patterns)
        if namespace != ADMIN_NAMESPACE and not route.startswith("^static")
    ]


def test_every_route_declares_an_access_rule():
    missing = [
        route for route, pattern in app_routes() if rule_of(pattern.callback) is None
    ]
    assert missing == [], f"routes without an access rule: {missing}"


def test_there_are_routes_to_check():
    assert len(app_routes()) >= 5


def _plain_get_routes():
    """Routes without URL arguments that answer GET, to call as each persona."""
    for route, _pattern in app_routes():
        if "<" in route or "(?P" in route or route.startswith("api/"):
            continue
        if route in {"logout/", "practice/"}:  # POST only
            continue
        yield "/" + route.replace("^", "").replace("$", "").replace("\\Z", "")


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["biller", "manager", "admin_user"])
def test_each_role_gets_exactly_what_each_rule_allows(persona, request, client):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    role = {"biller": "biller", "manager": "manager", "admin_user": "admin"}[persona]
    checked = 0
    for url in _plain_get_routes():
        match = get_resolver().resolve(url)
        rule = rule_of(match.func)
        response = client.get(url)
        allowed = rule.public or not rule.roles or role in rule.roles
        if allowed:
            assert response.status_code != 403, f"{role} refused at {url}"
        else:
            assert response.status_code == 403, f"{role} let into {url}"
        checked += 1
    assert checked >= 3


@pytest.mark.django_db
def test_anonymous_visitor_is_sent_to_login_from_every_private_page(client):
    for url in _plain_get_routes():
        rule = rule_of(get_resolver().resolve(url).func)
        response = client.get(url)
        if rule.public:
            assert response.status_code == 200, url
        else:
            assert response.status_code == 302, url
            assert response["Location"].startswith("/login/"), url


@pytest.mark.django_db
def test_admin_site_only_lets_practice_admins_in(client, biller, manager, admin_user):
    for user, expected in ((biller, 302), (manager, 302), (admin_user, 200)):
        client.force_login(user)
        response = client.get("/admin/")
        assert response.status_code == expected, user.username
