"""A/B tests of persona versions: a bandit allocates new pieces, a Bayesian report says
which variant is best and when to stop.

An experiment pits two or more versions of one persona (named directly or by label,
``production``, ``staging`` …) against each other on one platform. Each variant's mean
reward has a normal posterior: a weak prior at the experiment's pooled mean, the noise
variance pooled over every rewarded piece (floored, so two equal rewards do not claim
certainty). :meth:`allocate` is Thompson sampling (one draw per variant, the best draw
writes next; a variant with fewer than :data:`MIN_PIECES` pieces goes first).

The report gives each variant's pieces, mean reward and the probability that it is the
best (the share of joint posterior draws in which its mean is highest), and a stopping
suggestion: stop when one variant is best with probability ≥ ``confidence`` and every
variant has :data:`MIN_PIECES` rewards; otherwise, how many rewarded pieces per variant
the classical two-sample size (one-sided at that confidence, 80 % power) needs to
separate the two leaders at their current difference (the figure the benchmark holds
the report to).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from scipy.stats import norm
from sqlalchemy.orm import Session

from personae.errors import ConflictError, InputError
from personae.persona.platforms import get_platform
from personae.store import MAX_INT, crud, session_scope
from personae.store._models import ContentExperiment

if TYPE_CHECKING:
    from personae.content._service import ContentService

__all__ = [
    "MIN_PIECES",
    "Allocation",
    "ExperimentCreate",
    "ExperimentReport",
    "VariantReport",
    "VariantSpec",
    "allocate",
    "create",
    "report",
]

MIN_PIECES = 3
"""Rewarded pieces every variant needs before the report suggests stopping."""

_DRAWS = 20_000
_NOISE_FLOOR = 0.05
_PRIOR_SD = 10.0
_POWER = 0.8


class VariantSpec(BaseModel):
    """One arm of the test: a persona version, or a label that names one."""

    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,49}$")]
    version: Annotated[int, Field(ge=1, le=MAX_INT)] | None = None
    label: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_.-]{0,49}$")] | None = None


class ExperimentCreate(BaseModel):
    """Two or more versions of one persona, on one platform."""

    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    persona_id: Annotated[int, Field(ge=1, le=MAX_INT)]
    platform: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,49}$")]
    variants: list[VariantSpec] = Field(min_length=2, max_length=8)


class Allocation(BaseModel):
    """Which variant writes the next piece, with the persona version to write as."""

    experiment_id: int
    variant: str
    persona_version: int
    system_prompt: str = Field(description="The version's system prompt, to write with.")


class VariantReport(BaseModel):
    """One variant's evidence so far."""

    name: str
    persona_version: int
    pieces: int
    rewarded: int
    mean_reward: float | None
    probability_best: float


class ExperimentReport(BaseModel):
    """Per variant: pieces, mean reward and probability of being best; and what to do."""

    id: int
    name: str
    persona_id: int
    platform: str
    status: str
    created_at: datetime
    variants: list[VariantReport]
    best: str | None
    confidence: float
    should_stop: bool
    pieces_needed: int | None = Field(
        description="Rewarded pieces per variant the test needs at the current difference "
        "(None: no difference seen yet)."
    )
    suggestion: str


def create(service: ContentService, owner_id: int, request: ExperimentCreate) -> ExperimentReport:
    """Start an experiment; labels are resolved to the versions they name now.

    Raises
    ------
    InputError
        A variant names neither a version nor a label, or two variants share a name.
    VersionNotFoundError, LabelNotFoundError
        A version or label the persona does not have.
    """
    names = [v.name for v in request.variants]
    if len(set(names)) != len(names):
        raise InputError("variant names must differ", field="variants")
    resolved = []
    with session_scope(service.database) as session:
        for spec in request.variants:
            if (spec.version is None) == (spec.label is None):
                raise InputError(
                    f"variant {spec.name!r}: give a version or a label (one of them)",
                    field="variants",
                )
            if spec.label is not None:
                row = crud.get_label(
                    session=session,
                    owner_id=owner_id,
                    persona_id=request.persona_id,
                    label=spec.label,
                )
            else:
                row = crud.get_version(
                    session=session,
                    owner_id=owner_id,
                    persona_id=request.persona_id,
                    version=int(spec.version or 0),
                )
            resolved.append({"name": spec.name, "version": row.version, "label": spec.label})
        experiment = crud.create_experiment(
            session=session,
            owner_id=owner_id,
            persona_id=request.persona_id,
            name=request.name,
            platform=request.platform,
            variants=resolved,
        )
        experiment_id = experiment.id
    return report(service, owner_id, experiment_id)


def _rewards(
    service: ContentService, owner_id: int, experiment: ContentExperiment
) -> dict[str, list[float | None]]:
    out: dict[str, list[float | None]] = {v["name"]: [] for v in experiment.variants}
    offset = 0
    while True:
        page = service.search(
            owner_id, experiment_id=experiment.id, limit=1000, offset=offset, oldest_first=True
        )
        for piece in page.items:
            if piece.variant in out and piece.status != "archived":
                out[piece.variant].append(piece.reward)
        if page.next_offset is None:
            return out
        offset = page.next_offset


def _posteriors(rewards: dict[str, list[float | None]]) -> tuple[np.ndarray, np.ndarray]:
    """Each variant's posterior mean and standard deviation of its mean reward."""
    seen = [[r for r in values if r is not None] for values in rewards.values()]
    pooled = [r for values in seen for r in values]
    prior_mean = float(np.mean(pooled)) if pooled else 0.0
    residuals = [r - float(np.mean(values)) for values in seen if len(values) > 1 for r in values]
    dof = len(residuals) - sum(1 for values in seen if len(values) > 1)
    noise = math.sqrt(sum(x * x for x in residuals) / dof) if dof > 0 else 1.0
    noise = max(noise, _NOISE_FLOOR)
    means, sds = [], []
    for values in seen:
        precision = 1.0 / _PRIOR_SD**2 + len(values) / noise**2
        mean = (prior_mean / _PRIOR_SD**2 + sum(values) / noise**2) / precision
        means.append(mean)
        sds.append(math.sqrt(1.0 / precision))
    return np.array(means), np.array(sds)


def _probability_best(means: np.ndarray, sds: np.ndarray, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    draws = rng.normal(means, sds, size=(_DRAWS, len(means)))
    winners = np.bincount(np.argmax(draws, axis=1), minlength=len(means))
    out: np.ndarray = winners / _DRAWS
    return out


def _needed(rewards: Sequence[list[float]], order: Sequence[int], confidence: float) -> int | None:
    """Rewarded pieces per variant to tell the two leaders apart at their current
    difference: the classical two-sample size, one-sided at ``confidence`` with 80 %
    power, from the pooled standard deviation. ``None`` until each leader has
    :data:`MIN_PIECES` rewards (a difference seen on fewer says little) or while they tie."""
    first, second = (rewards[i] for i in order[:2])
    if len(first) < MIN_PIECES or len(second) < MIN_PIECES:
        return None
    diff = abs(float(np.mean(first)) - float(np.mean(second)))
    values = [r - float(np.mean(v)) for v in (first, second) for r in v]
    sd = max(math.sqrt(sum(x * x for x in values) / (len(values) - 2)), _NOISE_FLOOR)
    if diff <= 1e-9:
        return None
    z = float(norm.ppf(confidence)) + float(norm.ppf(_POWER))
    return max(MIN_PIECES, math.ceil(2 * (z * sd / diff) ** 2))


def report(
    service: ContentService, owner_id: int, experiment_id: int, *, confidence: float = 0.95
) -> ExperimentReport:
    """The experiment's evidence and the stopping suggestion (deterministic: the same
    rewards give the same probabilities)."""
    with session_scope(service.database) as session:
        experiment = crud.get_experiment(
            session=session, owner_id=owner_id, experiment_id=experiment_id
        )
        rewards = _rewards(service, owner_id, experiment)
        means, sds = _posteriors(rewards)
        best_p = _probability_best(means, sds, seed=experiment.id)
        seen = [[r for r in values if r is not None] for values in rewards.values()]
        variants = [
            VariantReport(
                name=spec["name"],
                persona_version=int(spec["version"]),
                pieces=len(rewards[spec["name"]]),
                rewarded=len(values),
                mean_reward=round(float(np.mean(values)), 6) if values else None,
                probability_best=round(float(p), 4),
            )
            for spec, values, p in zip(experiment.variants, seen, best_p, strict=True)
        ]
        order = [int(i) for i in np.argsort(-best_p, kind="stable")]
        leader = variants[order[0]]
        enough = all(v.rewarded >= MIN_PIECES for v in variants)
        stop = enough and leader.probability_best >= confidence
        needed = _needed(seen, order, confidence)
        if stop:
            suggestion = (
                f"stop: {leader.name} is best with probability {leader.probability_best:.0%}"
            )
        elif needed is None:
            suggestion = (
                f"continue: every variant needs {MIN_PIECES} rewarded pieces first"
                if not enough
                else "continue: no difference between the variants yet"
            )
        else:
            more = max(0, needed - min(v.rewarded for v in variants))
            suggestion = (
                f"continue: about {needed} rewarded pieces per variant are needed at the "
                f"current difference ({more} more for the variant with fewest)"
            )
        return ExperimentReport(
            id=experiment.id,
            name=experiment.name,
            persona_id=experiment.persona_id,
            platform=experiment.platform,
            status=experiment.status,
            created_at=experiment.created_at,
            variants=variants,
            best=leader.name if any(v.rewarded for v in variants) else None,
            confidence=confidence,
            should_stop=stop,
            pieces_needed=needed,
            suggestion=suggestion,
        )


def allocate(
    service: ContentService, owner_id: int, experiment_id: int, *, seed: int | None = None
) -> Allocation:
    """Thompson sampling: the variant whose posterior draw is highest writes next
    (variants with fewer than :data:`MIN_PIECES` pieces first).

    Raises
    ------
    ConflictError
        The experiment was stopped.
    """
    with session_scope(service.database) as session:
        experiment = crud.get_experiment(
            session=session, owner_id=owner_id, experiment_id=experiment_id
        )
        _running(experiment)
        rewards = _rewards(service, owner_id, experiment)
        counts = [len(v) for v in rewards.values()]
        if min(counts) < MIN_PIECES:
            index = int(np.argmin(counts))
        else:
            means, sds = _posteriors(rewards)
            draws = np.random.default_rng(seed).normal(means, sds)
            index = int(np.argmax(draws))
        return _allocation(session, owner_id, experiment, experiment.variants[index])


def _running(experiment: ContentExperiment) -> None:
    if experiment.status != "running":
        raise ConflictError(f"experiment {experiment.id} is stopped", experiment_id=experiment.id)


def _allocation(
    session: Session, owner_id: int, experiment: ContentExperiment, spec: dict[str, Any]
) -> Allocation:
    version = crud.get_version(
        session=session,
        owner_id=owner_id,
        persona_id=experiment.persona_id,
        version=int(spec["version"]),
    )
    return Allocation(
        experiment_id=experiment.id,
        variant=spec["name"],
        persona_version=version.version,
        system_prompt=str(version.snapshot.get("system_prompt") or ""),
    )


def _spec(experiment: ContentExperiment, name: str | None) -> dict[str, Any]:
    for spec in experiment.variants:
        if spec["name"] == name:
            return dict(spec)
    names = ", ".join(v["name"] for v in experiment.variants)
    raise InputError(f"variant must be one of {names}", field="variant")


def _same_test(experiment: ContentExperiment, persona_id: int, platform: str) -> None:
    if experiment.persona_id != persona_id or experiment.platform != platform:
        raise InputError(
            f"experiment {experiment.id} tests persona {experiment.persona_id} on "
            f"{experiment.platform}",
            field="experiment_id",
        )


def writer(
    service: ContentService,
    owner_id: int,
    experiment_id: int,
    *,
    persona_id: int,
    platform: str,
    variant: str | None = None,
) -> Allocation:
    """Who writes a generated piece of the test: the ``variant`` the caller was allocated
    (by :func:`allocate`), else one allocated now; checked against the persona and
    platform the text is for, before anything is written.

    Raises
    ------
    InputError
        The test is of another persona or platform, or has no such variant.
    ConflictError
        The experiment was stopped.
    """
    if variant is None:
        chosen = allocate(service, owner_id, experiment_id)
    with session_scope(service.database) as session:
        experiment = crud.get_experiment(
            session=session, owner_id=owner_id, experiment_id=experiment_id
        )
        _same_test(experiment, persona_id, get_platform(platform).name)
        if variant is None:
            return chosen
        _running(experiment)
        return _allocation(session, owner_id, experiment, _spec(experiment, variant))


def variant_fields(
    session: Session,
    owner_id: int,
    experiment_id: int,
    variant: str | None,
    *,
    persona_id: int,
    platform: str,
) -> dict[str, Any]:
    """The columns of a piece of the test: its experiment, variant and that variant's
    persona version (whatever the persona's current version)."""
    experiment = crud.get_experiment(
        session=session, owner_id=owner_id, experiment_id=experiment_id
    )
    _same_test(experiment, persona_id, platform)
    spec = _spec(experiment, variant)
    return {
        "experiment_id": experiment.id,
        "variant": spec["name"],
        "persona_version": int(spec["version"]),
    }
