"""The unit of work (data_access.core.work) knows when it wrote: a real change
replaces the data version in the same commit, a read, an unchanged value, a
rolled-back savepoint or transaction and a failed command do not; it carries
the acting user; and ui.commands.run_command is how the pages use it. Each
database test runs on SQLite and PostgreSQL."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Engine, insert, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from data_access.access.roles import Permission
from data_access.access.viewer import system, viewer_with
from data_access.cli import CLI_ACTOR, cli_actor
from data_access.cli import main as cli_main
from data_access.core.db import session_scope
from data_access.core.models import Department
from data_access.core.settings import data_version
from data_access.core.work import UNNAMED, Actor, actor_of, has_written, mark_written
from data_access.customers.needs import NeedInput, submit_need
from data_access.figures.targets import TargetError, direct_award_limit, set_direct_award_limit
from data_access.importing.errors import ImportRefusedError
from tests.factories import World
from ui.cached import DataState
from ui.commands import run_command


@pytest.fixture
def department(engine: Engine) -> int:
    with session_scope(engine) as session:
        return World(session).department("SOC", "Socialförvaltningen").id


def version(engine: Engine) -> str:
    with Session(engine) as session:
        return data_version(session)


def replaces_version(engine: Engine, work: Callable[[Session], object]) -> bool:
    before = version(engine)
    with session_scope(engine) as session:
        work(session)
    return version(engine) != before


def rename(department_id: int, name: str) -> Callable[[Session], None]:
    def work(session: Session) -> None:
        session.get(Department, department_id).name = name

    return work


def test_a_read_commits_without_replacing_the_version(engine: Engine, department: int) -> None:
    assert not replaces_version(engine, lambda session: session.get(Department, department))
    assert not replaces_version(engine, lambda session: session.execute(text("SELECT 1")))


def test_setting_a_value_it_already_had_is_no_write(engine: Engine, department: int) -> None:
    assert not replaces_version(engine, rename(department, "Socialförvaltningen"))
    assert replaces_version(engine, rename(department, "Omsorgsförvaltningen"))


def test_statements_that_write_count_orm_core_and_text(engine: Engine, department: int) -> None:
    assert replaces_version(engine, lambda session: session.add(Department(code="KUL", name="Kultur")))
    assert replaces_version(engine, lambda session: session.execute(update(Department).values(name="A")))
    assert replaces_version(engine, lambda session: session.execute(text("UPDATE department SET name = 'B'")))


def test_a_write_around_the_session_counts_once_marked(engine: Engine, department: int) -> None:
    def around(session: Session) -> None:
        session.connection().execute(update(Department).values(name="C"))  # the session cannot see it

    assert not replaces_version(engine, around)
    assert replaces_version(engine, lambda session: (around(session), mark_written(session)))


def test_the_new_version_is_written_in_the_same_transaction(engine: Engine, department: int) -> None:
    with session_scope(engine) as session:
        rename(department, "D")(session)
        assert not has_written(session)  # not flushed yet
        session.flush()
        assert has_written(session)
        before = data_version(session)
    # The commit flushed, replaced the version and committed both together.
    with Session(engine) as session:
        assert session.scalar(select(Department.name)) == "D"
        assert data_version(session) != before


def test_a_failed_command_leaves_the_version_and_the_data(engine: Engine, department: int) -> None:
    before = version(engine)
    with pytest.raises(TargetError), session_scope(engine) as session:
        default = direct_award_limit(session)
        set_direct_award_limit(session, "650 000", acting=system("test"))
        set_direct_award_limit(session, "inte ett belopp", acting=system("test"))
    assert version(engine) == before
    with Session(engine) as session:
        assert direct_award_limit(session) == default != 650_000


def test_a_rolled_back_savepoint_takes_its_writes_with_it(engine: Engine, department: int) -> None:
    def duplicate(session: Session) -> None:
        """The first insert lands, the second is refused: the savepoint rolls back."""
        with pytest.raises(IntegrityError), session.begin_nested():
            session.execute(
                insert(Department), [{"code": "KUL", "name": "Kultur"}, {"code": "SOC", "name": "Dubblett"}]
            )

    assert not replaces_version(engine, duplicate)

    def changed_its_mind(session: Session) -> None:
        savepoint = session.begin_nested()
        session.add(Department(code="KUL", name="Kultur"))
        session.flush()
        savepoint.rollback()

    assert not replaces_version(engine, changed_its_mind)

    def kept(session: Session) -> None:
        with session.begin_nested():
            session.add(Department(code="KUL", name="Kultur"))

    assert replaces_version(engine, kept)
    # A write before the savepoint survives the savepoint's rollback.
    assert replaces_version(
        engine, lambda session: (rename(department, "E")(session), session.flush(), duplicate(session))
    )


def test_a_double_clicked_need_does_not_replace_the_version_twice(engine: Engine, department: int) -> None:
    need = NeedInput(text="Mindre förpackningar, tack")
    anyone = viewer_with("eva@kommun.example", granted=[Permission.SUBMIT_NEEDS])  # a domain user
    assert replaces_version(engine, lambda session: submit_need(session, need, "kvitto-1", acting=anyone))
    # The second click finds its twin in a savepoint and writes nothing.
    assert not replaces_version(engine, lambda session: submit_need(session, need, "kvitto-1", acting=anyone))


def test_a_rolled_back_transaction_is_forgotten(engine: Engine, department: int) -> None:
    """As an import preview: run for real, roll back, then commit the rest."""

    def preview(session: Session) -> None:
        session.add(Department(code="KUL", name="Kultur"))
        session.flush()
        session.rollback()
        session.get(Department, department)

    assert not replaces_version(engine, preview)


def test_every_commit_of_a_long_session_that_wrote_replaces_the_version(
    engine: Engine, department: int
) -> None:
    with session_scope(engine) as session:
        versions = [data_version(session)]
        for name in ("F", "G"):
            rename(department, name)(session)
            session.commit()
            versions.append(data_version(session))
        session.commit()  # nothing since
        versions.append(data_version(session))
    assert len(set(versions)) == 3 and versions[-1] == versions[-2]


def test_the_actor_rides_on_the_session() -> None:
    assert Actor.named("  Anna Andersson ") == Actor("Anna Andersson")
    assert Actor.named("   ") == Actor(UNNAMED)
    assert Actor.named(None, default="kommandorad") == Actor("kommandorad")
    with Session() as session:
        assert actor_of(session) == Actor(UNNAMED)  # a plain session acts for nobody named


def test_session_scope_takes_the_actor(engine: Engine) -> None:
    with session_scope(engine, actor="Anna") as session:
        assert actor_of(session) == Actor("Anna")
    with session_scope(engine, actor=Actor("uppstart")) as session:
        assert actor_of(session) == Actor("uppstart")
    with session_scope(engine) as session:
        assert actor_of(session) == Actor(UNNAMED)


def test_run_command_runs_a_command_for_the_signed_in_user_and_returns_its_result(
    engine: Engine, department: int
) -> None:
    state = DataState(str(engine.url.render_as_string(hide_password=False)), version(engine), False)
    anna = viewer_with("anna@kommun.example", ["upphandlare"], name="Anna Berg")

    def who(session: Session, *, acting: object) -> tuple[Actor, object]:
        return actor_of(session), acting

    # The command gets the viewer, and the unit of work records the viewer's e-mail.
    assert run_command(state, who, acting=anna) == (Actor("anna@kommun.example"), anna)
    before = version(engine)
    run_command(state, lambda session, *, acting: rename(department, "H")(session), acting=anna)
    assert version(engine) != before
    # A command's error reaches the page unchanged and nothing is kept.
    before = version(engine)

    def rename_then_fail(session: Session, value: str, *, acting: object) -> None:
        rename(department, "I")(session)
        raise TargetError(value)

    with pytest.raises(TargetError):
        run_command(state, rename_then_fail, "nej", acting=anna)
    assert version(engine) == before
    with Session(engine) as session:
        assert session.get(Department, department).name == "H"
        assert data_version(session) == before


def test_the_command_line_acts_as_its_user(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("USER", "anna")
    assert cli_actor() == Actor("anna")
    assert cli_actor("Bo Ek") == Actor("Bo Ek")  # --user
    monkeypatch.delenv("USER")
    assert cli_actor() == Actor(CLI_ACTOR)


def test_a_command_line_import_runs_as_the_user_it_names(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    seen: list[Actor] = []

    def refuse(session: Session, *args: object, **kwargs: object) -> None:
        seen.append(actor_of(session))
        raise ImportRefusedError("stopp")

    monkeypatch.setattr("data_access.cli.open_for_import", refuse)
    path = tmp_path / "fakturor.csv"
    path.write_text("Fakturadatum;Belopp\n")
    assert cli_main(["import", "invoices", str(path), "--user", "Bo Ek"], out=io.StringIO()) == 1
    assert seen == [Actor("Bo Ek")]
