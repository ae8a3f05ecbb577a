"""Which practices a user may see, and with which role."""

from django.http import HttpRequest

from .models import Membership, Practice, Role

ROLE_RANK = {Role.BILLER: 1, Role.MANAGER: 2, Role.ADMIN: 3}


def user_practice_roles(user) -> dict[int, str]:
    """Map practice id to the user's role there; a superuser is admin everywhere."""
    if not user.is_authenticated:
        return {}
    cached = getattr(user, "_practice_roles", None)
    if cached is not None:
        return cached
    if user.is_superuser:
        roles = {
            pk: Role.ADMIN.value for pk in Practice.objects.values_list("pk", flat=True)
        }
    else:
        roles = dict(
            Membership.objects.filter(user=user).values_list("practice_id", "role")
        )
    user._practice_roles = roles
    return roles


def user_practice_ids(user) -> list[int]:
    return list(user_practice_roles(user))


def role_in(user, practice_id: int | None) -> str | None:
    if practice_id is None:
        return None
    return user_practice_roles(user).get(practice_id)


def has_role(user, practice_id: int | None, roles) -> bool:
    """True when the user holds one of `roles` in the practice."""
    role = role_in(user, practice_id)
    return role is not None and role in roles


def request_practice_ids(request: HttpRequest) -> list[int]:
    """The practices the current page is scoped to: the selected one, or all of them."""
    selected = getattr(request, "practice", None)
    if selected is not None:
        return [selected.pk]
    return user_practice_ids(request.user)
