"""Demo practices and users; each higher app adds its own part in `<app>.demo.seed`."""

DEMO_PRACTICES = [
    {
        "name": "Riverside Family Medicine",
        "tin": "611234567",
        "npis": ["1619000000", "1619000001"],
    },
    {"name": "Lakeside Orthopedics", "tin": "621234567", "npis": ["1629000000"]},
    {"name": "Hilltop Pediatrics", "tin": "631234567", "npis": ["1639000000"]},
]

# username -> (first name, {practice index: role})
DEMO_USERS = {
    "biller": ("Blake", {0: "biller", 1: "biller"}),
    "manager": ("Morgan", {0: "manager", 1: "manager", 2: "manager"}),
    "admin": ("Avery", {0: "admin", 1: "admin", 2: "admin"}),
    "biller_hilltop": ("Harper", {2: "biller"}),
}


def seed(*, password: str, stdout=None) -> dict:
    """Create the demo practices and users; safe to run again."""
    from .services import membership_set, practice_upsert, user_upsert

    practices = [practice_upsert(**p) for p in DEMO_PRACTICES]
    for username, (first_name, roles) in DEMO_USERS.items():
        user = user_upsert(username=username, password=password, first_name=first_name)
        for index, role in roles.items():
            membership_set(user=user, practice=practices[index], role=role)
    return {"practices": practices}
