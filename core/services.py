from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import WorkerHeartbeat


@transaction.atomic
def worker_heartbeat_record(*, hostname: str) -> WorkerHeartbeat:
    """Upsert this host's heartbeat with the current time."""
    beat, created = WorkerHeartbeat.objects.get_or_create(
        hostname=hostname, defaults={"last_seen": timezone.now(), "beats": 1}
    )
    if not created:
        WorkerHeartbeat.objects.filter(pk=beat.pk).update(
            last_seen=timezone.now(), beats=F("beats") + 1
        )
        beat.refresh_from_db()
    return beat


@transaction.atomic
def practice_upsert(*, name: str, tin: str = "", npis: list[str] | None = None):
    """Create a practice by name, or update its TIN and NPIs."""
    from .models import Practice

    practice, _ = Practice.objects.update_or_create(
        name=name, defaults={"tin": tin, "npis": list(npis or [])}
    )
    return practice


@transaction.atomic
def membership_set(*, user, practice, role: str):
    """Give `user` exactly `role` in `practice`."""
    from .models import Membership, Role

    if role not in Role.values:
        from .errors import ApplicationError

        raise ApplicationError(f"Unknown role {role!r}.", field="role")
    membership, _ = Membership.objects.update_or_create(
        user=user, practice=practice, defaults={"role": role}
    )
    return membership


@transaction.atomic
def user_upsert(*, username: str, password: str, first_name: str = "", email: str = ""):
    """Create or update a user and set their password (hashed with Argon2)."""
    from .models import User

    user, _ = User.objects.get_or_create(username=username)
    user.first_name = first_name
    user.email = email
    user.set_password(password)
    user.save()
    return user
