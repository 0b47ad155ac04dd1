"""English word lists used by the measurements, kept as data.

FUNCTION_WORDS is the closed-class vocabulary the attribution model counts. Its order
is part of the StyleProfile format: append, never reorder, and bump
``PROFILE_FORMAT_VERSION`` in ``_profile.py`` when it changes.
"""

from __future__ import annotations

__all__ = ["FUNCTION_WORDS", "FUNCTION_WORD_SET"]

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
""".split()
        )
    )
)

FUNCTION_WORD_SET: frozenset[str] = frozenset(FUNCTION_WORDS)
