"""Lämna behov (ordering units): tell the procurement unit, in your own words,
what you need from a contract and how it works; follow it up through the
receipt link. ``?contract=REF&unit=CODE`` fills in both; ``?kvitto=TOKEN``
shows a submission, its status and the answer."""


import streamlit as st

from data_access.core import clock
from data_access.core.db import engine_for, session_scope
from data_access.customers.needs import (
    NEED_TYPE_LABELS,
    NeedError,
    NeedInput,
    new_token,
    receipt,
    submit_need,
)
from ui import cached, links
from ui.text import md
from ui.widgets import demo_notice

RATINGS = [None, 1, 2, 3, 4, 5]
KNOWS = {None: "Vill inte svara", True: "Ja", False: "Nej"}

state = cached.data_state()
token = st.query_params.get("kvitto")
if token:
    st.title("Ditt ärende")
    with session_scope(engine_for(state.url)) as session:
        shown = receipt(session, token)
    if shown is None:
        st.error("Det finns inget ärende med den länken. Kontrollera att hela länken kom med.")
        st.stop()
    st.markdown(f"**Referens {md(shown.reference)}**, inlämnat {shown.created_at:%Y-%m-%d}")
    facts = st.columns(4)  # a metric's value is Markdown too: names from the data shown as text
    facts[0].metric("Status", md(shown.status))
    facts[1].metric("Typ", md(shown.need_type))
    if shown.contract or not shown.category:
        facts[2].metric("Avtal", md(shown.contract or "–"))
    else:  # a need about a category without a contract
        facts[2].metric("Kategori", md(shown.category))
    facts[3].metric("Enhet", md(shown.unit or "–"))
    st.markdown("**Det här skrev ni**")
    st.text(shown.text)  # as written: never Markdown or HTML
    st.markdown("**Svar från upphandlingsenheten**")
    st.text(shown.answer or "Inget svar ännu.")
    st.stop()

st.title("Lämna behov")
st.write(
    "Berätta med egna ord vad ni behöver av ett avtal eller hur det fungerar: förpackningsstorlekar, "
    "leveranser, sortiment, leverantörens service. Upphandlingsenheten läser allt och svarar."
)
demo_notice(state)

listings = cached.search_contracts(state, clock.today())
contracts = {listing.id: listing for listing in listings}
by_reference = {listing.reference: listing.id for listing in listings}
units = {option.id: option for option in cached.units(state)}
unit_by_code = {option.code: option.id for option in units.values()}
categories = {option.id: option.name for option in cached.categories(state)}
if "need_started" not in st.session_state:
    st.session_state["need_started"] = True
    st.session_state["need_contract"] = by_reference.get(st.query_params.get("contract", ""))
    st.session_state["need_unit"] = unit_by_code.get(st.query_params.get("unit", ""))
if st.session_state.pop("need_clear", False):
    # A stored need empties the form: a second click on "Skicka" then finds no
    # text (and says so) instead of storing the same need again.
    for key in ("need_text", "need_name", "need_email", "need_good", "need_less_good"):
        st.session_state[key] = ""
    for key in ("need_supplier_rating", "need_procurement_rating", "need_knows"):
        st.session_state[key] = None
if "need_token" not in st.session_state:
    st.session_state["need_token"] = new_token()
problems: dict[str, str] = st.session_state.get("need_problems", {})

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

with st.form("need_form"):
    need_type = st.selectbox(
        "Vad gäller det?", list(NEED_TYPE_LABELS), format_func=NEED_TYPE_LABELS.__getitem__, key="need_type"
    )
    st.warning(
        "Skriv inte känsliga personuppgifter (till exempel om hälsa eller enskilda brukare): det ni skriver "
        "kan bli en allmän handling.",
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
        "Leverantörens service (1–5)",
        RATINGS,
        format_func=lambda r: "–" if r is None else str(r),
        key="need_supplier_rating",
    )
    procurement_rating = ratings[1].selectbox(
        "Upphandlingsenhetens service (1–5)",
        RATINGS,
        format_func=lambda r: "–" if r is None else str(r),
        key="need_procurement_rating",
    )
    knows = ratings[2].selectbox(
        "Jag vet vem som är avtalsansvarig", list(KNOWS), format_func=KNOWS.__getitem__, key="need_knows"
    )
    good = st.text_area("Det här fungerar bra", max_chars=5_000, key="need_good")
    less_good = st.text_area("Det här fungerar mindre bra", max_chars=5_000, key="need_less_good")
    submitted = st.form_submit_button("Skicka", type="primary")

if submitted:
    need = NeedInput(
        text=text,
        need_type=need_type,
        unit_id=unit_id,
        contract_id=contract_id,
        category_id=category_id,
        submitter_name=name,
        submitter_email=email,
        supplier_rating=supplier_rating,
        procurement_rating=procurement_rating,
        knows_contract_manager=knows,
        good_text=good,
        less_good_text=less_good,
    )
    try:
        with session_scope(engine_for(state.url)) as session:
            saved = submit_need(session, need, st.session_state["need_token"])
    except NeedError as error:
        st.session_state["need_problems"] = error.problems
        st.rerun()  # the messages appear next to the fields; everything typed stays
    st.session_state["need_problems"] = {}
    st.session_state["need_receipt"] = saved
    st.session_state["need_token"] = new_token()  # the next submission is a new one
    st.session_state["need_clear"] = True
    st.rerun()

if problems:
    st.error("Behovet skickades inte: rätta det som är markerat ovan.")
saved = st.session_state.get("need_receipt")
if saved:
    with session_scope(engine_for(state.url)) as session:
        confirmation = receipt(session, saved)
    if confirmation is not None:
        st.success(
            f"Tack! Ert behov är inlämnat med referens {md(confirmation.reference)}.",
            icon=":material/check_circle:",
        )
        st.caption("Spara länken: där ser ni status och upphandlingsenhetens svar.")
        st.code(links.receipt_link(saved, base_url=links.public_base_url()), language=None)
