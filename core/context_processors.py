from .models import Practice
from .tenancy import user_practice_roles


def frame(request):
    """Data the page frame needs: the practice switcher and the user's role."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    roles = user_practice_roles(user)
    practices = Practice.objects.filter(pk__in=list(roles)).only("pk", "name")
    return {
        "frame_practices": practices,
        "frame_practice": getattr(request, "practice", None),
        "frame_role": getattr(request, "role", None),
    }
