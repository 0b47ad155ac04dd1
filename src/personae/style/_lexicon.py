"""English word lists used by the measurements, kept as data.

FUNCTION_WORDS is the closed-class vocabulary the attribution model counts. Its order
is part of the StyleProfile format: append, never reorder, and bump
``PROFILE_FORMAT_VERSION`` in ``_profile.py`` when it changes.
"""

from __future__ import annotations

__all__ = [
    "ABBREVIATIONS",
    "CONTRACTION_SUFFIXES",
    "COORDINATORS",
    "FIRST_PLURAL_PRONOUNS",
    "FIRST_SINGULAR_PRONOUNS",
    "FUNCTION_WORDS",
    "FUNCTION_WORD_SET",
    "SECOND_PERSON_PRONOUNS",
    "SIMILE_NON_ADJECTIVES",
    "SUBORDINATORS",
    "S_CONTRACTIONS",
    "THIRD_PERSON_PRONOUNS",
]

FUNCTION_WORDS: tuple[str, ...] = tuple(
    sorted(
        set(
            """
a about above across after afterwards again against all almost alone along already also
although always am among amongst an and another any anybody anyhow anyone anything anyway
anywhere are around as at be became because become becomes becoming been before beforehand
behind being below beside besides between beyond both but by can cannot could dare despite
did do does doing done down during each either else elsewhere enough etc even ever every
everybody everyone everything everywhere except few first for former formerly from further
furthermore had has have having he hence her here hereafter hereby herein hers herself him
himself his how however i if in indeed inside instead into is it its itself just last latter
least less lest like many may me meanwhile might mine more moreover most mostly much must my
myself namely near neither never nevertheless next no nobody none noone nor not nothing now
nowhere of off often on once one only onto or other others otherwise ought our ours
ourselves out outside over own per perhaps quite rather same several shall she should since
so some somebody somehow someone something sometime sometimes somewhat somewhere still such
than that the their theirs them themselves then thence there thereafter thereby therefore
therein thereupon these they this those though through throughout thus till to together too
toward towards under unless until up upon us very via was we well were what whatever when
whence whenever where whereas whereby wherein whereupon wherever whether which while whilst
whither who whoever whole whom whose why will with within without would yet you your yours
yourself yourselves
""".split()  # noqa: SIM905 (the word list reads best as prose)
        )
    )
)

FUNCTION_WORD_SET: frozenset[str] = frozenset(FUNCTION_WORDS)

# ---------------------------------------------------------------------------------------
# Word lists used by the measurements in ``_analyze`` and its family modules. Everything
# below is matched against lower-cased word tokens whose apostrophes are normalised to
# ASCII ``'``. These lists may change freely: they are not part of the profile format.
# ---------------------------------------------------------------------------------------

FIRST_SINGULAR_PRONOUNS: frozenset[str] = frozenset(
    {"i", "me", "my", "mine", "myself", "i'm", "i've", "i'd", "i'll"}
)
"""First person singular: the writer speaking as 'I' (contracted forms included)."""

FIRST_PLURAL_PRONOUNS: frozenset[str] = frozenset(
    {"we", "us", "our", "ours", "ourselves", "we're", "we've", "we'd", "we'll", "let's"}
)
"""First person plural: 'we', including the inclusive imperative "let's"."""

SECOND_PERSON_PRONOUNS: frozenset[str] = frozenset(
    {
        "you", "your", "yours", "yourself", "yourselves",
        "you're", "you've", "you'd", "you'll", "y'all",
        "thou", "thee", "thy", "thine", "thyself",
    }
)  # fmt: skip
"""Second person, with the archaic singular (thou, thee, thy) older prose uses."""

THIRD_PERSON_PRONOUNS: frozenset[str] = frozenset(
    {
        "he", "she", "they", "him", "her", "them", "his", "hers", "their", "theirs",
        "himself", "herself", "themselves",
        "he's", "she's", "he'd", "she'd", "he'll", "she'll",
        "they're", "they've", "they'd", "they'll",
    }
)  # fmt: skip
"""Third person *personal* pronouns. 'it' and 'its' are left out on purpose: they mostly
refer to things and ideas, so counting them would blur the perspective measure."""

CONTRACTION_SUFFIXES: tuple[str, ...] = ("n't", "'re", "'ve", "'ll", "'d", "'m")
"""Endings that always mark a contraction (don't, we're, I've, she'll, he'd, I'm)."""

S_CONTRACTIONS: frozenset[str] = frozenset(
    {
        "it's", "that's", "there's", "here's", "what's", "who's", "where's", "when's",
        "why's", "how's", "he's", "she's", "let's", "everybody's", "everyone's",
        "somebody's", "someone's", "nobody's", "nothing's", "something's", "y'all", "ma'am",
    }
)  # fmt: skip
"""Contractions that an ending alone cannot tell from a possessive ('s = is/has/us).

A token such as "John's" is taken as a possessive and *not* counted as a contraction."""

SUBORDINATORS: frozenset[str] = frozenset(
    {
        "although", "because", "though", "unless", "whereas", "whilst", "while", "since",
        "until", "till", "whether", "if", "which", "who", "whom", "whose", "whenever",
        "wherever",
    }
)  # fmt: skip
"""Subordinating conjunctions and relative pronouns that open a dependent clause.

'that', 'when', 'where' and 'as' are left out: they open questions, comparisons and
noun phrases at least as often as subordinate clauses, and a word list cannot tell."""

COORDINATORS: tuple[str, ...] = ("and", "but", "or", "nor", "yet", "so", "for")
"""The seven coordinating conjunctions ("FANBOYS")."""

ABBREVIATIONS: tuple[str, ...] = (
    "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "vs", "etc", "e.g", "i.e", "u.s",
)  # fmt: skip
"""Lower-cased abbreviations whose final period does not end a sentence."""

SIMILE_NON_ADJECTIVES: frozenset[str] = frozenset(
    {"far", "long", "soon", "well", "much", "many", "few", "little", "often", "yet"}
)
"""Words that make 'as X as' a fixed phrase (as far as, as well as) rather than a simile."""
