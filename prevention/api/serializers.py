from rest_framework import serializers

RATE = {"max_digits": 7, "decimal_places": 4, "allow_null": True}
MONEY = {"max_digits": 14, "decimal_places": 2}
DAYS = {"max_digits": 8, "decimal_places": 1, "allow_null": True}


class MonthlyMetricsQuerySerializer(serializers.Serializer):
    practice = serializers.IntegerField(
        required=False, help_text="One of your practices."
    )
    payer = serializers.IntegerField(required=False)
    # "from" and "to" are Python keywords; the query parameters keep those names.
    month_from = serializers.RegexField(r"^\d{4}-\d{2}$", required=False)
    month_to = serializers.RegexField(r"^\d{4}-\d{2}$", required=False)


class MonthlyMetricsSerializer(serializers.Serializer):
    """One month's numbers. Rates are fractions (0.375 = 37.5%); null when undefined."""

    month = serializers.DateField(
        format="%Y-%m", help_text="YYYY-MM (remittance month)."
    )
    claims_adjudicated = serializers.IntegerField()
    initial_denials = serializers.IntegerField(
        help_text="Claims' first denials, duplicates (CARC 18) left out."
    )
    initial_denial_rate = serializers.DecimalField(
        **RATE, help_text="Initial denials ÷ claims adjudicated in the same month."
    )
    initial_denial_rate_dollars = serializers.DecimalField(**RATE)
    initial_denial_rate_hfma = serializers.DecimalField(
        **RATE,
        help_text="Initial denials ÷ average claims adjudicated of the prior 3 months.",
    )
    denials = serializers.IntegerField()
    denied_amount = serializers.DecimalField(**MONEY)
    recovered_amount = serializers.DecimalField(**MONEY)
    written_off_amount = serializers.DecimalField(**MONEY)
    recovery_rate = serializers.DecimalField(**RATE)
    write_off_rate = serializers.DecimalField(**RATE)
    overturn_rate = serializers.DecimalField(**RATE)
    overturn_rate_dollars = serializers.DecimalField(**RATE)
    worked_within_7_days_rate = serializers.DecimalField(**RATE)
    days_to_appeal = serializers.DecimalField(**DAYS)
    days_to_resolution = serializers.DecimalField(**DAYS)
    worked = serializers.IntegerField(help_text="Denials worked (rework count).")
    rework_cost = serializers.DecimalField(**MONEY)
    first_pass_resolution_rate = serializers.DecimalField(**RATE)
    net_collection_rate = serializers.DecimalField(**RATE)
    charges = serializers.DecimalField(**MONEY)
    payments = serializers.DecimalField(**MONEY)
    contractual_adjustments = serializers.DecimalField(**MONEY)
