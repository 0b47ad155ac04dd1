"""``personae style …``: measure, profile, match and attribute texts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.text import Text

from personae.cli._console import out, progress
from personae.cli._files import about, read_profile, read_samples, read_text, write_text
from personae.cli._render import (
    attribution_table,
    fingerprint_summary_table,
    fingerprint_table,
    key_words,
    match_report,
    voices_table,
)
from personae.errors import PersonaeError
from personae.style import (
    Fingerprint,
    StyleProfile,
    VerificationResult,
    analyze,
    attribute,
    verify,
)

__all__ = ["app"]

app = typer.Typer(
    name="style",
    help="Measure a writer's voice: fingerprints, profiles, matching and attribution.",
    no_args_is_help=True,
)

_FILES = typer.Argument(help="UTF-8 text files.", metavar="FILE...", show_default=False)
_JSON = typer.Option("--json", help="Print JSON on stdout instead of tables.")


@app.command("analyze")
def analyze_command(
    files: Annotated[list[Path], _FILES],
    as_json: Annotated[bool, _JSON] = False,
) -> None:
    """Measure the linguistic fingerprint of each FILE."""
    fingerprints: dict[str, Fingerprint] = {}
    with progress("Analysing", total=len(files), enabled=len(files) > 1) as advance:
        for done, path in enumerate(files, start=1):
            text = read_text(path)
            with about(path):
                fingerprints[str(path)] = analyze(text)
            advance(done)
    if as_json:
        if len(fingerprints) == 1:
            typer.echo(next(iter(fingerprints.values())).model_dump_json(indent=2))
        else:
            data = {name: fp.model_dump(mode="json") for name, fp in fingerprints.items()}
            typer.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    console = out()
    if len(fingerprints) == 1:
        name, fp = next(iter(fingerprints.items()))
        console.print(fingerprint_table(fp, title=name))
    else:
        console.print(fingerprint_summary_table(fingerprints))


@app.command("profile")
def profile_command(
    name: Annotated[str, typer.Argument(help="What the voice is called.", show_default=False)],
    files: Annotated[list[Path], _FILES],
    output: Annotated[
        Path,
        typer.Option("--output", "-o", help="Where to write the profile JSON.", show_default=False),
    ],
) -> None:
    """Build the voice NAME from sample FILEs and write it as JSON."""
    texts = read_samples(files)
    done = 0
    with progress("Profiling", total=len(texts)) as advance:

        def on_progress(count: int) -> None:
            nonlocal done
            done = count
            advance(count)

        try:
            profile = StyleProfile.from_texts(texts, name=name, on_progress=on_progress)
        except PersonaeError as exc:
            # Texts are measured in order and progress is reported after each one, so
            # the text that failed is the one after the last reported.
            if done < len(files):
                exc.details.setdefault("source", str(files[done]))
            raise
    write_text(output, profile.to_json())
    console = out()
    console.print(
        f"Wrote voice [bold]{escape(profile.name)}[/] to [bold]{escape(str(output))}[/]: "
        f"{profile.sample_count} samples, {profile.word_count:,} words."
    )
    console.print(Text.assemble(("key words: ", "bold"), ", ".join(profile.key_words[:10])))
    console.print(f"See every dimension with: personae style describe {escape(str(output))}")


@app.command("describe")
def describe_command(
    profile_paths: Annotated[
        list[Path],
        typer.Argument(metavar="PROFILE...", help="Profile JSON files.", show_default=False),
    ],
    as_json: Annotated[bool, _JSON] = False,
) -> None:
    """Show the dimensions of one or more voices side by side."""
    profiles = [read_profile(path) for path in profile_paths]
    if as_json:
        data = {
            profile.name: [dim.model_dump(mode="json") for dim in profile.describe()]
            for profile in profiles
        }
        typer.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    console = out()
    console.print(voices_table(profiles))
    console.print(key_words({p.name: p.key_words for p in profiles}))


@app.command("match")
def match_command(
    profile_path: Annotated[
        Path, typer.Argument(metavar="PROFILE", help="A profile JSON file.", show_default=False)
    ],
    file: Annotated[Path, typer.Argument(help="The text to score.", show_default=False)],
    as_json: Annotated[bool, _JSON] = False,
    top: Annotated[int, typer.Option(min=1, help="How many deviations to show.")] = 8,
    against: Annotated[
        list[Path] | None,
        typer.Option(
            "--against",
            "-a",
            help="A rival voice the text could also belong to (repeat for each); "
            "the score then also asks whether PROFILE explains FILE better than they do.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Score how well FILE matches the voice in PROFILE, and say what to change."""
    profile = read_profile(profile_path)
    rivals = [read_profile(path) for path in against or []]
    text = read_text(file)
    with about(file):
        match = profile.match(text, against=rivals)
    if as_json:
        typer.echo(match.model_dump_json(indent=2))
        return
    out().print(match_report(match, source=str(file), top=top))


@app.command("attribute")
def attribute_command(
    file: Annotated[Path, typer.Argument(help="The text to attribute.", show_default=False)],
    profiles: Annotated[
        list[Path],
        typer.Option(
            "--profile", "-p", help="A candidate voice (repeat for each).", show_default=False
        ),
    ],
    as_json: Annotated[bool, _JSON] = False,
) -> None:
    """Rank candidate voices by how likely each is to have written FILE.

    With a single voice there is nothing to rank it against, so the open-set question
    is answered instead: how likely the voice wrote FILE, judged against background
    writers (``personae.style.verify``).
    """
    candidates = [read_profile(path) for path in profiles]
    text = read_text(file)
    if len(candidates) == 1:
        with about(file):
            result = verify(candidates[0], text)
        note = (
            "one candidate cannot be attributed among: this is the open-set answer "
            "(the voice against background writers). Give more --profile voices to rank "
            "them, or see `personae style match` for what deviates."
        )
        _print_verification(result, file, note=note, as_json=as_json)
        return
    with about(file):
        ranking = attribute(text, candidates)
    if as_json:
        typer.echo(json.dumps([a.model_dump(mode="json") for a in ranking], indent=2))
        return
    out().print(attribution_table(ranking, source=str(file)))


@app.command("verify")
def verify_command(
    file: Annotated[Path, typer.Argument(help="The text to judge.", show_default=False)],
    profile_path: Annotated[
        Path, typer.Option("--profile", "-p", help="The voice.", show_default=False)
    ],
    impostors: Annotated[
        list[Path] | None,
        typer.Option(
            "--impostor",
            "-i",
            help="Another voice the text could be in, e.g. a colleague's (repeat for each).",
            show_default=False,
        ),
    ] = None,
    as_json: Annotated[bool, _JSON] = False,
) -> None:
    """Say how likely the voice in PROFILE wrote FILE, with no rivals to rank it among.

    The voice is set against the bundled public-domain writers nearest it, and against
    every --impostor voice: other voices of the same kind of writing make the answer
    sharper than the bundled ones can.
    """
    profile = read_profile(profile_path)
    others = [read_profile(path) for path in impostors or []]
    text = read_text(file)
    with about(file):
        result = verify(profile, text, impostors=others)
    _print_verification(result, file, note=None, as_json=as_json)


def _print_verification(
    result: VerificationResult, file: Path, *, note: str | None, as_json: bool
) -> None:
    if as_json:
        data = result.model_dump(mode="json")
        typer.echo(json.dumps({**data, "note": note} if note else data, indent=2))
        return
    console = out()
    console.print(
        f"[bold]{escape(result.profile)}[/]: probability {result.probability:.0%} "
        f"(at even odds) that this voice wrote [bold]{escape(str(file))}[/] "
        f"({result.word_count} words; nearest other writers: "
        f"{escape(', '.join(result.nearest_impostors))})."
    )
    if note:
        console.print(note)
