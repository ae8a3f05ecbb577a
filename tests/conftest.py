"""Personas, service requirements, the Celery worker and the browser."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection
from hypothesis import settings as hypothesis_settings

# Playwright's sync API runs an event loop in the test thread; the ORM calls made by
# the test itself are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# CI explores the same examples every run (a red CI must be reproducible); a
# developer's run explores new ones.
hypothesis_settings.register_profile("ci", derandomize=True, deadline=None)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")

ROOT = Path(__file__).resolve().parent.parent
REQUIRE_SERVICES = os.environ.get("OVERTURN_REQUIRE_SERVICES") == "1"
PASSWORD = "correct-horse-battery-staple"


def _unavailable(what: str) -> None:
    if REQUIRE_SERVICES:
        pytest.fail(
            f"{what} is required (OVERTURN_REQUIRE_SERVICES=1) but not available"
        )
    pytest.skip(f"{what} not configured")


def pytest_runtest_setup(item):
    if item.get_closest_marker("postgres") and connection.vendor != "postgresql":
        _unavailable("PostgreSQL (DATABASE_URL)")
    if item.get_closest_marker("redis") and not django_settings.REDIS_URL:
        _unavailable("Redis (REDIS_URL)")
    if item.get_closest_marker("browser") and not Path(chromium_path()).exists():
        _unavailable(f"Chromium at {chromium_path()}")


def chromium_path() -> str:
    return os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@pytest.fixture(autouse=True)
def _fast_hashing_and_eager_tasks(settings, request):
    """Cheap password hashing; tasks in-process unless a test runs a real worker."""
    from django.core.cache import cache

    from config.celery_app import app

    cache.clear()  # cached figures must not leak from one test's data to the next
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = str(request.getfixturevalue("tmp_path") / "media")
    eager = request.node.get_closest_marker("worker") is None
    previous = app.conf.task_always_eager
    # The app reads Django settings under the CELERY_ namespace: set the namespaced key.
    app.conf.CELERY_TASK_ALWAYS_EAGER = eager
    assert app.conf.task_always_eager is eager
    yield
    app.conf.CELERY_TASK_ALWAYS_EAGER = previous


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Starter reference rows (categories, rules, checklists) as migrations made them.

    A transactional test (browser, worker, concurrency) empties every table when it
    ends, data-migration rows included; put them back for whichever test runs next.
    """
    names = request.fixturenames
    marker = request.node.get_closest_marker("django_db")
    if not (marker or "db" in names or "transactional_db" in names):
        yield
        return
    transactional = (
        "transactional_db" in names
        or "live_server" in names
        or bool(marker and marker.kwargs.get("transaction"))
    )
    request.getfixturevalue("transactional_db" if transactional else "db")
    from django.apps import apps as django_apps

    from denials.models import Category

    if not Category.objects.exists():
        from appeals.reference import load_reference_data as appeals_reference
        from denials.reference import load_reference_data as denials_reference

        denials_reference(django_apps)
        appeals_reference(django_apps)
    yield


# Personas -------------------------------------------------------------------------


@pytest.fixture
def practice(db):
    from core.services import practice_upsert

    return practice_upsert(
        name="Riverside Family Medicine", tin="611234567", npis=["1619000000"]
    )


@pytest.fixture
def other_practice(db):
    from core.services import practice_upsert

    return practice_upsert(
        name="Hilltop Pediatrics", tin="631234567", npis=["1639000000"]
    )


def _person(username, practice, role):
    from core.services import membership_set, user_upsert

    user = user_upsert(
        username=username, password=PASSWORD, first_name=username.title()
    )
    if practice is not None:
        membership_set(user=user, practice=practice, role=role)
    return user


@pytest.fixture
def biller(practice):
    return _person("biller", practice, "biller")


@pytest.fixture
def manager(practice):
    return _person("manager", practice, "manager")


@pytest.fixture
def admin_user(practice):
    return _person("admin", practice, "admin")


@pytest.fixture
def other_practice_biller(other_practice):
    return _person("other_biller", other_practice, "biller")


@pytest.fixture
def outsider(db):
    """Signed in, but member of no practice."""
    return _person("outsider", None, None)


@pytest.fixture
def persona_client(client):
    """`persona_client(user)` returns a Django test client signed in as that user."""

    def signed_in(user):
        client.force_login(user)
        return client

    return signed_in


# A real Celery worker -------------------------------------------------------------


def database_url() -> str:
    s = connection.settings_dict
    host, port = s["HOST"] or "127.0.0.1", s["PORT"] or 5432
    return f"postgres://{s['USER']}@{host}:{port}/{s['NAME']}"


@pytest.fixture
def celery_worker_process(transactional_db):
    """Start `celery worker` as a separate process on the test database and Redis."""
    if connection.vendor != "postgresql":
        _unavailable("PostgreSQL (DATABASE_URL)")
    if not django_settings.REDIS_URL:
        _unavailable("Redis (REDIS_URL)")
    from config.celery_app import app

    app.control.purge()
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "CELERY_TASK_ALWAYS_EAGER": "0",
    }
    log = open(
        Path(os.environ.get("TMPDIR", "/tmp")) / f"celery-worker-{os.getpid()}.log", "w"
    )
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "--loglevel=INFO",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "-n",
            f"test-{os.getpid()}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(
                    f"worker exited with {proc.returncode}; see {log.name}"
                )
            if app.control.ping(timeout=0.5):
                break
        else:
            raise RuntimeError(
                f"worker did not answer a ping within 60 s; see {log.name}"
            )
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def wait_for(predicate, *, timeout: float = 30.0, interval: float = 0.2):
    """Poll until predicate() is truthy; return its value or fail."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    pytest.fail(f"condition not met within {timeout} s")


# The browser ----------------------------------------------------------------------


@pytest.fixture
def browser_page(live_server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium_path(),
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        context = browser.new_context(base_url=live_server.url)
        page = context.new_page()
        page.set_default_timeout(15000)
        yield page
        context.close()
        browser.close()


@pytest.fixture
def login_as(browser_page):
    def login(user, password=PASSWORD):
        page = browser_page
        page.goto("/login/")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(lambda url: "/login/" not in url)
        return page

    return login
