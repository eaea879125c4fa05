"""Checkers of the chapter 03 exercises: L1 versus L2, and feature selection with L1."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace
from functools import lru_cache

import keras
import numpy as np

from course_utils._validation import built_model, non_negative_float
from course_utils.data import KnownTruthProblem, Split, make_linear_regression
from course_utils.exercises.feedback import NOT_ANSWERED, Feedback
from course_utils.weights import input_importance, selected_inputs

#: The feature-selection problem: more inputs than training examples, a few of them informative.
SELECTION_INPUTS = 100
_SELECTION_INFORMATIVE = 5
_SELECTION_SEED = 7  # chosen so that no threshold on minimum-norm least squares finds the truth (tested)
_SELECTION_TEST = 1000  # test examples, drawn apart so that the training and validation data stay fixed
#: A threshold "inside a gap" of the sorted |w|: the smallest kept |w| is this many times the largest other.
GAP_RATIO = 3.0


@lru_cache(maxsize=1)
def _selection() -> KnownTruthProblem:
    rng = np.random.default_rng(_SELECTION_SEED)
    where = rng.choice(SELECTION_INPUTS, _SELECTION_INFORMATIVE, replace=False)
    weights = np.zeros(SELECTION_INPUTS)
    weights[where] = rng.choice([-1.0, 1.0], where.size) * rng.uniform(1.5, 3.0, where.size)
    problem = make_linear_regression(weights, n_train=50, n_val=50, n_test=0, noise=0.5, seed=_SELECTION_SEED)
    test = make_linear_regression(weights, 2, 1, _SELECTION_TEST, noise=0.5, seed=_SELECTION_SEED + 1).split
    return replace(problem, split=replace(problem.split, x_test=test.x_test, y_test=test.y_test))


def selection_problem() -> Split:
    """Chapter 03: the data of the feature-selection exercise, with its true weights kept hidden.

    100 standard normal inputs, 50 training, 50 validation and 1000 test examples: more inputs than
    training examples. A few inputs have a non-zero true weight; the others have none. The target
    has noise of standard deviation 0.5. Choose λ on the validation part and score the chosen model
    once on the test part. Every call returns the same data.
    """
    return _selection().split


def _first_kernel_regularizer(model: keras.Model) -> object:
    for layer in model.layers:
        if getattr(layer, "kernel", None) is not None:
            return getattr(layer, "kernel_regularizer", None)
    return None


def _l1_strength(regularizer: object) -> float:
    if isinstance(regularizer, keras.regularizers.L1 | keras.regularizers.L1L2):
        return float(regularizer.get_config().get("l1", 0.0))
    return 0.0


def _chosen_indices(answer: object, threshold: float) -> tuple[set[int], np.ndarray | None] | Feedback:
    """Return the inputs an answer selects and a model's |w|, or a Feedback for a model not to judge."""
    if isinstance(answer, keras.Model):
        model = built_model(answer, "answer")
        importance = input_importance(model)
        if importance.size != SELECTION_INPUTS:
            return Feedback(
                False, f"The model reads {importance.size} inputs: build it on all 100 (keras.Input)."
            )
        if _l1_strength(_first_kernel_regularizer(model)) <= 0:
            return Feedback(
                False, "No L1 on the first layer: add kernel_regularizer=keras.regularizers.L1(λ)."
            )
        return {int(index) for index in selected_inputs(importance, threshold)}, importance
    if isinstance(answer, np.ndarray) and answer.dtype == np.bool_:
        if answer.shape != (SELECTION_INPUTS,):
            raise TypeError(
                f"answer as a mask must have {SELECTION_INPUTS} booleans, got shape {answer.shape}"
            )
        return {int(index) for index in np.flatnonzero(answer)}, None
    if isinstance(answer, str | bytes) or not isinstance(answer, Collection):
        raise TypeError(
            "answer must be a trained keras.Model, a collection of input indices or a boolean mask, "
            f"got {type(answer).__name__}"
        )
    items = list(np.asarray(answer).ravel()) if isinstance(answer, np.ndarray) else list(answer)
    if any(isinstance(item, bool | np.bool_) or not isinstance(item, int | np.integer) for item in items):
        raise TypeError("answer must hold integer input indices (or be a boolean mask)")
    return {int(item) for item in items}, None


def _cuts_without_gap(importance: np.ndarray, chosen: set[int]) -> bool:
    """Tell whether a model's threshold falls where its sorted |w| show no clear gap."""
    inside = importance[sorted(chosen)]
    outside = np.delete(importance, sorted(chosen))
    return bool(inside.min() < GAP_RATIO * outside.max())


def check_selected_inputs(answer: object, threshold: float = 0.5) -> Feedback:
    """Chapter 03: the inputs of :func:`selection_problem` that really affect its target.

    ``answer`` is the list of selected input indices (counted from 0), a boolean mask over the 100
    inputs, or the trained Keras model itself. For a model, an input counts as selected when its
    importance (``weights.input_importance``: for a linear model, ``|w|``) is above ``threshold``,
    and the model's first ``Dense`` layer must carry an L1 penalty on its kernel.

    The checker says whether the selection is exactly right. A wrong selection gets a hint that
    depends only on the answer itself (no inputs, inputs that do not exist, every input, or, for a
    model, a threshold that cuts its sorted ``|w|`` where there is no clear gap), never on how it
    differs from the informative inputs: a hint such as "some are missing" would let a learner find
    the answer by trying one input at a time.
    """
    limit = non_negative_float(threshold, "threshold")
    if answer is None:
        return NOT_ANSWERED
    judged = _chosen_indices(answer, limit)
    if isinstance(judged, Feedback):
        return judged
    chosen, importance = judged
    if any(not 0 <= index < SELECTION_INPUTS for index in chosen):
        return Feedback(
            False, f"Some of those inputs do not exist: there are {SELECTION_INPUTS}, counted from zero."
        )
    if not chosen:
        return Feedback(False, "Nothing is selected: λ is too large, or the threshold above every |w|.")
    if len(chosen) == SELECTION_INPUTS:
        return Feedback(False, "That is every input: without L1 (or with λ near 0) no weight goes to zero.")
    truth = {int(index) for index in np.flatnonzero(_selection().informative)}
    if chosen == truth:
        return Feedback(True, "Right: exactly the informative inputs, found by L1 without the true weights.")
    if importance is not None and _cuts_without_gap(importance, chosen):
        return Feedback(False, "Not yet: your threshold cuts the sorted |w| where there is no clear gap.")
    return Feedback(False, "Not yet: keep the λ with the lowest validation loss; cut its |w| at a gap.")
