"""Location strings for the generator: the real file's big cities, a long tail of towns, its messy variants.

The tail is shaped to the real rows: ten cities hold about half of the customers, and in a 20,000-row file
about 12% of customers live in places with at most five customers, while a full-size file shows roughly
9,000 distinct strings (the public file has 9,355). Hand-typed variants (double spaces, a trailing space,
lower case) give the cleaning step something to normalise.
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
import pyarrow as pa

# The ten biggest locations and their approximate share of customers in the real file.
_TOP_LOCATIONS: tuple[tuple[str, float], ...] = (
    ("MUMBAI", 0.099),
    ("NEW DELHI", 0.081),
    ("BANGALORE", 0.078),
    ("GURGAON", 0.070),
    ("DELHI", 0.068),
    ("NOIDA", 0.031),
    ("CHENNAI", 0.028),
    ("PUNE", 0.024),
    ("HYDERABAD", 0.022),
    ("THANE", 0.021),
)
# Other Indian cities and towns, roughly biggest first (our own list).
_CITIES = """
KOLKATA|AHMEDABAD|NAVI MUMBAI|GHAZIABAD|FARIDABAD|JAIPUR|CHANDIGARH|LUCKNOW|SURAT|INDORE|NAGPUR|VADODARA|LUDHIANA
BHOPAL|KOCHI|COIMBATORE|VISAKHAPATNAM|PATNA|MOHALI|DEHRADUN|KANPUR|AGRA|NASIK|RAJKOT|MYSORE|MANGALORE|MADURAI
TRIVANDRUM|BHUBANESWAR|RANCHI|GUWAHATI|RAIPUR|AMRITSAR|JALANDHAR|VARANASI|ALLAHABAD|MEERUT|AURANGABAD|HOWRAH
GREATER NOIDA|KALYAN|DOMBIVLI|VASAI|PANVEL|PIMPRI CHINCHWAD|SECUNDERABAD|GANDHINAGAR|PANCHKULA|ZIRAKPUR|SONIPAT
PANIPAT|KARNAL|ROHTAK|HISAR|AMBALA|REWARI|BHIWADI|JAMSHEDPUR|DHANBAD|BOKARO|GAYA|MUZAFFARPUR|CUTTACK|ROURKELA
SILIGURI|DURGAPUR|ASANSOL|SHIMLA|JAMMU|SRINAGAR|GOA|PANAJI|MARGAO|VIJAYAWADA|GUNTUR|NELLORE|WARANGAL|TIRUPATI
SALEM|TIRUCHIRAPALLI|TIRUPUR|ERODE|VELLORE|PONDICHERRY|KOZHIKODE|THRISSUR|KOLLAM|KOTTAYAM|UDAIPUR|JODHPUR|KOTA
AJMER|BIKANER|ALWAR|GWALIOR|JABALPUR|UJJAIN|BAREILLY|ALIGARH|MORADABAD|GORAKHPUR|JHANSI|MATHURA|SOLAPUR|KOLHAPUR
HUBLI|BELGAUM|DAVANGERE|BELLARY|SHIMOGA|TUMKUR|UDUPI|GULBARGA|BIJAPUR|HOSUR|ANAND|BHARUCH|VAPI|JAMNAGAR|BHAVNAGAR
JUNAGADH|ANKLESHWAR|DAMAN|SILVASSA|HALDWANI|ROORKEE|HARIDWAR|RISHIKESH|BATHINDA|PATIALA|HOSHIARPUR|KURUKSHETRA
YAMUNANAGAR|SIRSA|BHILAI|BILASPUR|KORBA|SAMBALPUR|BERHAMPUR|PURI|KAKINADA|RAJAHMUNDRY|KURNOOL|ANANTAPUR|KARIMNAGAR
NIZAMABAD|KHAMMAM|THANJAVUR|TIRUNELVELI|NAGERCOIL|KANCHIPURAM|CUDDALORE|DINDIGUL|KARUR|ALAPPUZHA|PALAKKAD|KANNUR
MALAPPURAM|AKOLA|AMRAVATI|LATUR|NANDED|JALGAON|DHULE|AHMEDNAGAR|SANGLI|SATARA|RATNAGIRI|BARAMATI|ULHASNAGAR
BHIWANDI|MIRA ROAD|BHAYANDAR|VIRAR|BADLAPUR|AMBERNATH|LONAVALA|SHIRDI|WARDHA|CHANDRAPUR|GONDIA|BHANDARA|SAGAR
SATNA|REWA|KATNI|DEWAS|RATLAM|KHANDWA|BURHANPUR|MANDSAUR|NEEMUCH|CHHINDWARA|HOSHANGABAD|VIDISHA|GUNA|SHIVPURI
MORENA|BHIND|DATIA|ETAWAH|MAINPURI|FIROZABAD|ETAH|BADAUN|SHAHJAHANPUR|PILIBHIT|LAKHIMPUR|SITAPUR|HARDOI|UNNAO
RAEBARELI|SULTANPUR|FAIZABAD|AYODHYA|BASTI|GONDA|BAHRAICH|AZAMGARH|MAU|BALLIA|GHAZIPUR|JAUNPUR|MIRZAPUR|SAHARANPUR
MUZAFFARNAGAR|BIJNOR|RAMPUR|HAPUR|BULANDSHAHR|KHURJA|MODINAGAR|BAGHPAT|BHAGALPUR|DARBHANGA|PURNIA|BEGUSARAI|ARRAH
CHAPRA|HAJIPUR|SASARAM|DEOGHAR|HAZARIBAGH|GIRIDIH|BALASORE|BHADRAK|ANGUL|JEYPORE|BARIPADA|KHARAGPUR|HALDIA|MALDA
BARDHAMAN|KRISHNANAGAR|BARASAT|BARRACKPORE|SERAMPORE|CHINSURAH|TEZPUR|DIBRUGARH|JORHAT|SILCHAR|SHILLONG|AGARTALA
IMPHAL|AIZAWL|KOHIMA|DIMAPUR|GANGTOK|ITANAGAR|PORT BLAIR|ANANTNAG|BARAMULLA|KATHUA|UDHAMPUR|PATHANKOT|MOGA
FEROZEPUR|FARIDKOT|MUKTSAR|SANGRUR|BARNALA|KAPURTHALA|PHAGWARA|NAWANSHAHR|ROPAR|KHARAR|DERA BASSI|KALKA|SOLAN
MANDI|KULLU|MANALI|DHARAMSHALA|PALAMPUR|UNA|HAMIRPUR|BILASPUR HP|NAHAN|PAONTA SAHIB|JIND|KAITHAL|BHIWANI
FATEHABAD|NARNAUL|PALWAL|HODAL|NUH|BAHADURGARH|JHAJJAR|GOHANA|SRI GANGANAGAR|HANUMANGARH|CHURU|JHUNJHUNU|SIKAR
NAGAUR|PALI|BARMER|JAISALMER|BHILWARA|CHITTORGARH|TONK|BUNDI|BARAN|JHALAWAR|DAUSA|BHARATPUR|DHOLPUR|KARAULI
MEHSANA|PALANPUR|PATAN|HIMMATNAGAR|GODHRA|DAHOD|NADIAD|NAVSARI|VALSAD|PORBANDAR|MORBI|SURENDRANAGAR|BHUJ
GANDHIDHAM|AMRELI|VERAVAL|MAPUSA|VASCO DA GAMA|PONDA|KARWAR|HASSAN|MANDYA|CHIKMAGALUR|CHITRADURGA|RAICHUR|BIDAR
HOSPET|GADAG|BAGALKOT|KOLAR|RAMANAGARA|ONGOLE|KADAPA|CHITTOOR|ELURU|MACHILIPATNAM|VIZIANAGARAM|SRIKAKULAM|NANDYAL
ADONI|MAHBUBNAGAR|NALGONDA|SIDDIPET|MEDAK|ADILABAD|MANCHERIAL|RAMAGUNDAM|SURYAPET|HOSAKOTE|KRISHNAGIRI
DHARMAPURI|NAMAKKAL|POLLACHI|OOTY|KUMBAKONAM|NAGAPATTINAM|PUDUKKOTTAI|SIVAKASI|VIRUDHUNAGAR|RAMANATHAPURAM
THOOTHUKUDI|TENKASI|VILLUPURAM|TIRUVANNAMALAI|ARAKKONAM|CHENGALPATTU|KANHANGAD|KASARAGOD|THALASSERY|PATHANAMTHITTA
IDUKKI|ALUVA|PERUMBAVOOR|MUVATTUPUZHA|CHALAKUDY|GURUVAYUR|TIRUR|MANJERI|VADAKARA
"""
# Neighbourhoods of the big metros: they add realistic long-tail strings and count as metro locations.
_METRO_AREAS: dict[str, str] = {
    "MUMBAI": "ANDHERI|BORIVALI|MALAD|GOREGAON|KANDIVALI|BANDRA|DADAR|CHEMBUR|GHATKOPAR|MULUND|POWAI|VILE PARLE"
    "|SANTACRUZ|KURLA|COLABA|WORLI|VIKHROLI|BHANDUP|DAHISAR|JOGESHWARI|SION|MATUNGA|PAREL|BYCULLA",
    "DELHI": "DWARKA|ROHINI|JANAKPURI|LAJPAT NAGAR|KAROL BAGH|SAKET|PITAMPURA|MAYUR VIHAR|VASANT KUNJ|PATEL NAGAR"
    "|PREET VIHAR|SHAHDARA|NARELA|OKHLA|KALKAJI|MALVIYA NAGAR|RAJOURI GARDEN|PUNJABI BAGH|UTTAM NAGAR",
    "BANGALORE": "WHITEFIELD|KORAMANGALA|JAYANAGAR|INDIRANAGAR|ELECTRONIC CITY|HEBBAL|YELAHANKA|MARATHAHALLI"
    "|BANASHANKARI|MALLESWARAM|RAJAJINAGAR|BTM LAYOUT|HSR LAYOUT|JP NAGAR|BELLANDUR|KENGERI",
    "CHENNAI": "ADYAR|VELACHERY|TAMBARAM|ANNA NAGAR|T NAGAR|PORUR|MYLAPORE|AMBATTUR|AVADI|CHROMEPET|GUINDY|PERUNGUDI",
    "HYDERABAD": "GACHIBOWLI|KUKATPALLY|MADHAPUR|BANJARA HILLS|JUBILEE HILLS|KONDAPUR|MIYAPUR|DILSUKHNAGAR|AMEERPET",
    "PUNE": "HADAPSAR|KOTHRUD|HINJEWADI|WAKAD|BANER|AUNDH|VIMAN NAGAR|KHARADI|KATRAJ|WAGHOLI|PIMPLE SAUDAGAR",
    "KOLKATA": "SALT LAKE|BEHALA|DUM DUM|NEW TOWN|GARIA|JADAVPUR|TOLLYGUNGE|BALLYGUNGE|RAJARHAT|BARANAGAR",
    "GURGAON": "DLF PHASE 1|DLF PHASE 2|DLF PHASE 3|DLF PHASE 4|DLF PHASE 5|SOHNA ROAD|GOLF COURSE ROAD|MANESAR",
}
_SECTOR_CITIES: dict[str, int] = {
    "NOIDA": 168,
    "GURGAON": 115,
    "CHANDIGARH": 63,
    "NAVI MUMBAI": 50,
    "FARIDABAD": 90,
    "PANCHKULA": 28,
    "GREATER NOIDA": 40,
    "MOHALI": 120,
}
# Invented small towns: common Indian place-name stems and endings.
_TOWN_STEMS = (
    "RAM",
    "SHIV",
    "HARI",
    "KRISHNA",
    "GOPAL",
    "LAXMI",
    "SITA",
    "DEV",
    "INDRA",
    "CHANDRA",
    "SURAJ",
    "MOHAN",
    "KISHAN",
    "BHAWANI",
    "DURGA",
    "GANESH",
    "MADHAV",
    "NARAYAN",
    "RAGHU",
    "SHYAM",
    "VIJAY",
    "ANAND",
    "AMAR",
    "BALA",
    "CHAMPA",
    "DHARAM",
    "GOVIND",
    "HANUMAN",
    "JAGAT",
    "KAMAL",
    "KESHAV",
    "MAHESH",
    "NAND",
    "PRATAP",
    "RAJ",
    "SANT",
    "SUNDAR",
    "TARA",
    "UMA",
    "VISHNU",
    "ARJUN",
    "BHIM",
    "CHAND",
    "DHAN",
    "GAJ",
    "HIRA",
    "JAI",
    "KALYAN",
    "LAL",
    "MANI",
    "NEEL",
    "PADMA",
    "RANI",
    "SAGAR",
    "SHANTI",
    "SONA",
    "TEJ",
    "VEER",
    "ASHOK",
    "BASANT",
    "BIJAY",
    "DAYAL",
    "GANGA",
    "GAURI",
    "JANAK",
    "KANAK",
    "KIRAN",
    "MAYA",
    "MOTI",
    "NAVAL",
    "PARAS",
    "PREM",
    "RATAN",
    "ROOP",
    "SHRI",
    "SURYA",
    "TULSI",
    "UDAY",
    "YASH",
)
_TOWN_ENDINGS = (
    "PUR",
    "NAGAR",
    "GANJ",
    "GARH",
    "PALLI",
    "PET",
    "WADI",
    "GAON",
    "ABAD",
    "KOT",
    "KHERA",
    "PURAM",
    "HALLI",
    "GUDI",
    "BARI",
    "NAGRI",
)
_TOWN_VARIANTS = (
    "{}",
    "NEW {}",
    "{} ROAD",
    "{} COLONY",
    "{} BAZAR",
    "OLD {}",
    "{} KHURD",
    "{} KALAN",
    "{} EAST",
    "{} WEST",
    "{} CITY",
)


_TAIL_SIZE = 9_500  # names below the ten big cities: the real file has about 9,000 distinct places
_TAIL_OFFSET, _TAIL_EXPONENT = 5.0, 1.3  # Zipf-like tail weights (rank + offset) ** -exponent
_VARIANTS = 4  # per name: as written, double spaces, trailing space, lower case
_VARIANT_SHARES = (0.0008, 0.0002, 0.0002)  # shares of customers with a hand-typed variant


@functools.lru_cache(maxsize=1)
def location_catalogue() -> tuple[pd.Series, np.ndarray, np.ndarray]:
    """Location names (big cities first), their draw probabilities and affluence (1 metro, 0.5 city, 0 town)."""
    cities = [c for c in _CITIES.replace("\n", "|").split("|") if c]
    metro_city = {name for name, _ in _TOP_LOCATIONS} | set(_METRO_AREAS) | set(_SECTOR_CITIES)
    tail = [(c, 1.0 if c in metro_city else 0.5) for c in cities]
    extra = [(area, 1.0) for areas in _METRO_AREAS.values() for area in areas.split("|")]
    extra += [(f"{area} {city}", 1.0) for city, areas in _METRO_AREAS.items() for area in areas.split("|")]
    for city, sectors in _SECTOR_CITIES.items():
        extra += [(f"SECTOR {s} {city}", 1.0) for s in range(1, sectors + 1)]
        extra += [(f"SECTOR {s}, {city}", 1.0) for s in range(1, sectors + 1, 3)]
    towns = [stem + ending for stem in _TOWN_STEMS for ending in _TOWN_ENDINGS]
    extra += [(variant.format(town), 0.0) for variant in _TOWN_VARIANTS for town in towns]
    extra += [(f"{town}, {city}", 0.5) for town, city in zip(towns[::7], cities[::2], strict=False)]
    # A fixed shuffle (independent of the seed) mixes the kinds of tail strings.
    extra = [extra[i] for i in np.random.default_rng(2016).permutation(len(extra))]
    tail = _first_occurrences(tail + extra, exclude={name for name, _ in _TOP_LOCATIONS})[:_TAIL_SIZE]
    top_share = np.array([share for _, share in _TOP_LOCATIONS])
    tail_weight = (np.arange(1, len(tail) + 1, dtype=float) + _TAIL_OFFSET) ** -_TAIL_EXPONENT
    probs = np.concatenate([top_share, (1.0 - top_share.sum()) * tail_weight / tail_weight.sum()])
    names = pd.Series([name for name, _ in _TOP_LOCATIONS] + [name for name, _ in tail], dtype="str")
    affluence = np.array([1.0] * len(_TOP_LOCATIONS) + [aff for _, aff in tail])
    return names, probs, affluence


@functools.lru_cache(maxsize=1)
def location_strings() -> pd.Series:
    """Every name and its hand-typed variants: entry ``code * 4 + variant`` (variant 0 is the name itself)."""
    names = location_catalogue()[0]
    variants = [
        names,
        names.str.replace(" ", "  ", regex=False).where(names.str.contains(" "), names + "  "),
        names + " ",
        names.str.lower(),
    ]
    return pd.Series(np.stack([v.to_numpy() for v in variants], axis=1).ravel(), dtype="str")


@functools.lru_cache(maxsize=1)
def location_dictionary() -> pa.Array:
    """``location_strings()`` as an Arrow array, the dictionary of the location column."""
    return pa.array(location_strings().to_numpy(), type=pa.string())


def draw_locations(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Per customer: an index into ``location_strings()`` and the place's affluence."""
    _, probs, affluence = location_catalogue()
    code = rng.choice(len(probs), size=n, p=probs)
    # searchsorted gives 0, 1, 2 inside the three variant shares and 3 beyond: (i + 1) % 4 maps them to 1, 2, 3, 0.
    variant = (np.searchsorted(np.cumsum(_VARIANT_SHARES), rng.random(n), side="right") + 1) % _VARIANTS
    return code * _VARIANTS + variant, affluence[code]


def _first_occurrences(pairs: list[tuple[str, float]], exclude: set[str]) -> list[tuple[str, float]]:
    """Drop repeated names (a sector city may also be a listed city), keeping the first, higher-ranked one."""
    seen, kept = set(exclude), []
    for name, value in pairs:
        if name not in seen:
            seen.add(name)
            kept.append((name, value))
    return kept
