"""Seeded generator of realistic bank transactions in the exact raw schema of the public dataset.

The public "Bank Customer Segmentation (1M+ transactions)" file cannot be downloaded, so the app ships
this generator as its embedded default data. It reproduces the raw text formats (``d/m/yy`` dates, the
``1/1/1800`` placeholder, HHMMSS times without leading zeros, empty cells for missing values, quoted
locations with commas) and the published distributions, and it builds in real structure for the
segmentation to find: each customer has a latent budget tier that shifts balance and spending, spending
grows with balance and age and is higher in big metros, and large payments happen more in business hours.

CLI: ``python -m core.synth --rows N --seed S --out PATH`` (``.csv.gz`` is gzip-compressed).
"""

from __future__ import annotations

import argparse
import functools
import gzip
import io
import os
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from core.config import DEFAULT_RAW_PATH, DEFAULT_ROWS, DEFAULT_SEED, PLACEHOLDER_DOB_YEAR, PUBLIC_DATASET_ROWS
from core.errors import DataError

# Missing cells per PUBLIC_DATASET_ROWS rows in the real file; scaled proportionally for other row counts.
MISSING_PER_DEFAULT: dict[str, int] = {
    "CustomerDOB": 3_397,
    "CustGender": 1_100,
    "CustLocation": 151,
    "CustAccountBalance": 2_369,
}
PLACEHOLDER_DOB = f"1/1/{PLACEHOLDER_DOB_YEAR}"
PLACEHOLDER_SHARE = 0.049  # customers whose birth date was recorded as 1/1/1800
MALE_SHARE = 0.71  # among customers with a real birth date (placeholder ones are more often M)
MALE_SHARE_PLACEHOLDER = 0.86
ODD_GENDER_MIN_ROWS = 10_000  # the real file has one gender 'T'; files this big or bigger get one per ~1M rows
REFERENCE_DATE = np.datetime64("2016-09-15")  # ages are drawn relative to the middle of the period

# Transactions per customer, 1..6: 84% single, mean ~1.19 (884k customers for 1.05M rows).
_TXN_COUNT_PROBS = np.array([0.842, 0.135, 0.0185, 0.0035, 0.0008, 0.0002])

# Real hour-of-day shares (%): few at night, a ramp through the day, a peak in the evening.
_HOUR_SHARES = np.array(
    [
        0.07,
        0.06,
        0.13,
        0.16,
        0.16,
        0.38,
        0.49,
        0.78,
        0.80,
        1.35,
        1.65,
        2.08,
        3.62,
        4.16,
        4.70,
        9.10,
        8.70,
        6.70,
        6.72,
        13.65,
        15.10,
        11.18,
        5.76,
        2.52,
    ]
)
_BUSINESS_HOURS = np.arange(24)[(np.arange(24) >= 10) & (np.arange(24) <= 17)]
_QUIET_HOURS = np.array([22, 23, 0, 1, 2, 3, 4, 5, 6])

# Latent budget tiers (Low, Medium, High): log10 centres of balance and amount, and within-tier spread.
_TIER_CUTS = np.array([0.45, 1.60])  # thresholds on the latent budget score
_BALANCE_CENTRE = np.array([3.49, 4.24, 4.94])
_AMOUNT_CENTRE = np.array([2.15, 2.45, 2.80])
_BALANCE_SPREAD = 0.50
_AMOUNT_SPREAD = 0.58
_AMOUNT_ON_BALANCE = 0.15  # within-tier slope of log amount on log balance
_MAX_BALANCE, _MAX_AMOUNT = 1.15e8, 1.56e6  # the real maxima: extremes are squashed towards them

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

_DATE_RANGES = (
    ("2016-08-01", "2016-08-31"),
    ("2016-09-01", "2016-09-12"),
    ("2016-09-22", "2016-09-27"),
    ("2016-10-16", "2016-10-21"),
)  # 55 business dates, 1 Aug - 21 Oct 2016
_GZIP_LEVEL = 3  # twice as fast as zlib's default 6 on this file, for a file ~7% bigger (28.6 vs 26.6 MB)


def generate_transactions(rows: int = DEFAULT_ROWS, seed: int = DEFAULT_SEED) -> pd.DataFrame:
    """A seeded frame of raw transactions: the raw columns as text exactly as written, NaN where missing."""
    if rows < 1:
        raise DataError(f"the number of rows to generate must be at least 1; got {rows}")
    rng = np.random.default_rng(seed)
    counts = _transactions_per_customer(rng, rows)
    people = _draw_customers(rng, len(counts))
    counts = _by_budget(rng, counts, people["score"].to_numpy())
    owner = rng.permutation(np.repeat(np.arange(len(counts)), counts))  # scatter each customer's rows
    row = people.iloc[owner].reset_index(drop=True)
    log_balance = row["log_balance"].to_numpy() + np.where(counts[owner] > 1, 0.04 * rng.standard_normal(rows), 0.0)
    log_amount = _row_log_amount(rng, row, log_balance)
    frame = pd.DataFrame(
        {
            "TransactionID": "T" + _int_text(np.arange(1, rows + 1)),
            "CustomerID": row["id"],
            "CustomerDOB": row["dob"],
            "CustGender": row["gender"],
            "CustLocation": row["location"],
            "CustAccountBalance": _format_money(_balance_cents(log_balance, row["zero_balance"].to_numpy())),
            "TransactionDate": _draw_dates(rng, rows),
            "TransactionTime": _draw_times(rng, log_amount),
            "TransactionAmount (INR)": _format_money(_amount_cents(rng, log_amount)),
        }
    )
    return _blank_missing(rng, frame, single=counts[owner] == 1)


def write_transactions(frame: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    """Write a raw frame as CSV (gzip when the name ends in .gz) via a temp file and rename; return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = frame.to_csv(index=False, lineterminator="\n", na_rep="").encode("utf-8")  # minimal csv quoting
    if path.name.endswith(".gz"):
        data = _gzip_bytes(data)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)  # mkstemp makes the file private; the data file is meant to be shared
        os.replace(tmp, path)  # atomic: readers see the old file or the whole new one, never half a file
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _gzip_bytes(data: bytes) -> bytes:
    # mtime=0 and no file name in the header, so the same frame always gives the same bytes.
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0, filename="", compresslevel=_GZIP_LEVEL) as gz:
        gz.write(data)
    return buffer.getvalue()


def _int_text(values: np.ndarray) -> pd.Series:
    """Integers as a text column, converted by Arrow (several times faster than going through Python str)."""
    return pd.Series(pa.array(values).cast(pa.string()), dtype="str")


# ---------------------------------------------------------------- customers


def _transactions_per_customer(rng: np.random.Generator, rows: int) -> np.ndarray:
    """Transactions per customer (1..6), trimmed so they add up to exactly `rows`."""
    mean = float(np.dot(np.arange(1, 7), _TXN_COUNT_PROBS))
    counts = rng.choice(np.arange(1, 7), size=int(rows / mean * 1.05) + 10, p=_TXN_COUNT_PROBS)
    total = np.cumsum(counts)
    last = int(np.searchsorted(total, rows))
    counts = counts[: last + 1].copy()
    counts[-1] -= int(total[last] - rows)
    return counts


def _by_budget(rng: np.random.Generator, counts: np.ndarray, score: np.ndarray) -> np.ndarray:
    """Give the larger transaction counts to customers with higher (noisy) budget scores: the rich are busier."""
    rank = np.argsort(np.argsort(score + 2.0 * rng.standard_normal(len(score))))
    return np.sort(counts)[rank]


def _draw_customers(rng: np.random.Generator, n: int) -> pd.DataFrame:
    """One row per customer: text id, DOB, gender and location, plus the latent budget that drives the money."""
    ids = "C" + _int_text(rng.choice(8_090_000, size=n, replace=False) + 1_010_000)
    age, dob, placeholder = _draw_birth_dates(rng, n)
    male = rng.random(n) < np.where(placeholder, MALE_SHARE_PLACEHOLDER, MALE_SHARE)
    location, affluence = _draw_locations(rng, n)
    # The latent budget score: higher with middle age, in big metros, and (as in the real file) for the
    # placeholder-DOB accounts; the tier it falls in sets the centre of balance and spending.
    age_effect = _age_effect(age)
    score = rng.standard_normal(n) + 1.3 * age_effect + 0.45 * affluence + 0.6 * placeholder + 0.08 * ~male
    tier = np.digitize(score, _TIER_CUTS)
    log_balance = _BALANCE_CENTRE[tier] + 0.12 * affluence + _BALANCE_SPREAD * rng.standard_t(8, n)
    # A few near-empty accounts give the long lower tail of real balances.
    log_balance = np.where(rng.random(n) < 0.06, rng.uniform(-0.5, 2.6, n), log_balance)
    return pd.DataFrame(
        {
            "id": ids,
            "dob": dob,
            "gender": pd.Series(np.where(male, "M", "F"), dtype="str"),
            "location": location,
            "affluence": affluence,
            "age_effect": age_effect,
            "score": score,
            "tier": tier,
            "log_balance": log_balance,
            "zero_balance": rng.random(n) < 0.002,
        }
    )


def _age_effect(age: np.ndarray) -> np.ndarray:
    """0 for the young, rising to 1 by the early fifties, easing after 65; 0.5 where the age is unknown."""
    rise = np.clip((age - 21.0) / 30.0, 0.0, 1.0)
    ease = 0.4 * np.clip((age - 65.0) / 20.0, 0.0, 1.0)
    return np.where(np.isnan(age), 0.5, rise - ease)


def _draw_birth_dates(rng: np.random.Generator, n: int) -> tuple[np.ndarray, pd.Series, np.ndarray]:
    """Ages at the reference date (NaN for placeholders), DOB text (d/m/yy) and the placeholder mask."""
    # Adult ages are right-skewed with a median near 29, like the real file, which has few adults over 85.
    age = 17.0 + np.exp(np.log(12.0) + 0.6 * rng.standard_normal(n))
    age = np.where(age > 85.0, rng.uniform(55.0, 85.0, n), age)
    kind = rng.random(n)
    age = np.where(kind < 0.001, rng.uniform(3.0, 16.0, n), age)  # born 2000-2013: too young
    age = np.where((kind >= 0.001) & (kind < 0.0015), rng.uniform(91.0, 111.0, n), age)  # born 1905-1925
    born = pd.DatetimeIndex(REFERENCE_DATE - np.round(age * 365.25).astype("timedelta64[D]"))
    new_year = rng.random(n) < 0.01  # clerks' favourite default: 1 January
    day = np.where(new_year, 1, born.day.to_numpy())
    month = np.where(new_year, 1, born.month.to_numpy())
    dob = _join_dmy(day, month, _int_text(born.year.to_numpy() % 100).str.zfill(2))
    placeholder = rng.random(n) < PLACEHOLDER_SHARE
    return np.where(placeholder, np.nan, age), dob.mask(placeholder, PLACEHOLDER_DOB), placeholder


def _join_dmy(day: np.ndarray, month: np.ndarray, year: pd.Series) -> pd.Series:
    """d/m/y text without leading zeros on day and month."""
    return _int_text(day) + "/" + _int_text(month) + "/" + year


# ---------------------------------------------------------------- locations


@functools.lru_cache(maxsize=1)
def _location_catalogue() -> tuple[pd.Series, np.ndarray, np.ndarray]:
    """Candidate location strings (big cities first), their draw probabilities and affluence (0-1)."""
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
    tail = _first_occurrences(tail + extra, exclude={name for name, _ in _TOP_LOCATIONS})
    top_share = np.array([share for _, share in _TOP_LOCATIONS])
    ranks = np.arange(1, len(tail) + 1, dtype=float)
    tail_weight = (ranks + 18.0) ** -1.65  # Zipf-like long tail below the ten big cities
    probs = np.concatenate([top_share, (1.0 - top_share.sum()) * tail_weight / tail_weight.sum()])
    names = pd.Series([name for name, _ in _TOP_LOCATIONS] + [name for name, _ in tail], dtype="str")
    affluence = np.array([1.0] * len(_TOP_LOCATIONS) + [aff for _, aff in tail])
    return names, probs, affluence


def _first_occurrences(pairs: list[tuple[str, float]], exclude: set[str]) -> list[tuple[str, float]]:
    """Drop repeated names (a sector city may also be a listed city), keeping the first, higher-ranked one."""
    seen, kept = set(exclude), []
    for name, value in pairs:
        if name not in seen:
            seen.add(name)
            kept.append((name, value))
    return kept


def _draw_locations(rng: np.random.Generator, n: int) -> tuple[pd.Series, np.ndarray]:
    """Location text per customer (a few in lower case or with stray spaces) and its affluence."""
    names, probs, affluence = _location_catalogue()
    code = rng.choice(len(names), size=n, p=probs)
    location = pd.Series(names.array.take(code))
    # A few hand-typed variants, so the cleaning step has something to trim and upper-case.
    messy = rng.random(n)
    location = location.mask(messy < 0.0005, location.str.lower())
    location = location.mask((messy >= 0.0005) & (messy < 0.0010), location + " ")
    location = location.mask((messy >= 0.0010) & (messy < 0.0015), location.str.replace(" ", "  ", regex=False))
    return location, affluence[code]


# ---------------------------------------------------------------- money, dates and times


def _row_log_amount(rng: np.random.Generator, row: pd.DataFrame, log_balance: np.ndarray) -> np.ndarray:
    """log10 amount per row: tier centre, plus a pull towards the balance, age and metro, plus noise."""
    n = len(row)
    tier = row["tier"].to_numpy()
    pull = _AMOUNT_ON_BALANCE * np.clip(log_balance - _BALANCE_CENTRE[tier], -2.0, 2.0)
    centre = _AMOUNT_CENTRE[tier] + pull + 0.4 * row["age_effect"].to_numpy() + 0.08 * row["affluence"].to_numpy()
    log_amount = centre + _AMOUNT_SPREAD * rng.standard_normal(n)
    # One payment in a hundred is 3-40 times the usual size (rent, fees, purchases): the heavy upper tail.
    return np.where(rng.random(n) < 0.009, log_amount + rng.uniform(0.5, 1.6, n), log_amount)


def _soften_top(log_value: np.ndarray, knee: float, maximum: float) -> np.ndarray:
    """Squash log10 values above `knee` smoothly towards log10(maximum): rare extremes, but no pile-up at a cap."""
    span = np.log10(maximum) - knee
    return np.where(log_value > knee, knee + span * np.tanh((log_value - knee) / span), log_value)


def _balance_cents(log_balance: np.ndarray, zero: np.ndarray) -> np.ndarray:
    """Balance in whole paise, up to about the real maximum; exact zeros for emptied accounts."""
    cents = np.round(10.0 ** _soften_top(log_balance, 7.0, _MAX_BALANCE) * 100.0).astype(np.int64)
    return np.where(zero, 0, cents)


def _amount_cents(rng: np.random.Generator, log_amount: np.ndarray) -> np.ndarray:
    """Amounts in paise, mostly whole rupees and many round figures, as people pay."""
    n = len(log_amount)
    log_amount = _soften_top(log_amount, 5.3, _MAX_AMOUNT)
    rupees = 10.0**log_amount
    # Round figures: steps of 1, 5 or 10 units of the second digit (437 -> 440, 450 or 400).
    step = 10.0 ** np.maximum(np.floor(log_amount) - 1.0, 0.0) * rng.choice([1.0, 5.0, 10.0], n, p=[0.5, 0.3, 0.2])
    kind = rng.random(n)
    cents = np.where(
        kind < 0.40,
        np.round(rupees / step) * step * 100.0,
        np.where(kind < 0.88, np.round(rupees) * 100.0, np.round(rupees * 100.0)),
    )
    cents = np.where(rng.random(n) < 0.0007, 0.0, np.maximum(cents, 100.0 * (kind < 0.88)))
    return np.minimum(cents, _MAX_AMOUNT * 100.0).astype(np.int64)


def _format_money(cents: np.ndarray) -> pd.Series:
    """Up to two decimals without trailing zeros: 1781905 -> '17819.05', 120050 -> '1200.5', 2500 -> '25'."""
    whole = _int_text(cents // 100)
    frac = cents % 100
    two = whole + "." + _int_text(frac).str.zfill(2)
    one = whole + "." + _int_text(frac // 10)
    return two.mask(frac % 10 == 0, one).mask(frac == 0, whole)


def _draw_dates(rng: np.random.Generator, n: int) -> pd.Series:
    """Transaction dates as d/m/yy over the 55 dates of the real period."""
    days = pd.DatetimeIndex(
        np.concatenate([np.arange(np.datetime64(a), np.datetime64(b) + 1) for a, b in _DATE_RANGES])
    )
    text = _join_dmy(days.day.to_numpy(), days.month.to_numpy(), pd.Series(["16"] * len(days), dtype="str"))
    # Fixed (seed-independent) day-to-day variation in volume, a little busier at weekends.
    weight = np.random.default_rng(55).uniform(0.8, 1.2, len(days)) * np.where(days.day_of_week >= 5, 1.15, 1.0)
    return pd.Series(text.array.take(rng.choice(len(days), size=n, p=weight / weight.sum())))


def _draw_times(rng: np.random.Generator, log_amount: np.ndarray) -> pd.Series:
    """HHMMSS integers as text: large payments lean to business hours, small ones to evenings and nights."""
    n = len(log_amount)
    edges = np.quantile(log_amount, np.linspace(0.0, 1.0, 11)[1:-1])
    band = np.digitize(log_amount, edges)  # 10 amount deciles
    probs = _hour_probabilities(np.bincount(band, minlength=10) / n)
    cumulative = np.cumsum(probs, axis=1)
    uniform = rng.random(n)
    hour = np.empty(n, dtype=np.int64)
    for b in range(len(probs)):  # ten bands, not one step per row
        rows = band == b
        hour[rows] = np.searchsorted(cumulative[b], uniform[rows], side="right").clip(0, 23)
    return _int_text(hour * 10_000 + rng.integers(0, 60, n) * 100 + rng.integers(0, 60, n))


def _hour_probabilities(band_share: np.ndarray) -> np.ndarray:
    """Hour distribution per amount decile, tilted by amount and rescaled so the mix matches the real hours."""
    z = np.linspace(-1.0, 1.0, len(band_share))[:, None]
    tilt = np.ones((len(band_share), 24))
    tilt[:, _BUSINESS_HOURS] = np.exp(0.35 * z)
    tilt[:, _QUIET_HOURS] = np.exp(-0.35 * z)
    target = _HOUR_SHARES / _HOUR_SHARES.sum()
    base = target.copy()
    for _ in range(50):  # iterative proportional fitting: the decile mix must reproduce the real marginal
        probs = base * tilt
        probs /= probs.sum(axis=1, keepdims=True)
        base *= target / (band_share @ probs)
    return probs


# ---------------------------------------------------------------- missing values


def _blank_missing(rng: np.random.Generator, frame: pd.DataFrame, single: np.ndarray) -> pd.DataFrame:
    """Blank cells in the real proportions, and one gender 'T', on single-transaction customers' rows.

    Using only single-transaction customers keeps every customer's DOB, gender and location constant.
    """
    rows = len(frame)
    candidates = rng.permutation(np.flatnonzero(single))
    odd = max(1, int(round(rows / PUBLIC_DATASET_ROWS))) if rows >= ODD_GENDER_MIN_ROWS else 0
    frame.iloc[candidates[:odd], frame.columns.get_loc("CustGender")] = "T"
    candidates = candidates[odd:]  # so no blank overwrites the 'T' and the counts stay exact
    for column, per_default in MISSING_PER_DEFAULT.items():
        k = min(int(round(per_default * rows / PUBLIC_DATASET_ROWS)), len(candidates))
        frame.iloc[rng.choice(candidates, size=k, replace=False), frame.columns.get_loc(column)] = np.nan
    return frame


# ---------------------------------------------------------------- CLI


def main(argv: list[str] | None = None) -> Path:
    """Generate the transactions and write them; print where and how many."""
    parser = argparse.ArgumentParser(prog="python -m core.synth", description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=DEFAULT_ROWS, help="rows to generate (default %(default)s)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed (default %(default)s)")
    parser.add_argument("--out", type=Path, default=DEFAULT_RAW_PATH, help="output .csv or .csv.gz path")
    args = parser.parse_args(argv)
    if args.rows < 1:
        parser.error(f"--rows must be at least 1; got {args.rows}")
    path = write_transactions(generate_transactions(args.rows, args.seed), args.out)
    print(f"wrote {args.rows:,} transactions to {path}")
    return path


if __name__ == "__main__":
    main()
