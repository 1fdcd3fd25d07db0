"""A small logistic model over named signals, as the trained files in ``rag/data`` hold it.

Written here rather than loading a pickled scikit-learn estimator: the committed file stays a
readable, diffable JSON of a few numbers, and applying it needs no scikit-learn at run time.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from importlib import resources
from typing import Mapping


@dataclass(frozen=True)
class Model:
    """A logistic model over ``features``, standardised; ``threshold`` is the cut its user applies
    to the probability (answerability: the probability to answer; selection: the share of the best
    sentence's probability a later one needs).

    >>> m = Model(("a",), (1.0,), (2.0,), (4.0,), 0.0, 0.5)
    >>> round(m.probability({"a": 1.0}), 2), round(m.probability({"a": 3.0}), 2)
    (0.5, 0.98)
    >>> Model.from_json(m.to_json()) == m
    True
    """

    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float
    threshold: float

    def probability(self, values: Mapping[str, float]) -> float:
        z = self.intercept + sum(c * (values.get(f, 0.0) - m) / (s or 1.0)
                                 for f, m, s, c in zip(self.features, self.mean, self.scale, self.coef))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def contributions(self, values: Mapping[str, float]) -> dict[str, float]:
        return {f: c * (values.get(f, 0.0) - m) / (s or 1.0)
                for f, m, s, c in zip(self.features, self.mean, self.scale, self.coef)}

    def to_json(self) -> str:
        return json.dumps({"features": self.features, "mean": self.mean, "scale": self.scale, "coef": self.coef,
                           "intercept": self.intercept, "threshold": self.threshold}, indent=1)

    @classmethod
    def from_json(cls, text: str) -> Model:
        raw = json.loads(text)
        return cls(tuple(raw["features"]), tuple(float(v) for v in raw["mean"]), tuple(float(v) for v in raw["scale"]),
                   tuple(float(v) for v in raw["coef"]), float(raw["intercept"]), float(raw["threshold"]))


def packaged(name: str) -> Model:
    """The committed model ``rag/data/<name>``."""
    return Model.from_json(resources.files("rag.data").joinpath(name).read_text(encoding="utf-8"))
