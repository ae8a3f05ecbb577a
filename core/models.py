"""Tenancy (practices and memberships), users and the append-only audit trail."""

from django.contrib.auth.models import AbstractUser
from django.db import models


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class User(AbstractUser):
    """A person who signs in; what they may do depends on their practice memberships."""


class Practice(TimeStampedModel):
    """A client practice: the tenant every row of patient data belongs to."""

    name = models.CharField(max_length=200, unique=True)
    tin = models.CharField("TIN", max_length=20, blank=True, db_index=True)
    npis = models.JSONField(
        "NPIs",
        default=list,
        blank=True,
        help_text=(
            "Group and individual NPIs that appear as payee on this practice's remits."
        ),
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    # Works the denial queue: takes, appeals and resolves denials.
    BILLER = "biller", "Biller"
    # Reads trends, assigns work, runs the monthly prevention review.
    MANAGER = "manager", "Manager"
    # Configures payers, deadlines, codes and who has access.
    ADMIN = "admin", "Admin"


class Membership(TimeStampedModel):
    """A user's role in one practice."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    practice = models.ForeignKey(
        Practice, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=10, choices=Role.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "practice"], name="membership_unique_user_practice"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.practice} · {self.get_role_display()}"


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):  # type: ignore[override]
        raise PermissionError("Audit events are append-only.")

    def delete(self):  # type: ignore[override]
        raise PermissionError("Audit events are append-only.")


class AuditEvent(models.Model):
    """One access to or change of patient data, or one refused access. Never changed."""

    class Action(models.TextChoices):
        # A page or API response that showed patient data.
        READ = "read", "Read"
        CREATE = "create", "Create"
        UPDATE = "update", "Update"
        DELETE = "delete", "Delete"
        # Data left the application as a file (CSV, PDF).
        EXPORT = "export", "Export"
        # A stored file (remit, evidence) was downloaded.
        DOWNLOAD = "download", "Download"
        LOGIN = "login", "Login"
        LOGOUT = "logout", "Logout"
        LOGIN_FAILED = "login_failed", "Login failed"
        # A request was refused (403) or asked for another practice's object (404).
        DENIED = "denied", "Access denied"

    class Outcome(models.TextChoices):
        SUCCESS = "success", "Success"
        DENIED = "denied", "Denied"
        FAILED = "failed", "Failed"

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    # Plain ids, not foreign keys: deleting a user or practice must not touch the trail.
    actor_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    actor_username = models.CharField(max_length=150, blank=True)
    practice_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    action = models.CharField(max_length=20, choices=Action.choices)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    outcome = models.CharField(
        max_length=10, choices=Outcome.choices, default=Outcome.SUCCESS
    )
    request_id = models.CharField(max_length=36, blank=True)
    client_ip = models.GenericIPAddressField(null=True, blank=True)
    path = models.CharField(max_length=300, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-at"]
        indexes = [
            models.Index(fields=["practice_id", "-at"], name="audit_practice_at")
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_username} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise PermissionError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit events are append-only.")


class WorkerHeartbeat(models.Model):
    """The last time a Celery worker ran the heartbeat task, shown to admins."""

    hostname = models.CharField(max_length=200, unique=True)
    last_seen = models.DateTimeField()
    beats = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.hostname} @ {self.last_seen:%Y-%m-%d %H:%M:%S}"
