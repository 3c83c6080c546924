"""Making data text safe to show with st.markdown: it must read as plain text, never as markup.

Sentences built from data (segment names, locations from an uploaded file) can contain characters that
Markdown, Streamlit's colour and emoji directives (`:red[...]`, `:smile:`) or LaTeX (`$...$`) would
interpret. Backslash-escaping them makes every character show as written; HTML is never enabled.
"""

from __future__ import annotations

import re

# Inline markup: emphasis, code, links/images, HTML and entities, tables, LaTeX, strikethrough, directives.
_INLINE = re.compile(r"([\\`*_{}\[\]<>#|$~:!&])")
# At the start of a line these begin a list, heading or quote: "1. ", "2) ", "- ", "+ ", "> ".
_LINE_START = re.compile(r"^(\s*)(\d+)([.)])|^(\s*)([-+=])", re.MULTILINE)


# GitHub-flavoured Markdown turns bare URLs, 'www.' names and e-mail addresses into links even when every markup
# character is escaped (it finds them in the rendered text). An invisible WORD JOINER (U+2060) breaks the pattern.
_AUTOLINK = re.compile(r"(?i)(?<=[a-z]):(?=//)|\b(?<=www)(?=\.)|@(?=[-\w])")
WORD_JOINER = "\u2060"


def escape_markdown(text: object) -> str:
    """The text with Markdown/Streamlit markup characters backslash-escaped, so it renders literally; bare URLs
    and e-mail addresses are kept from becoming links."""
    unlinked = _AUTOLINK.sub(lambda m: m[0] + WORD_JOINER, str(text))
    escaped = _INLINE.sub(r"\\\1", unlinked)
    return _LINE_START.sub(lambda m: f"{m[1]}{m[2]}\\{m[3]}" if m[2] else f"{m[4]}\\{m[5]}", escaped)


def bullet_list(lines: list[str]) -> str:
    """Escaped lines as one Markdown bullet list, each kept on one line ('' for no lines)."""
    return "\n".join(f"- {escape_markdown(' '.join(str(line).split()))}" for line in lines)


def bold_lead(text: str, separator: str = ": ") -> str:
    """Escaped text with the part before the first separator in bold ('**Budget customers**: median ...')."""
    lead, found, rest = str(text).partition(separator)
    if not found:
        return escape_markdown(text)
    return f"**{escape_markdown(lead)}**{escape_markdown(separator + rest)}"
