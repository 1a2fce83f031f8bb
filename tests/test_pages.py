"""Every page renders on demo data without an exception (AppTest), and the
overview shows the figures the invoice lines give, computed without the
summaries."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from data_access.core import config
from data_access.core.db import engine_for
from data_access.core.models import InvoiceLine, LineStatus
from data_access.core.periods import last_full_months
from data_access.demo.generator import DemoOptions, load_demo
from tests.app_pages import APP, signed_in
from tests.conftest import wipe
from ui.format import percent
from ui.navigation import PAGES


@pytest.fixture(scope="module")
def demo_engine(migrated_url: str) -> Iterator[Engine]:
    """The migrated database with a small demo, configured for the app."""
    engine = engine_for(migrated_url)
    wipe(engine)
    with Session(engine) as session:
        load_demo(session, DemoOptions(lines=4000, seed=3))
        session.commit()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DATABASE_URL", migrated_url)
        yield engine
    wipe(engine)


def run_page(path: str) -> AppTest:
    """Run app.py first (navigation, start-up), then switch: switching before
    the first run would bypass app.py (Streamlit's AppTest.switch_page docs)."""
    app = signed_in(AppTest.from_file(APP, default_timeout=60)).run()
    assert not app.exception, [exception.value for exception in app.exception]
    return app.switch_page(path).run()


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.url_path)
def test_every_page_renders(demo_engine: Engine, page) -> None:
    app = run_page(page.path)
    assert not app.exception, [exception.value for exception in app.exception]
    assert app.title[0].value  # something real was drawn
    assert any("demodata" in info.value for info in app.info)


def test_overview_fidelity_equals_the_invoice_lines(demo_engine: Engine) -> None:
    with Session(demo_engine) as session:
        last = session.scalar(select(func.max(InvoiceLine.invoice_date)))
        period = last_full_months(last)
        by_status = dict(
            session.execute(
                select(InvoiceLine.status, func.sum(InvoiceLine.amount))
                .where(InvoiceLine.invoice_date.between(period.start, period.end))
                .group_by(InvoiceLine.status)
            ).all()
        )
    on = by_status.get(LineStatus.ON_CONTRACT.value, Decimal(0))
    off = by_status.get(LineStatus.OFF_CONTRACT.value, Decimal(0))
    none = by_status.get(LineStatus.NO_CONTRACT.value, Decimal(0))

    app = run_page("pages/overview.py")
    metrics = {metric.label: metric.value for metric in app.metric}
    assert metrics["Avtalstrohet"] == percent(on * 100 / (on + off))
    assert metrics["Avtalstäckning"] == percent((on + off) * 100 / (on + off + none))


def test_first_start_on_the_default_database_loads_the_demo(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    default_url = f"sqlite:///{tmp_path / 'avtalsfokus.db'}"
    monkeypatch.setattr(config, "DEFAULT_DATABASE_URL", default_url)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setattr(config, "SECRETS_FILE", tmp_path / "no-secrets.toml")
    monkeypatch.setenv("AVTALSFOKUS_DEMO_LINES", "1500")

    app = run_page("pages/overview.py")

    assert not app.exception
    assert any("demodata" in info.value for info in app.info)
    with Session(engine_for(default_url)) as session:
        assert session.scalar(select(func.count()).select_from(InvoiceLine)) == 1500
