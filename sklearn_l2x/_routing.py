"""Metadata routing for every estimator that splits its data into folds.

``fit(X, y, sample_weight=None, **params)``: with scikit-learn's metadata
routing enabled (``sklearn.set_config(enable_metadata_routing=True)``),
``params`` are routed as scikit-learn routes them for ``ElasticNetCV`` and
``LogisticRegressionCV``: to the splitter's ``split`` (e.g. ``groups`` for
``GroupKFold``) and, for the estimators with a ``scoring`` given, to the
scorer (indexed to the held-out rows), ``sample_weight`` included: such a
scorer weighs the held-out rows only when it requests ``sample_weight``.
Otherwise (no routing, or the default scores) the held-out scores are
weighted by ``sample_weight``. Without routing, ``groups`` alone is accepted
and handed to the splitter, as ``GridSearchCV.fit(groups=...)`` does.
"""

from sklearn.metrics import check_scoring
from sklearn.model_selection import check_cv
from sklearn.utils.metadata_routing import (
    MetadataRouter,
    MethodMapping,
    process_routing,
)

from ._sklearn_compat import routing_enabled, safe_indexing

__all__ = ["RoutedFolds", "rows_of"]


class RoutedFolds:
    """A mixin for estimators with ``cv`` (and maybe ``scoring``) that split in fit."""

    #: Whether ``cv`` is stratified by the classes (as for classifiers).
    _stratified_folds = False

    def get_metadata_routing(self):
        """Get the metadata routing of this object.

        The splitter (``cv``) receives what its ``split`` requests (e.g.
        ``groups``); with ``scoring`` given, the scorer receives what it
        requests. See scikit-learn's metadata routing user guide.

        Returns
        -------
        routing : MetadataRouter
            The routing of ``fit``'s metadata.
        """
        router = (
            MetadataRouter(owner=self)
            .add_self_request(self)
            .add(
                splitter=check_cv(self.cv),
                method_mapping=MethodMapping().add(caller="fit", callee="split"),
            )
        )
        if getattr(self, "scoring", None) is not None:
            router.add(
                scorer=check_scoring(self, scoring=self.scoring),
                method_mapping=MethodMapping().add(caller="fit", callee="score"),
            )
        return router

    def _routed(self, params, splits=True, sample_weight=None):
        """(``split`` params, ``score`` params) of ``fit``'s ``**params``.

        ``splits`` says whether this fit splits at all (an adaptive estimator
        whose criterion needs no folds does not): metadata for a splitter that
        is not used is an error, not silently dropped. ``sample_weight``
        (validated) goes into the score params: through the routing to a
        given ``scoring``, directly otherwise.
        """
        name = type(self).__name__
        scoring = getattr(self, "scoring", None)
        weights = {} if sample_weight is None else {"sample_weight": sample_weight}
        if routing_enabled():
            to_route = {**params, **weights} if scoring is not None else params
            routed = process_routing(self, "fit", **to_route)
            scorer = routed.get("scorer")
            split = dict(routed.splitter.split)
            split.pop("sample_weight", None)
            score = dict(scorer.score) if scorer else dict(weights)
        else:
            unexpected = sorted(set(params) - {"groups"})
            if unexpected:
                raise ValueError(
                    f"{name}.fit got unexpected parameter(s) {unexpected}: "
                    "without metadata routing only groups (for the splitter) is "
                    "accepted; route others with "
                    "sklearn.set_config(enable_metadata_routing=True)."
                )
            split, score = dict(params), dict(weights)
        if split and not splits:
            raise ValueError(
                f"{name}.fit got {sorted(split)} for the splitter, but this fit "
                "does not split: give lam=None and criterion='kfold' (or cv=...)."
            )
        return split, score

    def _folds(self, X, y, split_params):
        """The (train, test) folds of ``cv`` on (X, y), given the split params."""
        cv = check_cv(self.cv, y, classifier=self._stratified_folds)
        return list(cv.split(X, y, **split_params))


def rows_of(params, rows):
    """Every value of ``params`` (per-sample metadata) restricted to ``rows``."""
    return {name: safe_indexing(value, rows) for name, value in params.items()}
