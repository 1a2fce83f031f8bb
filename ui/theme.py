"""Words and colours for the fidelity statuses, the same on every page.

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
