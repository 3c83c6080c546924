"""The audience rule language: parsing, applying (hand-picked customers), bad rules refused, injection-safe."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.analysis.audience_rules import (
    MAX_CONDITIONS,
    MAX_RULE_LENGTH,
    Condition,
    Group,
    RuleError,
    field_table,
    parse_rule,
    rule_mask,
)


@pytest.fixture
def customers() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "CustomerID": ["C0", "C1", "C2", "C3", "C4"],
            "segment": pd.Categorical(
                ["High", "Low", "High", "Medium", "Low"], categories=["Low", "Medium", "High"], ordered=True
            ),
            "gender": ["F", "M", "M", "F", "unknown"],
            "location": ["MUMBAI", "PUNE", "DELHI", "MUMBAI", "O'HARA"],
            "age": [30.0, np.nan, 45.0, 25.0, 60.0],
            "balance": [100_000.0, 50.0, 2_000_000.0, -20.0, np.nan],
            "n_transactions": [1, 2, 1, 3, 1],
            "last_date": pd.to_datetime(["2016-08-01", "2016-09-15", "2016-10-01", "2016-08-31", "2016-09-01"]),
            "rfm_segment": pd.Categorical(["New", "Loyal", "Champions", "At risk", "Hibernating"]),
        }
    )


def _who(rule: str, customers: pd.DataFrame) -> list[str]:
    mask, _ = rule_mask(rule, customers)
    return customers.loc[mask, "CustomerID"].tolist()


def test_parse_tree_and_precedence():
    tree = parse_rule("segment = 'High' and age > 30 or gender = 'F'")
    assert tree == Group(
        "or",
        (
            Group("and", (Condition("segment", "=", ("High",)), Condition("age", ">", (30.0,)))),
            Condition("gender", "=", ("F",)),
        ),
    )
    grouped = parse_rule("segment = 'High' and (age > 30 or gender = 'F')")
    assert grouped == Group(
        "and",
        (
            Condition("segment", "=", ("High",)),
            Group("or", (Condition("age", ">", (30.0,)), Condition("gender", "=", ("F",)))),
        ),
    )


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ("segment = 'High'", ["C0", "C2"]),
        ("segment = 'high'", ["C0", "C2"]),  # case does not matter
        ("segment != 'High'", ["C1", "C3", "C4"]),
        ("age between 25 and 45", ["C0", "C2", "C3"]),
        ("age between 45 and 25", ["C0", "C2", "C3"]),
        ("age > 30", ["C2", "C4"]),
        ("age is missing", ["C1"]),
        ("age is not missing and age < 30", ["C3"]),
        ("age != 30", ["C2", "C3", "C4"]),  # an unknown age never matches a comparison
        ("balance >= 100000", ["C0", "C2"]),
        ("balance < 0", ["C3"]),
        ("location in ('mumbai', 'Pune')", ["C0", "C1", "C3"]),
        ("location not in ('MUMBAI')", ["C1", "C2", "C4"]),
        ("location = 'O''HARA'", ["C4"]),
        ('location = "O\'HARA"', ["C4"]),
        ("n_transactions in (2, 3)", ["C1", "C3"]),
        ("last_date >= '2016-09-01'", ["C1", "C2", "C4"]),
        ("last_date between '2016-08-15' and '2016-09-01'", ["C3", "C4"]),
        ("rfm_segment in ('Champions', 'Loyal')", ["C1", "C2"]),
        ("segment = 'High' and (location = 'DELHI' or gender = 'F')", ["C0", "C2"]),
        ("(segment = 'Low' or segment = 'Medium') and gender != 'unknown'", ["C1", "C3"]),
        ("gender = 'F' or balance > 1e6", ["C0", "C2", "C3"]),
    ],
)
def test_rules_select_exactly_these_customers(rule, expected, customers):
    assert _who(rule, customers) == expected


def test_unknown_values_are_noted(customers):
    mask, warnings = rule_mask("location in ('MUMBIA', 'PUNE')", customers)
    assert customers.loc[mask, "CustomerID"].tolist() == ["C1"]
    assert warnings == ["no customer has location 'MUMBIA'"]


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("", "the rule is empty"),
        ("   ", "the rule is empty"),
        ("balanse > 5", "unknown field 'balanse'; did you mean 'balance'"),
        ("segment > 'High'", "'segment' is text: use =, !=, in or not in"),
        ("segment = High", "expected a number or a quoted text at character 11"),
        ("age = '30'", "'age' is a number"),
        ("last_date > '01/08/2016'", "'last_date' is a date: write it as 'YYYY-MM-DD'"),
        ("last_date > '2016-02-30'", "'last_date' is a date"),
        ("age between 1", "'between' needs two values joined by 'and'"),
        ("age > 1 age < 5", "unexpected 'age' at character 9: join conditions with 'and' or 'or'"),
        ("(age > 1", "the rule ends where ')' was expected"),
        ("age > 1)", "unexpected ')' at character 8"),
        ("segment = 'High", "a quote opened at character 11 is never closed"),
        ("age > 1; DROP TABLE audiences", "unexpected character ';' at character 8"),
        ("age is 5", "'is' must be followed by 'missing' or 'not missing'"),
        ("location in 'PUNE'", "'in' needs a list in parentheses"),
        ("age like 5", "expected an operator"),
        ("and age > 1", "expected a field name at character 1"),
        ("__import__('os').system('x') = 1", "unexpected character '.' at character 17"),
        ("__import__ = 1", "unknown field '__import__'"),
    ],
)
def test_bad_rules_are_refused_with_a_message(rule, message):
    with pytest.raises(RuleError, match=None) as caught:
        parse_rule(rule)
    assert message in str(caught.value)


def test_limits():
    with pytest.raises(RuleError, match=f"at most {MAX_RULE_LENGTH:,}"):
        parse_rule("age > 1 and " * 300 + "age > 1")
    with pytest.raises(RuleError, match=f"at most {MAX_CONDITIONS} conditions"):
        parse_rule(" and ".join(["age > 1"] * (MAX_CONDITIONS + 1)))
    with pytest.raises(RuleError, match="nests parentheses"):
        parse_rule("(" * 12 + "age > 1" + ")" * 12)


def test_hostile_text_is_only_ever_a_value(customers):
    # Quotes, SQL and Python inside a quoted value are just text to compare with.
    for text in ("x' or '1'='1", "'; DROP TABLE audiences; --", "__import__('os')", "=HYPERLINK(1)"):
        quoted = "'" + text.replace("'", "''") + "'"
        mask, warnings = rule_mask(f"location = {quoted}", customers)
        assert not mask.any()
        assert warnings == [f"no customer has location {text!r}"]


def test_a_column_the_dataset_lacks_is_refused(customers):
    with pytest.raises(RuleError, match="no 'mean_hour' column"):
        rule_mask("mean_hour > 3", customers)


def test_field_table_lists_every_kind():
    table = field_table()
    assert set(table["Kind"]) == {"text", "number", "date"}
    assert "rfm_segment" in set(table["Field"]) and "balance" in set(table["Field"])
