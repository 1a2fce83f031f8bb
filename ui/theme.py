"""Words and colours for the fidelity statuses, and the words for a need's
status, type and triage fields: the same on every page and in every export.

The data layer keeps the codes (``new``, ``delivery``, ``status``) and the
set of valid ones; what people read is said here, once.

Colours are from the Okabe-Ito palette, which stays distinguishable with the
common forms of colour blindness.
"""

from __future__ import annotations

from data_access.core.models import LineStatus

STATUS_LABELS: dict[LineStatus, str] = {
    LineStatus.ON_CONTRACT: "Avtalat",
    LineStatus.OFF_CONTRACT: "Avtalsotroget",
    LineStatus.NO_CONTRACT: "Avtalslöst",
    LineStatus.EXCLUDED: "Ej påverkbart",
    LineStatus.UNCLASSIFIED: "Oklassificerat",
}

STATUS_COLOURS: dict[LineStatus, str] = {
    LineStatus.ON_CONTRACT: "#0072B2",  # blue
    LineStatus.OFF_CONTRACT: "#E69F00",  # orange
    LineStatus.NO_CONTRACT: "#999999",  # grey
    LineStatus.EXCLUDED: "#CCCCCC",  # light grey
    LineStatus.UNCLASSIFIED: "#CC79A7",  # reddish purple
}

# In the order the inbox counts them: from a new need to its outcome.
NEED_STATUS_LABELS: dict[str, str] = {
    "new": "Ny",
    "in_progress": "Under behandling",
    "next_tender": "Beaktas i nästa upphandling",
    "resolved": "Åtgärdad",
    "declined": "Avböjd",
}

# In the order the needs form offers them; "other" last.
NEED_TYPE_LABELS: dict[str, str] = {
    "package_size": "Förpackningsstorlek",
    "delivery": "Leveranser",
    "assortment": "Sortiment",
    "quality": "Kvalitet",
    "price": "Pris",
    "ordering": "Beställning/e-handel",
    "service": "Service",
    "other": "Övrigt",
}

# A need's history names the field a procurer changed.
NEED_FIELD_LABELS: dict[str, str] = {
    "status": "Status",
    "assignee": "Handläggare",
    "answer": "Svar",
    "internal_notes": "Anteckningar",
}


def need_status_label(code: str) -> str:
    """``Ny`` for ``new``; a code without a label (never expected) as itself."""
    return NEED_STATUS_LABELS.get(code, code)


def need_type_label(code: str) -> str:
    """``Leveranser`` for ``delivery``; an unknown code as itself."""
    return NEED_TYPE_LABELS.get(code, code)


DEFINITIONS: dict[str, str] = {
    "fidelity": (
        "Avtalstrohet = avtalat / (avtalat + avtalsotroget), räknat på belopp. "
        "Avtalat: ett avtal som gäller på fakturadagen täcker radens kategori och leverantören finns på "
        "avtalet. Avtalsotroget: ett giltigt avtal täcker kategorin men leverantören finns inte på det."
    ),
    "supplier_fidelity": (
        "Leverantörstrohet = andelen av den påverkbara volymen som går till leverantörer med något giltigt "
        "avtal, oavsett vad som köptes. Blir högre än avtalstroheten när avtalade leverantörer säljer "
        "utanför sitt avtalsområde."
    ),
    "coverage": (
        "Avtalstäckning = (avtalat + avtalsotroget) / (avtalat + avtalsotroget + avtalslöst). "
        "Avtalslöst: inget giltigt avtal täcker kategorin, ett tecken på att en upphandling kan saknas."
    ),
    "on": "Belopp på fakturarader där leverantören finns på ett giltigt avtal för radens kategori.",
    "off": (
        "Belopp där ett giltigt avtal finns för kategorin men köpet gjordes hos en annan leverantör. "
        "En fråga att ställa till enheten, inte en dom: avtalsregistret kan vara ofullständigt."
    ),
    "no_contract": (
        "Avtalslöst: inget avtal som gäller på fakturadagen täcker radens kategori. Räknas inte i "
        "avtalstroheten men sänker avtalstäckningen."
    ),
    "excluded": "Ej påverkbart: konton eller kategorier som löner, hyror, bidrag och avgifter räknas inte.",
    "unclassified": (
        "Oklassificerat: kontot saknar kategori och leverantören har inget giltigt avtal. Räknas inte som "
        "avtalat eller avtalsotroget."
    ),
}
