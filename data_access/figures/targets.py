"""What management aims for: fidelity targets (overall and per department)
and the direct-award limit that the risk list measures spend against.

Both change figures people compare against, so setting them bumps the data
version like any other change. Reading them is open to every page that shows
them; changing the targets needs :attr:`Permission.EDIT_TARGETS` (admin), the
limit :attr:`Permission.EDIT_DIRECT_AWARD_LIMIT` (upphandlare, admin), and
each change leaves a ``setting_changed`` entry in the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from data_access.access import audit
from data_access.access.roles import Permission
from data_access.access.viewer import Viewer
from data_access.core.lengths import length_problem
from data_access.core.models import AppSetting, Department
from data_access.core.settings import get_setting, set_setting

OVERALL_TARGET = "fidelity_target_pct"
DIRECT_AWARD_LIMIT = "direct_award_limit_kr"
# The limit for direct awards under LOU 19 kap. 8 §, about 700,000 kr for
# municipalities in 2024–2025; the procurement unit keeps it current.
DEFAULT_DIRECT_AWARD_LIMIT = Decimal("700000")
# Far above any real limit, and within what money columns hold (data_access.core.money).
MAX_DIRECT_AWARD_LIMIT = Decimal("1000000000000")
CHANGED = "setting_changed"  # the audit action of every change here


class TargetError(ValueError):
    """A target or a limit that cannot be stored; the message is for the user."""


@dataclass(frozen=True)
class Targets:
    overall: Decimal | None = None
    by_department: dict[int, Decimal] = field(default_factory=dict)

    def for_departments(self, department_ids: tuple[int, ...]) -> Decimal | None:
        """The target to compare a slice with: a single department's own,
        else the overall one."""
        if len(department_ids) == 1 and department_ids[0] in self.by_department:
            return self.by_department[department_ids[0]]
        return self.overall


def load_targets(session: Session) -> Targets:
    overall = get_setting(session, OVERALL_TARGET)
    return Targets(
        overall=Decimal(overall) if overall else None,
        by_department=dict(
            session.execute(
                select(Department.id, Department.fidelity_target_pct).where(
                    Department.fidelity_target_pct.is_not(None)
                )
            ).all()
        ),
    )


def parse_target(value: Decimal | float | str | None) -> Decimal | None:
    """A percentage between 0 and 100 with at most two decimals; None (or
    empty) removes the target."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        pct = Decimal(str(value).replace(",", ".").replace("%", "").strip())
    except InvalidOperation as error:
        raise TargetError(f"{value!r} är inte ett tal: skriv målet i procent, till exempel 70") from error
    if not pct.is_finite() or not 0 < pct <= 100:
        raise TargetError("Målet ska vara mellan 0 och 100 procent")
    return pct.quantize(Decimal("0.01"))


def _target_detail(pct: Decimal | None) -> str:
    return "pct=none" if pct is None else f"pct={pct}"


def set_overall_target(session: Session, value: Decimal | float | str | None, *, acting: Viewer) -> None:
    acting.require(Permission.EDIT_TARGETS)
    pct = parse_target(value)
    text = "" if pct is None else str(pct)
    if get_setting(session, OVERALL_TARGET, "") != text:  # the form saves every target at once
        audit.record(session, CHANGED, f"setting:{OVERALL_TARGET}", _target_detail(pct), actor=acting.label)
    set_setting(session, OVERALL_TARGET, text)


def set_department_target(
    session: Session, department_id: int, value: Decimal | float | str | None, *, acting: Viewer
) -> None:
    acting.require(Permission.EDIT_TARGETS)
    pct = parse_target(value)
    before = session.scalar(select(Department.fidelity_target_pct).where(Department.id == department_id))
    if before != pct:  # the form saves every department's target at once
        audit.record(session, CHANGED, f"department:{department_id}", _target_detail(pct), actor=acting.label)
    session.execute(update(Department).where(Department.id == department_id).values(fidelity_target_pct=pct))


def direct_award_limit(session: Session) -> Decimal:
    value = get_setting(session, DIRECT_AWARD_LIMIT)
    return Decimal(value) if value else DEFAULT_DIRECT_AWARD_LIMIT


def set_direct_award_limit(session: Session, value: Decimal | int | str, *, acting: Viewer) -> None:
    acting.require(Permission.EDIT_DIRECT_AWARD_LIMIT)
    try:
        limit = Decimal(str(value).replace(" ", "").replace("\u00a0", "").replace(",", "."))
    except InvalidOperation as error:
        raise TargetError(f"{value!r} är inte ett belopp i kronor") from error
    if not limit.is_finite() or limit <= 0:
        raise TargetError("Gränsen ska vara ett belopp över noll kronor")
    if limit > MAX_DIRECT_AWARD_LIMIT:
        # Rounding a longer number raised InvalidOperation (a traceback on the page).
        raise TargetError(f"Gränsen kan vara högst {MAX_DIRECT_AWARD_LIMIT:,.0f} kronor".replace(",", " "))
    text = str(limit.quantize(Decimal("1")))
    if text == "0":
        raise TargetError("Gränsen ska vara minst en krona")
    problem = length_problem(AppSetting.value, text)
    if problem:  # pragma: no cover - the bound above keeps it to 13 digits
        raise TargetError(problem)
    if get_setting(session, DIRECT_AWARD_LIMIT) != text:
        audit.record(session, CHANGED, f"setting:{DIRECT_AWARD_LIMIT}", f"kr={text}", actor=acting.label)
    set_setting(session, DIRECT_AWARD_LIMIT, text)
