"""Bandit policies over strategies, in numpy, with state that survives a restart.

Four policies share one interface (:class:`Policy`): ``select`` an arm among candidates
in a context, ``estimate`` each candidate's reward and its uncertainty (for explanations
and confidence), ``update`` with an observed reward, and ``to_state``/``from_state`` to
store everything they learned as JSON (:func:`policy_from_state`).

- :class:`RandomPolicy`: uniform; the floor any learner must beat.
- :class:`EpsilonGreedy`: seed 003's exploration strategy, epsilon-greedy with decay.
  Per-arm sample means; with probability ``ε_n = max(min_epsilon, epsilon · decay^n)``
  (``n`` = rewards seen so far) a uniformly random arm, otherwise the best mean (ties at
  random, unseen arms count as 0, the textbook start).
- :class:`ThompsonSampling`: **Gaussian** Thompson sampling, one Normal-Inverse-Gamma
  posterior per arm, sampled through its Student-t marginal. Gaussian, not Beta, because
  the reward is a weighted sum that is neither bounded to 0..1 nor binary (a cost can make
  it negative, a viral post can take it far above 1); Beta-Bernoulli would need the reward
  squeezed into a coin flip and would lose its scale. The prior mean is the mean of every
  reward seen (empirical Bayes), so an untried arm is expected to be average, not zero.
- :class:`LinUCB`: contextual, shared-parameter LinUCB (Li et al., 2010, "A
  contextual-bandit approach to personalized news article recommendation", WWW; the
  shared-feature form of Chu et al., 2011). One ridge regression over features
  ``context feature × arm attribute`` (``cluster:2*format:video``, ``weekend*hour:9`` …),
  so what is learned about video for one topic carries to every topic, and each audience
  cluster and the weekend get their own preferences. The score is ``θ·φ + α·√(φᵀA⁻¹φ)``.
  Features are named and the model grows when new names appear (a padded ridge block is
  exactly the model that had those features, always zero, all along).

LinUCB is the default (:data:`DEFAULT_POLICY`): strategies share attributes and depend on
the audience and the day, so a policy that generalises across arms and conditions on the
context needs far fewer posts to find good ones. ``benchmarks/strategy_bench.py``
measures this (cumulative regret against epsilon-greedy).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

import numpy as np
import numpy.typing as npt

from personae.strategy._arms import ArmSet
from personae.strategy._arrays import decode_array, encode_array
from personae.strategy._context import Context

__all__ = [
    "DEFAULT_POLICY",
    "POLICY_NAMES",
    "Choice",
    "EpsilonGreedy",
    "LinUCB",
    "Policy",
    "PolicyName",
    "RandomPolicy",
    "ThompsonSampling",
    "build_policy",
    "policy_from_state",
]

PolicyName = Literal["linucb", "thompson", "epsilon_greedy", "random"]
POLICY_NAMES: tuple[PolicyName, ...] = ("linucb", "thompson", "epsilon_greedy", "random")
DEFAULT_POLICY: PolicyName = "linucb"
"""The policy a creator gets unless they choose another (see the module docstring)."""

FloatArray = npt.NDArray[np.float64]
_STATE_FORMAT = 1
_PRIOR_SD = 1.0  # uncertainty of an arm nothing is known about, in reward units


@dataclass(frozen=True, slots=True)
class Choice:
    """What ``select`` decided: the arm's index and every candidate's estimate."""

    index: int
    explored: bool
    """True when the arm was picked to learn (exploration), not as the best estimate."""
    mean: FloatArray
    """Estimated expected reward of each candidate."""
    sd: FloatArray
    """Uncertainty (standard deviation) of each estimate."""
    score: FloatArray
    """What the policy maximised (UCB, posterior sample, mean …)."""


class Policy(ABC):
    """A bandit policy over :class:`~personae.strategy.ArmSet` candidates."""

    name: ClassVar[PolicyName]

    def __init__(self, *, seed: int | None = None) -> None:
        self.rng = np.random.default_rng(seed)
        self.updates = 0

    @abstractmethod
    def estimate(self, arms: ArmSet, context: Context) -> tuple[FloatArray, FloatArray]:
        """Each candidate's estimated reward and its standard deviation."""

    @abstractmethod
    def select(self, arms: ArmSet, context: Context) -> Choice:
        """Pick one candidate to play in ``context``."""

    @abstractmethod
    def update(
        self, key: str, attributes: tuple[str, ...], context: Context, reward: float
    ) -> None:
        """Learn from the reward of the arm ``key`` (with ``attributes``) played in ``context``."""

    @abstractmethod
    def _params(self) -> dict[str, Any]: ...

    @abstractmethod
    def _arrays(self) -> dict[str, Any]: ...

    @abstractmethod
    def _load(self, state: dict[str, Any]) -> None: ...

    def to_state(self) -> dict[str, Any]:
        """Everything learned, JSON-serialisable; :func:`policy_from_state` restores it."""
        return {
            "format": _STATE_FORMAT,
            "policy": self.name,
            "params": self._params(),
            "updates": self.updates,
            "model": self._arrays(),
        }

    def _argmax(self, values: FloatArray) -> int:
        """Index of the largest value, ties broken at random (not always the first arm)."""
        best = np.flatnonzero(values >= values.max() - 1e-12)
        return int(best[0] if best.size == 1 else self.rng.choice(best))


class RandomPolicy(Policy):
    """Uniformly random: the baseline every learner must beat."""

    name = "random"

    def estimate(self, arms: ArmSet, context: Context) -> tuple[FloatArray, FloatArray]:
        size = len(arms)
        return np.zeros(size), np.full(size, _PRIOR_SD)

    def select(self, arms: ArmSet, context: Context) -> Choice:
        mean, sd = self.estimate(arms, context)
        index = int(self.rng.integers(len(arms)))
        return Choice(index=index, explored=True, mean=mean, sd=sd, score=mean)

    def update(
        self, key: str, attributes: tuple[str, ...], context: Context, reward: float
    ) -> None:
        self.updates += 1

    def _params(self) -> dict[str, Any]:
        return {}

    def _arrays(self) -> dict[str, Any]:
        return {}

    def _load(self, state: dict[str, Any]) -> None:
        return None


class _ArmTable:
    """Per-arm running sums, indexed by arm key, growing as new arms are seen."""

    def __init__(self) -> None:
        self.keys: list[str] = []
        self.index: dict[str, int] = {}
        self.count = np.zeros(0)
        self.total = np.zeros(0)
        self.squares = np.zeros(0)
        self._last: tuple[tuple[str, ...], int, npt.NDArray[np.intp]] | None = None

    def positions(self, arms: ArmSet) -> npt.NDArray[np.intp]:
        """Where each candidate's sums are; -1 for arms never rewarded."""
        last = self._last
        if last is not None and last[0] is arms.keys and last[1] == len(self.keys):
            return last[2]
        get = self.index.get
        positions = np.fromiter((get(key, -1) for key in arms.keys), dtype=np.intp, count=len(arms))
        self._last = (arms.keys, len(self.keys), positions)
        return positions

    def gather(self, arms: ArmSet) -> tuple[FloatArray, FloatArray, FloatArray]:
        """Count, sum and sum of squares of each candidate (zeros when never rewarded)."""
        where = self.positions(arms)
        seen = where >= 0
        count = np.zeros(len(arms))
        total = np.zeros(len(arms))
        squares = np.zeros(len(arms))
        count[seen] = self.count[where[seen]]
        total[seen] = self.total[where[seen]]
        squares[seen] = self.squares[where[seen]]
        return count, total, squares

    def add(self, key: str, reward: float) -> None:
        position = self.index.get(key)
        if position is None:
            position = len(self.keys)
            self.keys.append(key)
            self.index[key] = position
            self.count = np.append(self.count, 0.0)
            self.total = np.append(self.total, 0.0)
            self.squares = np.append(self.squares, 0.0)
        self.count[position] += 1.0
        self.total[position] += reward
        self.squares[position] += reward * reward

    def to_json(self) -> dict[str, Any]:
        return {
            "keys": list(self.keys),
            "count": encode_array(self.count),
            "total": encode_array(self.total),
            "squares": encode_array(self.squares),
        }

    def load(self, data: dict[str, Any]) -> None:
        self.keys = [str(key) for key in data["keys"]]
        self.index = {key: i for i, key in enumerate(self.keys)}
        self.count = decode_array(data["count"]).astype(np.float64)
        self.total = decode_array(data["total"]).astype(np.float64)
        self.squares = decode_array(data["squares"]).astype(np.float64)
        if not len(self.keys) == self.count.size == self.total.size == self.squares.size:
            raise ValueError("arm table arrays do not match its keys")
        self._last = None


class EpsilonGreedy(Policy):
    """Seed 003's epsilon-greedy with decay, on per-arm sample means.

    Parameters
    ----------
    epsilon
        Exploration probability before any reward.
    decay
        Multiplies ε after each reward: ``ε_n = max(min_epsilon, epsilon · decay^n)``.
    min_epsilon
        The floor, so the policy never stops noticing that the world changed.
    """

    name = "epsilon_greedy"

    def __init__(
        self,
        *,
        epsilon: float = 0.5,
        decay: float = 0.998,
        min_epsilon: float = 0.02,
        seed: int | None = None,
    ) -> None:
        super().__init__(seed=seed)
        if not (0.0 <= min_epsilon <= epsilon <= 1.0 and 0.0 < decay <= 1.0):
            raise ValueError("need 0 <= min_epsilon <= epsilon <= 1 and 0 < decay <= 1")
        self.epsilon = epsilon
        self.decay = decay
        self.min_epsilon = min_epsilon
        self.table = _ArmTable()

    @property
    def current_epsilon(self) -> float:
        return max(self.min_epsilon, self.epsilon * self.decay**self.updates)

    def estimate(self, arms: ArmSet, context: Context) -> tuple[FloatArray, FloatArray]:
        count, total, squares = self.table.gather(arms)
        safe = np.maximum(count, 1.0)
        mean = total / safe
        variance = np.maximum(squares / safe - mean * mean, 0.0)
        sd = np.where(count >= 2, np.sqrt(variance / safe), _PRIOR_SD / np.sqrt(safe))
        return mean, sd

    def select(self, arms: ArmSet, context: Context) -> Choice:
        mean, sd = self.estimate(arms, context)
        if self.rng.random() < self.current_epsilon:
            return Choice(
                index=int(self.rng.integers(len(arms))), explored=True, mean=mean, sd=sd, score=mean
            )
        return Choice(index=self._argmax(mean), explored=False, mean=mean, sd=sd, score=mean)

    def update(
        self, key: str, attributes: tuple[str, ...], context: Context, reward: float
    ) -> None:
        self.table.add(key, float(reward))
        self.updates += 1

    def _params(self) -> dict[str, Any]:
        return {"epsilon": self.epsilon, "decay": self.decay, "min_epsilon": self.min_epsilon}

    def _arrays(self) -> dict[str, Any]:
        return self.table.to_json()

    def _load(self, state: dict[str, Any]) -> None:
        self.table.load(state)


class ThompsonSampling(Policy):
    """Gaussian Thompson sampling: a Normal-Inverse-Gamma posterior per arm.

    Parameters
    ----------
    prior_strength
        ``κ0``: how many rewards the prior mean is worth.
    prior_shape, prior_scale
        ``α0``, ``β0`` of the Inverse-Gamma prior on the reward variance (prior variance
        about ``β0 / (α0 - 1)`` reward units², for ``α0 > 1``).
    """

    name = "thompson"

    def __init__(
        self,
        *,
        prior_strength: float = 1.0,
        prior_shape: float = 2.0,
        prior_scale: float = 0.25,
        seed: int | None = None,
    ) -> None:
        super().__init__(seed=seed)
        if min(prior_strength, prior_shape, prior_scale) <= 0:
            raise ValueError("prior parameters must be positive")
        self.prior_strength = prior_strength
        self.prior_shape = prior_shape
        self.prior_scale = prior_scale
        self.table = _ArmTable()
        self._sum = 0.0

    def _posterior(self, arms: ArmSet) -> tuple[FloatArray, FloatArray, FloatArray]:
        """Posterior mean, Student-t scale and degrees of freedom of each candidate's mean."""
        count, total, squares = self.table.gather(arms)
        prior_mean = self._sum / self.updates if self.updates else 0.0
        safe = np.maximum(count, 1.0)
        sample_mean = np.where(count > 0, total / safe, prior_mean)
        scatter = np.maximum(squares - count * sample_mean * sample_mean, 0.0)
        kappa = self.prior_strength + count
        mean = (self.prior_strength * prior_mean + total) / kappa
        alpha = self.prior_shape + count / 2.0
        beta = (
            self.prior_scale
            + 0.5 * scatter
            + self.prior_strength * count * (sample_mean - prior_mean) ** 2 / (2.0 * kappa)
        )
        scale = np.sqrt(beta / (alpha * kappa))
        return mean, scale, 2.0 * alpha

    def estimate(self, arms: ArmSet, context: Context) -> tuple[FloatArray, FloatArray]:
        mean, scale, dof = self._posterior(arms)
        # The Student-t's standard deviation (dof > 2 always: α0 > 1 is not required, so guard).
        sd = scale * np.sqrt(np.where(dof > 2.0, dof / np.maximum(dof - 2.0, 1e-9), 3.0))
        return mean, sd

    def select(self, arms: ArmSet, context: Context) -> Choice:
        mean, scale, dof = self._posterior(arms)
        sample = mean + scale * self.rng.standard_t(dof)
        index = self._argmax(sample)
        _, sd = self.estimate(arms, context)
        explored = bool(mean[index] < mean.max() - 1e-12)
        return Choice(index=index, explored=explored, mean=mean, sd=sd, score=sample)

    def update(
        self, key: str, attributes: tuple[str, ...], context: Context, reward: float
    ) -> None:
        self.table.add(key, float(reward))
        self._sum += float(reward)
        self.updates += 1

    def _params(self) -> dict[str, Any]:
        return {
            "prior_strength": self.prior_strength,
            "prior_shape": self.prior_shape,
            "prior_scale": self.prior_scale,
        }

    def _arrays(self) -> dict[str, Any]:
        return self.table.to_json() | {"sum": self._sum}

    def _load(self, state: dict[str, Any]) -> None:
        self.table.load(state)
        self._sum = float(state["sum"])


@dataclass(frozen=True, slots=True)
class _Layout:
    """The features a candidate set uses in one context: ``used`` model indices, and for
    each candidate the positions of its features among them."""

    used: npt.NDArray[np.intp]
    positions: npt.NDArray[np.intp]


class LinUCB(Policy):
    """Contextual LinUCB with shared, named features ``context × arm attribute``.

    Parameters
    ----------
    alpha
        Width of the confidence bonus (exploration); about the reward noise's scale.
    ridge
        ``λ`` of the ridge regression: the prior precision of every weight.
    """

    name = "linucb"

    _REFRESH_EVERY = 256  # re-invert A now and then so Sherman–Morrison errors cannot pile up
    _CACHE = 64

    def __init__(self, *, alpha: float = 1.0, ridge: float = 1.0, seed: int | None = None) -> None:
        super().__init__(seed=seed)
        if alpha < 0 or ridge <= 0:
            raise ValueError("need alpha >= 0 and ridge > 0")
        self.alpha = alpha
        self.ridge = ridge
        self.names: list[str] = []
        self.index: dict[str, int] = {}
        self.a: FloatArray = np.zeros((0, 0))
        self.a_inv: FloatArray = np.zeros((0, 0))
        self.b: FloatArray = np.zeros(0)
        self.theta: FloatArray = np.zeros(0)
        self._layouts: OrderedDict[tuple[tuple[str, ...], tuple[str, ...]], _Layout] = OrderedDict()

    # -- features ------------------------------------------------------------------------

    def _grow(self, new: list[str]) -> None:
        """Add features (ridge prior only: an exact extension of the model)."""
        old = len(self.names)
        for name in new:
            self.index[name] = len(self.names)
            self.names.append(name)
        size = len(self.names)
        a = np.zeros((size, size))
        a[:old, :old] = self.a
        a[old:, old:] = np.eye(size - old) * self.ridge
        a_inv = np.zeros((size, size))
        a_inv[:old, :old] = self.a_inv
        a_inv[old:, old:] = np.eye(size - old) / self.ridge
        self.a, self.a_inv = a, a_inv
        self.b = np.concatenate([self.b, np.zeros(size - old)])
        self.theta = np.concatenate([self.theta, np.zeros(size - old)])

    def _feature_names(
        self, context_names: tuple[str, ...], attributes: tuple[str, ...]
    ) -> list[str]:
        return [f"{c}*{z}" for c in context_names for z in attributes]

    def _layout(self, arms: ArmSet, context_names: tuple[str, ...]) -> _Layout:
        """Where every candidate's features are, in this context (cached)."""
        cache_key = (arms.keys, context_names)
        layout = self._layouts.get(cache_key)
        if layout is not None:
            self._layouts.move_to_end(cache_key)
            return layout
        rows = [self._feature_names(context_names, attributes) for attributes in arms.attributes]
        missing = [name for row in rows for name in row if name not in self.index]
        if missing:
            self._grow(list(dict.fromkeys(missing)))
        index = self.index
        columns = np.array([[index[name] for name in row] for row in rows], dtype=np.intp)
        used, positions = np.unique(columns, return_inverse=True)
        layout = _Layout(used=used, positions=positions.reshape(columns.shape))
        self._layouts[cache_key] = layout
        if len(self._layouts) > self._CACHE:
            self._layouts.popitem(last=False)
        return layout

    # -- policy --------------------------------------------------------------------------

    def estimate(self, arms: ArmSet, context: Context) -> tuple[FloatArray, FloatArray]:
        names = tuple(context.features)
        layout = self._layout(arms, names)
        per_attribute = len(arms.attributes[0])
        values = np.repeat(np.array([context.features[n] for n in names]), per_attribute)
        # φ of every candidate, as dense rows over the few features any candidate uses:
        # one small matrix product instead of a gather per candidate.
        phi = np.zeros((len(arms), layout.used.size))
        np.put_along_axis(phi, layout.positions, np.broadcast_to(values, layout.positions.shape), 1)
        mean = phi @ self.theta[layout.used]
        block = self.a_inv[np.ix_(layout.used, layout.used)]
        quad = np.einsum("ku,ku->k", phi @ block, phi)
        return mean, np.sqrt(np.maximum(quad, 0.0))

    def select(self, arms: ArmSet, context: Context) -> Choice:
        mean, sd = self.estimate(arms, context)
        score = mean + self.alpha * sd
        index = self._argmax(score)
        explored = bool(mean[index] < mean.max() - 1e-12)
        return Choice(index=index, explored=explored, mean=mean, sd=sd, score=score)

    def update(
        self, key: str, attributes: tuple[str, ...], context: Context, reward: float
    ) -> None:
        names = self._feature_names(tuple(context.features), attributes)
        missing = [name for name in names if name not in self.index]
        if missing:
            self._grow(missing)
        idx = np.array([self.index[name] for name in names], dtype=np.intp)
        x = np.repeat(np.array(list(context.features.values())), len(attributes))
        self.a[np.ix_(idx, idx)] += np.outer(x, x)
        self.b[idx] += float(reward) * x
        self.updates += 1
        if self.updates % self._REFRESH_EVERY == 0:
            self.a_inv = np.asarray(np.linalg.inv(self.a), dtype=np.float64)
        else:
            u = self.a_inv[:, idx] @ x
            self.a_inv -= np.outer(u, u) / (1.0 + float(x @ u[idx]))
        self.theta = self.a_inv @ self.b

    def contributions(
        self, attributes: tuple[str, ...], context: Context
    ) -> list[tuple[str, float]]:
        """Each feature's share of an arm's estimated reward, largest magnitude first."""
        out = []
        for name, value in zip(
            self._feature_names(tuple(context.features), attributes),
            np.repeat(np.array(list(context.features.values())), len(attributes)),
            strict=True,
        ):
            position = self.index.get(name)
            if position is not None:
                out.append((name, float(self.theta[position] * value)))
        return sorted(out, key=lambda item: -abs(item[1]))

    def _params(self) -> dict[str, Any]:
        return {"alpha": self.alpha, "ridge": self.ridge}

    def _arrays(self) -> dict[str, Any]:
        return {"names": list(self.names), "a": encode_array(self.a), "b": encode_array(self.b)}

    def _load(self, state: dict[str, Any]) -> None:
        names = [str(name) for name in state["names"]]
        a = decode_array(state["a"]).astype(np.float64)
        b = decode_array(state["b"]).astype(np.float64)
        if a.shape != (len(names), len(names)) or b.shape != (len(names),):
            raise ValueError("LinUCB arrays do not match its feature names")
        self.names = names
        self.index = {name: i for i, name in enumerate(names)}
        self.a = a
        self.b = b
        self.a_inv = np.asarray(np.linalg.inv(a), dtype=np.float64) if names else np.zeros((0, 0))
        self.theta = self.a_inv @ b if names else np.zeros(0)
        self._layouts.clear()


_CLASSES: dict[str, type[Policy]] = {
    "random": RandomPolicy,
    "epsilon_greedy": EpsilonGreedy,
    "thompson": ThompsonSampling,
    "linucb": LinUCB,
}


def build_policy(name: PolicyName, *, seed: int | None = None, **params: Any) -> Policy:
    """A fresh policy by name, with its parameters (defaults when left out).

    Raises
    ------
    ValueError
        Unknown name or bad parameters.
    """
    try:
        cls = _CLASSES[name]
    except KeyError:
        raise ValueError(f"unknown policy {name!r}; one of {', '.join(POLICY_NAMES)}") from None
    return cls(seed=seed, **params)


def policy_from_state(state: dict[str, Any], *, seed: int | None = None) -> Policy:
    """Restore a policy :meth:`Policy.to_state` wrote.

    Raises
    ------
    ValueError
        The state is not one this release writes, or is corrupt.
    """
    try:
        if state.get("format") != _STATE_FORMAT:
            raise ValueError(f"unknown policy state format {state.get('format')!r}")
        policy = build_policy(state["policy"], seed=seed, **dict(state["params"]))
        policy.updates = int(state["updates"])
        policy._load(state["model"])
    except (KeyError, TypeError, AttributeError, ValueError, np.linalg.LinAlgError) as exc:
        raise ValueError(f"corrupt policy state ({exc})") from exc
    return policy
