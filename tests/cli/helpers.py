"""Paths of the sample files the CLI tests write (see ``sample_dir`` in conftest)."""

from __future__ import annotations

from pathlib import Path

from personae.samples import SampleWriter


def training_files(sample_dir: Path, writer: SampleWriter) -> list[str]:
    return [str(sample_dir / f"{writer.key}-{n}.txt") for n in range(1, len(writer.texts))]


def held_out_file(sample_dir: Path, writer: SampleWriter) -> str:
    return str(sample_dir / f"{writer.key}-{len(writer.texts)}.txt")
