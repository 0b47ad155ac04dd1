"""Bundled sample texts: three fictional writers with clearly different voices.

Every text is original, written for personae (nothing is copied or adapted), and ships
with the package under its MIT licence. ``personae demo`` builds a profile from the first
four texts of each writer and attributes the fifth, held-out text blind.

>>> from personae.samples import sample_writers
>>> [writer.key for writer in sample_writers()]
['founder', 'essayist', 'cook']
>>> len(sample_writers()[0].training)
4
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files

__all__ = ["SampleWriter", "sample_writers"]

_TEXTS_PER_WRITER = 5

# (key, name, description) of each bundled writer, in display order.
_WRITERS: tuple[tuple[str, str, str], ...] = (
    ("founder", "Jordan Vance", "startup founder posting on LinkedIn"),
    ("essayist", "Eleanor Ashby", "reflective essayist"),
    ("cook", "Rosie Delgado", "home-cook food blogger"),
)


@dataclass(frozen=True, slots=True)
class SampleWriter:
    """One fictional writer and their five bundled texts.

    Parameters
    ----------
    key
        Short identifier, also the file prefix (``founder`` → ``founder-1.txt``).
    name
        The writer's (invented) name.
    description
        Who they are and where they write, in a few words.
    texts
        The writer's texts in file order.
    """

    key: str
    name: str
    description: str
    texts: tuple[str, ...]

    @property
    def training(self) -> tuple[str, ...]:
        """Every text but the last: what a profile of this writer is built from."""
        return self.texts[:-1]

    @property
    def held_out(self) -> str:
        """The last text, kept out of the profile to test attribution."""
        return self.texts[-1]


def sample_writers() -> list[SampleWriter]:
    """Load the bundled writers and their texts from the installed package.

    Returns
    -------
    list[SampleWriter]
        The three writers, in a fixed order, each with five texts.
    """
    root = files(__name__)
    return [
        SampleWriter(
            key=key,
            name=name,
            description=description,
            texts=tuple(
                root.joinpath(f"{key}-{n}.txt").read_text(encoding="utf-8")
                for n in range(1, _TEXTS_PER_WRITER + 1)
            ),
        )
        for key, name, description in _WRITERS
    ]
