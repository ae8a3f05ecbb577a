"""Writes of the denials app: denials from posted claims, scoring, and the work on them."""

import functools
import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, DateTimeField, F, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.bulk import bulk_insert
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
    DenialScore,
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
                claim_id=claim.pk,
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
    bulk_insert(Denial, new)
    _scores_create(new)
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
    bulk_insert(DenialEvent, events)
    return new, recovered


def _scores_create(denials: Sequence[Denial]) -> None:
    """Give new denials their (not yet computed) score rows, set-based."""
    from django.db import connection

    from core.bulk import insert_rows

    rows = [
        (d.pk, d.practice_id, ZERO, "{}", "", False, d.is_open, d.is_unclaimed)
        for d in denials
    ]
    with connection.cursor() as cursor:
        insert_rows(
            cursor, DenialScore._meta.db_table,
            ["denial_id", "practice_id", "priority", "priority_parts",
             "priority_explanation", "write_off_review", "open", "unclaimed"],
            rows,
        )


def _score_mirror(denial: Denial) -> None:
    """Copy the denial's state the queue's indexes filter on into its score row."""
    updated = DenialScore.objects.filter(denial_id=denial.pk).update(
        open=denial.is_open, unclaimed=denial.is_unclaimed
    )
    if not updated:
        DenialScore.objects.create(
            denial_id=denial.pk, practice_id=denial.practice_id,
            open=denial.is_open, unclaimed=denial.is_unclaimed,
        )


def denial_scores_mirror(*, denial_ids: Sequence[int]) -> int:
    """Set-based: copy open / new-and-unassigned of many denials into their scores.

    For writes that change many denials' state at once (demo history, bulk scripts).
    """
    from django.db.models import Exists, OuterRef

    same = Denial.objects.filter(pk=OuterRef("denial_id"))
    return DenialScore.objects.filter(denial_id__in=list(denial_ids)).update(
        open=Exists(same.filter(status__in=Denial.OPEN_STATUSES)),
        unclaimed=Exists(same.filter(status=Denial.Status.NEW, assignee__isnull=True)),
    )


@transaction.atomic
def denial_recover(*, denial: Denial, amount: Decimal, note: str = "", by=None) -> Denial:
    """Resolve a denial as recovered with the amount the payer paid."""
    denial = Denial.objects.select_for_update().get(pk=denial.pk)
    before = denial.status
    denial.status = Denial.Status.RECOVERED
    denial.recovered_amount = (denial.recovered_amount or ZERO) + amount
    denial.resolved_at = timezone.now()
    denial.resolution_note = note
    denial.save(update_fields=["status", "recovered_amount", "resolved_at",
                               "resolution_note"])
    DenialScore.objects.filter(denial_id=denial.pk).update(write_off_review=False)
    _score_mirror(denial)
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


DEADLINE_FIELDS = ["appeal_deadline", "no_appeal_rights", "deadline_note"]
SCORE_FIELDS = [
    "priority", "priority_parts", "priority_explanation", "write_off_review",
    "scored_at",
]


def denials_score(*, denial_ids: Sequence[int], today: date | None = None) -> int:
    """Recompute deadline and priority of the given denials; returns how many changed.

    Idempotent: scoring the same denials again on the same day changes nothing.
    """
    rows = list(
        Denial.objects.filter(pk__in=list(denial_ids), status__in=Denial.OPEN_STATUSES)
        .values_list(*SCORE_INPUTS)
    )
    if not rows:
        return 0
    return _score_and_write(rows, today=today or timezone.localdate())


# What scoring reads: inputs, then the stored outputs it compares against. Nothing
# stored depends on the day by itself (the days left are rendered, not stored), so a
# nightly rerun writes only the denials whose urgency, priority or deadline moved.
SCORE_INPUTS = (
    "id", "practice_id", "payer_id", "category_id", "carc", "denied_amount",
    "remit_date", "service_date", "appeal_deadline", "no_appeal_rights", "deadline_note",
    "score__priority", "score__write_off_review", "score__priority_parts",
)


def _score_and_write(rows: list[tuple], *, today: date,
                     settings_row: QueueSettings | None = None,
                     stats: dict[tuple, tuple[int, int]] | None = None,
                     write=None) -> int:
    """Score rows of SCORE_INPUTS in memory and write back only the changed ones."""
    settings_row = settings_row or QueueSettings.objects.first() or QueueSettings()
    rework_cost = Decimal(str(settings_row.rework_cost))
    half_life = settings_row.urgency_half_life_days
    rules = appeal_rules_by_payer({r[2] for r in rows if r[2]})
    if stats is None:
        stats = overturn_stats({r[1] for r in rows})
    deadline_cache: dict[tuple, deadlines.Deadline] = {}
    chance_cache: dict[tuple, tuple[Decimal, int]] = {}
    changed_deadlines: list[tuple] = []
    changed: list[tuple] = []
    moved = 0
    score_denial = scoring.score_denial
    for (pk, practice_id, payer_id, category_id, carc, amount, remit_date, service_date,
         *old) in rows:
        key = (payer_id, carc, remit_date, service_date)
        dl = deadline_cache.get(key)
        if dl is None:
            rule = rules.get(payer_id) or rules.get(None)
            dl = deadline_cache[key] = deadlines.appeal_deadline(
                rule, carc=carc, remit_date=remit_date, service_date=service_date
            )
        group = (practice_id, payer_id, category_id)
        chance_decided = chance_cache.get(group)
        if chance_decided is None:
            won, decided = stats.get(group, (0, 0))
            chance_decided = chance_cache[group] = (
                scoring.overturn_chance(
                    wins=won, outcomes=decided, prior=settings_row.overturn_prior,
                    weight=settings_row.prior_weight,
                ),
                decided,
            )
        chance, decided = chance_decided
        s = score_denial(
            denied_amount=amount, chance=chance, rework_cost=rework_cost,
            days_left=None if dl.deadline is None else (dl.deadline - today).days,
            no_appeal_rights=dl.no_appeal_rights, half_life_days=half_life,
        )
        parts = s.parts()
        parts["level"] = dl.level
        parts["outcomes"] = decided
        deadline = (dl.deadline, dl.no_appeal_rights, dl.note[:300])
        score = (s.priority, s.write_off_review, parts)
        deadline_moved = tuple(old[:3]) != deadline
        if deadline_moved:
            changed_deadlines.append((pk, *deadline))
        if tuple(old[3:]) != score:
            # No stored line: Denial.priority_explanation renders it from the parts.
            changed.append((pk, practice_id, s.priority, parts, "", s.write_off_review))
            moved += 1
        elif deadline_moved:
            moved += 1
    if moved:
        (write or _write_scores)(changed_deadlines, changed)
    return moved


def _write_scores(deadline_rows: list[tuple], score_rows: list[tuple]) -> None:
    """Write (id, *DEADLINE_FIELDS) rows to denials, (id, practice, *score) to scores.

    PostgreSQL: COPY into temp tables + UPDATE ... FROM. Denials get written only when
    their deadline moved (a rule change); a rescore otherwise rewrites score rows only.
    """

    from django.db import connection

    now = timezone.now()
    if connection.vendor != "postgresql":
        _write_scores_orm(deadline_rows, score_rows, now)
        return
    with transaction.atomic(), connection.cursor() as cursor:
        # Scores are recomputed from the rows themselves: losing the last batches of
        # a crash loses nothing a rerun does not rebuild, so skip waiting for the flush.
        cursor.execute("SET LOCAL synchronous_commit = off")
        # A batch statement: compiling it (JIT) costs more than it saves.
        cursor.execute("SET LOCAL jit = off")
        if deadline_rows:
            cursor.execute(
                "CREATE TEMP TABLE IF NOT EXISTS denial_deadlines ("
                " id bigint PRIMARY KEY, appeal_deadline date,"
                " no_appeal_rights boolean, deadline_note text) ON COMMIT DELETE ROWS"
            )
            # An enclosing transaction keeps earlier batches' rows: start empty.
            cursor.execute("TRUNCATE denial_deadlines")
            with cursor.copy("COPY denial_deadlines FROM STDIN") as copy:
                for row in deadline_rows:
                    copy.write_row(row)
            cursor.execute(
                f"UPDATE {Denial._meta.db_table} AS d"
                " SET appeal_deadline = s.appeal_deadline,"
                " no_appeal_rights = s.no_appeal_rights,"
                " deadline_note = s.deadline_note"
                " FROM denial_deadlines AS s WHERE d.id = s.id"
                # The batch's id range: without it the planner, blind to the temp
                # table's size, hash-joins a scan of the whole table per batch.
                " AND d.id BETWEEN %s AND %s",
                [deadline_rows[0][0], deadline_rows[-1][0]],
            )
        if not score_rows:
            return
        cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS denial_scores ("
            " id bigint PRIMARY KEY, practice_id bigint, priority numeric(14,4),"
            " priority_parts jsonb, priority_explanation text,"
            " write_off_review boolean) ON COMMIT DELETE ROWS"
        )
        cursor.execute("TRUNCATE denial_scores")
        dumps = _parts_json
        with cursor.copy("COPY denial_scores FROM STDIN") as copy:
            for pk, practice_id, priority, parts, text, review in score_rows:
                copy.write_row((pk, practice_id, priority, dumps(parts), text, review))
        table = DenialScore._meta.db_table
        cursor.execute(
            f"UPDATE {table} AS d SET priority = s.priority,"
            " priority_parts = s.priority_parts,"
            " priority_explanation = s.priority_explanation,"
            " write_off_review = s.write_off_review, scored_at = %s"
            " FROM denial_scores AS s WHERE d.denial_id = s.id"
            " AND d.denial_id BETWEEN %s AND %s",
            [now, score_rows[0][0], score_rows[-1][0]],
        )
        if cursor.rowcount < len(score_rows):
            # Denials without a score row yet (created before it was kept): add it.
            denials = Denial._meta.db_table
            marks = ", ".join(["%s"] * len(Denial.OPEN_STATUSES))
            cursor.execute(
                f"INSERT INTO {table} (denial_id, practice_id, priority,"
                " priority_parts, priority_explanation, write_off_review, scored_at,"
                " open, unclaimed)"
                " SELECT s.id, s.practice_id, s.priority, s.priority_parts,"
                " s.priority_explanation, s.write_off_review, %s,"
                f" d.status IN ({marks}), d.status = 'new' AND d.assignee_id IS NULL"
                f" FROM denial_scores AS s JOIN {denials} AS d ON d.id = s.id"
                f" WHERE NOT EXISTS (SELECT 1 FROM {table} AS x"
                " WHERE x.denial_id = s.id)",
                [now, *Denial.OPEN_STATUSES],
            )


_PARTS_KEYS = (
    "expected_recovery", "overturn_chance", "rework_cost", "urgency",
    "write_off_review", "level", "outcomes",
)


def _parts_json(parts: dict) -> str:
    """The parts as JSON; a format string for the usual shape (json.dumps per row was
    a tenth of a million-row rescore), json.dumps for anything else."""
    import json

    if parts.keys() != set(_PARTS_KEYS):
        return json.dumps(parts)
    review = "true" if parts["write_off_review"] else "false"
    return (
        f'{{"expected_recovery": "{parts["expected_recovery"]}",'
        f' "overturn_chance": "{parts["overturn_chance"]}",'
        f' "rework_cost": "{parts["rework_cost"]}", "urgency": "{parts["urgency"]}",'
        f' "write_off_review": {review}, "level": {_json_string(parts["level"])},'
        f' "outcomes": {int(parts["outcomes"])}}}'
    )


@functools.lru_cache(maxsize=256)
def _json_string(value) -> str:
    import json

    return json.dumps(value)


def _write_scores_orm(deadline_rows: list[tuple], score_rows: list[tuple], now) -> None:
    if deadline_rows:
        objs = []
        for pk, *values in deadline_rows:
            d = Denial(pk=pk)
            for name, value in zip(DEADLINE_FIELDS, values, strict=True):
                setattr(d, name, value)
            objs.append(d)
        Denial.objects.bulk_update(objs, DEADLINE_FIELDS, batch_size=1000)
    if not score_rows:
        return
    existing = set(
        DenialScore.objects.filter(denial_id__in=[r[0] for r in score_rows])
        .values_list("denial_id", flat=True)
    )
    updates, missing = [], []
    for pk, practice_id, priority, parts, text, review in score_rows:
        score = DenialScore(
            denial_id=pk, practice_id=practice_id, priority=priority,
            priority_parts=parts, priority_explanation=text, write_off_review=review,
            scored_at=now,
        )
        (updates if pk in existing else missing).append(score)
    DenialScore.objects.bulk_update(updates, SCORE_FIELDS, batch_size=1000)
    if missing:
        states = {
            pk: Denial(status=status, assignee_id=assignee_id)
            for pk, status, assignee_id in Denial.objects.filter(
                pk__in=[s.denial_id for s in missing]
            ).values_list("pk", "status", "assignee_id")
        }
        for score in missing:
            state = states[score.denial_id]
            score.open, score.unclaimed = state.is_open, state.is_unclaimed
        DenialScore.objects.bulk_create(missing, batch_size=1000)


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
    _score_mirror(denial)
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
    _score_mirror(denial)
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


# The queue -------------------------------------------------------------------------


def denial_next(*, user, practice_ids: Sequence[int], attempts: int = 5) -> Denial | None:
    """Hand the user the best unassigned new denial of these practices, atomically.

    The candidate row is locked with SKIP LOCKED where the database has it, and the
    claim itself is a conditional UPDATE ... WHERE assignee IS NULL whose row count is
    checked, so two billers pressing "next" at once never get the same denial.
    """
    from django.db import connection

    if connection.vendor == "postgresql":
        return _denial_next_postgresql(user=user, practice_ids=practice_ids)
    skip_locked = connection.features.has_select_for_update_skip_locked
    for _ in range(attempts):
        with transaction.atomic():
            candidates = Denial.objects.filter(
                practice_id__in=list(practice_ids), status=S.NEW, assignee__isnull=True
            ).order_by("-score__priority", "-id")
            if skip_locked:
                candidates = candidates.select_for_update(skip_locked=True)
            pk = candidates.values_list("pk", flat=True).first()
            if pk is None:
                return None
            now = timezone.now()
            claimed = Denial.objects.filter(
                pk=pk, status=S.NEW, assignee__isnull=True
            ).update(
                assignee=user, assigned_at=now, status=S.IN_PROGRESS,
                first_worked_at=Coalesce(
                    F("first_worked_at"), Value(now, output_field=DateTimeField())
                ),
            )
            if claimed != 1:
                continue
            DenialScore.objects.filter(denial_id=pk).update(unclaimed=False)
            DenialEvent.objects.bulk_create([
                DenialEvent(denial_id=pk, actor=user, kind=DenialEvent.Kind.ASSIGNED,
                            text=f"Taken by {user.get_username()} (next denial)"),
                DenialEvent(denial_id=pk, actor=user, kind=DenialEvent.Kind.STATUS,
                            from_status=S.NEW, to_status=S.IN_PROGRESS),
            ])
            return Denial(pk=pk)
    return None


def _denial_next_postgresql(*, user, practice_ids: Sequence[int]) -> Denial | None:
    """One statement: lock the best free score row (SKIP LOCKED), claim its denial,
    clear the score's mirror and log the events."""
    from django.db import connection

    table, events = Denial._meta.db_table, DenialEvent._meta.db_table
    scores = DenialScore._meta.db_table
    sql = f"""
        WITH candidate AS (
          SELECT denial_id FROM {scores}
          WHERE unclaimed AND practice_id = ANY(%(practices)s)
          ORDER BY priority DESC, denial_id DESC LIMIT 1 FOR UPDATE SKIP LOCKED),
        taken AS (
          UPDATE {table} SET assignee_id = %(user)s, status = 'in_progress',
                 assigned_at = now(), first_worked_at = coalesce(first_worked_at, now())
          WHERE id = (SELECT denial_id FROM candidate)
          AND status = 'new' AND assignee_id IS NULL
          RETURNING id),
        cleared AS (
          -- Taken, or not free after all (a stale mirror): out of "next" either way.
          UPDATE {scores} SET unclaimed = false
          WHERE denial_id = (SELECT denial_id FROM candidate)),
        logged AS (
          INSERT INTO {events} (denial_id, at, actor_id, kind, from_status, to_status, text)
          SELECT taken.id, now(), %(user)s, e.kind, e.from_status, e.to_status, e.text
          FROM taken, (VALUES ('assigned', '', '', %(text)s),
                              ('status', 'new', 'in_progress', '')
                      ) AS e(kind, from_status, to_status, text))
        SELECT id FROM taken"""
    params = {
        "user": user.pk, "practices": list(practice_ids),
        "text": f"Taken by {user.get_username()} (next denial)",
    }
    free = DenialScore.objects.filter(
        practice_id__in=list(practice_ids), unclaimed=True
    )
    for _ in range(5):
        # A single statement is atomic on its own; no BEGIN/COMMIT round trips.
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
        if row:
            return Denial(pk=row[0])
        # Nothing unlocked was free: either the queue is empty or others hold locks.
        if not free.exists():
            return None
    return None


def denial_reassign(*, denial: Denial, assignee, by, may_assign_others: bool) -> Denial:
    """Assign a denial as a person may: anyone to themselves, managers to anyone."""
    from core.errors import ApplicationError
    from core.models import Membership

    current = denial.assignee_id
    if not may_assign_others:
        if assignee is not None and assignee.pk != by.pk:
            raise ApplicationError("Only a manager can assign a denial to someone else.",
                                   field="assignee")
        if assignee is None and current not in (None, by.pk):
            raise ApplicationError("Only a manager can unassign someone else's denial.",
                                   field="assignee")
    if assignee is not None and not Membership.objects.filter(
        user=assignee, practice_id=denial.practice_id
    ).exists():
        raise ApplicationError("That person does not work in this denial's practice.",
                               field="assignee")
    if (assignee.pk if assignee else None) == current:
        raise ApplicationError(
            "The denial is already assigned to that person." if assignee
            else "The denial is not assigned to anyone.", field="assignee",
        )
    return denial_assign(denial=denial, assignee=assignee, by=by)


@transaction.atomic
def denial_root_cause_set(*, denial: Denial, category: Category, by) -> Denial:
    """Confirm the suggested root cause, or change it, in one recorded action."""
    denial = Denial.objects.select_for_update().get(pk=denial.pk)
    before = denial.root_cause
    denial.root_cause = category
    denial.root_cause_confirmed = True
    denial.save(update_fields=["root_cause", "root_cause_confirmed"])
    if before is not None and before.pk == category.pk:
        text = f"Root cause confirmed: {category.name}"
    else:
        text = f"Root cause set to {category.name}" + (
            f" (was {before.name})" if before is not None else ""
        )
    DenialEvent.objects.create(denial=denial, actor=by, kind=DenialEvent.Kind.ROOT_CAUSE,
                               text=text)
    return denial


# Rescoring many ----------------------------------------------------------------------

RESCORE_BATCH = 50_000


def denials_rescore(
    *, payer_ids: Sequence[int] | None = None, batch_size: int = RESCORE_BATCH,
    today: date | None = None,
) -> int:
    """Rescore every open denial (or those of some payers and their aliases) in batches.

    Walks the open denials in id order, a bounded batch at a time, so memory stays flat
    at any size; returns how many changed.
    """
    from core.models import Practice
    from remits.models import Payer

    today = today or timezone.localdate()
    settings_row = QueueSettings.objects.first() or QueueSettings()
    qs = Denial.objects.filter(status__in=Denial.OPEN_STATUSES)
    if payer_ids is not None:
        ids = set(payer_ids)
        ids |= set(Payer.objects.filter(canonical_id__in=ids).values_list("pk", flat=True))
        qs = qs.filter(payer_id__in=ids)
    # Outcomes are read once per run, not once per batch (it scans the resolved ones).
    stats = overturn_stats(Practice.objects.values_list("pk", flat=True))
    changed, last = 0, 0
    with _BatchWriter() as writer:
        while True:
            rows = list(qs.filter(pk__gt=last).order_by("pk")
                        .values_list(*SCORE_INPUTS)[:batch_size])
            if not rows:
                return changed
            last = rows[-1][0]
            changed += _score_and_write(rows, today=today, settings_row=settings_row,
                                        stats=stats, write=writer.write)


class _BatchWriter:
    """Write a batch's scores while the next batch is read and scored.

    On PostgreSQL outside a transaction, one writer thread with its own connection
    applies batch N while this thread reads and scores batch N + 1: the database's
    rewrite and Python's scoring overlap instead of taking turns (each is about half
    of a full rescore). At most one batch waits, so memory stays bounded. Batches
    are independent (disjoint id ranges, each committed on its own, as before).
    Inside a transaction (tests, callers that need one) it writes inline.
    """

    def __init__(self) -> None:
        from django.db import connection

        self.pool = None
        self.pending = None
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            from concurrent.futures import ThreadPoolExecutor

            self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="rescore")

    def write(self, deadline_rows: list[tuple], score_rows: list[tuple]) -> None:
        if self.pool is None:
            _write_scores(deadline_rows, score_rows)
            return
        self.wait()
        self.pending = self.pool.submit(_write_scores, deadline_rows, score_rows)

    def wait(self) -> None:
        if self.pending is not None:
            pending, self.pending = self.pending, None
            pending.result()  # a failed batch fails the run, as inline

    def __enter__(self) -> "_BatchWriter":
        return self

    def __exit__(self, *exc) -> None:
        if self.pool is None:
            return
        try:
            self.wait()
        finally:
            # The writer thread's own connection ends with it.
            self.pool.submit(_close_connection).result()
            self.pool.shutdown()


def _close_connection() -> None:
    from django.db import connection

    connection.close()


def payer_rules_changed(*, payer_ids: Sequence[int] | None) -> None:
    """Queue a rescore of the open denials a payer or rule change touches (on commit).

    None means every payer (a class default or the queue settings changed).
    """
    from .tasks import denials_rescore_all_task, denials_rescore_payers_task

    if payer_ids is None:
        transaction.on_commit(lambda: denials_rescore_all_task.delay())
    else:
        ids = sorted(set(payer_ids))
        transaction.on_commit(lambda: denials_rescore_payers_task.delay(ids))
