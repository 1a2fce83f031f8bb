"""The needs form (Lämna behov) and its receipt: what a unit chooses and
types, the submission, and what it is shown afterwards.

Everything typed stays in the form when a submission is refused: the
messages appear under their fields. A stored need empties the form and
gets a fresh token, so a second click on "Skicka" finds no text instead of
storing the same need twice. Names from the data are shown through ``md``,
what a unit wrote as plain text.

Who submits (issue 13): the form is filled in with the signed-in person's
name and e-mail, and a unit user chooses only among their own units (a
``?unit=`` of another unit in the address is ignored; ``needs.submit_need``
refuses it too). The form and the receipt link are rate-limited
(``data_access.access.rate_limit``) per browser session and per signed-in
user: a refusal says how long to wait, keeps everything typed and stores
nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st
from email_validator import EmailNotValidError, validate_email
from streamlit.runtime.scriptrunner import get_script_run_ctx

from data_access.access import rate_limit
from data_access.access.rate_limit import Limit, RateLimited
from data_access.access.viewer import Viewer
from data_access.core import clock
from data_access.customers.needs import (
    NeedError,
    NeedInput,
    NotYourUnit,
    Receipt,
    new_token,
    submission_problems,
    submit_need,
    submittable_unit_ids,
)
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


def session_key() -> str:
    """This browser session's id (Streamlit's own, per tab and server), the
    key of the per-session rate limits."""
    context = get_script_run_ctx()
    return f"session:{context.session_id if context is not None else 'none'}"


def limit_keys(viewer: Viewer | None) -> tuple[str, ...]:
    """Who an attempt counts against: the session, and the signed-in user."""
    if viewer is None:
        return (session_key(),)
    return session_key(), f"user:{viewer.email.lower()}"


def take_attempt(limit: Limit, viewer: Viewer | None) -> str | None:
    """Count one attempt of ``limit``; the Swedish refusal when there were
    too many (nothing counted then), else None."""
    try:
        rate_limit.take(limit, *limit_keys(viewer))
    except RateLimited as refusal:
        return str(refusal)
    return None


def receipt_lookup(token: str, viewer: Viewer | None) -> Receipt | None:
    """The receipt behind ``token`` (``?kvitto=``), at most
    ``rate_limit.RECEIPT`` lookups per session: an unknown token counts too,
    so nobody can try tokens quickly. A refusal stops the page."""
    refusal = take_attempt(rate_limit.RECEIPT, viewer)
    if refusal is not None:
        st.title("Ditt ärende")
        st.error(refusal, icon=":material/hourglass_top:")
        st.stop()
    return cached.receipt(cached.data_state(), token)


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


def _valid_email(address: str) -> str:
    """``address`` when it is one the form accepts, else "" (a demo user's
    ``.invalid`` address is not: the person types theirs)."""
    try:
        validate_email(address, check_deliverability=False)
    except EmailNotValidError:
        return ""
    return address


def _submitter(viewer: Viewer) -> dict[str, str]:
    """The name and e-mail fields as the signed-in person fills them in."""
    return {"need_name": viewer.name, "need_email": _valid_email(viewer.email)}


def _start(contract_id: int | None, unit_id: int | None, viewer: Viewer) -> dict[str, str]:
    """The form's state for this run: the deep link's choices and the
    signed-in person's name and e-mail the first time, emptied fields (the
    person's own filled in again) after a stored need, a token for the next
    submission. Returns the problems of the last refused submission."""
    if "need_started" not in st.session_state:
        st.session_state["need_started"] = True
        st.session_state["need_contract"] = contract_id
        st.session_state["need_unit"] = unit_id
        st.session_state.update(_submitter(viewer))
    if st.session_state.pop("need_clear", False):
        for key in TEXT_KEYS:
            st.session_state[key] = ""
        for key in CHOICE_KEYS:
            st.session_state[key] = None
        st.session_state.update(_submitter(viewer))
    if "need_token" not in st.session_state:
        st.session_state["need_token"] = new_token()
    return st.session_state.get("need_problems", {})


def need_about(state: DataState, viewer: Viewer) -> tuple[NeedAbout, dict[str, str]]:
    """The unit, contract and category choices (``?contract=REF&unit=CODE``
    fills in the first two), with the contract manager of a chosen contract.
    A unit user chooses among their own units only (the only one chosen
    already). Returns them and the problems of the last refused submission."""
    listings = cached.search_contracts(state, clock.today())
    contracts = {listing.id: listing for listing in listings}
    by_reference = {listing.reference: listing.id for listing in listings}
    allowed = submittable_unit_ids(viewer)
    units = {
        option.id: option for option in cached.units(state) if allowed is None or option.id in allowed
    }
    unit_by_code = {option.code: option.id for option in units.values()}
    categories = {option.id: option.name for option in cached.categories(state)}
    linked_unit = unit_by_code.get(st.query_params.get("unit", ""))  # another unit's code: ignored
    if linked_unit is None and allowed is not None and len(units) == 1:
        linked_unit = next(iter(units))
    problems = _start(by_reference.get(st.query_params.get("contract", "")), linked_unit, viewer)
    choice = st.columns(2)
    unit_id = choice[0].selectbox(
        "Enhet",
        list(units),
        format_func=lambda uid: units[uid].label,
        index=None,
        placeholder="Sök er enhet" if allowed is None else "Välj er enhet",
        key="need_unit",
    )
    if "unit_id" in problems:
        choice[0].error(problems["unit_id"])
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


def submit(state: DataState, viewer: Viewer, need: NeedInput) -> None:
    """Store the need under this form's token as ``viewer`` and rerun: with
    the problems next to their fields, or the rate limit's refusal (in both,
    everything typed stays and nothing is stored), or with the receipt below
    an emptied form. A need with problems costs no attempt of the limit."""
    problems = submission_problems(need, viewer)
    refusal = None if problems else take_attempt(rate_limit.NEEDS_FORM, viewer)
    if refusal is not None:
        st.session_state["need_problems"] = {}
        st.session_state["need_refusal"] = refusal
        st.rerun()
    try:
        if problems:
            raise NeedError(problems)
        token = st.session_state["need_token"]
        saved = run_command(state, submit_need, need, token, acting=viewer)
    except NeedError as error:
        st.session_state["need_problems"] = error.problems
        st.rerun()
    except NotYourUnit as error:
        st.session_state["need_problems"] = {"unit_id": str(error)}
        st.rerun()
    st.session_state["need_problems"] = {}
    st.session_state["need_receipt"] = saved
    st.session_state["need_token"] = new_token()  # the next submission is a new one
    st.session_state["need_clear"] = True
    st.rerun()


def confirmation(problems: dict[str, str], receipt: Receipt | None) -> None:
    """Under the form: why the last submission was refused (its fields, or
    too many submissions), or the reference and receipt link of the one
    just stored."""
    if problems:
        st.error("Behovet skickades inte: rätta det som är markerat ovan.")
    refusal = st.session_state.pop("need_refusal", None)
    if refusal is not None:
        st.error(f"Behovet skickades inte. {refusal}", icon=":material/hourglass_top:")
    if receipt is not None:
        st.success(
            f"Tack! Ert behov är inlämnat med referens {md(receipt.reference)}.",
            icon=":material/check_circle:",
        )
        st.caption("Spara länken: där ser ni status och upphandlingsenhetens svar.")
        st.code(links.receipt_link(receipt.token, base_url=links.public_base_url()), language=None)
