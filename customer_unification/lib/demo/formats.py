"""Render canonical values in the formats each source system uses (phones, streets, names)."""

import numpy as np

from customer_unification.lib.demo.common import NUM, PAD3, PAD4, cat
from customer_unification.lib.demo.data.places import DIRECTIONS, STREET_TYPES, UNIT_TYPES

# code tables: code 0 means "none"
DIR_ABBR = np.array([""] + list(DIRECTIONS))
DIR_FULL = np.array([""] + list(DIRECTIONS.values()))
TYPE_ABBR = np.array(list(STREET_TYPES))
TYPE_FULL = np.array(list(STREET_TYPES.values()))
UNIT_ABBR = np.array([""] + list(UNIT_TYPES))
UNIT_FULL = np.array([""] + list(UNIT_TYPES.values()))

PHONE_STYLES = ("e164", "paren", "dash", "dot", "space", "digits", "intl_space", "one_dash",
                "idd00", "paren_intl", "msisdn")


def phone_parts(num: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n = np.asarray(num, dtype=np.int64)
    return PAD3[(n // 10_000_000) % 1000], PAD3[(n // 10_000) % 1000], PAD4[n % 10_000]


def format_phone(num: np.ndarray, styles: np.ndarray | str) -> np.ndarray:
    """10-digit NANP numbers (int64, 0 = none) -> text in the given style(s); None where 0."""
    num = np.asarray(num, dtype=np.int64)
    styles = np.broadcast_to(np.asarray(styles), num.shape)
    a, e, l = phone_parts(num)
    out = np.empty(num.shape, dtype=object)
    render = {
        "e164": lambda a, e, l: cat("+1", a, e, l),
        "paren": lambda a, e, l: cat("(", a, ") ", e, "-", l),
        "dash": lambda a, e, l: cat(a, "-", e, "-", l),
        "dot": lambda a, e, l: cat(a, ".", e, ".", l),
        "space": lambda a, e, l: cat(a, " ", e, " ", l),
        "digits": lambda a, e, l: cat(a, e, l),
        "intl_space": lambda a, e, l: cat("+1 ", a, " ", e, " ", l),
        "one_dash": lambda a, e, l: cat("1-", a, "-", e, "-", l),
        "idd00": lambda a, e, l: cat("001 ", a, " ", e, " ", l),
        "paren_intl": lambda a, e, l: cat("+1 (", a, ") ", e, "-", l),
        "msisdn": lambda a, e, l: cat("1", a, e, l),
    }
    for style in np.unique(styles):
        m = styles == style
        out[m] = render[str(style)](a[m], e[m], l[m])
    out[num == 0] = None
    return out


def e164(num: np.ndarray) -> np.ndarray:
    return format_phone(num, "e164")


def street_line(addr: dict, idx: np.ndarray, style: np.ndarray, with_unit: np.ndarray | bool = True,
                unit_style: np.ndarray | None = None) -> np.ndarray:
    """Street line for rows `idx` of an address table.

    style 0 = canonical USPS abbreviations ("12 N Main St Apt 4"), 1 = spelled out
    ("12 North Main Street Apartment 4"), 2 = mixed ("12 N Main Street #4").
    """
    n = len(idx)
    style = np.broadcast_to(np.asarray(style), (n,))
    num = NUM[addr["number"][idx] % 10000]
    d = addr["predir"][idx]
    dtxt = np.where(style == 1, DIR_FULL[d], DIR_ABBR[d])
    dtxt = np.where(d > 0, np.strings.add(dtxt, " "), "")
    t = addr["stype"][idx]
    ttxt = np.where(style == 0, TYPE_ABBR[t], TYPE_FULL[t])
    line = cat(num, " ", dtxt, addr["sname"][idx], " ", ttxt)
    unit = unit_text(addr, idx, style if unit_style is None else unit_style)
    with_unit = np.broadcast_to(np.asarray(with_unit), (n,))
    has = (unit != "") & with_unit
    return np.where(has, cat(line, " ", unit), line)


def unit_text(addr: dict, idx: np.ndarray, style: np.ndarray) -> np.ndarray:
    """'Apt 4' (0), 'Apartment 4' (1) or '#4' (2); '' when the address has no unit."""
    n = len(idx)
    style = np.broadcast_to(np.asarray(style), (n,))
    u = addr["utype"][idx]
    no = NUM[addr["unit_no"][idx] % 10000]
    txt = np.where(style == 2, cat("#", no),
                   cat(np.where(style == 1, UNIT_FULL[u], UNIT_ABBR[u]), " ", no))
    return np.where(u > 0, txt, "")


def zip5(z: np.ndarray) -> np.ndarray:
    return np.char.zfill(np.asarray(z).astype(str), 5)
