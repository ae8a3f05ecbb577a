"""Writes of the denials app: denials from posted claims, scoring, and the work on them."""

import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from remits.models import Remittance
from remits.services import ClaimRows

from . import classification, deadlines, scoring
from .models import (
    UNCATEGORIZED,
    AdjustmentRule,
    AppealRule,
    Category,
    CodeMapping,
    Denial,
    DenialEvent,
    QueueSettings,
)

logger = logging.getLogger(__name__)
ZERO = Decimal("0")
PAID_STATUSES = {"1", "2", "3", "19", "20", "21"}


def adjustment_rules() -> dict[tuple[str, str], str]:
    rules = dict(classification.DEFAULT_RULES)
    rules.update({(r.group, r.carc): r.kind for r in AdjustmentRule.objects.all()})
    return rules


def code_mapping() -> dict[tuple[str, str, str], str]:
    return {
        (m.carc, m.group, m.rarc): m.category.slug
        for m in CodeMapping.objects.select_related("category")
    }


def categories_by_slug() -> dict[str, Category]:
    return {c.slug: c for c in Category.objects.all()}


def claim_entries(row: ClaimRows) -> list[classification.CasEntry]:
    record = row.record
    entries = [
        classification.CasEntry(group=a.group, reason=a.reason, amount=a.amount)
        for a in record.adjustments
    ]
    for line in record.lines:
        procedure = line.procedure_code + (
            ":" + ":".join(line.modifiers) if line.modifiers else ""
        )
        for a in line.adjustments:
            entries.append(
                classification.CasEntry(
                    group=a.group, reason=a.reason, amount=a.amount,
                    line_number=line.line_number, procedure=procedure,
                    line_paid=line.paid, remarks=line.remarks,
                )
            )
    return entries


def service_date_of(row: ClaimRows) -> date | None:
    dates = [ln.service_date for ln in row.record.lines if ln.service_date]
    return min(dates) if dates else row.record.statement_from


class IntakeContext:
    """Rules and maps loaded once per file, not once per claim."""

    def __init__(self) -> None:
        self.rules = adjustment_rules()
        self.mapping = code_mapping()
        self.categories = categories_by_slug()


def denials_from_claims(
    *, remittance: Remittance, rows: Sequence[ClaimRows], context: IntakeContext
) -> tuple[list[Denial], int]:
    """Queue every denied claim of a posted chunk; resolve denials a payment recovers.

    Returns the new denials and the number of earlier denials resolved as recovered.
    """
    now = timezone.now()
    remit_date = remittance.remit_date
    findings = []
    for row in rows:
        finding = classification.classify_claim(
            status=row.claim.status_code,
            charge=row.claim.charge,
            paid=row.claim.paid,
            entries=claim_entries(row),
            claim_remarks=row.record.remarks,
            rules=context.rules,
        )
        findings.append(finding)

    accounts = {row.claim.account_number for row in rows}
    earlier: dict[str, list[Denial]] = defaultdict(list)
    for d in (
        Denial.objects.filter(
            practice_id=remittance.practice_id, account_number__in=accounts,
            payer_id=remittance.payer_id,
        )
        .select_related("claim")
        .order_by("posted_at", "id")
    ):
        earlier[d.account_number].append(d)

    new: list[Denial] = []
    recovered = 0
    for row, finding in zip(rows, findings, strict=True):
        claim = row.claim
        history = earlier.get(claim.account_number, [])
        open_ones = [d for d in history if d.is_open]
        if not finding.is_denial:
            if claim.status_code in PAID_STATUSES and claim.paid > ZERO and open_ones:
                for d in open_ones:
                    gained = claim.paid - d.claim.paid
                    if gained > ZERO:
                        denial_recover(denial=d, amount=min(gained, d.denied_amount),
                                       note=f"Paid on remittance {remittance.trace_number}")
                        recovered += 1
            continue
        slug = classification.categorize(
            carc=finding.carc, group=finding.group, rarc=finding.rarc, mapping=context.mapping
        ) or UNCATEGORIZED
        category = context.categories.get(slug) or context.categories.get(UNCATEGORIZED)
        previous = history[-1] if history else None
        new.append(
            Denial(
                practice_id=remittance.practice_id,
                payer_id=remittance.payer_id,
                claim=claim,
                account_number=claim.account_number,
                payer_claim_number=claim.payer_claim_number,
                patient_name=claim.patient_name[:170],
                rendering_npi=claim.rendering_npi,
                service_date=service_date_of(row),
                remit_date=remit_date,
                posted_at=now,
                kind=finding.kind,
                billed_amount=claim.charge,
                denied_amount=finding.denied_amount,
                codes=list(finding.codes),
                group_code=finding.group,
                carc=finding.carc,
                rarc=finding.rarc,
                denied_lines=list(finding.lines),
                reason=finding.reason,
                category=category,
                root_cause=category,
                is_initial=previous is None,
                previous=previous,
                excluded_from_rates=finding.excluded_from_rates,
            )
        )
    Denial.objects.bulk_create(new, batch_size=2000)
    events = [
        DenialEvent(
            denial=d,
            kind=DenialEvent.Kind.POSTED if d.is_initial else DenialEvent.Kind.REPEAT,
            to_status=Denial.Status.NEW,
            text=d.reason[:2000],
            amount=d.denied_amount,
        )
        for d in new
    ]
    DenialEvent.objects.bulk_create(events, batch_size=2000)
    return new, recovered


@transaction.atomic
def denial_recover(*, denial: Denial, amount: Decimal, note: str = "", by=None) -> Denial:
    """Resolve a denial as recovered with the amount the payer paid."""
    denial = Denial.objects.select_for_update().get(pk=denial.pk)
    before = denial.status
    denial.status = Denial.Status.RECOVERED
    denial.recovered_amount = (denial.recovered_amount or ZERO) + amount
    denial.resolved_at = timezone.now()
    denial.resolution_note = note
    denial.write_off_review = False
    denial.save(update_fields=["status", "recovered_amount", "resolved_at",
                               "resolution_note", "write_off_review"])
    DenialEvent.objects.create(
        denial=denial, actor=by, kind=DenialEvent.Kind.PAYMENT, from_status=before,
        to_status=denial.status, text=note, amount=amount,
    )
    return denial


# Scoring --------------------------------------------------------------------------


def rule_view(rule: AppealRule, payer_class: str) -> deadlines.RuleView:
    return deadlines.RuleView(
        levels=tuple((str(level["name"]), int(level["days"])) for level in rule.levels),
        clock_start=rule.clock_start,
        verified=rule.verified,
        payer_class=payer_class,
    )


def appeal_rules_by_payer(payer_ids: Iterable[int]) -> dict[int | None, deadlines.RuleView]:
    """The rule that applies to each payer: its own, else its class default."""
    from remits.models import Payer

    defaults = {r.payer_class: r for r in AppealRule.objects.filter(payer__isnull=True)}
    own = {r.payer_id: r for r in AppealRule.objects.filter(payer_id__in=set(payer_ids))}
    result: dict[int | None, deadlines.RuleView] = {}
    for payer in Payer.objects.filter(pk__in=set(payer_ids)):
        rule = own.get(payer.pk) or defaults.get(payer.payer_class) or defaults.get("unknown")
        if rule is not None:
            result[payer.pk] = rule_view(rule, payer.payer_class)
    if "unknown" in defaults:
        result[None] = rule_view(defaults["unknown"], "unknown")
    return result


def overturn_stats(practice_ids: Iterable[int]) -> dict[tuple, tuple[int, int]]:
    """(practice, payer, category) → (appeals won, appeals decided) from resolved denials."""
    rows = (
        Denial.objects.filter(
            practice_id__in=set(practice_ids), was_appealed=True,
            status__in=Denial.RESOLVED_STATUSES,
        )
        .values("practice_id", "payer_id", "category_id")
        .annotate(
            decided=Count("id"),
            won=Count("id", filter=Q(status=Denial.Status.RECOVERED)),
        )
    )
    return {
        (r["practice_id"], r["payer_id"], r["category_id"]): (r["won"], r["decided"])
        for r in rows
    }


SCORE_FIELDS = [
    "appeal_deadline", "no_appeal_rights", "deadline_note", "priority", "priority_parts",
    "priority_explanation", "write_off_review", "scored_at",
]


def denials_score(*, denial_ids: Sequence[int], today: date | None = None) -> int:
    """Recompute deadline and priority of the given denials; returns how many changed.

    Idempotent: scoring the same denials again on the same day changes nothing.
    """
    today = today or timezone.localdate()
    settings_row = QueueSettings.objects.first() or QueueSettings()
    denials = list(
        Denial.objects.filter(pk__in=list(denial_ids), status__in=Denial.OPEN_STATUSES)
        .only("id", "practice_id", "payer_id", "category_id", "carc", "denied_amount",
              "remit_date", "service_date", *SCORE_FIELDS)
    )
    if not denials:
        return 0
    rules = appeal_rules_by_payer({d.payer_id for d in denials if d.payer_id})
    stats = overturn_stats({d.practice_id for d in denials})
    now = timezone.now()
    changed = []
    for d in denials:
        rule = rules.get(d.payer_id) or rules.get(None)
        dl = deadlines.appeal_deadline(
            rule, carc=d.carc, remit_date=d.remit_date, service_date=d.service_date
        )
        won, decided = stats.get((d.practice_id, d.payer_id, d.category_id), (0, 0))
        chance = scoring.overturn_chance(
            wins=won, outcomes=decided, prior=settings_row.overturn_prior,
            weight=settings_row.prior_weight,
        )
        s = scoring.score_denial(
            denied_amount=d.denied_amount, chance=chance,
            rework_cost=settings_row.rework_cost,
            days_left=deadlines.days_left(dl.deadline, today),
            no_appeal_rights=dl.no_appeal_rights,
            half_life_days=settings_row.urgency_half_life_days,
        )
        new_values = {
            "appeal_deadline": dl.deadline,
            "no_appeal_rights": dl.no_appeal_rights,
            "deadline_note": dl.note[:300],
            "priority": s.priority,
            "priority_parts": {**s.parts(), "level": dl.level, "outcomes": decided},
            "priority_explanation": s.explanation[:300],
            "write_off_review": s.write_off_review,
        }
        if any(getattr(d, k) != v for k, v in new_values.items()):
            for k, v in new_values.items():
                setattr(d, k, v)
            d.scored_at = now
            changed.append(d)
    if changed:
        Denial.objects.bulk_update(changed, SCORE_FIELDS, batch_size=1000)
    return len(changed)


# Work on a denial ----------------------------------------------------------------

S = Denial.Status
# from status → statuses a person may move it to. Recovery by an 835 bypasses this.
TRANSITIONS: dict[str, set[str]] = {
    S.NEW: {S.IN_PROGRESS, S.WRITTEN_OFF, S.NO_ACTION, S.RECOVERED},
    S.IN_PROGRESS: {S.APPEALED, S.CORRECTED_SENT, S.PENDING_PAYER, S.RECOVERED,
                    S.WRITTEN_OFF, S.NO_ACTION, S.NEW},
    S.APPEALED: {S.IN_PROGRESS, S.PENDING_PAYER, S.RECOVERED, S.WRITTEN_OFF},
    S.CORRECTED_SENT: {S.IN_PROGRESS, S.PENDING_PAYER, S.RECOVERED, S.WRITTEN_OFF},
    S.PENDING_PAYER: {S.IN_PROGRESS, S.APPEALED, S.RECOVERED, S.WRITTEN_OFF},
    S.RECOVERED: {S.IN_PROGRESS},
    S.WRITTEN_OFF: {S.IN_PROGRESS},
    S.NO_ACTION: {S.IN_PROGRESS},
}


@transaction.atomic
def denial_transition(
    *, denial: Denial, to_status: str, by, note: str = "", amount: Decimal | None = None
) -> Denial:
    """Move a denial to another status, or refuse with a message saying why not."""
    from core.errors import ApplicationError

    denial = Denial.objects.select_for_update().get(pk=denial.pk)
    if to_status not in S.values:
        raise ApplicationError(f"Unknown status {to_status!r}.", field="status")
    if to_status == denial.status:
        raise ApplicationError(f"The denial is already {denial.get_status_display()}.",
                               field="status")
    if to_status not in TRANSITIONS[denial.status]:
        allowed = ", ".join(sorted(S(s).label for s in TRANSITIONS[denial.status]))
        raise ApplicationError(
            f"A denial that is {denial.get_status_display()} cannot become "
            f"{S(to_status).label}. Allowed next: {allowed}.", field="status",
        )
    if to_status == S.RECOVERED and (amount is None or amount <= 0):
        raise ApplicationError("Enter the amount recovered.", field="amount")
    if to_status == S.WRITTEN_OFF and not note.strip():
        raise ApplicationError("Give the reason for the write-off.", field="note")
    now = timezone.now()
    before = denial.status
    denial.status = to_status
    if denial.first_worked_at is None and to_status != S.NEW:
        denial.first_worked_at = now
    if to_status == S.APPEALED:
        denial.was_appealed = True
        denial.appealed_at = denial.appealed_at or now
    if to_status in Denial.RESOLVED_STATUSES:
        denial.resolved_at = now
        denial.resolution_note = note
        if to_status == S.RECOVERED:
            denial.recovered_amount = (denial.recovered_amount or ZERO) + amount
        if to_status == S.WRITTEN_OFF:
            denial.written_off_amount = max(denial.denied_amount - denial.recovered_amount,
                                            ZERO)
    elif before in Denial.RESOLVED_STATUSES:
        denial.resolved_at = None
    if to_status == S.NEW:
        denial.assignee = None
        denial.assigned_at = None
    if to_status == S.IN_PROGRESS and denial.assignee_id is None and by is not None:
        denial.assignee = by
        denial.assigned_at = now
    denial.save()
    DenialEvent.objects.create(
        denial=denial, actor=by, kind=DenialEvent.Kind.STATUS, from_status=before,
        to_status=to_status, text=note, amount=amount,
    )
    if to_status in Denial.RESOLVED_STATUSES and denial.was_appealed:
        # An appeal outcome teaches the overturn chance of every open sibling.
        transaction.on_commit(lambda: _rescore_siblings(denial))
    return denial


def _rescore_siblings(denial: Denial) -> None:
    from .tasks import denials_score_task

    ids = list(
        Denial.objects.filter(
            practice_id=denial.practice_id, payer_id=denial.payer_id,
            category_id=denial.category_id, status__in=Denial.OPEN_STATUSES,
        ).values_list("pk", flat=True)[:50000]
    )
    for start in range(0, len(ids), 5000):
        denials_score_task.delay(ids[start:start + 5000])


@transaction.atomic
def denial_assign(*, denial: Denial, assignee, by) -> Denial:
    """Assign (or with assignee=None, unassign) a denial."""
    denial = Denial.objects.select_for_update().get(pk=denial.pk)
    if not denial.is_open:
        from core.errors import ApplicationError

        raise ApplicationError("A resolved denial cannot be assigned; reopen it first.")
    denial.assignee = assignee
    denial.assigned_at = timezone.now() if assignee else None
    denial.save(update_fields=["assignee", "assigned_at"])
    DenialEvent.objects.create(
        denial=denial, actor=by, kind=DenialEvent.Kind.ASSIGNED,
        text=f"Assigned to {assignee.get_username()}" if assignee else "Unassigned",
    )
    return denial


@transaction.atomic
def denial_note_add(*, denial: Denial, text: str, by) -> DenialEvent:
    from core.errors import ApplicationError

    text = text.strip()
    if not text:
        raise ApplicationError("A note cannot be empty.", field="text")
    if len(text) > 5000:
        raise ApplicationError("A note is limited to 5,000 characters.", field="text")
    return DenialEvent.objects.create(denial=denial, actor=by, kind=DenialEvent.Kind.NOTE,
                                      text=text)
