"""Bounds every request value is held to before it reaches a service or the database.

Integers: ids and counters are PostgreSQL `integer` columns, so nothing above 2**31 - 1 may
reach a query (it fails there as `integer out of range`). Text: a length per kind of field,
the same in the API schemas and the web forms; answers are also held to each criterion's word
limit by `kipp.entries.rules`, these character limits only stop absurd bodies.
"""

from __future__ import annotations

INT32_MAX = 2**31 - 1  # PostgreSQL `integer`
INT32_MIN = -(2**31)

PAGE_MAX = 100_000  # with PER_PAGE_MAX that is 20 million rows: far more than any list holds
PER_PAGE_MAX = 200  # the contract's maximum
SIZE_MAX = 10_000  # shortlist/final sizes, quotas, loads: more than a competition's entries
PER_ENTRY_MAX = 100  # reviewers per entry
YEARS_MAX = 100  # minimum implementation age
WORD_LIMIT_MAX = 100_000
WEIGHT_MAX = 100

CODE_MAX = 50  # criterion, group, reason and status codes
NAME_MAX = 200  # people, agencies, competitions, criteria
EMAIL_MAX = 254
PASSWORD_MAX = 1024  # room for long passphrases, not for hashing megabytes
TITLE_MAX = 300
SUMMARY_MAX = 5_000
ANSWER_MAX = 30_000  # about 4,000 words: above any criterion's word limit
NOTE_MAX = 2_000  # reasons, notes, guidance
COMMENT_MAX = 5_000  # score-sheet comments, justifications
URL_MAX = 500
TEXT_MAX = 10_000  # any other text field that names no limit of its own
LIST_MAX = 1_000  # ids in one request
