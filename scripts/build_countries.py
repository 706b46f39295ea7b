"""Build src/frontlines/data/places/countries.tsv from npm world-countries@5.1.0 (ODbL).

Usage: python scripts/build_countries.py PATH/TO/world-countries/countries.json > countries.tsv
The ACLED names and regions, and the extra short forms and demonyms, are written here
(ACLED's own usage); everything else is world-countries' data.  See data/places/SOURCES.md.
"""
from __future__ import annotations

import json
import sys
import unicodedata

# ACLED's spelling where it differs from world-countries' common name
ACLED_NAME = {
    "CD": "Democratic Republic of Congo", "CG": "Republic of Congo", "CI": "Ivory Coast", "PS": "Palestine",
    "RU": "Russia", "SY": "Syria", "IR": "Iran", "KR": "South Korea", "KP": "North Korea", "LA": "Laos",
    "VN": "Vietnam", "MD": "Moldova", "BO": "Bolivia", "VE": "Venezuela", "TZ": "Tanzania",
    "CZ": "Czech Republic", "SZ": "eSwatini", "MK": "North Macedonia", "TR": "Turkey", "US": "United States",
    "GB": "United Kingdom", "CV": "Cape Verde", "FM": "Micronesia", "BN": "Brunei", "TL": "East Timor",
    "GM": "Gambia", "BS": "Bahamas", "VA": "Vatican City", "MM": "Myanmar", "ST": "Sao Tome and Principe",
    "CW": "Curacao", "BL": "Saint-Barthelemy", "RE": "Reunion", "AX": "Aland Islands",
    "UM": "United States Minor Outlying Islands", "VI": "Virgin Islands, U.S.", "VG": "British Virgin Islands",
    "KN": "Saint Kitts and Nevis", "LC": "Saint Lucia", "VC": "Saint Vincent and the Grenadines",
    "MF": "Saint-Martin", "SX": "Sint Maarten", "HK": "Hong Kong", "MO": "Macau", "TW": "Taiwan",
    "BA": "Bosnia and Herzegovina", "XK": "Kosovo", "EH": "Western Sahara", "SJ": "Svalbard and Jan Mayen",
    "PN": "Pitcairn", "CC": "Cocos (Keeling) Islands", "FK": "Falkland Islands", "SH": "Saint Helena, Ascension and Tristan da Cunha",
}
# ACLED's regions from the UN subregions world-countries gives, with ACLED's own exceptions
SUBREGION = {
    "Western Africa": "Western Africa", "Middle Africa": "Middle Africa", "Eastern Africa": "Eastern Africa",
    "Southern Africa": "Southern Africa", "Northern Africa": "Northern Africa", "Western Asia": "Middle East",
    "Southern Asia": "South Asia", "South-Eastern Asia": "Southeast Asia", "Eastern Asia": "East Asia",
    "Central Asia": "Caucasus and Central Asia", "Northern Europe": "Europe", "Southern Europe": "Europe",
    "Southeast Europe": "Europe", "Western Europe": "Europe", "Central Europe": "Europe", "Eastern Europe": "Europe",
    "North America": "North America", "Central America": "Central America", "South America": "South America",
    "Caribbean": "Caribbean", "Australia and New Zealand": "Oceania", "Melanesia": "Oceania",
    "Micronesia": "Oceania", "Polynesia": "Oceania",
}
REGION = {"AM": "Caucasus and Central Asia", "AZ": "Caucasus and Central Asia", "GE": "Caucasus and Central Asia",
          "CY": "Europe", "IR": "Middle East", "MX": "Central America", "AQ": "Antarctica", "TF": "Antarctica",
          "HM": "Antarctica", "BV": "Antarctica", "GS": "Antarctica", "SD": "Northern Africa",
          "SS": "Eastern Africa", "IO": "Eastern Africa", "XK": "Europe", "UM": "Oceania"}
# countries whose name takes "the" after "of" ("Military Forces of the United States"); also any "... Islands"
THE = {"US", "GB", "AE", "CD", "CG", "CF", "PH", "NL", "GM", "BS", "CZ", "DO", "KM", "MV", "SC", "VA", "UM", "VI",
       "VG", "BQ", "SH"}
# short forms and names reporting uses
MORE_NAMES = {
    "US": ["US", "U.S.", "USA", "U.S.A.", "America", "United States of America", "the United States"],
    "GB": ["UK", "U.K.", "Britain", "Great Britain", "England"], "AE": ["UAE", "U.A.E.", "Emirates"],
    "CD": ["DRC", "DR Congo", "D.R. Congo", "DRC Congo", "Congo-Kinshasa", "Democratic Republic of the Congo", "Zaire"],
    "CG": ["Congo-Brazzaville", "Congo Republic", "Congo"], "MM": ["Burma"], "CI": ["Cote d'Ivoire", "Côte d'Ivoire"],
    "TR": ["Turkiye", "Türkiye"], "CZ": ["Czechia"], "SA": ["KSA", "Saudi"], "KR": ["Republic of Korea", "ROK", "Korea"],
    "KP": ["DPRK", "Democratic People's Republic of Korea"], "PS": ["Palestinian Territories", "State of Palestine",
    "Occupied Palestinian Territory", "Gaza Strip", "West Bank"], "RU": ["Russian Federation"],
    "SY": ["Syrian Arab Republic"], "IR": ["Islamic Republic of Iran", "Persia"], "LA": ["Lao PDR"],
    "VN": ["Viet Nam"], "SZ": ["Swaziland", "Eswatini"], "MK": ["Macedonia"], "CV": ["Cabo Verde"],
    "TL": ["Timor-Leste"], "NL": ["Holland"], "BO": ["Plurinational State of Bolivia"],
    "VE": ["Bolivarian Republic of Venezuela"], "TZ": ["United Republic of Tanzania"], "MD": ["Republic of Moldova"],
    "SS": ["S. Sudan"], "CF": ["CAR"], "BA": ["Bosnia"], "GM": ["The Gambia"], "BS": ["The Bahamas"],
    "VA": ["Vatican", "Holy See"], "XK": ["Kosova"], "PH": ["The Philippines"], "EH": ["Sahrawi Republic"],
}
# territories that are one city: a report placing something "in Singapore" or "in central Hong Kong"
# places it in the city (ACLED codes a location there), not somewhere in a country
CITY_STATES = {"SG", "HK", "MO", "MC", "VA", "GI"}
# demonyms and state adjectives beyond world-countries' English m/f pair; the first country listing a word owns it
MORE_DEMONYMS = {
    "MM": ["Burmese", "Myanmar"], "CD": ["Congolese", "DRC", "DR Congolese"], "CG": ["Congolese"],
    "US": ["American", "US", "U.S."], "GB": ["British", "UK", "U.K."], "AE": ["Emirati", "UAE"],
    "SA": ["Saudi", "Saudi Arabian"], "PS": ["Palestinian"], "IL": ["Israeli"], "AF": ["Afghan"],
    "TR": ["Turkish"], "NL": ["Dutch"], "KR": ["South Korean", "Korean"], "KP": ["North Korean"],
    "CI": ["Ivorian"], "BF": ["Burkinabe", "Burkinabé"], "SS": ["South Sudanese"], "CF": ["Central African"],
    "TL": ["Timorese"], "NZ": ["New Zealand"], "PH": ["Filipino", "Philippine"], "CZ": ["Czech"],
    "BA": ["Bosnian"], "SZ": ["Swazi"], "LS": ["Basotho"], "BW": ["Motswana", "Batswana"], "GW": ["Bissau-Guinean"],
    "GQ": ["Equatorial Guinean", "Equatoguinean"], "SO": ["Somali", "Somalian"], "YE": ["Yemeni"], "IQ": ["Iraqi"],
    "TW": ["Taiwanese"], "HK": ["Hong Konger"], "LA": ["Lao", "Laotian"], "KG": ["Kyrgyz", "Kyrgyzstani"],
    "XK": ["Kosovar", "Kosovan"], "CV": ["Cape Verdean"], "MK": ["North Macedonian", "Macedonian"],
}


def ascii_fold(s: str) -> str:
    return unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode()


def latin(s: str) -> bool:
    """Written in the Latin alphabet (accents allowed): other scripts never reach English text."""
    return all(not ch.isalpha() or "LATIN" in unicodedata.name(ch, "") for ch in s)


def main(path: str) -> None:
    data = json.load(open(path, encoding="utf-8"))
    rows = []
    # a territory does not take the word of an independent state ("American" is the US's, not the Marianas')
    sovereign = {d for c in data if c.get("independent") for d in
                 [*MORE_DEMONYMS.get(c["cca2"], []), *((c.get("demonyms") or {}).get("eng") or {}).values()]}
    for c in sorted(data, key=lambda c: c["cca2"]):
        iso2 = c["cca2"]
        name = ACLED_NAME.get(iso2, c["name"]["common"])
        region = REGION.get(iso2) or SUBREGION.get(c["subregion"], "")
        names = [c["name"]["common"], c["name"]["official"], *[a for a in c["altSpellings"] if len(a) > 2],
                 *MORE_NAMES.get(iso2, [])]
        names = [n for n in dict.fromkeys(names) if n and n != name and latin(n)]
        names += [ascii_fold(n) for n in names if ascii_fold(n) != n and ascii_fold(n) not in names]
        eng = (c.get("demonyms") or {}).get("eng") or {}
        dems = [d for d in dict.fromkeys([*MORE_DEMONYMS.get(iso2, []), eng.get("m", ""), eng.get("f", "")])
                if d and (c.get("independent") or d not in sovereign or d in MORE_DEMONYMS.get(iso2, []))]
        iso3 = "XKX" if iso2 == "XK" else c["cca3"]  # ACLED's code for Kosovo (world-countries: UNK)
        article = "the" if iso2 in THE or name.endswith("Islands") else ""
        rows.append([iso2, iso3, c["ccn3"] or "", name, article, region, "|".join(c.get("capital") or []),
                     "|".join(names), "|".join(dems), "1" if iso2 in CITY_STATES else ""])
    out = sys.stdout
    out.write("# Countries and territories: ISO 3166 codes, ACLED's name (and whether it takes 'the'), region, other names, demonyms.\n"
              "# From npm world-countries@5.1.0 (ODbL 1.0, Mohammed Le Doze) with ACLED's names and regions;\n"
              "# this table is a derived database under ODbL 1.0. How it was made: SOURCES.md.\n")
    out.write("iso2\tiso3\tnumeric\tname\tarticle\tregion\tcapital\tnames\tdemonyms\tcity\n")
    for r in rows:
        out.write("\t".join(r) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
