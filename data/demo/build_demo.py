"""Write the demo workbooks from the facts in the public Danish source documents (../shared/seeds).

Run: .venv/bin/python data/demo/build_demo.py   (the output is committed; the script is how it was made)

The sheets are shaped the way staff keep them: a title row, Danish headers, some dates as text,
amounts as the minutes give them ("ca. 41 mio. kr."), a row "Eksterne" before the external
members, a totals row. Every figure the documents do not give is invented and marked
"Illustrativ" in the Bemærkning column. People's names only as published in the documents.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

HERE = Path(__file__).parent
FIXED = dt.datetime(2025, 11, 21, 9, 0, 0)
ILL = "Illustrativ"
AI = "AI-Innovationsnetværket"
HD = "Innovationsnetværk om hurtig diagnostik"
DS = "Innovationsnetværk om digitale services"
MJ = "AI netværk for sundhedsdata projekter"
TN = "Trial Nation: AI i medicinsk udstyr"
DIU = "Digitaliserings- og Innovationsudvalget"
RH, RM, RSD = "Region Hovedstaden", "Region Midtjylland", "Region Syddanmark"


def save(
    name: str,
    sheet: str,
    title: str | None,
    header: list[str],
    rows: list[list[object]],
    widths: dict[int, int],
) -> None:
    """One workbook: title row, blank row, header, rows; fixed dates so rebuilding gives the same content."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    start = 1
    if title:
        ws.append([title])
        ws["A1"].font = Font(bold=True, size=14)
        ws.append([])
        start = 3
    ws.append(header)
    for c in ws[start]:
        c.font = Font(bold=True)
        c.alignment = Alignment(wrap_text=True, vertical="top")
    for r in rows:
        ws.append(r)
    for row in ws.iter_rows(min_row=start + 1):
        for c in row:
            if isinstance(c.value, int | float) and not isinstance(c.value, bool) and abs(c.value) >= 1000:
                c.number_format = "#,##0"
            elif isinstance(c.value, dt.date):
                c.number_format = "DD-MM-YYYY"
            if isinstance(c.value, str) and "\n" in c.value:
                c.alignment = Alignment(wrap_text=True)
    for col, w in widths.items():
        ws.column_dimensions[chr(64 + col)].width = w
    ws.freeze_panes = ws.cell(row=start + 1, column=1)
    wb.properties.creator = "Overblik demo"
    wb.properties.created = FIXED
    wb.properties.modified = FIXED
    wb.save(HERE / name)


def networks() -> None:
    header = [
        "Netværk",
        "Region",
        "Tema",
        "Type",
        "Netværksleder",
        "Facilitator",
        "Startet",
        "Afsluttet",
        "Mødekadence (mdr.)",
        "Bemærkning",
    ]
    sfi = "Enhed for Sundhedsforskning og Innovation (SFI)"
    rows = [
        [AI, RH, "Kunstig intelligens", "Netværk", "Freddy Lippert", sfi, dt.date(2019, 6, 17), None, 2, "Kilde: AI-netværkets anbefalinger (2020)"],
        [HD, RH, "Hurtig diagnostik", "Netværk", None, sfi, dt.date(2019, 5, 1), None, 2, f"{ILL}: startdato ikke oplyst i kilden"],
        [DS, RH, "Digitale services", "Netværk", None, sfi, dt.date(2019, 5, 1), None, 2, f"{ILL}: startdato ikke oplyst i kilden"],
        [MJ, RM, "AI og sundhedsdata", "Netværk", None, "MedTech Innovation Consortium (MTIC) og Regional Udvikling", dt.date(2021, 1, 1), None, 2, f"{ILL}: startdato ikke oplyst i kilden"],
        [TN, "Nationalt", "AI i medicinsk udstyr", "Projekt", None, "Trial Nation", dt.date(2021, 9, 1), dt.date(2022, 1, 31), None, f"{ILL}: periode ikke oplyst i kilden"],
        [DIU, RSD, "Digitalisering og innovation", "Udvalg", None, None, dt.date(2022, 1, 1), dt.date(2025, 12, 31), None, "Valgperioden 2022-2025"],
    ]  # fmt: skip
    save(
        "netvaerk.xlsx",
        "Netværk",
        "Netværk og udvalg",
        header,
        rows,
        {1: 42, 2: 20, 3: 26, 4: 10, 5: 18, 6: 44, 7: 12, 8: 12, 9: 12, 10: 40},
    )


INTERNAL = [
    ("Anders Hess Ahrensbach", "Jurist", "Center for Politik og Kommu-\nnikation"),
    ("Andreas Seliger", "Chefkonsulent", "Center for Økonomi"),
    ("Anna Pors", "1. reservelæge, ph.d.", "Amager og Hvidovre Hospital"),
    ("Birgitte Hagelskjær Nielsen", "Chefkonsulent; DPO", "Center for Politik og Kommunikation"),
    ("Bodil Ørkild", "Vicedirektør, læge, \nph.d.", "Herlev og Gentofte Hospital"),
    ("Carsten Nørgaard Laugesen", "Vicedirektør", "Center for IT, Medico og Tele-\nfoni"),
    ("Charlotte Hess", "Enhedschef", "Center for HR og Uddannelse"),
    ("Christoph Felix Müller", "Reservelæge", "Herlev og Gentofte Hospital"),
    ("Claes Nøhr Ladefoged", "Postdoc", "Rigshospitalet"),
    ("Dan Eik Høfsten", "Overlæge ", "Rigshospitalet"),
    ("David Kovacs", "Leder, civilingeniør", "Rigshospitalet"),
    ("Flemming Littrup Andersen", "Datachef", "Rigshospitalet"),
    ("Freddy Lippert", "Direktør", "Akutberedskabet"),
    ("Fredrik Folke", "Overlæge og Forsk-\nningschef", "Herlev og Gentofte Hospital og Akutberedskabet"),
    ("Helene Westring Hvidman", "Reservelæge ph.d.", "Amager og Hvidovre Hospital"),
    ("Henning Langberg", "Stabschef, professor, Dr. med.", "Rigshospitalet"),
    ("Ivan Olegovich Potapenko", "Reservelæge", "Rigshospitalet, Glostrup"),
    ("Jack Karrer ", "Radiograf", "Bispebjerg & Frederiksberg"),
    ("Jakob Krarup", "Klinikchef", "Psykiatrisk Center Sankt Hans"),
    ("Jakob Skriver Routhe", "Team Lead, SP Sundhedsdata", "Center for Økonomi"),
    ("Janus Nybing ", "Radiograf", "Bispebjerg & Frederiksberg"),
    ("Jens Lundgren", "Overlæge professor", "Rigshospitalet"),
    ("Liselotte Højgaard", "Klinikchef, professor, dr. med.", "Rigshospitalet"),
    ("Martin Grønnebæk Tolsgaard", "Afdelingslæge", "Rigshospitalet"),
    ("Martin Magelund Rasmussen", "Centerdirektør", "Rigshospitalet"),
    ("Mathias Willadsen Brejnebøl", "Reservelæge", "Herlev og Gentofte Hospital"),
    ("Michael Bachmann Nielsen", "Professor, Overlæge", "Rigshospitalet"),
    ("Michel Nèmery", "Ledende overlæge", "Herlev/Gentofte"),
    ("Mikael Boesen", "Professor, Overlæge", "Bispebjerg og Frederiksberg Hospital, Radiologi"),
    ("Morten Bo Søndergaard Svendsen", "Civilingeniør, ph.d.", "Center for HR og Uddannelse"),
    ("Morten Dornonville de la Cour", "Klinikchef", "Rigshospitalet, Glostrup"),
    ("Morten Ljungdahl", "Overlæge", "Amager og Hvidovre Hospital"),
    ("Ove Andersen", "Forskningschef ", "Amager og Hvidovre Hospital"),
    ("Poul Madsen ", "Koordinator", "Center for IT, Medico og Telefoni"),
    (
        "Stig Nikolaj Fasmer Blomberg",
        "Forsker, ph.d.-stude-\nrende",
        "Den præhospitale Virksomhed og IKM, KU",
    ),
    ("Thomas Hasseriis Andersen", "1. reservelæge", "Rigshospitalet"),
]
EXTERNAL = [
    ("Anders Bjorholm Dahl", "Professor MSO, Head of Section", "DTU COMPUTE"),
    ("Andreas Cleve Lohmann", "CEO", "Corti"),
    ("Daniel Lamberts Borgen", "Solution Architect Nordic", "Ascom"),
    ("Jan Madsen", "Professor", "DTU COMPUTE"),
    ("Jonas Fiedler Kierkegaard", "Head of Innovation Lab", "Roche"),
    ("Line Katrine Harder Clemmensen", "Lektor", "DTU"),
    ("Mads Jarner Brevadt", "Co-founder, CEO ", "Radiobotics"),
    ("Mads Nielsen", "Institutleder", "KU"),
    ("Martin Axelsen", "Co-founder, CSO", "Radiobotics"),
    ("Martin Holm Jensen", "Teammanager ", "Leo Innovation Lab"),
    ("Morten Scheibye-Knudsen", "Lektor", "Center for Sund Aldring "),
    ("Patrick Schacksen", "Account Executive Health Sector", "Microsoft"),
    ("Thomas Bolander", "Professor ", "DTU COMPUTE"),
]


def members() -> None:
    rows = [list(m) for m in INTERNAL] + [["Eksterne"]] + [list(m) for m in EXTERNAL]
    save(
        "deltagere_ai_netvaerk.xlsx",
        "Deltagere",
        "Oversigt over deltagere i AI-Innovationsnetværket pr. oktober 2020",
        ["Navn", "Titel", "Organisation"],
        rows,
        {1: 32, 2: 34, 3: 46},
    )


COMMITTEE = [
    ("Anja Lund", "Udvalgsmedlem (V)"),
    ("Meho Selman", "Udvalgsmedlem (A)"),
    ("Karsten Byrgesen", "Udvalgsmedlem (løsgænger)"),
    ("Anne Marie Geisler Andersen", "Udvalgsmedlem (B)"),
    ("Henriette Schlesinger Kærgaard", "Udvalgsmedlem (V)"),
    ("Jens Wistoft", "Udvalgsmedlem (V)"),
    ("Lars Mogensen", "Udvalgsmedlem (Ø)"),
]
# Speakers at the Trial Nation workshops and conference (seed 003, OCR letters restored).
SPEAKERS = [
    ("Bjarne Steen Dahler-Eriksen", "Lægelig direktør", "OUH"),
    ("Quinnie Terttu Stolt Rautalammi", "Jurist", "Region Syddanmark"),
    ("Robert Lauritzen", "CEO", "Cerebriu"),
    ("Tina Juul", "Konsulentdirektør", "IQVIA"),
    ("Mads Lause Mogensen", "CEO", "Treat Systems"),
    ("Pall Johannesson", "CEO", "Medei"),
    ("Brian Hedegaard", "CEO og grundlægger", "Probatus"),
    ("Jacob Høy Berthelsen", "CEO og grundlægger", "Enversion"),
    ("Charlotte Trap-Kinberg", "CEO", "RAIT"),
    ("Søren Jakobsen", "Programleder", "Sundhedsdatastyrelsen"),
    ("Søren Hasselman", "Seniorkonsulent", "Danske Regioner"),
    ("Ricco Dyhr", "Sygehusdirektør", "Nykøbing F. Sygehus"),
    ("Lars Dahl Allerup", "Chairman & Partner", "Human Bytes"),
    ("Frederik Baastrup", "CEO & Founding partner", "Human Bytes"),
    ("Kenneth Forsstrøm Jensen", "Strategic Market Access Manager", "Roche A/S"),
    ("Søren Hofmeister", "CEO", "Centaflow"),
    ("Farzad Saber", "CEO", "O2Matic"),
    ("Ole Bech Lykkebo", "Analysechef", "Center for Offentlig Innovation"),
    ("Ole Kæseler Andersen", "Konferencens moderator", "Aalborg Universitet"),
    ("Diana Arsovic Nielsen", "CEO", "Danish Life Science Cluster"),
    ("Martin Vesterby", "HealthTech Adoption Partner", "Health Tech Hub Copenhagen"),
    ("Bjørn Anton Graff", "Forsknings- og innovasjonsansvarlig", "Vestre Viken HF"),
    ("Jane Bjerregaard Rasmussen", "Innovationschef", "Region Nordjylland"),
    ("Ulrik Nicolai de Lichtenberg", "Senior Scientific Manager", "Novo Nordisk Fonden"),
    ("Henning Langberg", "Innovationsdirektør", "Rigshospitalets Innovationscenter"),
]


def committee_and_project_members() -> None:
    rows = [[n, t, "Regionsrådet, Region Syddanmark", DIU, "Nej", None] for n, t in COMMITTEE]
    rows += [[n, t, o, TN, "Ja", "Oplægsholder"] for n, t, o in SPEAKERS]
    save(
        "udvalg_og_projekter_deltagere.xlsx",
        "Deltagere",
        "Udvalgsmedlemmer og oplægsholdere",
        ["Navn", "Titel", "Organisation", "Netværk", "Ekstern", "Bemærkning"],
        rows,
        {1: 32, 2: 34, 3: 36, 4: 38, 5: 9, 6: 16},
    )


def meetings() -> None:
    header = [
        "Netværk",
        "Møde nr.",
        "Dato",
        "Sted",
        "Tema",
        "Type",
        "Format",
        "Varighed (timer)",
        "Deltagere",
        "Bemærkning",
    ]
    att = f"{ILL}: deltagerantal ikke oplyst i kilden"
    rows: list[list[object]] = [
        [AI, 1, "17. juni 2019", "hos Akutberedskabet", "Igangsætning", "Netværksmøde", None, 3, 24, att],
        [AI, 2, dt.date(2019, 9, 2), "på Hvidovre Hospital", "Videndeling", "Netværksmøde", None, 3, 27, att],
        [AI, 3, "8. oktober 2019", "hos CAMES, RH", "Netværkets vision", "Netværksmøde", None, 3, 25, att],
        [AI, 4, dt.date(2019, 12, 9), "hos Microsoft", "Cloudløsninger", "Netværksmøde", None, 3, 29, att],
        [AI, 5, "4. februar 2020", "hos CIMT", "Adgang til data og cloudløsninger i Region Hovedstaden", "Netværksmøde", None, 3, 31, att],
        [AI, 6, dt.date(2020, 6, 17), "Skype og hos CIMT", "Erfaringer under COVID-19 og anbefalinger fra netværket", "Netværksmøde", None, 3, 22, att],
        [AI, 7, "31. august 2020", "Skype og på RH Glostrup", "Juridiske regler vedr. data", "Netværksmøde", None, 3, 26, att],
        [AI, 8, dt.date(2020, 9, 29), "Skype", "Pseudonymisering og anonymisering af data", "Netværksmøde", None, 3, 23, att],
        [AI, 9, "2. november 2020", "Skype", "Udkast til netværkets anbefalinger", "Netværksmøde", None, 3, 28, att],
        [AI, None, dt.date(2020, 4, 21), "Online", "Cerebriu's arbejde med at udvikle algoritmer til at identificere COVID-19 patienters behov for intensiv behandling", "Webinar", "Online", 1, 64, f"For alle tre netværk. {ILL}: dato og deltagerantal ikke oplyst"],
        [AI, None, dt.date(2020, 5, 12), "Online", "Region Hovedstadens nye SAS-Platform på 20 minutter", "Webinar", "Online", 1, 41, f"For alle tre netværk. {ILL}: dato og deltagerantal ikke oplyst"],
        [AI, None, dt.date(2020, 6, 2), "Online", "Udvikling af en chatbot til brug for borgernes selvvurdering af COVID-19 symptomer", "Webinar", "Online", 1, 53, f"For alle tre netværk. {ILL}: dato og deltagerantal ikke oplyst"],
        [AI, None, "6. oktober 2020", "Online", "Innovation og forskning i digitale teknologier", "Webinar", "Online", 1, 47, f"For alle tre netværk. Datoen står i kilden. {ILL}: deltagerantal"],
        [TN, 1, dt.date(2021, 9, 14), "København", "Samarbejde, jura & dataadgang", "Workshop", "Fysisk", 3, None, f"{ILL}: dato ikke oplyst i kilden"],
        [TN, 2, dt.date(2021, 10, 19), "Odense", "Fra projekt til produkt", "Workshop", "Fysisk", 3, None, f"{ILL}: dato ikke oplyst i kilden"],
        [TN, 3, dt.date(2021, 11, 23), "Aarhus", "Implementering & skalering", "Workshop", "Fysisk", 3, None, f"{ILL}: dato ikke oplyst i kilden"],
        [TN, None, dt.date(2022, 1, 27), "København og streaming", "Vejen til klinisk brug af AI i medicinsk udstyr", "Konference", "Hybrid", 6, None, f"{ILL}: dato ikke oplyst i kilden"],
        [DIU, None, dt.date(2025, 10, 28), None, "Health in Europe: Joint Actions, Joint Future", "Konference", "Hybrid", 7, 320, "130 fysisk, 190 via streaming. Afholdt af Region Syddanmark under det danske EU-formandskab"],
        [DIU, None, "Torsdag d. 20. november 2025 kl. 10:00", "Regionshuset, mødelokale 6", "Delstrategier, internationalt samarbejde, DPO-årsrapport", "Udvalgsmøde", "Fysisk", 2, 5, "Fravær: Anne Marie Geisler Andersen (B), Jens Wistoft (V)"],
    ]  # fmt: skip
    ill = f"{ILL}: møde ikke beskrevet i kilden"
    for net, host, themes, start in (
        (HD, "Rigshospitalet", ["Opstart", "Hurtigere kræftdiagnostik", "Point of care-test", "Patientforløb på tværs", "Laboratoriedata", "Status og videreførsel"], dt.date(2019, 5, 20)),
        (DS, "Center for IT, Medico og Telefoni", ["Opstart", "Digital transformation", "Borgerrettede apps", "Hjemmemonitorering", "Implementering", "Status og videreførsel"], dt.date(2019, 5, 27)),
        (MJ, "MTIC, Aarhus", ["Adgang til sundhedsdata", "CE-mærkning af software", "Klinisk evaluering", "Samtykkemodeller", "Test i praksis"], dt.date(2021, 2, 8)),
    ):  # fmt: skip
        for i, theme in enumerate(themes):
            # About every second month; the last gap of the diagnostics network is longer (overdue).
            months = i * 2 + (3 if net == HD and i == len(themes) - 1 else 0)
            d = dt.date(
                start.year + (start.month - 1 + months) // 12, (start.month - 1 + months) % 12 + 1, start.day
            )
            rows.append([net, i + 1, d, host, theme, "Netværksmøde", "Fysisk", 3, 12 + (i * 5) % 9, ill])
    save(
        "moeder.xlsx",
        "Møder",
        "Møder og arrangementer",
        header,
        rows,
        {1: 40, 2: 8, 3: 16, 4: 28, 5: 56, 6: 14, 7: 9, 8: 10, 9: 10, 10: 48},
    )


def eu_projects() -> None:
    header = [
        "Akronym",
        "Projekt",
        "Program",
        "Type",
        "Region",
        "Samlet budget",
        "Regionens andel",
        "Periode",
        "Lead partner",
        "Land",
        "Antal partnere",
        "Deltagende enheder",
        "Bemærkning",
    ]
    rows = [
        ["Hope4Kids", "Familier med børn ramt af livstruende sygdomme, særligt kræft: palliativ pleje og sorgstøtte", "EU4Health", "Joint Action", RSD, "90 mio. kr.", "ca. 7,6 mio. kr.", "2025-2029", "Princess Maxima hospital", "Nederlandene", 75, "OUH, HC Andersen Børne- og Ungehospital, Børne- og Unge Palliativt Team, HCA forskningsenheden, Syddansk Sundhedsinnovation", None],
        ["JA PreventNCD", "Forebyggelse af kræft, hjerte-kar-sygdomme, type 2-diabetes og andre ikke-smitsomme sygdomme", "EU4Health", "Joint Action", RSD, "ca. 703 mio. kr.", "ca. 41 mio. kr.", "2024-2027", "Helsedirektoratet og Folkehelseinstituttet", "Norge", 105, "Sygehus Lillebælt, Syddansk Sundhedsinnovation, OUH CIMT", None],
        ["eCAN Plus", "Kræftcentres digitale kapacitet i Europa: forebyggelse og behandling", "EU4Health", "Joint Action", RSD, "Ikke oplyst", "18 mio. kr.", "2025-2029", "Sciensano", "Belgien", 83, "Sygehus Lillebælt, OUH, MedCom, Syddansk Sundhedsinnovation", "23 lande"],
        ["EUnetCCC", "European Network of Comprehensive Cancer Centres", "EU4Health", "Joint Action", RSD, "ca. 828 mio. kr.", "ca. 35 mio. kr.", "2024-2028", None, None, 163, "Sygehus Lillebælt, Syddansk Sundhedsinnovation", "Lead partner ikke oplyst i kilden"],
        ["CARES", "Udbredelse af telemedicin, bl.a. i yderområder", "Interreg / EU's Regionalfond", "Regionalfondsprojekt", RSD, None, "ca. 1,65 mio. kr.", "2023-2026", "Kujawsko-Pomorskie", "Polen", None, "Syddansk Sundhedsinnovation", "Partnere fra syv EU-lande"],
        ["I alt", None, None, None, None, 1_621_000_000, 103_250_000, None, None, None, None, None, "Sum af kendte beløb"],
    ]  # fmt: skip
    save(
        "eu_projekter.xlsx",
        "EU-projekter",
        "Region Syddanmarks EU-projekter (orientering til DIU 20.11.2025)",
        header,
        rows,
        {1: 16, 2: 50, 3: 22, 4: 18, 5: 18, 6: 18, 7: 18, 8: 11, 9: 30, 10: 13, 11: 9, 12: 50, 13: 30},
    )


def pools() -> None:
    header = ["Pulje", "Region", "År", "Model", "Beløb", "Min. bevilling", "Maks. bevilling", "Bemærkning"]
    rows: list[list[object]] = [
        [
            "AI-puljen 2020",
            RH,
            2020,
            "Engangsbeløb",
            3_000_000,
            100_000,
            300_000,
            "Netværket anbefaler 100-300.000 kr. pr. projekt",
        ]
    ]
    rows += [
        [
            "Pulje til digital innovation",
            RSD,
            y,
            "Trappemodel",
            3_000_000,
            None,
            None,
            "3 mio. kr. tilføres hvert år oven i de eksisterende midler",
        ]
        for y in range(2025, 2029)
    ]
    rows += [["EIPonAHA-medlemskab", RSD, y, "Årlig", 250_000, None, None, None] for y in range(2015, 2026)]
    rows += [
        [
            "Konferencebevilling Health in Europe",
            RSD,
            2025,
            "Engangsbeløb",
            250_000,
            None,
            None,
            "Bevilget af Regionsrådet i juni 2025",
        ]
    ]
    save(
        "puljer.xlsx",
        "Puljer",
        "Puljer og rammer",
        header,
        rows,
        {1: 38, 2: 20, 3: 8, 4: 14, 5: 14, 6: 14, 7: 14, 8: 52},
    )


def project_members() -> None:
    """Who works on which project, where a source says so: only what is published, no invented names."""
    rows = [
        ["RAIT: Radiologisk AI Testcenter", "Charlotte Trap-Kinberg", "CEO", "RAIT", "AI-Innovationsnetværket",
         "Oplægsholder ved Trial Nations workshop 2 (seed 003)"],
    ]  # fmt: skip
    save(
        "projektdeltagere.xlsx",
        "Projektdeltagere",
        "Projektdeltagere (kun hvad kilderne oplyser)",
        ["Projekt", "Navn", "Rolle", "Organisation", "Netværk", "Bemærkning"],
        rows,
        {1: 36, 2: 28, 3: 12, 4: 20, 5: 28, 6: 50},
    )


def allocations() -> None:
    header = [
        "Pulje",
        "År",
        "Projekt",
        "Modtager",
        "Beløb",
        "Status",
        "Beslutningsdato",
        "Sagsnr.",
        "Bemærkning",
    ]
    ai, di, eip = "AI-puljen 2020", "Pulje til digital innovation", "EIPonAHA-medlemskab"
    ill = f"{ILL}: beløb, status og dato ikke oplyst i kilden"
    rows: list[list[object]] = [
        ["Konferencebevilling Health in Europe", 2025, "Health in Europe: Joint Actions, Joint Future", "Syddansk Sundhedsinnovation", 250_000, "Bevilget", dt.date(2025, 6, 18), "25/3108", f"{ILL}: dagen i juni"],
        [ai, 2020, "AI-assisteret visitation af gravide og fødende", "Amager og Hvidovre Hospital", "300.000", "Bevilget", "15. december 2020", None, ill],
        [ai, 2020, "OHCA cloud-pilot (hjertestop)", "Akutberedskabet", 250_000, "Udbetalt", dt.date(2020, 12, 15), None, ill],
        [ai, 2020, "RAIT: Radiologisk AI Testcenter", "Herlev og Gentofte Hospital", 275_000, "Bevilget", dt.date(2020, 12, 15), None, ill],
        [ai, 2020, "AI-KOA", "Bispebjerg og Frederiksberg Hospital", "kr. 200.000", "Udbetalt", dt.date(2020, 12, 15), None, ill],
        [ai, 2020, "SmartChest", "Herlev og Gentofte Hospital", 180_000, "Søgt", None, None, ill],
        [ai, 2020, "AI projekt for føtal ultralyd", "CAMES, Rigshospitalet", 150_000, "Bevilget", dt.date(2020, 12, 15), None, ill],
        [ai, 2020, "Talegenkendelse i psykiatrien", "Psykiatrisk Center Sankt Hans", 350_000, "Afslået", dt.date(2020, 12, 15), None, ill],
        [di, 2025, "AI-kompetenceenheden", "Regionshuset, Region Syddanmark", 1_200_000, "Bevilget", dt.date(2025, 3, 4), None, ill],
        [di, 2025, "Support- og vedligeholdelsesaftaler", "Regional IT, Region Syddanmark", 800_000, "Udbetalt", dt.date(2025, 3, 4), None, ill],
        [di, 2026, "Forvaltning af digitale innovationsløsninger", "OUH", 1_500_000, "Søgt", None, None, ill],
    ]  # fmt: skip
    rows += [
        [
            eip,
            y,
            "Deltagelse i EIPonAHA",
            "Region Syddanmark (SDSI)",
            250_000,
            "Udbetalt",
            dt.date(y, 1, 15),
            None,
            f"{ILL}: beslutningsdato",
        ]
        for y in range(2015, 2026)
    ]
    rows.append(
        [
            "I alt",
            None,
            None,
            None,
            sum(
                r[4] if isinstance(r[4], int) else int(r[4].replace("kr. ", "").replace(".", ""))
                for r in rows
            ),
            None,
            None,
            None,
            None,
        ]
    )
    save(
        "bevillinger.xlsx",
        "Bevillinger",
        "Bevillinger fra puljerne",
        header,
        rows,
        {1: 36, 2: 7, 3: 46, 4: 36, 5: 13, 6: 11, 7: 16, 8: 10, 9: 44},
    )


ORGS = {
    # canonical: (sector, [aliases as written in the sheets])
    "Herlev og Gentofte Hospital": ("hospital", ["Herlev/Gentofte", "Herlev og Gentofte Hospital"]),
    "Bispebjerg og Frederiksberg Hospital": ("hospital", ["Bispebjerg & Frederiksberg", "Bispebjerg og Frederiksberg Hospital, Radiologi", "Bispebjerg og Frederiksberg Hospital"]),
    "Rigshospitalet": ("hospital", ["Rigshospitalet", "Rigshospitalet, Glostrup", "Rigshospitalets Innovationscenter", "CAMES, Rigshospitalet"]),
    "Amager og Hvidovre Hospital": ("hospital", ["Amager og Hvidovre Hospital"]),
    "Akutberedskabet": ("hospital", ["Akutberedskabet", "Den præhospitale Virksomhed og IKM, KU", "Herlev og Gentofte Hospital og Akutberedskabet"]),
    "Psykiatrisk Center Sankt Hans": ("hospital", ["Psykiatrisk Center Sankt Hans"]),
    "Odense Universitetshospital": ("hospital", ["OUH"]),
    "Nykøbing F. Sygehus": ("hospital", ["Nykøbing F. Sygehus"]),
    "Vestre Viken HF": ("hospital", ["Vestre Viken HF"]),
    "Radiologisk AI Testcenter (RAIT)": ("hospital", ["RAIT"]),
    "Center for Politik og Kommunikation": ("regional_administration", ["Center for Politik og Kommunikation"]),
    "Center for Økonomi": ("regional_administration", ["Center for Økonomi"]),
    "Center for IT, Medico og Telefoni": ("regional_administration", ["Center for IT, Medico og Telefoni"]),
    "Center for HR og Uddannelse": ("regional_administration", ["Center for HR og Uddannelse"]),
    "Region Syddanmark": ("regional_administration", ["Regionsrådet, Region Syddanmark", "Region Syddanmark"]),
    "Region Nordjylland": ("regional_administration", ["Region Nordjylland"]),
    "Danmarks Tekniske Universitet": ("university", ["DTU COMPUTE", "DTU"]),
    "Københavns Universitet": ("university", ["KU", "Center for Sund Aldring"]),
    "Aalborg Universitet": ("university", ["Aalborg Universitet"]),
    "Sundhedsdatastyrelsen": ("public_agency", ["Sundhedsdatastyrelsen"]),
    "Danske Regioner": ("public_agency", ["Danske Regioner"]),
    "Center for Offentlig Innovation": ("public_agency", ["Center for Offentlig Innovation"]),
    "Roche": ("company", ["Roche", "Roche A/S"]),
    "Corti": ("company", ["Corti"]), "Ascom": ("company", ["Ascom"]), "Radiobotics": ("company", ["Radiobotics"]),
    "Leo Innovation Lab": ("company", ["Leo Innovation Lab"]), "Microsoft": ("company", ["Microsoft"]),
    "Cerebriu": ("company", ["Cerebriu"]), "IQVIA": ("company", ["IQVIA"]), "Treat Systems": ("company", ["Treat Systems"]),
    "Medei": ("company", ["Medei"]), "Probatus": ("company", ["Probatus"]), "Enversion": ("company", ["Enversion"]),
    "Human Bytes": ("company", ["Human Bytes"]), "Centaflow": ("company", ["Centaflow"]), "O2Matic": ("company", ["O2Matic"]),
    "Danish Life Science Cluster": ("other", ["Danish Life Science Cluster"]),
    "Health Tech Hub Copenhagen": ("other", ["Health Tech Hub Copenhagen"]),
    "Novo Nordisk Fonden": ("other", ["Novo Nordisk Fonden"]),
}  # fmt: skip
SECTOR_DA = {
    "hospital": "Hospital", "regional_administration": "Regional administration", "university": "Universitet",
    "company": "Virksomhed", "public_agency": "Offentlig myndighed", "other": "Andet",
}  # fmt: skip


def organisations() -> None:
    rows: list[list[object]] = []
    for canonical, (sector, aliases) in ORGS.items():
        rows += [[alias, canonical, SECTOR_DA[sector]] for alias in aliases]
    # A cell naming two workplaces keeps its text and maps to both.
    rows.append(["Herlev og Gentofte Hospital og Akutberedskabet", "Herlev og Gentofte Hospital", "Hospital"])
    rows.append(["Den præhospitale Virksomhed og IKM, KU", "Københavns Universitet", "Universitet"])
    save(
        "organisationer.xlsx",
        "Organisationer",
        "Organisationer: navne som skrevet og den samlede organisation",
        ["Skrevet som", "Organisation", "Sektor"],
        rows,
        {1: 48, 2: 40, 3: 24},
    )


if __name__ == "__main__":
    for build in (
        networks,
        organisations,
        members,
        committee_and_project_members,
        meetings,
        eu_projects,
        pools,
        allocations,
        project_members,
    ):
        build()
    print("Demo workbooks written to", HERE)
