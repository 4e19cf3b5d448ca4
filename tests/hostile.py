"""Hostile names: texts that an attacker or a careless user might put in a register.

Each must come back out of every export and page exactly as written, as text: never as
a spreadsheet formula, markup, a link, an image, a script or a terminal escape.
"""

from __future__ import annotations

#: The spreadsheet formulas of the OWASP "CSV injection" page, and texts that only look
#: like them (a phone number, a sum).
FORMULAS = [
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://127.0.0.1:9/x","click")',
    "+SUM(1,1)",
    "@SUM(1+1)",
    "-2+3",
    "+39 0574 123456",
    "'=already quoted",
]

#: Markup that a page would render if it took a name as markdown or HTML.
MARKUP = [
    "![pixel](http://127.0.0.1:9/pixel.png)",
    '<a href="http://127.0.0.1:9/phish">Pay rent here</a>',
    "<script>alert(1)</script>",
    '<img src="http://127.0.0.1:9/img.png">',
    "**bold** _it_ `code` [link](http://127.0.0.1:9/md)",
    "a<br>b &amp; c",
]

#: Emoji and icon shortcodes, and a coloured text, that Streamlit's markdown would draw.
SHORTCODES = [
    ":smile: :+1:",
    ":material/home: home",
    ":red[red] :streamlit:",
]

#: Texts that break naive CSV writers and readers.
AWKWARD = [
    'The "Best" Co',
    "Smith, Jones & Co",
    "semi;colon",
    "R\u202eTL mark",
    'Long "name", ' * 80,  # 1 kB: a field cuts it to its contract's max_length
]

#: Texts with control characters: the register's field limits refuse them in ids and names
#: (a line break is allowed in free text such as notes and share terms, an escape nowhere).
CONTROL = [
    "two\nlines",
    "\x1b[31mred\x1b[0m",
]

#: Every hostile text a name field accepts.
HOSTILE_NAMES = FORMULAS + MARKUP + SHORTCODES + AWKWARD

#: The names a page shows that have markup or an address in them.
MARKUP_NAMES = MARKUP

#: The host every address in the names points at: nothing listens there.
FOREIGN_HOST = "127.0.0.1:9"
