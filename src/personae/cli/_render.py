"""Rich renderables for fingerprints, profiles, matches and attributions.

Pure formatting: each function takes results of the public ``personae.style`` API and
returns something a Rich console can print. No command logic, no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import PurePath

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from personae.cli._console import fmt, pct
from personae.style import Attribution, Dimension, Fingerprint, Match, StyleProfile

__all__ = [
    "attribution_table",
    "fingerprint_summary_table",
    "fingerprint_table",
    "key_words",
    "match_report",
    "voices_table",
]


def _words(items: Sequence[str], limit: int = 8) -> str:
    return ", ".join(items[:limit]) or "—"


def fingerprint_table(fp: Fingerprint, *, title: str) -> Table:
    """The key measures of one text, one measure per row."""
    sentences = fp.sentence_analysis
    lengths = sentences.sentence_length_distribution
    types = sentences.sentence_type_distribution
    vocabulary = fp.vocabulary_analysis
    table = Table(title=Text(title), title_justify="left", show_header=True)
    table.add_column("measure", style="bold")
    table.add_column("value")
    rows: list[tuple[str, str]] = [
        ("words", f"{fp.word_count:,}"),
        ("language", fp.language),
        ("sentences", f"{sentences.sentence_count:,}"),
        (
            "sentence length",
            f"{fmt(lengths.average)} words on average "
            f"(sd {fmt(lengths.stdev)}, median {fmt(lengths.median)})",
        ),
        ("questions / exclamations", f"{pct(types.question)} / {pct(types.exclamation)}"),
        ("complex sentences", pct(sentences.sentence_complexity.complex_ratio)),
        ("lexical diversity (MATTR)", fmt(vocabulary.lexical_diversity)),
        ("long content words (3+ syllables)", pct(vocabulary.vocabulary_sophistication)),
        ("average word length", f"{fmt(vocabulary.word_length_distribution.average)} letters"),
        ("contractions per 100 words", fmt(fp.contractions_per_100_words)),
        ("dominant pronoun", fp.pronouns.dominant if fp.pronouns else "—"),
        (
            "reading ease (Flesch)",
            f"{fmt(fp.readability.flesch_reading_ease)} "
            f"(grade {fmt(fp.readability.flesch_kincaid_grade)})"
            if fp.readability
            else "—",
        ),
        (
            "paragraphs",
            f"{fp.paragraphs.paragraph_count:,} ({fmt(fp.paragraphs.average_words)} words each)",
        ),
        ("emoji / hashtags", f"{fp.social.emoji} / {fp.social.hashtags}"),
        ("top content words", _words(vocabulary.most_frequent_content_words)),
    ]
    for label, value in rows:
        table.add_row(label, Text(value))
    for note in fp.notes:
        table.add_row("note", Text(note, style="yellow"))
    return table


def fingerprint_summary_table(fingerprints: Mapping[str, Fingerprint]) -> Table:
    """Several texts side by side, one text per row (file names shortened when unique)."""
    table = Table(
        title="Style fingerprints",
        title_justify="left",
        caption="sent. len: words per sentence; contr.: contractions per 100 words; "
        "Flesch: reading ease",
        caption_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
    )
    table.add_column("file", overflow="fold")
    for header in ("words", "sent. len", "questions", "contr.", "pronoun", "Flesch"):
        table.add_column(header, justify="right", no_wrap=True)
    short = {name: PurePath(name).name for name in fingerprints}
    unique = len(set(short.values())) == len(short)
    for name, fp in fingerprints.items():
        sentences = fp.sentence_analysis
        table.add_row(
            Text(short[name] if unique else name),
            f"{fp.word_count:,}",
            fmt(sentences.sentence_length_distribution.average),
            pct(sentences.sentence_type_distribution.question),
            fmt(fp.contractions_per_100_words),
            fp.pronouns.dominant if fp.pronouns else "—",
            fmt(fp.readability.flesch_reading_ease) if fp.readability else "—",
        )
    return table


def _mean_spread(dim: Dimension) -> str:
    return f"{fmt(dim.value)} ± {fmt(dim.spread)}"


def _label(dim: Dimension) -> str:
    unit = dim.unit.strip()
    return f"{dim.label} ({unit})" if unit else dim.label


def voices_table(profiles: Sequence[StyleProfile]) -> Table:
    """Voices side by side: one column per profile, each dimension as mean ± spread."""
    table = Table(title="Voices (mean ± spread over the samples)", title_justify="left")
    table.add_column("dimension")
    for profile in profiles:
        table.add_column(Text(profile.name, style="bold"), justify="right", no_wrap=True)
    described = [{dim.key: dim for dim in profile.describe()} for profile in profiles]
    labels: dict[str, str] = {}
    for dims in described:
        for key, dimension in dims.items():
            labels.setdefault(key, _label(dimension))
    table.add_row(
        "samples / words",
        *(f"{p.sample_count} / {p.word_count:,}" for p in profiles),
        end_section=True,
    )
    for key, label in labels.items():
        cells = [_mean_spread(dims[key]) if key in dims else "—" for dims in described]
        table.add_row(Text(label), *cells)
    return table


def key_words(words: Mapping[str, Sequence[str]], *, limit: int = 8) -> Group:
    """The content words each voice returns to most, one line per voice name."""
    lines = [Text("Key words", style="bold")]
    lines += [
        Text.assemble("  ", (name, "bold"), ": ", _words(items, limit=limit))
        for name, items in words.items()
    ]
    return Group(*lines)


def match_report(match: Match, *, source: str, top: int = 8) -> RenderableType:
    """Score, the largest deviations and the suggestions, ordered by impact."""
    parts: list[RenderableType] = [
        Text.assemble(
            ("Match of ", ""),
            (source, "bold"),
            (" with ", ""),
            (match.profile, "bold"),
            (": ", ""),
            (f"{match.score:.2f}", "bold green" if match.score >= 0.5 else "bold red"),
            (f"  ({match.word_count:,} words)", "dim"),
        ),
        Text(
            f"typicality {match.typicality:.2f}"
            + ("" if match.share is None else f" × share among rival voices {match.share:.2f}"),
            style="dim",
        ),
    ]
    deviations = sorted(match.deviations, key=lambda d: -abs(d.z))[:top]
    if deviations:
        table = Table(title="Largest deviations", title_justify="left")
        table.add_column("dimension")
        table.add_column("voice", justify="right")
        table.add_column("text", justify="right")
        table.add_column("z", justify="right")
        for d in deviations:
            table.add_row(
                Text(d.label),
                f"{fmt(d.profile_value)} ± {fmt(d.profile_spread)}",
                fmt(d.text_value),
                Text(f"{d.z:+.1f}", style="red" if abs(d.z) >= 2 else ""),
            )
        parts.append(table)
    if match.suggestions:
        parts.append(Text("Suggestions (most impact first)", style="bold"))
        colours = {"high": "red", "medium": "yellow", "low": "dim"}
        for rank, s in enumerate(sorted(match.suggestions, key=lambda s: -s.impact), start=1):
            parts.append(
                Text.assemble(
                    f"{rank:>2}. ",
                    (f"[{s.priority}] ", colours[s.priority]),
                    s.message,
                )
            )
    for note in match.notes:
        parts.append(Text(f"note: {note}", style="yellow"))
    return Group(*parts)


def attribution_table(ranking: Sequence[Attribution], *, source: str) -> Table:
    """Candidate voices for one text, best first."""
    table = Table(title=Text(f"Who wrote {source}?"), title_justify="left")
    table.add_column("rank", justify="right")
    table.add_column("voice")
    table.add_column("score", justify="right")
    table.add_column("log-likelihood", justify="right", style="dim")
    for rank, a in enumerate(ranking, start=1):
        table.add_row(
            str(rank),
            Text(a.name, style="bold" if rank == 1 else ""),
            f"{a.score:.1%}",
            f"{a.log_likelihood:,.1f}",
        )
    return table
