"""The audience rule language: parse a rule a marketer typed, refuse bad ones with a message, and apply it.

    segment = 'High' and age between 25 and 40 and (location in ('MUMBAI', 'PUNE') or balance >= 100000)

Conditions are `field op value`; `and` binds tighter than `or`; parentheses group. Operators: `=`, `!=`, `<`,
`<=`, `>`, `>=` (numbers and dates), `in (...)`, `not in (...)`, `between a and b` (inclusive), and
`is missing` / `is not missing`. Text in quotes ('' inside a quote is one '), matched without regard to case;
dates as 'YYYY-MM-DD'. A customer with a missing value never matches a comparison on it (as in SQL); ask for
them with `is missing`.

Injection-safe by construction: the text is tokenised and parsed into a small tree of known fields, operators
and literal values, then applied with numpy masks. Nothing is ever evaluated as Python or pasted into SQL.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from core.analysis.rfm import RFM_LABELS
from core.pipeline.features import FEATURES, NUMERIC_FEATURES, feature_label

MAX_RULE_LENGTH = 2_000
MAX_CONDITIONS = 50
MAX_DEPTH = 8
MAX_LIST = 500

TEXT_FIELDS = ("segment", "rfm_segment", "gender", "location")
DATE_FIELDS = ("first_date", "last_date")
NUMBER_FIELDS = (*NUMERIC_FEATURES, "rfm_recency", "rfm_frequency", "rfm_monetary")
FIELD_LABELS = {
    **{n: feature_label(n) for n in FEATURES},
    **RFM_LABELS,
    "segment": "Budget segment",
    "first_date": "First transaction",
    "last_date": "Last transaction",
}
COMPARISONS = ("=", "!=", "<", "<=", ">", ">=")

_TOKEN = re.compile(
    r"""\s*(?:(?P<number>-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?(?![A-Za-z_]))|(?P<text>'(?:[^']|'')*'|"(?:[^"]|"")*")"""
    r"""|(?P<op><=|>=|!=|<>|==|=|<|>)|(?P<punct>[(),])|(?P<word>[A-Za-z_][A-Za-z0-9_]*))"""
)


class RuleError(ValueError):
    """A rule that cannot be read or applied; the message says what to change."""


@dataclass(frozen=True)
class Condition:
    """One `field op value` test."""

    field: str
    op: str  # one of COMPARISONS, "in", "not in", "between", "missing", "not missing"
    values: tuple  # literal values: one, two (between) or many (in)


@dataclass(frozen=True)
class Group:
    """Conditions combined with 'and' or 'or'."""

    kind: str  # "and" | "or"
    items: tuple


@dataclass(frozen=True)
class _Token:
    kind: str
    value: object
    at: int


def _tokens(text: str) -> list[_Token]:
    """The rule as tokens; refuses characters that are not part of the language."""
    out, pos = [], 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            at = pos + len(text[pos:]) - len(text[pos:].lstrip())
            bad = text[at]
            if bad in "'\"":
                raise RuleError(f"a quote opened at character {at + 1} is never closed")
            raise RuleError(f"unexpected character {bad!r} at character {at + 1}")
        kind = m.lastgroup
        raw = m.group(kind)
        if kind == "text":
            value: object = raw[1:-1].replace(raw[0] * 2, raw[0])
        elif kind == "number":
            value = float(raw)
        elif kind == "word":
            value = raw.lower() if raw.lower() in ("and", "or", "in", "not", "between", "is", "missing") else raw
        else:
            value = {"==": "=", "<>": "!="}.get(raw, raw)
        out.append(_Token(kind, value, m.start(kind)))
        pos = m.end()
    return out


class _Parser:
    """Recursive descent over the tokens: or-groups of and-groups of conditions or parenthesised rules."""

    def __init__(self, tokens: list[_Token]) -> None:
        self.tokens, self.i, self.conditions = tokens, 0, 0

    def peek(self) -> _Token | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self, what: str) -> _Token:
        token = self.peek()
        if token is None:
            raise RuleError(f"the rule ends where {what} was expected")
        self.i += 1
        return token

    def is_word(self, word: str) -> bool:
        token = self.peek()
        return token is not None and token.kind == "word" and token.value == word

    def rule(self, depth: int = 0) -> Condition | Group:
        if depth > MAX_DEPTH:
            raise RuleError(f"the rule nests parentheses more than {MAX_DEPTH} deep")
        items = [self.conjunction(depth)]
        while self.is_word("or"):
            self.i += 1
            items.append(self.conjunction(depth))
        return items[0] if len(items) == 1 else Group("or", tuple(items))

    def conjunction(self, depth: int) -> Condition | Group:
        items = [self.factor(depth)]
        while self.is_word("and"):
            self.i += 1
            items.append(self.factor(depth))
        return items[0] if len(items) == 1 else Group("and", tuple(items))

    def factor(self, depth: int) -> Condition | Group:
        token = self.peek()
        if token is not None and token.kind == "punct" and token.value == "(":
            self.i += 1
            inner = self.rule(depth + 1)
            close = self.take("')'")
            if close.value != ")":
                raise RuleError(f"expected ')' at character {close.at + 1}, found {close.value!r}")
            return inner
        return self.condition()

    def condition(self) -> Condition:
        token = self.take("a field name")
        if token.kind != "word" or token.value in ("and", "or", "in", "not", "between", "is", "missing"):
            raise RuleError(f"expected a field name at character {token.at + 1}, found {token.value!r}")
        field = _check_field(str(token.value))
        self.conditions += 1
        if self.conditions > MAX_CONDITIONS:
            raise RuleError(f"a rule can have at most {MAX_CONDITIONS} conditions")
        op_token = self.take(f"an operator after '{field}'")
        op = op_token.value
        if op_token.kind == "op":
            return Condition(field, str(op), (self.literal(),))
        if op == "between":
            low = self.literal()
            if not self.is_word("and"):
                raise RuleError(f"'between' needs two values joined by 'and', e.g. {field} between 1 and 5")
            self.i += 1
            return Condition(field, "between", (low, self.literal()))
        if op == "is":
            negate = self.is_word("not")
            self.i += negate
            if not self.is_word("missing"):
                raise RuleError(f"'is' must be followed by 'missing' or 'not missing', e.g. {field} is missing")
            self.i += 1
            return Condition(field, "not missing" if negate else "missing", ())
        if op == "not" and self.is_word("in"):
            self.i += 1
            return Condition(field, "not in", self.values())
        if op == "in":
            return Condition(field, "in", self.values())
        raise RuleError(
            f"expected an operator (=, !=, <, <=, >, >=, in, not in, between, is missing) after "
            f"'{field}' at character {op_token.at + 1}, found {op!r}"
        )

    def values(self) -> tuple:
        token = self.take("'('")
        if token.value != "(":
            raise RuleError(
                f"'in' needs a list in parentheses, e.g. location in ('MUMBAI', 'PUNE'); found {token.value!r}"
            )
        values = [self.literal()]
        while (token := self.take("',' or ')'")).value == ",":
            values.append(self.literal())
            if len(values) > MAX_LIST:
                raise RuleError(f"a list can hold at most {MAX_LIST} values")
        if token.value != ")":
            raise RuleError(f"expected ',' or ')' at character {token.at + 1}, found {token.value!r}")
        return tuple(values)

    def literal(self) -> object:
        token = self.take("a value")
        if token.kind not in ("number", "text"):
            raise RuleError(
                f"expected a number or a quoted text at character {token.at + 1}, found "
                f"{token.value!r} (put text in quotes: 'High')"
            )
        return token.value


def _check_field(name: str) -> str:
    """A known field name, or a RuleError suggesting the closest ones."""
    known = (*TEXT_FIELDS, *DATE_FIELDS, *NUMBER_FIELDS)
    if name in known:
        return name
    if name.lower() in known:
        return name.lower()
    close = difflib.get_close_matches(name.lower(), known, n=3, cutoff=0.6)
    hint = f"; did you mean {' or '.join(map(repr, close))}?" if close else f"; fields: {', '.join(known)}"
    raise RuleError(f"unknown field {name!r}{hint}")


def _is_date(value: object) -> bool:
    """True for text in the form 'YYYY-MM-DD' that is a real date."""
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _check_types(node: Condition | Group) -> None:
    """Refuse values of the wrong type for their field, and order comparisons on text."""
    if isinstance(node, Group):
        for item in node.items:
            _check_types(item)
        return
    f, op = node.field, node.op
    if f in TEXT_FIELDS:
        if op in ("<", "<=", ">", ">=", "between"):
            raise RuleError(f"'{f}' is text: use =, !=, in or not in, e.g. {f} in ('A', 'B')")
        if any(not isinstance(v, str) for v in node.values):
            raise RuleError(f"'{f}' is text: put its values in quotes, e.g. {f} = 'High'")
    elif f in DATE_FIELDS:
        if not all(_is_date(v) for v in node.values):
            raise RuleError(f"'{f}' is a date: write it as 'YYYY-MM-DD', e.g. {f} >= '2016-08-01'")
    elif any(not isinstance(v, float) for v in node.values):
        raise RuleError(f"'{f}' is a number: compare it with a number without quotes, e.g. {f} >= 10")


def parse_rule(text: str) -> Condition | Group:
    """The rule as a tree of conditions; RuleError with a message for anything that cannot be read."""
    text = str(text or "")
    if not text.strip():
        raise RuleError("the rule is empty: write at least one condition, e.g. segment = 'High'")
    if len(text) > MAX_RULE_LENGTH:
        raise RuleError(f"the rule is {len(text):,} characters long; at most {MAX_RULE_LENGTH:,} are allowed")
    parser = _Parser(_tokens(text))
    tree = parser.rule()
    extra = parser.peek()
    if extra is not None:
        raise RuleError(f"unexpected {extra.value!r} at character {extra.at + 1}: join conditions with 'and' or 'or'")
    _check_types(tree)
    return tree


def _text_mask(column: pd.Series, wanted: tuple, warnings: list[str], field: str) -> np.ndarray:
    """Customers whose text equals one of the values, ignoring case; unknown values are noted."""
    present = pd.Series(column.dropna().unique()).astype(str)
    by_fold = dict(zip(present.str.casefold(), present, strict=True))
    matches = [by_fold[v.casefold()] for v in wanted if v.casefold() in by_fold]
    for v in wanted:
        if v.casefold() not in by_fold:
            warnings.append(f"no customer has {field} {v!r}")
    values = column.astype(object) if isinstance(column.dtype, pd.CategoricalDtype) else column
    return values.isin(matches).to_numpy(dtype=bool)


def _condition_mask(c: Condition, customers: pd.DataFrame, warnings: list[str]) -> np.ndarray:
    if c.field not in customers:
        raise RuleError(f"this dataset has no '{c.field}' column, so the rule cannot be applied to it")
    column = customers[c.field]
    known = column.notna().to_numpy()
    if c.op == "missing":
        return ~known
    if c.op == "not missing":
        return known
    if c.field in TEXT_FIELDS:
        hit = _text_mask(column, c.values, warnings, c.field)
        return hit if c.op in ("=", "in") else (known & ~hit)
    if c.field in DATE_FIELDS:
        values = column.to_numpy(dtype="datetime64[ns]")
        bounds = [np.datetime64(date.fromisoformat(v), "ns") for v in c.values]
    else:
        values = column.to_numpy(dtype="float64", na_value=np.nan)
        bounds = list(c.values)
    with np.errstate(invalid="ignore"):
        if c.op == "between":
            low, high = sorted(bounds)
            return known & (values >= low) & (values <= high)
        if c.op in ("in", "not in"):
            hit = np.isin(values, np.array(bounds, dtype=values.dtype))
            return known & (hit if c.op == "in" else ~hit)
        compare = {
            "=": np.equal,
            "!=": np.not_equal,
            "<": np.less,
            "<=": np.less_equal,
            ">": np.greater,
            ">=": np.greater_equal,
        }[c.op]
        return known & compare(values, bounds[0])


def _mask(node: Condition | Group, customers: pd.DataFrame, warnings: list[str]) -> np.ndarray:
    if isinstance(node, Condition):
        return _condition_mask(node, customers, warnings)
    masks = [_mask(item, customers, warnings) for item in node.items]
    combine = np.logical_and if node.kind == "and" else np.logical_or
    return combine.reduce(masks)


def rule_mask(text: str, customers: pd.DataFrame) -> tuple[np.ndarray, list[str]]:
    """The customers a rule selects (a boolean mask) and notes on values no customer has."""
    warnings: list[str] = []
    mask = _mask(parse_rule(text), customers, warnings)
    return np.asarray(mask, dtype=bool), list(dict.fromkeys(warnings))


def field_table() -> pd.DataFrame:
    """The fields a rule can use, with their kind and an example, for the page's help."""
    rows = [(f, FIELD_LABELS.get(f, f), "text", f"{f} = '…'") for f in TEXT_FIELDS]
    rows += [(f, FIELD_LABELS.get(f, f), "number", f"{f} >= 10") for f in NUMBER_FIELDS]
    rows += [(f, FIELD_LABELS.get(f, f), "date", f"{f} >= '2016-08-01'") for f in DATE_FIELDS]
    return pd.DataFrame(rows, columns=["Field", "Meaning", "Kind", "Example"])
