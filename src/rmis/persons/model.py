"""The linkage model in force: Splink's trained Fellegi-Sunter model, applied to one pair at a
time in Python exactly as Splink's SQL applies it to millions.

A model is Splink's own settings (the comparisons of comparisons.py with their m and u
probabilities and the prior, as `Linker.misc.save_model_to_json` writes them) and three
thresholds on the match probability: at or above `automatic_threshold` a pair is linked and
marked automatic; from `review_threshold` up it goes to the review queue; and a document is
joined to a person automatically only if it scores at least `conflict_threshold` against every
document of theirs (otherwise the link goes to review: clustering.py, linking.judge).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, insert, select

from rmis.persons.comparisons import COMPARISONS, signature
from rmis.persons.facts import DocumentFacts, PairScore
from rmis.persons.features import Features, features
from rmis.store.schema import link_models

DEFAULT_MODEL = "default_link_model.json"
LEVEL_NOT_OBSERVED = "level not observed"  # Splink's marker; it then uses 1e-6
NOT_OBSERVED_PROBABILITY = 1e-6
M_U_CLAMP_MIN = 1e-300  # as Splink clamps m and u before taking the log


class ModelError(ValueError):
    """A stored model this code cannot apply (other comparisons, untrained levels)."""


def _probability(value: Any, where: str) -> float:
    if value == LEVEL_NOT_OBSERVED:
        return NOT_OBSERVED_PROBABILITY
    if not isinstance(value, (int, float)):
        raise ModelError(f"{where} is not trained")
    return float(value)


def _level_weights(splink_settings: dict) -> list[tuple[float, ...]]:
    """Each comparison's match weight per level, log2(m/u) as Splink computes it (0 for the
    null level), checked against the comparisons this code applies."""
    by_name = {c.get("output_column_name"): c for c in splink_settings.get("comparisons", [])}
    out = []
    for comparison in COMPARISONS:
        stored = by_name.get(comparison.name)
        if stored is None:
            raise ModelError(f"the model has no comparison {comparison.name!r}")
        levels = stored["comparison_levels"]
        if [lv["sql_condition"] for lv in levels] != [lv.sql for lv in comparison.levels]:
            raise ModelError(f"comparison {comparison.name!r} differs from this code's")
        weights = []
        for level, stored_level in zip(comparison.levels, levels, strict=True):
            if level.null:
                weights.append(0.0)
                continue
            where = f"{comparison.name} / {level.label}"
            m = max(_probability(stored_level.get("m_probability"), f"m of {where}"), M_U_CLAMP_MIN)
            u = max(_probability(stored_level.get("u_probability"), f"u of {where}"), M_U_CLAMP_MIN)
            weights.append(math.log2(m / u))
        out.append(tuple(weights))
    return out


def prior_weight(probability: float) -> float:
    """log2 of the prior odds, as Splink's prob_to_match_weight."""
    return math.log2(probability / (1 - probability))


def weight_to_probability(weight: float) -> float:
    """Splink's match probability of a match weight (stable on both sides of zero)."""
    if weight >= 0:
        return 1.0 / (1.0 + math.pow(2.0, -weight))
    bayes = math.pow(2.0, weight)
    return bayes / (1.0 + bayes)


@dataclass(frozen=True)
class Thresholds:
    automatic: float
    review: float
    conflict: float

    def __post_init__(self) -> None:
        if not (0 <= self.review <= self.automatic <= 1 and 0 <= self.conflict <= self.automatic):
            raise ModelError(
                "thresholds must hold 0 <= review <= automatic <= 1 and 0 <= conflict <= "
                f"automatic, not review {self.review}, automatic {self.automatic}, conflict "
                f"{self.conflict}"
            )


class LinkModel:
    """Scores pairs of documents with a trained Splink model."""

    def __init__(
        self,
        splink_settings: dict,
        *,
        automatic_threshold: float,
        review_threshold: float,
        conflict_threshold: float,
        version: int | None = None,
        untrained: Sequence[str] = (),
    ) -> None:
        Thresholds(automatic_threshold, review_threshold, conflict_threshold)
        self.splink_settings = splink_settings
        self.automatic_threshold = automatic_threshold
        self.review_threshold = review_threshold
        self.conflict_threshold = conflict_threshold
        self.version = version
        # Levels training never observed (their m or u is Splink's 1e-6), as training said.
        self.untrained = list(untrained)
        prior = splink_settings.get("probability_two_random_records_match")
        if not isinstance(prior, (int, float)) or not 0 < prior < 1:
            raise ModelError("the model has no prior (probability_two_random_records_match)")
        self.prior = float(prior)
        self._prior_weight = prior_weight(self.prior)
        self._weights = _level_weights(splink_settings)
        self._labels = [tuple(lv.label for lv in c.levels) for c in COMPARISONS]

    # -- scoring ------------------------------------------------------------------------
    def score_features(self, a: Features, b: Features) -> PairScore:
        # Summed in Splink's order: the prior, then each comparison's weight.
        weight = self._prior_weight
        levels: dict[str, str] = {}
        for comparison, weights, labels in zip(COMPARISONS, self._weights, self._labels,
                                               strict=True):  # fmt: skip
            i = comparison.level_of(a, b)
            weight = weight + weights[i]
            levels[comparison.name] = labels[i]
        return PairScore(
            probability=weight_to_probability(weight), match_weight=weight, levels=levels
        )

    def score(self, a: DocumentFacts, b: DocumentFacts) -> PairScore:
        return self.score_features(features(a), features(b))

    def score_many(
        self, new: DocumentFacts, candidates: Sequence[DocumentFacts]
    ) -> list[PairScore]:
        mine = features(new)
        return [self.score_features(mine, features(c)) for c in candidates]

    def decision(self, probability: float) -> str:
        """'automatic', 'review' or 'none' for one pair's match probability (a link to a person
        also needs each of their documents to score at least conflict_threshold:
        clustering.py)."""
        if probability >= self.automatic_threshold:
            return "automatic"
        if probability >= self.review_threshold:
            return "review"
        return "none"

    def level_weights(self) -> dict[str, dict[str, float]]:
        """Each level's match weight (log2 of its Bayes factor), for docs and the supervisor."""
        return {
            c.name: dict(zip(labels, weights, strict=True))
            for c, labels, weights in zip(COMPARISONS, self._labels, self._weights, strict=True)
        }

    # -- storage ------------------------------------------------------------------------
    def to_json(self) -> dict:
        return {
            "format": 1,
            "comparisons": signature(),
            "automatic_threshold": self.automatic_threshold,
            "review_threshold": self.review_threshold,
            "conflict_threshold": self.conflict_threshold,
            "untrained": self.untrained,
            "splink": self.splink_settings,
        }

    @classmethod
    def from_json(cls, data: dict | str, *, version: int | None = None) -> LinkModel:
        if isinstance(data, str):
            data = json.loads(data)
        if not isinstance(data, dict) or data.get("format") != 1 or "splink" not in data:
            raise ModelError("not a link model (format 1)")
        if data.get("comparisons") != json.loads(json.dumps(signature())):
            raise ModelError("the model was trained on other comparisons than this code applies")
        return cls(
            data["splink"],
            automatic_threshold=float(data["automatic_threshold"]),
            review_threshold=float(data["review_threshold"]),
            conflict_threshold=float(data["conflict_threshold"]),
            version=version,
            untrained=data.get("untrained", ()),
        )

    def with_thresholds(self, *, automatic: float, review: float, conflict: float) -> LinkModel:
        return LinkModel(
            self.splink_settings, automatic_threshold=automatic, review_threshold=review,
            conflict_threshold=conflict, version=None, untrained=self.untrained,
        )  # fmt: skip


def default_link_model() -> LinkModel:
    """The model shipped with rmis (tools/train_default_link_model.py made it from a synthetic
    region), so a fresh installation links from its first crossing."""
    text = (Path(__file__).parent / "data" / DEFAULT_MODEL).read_text("utf-8")
    return LinkModel.from_json(text)


def load_link_model(connection: Connection) -> LinkModel:
    """The newest model of the link_models table, or the default when there is none."""
    row = connection.execute(
        select(link_models.c.version, link_models.c.settings)
        .order_by(link_models.c.version.desc())
        .limit(1)
    ).first()
    if row is None:
        return default_link_model()
    return LinkModel.from_json(row.settings, version=row.version)


def save_link_model(
    connection: Connection, model: LinkModel, now: datetime, metrics: dict | None
) -> LinkModel:
    """Store the model as the newest version; the stored model (with its version) is returned.
    The caller commits."""
    version = connection.execute(
        insert(link_models)
        .values(
            trained_at=now,
            settings=model.to_json(),
            automatic_threshold=model.automatic_threshold,
            review_threshold=model.review_threshold,
            metrics=metrics,
        )
        .returning(link_models.c.version)
    ).scalar_one()
    return LinkModel.from_json(model.to_json(), version=version)
