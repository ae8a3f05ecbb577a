"""Access rules every view declares; core.middleware and the URL walk test read them.

A view is wrapped with `@access(...)` (functions) or carries `access_rule` (class-based
and DRF views). A view without a rule is a defect: tests/core/test_access_rules.py walks
every URL pattern and fails on one.
"""

from dataclasses import dataclass, field
from functools import wraps

from django.core.exceptions import PermissionDenied

from .audit import Action, audit_log
from .models import Role

ALL_ROLES = frozenset({Role.BILLER, Role.MANAGER, Role.ADMIN})
WORKERS = ALL_ROLES
MANAGERS = frozenset({Role.MANAGER, Role.ADMIN})
ADMINS = frozenset({Role.ADMIN})


@dataclass(frozen=True)
class AccessRule:
    # Reachable without signing in (the login page).
    public: bool = False
    # Roles allowed in the current practice; empty means any signed-in user.
    roles: frozenset = field(default_factory=frozenset)
    # The response shows patient data: each successful read is audited.
    phi: bool = False
    # What the audit event calls the object; the `pk` URL argument is its id.
    object_type: str = ""

    def allows(self, request) -> bool:
        if self.public:
            return True
        if not request.user.is_authenticated:
            return False
        if not self.roles:
            return True
        return getattr(request, "role", None) in self.roles


def access(
    *,
    roles=frozenset(),
    public: bool = False,
    phi: bool = False,
    object_type: str = "",
):
    """Declare who may call a function view, and audit reads of patient data."""
    rule = AccessRule(
        public=public, roles=frozenset(roles), phi=phi, object_type=object_type
    )

    def decorate(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not rule.allows(request):
                raise PermissionDenied(
                    "Your role in this practice does not allow this page."
                )
            response = view(request, *args, **kwargs)
            if rule.phi and request.method == "GET" and response.status_code == 200:
                audit_log(
                    action=Action.READ,
                    request=request,
                    object_type=rule.object_type,
                    object_id=kwargs.get("pk", ""),
                )
            return response

        wrapped.access_rule = rule
        return wrapped

    return decorate


def rule_of(callback) -> AccessRule | None:
    """The declared rule of a resolved URL callback, whatever kind of view it is."""
    for candidate in (
        callback,
        getattr(callback, "view_class", None),
        getattr(callback, "cls", None),
    ):
        rule = getattr(candidate, "access_rule", None)
        if isinstance(rule, AccessRule):
            return rule
    return None
