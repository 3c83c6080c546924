"""Tests for core.present.markdown: data text shown with st.markdown reads literally, never as markup."""

from __future__ import annotations

import re

import pytest

from core.present.markdown import bold_lead, bullet_list, escape_markdown

SPECIAL = "\\`*_{}[]<>#|$~:!&"


def unescape(text: str) -> str:
    """What a CommonMark renderer shows for backslash escapes of ASCII punctuation (the word joiner that keeps
    URLs from becoming links is invisible)."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text).replace("\u2060", "")


@pytest.mark.parametrize(
    "text",
    [
        "High's median balance (₹55,902) is 20× Low's (₹2,816).",
        "**bold** _it_ `code` [link](http://x.y) <b>html</b> &lt; $x^2$ ~~gone~~ :red[red] :smile: # not a heading",
        "1. not a list",
        "- not a bullet",
        "+ nor this",
        "= nor a heading underline",
        "a | b | c",
        "C:\\path\\to\\file",
    ],
)
def test_escaped_text_reads_back_as_written(text):
    escaped = escape_markdown(text)
    assert unescape(escaped) == text
    # no markup character is left unescaped
    assert not re.search(r"(?<!\\)[`*_\[\]<>#|$~:!&{}]", escaped.replace("\\\\", ""))


def test_line_starts_that_would_make_lists_are_escaped():
    assert escape_markdown("12. PUNE") == "12\\. PUNE"
    assert escape_markdown("3) x") == "3\\) x"
    assert escape_markdown("- x\n+ y") == "\\- x\n\\+ y"
    assert escape_markdown("a - b. 2. c") == "a - b. 2. c"  # only at the start of a line


def test_plain_text_is_unchanged():
    assert escape_markdown("Medium is the largest segment with 2,211 customers (44%).") == (
        "Medium is the largest segment with 2,211 customers (44%)."
    )


def test_bullet_list_keeps_each_item_on_its_own_line():
    assert bullet_list(["a *b*", "two\n\nlines"]) == "- a \\*b\\*\n- two lines"
    assert bullet_list([]) == ""


def test_bold_lead_bolds_the_headline_only():
    assert bold_lead("Budget customers: median balance ₹2,855.") == "**Budget customers**\\: median balance ₹2,855."
    assert bold_lead("no headline *here*") == "no headline \\*here\\*"
    assert bold_lead("A*B: c") == "**A\\*B**\\: c"


# What remark-gfm's autolink literal looks for in the rendered text (after backslash escapes are resolved).
GFM_AUTOLINKS = r"(?i)https?://|\bwww\.|[-.\w+]+@[-\w]+(?:\.[-\w]+)+"


@pytest.mark.parametrize(
    "text",
    ["https://evil.example/x", "HTTPS://EVIL.EXAMPLE", "see www.evil.example", "write to boss@evil.example"],
)
def test_bare_urls_and_addresses_cannot_become_links(text):
    """GFM autolinks these even when every markup character is escaped; the escape breaks their pattern."""
    assert re.search(GFM_AUTOLINKS, text)
    rendered = re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", escape_markdown(text))  # escapes resolved, word joiner kept
    assert not re.search(GFM_AUTOLINKS, rendered)
    assert unescape(escape_markdown(text)) == text  # reads as written
