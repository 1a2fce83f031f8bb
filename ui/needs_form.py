"""The needs form (Lämna behov) and its receipt: what a unit chooses and
types, the submission, and what it is shown afterwards.

Everything typed stays in the form when a submission is refused: the
messages appear under their fields. A stored need empties the form and
gets a fresh token, so a second click on "Skicka" finds no text instead of
storing the same need twice. Names from the data are shown through ``md``,
what a unit wrote as plain text.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from data_access.core import clock
from data_access.customers.needs import NeedError, NeedInput, Receipt, new_token, submit_need
from ui import cached, links
from ui.cached import DataState
from ui.commands import run_command
from ui.text import md
from ui.theme import NEED_TYPE_LABELS, need_status_label, need_type_label

RATINGS = [None, 1, 2, 3, 4, 5]
KNOWS = {None: "Vill inte svara", True: "Ja", False: "Nej"}
TEXT_KEYS = ("need_text", "need_name", "need_email", "need_good", "need_less_good")
CHOICE_KEYS = ("need_supplier_rating", "need_procurement_rating", "need_knows")


@dataclass(frozen=True)
class NeedAbout:
    """What a need is about: the unit, and a contract or else a category."""

    unit_id: int | None
    contract_id: int | None
    category_id: int | None


def receipt_view(receipt: Receipt | None) -> None:
    """A submission as its unit may see it (``?kvitto=TOKEN``): status, what
    they wrote and the answer. Stops the page: a receipt is all it shows."""
    st.title("Ditt ärende")
    if receipt is None:
        st.error("Det finns inget ärende med den länken. Kontrollera att hela länken kom med.")
        st.stop()
    st.markdown(f"**Referens {md(receipt.reference)}**, inlämnat {receipt.created_at:%Y-%m-%d}")
    facts = st.columns(4)  # a metric's value is Markdown too: names from the data shown as text
    facts[0].metric("Status", md(need_status_label(receipt.status)))
    facts[1].metric("Typ", md(need_type_label(receipt.need_type)))
    if receipt.contract or not receipt.category:
        facts[2].metric("Avtal", md(receipt.contract or "–"))
    else:  # a need about a category without a contract
        facts[2].metric("Kategori", md(receipt.category))
    facts[3].metric("Enhet", md(receipt.unit or "–"))
    st.markdown("**Det här skrev ni**")
    st.text(receipt.text)  # as written: never Markdown or HTML
    st.markdown("**Svar från upphandlingsenheten**")
    st.text(receipt.answer or "Inget svar ännu.")
    st.stop()


def _start(contract_id: int | None, unit_id: int | None) -> dict[str, str]:
    """The form's state for this run: the deep link's choices the first
    time, emptied fields after a stored need, a token for the next
    submission. Returns the problems of the last refused submission."""
    if "need_started" not in st.session_state:
        st.session_state["need_started"] = True
        st.session_state["need_contract"] = contract_id
        st.session_state["need_unit"] = unit_id
    if st.session_state.pop("need_clear", False):
        for key in TEXT_KEYS:
            st.session_state[key] = ""
        for key in CHOICE_KEYS:
            st.session_state[key] = None
    if "need_token" not in st.session_state:
        st.session_state["need_token"] = new_token()
    return st.session_state.get("need_problems", {})


def need_about(state: DataState) -> tuple[NeedAbout, dict[str, str]]:
    """The unit, contract and category choices (``?contract=REF&unit=CODE``
    fills in the first two), with the contract manager of a chosen contract.
    Returns them and the problems of the last refused submission."""
    listings = cached.search_contracts(state, clock.today())
    contracts = {listing.id: listing for listing in listings}
    by_reference = {listing.reference: listing.id for listing in listings}
    units = {option.id: option for option in cached.units(state)}
    unit_by_code = {option.code: option.id for option in units.values()}
    categories = {option.id: option.name for option in cached.categories(state)}
    problems = _start(
        by_reference.get(st.query_params.get("contract", "")),
        unit_by_code.get(st.query_params.get("unit", "")),
    )
    choice = st.columns(2)
    unit_id = choice[0].selectbox(
        "Enhet",
        list(units),
        format_func=lambda uid: units[uid].label,
        index=None,
        placeholder="Sök er enhet",
        key="need_unit",
    )
    contract_id = choice[1].selectbox(
        "Avtal",
        list(contracts),
        format_func=lambda cid: f"{contracts[cid].reference} {contracts[cid].name}",
        index=None,
        placeholder="Sök avtal (frivilligt)",
        key="need_contract",
    )
    category_id = None
    if contract_id is None:
        category_id = st.selectbox(
            "Kategori, om inget avtal passar",
            list(categories),
            format_func=categories.__getitem__,
            index=None,
            placeholder="Välj kategori (frivilligt)",
            key="need_category",
        )
        st.caption("Välj helst ett avtal eller en kategori, så hamnar behovet hos rätt upphandlare.")
    else:
        chosen = contracts[contract_id]
        st.info(
            f"Avtalsansvarig för {md(chosen.reference)}: {md(chosen.manager_name or 'ingen angiven')}"
            + (f", {md(chosen.manager_email)}" if chosen.manager_email else "")
            + (f", {md(chosen.manager_phone)}" if chosen.manager_phone else ""),
            icon=":material/person:",
        )
    return NeedAbout(unit_id, contract_id, category_id), problems


def need_form(about: NeedAbout, problems: dict[str, str]) -> NeedInput | None:
    """The form itself; the need as typed when "Skicka" was clicked, else
    None. ``problems`` are shown under their fields."""
    with st.form("need_form"):
        need_type = st.selectbox(
            "Vad gäller det?", list(NEED_TYPE_LABELS), format_func=need_type_label, key="need_type"
        )
        st.warning(
            "Skriv inte känsliga personuppgifter (till exempel om hälsa eller enskilda brukare): det ni "
            "skriver kan bli en allmän handling.",
            icon=":material/privacy_tip:",
        )
        text = st.text_area("Beskriv behovet *", max_chars=5_000, height=160, key="need_text")
        if "text" in problems:
            st.error(problems["text"])
        person = st.columns(2)
        name = person[0].text_input("Ert namn", key="need_name")
        email = person[1].text_input("Er e-post", key="need_email")
        for column, field in zip(person, ("submitter_name", "submitter_email"), strict=True):
            if field in problems:  # under its own field
                column.error(problems[field])
        st.markdown("**Återkoppling om avtalet (frivilligt)**")
        ratings = st.columns(3)
        supplier_rating = ratings[0].selectbox(
            "Leverantörens service (1–5)", RATINGS, format_func=_rating_text, key="need_supplier_rating"
        )
        procurement_rating = ratings[1].selectbox(
            "Upphandlingsenhetens service (1–5)",
            RATINGS,
            format_func=_rating_text,
            key="need_procurement_rating",
        )
        knows = ratings[2].selectbox(
            "Jag vet vem som är avtalsansvarig", list(KNOWS), format_func=KNOWS.__getitem__, key="need_knows"
        )
        good = st.text_area("Det här fungerar bra", max_chars=5_000, key="need_good")
        less_good = st.text_area("Det här fungerar mindre bra", max_chars=5_000, key="need_less_good")
        if not st.form_submit_button("Skicka", type="primary"):
            return None
    return NeedInput(
        text=text,
        need_type=need_type,
        unit_id=about.unit_id,
        contract_id=about.contract_id,
        category_id=about.category_id,
        submitter_name=name,
        submitter_email=email,
        supplier_rating=supplier_rating,
        procurement_rating=procurement_rating,
        knows_contract_manager=knows,
        good_text=good,
        less_good_text=less_good,
    )


def _rating_text(rating: int | None) -> str:
    return "–" if rating is None else str(rating)


def submit(state: DataState, need: NeedInput) -> None:
    """Store the need under this form's token and rerun: with the problems
    next to their fields (everything typed stays), or with the receipt
    below an emptied form."""
    try:
        token = st.session_state["need_token"]
        saved = run_command(state, submit_need, need, token, actor=need.submitter_name)
    except NeedError as error:
        st.session_state["need_problems"] = error.problems
        st.rerun()
    st.session_state["need_problems"] = {}
    st.session_state["need_receipt"] = saved
    st.session_state["need_token"] = new_token()  # the next submission is a new one
    st.session_state["need_clear"] = True
    st.rerun()


def confirmation(problems: dict[str, str], receipt: Receipt | None) -> None:
    """Under the form: why the last submission was refused, or the
    reference and receipt link of the one just stored."""
    if problems:
        st.error("Behovet skickades inte: rätta det som är markerat ovan.")
    if receipt is not None:
        st.success(
            f"Tack! Ert behov är inlämnat med referens {md(receipt.reference)}.",
            icon=":material/check_circle:",
        )
        st.caption("Spara länken: där ser ni status och upphandlingsenhetens svar.")
        st.code(links.receipt_link(receipt.token, base_url=links.public_base_url()), language=None)
