"""Tillgänglighet: the accessibility statement that lagen (2018:1937) om
tillgänglighet till digital offentlig service requires, in the structure of
DIGG's model statement, and the link to it that every page carries.

The page is open to everyone, signed in or not (the law's statement must be
reachable without an account), so it lives outside ``ui.navigation.PAGES``
and needs no permission. What it says is not accessible is what the axe-core
test (``e2e/test_accessibility.py``) excludes as Streamlit's, and the things
automatic tests cannot see; keep the two in step.
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass
from datetime import date

import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError

from data_access.access import identity
from data_access.core.db import engine_for, session_scope
from ui.cached import DataState
from ui.format import long_date

PATH = "pages/accessibility.py"
TITLE = "Tillgänglighet"
URL_PATH = "tillganglighet"
ICON = ":material/accessibility_new:"

# When the service was last assessed (the axe-core run and the keyboard
# journey, issue 14) and this statement last revised: both are dates a person
# wrote down, not today's date.
ASSESSED = date(2026, 12, 4)
REVISED = date(2026, 12, 4)

DIGG_REPORT_URL = (
    "https://www.digg.se/analys-och-uppfoljning/lagen-om-tillganglighet-till-digital-offentlig-service-"
    "dos-lagen/anmal-bristande-tillganglighet"
)


@dataclass(frozen=True)
class KnownBarrier:
    """Something in the service that does not meet WCAG 2.1 AA, and why."""

    criterion: str  # the WCAG 2.1 success criterion
    what: str
    why: str


KNOWN_BARRIERS: tuple[KnownBarrier, ...] = (
    KnownBarrier(
        "1.3.1 Information och relationer",
        "Menyn i sidopanelen är uppbyggd som en lista där rubrikerna för avsnitten (till exempel "
        "Ledning och Upphandlare) och länkarna inte ligger i listans struktur på rätt sätt, så en "
        "skärmläsare kan läsa upp fel antal punkter.",
        "Menyn ritas av ramverket Streamlit och kan inte ändras av kommunen. Felet är anmält till "
        "Streamlit. Varje sida går att nå med tangentbordet och har sin rubrik.",
    ),
    KnownBarrier(
        "3.1.1 Sidans språk",
        "Streamlit anger sidans språk som engelska. En skärmläsare kan då läsa den svenska texten med "
        "engelskt uttal.",
        "Ramverket har ingen inställning för språket. När tjänsten körs bakom kommunens proxy skrivs "
        "språket om till svenska (se driftdokumentationen).",
    ),
    KnownBarrier(
        "1.3.1 Information och relationer, 2.1.1 Tangentbord",
        "De stora tabellerna ritas som en bild (canvas) med en dold tabell för skärmläsare. axe-core "
        "granskar inte det som ritas i en canvas, och vi har inte fullt ut kunnat kontrollera hur "
        "tabellerna fungerar med skärmläsare och med tangentbordet.",
        "Tabellerna är Streamlits egna. Alla siffror i diagrammen finns också i en vanlig tabell "
        "bredvid, och många tabeller kan laddas ner som Excel.",
    ),
)


def statement(state: DataState) -> None:
    """The statement, section by section as in DIGG's model."""
    st.title(TITLE)
    st.write(
        "Kommunen står bakom Avtalsfokus. Vi vill att så många som möjligt ska kunna använda tjänsten. "
        "Här beskriver vi hur Avtalsfokus uppfyller lagen (2018:1937) om tillgänglighet till digital "
        "offentlig service, vilka kända brister som finns och hur du kan rapportera brister till oss, "
        "så att vi kan åtgärda dem."
    )
    st.header("Hur tillgänglig är tjänsten?")
    st.write(
        "Tjänsten är delvis förenlig med lagen om tillgänglighet till digital offentlig service, som "
        "hänvisar till standarden EN 301 549 och WCAG 2.1 på nivå AA. De brister vi känner till står "
        "under Innehåll som inte är tillgängligt nedan."
    )
    st.header("Vad kan du göra om du inte kan använda delar av tjänsten?")
    st.write(
        "Behöver du innehåll från Avtalsfokus i ett annat format, till exempel en lista över avtal och "
        "avtalsansvariga, kan du kontakta oss. Många tabeller kan också laddas ner som Excel."
    )
    st.header("Rapportera brister i tjänstens tillgänglighet")
    st.write(
        "Vi strävar hela tiden efter att förbättra tjänstens tillgänglighet. Om du upptäcker problem "
        "som inte står här, eller om du anser att vi inte uppfyller lagens krav, meddela oss så att vi "
        "får veta att problemet finns."
    )
    with session_scope(engine_for(state.url)) as session:
        contact = identity.access_contact(session)
    st.text(contact)  # the admin's own words: shown as text
    st.header("Tillsyn")
    st.write(
        "Myndigheten för digital förvaltning (Digg) har ansvaret för tillsyn av lagen om tillgänglighet "
        "till digital offentlig service. Om du inte är nöjd med hur vi hanterar dina synpunkter kan du "
        f"[anmäla bristande tillgänglighet till Digg]({DIGG_REPORT_URL})."
    )
    st.header("Teknisk information om tjänstens tillgänglighet")
    st.write(
        "Tjänsten är delvis förenlig med lagen om tillgänglighet till digital offentlig service, på "
        "grund av de brister som beskrivs nedan."
    )
    st.subheader("Innehåll som inte är tillgängligt")
    st.write("Bristande förenlighet med lagkraven:")
    for barrier in KNOWN_BARRIERS:
        st.markdown(f"- **{barrier.criterion}.** {barrier.what} {barrier.why}")
    st.header("Hur vi testat tjänsten")
    st.write(
        "Vi har själva granskat Avtalsfokus. Varje sida och dess viktigaste lägen (ett urval i "
        "dashboarden, ett formulär med fel, ett valt ärende i inkorgen, en sökning utan träff) testas "
        "automatiskt med verktyget axe-core i webbläsaren Chromium vid varje ändring av tjänsten, och "
        "formuläret Lämna behov fylls i och skickas med enbart tangentbordet. Testerna godkänns bara "
        "när inga allvarliga eller kritiska brister finns i det som kommunen själv styr över; det som "
        "bara Streamlit kan rätta står ovan. Automatiska tester hittar inte alla brister; därför tar "
        "vi gärna emot dina synpunkter."
    )
    st.write(
        f"Den senaste bedömningen gjordes den {long_date(ASSESSED)}. "
        f"Redogörelsen uppdaterades senast den {long_date(REVISED)}."
    )


def link() -> None:
    """The link to this page: on the sign-in page, for visitors without a menu."""
    st.page_link(PATH, label=TITLE, icon=ICON)


def sidebar_link() -> None:
    """The link at the foot of the sidebar on every page (``ui.page.page_start``):
    a page link, not a menu entry, so the menu keeps exactly the role's pages.
    A page script run on its own (no ``st.navigation``: tests of the page's
    own refusal) has no page to link to, and gets no link."""
    with suppress(StreamlitPageNotFoundError):
        st.sidebar.page_link(PATH, label=TITLE, icon=ICON)
