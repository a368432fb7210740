"""Turning the user's feature-group specifications into one form.

Accepted specifications (see :func:`resolve_groups`):

- ``None``: every feature is its own group;
- one label per feature (ints or strings): features with the same label form
  a group, groups ordered by first appearance;
- a list of index lists: ``[[0, 1, 2], [3, 4]]``;
- a dict ``name -> column indices or column names`` (names need the column
  names of the data, e.g. a pandas DataFrame).

Overlapping groups, indices out of range, unknown column names, empty groups
and features left in no group are errors.
"""

from collections.abc import Mapping

import numpy as np

__all__ = ["group_membership", "groups_from_feature_names", "resolve_groups"]


def _is_index_list(item):
    return isinstance(item, list | tuple | np.ndarray | range) and not isinstance(
        item, str
    )


def _indices(members, n_features, feature_names, group_name):
    """One group's members (indices or names) as column indices, checked one by one."""
    members = list(members)
    if len(members) == 0:
        raise ValueError(f"groups: group {group_name!r} is empty.")
    indices = []
    for member in members:
        if isinstance(member, str):
            if feature_names is None:
                raise ValueError(
                    f"groups: group {group_name!r} names column {member!r}, but X "
                    "has no column names; give column indices or fit on a "
                    "DataFrame."
                )
            positions = np.flatnonzero(feature_names == member)
            if positions.size == 0:
                raise ValueError(
                    f"groups: group {group_name!r} names column {member!r}, which "
                    "is not a column of X."
                )
            indices.append(int(positions[0]))
        elif isinstance(member, int | np.integer) and not isinstance(member, bool):
            if not -n_features <= member < n_features:
                raise ValueError(
                    f"groups: group {group_name!r} has column index {member}, out "
                    f"of range for X with {n_features} features."
                )
            indices.append(int(member) % n_features)
        else:
            raise TypeError(
                f"groups: group {group_name!r} has member {member!r}; expected a "
                "column index (int) or a column name (str)."
            )
    return np.asarray(indices, dtype=np.intp)


def _integer_groups(items, n_features):
    """Index lists that are all non-empty integer arrays in range, checked at once.

    Returns None when any is not (the caller then checks them one by one and
    names the offending group).
    """
    arrays = [np.asarray(item) for item in items]
    if not all(a.ndim == 1 and a.size and a.dtype.kind in "iu" for a in arrays):
        return None
    flat = np.concatenate(arrays)
    if np.any((flat < -n_features) | (flat >= n_features)):
        return None
    flat = (flat % n_features).astype(np.intp)
    return np.split(flat, np.cumsum([a.size for a in arrays])[:-1])


def _member_groups(items, names, n_features, feature_names):
    """Column indices of every group given by its members (indices or names)."""
    indices = _integer_groups(items, n_features)
    if indices is None:  # names, empty groups or errors: one by one
        indices = [
            _indices(item, n_features, feature_names, name)
            for name, item in zip(names, items, strict=True)
        ]
    return indices


def group_membership(groups):
    """The group position of every feature, for a partition given as index arrays."""
    n_features = sum(len(g) for g in groups)
    membership = np.empty(n_features, dtype=np.intp)
    for position, group in enumerate(groups):
        membership[group] = position
    return membership


def resolve_groups(groups, n_features, feature_names=None):
    """Resolve a group specification into index arrays and names.

    Parameters
    ----------
    groups : None, array-like of shape (n_features,), list of lists or dict
        The specification (see the module docstring).
    n_features : int
        Number of columns of X.
    feature_names : ndarray of str or None
        Column names of X, needed when a dict names columns.

    Returns
    -------
    indices : list of ndarray of int
        Column indices of each group; together a partition of the columns.
    names : list
        One name per group: the label, the dict key, or the group's position.

    Raises
    ------
    ValueError
        Overlapping groups, out-of-range indices, unknown names, empty groups,
        features in no group, or labels of the wrong length.
    TypeError
        A specification of an unknown type.
    """
    if groups is None:
        return [np.array([j]) for j in range(n_features)], list(range(n_features))
    if isinstance(groups, Mapping):
        names = list(groups)
        indices = _member_groups(
            [groups[name] for name in names], names, n_features, feature_names
        )
    elif isinstance(groups, str):
        raise TypeError(
            f"groups must be None, one label per feature, a list of index lists or "
            f"a dict, got the string {groups!r}."
        )
    else:
        items = list(groups)
        if items and all(_is_index_list(item) for item in items):
            names = list(range(len(items)))
            indices = _member_groups(items, names, n_features, feature_names)
        else:
            labels = np.asarray(items, dtype=object)
            if labels.ndim != 1 or labels.shape[0] != n_features:
                raise ValueError(
                    f"groups: one label per feature expected ({n_features} labels), "
                    f"got {labels.shape[0] if labels.ndim else 0}."
                )
            names, first = [], {}
            for position, label in enumerate(labels):
                if label not in first:
                    first[label] = []
                    names.append(label)
                first[label].append(position)
            indices = [np.asarray(first[name], dtype=np.intp) for name in names]

    counts = np.bincount(
        np.concatenate(indices) if indices else np.zeros(0, dtype=np.intp),
        minlength=n_features,
    )
    if np.any(counts > 1):
        raise ValueError(
            "groups overlap: column(s) "
            f"{np.flatnonzero(counts > 1).tolist()} belong to more than one group."
        )
    if np.any(counts == 0):
        raise ValueError(
            "groups leave column(s) "
            f"{np.flatnonzero(counts == 0).tolist()} in no group; every feature "
            "must belong to exactly one group."
        )
    return indices, names


def _names(names, parameter):
    """A list of str from an array-like of names; a clear error otherwise."""
    if names is None or isinstance(names, str | bytes):
        raise TypeError(
            f"{parameter} must be an array-like of str (e.g. a list or "
            f"get_feature_names_out()), got {type(names).__name__}."
        )
    try:
        names = list(names)
    except TypeError:
        raise TypeError(
            f"{parameter} must be an array-like of str, got {type(names).__name__}."
        ) from None
    return [str(name) for name in names]


def groups_from_feature_names(feature_names, input_features):
    """Group the output columns of a fitted transformer by their input feature.

    ``OneHotEncoder`` and ``ColumnTransformer`` name their outputs after their
    inputs (``"color_red"``, ``"onehot__color_red"``, ``"num__age"``). This maps
    every output column back to the input feature it was made from, so that all
    one-hot columns of one categorical variable form one group and
    :class:`~sklearn_l2x.GroupL2LogisticRegression` selects whole variables.

    Parameters
    ----------
    feature_names : array-like of str
        Output names, e.g. ``preprocessor.get_feature_names_out()``.
    input_features : array-like of str
        The names of the original columns (e.g. ``X.columns``).

    Returns
    -------
    labels : list of str
        For each output column, the input feature it comes from: pass it as
        ``groups``.

    Raises
    ------
    ValueError
        If an output name matches no input feature.

    Examples
    --------
    >>> import pandas as pd
    >>> from sklearn.compose import make_column_transformer
    >>> from sklearn.preprocessing import OneHotEncoder, StandardScaler
    >>> from sklearn_l2x import groups_from_feature_names
    >>> X = pd.DataFrame({"color": ["red", "blue", "red"], "size": [1.0, 2.0, 3.0]})
    >>> pre = make_column_transformer(
    ...     (OneHotEncoder(), ["color"]), (StandardScaler(), ["size"])
    ... ).fit(X)
    >>> list(pre.get_feature_names_out())
    ['onehotencoder__color_blue', 'onehotencoder__color_red', 'standardscaler__size']
    >>> groups_from_feature_names(pre.get_feature_names_out(), X.columns)
    ['color', 'color', 'size']
    """
    feature_names = _names(feature_names, "feature_names")
    input_features = _names(input_features, "input_features")
    inputs = sorted(input_features, key=len, reverse=True)
    labels = []
    for output in feature_names:
        # The name with a ColumnTransformer's "transformer__" prefix removed
        # comes first: "num__num" is the input "num", not "num" + "_...".
        candidates = [output]
        if "__" in output:
            candidates.insert(0, output.split("__", 1)[1])
        match = next(
            (
                name
                for candidate in candidates
                for name in inputs
                if candidate == name or candidate.startswith(name + "_")
            ),
            None,
        )
        if match is None:
            raise ValueError(
                f"Output feature {output!r} does not start with any input feature "
                "name; pass the input_features the transformer was fitted on."
            )
        labels.append(match)
    return labels
