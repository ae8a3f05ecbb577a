"""Writes of the appeals app: start, letter, evidence, submit, outcome, reminders."""

import hashlib
import logging
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import IO

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.errors import ApplicationError
from denials import deadlines
from denials.models import Denial, DenialEvent
from denials.services import appeal_rules_by_payer, denial_transition

from . import evidence as sniffing
from . import guidance, letters
from .models import (
    APPEAL_LIKE_ACTIONS,
    Action,
    Appeal,
    Evidence,
    EvidenceChecklist,
    Letter,
    LetterTemplate,
    Notification,
)

logger = logging.getLogger(__name__)
ZERO = Decimal("0")
CENT = Decimal("0.01")
DEFAULT_FOLLOW_UP_DAYS = 30
MAX_DENIALS_PER_APPEAL = 50
S = Denial.Status
A = Appeal.Status


def evidence_max_bytes() -> int:
    return int(getattr(settings, "EVIDENCE_MAX_BYTES", sniffing.DEFAULT_MAX_BYTES))


def evidence_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "evidence"


def evidence_path(item: Evidence) -> Path:
    return evidence_dir() / item.stored_name


def money(value: Decimal | None) -> str:
    return f"${(value or ZERO):,.2f}"


def long_date(value: date | None) -> str:
    return f"{value:%B %d, %Y}" if value else ""


# Deadlines and guidance -----------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    """What the start page shows: the rule's level, its deadline and the guidance."""

    level_index: int
    level_name: str
    levels: int
    deadline: deadlines.Deadline
    guidance: guidance.Guidance
    checklist: list[str]


def _payer_class(denial: Denial) -> str:
    return denial.payer.payer_class if denial.payer_id and denial.payer else "unknown"


def upheld_levels(denial: Denial) -> int:
    """How many appeal levels of this denial were already used and upheld."""
    return (
        Appeal.objects.filter(denials=denial, status=A.UPHELD)
        .exclude(action__in=[Action.CORRECTED_CLAIM, Action.REOPENING])
        .count()
    )


def checklist_for(category) -> list[str]:
    from .reference import CHECKLISTS

    if category is None:
        return list(CHECKLISTS["uncategorized"])
    row = EvidenceChecklist.objects.filter(category=category).first()
    if row is not None:
        return list(row.items)
    return list(CHECKLISTS.get(category.slug, CHECKLISTS["uncategorized"]))


def appeal_plan(
    *,
    denial: Denial,
    level_index: int | None = None,
    clock_from: date | None = None,
    today: date | None = None,
) -> Plan:
    """The level, deadline and recommended action for appealing `denial` now."""
    today = today or timezone.localdate()
    if level_index is None:
        level_index = upheld_levels(denial)
    rules = appeal_rules_by_payer([denial.payer_id] if denial.payer_id else [])
    rule = rules.get(denial.payer_id) or rules.get(None)
    levels = len(rule.levels) if rule else 0
    if clock_from is None and level_index > 0:
        last = (
            Appeal.objects.filter(denials=denial, status=A.UPHELD)
            .exclude(decided_on=None)
            .order_by("-decided_on")
            .first()
        )
        clock_from = last.decided_on if last else None
    dl = deadlines.appeal_deadline(
        rule,
        carc=denial.carc,
        remit_date=clock_from or denial.remit_date,
        service_date=denial.service_date,
        level_index=level_index,
    )
    level_name = dl.level or (
        rule.levels[level_index][0] if rule and level_index < levels else ""
    )
    advice = guidance.recommend(
        payer_class=_payer_class(denial),
        carc=denial.carc,
        group=denial.group_code,
        rarc=denial.rarc,
        category=denial.category.slug if denial.category_id else "",
        deadline=dl.deadline,
        today=today,
        level_index=level_index,
        level_name=level_name,
        levels=levels,
        payer_claim_number=denial.payer_claim_number,
    )
    return Plan(
        level_index, level_name, levels, dl, advice, checklist_for(denial.category)
    )


# Start ----------------------------------------------------------------------------


def _lock_denials(denial_ids: Iterable[int]) -> list[Denial]:
    # Ordered row locks: two billers appealing overlapping sets cannot deadlock.
    return list(
        Denial.objects.select_for_update()
        .filter(pk__in=sorted(set(denial_ids)))
        .order_by("pk")
    )


@transaction.atomic
def appeal_start(
    *,
    denials: Sequence[Denial],
    action: str,
    by,
    frequency_code: str = "",
    previous: Appeal | None = None,
    today: date | None = None,
) -> Appeal:
    """Create a draft appeal for one or more open denials of one practice and payer."""
    today = today or timezone.localdate()
    if not denials:
        raise ApplicationError("Choose at least one denial.", field="denials")
    if len(denials) > MAX_DENIALS_PER_APPEAL:
        raise ApplicationError(
            f"One appeal can cover at most {MAX_DENIALS_PER_APPEAL} denials.",
            field="denials",
        )
    if action not in Action.values:
        raise ApplicationError(f"Unknown action {action!r}.", field="action")
    if action == Action.WRITE_OFF:
        raise ApplicationError(
            "A write-off is not sent to the payer: use “Write off” instead.",
            field="action",
        )
    locked = _lock_denials(d.pk for d in denials)
    first = locked[0]
    if any(d.practice_id != first.practice_id for d in locked):
        raise ApplicationError(
            "The denials belong to different practices.", field="denials"
        )
    if any(d.payer_id != first.payer_id for d in locked):
        raise ApplicationError(
            "One appeal goes to one payer: these denials are from different payers.",
            field="denials",
        )
    closed = [d for d in locked if not d.is_open]
    if closed:
        raise ApplicationError(
            f"Denial {closed[0].pk} is already resolved "
            f"({closed[0].get_status_display()}); reopen it first.",
            field="denials",
        )
    busy = (
        Appeal.objects.filter(denials__in=locked, status__in=Appeal.OPEN_STATUSES)
        .exclude(pk=previous.pk if previous else None)
        .distinct()
        .first()
    )
    if busy is not None:
        raise ApplicationError(
            f"Appeal {busy.pk} is already open for this denial: finish or withdraw "
            "it first.",
            field="denials",
        )
    level_index = previous.level_index + 1 if previous else None
    clock_from = previous.decided_on if previous else None
    plans = [
        appeal_plan(
            denial=d, level_index=level_index, clock_from=clock_from, today=today
        )
        for d in locked
    ]
    plan = min(plans, key=lambda p: p.deadline.deadline or date.max)
    if (
        action in APPEAL_LIKE_ACTIONS
        and previous is not None
        and plan.level_index >= plan.levels
    ):
        raise ApplicationError(
            "No further appeal level is configured for this payer: write the "
            "balance off "
            "or ask an admin to add the next level.",
            field="action",
        )
    if action in APPEAL_LIKE_ACTIONS:
        if plan.deadline.no_appeal_rights:
            raise ApplicationError(
                f"{plan.deadline.note} Write it off, or request a reopening with "
                "proof of "
                "timely filing.",
                field="action",
            )
        if plan.deadline.deadline is not None and plan.deadline.deadline < today:
            raise ApplicationError(
                f"The appeal deadline passed on {plan.deadline.deadline:%b %d, %Y}: "
                "the payer "
                "would refuse the appeal as late. Consider a write-off instead.",
                field="action",
            )
        if previous is not None:
            # The level decides the word: Medicare's second level is a reconsideration.
            action = guidance.level_action(plan.level_name)
    if action == Action.CORRECTED_CLAIM and frequency_code not in ("", "7", "8"):
        raise ApplicationError(
            "Frequency must be 7 (replace) or 8 (void).", field="frequency_code"
        )
    appeal = Appeal.objects.create(
        practice_id=first.practice_id,
        payer_id=first.payer_id,
        action=action,
        level_index=plan.level_index,
        level_name=plan.level_name
        if action in APPEAL_LIKE_ACTIONS
        else Action(action).label,
        deadline=plan.deadline.deadline,
        deadline_note=plan.deadline.note[:300],
        no_appeal_rights=plan.deadline.no_appeal_rights,
        amount_requested=sum((d.denied_amount for d in locked), ZERO),
        frequency_code=(frequency_code or "7")
        if action == Action.CORRECTED_CLAIM
        else "",
        payer_claim_number=first.payer_claim_number if len(locked) == 1 else "",
        previous=previous,
        assignee=first.assignee or by,
        created_by=by,
    )
    appeal.denials.set(locked)
    for d in locked:
        if d.status == S.NEW:
            denial_transition(
                denial=d,
                to_status=S.IN_PROGRESS,
                by=by,
                note=f"{appeal.get_action_display()} {appeal.pk} started",
            )
    DenialEvent.objects.bulk_create(
        [
            DenialEvent(
                denial=d,
                actor=by,
                kind=DenialEvent.Kind.APPEAL,
                text=f"{appeal.get_action_display()} {appeal.pk} drafted"
                f"{' (' + appeal.level_name + ')' if appeal.level_name else ''}",
            )
            for d in locked
        ]
    )
    if appeal.needs_letter:
        template = template_best(appeal=appeal, category=first.category)
        if template is not None:
            appeal.template = template
            appeal.letter_draft = letters.render(
                template.body, letter_context(appeal=appeal)
            )
            appeal.save(update_fields=["template", "letter_draft"])
    return appeal


@transaction.atomic
def denials_write_off(*, denials: Sequence[Denial], by, note: str) -> int:
    """Write off denials whose appeal is not worth it or no longer possible."""
    if not note.strip():
        raise ApplicationError("Give the reason for the write-off.", field="note")
    done = 0
    for d in _lock_denials(x.pk for x in denials):
        if (
            d.status in (S.APPEALED, S.CORRECTED_SENT)
            and Appeal.objects.filter(
                denials=d, status__in=Appeal.WAITING_STATUSES
            ).exists()
        ):
            raise ApplicationError(
                f"Denial {d.pk} has an appeal waiting on the payer: record its "
                "outcome first.",
                field="denials",
            )
        denial_transition(denial=d, to_status=S.WRITTEN_OFF, by=by, note=note.strip())
        done += 1
    return done


# Letters --------------------------------------------------------------------------


def template_best(*, appeal: Appeal, category) -> LetterTemplate | None:
    """The active template for this action, category and level; generic ones last."""
    action = appeal.action if appeal.action != Action.CORRECTED_CLAIM else Action.APPEAL
    candidates = list(
        LetterTemplate.objects.filter(active=True, action=action).select_related(
            "category"
        )
    )
    if not candidates and action == Action.RECONSIDERATION:
        candidates = list(
            LetterTemplate.objects.filter(active=True, action=Action.APPEAL)
        )

    def rank(t: LetterTemplate) -> tuple:
        if t.category_id is not None and (
            category is None or t.category_id != category.pk
        ):
            return (9,)
        if t.level_index is not None and t.level_index != appeal.level_index:
            return (9,)
        return (0 if t.category_id else 1, 0 if t.level_index is not None else 1, t.pk)

    ranked = sorted((rank(t), t.pk, t) for t in candidates)
    ranked = [r for r in ranked if r[0] != (9,)]
    return ranked[0][2] if ranked else None


def _code_lines(denials: Sequence[Denial]) -> list[str]:
    from remits.codes import code_descriptions

    carcs: dict[str, set[str]] = {"CARC": set(), "RARC": set()}
    ordered: list[str] = []
    for d in denials:
        for code in d.codes:
            if code not in ordered:
                ordered.append(code)
            if "-" in code:
                carcs["CARC"].add(code.split("-", 1)[1])
            else:
                carcs["RARC"].add(code)
    described = code_descriptions(carcs)
    result = []
    for code in ordered:
        key = ("CARC", code.split("-", 1)[1]) if "-" in code else ("RARC", code)
        text = described.get(key, "")
        result.append(f"{code}: {text}" if text else code)
    return result


def _service_lines(denial: Denial) -> list[str]:
    dates = {ln.line_number: ln.service_date for ln in denial.claim.lines.all()}
    out = []
    for line in denial.denied_lines:
        when = dates.get(line.get("line"))
        codes = ", ".join(line.get("codes", []))
        out.append(
            f"Line {line.get('line')}: {line.get('procedure', '')}"
            f"{' on ' + long_date(when) if when else ''}: denied "
            f"{money(Decimal(str(line.get('amount', '0'))))}"
            f"{' (' + codes + ')' if codes else ''}"
        )
    if not out:
        out.append(
            f"Whole claim: billed {money(denial.billed_amount)}, denied "
            f"{money(denial.denied_amount)}"
        )
    return out


def letter_context(*, appeal: Appeal, by=None) -> dict[str, str]:
    """Every merge field's value for this appeal (the first denial leads)."""
    denials = list(
        appeal.denials.select_related("practice", "payer", "category", "claim")
        .prefetch_related("claim__lines")
        .order_by("pk")
    )
    first = denials[0]
    practice = first.practice
    user = by or appeal.created_by
    biller = (user.get_full_name() or user.get_username()) if user else ""
    lines: list[str] = []
    for d in denials:
        prefix = f"{d.account_number}: " if len(denials) > 1 else ""
        lines += [prefix + line for line in _service_lines(d)]
    return {
        "today": long_date(timezone.localdate()),
        "practice_name": practice.name,
        "practice_tin": practice.tin,
        "practice_npi": (practice.npis or [""])[0],
        "payer_name": first.payer.name if first.payer else "",
        "payer_id": first.payer.identifier if first.payer else "",
        "patient_name": first.patient_name,
        "account_number": ", ".join(dict.fromkeys(d.account_number for d in denials)),
        "payer_claim_number": appeal.payer_claim_number or first.payer_claim_number,
        "rendering_npi": first.rendering_npi,
        "service_date": long_date(first.service_date),
        "remit_date": long_date(first.remit_date),
        "billed_amount": money(sum((d.billed_amount for d in denials), ZERO)),
        "denied_amount": money(sum((d.denied_amount for d in denials), ZERO)),
        "codes": "\n".join(_code_lines(denials)),
        "lines": "\n".join(lines),
        "claims": "\n".join(
            f"{d.account_number} / {d.payer_claim_number or 'no ICN'}: "
            f"{long_date(d.service_date)}, denied {money(d.denied_amount)}"
            for d in denials
        ),
        "category": first.category.name if first.category_id else "",
        "level_name": appeal.level_name,
        "deadline": long_date(appeal.deadline) or "the payer's deadline",
        "appeal_id": str(appeal.pk),
        "biller_name": biller,
    }


def _require_draft(appeal: Appeal, what: str) -> None:
    if appeal.status != A.DRAFT:
        raise ApplicationError(
            f"The appeal is {appeal.get_status_display().lower()}: {what} only "
            "while it is a "
            "draft.",
            field="status",
        )


def _locked(appeal: Appeal) -> Appeal:
    return Appeal.objects.select_for_update().get(pk=appeal.pk)


def _render_or_refuse(body: str, context: dict[str, str], field: str = "body") -> str:
    try:
        return letters.render(body, context)
    except letters.LetterTemplateError as exc:
        raise ApplicationError(
            f"The letter cannot be rendered: {exc}", field=field
        ) from None


@transaction.atomic
def appeal_letter_from_template(
    *, appeal: Appeal, template: LetterTemplate, by
) -> Appeal:
    """Replace the draft letter with `template` filled in for this appeal."""
    appeal = _locked(appeal)
    _require_draft(appeal, "the letter can change")
    if not template.active:
        raise ApplicationError("That template is not active.", field="template")
    appeal.letter_draft = _render_or_refuse(
        template.body, letter_context(appeal=appeal, by=by), field="template"
    )
    appeal.template = template
    appeal.save(update_fields=["letter_draft", "template", "updated_at"])
    return appeal


@transaction.atomic
def appeal_letter_save(*, appeal: Appeal, body: str, by) -> Appeal:
    """Keep the biller's edited draft (merge fields may remain until finalize)."""
    appeal = _locked(appeal)
    _require_draft(appeal, "the letter can change")
    body = body.replace("\r\n", "\n")
    if len(body) > 50_000:
        raise ApplicationError(
            "A letter is limited to 50,000 characters.", field="body"
        )
    letters_problem = letters.problems(body)
    if letters_problem:
        # Saved anyway, so nothing typed is lost; finalize will refuse until fixed.
        logger.info(
            "appeal %s draft saved with %s merge problems",
            appeal.pk,
            len(letters_problem),
        )
    appeal.letter_draft = body
    appeal.save(update_fields=["letter_draft", "updated_at"])
    return appeal


def letter_preview(*, appeal: Appeal, body: str | None = None, by=None) -> str:
    """The draft with its merge fields filled, or an ApplicationError saying why."""
    text = appeal.letter_draft if body is None else body.replace("\r\n", "\n")
    return _render_or_refuse(text, letter_context(appeal=appeal, by=by))


@transaction.atomic
def appeal_letter_finalize(*, appeal: Appeal, by) -> Letter:
    """Freeze the letter text and the list of enclosures; the PDF is made from them."""
    appeal = _locked(appeal)
    _require_draft(appeal, "the letter can be finalized")
    if not appeal.letter_draft.strip():
        raise ApplicationError(
            "Write the letter (or pick a template) first.", field="body"
        )
    body = _render_or_refuse(appeal.letter_draft, letter_context(appeal=appeal, by=by))
    items = list(appeal.evidence.order_by("uploaded_at", "id"))
    return Letter.objects.create(
        appeal=appeal,
        body=body,
        enclosures=[e.original_name for e in items],
        evidence_ids=[e.pk for e in items],
        rendered_by=by,
    )


# Evidence -------------------------------------------------------------------------


@dataclass
class UploadResult:
    saved: list[Evidence]
    refused: list[str]


def _store_one(
    *, appeal: Appeal, name: str, stream: IO[bytes], size: int | None, by
) -> Evidence:
    limit = evidence_max_bytes()
    display = sniffing.safe_display_name(name)
    if size is not None and size > limit:
        raise ApplicationError(
            sniffing.check(name=display, head=b"", size=size, max_bytes=limit).message,
            field="files",
        )
    folder = evidence_dir()
    folder.mkdir(parents=True, exist_ok=True)
    head = stream.read(2048)
    verdict = sniffing.check(
        name=display, head=head, size=max(size or 0, len(head)), max_bytes=limit
    )
    if not verdict.ok:
        raise ApplicationError(verdict.message, field="files")
    stored_name = f"{uuid.uuid4().hex}.{sniffing.EXTENSIONS[verdict.content_type]}"
    path = folder / stored_name
    digest = hashlib.sha256()
    written = 0
    try:
        with open(path, "xb") as out:
            chunk = head
            while chunk:
                written += len(chunk)
                if written > limit:
                    raise ApplicationError(
                        sniffing.check(
                            name=display, head=b"", size=written, max_bytes=limit
                        ).message,
                        field="files",
                    )
                digest.update(chunk)
                out.write(chunk)
                chunk = stream.read(1024 * 1024)
        if verdict.content_type != sniffing.PDF and not sniffing.image_ok(
            path.read_bytes()
        ):
            raise ApplicationError(
                f"{display} was refused: it starts like a "
                f"{sniffing.ALLOWED[verdict.content_type]} image but cannot be read "
                "as one.",
                field="files",
            )
        sha = digest.hexdigest()
        existing = Evidence.objects.filter(appeal=appeal, sha256=sha).first()
        if existing is not None:
            path.unlink(missing_ok=True)
            raise ApplicationError(
                f"{display} is already attached (as {existing.original_name}).",
                field="files",
            )
        with transaction.atomic():
            item = Evidence.objects.create(
                appeal=appeal,
                original_name=display,
                stored_name=stored_name,
                content_type=verdict.content_type,
                size=written,
                sha256=sha,
                note=verdict.note,
                uploaded_by=by,
            )
    except ApplicationError:
        path.unlink(missing_ok=True)
        raise
    except IntegrityError:
        path.unlink(missing_ok=True)
        raise ApplicationError(
            f"{display} is already attached.", field="files"
        ) from None
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return item


def evidence_add(
    *, appeal: Appeal, files: Sequence[tuple[str, IO[bytes], int | None]], by
) -> UploadResult:
    """Store each acceptable file; refuse the others with a message naming each one.

    Each file is stored on its own, so one bad file never undoes the good ones.
    """
    appeal = Appeal.objects.get(pk=appeal.pk)
    if not appeal.is_open:
        raise ApplicationError(
            f"The appeal is {appeal.get_status_display().lower()}: evidence can no "
            "longer be "
            "added.",
            field="files",
        )
    if not files:
        raise ApplicationError("Choose one or more files to upload.", field="files")
    result = UploadResult(saved=[], refused=[])
    for name, stream, size in files:
        try:
            result.saved.append(
                _store_one(appeal=appeal, name=name, stream=stream, size=size, by=by)
            )
        except ApplicationError as exc:
            result.refused.append(exc.message)
    return result


@transaction.atomic
def evidence_remove(*, item: Evidence, by) -> None:
    """Delete an enclosure of a draft appeal, and its stored file."""
    appeal = _locked(item.appeal)
    _require_draft(appeal, "evidence can be removed")
    path = evidence_path(item)
    item.delete()
    transaction.on_commit(lambda: path.unlink(missing_ok=True))


# Submit and outcomes --------------------------------------------------------------


def _move(denial: Denial, to_status: str, *, by, note: str, amount=None) -> None:
    """Move a denial through denial_transition, via in-progress when it must."""
    current = Denial.objects.get(pk=denial.pk)
    if current.status == to_status:
        return
    from denials.services import TRANSITIONS

    if (
        to_status not in TRANSITIONS[current.status]
        and S.IN_PROGRESS in TRANSITIONS[current.status]
    ):
        denial_transition(denial=current, to_status=S.IN_PROGRESS, by=by, note=note)
    denial_transition(
        denial=current, to_status=to_status, by=by, note=note, amount=amount
    )


@transaction.atomic
def appeal_submit(
    *,
    appeal: Appeal,
    by,
    method: str,
    submitted_on: date | None = None,
    follow_up_date: date | None = None,
    payer_claim_number: str | None = None,
    frequency_code: str | None = None,
) -> Appeal:
    """Record that the appeal went to the payer; the denials become appealed."""
    appeal = _locked(appeal)
    today = timezone.localdate()
    submitted_on = submitted_on or today
    _require_draft(appeal, "it can be submitted")
    if method not in Appeal.Method.values:
        raise ApplicationError(
            "Choose how it was sent (mail, fax, portal…).", field="method"
        )
    if submitted_on > today:
        raise ApplicationError(
            "The submission date cannot be in the future.", field="submitted_on"
        )
    if appeal.action in APPEAL_LIKE_ACTIONS:
        if appeal.no_appeal_rights:
            raise ApplicationError(
                "This denial has no appeal rights (Medicare timely filing): write "
                "it off, or "
                "request a reopening with proof of timely filing.",
                field="action",
            )
        if appeal.deadline is not None and submitted_on > appeal.deadline:
            raise ApplicationError(
                f"The appeal deadline passed on {appeal.deadline:%b %d, %Y}: the "
                "payer would "
                "refuse it as late. Consider a write-off instead.",
                field="submitted_on",
            )
    if appeal.needs_letter and not appeal.letters.exists():
        raise ApplicationError(
            "Finalize the letter before marking it submitted.", field="letter"
        )
    if appeal.action == Action.CORRECTED_CLAIM:
        if payer_claim_number is not None:
            appeal.payer_claim_number = payer_claim_number.strip()[:50]
        if frequency_code is not None:
            appeal.frequency_code = frequency_code
        if appeal.frequency_code not in ("7", "8"):
            raise ApplicationError(
                "Frequency must be 7 (replace) or 8 (void).", field="frequency_code"
            )
        if not appeal.payer_claim_number:
            raise ApplicationError(
                "A corrected claim needs the payer's claim number (ICN) of the "
                "original claim.",
                field="payer_claim_number",
            )
    if follow_up_date is not None and follow_up_date < submitted_on:
        raise ApplicationError(
            "The follow-up date must be after the submission date.",
            field="follow_up_date",
        )
    appeal.status = A.SUBMITTED
    appeal.method = method
    appeal.submitted_on = submitted_on
    appeal.follow_up_date = follow_up_date or submitted_on + timedelta(
        days=DEFAULT_FOLLOW_UP_DAYS
    )
    appeal.save()
    target = S.CORRECTED_SENT if appeal.action == Action.CORRECTED_CLAIM else S.APPEALED
    note = (
        f"{appeal.get_action_display()} {appeal.pk} sent by "
        f"{appeal.get_method_display().lower()} on {submitted_on:%b %d, %Y}"
    )
    for d in _lock_denials(appeal.denials.values_list("pk", flat=True)):
        if not d.is_open:
            raise ApplicationError(
                f"Denial {d.pk} is already {d.get_status_display().lower()}; "
                "withdraw this "
                "appeal instead.",
                field="denials",
            )
        _move(d, target, by=by, note=note)
    return appeal


@transaction.atomic
def appeal_mark_in_review(*, appeal: Appeal, by) -> Appeal:
    """The payer acknowledged the appeal and is reviewing it."""
    appeal = _locked(appeal)
    if appeal.status != A.SUBMITTED:
        raise ApplicationError(
            f"Only a submitted appeal can go in review; this one is "
            f"{appeal.get_status_display().lower()}.",
            field="status",
        )
    appeal.status = A.IN_REVIEW
    appeal.save(update_fields=["status", "updated_at"])
    return appeal


OUTCOMES = (A.OVERTURNED, A.PARTIALLY_OVERTURNED, A.UPHELD, A.WITHDRAWN)


def _shares(denials: Sequence[Denial], amount: Decimal) -> list[tuple[Denial, Decimal]]:
    """Spread a recovered amount over the denials, largest open balance first."""
    left = amount
    result = []
    for d in sorted(
        denials, key=lambda d: (-(d.denied_amount - d.recovered_amount), d.pk)
    ):
        share = min(left, max(d.denied_amount - d.recovered_amount, ZERO))
        result.append((d, share))
        left -= share
    if left > ZERO and result:
        # Paid more than denied (interest, fee schedule change): the first takes it.
        d, share = result[0]
        result[0] = (d, share + left)
    return result


@transaction.atomic
def appeal_record_outcome(
    *,
    appeal: Appeal,
    outcome: str,
    by,
    amount: Decimal | None = None,
    note: str = "",
    decided_on: date | None = None,
) -> Appeal:
    """Record the payer's decision; amounts won resolve the denials as recovered."""
    appeal = _locked(appeal)
    today = timezone.localdate()
    decided_on = decided_on or today
    if outcome not in OUTCOMES:
        raise ApplicationError(
            "Choose overturned, partially overturned, upheld or withdrawn.",
            field="outcome",
        )
    if outcome == A.WITHDRAWN:
        if not appeal.is_open:
            raise ApplicationError(
                f"The appeal is already {appeal.get_status_display().lower()}.",
                field="outcome",
            )
    elif appeal.status not in Appeal.WAITING_STATUSES:
        raise ApplicationError(
            "Only a submitted or in-review appeal has a payer decision; this one is "
            f"{appeal.get_status_display().lower()}.",
            field="outcome",
        )
    if decided_on > today:
        raise ApplicationError(
            "The decision date cannot be in the future.", field="decided_on"
        )
    if (
        appeal.submitted_on
        and decided_on < appeal.submitted_on
        and outcome != A.WITHDRAWN
    ):
        raise ApplicationError(
            "The decision date is before the submission date.", field="decided_on"
        )
    recovering = outcome in (A.OVERTURNED, A.PARTIALLY_OVERTURNED)
    if recovering:
        if amount is None or amount <= ZERO:
            raise ApplicationError("Enter the amount the payer paid.", field="amount")
        amount = amount.quantize(CENT)
    was_waiting = appeal.status in Appeal.WAITING_STATUSES
    appeal.status = outcome
    appeal.decided_on = decided_on
    appeal.outcome_note = note.strip()
    appeal.amount_recovered = amount if recovering else ZERO
    appeal.save()
    status_label = appeal.get_status_display().lower()
    label = f"{appeal.get_action_display()} {appeal.pk} {status_label}"
    denials = _lock_denials(appeal.denials.values_list("pk", flat=True))
    if recovering:
        for d, share in _shares(denials, amount):
            if not d.is_open:
                continue
            if share > ZERO:
                _move(
                    d,
                    S.RECOVERED,
                    by=by,
                    note=f"{label}: {note}".strip(": "),
                    amount=share,
                )
            elif d.status != S.IN_PROGRESS:
                _move(
                    d, S.IN_PROGRESS, by=by, note=f"{label}: nothing paid on this claim"
                )
    elif was_waiting:
        # Upheld or withdrawn: the denial is worked again (escalate or write off).
        for d in denials:
            if d.is_open and d.status != S.IN_PROGRESS:
                _move(d, S.IN_PROGRESS, by=by, note=f"{label}: {note}".strip(": "))
    DenialEvent.objects.bulk_create(
        [
            DenialEvent(
                denial=d,
                actor=by,
                kind=DenialEvent.Kind.APPEAL,
                text=label,
                amount=appeal.amount_recovered if recovering else None,
            )
            for d in denials
        ]
    )
    return appeal


@transaction.atomic
def appeal_escalate(*, appeal: Appeal, by) -> Appeal:
    """Start the next level of an upheld appeal, with that level's own deadline."""
    appeal = _locked(appeal)
    if appeal.status != A.UPHELD:
        raise ApplicationError(
            "Only an upheld appeal can be escalated.", field="status"
        )
    if appeal.escalations.exists():
        raise ApplicationError("This appeal was already escalated.", field="status")
    action = appeal.action if appeal.action in APPEAL_LIKE_ACTIONS else Action.APPEAL
    denials = list(appeal.denials.filter(status__in=Denial.OPEN_STATUSES))
    if not denials:
        raise ApplicationError(
            "Every denial of this appeal is already resolved.", field="denials"
        )
    return appeal_start(denials=denials, action=action, by=by, previous=appeal)


@transaction.atomic
def appeal_write_off(*, appeal: Appeal, by, note: str) -> int:
    """After an upheld or withdrawn appeal, write off its still-open denials."""
    appeal = _locked(appeal)
    if appeal.status not in (A.UPHELD, A.WITHDRAWN, A.PARTIALLY_OVERTURNED):
        raise ApplicationError(
            "Write off after the payer upheld the denial, or after withdrawing the "
            "appeal.",
            field="status",
        )
    open_ones = list(appeal.denials.filter(status__in=Denial.OPEN_STATUSES))
    if not open_ones:
        raise ApplicationError(
            "Every denial of this appeal is already resolved.", field="denials"
        )
    return denials_write_off(denials=open_ones, by=by, note=note)


# The 835 closes the loop ----------------------------------------------------------


def appeals_sync_from_recoveries(*, limit: int = 5000) -> int:
    """Mark waiting appeals overturned when later 835s recovered all their denials.

    Idempotent: an appeal changes once, from submitted/in review to a decision. The
    amount is what the payments recovered, so nobody types it.
    """
    candidates = list(
        Appeal.objects.filter(status__in=Appeal.WAITING_STATUSES)
        .exclude(denials__status__in=[s for s in S.values if s != S.RECOVERED])
        .filter(denials__isnull=False)
        .distinct()
        .values_list("pk", flat=True)[:limit]
    )
    changed = 0
    for pk in candidates:
        changed += _sync_one(pk)
    return changed


@transaction.atomic
def _sync_one(pk: int) -> int:
    appeal = (
        Appeal.objects.select_for_update()
        .filter(pk=pk, status__in=Appeal.WAITING_STATUSES)
        .first()
    )
    if appeal is None:
        return 0
    denials = list(appeal.denials.all())
    if not denials or any(d.status != S.RECOVERED for d in denials):
        return 0
    recovered = sum((d.recovered_amount for d in denials), ZERO)
    denied = sum((d.denied_amount for d in denials), ZERO)
    appeal.status = A.OVERTURNED if recovered >= denied else A.PARTIALLY_OVERTURNED
    appeal.amount_recovered = recovered
    resolved = [d.resolved_at for d in denials if d.resolved_at]
    appeal.decided_on = (
        timezone.localdate(max(resolved)) if resolved else timezone.localdate()
    )
    appeal.outcome_note = "Paid on a later remittance (recorded automatically)."
    appeal.save()
    DenialEvent.objects.bulk_create(
        [
            DenialEvent(
                denial=d,
                kind=DenialEvent.Kind.APPEAL,
                amount=recovered,
                text=f"{appeal.get_action_display()} {appeal.pk} "
                f"{appeal.get_status_display().lower()} by a later remittance",
            )
            for d in denials
        ]
    )
    return 1


# Reminders ------------------------------------------------------------------------

DEADLINE_KINDS = (
    (7, Notification.Kind.DEADLINE_7),
    (14, Notification.Kind.DEADLINE_14),
    (30, Notification.Kind.DEADLINE_30),
)


def email_enabled() -> bool:
    host = getattr(settings, "EMAIL_HOST", "")
    return bool(host) and host != "localhost"


def _deadline_kind(days_left: int) -> str | None:
    """The most urgent threshold crossed: only one reminder even if beat missed days."""
    if days_left < 0:
        return None
    for days, kind in DEADLINE_KINDS:
        if days_left <= days:
            return kind
    return None


def appeals_deadline_reminders(*, today: date | None = None, batch: int = 2000) -> int:
    """Remind assignees 30, 14 and 7 days before a draft's deadline; follow-ups due.

    Idempotent: an (appeal, kind, due date) reminder exists once, however often.
    """
    today = today or timezone.localdate()
    created: list[Notification] = []
    drafts = (
        Appeal.objects.filter(
            status=A.DRAFT,
            deadline__gte=today,
            deadline__lte=today + timedelta(days=30),
        )
        .select_related("assignee", "created_by")
        .order_by("deadline", "pk")[:batch]
    )
    for appeal in drafts:
        kind = _deadline_kind((appeal.deadline - today).days)
        if kind is None:
            continue
        days = (appeal.deadline - today).days
        created += _notify(
            appeal,
            kind,
            appeal.deadline,
            f"Appeal {appeal.pk}: deadline in {days} day{'s' * (days != 1)} "
            f"({appeal.deadline:%b %d, %Y}).",
        )
    waiting = (
        Appeal.objects.filter(
            status__in=Appeal.WAITING_STATUSES, follow_up_date__lte=today
        )
        .select_related("assignee", "created_by")
        .order_by("follow_up_date", "pk")[:batch]
    )
    for appeal in waiting:
        created += _notify(
            appeal,
            Notification.Kind.FOLLOW_UP,
            appeal.follow_up_date,
            f"Appeal {appeal.pk}: follow-up with the payer was due "
            f"{appeal.follow_up_date:%b %d, %Y}.",
        )
    if created and email_enabled():
        _email(created)
    return len(created)


def _notify(appeal: Appeal, kind: str, due: date, message: str) -> list[Notification]:
    user = appeal.assignee or appeal.created_by
    if user is None:
        return []
    with transaction.atomic():
        item, made = Notification.objects.get_or_create(
            appeal=appeal,
            kind=kind,
            due_date=due,
            defaults={
                "user": user,
                "practice_id": appeal.practice_id,
                "message": message,
            },
        )
    return [item] if made else []


def _email(items: list[Notification]) -> None:
    """One short mail per reminder: no patient data, just a link to sign in and look."""
    from django.core.mail import send_mail

    base = getattr(settings, "SITE_URL", "").rstrip("/")
    for item in items:
        if not item.user.email:
            continue
        label = {
            Notification.Kind.DEADLINE_30: "An appeal deadline is in 30 days",
            Notification.Kind.DEADLINE_14: "An appeal deadline is in 14 days",
            Notification.Kind.DEADLINE_7: "An appeal deadline is in 7 days",
            Notification.Kind.FOLLOW_UP: "An appeal follow-up is due",
        }[item.kind]
        link = f"{base}/appeals/{item.appeal_id}/"
        try:
            send_mail(
                subject=f"Overturn: {label}",
                message=f"{label}: open Overturn to see appeal "
                f"{item.appeal_id}.\n{link}\n",
                from_email=None,
                recipient_list=[item.user.email],
                fail_silently=False,
            )
        except Exception:  # mail is a courtesy; the in-app reminder stands
            logger.warning(
                "reminder mail for notification %s failed", item.pk, exc_info=True
            )
            continue
        Notification.objects.filter(pk=item.pk).update(emailed_at=timezone.now())


@transaction.atomic
def notifications_mark_read(*, user, ids: Iterable[int] | None = None) -> int:
    """Mark the user's reminders read (all of them when ids is None)."""
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())
