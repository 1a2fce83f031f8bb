"""The static ingredients of the demo municipality: organisation, categories,
what each kind of unit buys, and name pools. Pure data, no logic."""

from __future__ import annotations

from dataclasses import dataclass

DEPARTMENTS: tuple[tuple[str, str], ...] = (
    ("KSF", "Kommunstyrelseförvaltningen"),
    ("BUF", "Barn- och utbildningsförvaltningen"),
    ("VOF", "Vård- och omsorgsförvaltningen"),
    ("SOC", "Socialförvaltningen"),
    ("KFF", "Kultur- och fritidsförvaltningen"),
    ("SBF", "Samhällsbyggnadsförvaltningen"),
    ("SSF", "Serviceförvaltningen"),
    ("MHF", "Miljö- och hälsoskyddsförvaltningen"),
)


@dataclass(frozen=True)
class UnitKind:
    """A kind of ordering unit: how many there are, where, and how much they buy."""

    code: str
    label: str
    name_pattern: str  # formatted with a place name
    department: str
    count: int
    activity: float  # relative number of invoice lines per unit
    roles: tuple[str, ...]


UNIT_KINDS: tuple[UnitKind, ...] = (
    UnitKind(
        "care_home",
        "Äldreboende",
        "Vård- och omsorgsboendet {place}",
        "VOF",
        40,
        1.6,
        ("Enhetschef", "Kostombud", "Beställare"),
    ),
    UnitKind("home_care", "Hemtjänst", "Hemtjänsten {place}", "VOF", 20, 0.8, ("Enhetschef", "Beställare")),
    UnitKind(
        "group_home", "LSS-boende", "Gruppbostaden {place}", "SOC", 25, 0.9, ("Enhetschef", "Kostombud")
    ),
    UnitKind(
        "social_office",
        "Individ- och familjeomsorg",
        "IFO {place}",
        "SOC",
        6,
        0.6,
        ("Enhetschef", "Administratör"),
    ),
    UnitKind(
        "school_kitchen",
        "Skolkök",
        "Tillagningsköket {place}skolan",
        "SSF",
        35,
        1.8,
        ("Kostchef", "Kock", "Beställare"),
    ),
    UnitKind("school", "Skola", "{place}skolan", "BUF", 30, 1.2, ("Rektor", "Administratör")),
    UnitKind("preschool", "Förskola", "Förskolan {place}", "BUF", 45, 0.7, ("Förskolechef", "Beställare")),
    UnitKind("library", "Bibliotek", "{place} bibliotek", "KFF", 12, 0.6, ("Bibliotekschef", "Beställare")),
    UnitKind("sports", "Idrottsanläggning", "{place} sporthall", "KFF", 10, 0.5, ("Driftchef",)),
    UnitKind("culture", "Kulturverksamhet", "Kulturhuset {place}", "KFF", 6, 0.5, ("Verksamhetschef",)),
    UnitKind("street", "Gatuunderhåll", "Gatuenheten {place}", "SBF", 8, 1.4, ("Arbetsledare", "Beställare")),
    UnitKind("park", "Park och natur", "Parkenheten {place}", "SBF", 6, 0.9, ("Arbetsledare",)),
    UnitKind("cleaning", "Lokalvård", "Lokalvården {place}", "SSF", 6, 0.8, ("Enhetschef",)),
    UnitKind("office", "Administration", "Kansliet {place}", "KSF", 14, 0.7, ("Enhetschef", "Administratör")),
    UnitKind("inspection", "Tillsyn", "Tillsynsenheten {place}", "MHF", 6, 0.5, ("Enhetschef",)),
)

PLACES: tuple[str, ...] = (
    "Solgläntan",
    "Björkbacken",
    "Ekhagen",
    "Lindgården",
    "Tallbacken",
    "Almvägen",
    "Rosendal",
    "Sjöstaden",
    "Norrby",
    "Söderby",
    "Västerhöjd",
    "Österäng",
    "Bäckby",
    "Kvarnbacken",
    "Lärkan",
    "Svalan",
    "Trasten",
    "Näktergalen",
    "Hagaberg",
    "Ängsbacka",
    "Granbo",
    "Furulund",
    "Vallby",
    "Ringvägen",
    "Ljungby",
    "Mossen",
    "Skogsbo",
    "Strandängen",
    "Klockaretorpet",
    "Backen",
    "Hammarby",
    "Rudbeck",
    "Eriksberg",
    "Vasastaden",
    "Nyby",
    "Gamla stan",
    "Kungsgärdet",
    "Stenhagen",
    "Brunnsängen",
    "Kastanjen",
    "Lönnen",
    "Asken",
    "Hasselgården",
    "Vitsippan",
    "Blåklinten",
    "Prästgården",
    "Tunaberg",
    "Källbacken",
    "Myrstacken",
    "Ekorren",
)


@dataclass(frozen=True)
class CategorySpec:
    """A purchase category with its accounts, typical line amount and buyers."""

    name: str
    accounts: tuple[tuple[str, str], ...]  # (number, name)
    typical_amount: int  # median line amount in kronor
    buyers: tuple[str, ...]  # unit kinds that buy it; () means every kind
    influenceable: bool = True


FOOD_CATEGORIES = ("Livsmedel", "Frukt och grönt", "Mejeriprodukter", "Bröd och konditori", "Kött och chark")

CATEGORIES: tuple[CategorySpec, ...] = (
    CategorySpec(
        "Livsmedel",
        (("4010", "Livsmedel"),),
        4200,
        ("care_home", "school_kitchen", "preschool", "group_home"),
    ),
    CategorySpec(
        "Frukt och grönt",
        (("4011", "Frukt och grönsaker"),),
        2100,
        ("care_home", "school_kitchen", "preschool", "group_home"),
    ),
    CategorySpec(
        "Mejeriprodukter",
        (("4012", "Mejeriprodukter"),),
        1900,
        ("care_home", "school_kitchen", "preschool", "group_home"),
    ),
    CategorySpec(
        "Bröd och konditori", (("4013", "Bröd"),), 900, ("care_home", "school_kitchen", "preschool")
    ),
    CategorySpec("Kött och chark", (("4014", "Kött och chark"),), 3600, ("care_home", "school_kitchen")),
    CategorySpec("Kaffe och fika", (("4015", "Kaffe, te och fika"),), 700, ()),
    CategorySpec("Kontorsmaterial", (("6410", "Kontorsmaterial"),), 850, ()),
    CategorySpec("Möbler", (("5410", "Inventarier möbler"),), 9800, ()),
    CategorySpec("Storköksutrustning", (("5420", "Köksutrustning"),), 14500, ("school_kitchen", "care_home")),
    CategorySpec("IT-hårdvara", (("5430", "Datorer och tillbehör"),), 8900, ()),
    CategorySpec("IT-konsulter", (("6540", "IT-konsulttjänster"),), 48000, ("office",)),
    CategorySpec("Programvarulicenser", (("5460", "Licenser och programvara"),), 21000, ("office", "school")),
    CategorySpec("Mobiltelefoni", (("6212", "Mobiltelefoni"),), 2400, ()),
    CategorySpec("Tryckeritjänster", (("6420", "Trycksaker"),), 5200, ("office", "culture", "library")),
    CategorySpec("Städmaterial och hygienartiklar", (("4620", "Städ- och hygienartiklar"),), 1600, ()),
    CategorySpec(
        "Medicinskt förbrukningsmaterial",
        (("4636", "Medicinskt förbrukningsmaterial"),),
        2700,
        ("care_home", "home_care", "group_home"),
    ),
    CategorySpec(
        "Inkontinensprodukter", (("4637", "Inkontinensartiklar"),), 5600, ("care_home", "home_care")
    ),
    CategorySpec(
        "Arbetskläder",
        (("4530", "Arbetskläder"),),
        3100,
        ("care_home", "home_care", "school_kitchen", "street", "park", "cleaning"),
    ),
    CategorySpec(
        "Skyddsutrustning",
        (("4531", "Personlig skyddsutrustning"),),
        1800,
        ("care_home", "home_care", "street", "park", "cleaning"),
    ),
    CategorySpec("Läromedel", (("4410", "Läromedel"),), 3900, ("school", "preschool")),
    CategorySpec("Böcker och media", (("4420", "Böcker och media"),), 2300, ("library", "school")),
    CategorySpec("Lek- och pysselmaterial", (("4430", "Lekmaterial"),), 1400, ("preschool",)),
    CategorySpec("Idrottsmaterial", (("4440", "Idrottsmaterial"),), 2600, ("sports", "school")),
    CategorySpec(
        "Persontransporter",
        (("6110", "Resor och transporter"),),
        1200,
        ("school", "group_home", "social_office"),
    ),
    CategorySpec("Fordonsleasing", (("5610", "Leasing fordon"),), 6800, ("home_care", "street", "park")),
    CategorySpec("Drivmedel", (("5611", "Drivmedel"),), 1500, ("home_care", "street", "park")),
    CategorySpec("Vinterväghållning", (("7510", "Entreprenad vinterväghållning"),), 38000, ("street",)),
    CategorySpec("Beläggningsarbeten", (("7520", "Entreprenad beläggning"),), 120000, ("street",)),
    CategorySpec("Trafikanordningar", (("7530", "Trafikanordningar"),), 9000, ("street",)),
    CategorySpec("Grönyteskötsel", (("7540", "Skötsel grönytor"),), 22000, ("park",)),
    CategorySpec("Elinstallationer", (("5220", "Reparation el"),), 7400, ()),
    CategorySpec("VVS-tjänster", (("5221", "Reparation VVS"),), 6900, ()),
    CategorySpec("Lås och larm", (("5222", "Lås och larmtjänster"),), 4100, ()),
    CategorySpec("Hotell och konferens", (("7110", "Konferenser"),), 5500, ()),
    CategorySpec("Bemanning vård", (("6910", "Inhyrd personal vård"),), 64000, ("care_home", "home_care")),
    CategorySpec(
        "Bemanning socionomer", (("6911", "Inhyrd personal socialtjänst"),), 72000, ("social_office",)
    ),
    CategorySpec("Tolktjänster", (("6920", "Tolkar"),), 1700, ("social_office", "school", "home_care")),
    CategorySpec("Juridiska tjänster", (("6930", "Juridiska tjänster"),), 26000, ("office", "social_office")),
    CategorySpec("Företagshälsovård", (("6940", "Företagshälsovård"),), 8200, ()),
    CategorySpec("Utbildningstjänster", (("6950", "Kurser och utbildning"),), 9500, ()),
    CategorySpec(
        "Annonsering och kommunikation", (("6960", "Annonser och reklam"),), 7800, ("office", "culture")
    ),
    CategorySpec("Avfallshantering", (("6310", "Avfall och renhållning"),), 3800, ()),
    CategorySpec(
        "Tvätt och textilservice",
        (("6320", "Tvätteritjänster"),),
        4400,
        ("care_home", "group_home", "school_kitchen"),
    ),
    CategorySpec("Hjälpmedel", (("4640", "Hjälpmedel"),), 6300, ("care_home", "home_care", "group_home")),
    CategorySpec("Blommor och växter", (("4650", "Blommor"),), 650, ()),
    # Not influenceable: out of scope for fidelity.
    CategorySpec("Lokalhyror", (("5010", "Lokalhyra"),), 30000, (), influenceable=False),
    CategorySpec(
        "Föreningsbidrag",
        (("4910", "Bidrag till föreningar"),),
        25000,
        ("sports", "culture"),
        influenceable=False,
    ),
    CategorySpec("Skatter och avgifter", (("7930", "Myndighetsavgifter"),), 3400, (), influenceable=False),
)

# Accounts with no category: a real account plan always has some.
UNMAPPED_ACCOUNTS: tuple[tuple[str, str], ...] = (
    ("4990", "Övriga förbrukningsinventarier"),
    ("6990", "Övriga främmande tjänster"),
)

# Share of a kind's purchases in a category made from a contracted supplier
# (when a contract exists). The article's story: care wards buy their food in
# the local shop, school kitchens cooking a thousand portions use the contract.
DEFAULT_ON_CONTRACT_SHARE = 0.72
ON_CONTRACT_SHARE: dict[tuple[str, str], float] = {
    **{("care_home", food): 0.42 for food in FOOD_CATEGORIES},
    **{("group_home", food): 0.48 for food in FOOD_CATEGORIES},
    **{("preschool", food): 0.66 for food in FOOD_CATEGORIES},
    **{("school_kitchen", food): 0.93 for food in FOOD_CATEGORIES},
    ("care_home", "Inkontinensprodukter"): 0.9,
    ("home_care", "Fordonsleasing"): 0.95,
    ("street", "Vinterväghållning"): 0.97,
    ("office", "IT-konsulter"): 0.55,
    ("care_home", "Bemanning vård"): 0.6,
    ("social_office", "Bemanning socionomer"): 0.5,
}
YEARLY_IMPROVEMENT = 0.03  # fidelity rises a little each year: the work pays off

FIRST_NAMES: tuple[str, ...] = (
    "Anna",
    "Eva",
    "Maria",
    "Karin",
    "Sara",
    "Lena",
    "Kerstin",
    "Emma",
    "Ingrid",
    "Marie",
    "Malin",
    "Jenny",
    "Linda",
    "Hanna",
    "Sofia",
    "Johanna",
    "Elin",
    "Ida",
    "Lars",
    "Mikael",
    "Anders",
    "Johan",
    "Per",
    "Erik",
    "Karl",
    "Peter",
    "Thomas",
    "Jan",
    "Daniel",
    "Fredrik",
    "Hans",
    "Mats",
    "Magnus",
    "Andreas",
    "Stefan",
    "Jonas",
    "Marcus",
    "Niklas",
    "Amir",
    "Fatima",
    "Ali",
    "Leila",
    "Mohammed",
    "Aida",
    "Nils",
    "Oskar",
)
LAST_NAMES: tuple[str, ...] = (
    "Andersson",
    "Johansson",
    "Karlsson",
    "Nilsson",
    "Eriksson",
    "Larsson",
    "Olsson",
    "Persson",
    "Svensson",
    "Gustafsson",
    "Pettersson",
    "Jonsson",
    "Jansson",
    "Hansson",
    "Bengtsson",
    "Jönsson",
    "Lindberg",
    "Jakobsson",
    "Magnusson",
    "Olofsson",
    "Lindström",
    "Lindqvist",
    "Lindgren",
    "Berg",
    "Axelsson",
    "Bergström",
    "Lundberg",
    "Lind",
    "Lundgren",
    "Lundqvist",
    "Mattsson",
    "Berglund",
    "Fredriksson",
    "Sandberg",
    "Henriksson",
    "Ali",
    "Hassan",
    "Mohammadi",
    "Ahmed",
    "Forsberg",
    "Sjöberg",
    "Wallin",
)

SUPPLIER_PREFIXES: tuple[str, ...] = (
    "Nordisk",
    "Mälardalens",
    "Svea",
    "Bergslagens",
    "Norrlands",
    "Västra",
    "Östgöta",
    "Skandinaviska",
    "Kustens",
    "Dalarnas",
    "Vänerns",
    "Göta",
    "Lilla",
    "Stora",
    "Nya",
    "Centrala",
    "Lokala",
    "Gamla",
    "Moderna",
    "Gröna",
    "Bästa",
    "Svenska",
    "Norra",
    "Södra",
    "Mellansvenska",
    "Klara",
    "Fjällens",
    "Sjöns",
)
SUPPLIER_TRADES: tuple[str, ...] = (
    "Livs",
    "Handel",
    "Grossisten",
    "Partihandel",
    "Kontorsvaror",
    "Data",
    "IT-partner",
    "Konsult",
    "Bygg",
    "El",
    "Rör",
    "Måleri",
    "Transport",
    "Taxi",
    "Bemanning",
    "Städ",
    "Tvätt",
    "Trycksaker",
    "Möbler",
    "Storkök",
    "Vård",
    "Medicinteknik",
    "Maskin",
    "Fordon",
    "Miljö",
    "Trädgård",
    "Lås",
    "Utbildning",
    "Media",
    "Kommunikation",
    "Service",
    "Teknik",
    "Verktyg",
    "Kläder",
    "Lek",
    "Sport",
)
SUPPLIER_FORMS: tuple[str, ...] = ("AB", "AB", "AB", "i Sverige AB", "Handelsbolag", "Ekonomisk förening")

PURCHASING_BODIES: tuple[str, ...] = ("Adda", "Statens inköpscentral")

# Needs and feedback the way units write them (the article's examples).
NEED_TEXTS: dict[str, tuple[str, ...]] = {
    "package_size": (
        "Vi är en avdelning med tio boende och behöver mindre förpackningar. Mjölk i 5-litersdunk blir dålig "
        "innan vi hinner använda den, därför handlar vi i butiken.",
        "Storpack med 10 kg potatismos passar inte oss. Finns det 1-kilosförpackningar på avtalet?",
        "Vi lagar tusen portioner om dagen och vill ha större kartonger för att slippa plastavfall.",
    ),
    "delivery": (
        "Leveranserna kommer bara på tisdagar. Vi behöver färskvaror även till helgen.",
        "Leverantören ställer varorna utanför köket och kylvarorna blir varma. Kan leverans ske till kylrum?",
        "Vi behöver kunna beställa med kortare varsel än fem dagar.",
    ),
    "assortment": (
        "Laktosfri och glutenfri kost saknas i sortimentet, därför köper vi det någon annanstans.",
        "Vi saknar konsistensanpassad mat för boende med sväljsvårigheter.",
        "Sortimentet av ekologiska produkter är för litet för att nå kommunens mål.",
    ),
    "quality": (
        "Frukten är ofta övermogen när den kommer.",
        "Kvaliteten på arbetskläderna är sämre än förra avtalet, sömmarna går upp efter få tvättar.",
    ),
    "price": (
        "Priset på avtalet är högre än i butiken för samma vara. Hur kan det komma sig?",
        "Frakten gör att små beställningar blir dyra för oss.",
    ),
    "ordering": (
        "E-handeln är krånglig och vi hittar inte varorna. Kan vi få en utbildning?",
        "Vi vet inte hur man beställer på avtalet, vem ska vi fråga?",
    ),
    "service": (
        "Kundtjänsten svarar inte på mejl. Vi har väntat två veckor på en kreditering.",
        "Säljaren är mycket hjälpsam och kommer gärna ut och visar nyheter.",
    ),
    "other": (
        "Vi skulle vilja vara med och tycka till inför nästa upphandling.",
        "Vem är avtalsansvarig för det här området?",
    ),
}
GOOD_TEXTS: tuple[str, ...] = (
    "Leveranserna kommer i tid.",
    "Bra sortiment och trevlig personal.",
    "Enkel beställning i e-handeln.",
)
LESS_GOOD_TEXTS: tuple[str, ...] = (
    "För stora förpackningar.",
    "Långa leveranstider.",
    "Svårt att nå kundtjänst.",
    "Höga fraktkostnader.",
)
