"""Tests of the chapter 03 checker: the feature-selection exercise.

Right answers pass (as indices, as a mask, as a trained model); least squares without a penalty
cannot pass, at any threshold; wrong answers get a hint that depends only on the answer itself,
so that no sequence of tries reveals the informative inputs; None means "not answered"; a wrong
type or a bad argument raises naming it.
"""

import re

import keras
import numpy as np
import pytest
from sklearn.linear_model import Lasso, LinearRegression

from course_utils import experiments
from course_utils.data import Split
from course_utils.exercises import NOT_ANSWERED, Feedback, ch03

N_INPUTS = ch03.SELECTION_INPUTS


@pytest.fixture(scope="module")
def split():
    return ch03.selection_problem()


@pytest.fixture(scope="module")
def truth():
    """The hidden informative inputs, read from the module's private problem (tests only)."""
    return [int(i) for i in np.flatnonzero(ch03._selection().informative)]


def linear_model(kernel, regularizer=None, n_inputs=N_INPUTS):
    model = keras.Sequential(
        [keras.Input((n_inputs,)), keras.layers.Dense(1, kernel_regularizer=regularizer)]
    )
    model.set_weights([np.asarray(kernel, dtype=np.float32).reshape(-1, 1), np.zeros(1, np.float32)])
    return model


def kernel_with(truth, informative=2.0, irrelevant=0.01):
    """A kernel like a trained L1 model's: large where informative, a small jitter elsewhere."""
    signs = np.where(np.arange(N_INPUTS) % 2 == 0, 1.0, -1.0)
    kernel = irrelevant * signs
    kernel[truth] = informative
    return kernel


# --- the problem ----------------------------------------------------------------------------------


def test_the_problem_has_more_inputs_than_training_examples(split):
    assert isinstance(split, Split)
    assert split.x_train.shape == (50, N_INPUTS)
    assert split.y_train.shape == (50, 1)
    assert split.x_val.shape == (50, N_INPUTS)
    assert split.x_test.shape == (1000, N_INPUTS)
    assert split.y_test.shape == (1000, 1)
    assert split.x_train.shape[1] > len(split.x_train)


def test_the_problem_is_the_same_every_time_and_hides_its_truth(split):
    again = ch03.selection_problem()
    np.testing.assert_array_equal(split.x_train, again.x_train)
    np.testing.assert_array_equal(split.y_val, again.y_val)
    assert not hasattr(split, "true_weights")


def test_the_truth_is_a_few_inputs_not_at_the_ends(truth):
    assert 3 <= len(truth) <= 8
    assert 0 not in truth and N_INPUTS - 1 not in truth  # the messages may say "0" and "100"


# --- right answers --------------------------------------------------------------------------------


def test_the_informative_indices_pass_in_any_form(truth):
    mask = np.zeros(N_INPUTS, dtype=bool)
    mask[truth] = True
    for answer in [truth, tuple(truth), set(truth), truth[::-1], np.array(truth), truth + truth[:1], mask]:
        feedback = ch03.check_selected_inputs(answer)
        assert isinstance(feedback, Feedback)
        assert feedback.correct is True, answer
        assert feedback.message


def test_a_trained_l1_model_passes_with_the_default_threshold(truth):
    model = linear_model(kernel_with(truth), keras.regularizers.L1(0.3))
    assert ch03.check_selected_inputs(model).correct
    assert ch03.check_selected_inputs(model, threshold=0.05).correct
    l1l2 = linear_model(kernel_with(truth), keras.regularizers.L1L2(l1=0.3, l2=0.01))
    assert ch03.check_selected_inputs(l1l2).correct


def test_the_lasso_with_lambda_chosen_on_validation_passes(split):
    fits = []
    for strength in (0.03, 0.1, 0.3, 1.0):
        lasso = Lasso(alpha=strength / 2, tol=1e-10, max_iter=100_000)  # Keras L1(strength)
        fits.append(lasso.fit(np.float64(split.x_train), np.float64(split.y_train).ravel()))
    losses = [np.mean((fit.predict(split.x_val) - split.y_val.ravel()) ** 2) for fit in fits]
    chosen = fits[int(np.argmin(losses))]
    for threshold in (0.2, 0.3, 0.5, 1.0):
        assert ch03.check_selected_inputs(np.flatnonzero(np.abs(chosen.coef_) > threshold)).correct


def test_the_chapters_keras_solution_passes(split):
    """The solution of the notebook: L1 models for three λ in one fit, λ chosen on validation."""

    def make_model(strength):
        keras.utils.set_random_seed(0)
        model = keras.Sequential(
            [
                keras.Input((N_INPUTS,)),
                keras.layers.Dense(1, kernel_regularizer=keras.regularizers.L1(strength)),
            ]
        )
        model.compile(
            optimizer=keras.optimizers.Adam(0.05),
            loss="mse",
            metrics=[keras.metrics.MeanSquaredError(name="data_loss")],
        )
        return model

    models = [make_model(strength) for strength in (0.1, 0.3, 1.0)]
    histories = experiments.fit_together(
        models, split.x_train, split.y_train, epochs=150, validation_data=(split.x_val, split.y_val)
    )
    best = models[int(np.argmin(experiments.curves(histories, "val_data_loss")[:, -1]))]
    size = np.abs(best.layers[0].kernel.numpy().ravel())
    assert ch03.check_selected_inputs(np.flatnonzero(size > 0.5)).correct
    assert ch03.check_selected_inputs(best).correct


# --- least squares cannot solve it ----------------------------------------------------------------


def every_selection_by_size(weights):
    """Every set of the k largest |w|, k = 0..100: what any threshold on |w| could select."""
    order = np.argsort(-np.abs(weights))
    return [order[:k] for k in range(len(weights) + 1)]


def test_minimum_norm_least_squares_fails_at_every_threshold(split):
    x, y = np.float64(split.x_train), np.float64(split.y_train).ravel()
    x_mean = x.mean(axis=0)
    minimum_norm = np.linalg.pinv(x - x_mean) @ (y - y.mean())
    plain = LinearRegression().fit(x, y).coef_  # scikit-learn's least squares: also minimum norm
    np.testing.assert_allclose(plain, minimum_norm, atol=1e-6)
    for weights in (minimum_norm, plain):
        for selected in every_selection_by_size(weights):
            assert not ch03.check_selected_inputs(selected).correct


def test_an_unpenalized_model_is_told_to_use_l1(split):
    x, y = np.float64(split.x_train), np.float64(split.y_train).ravel()
    fit = LinearRegression().fit(x, y)
    feedback = ch03.check_selected_inputs(linear_model(fit.coef_))
    assert not feedback.correct
    assert "L1" in feedback.message


# --- wrong answers --------------------------------------------------------------------------------


GENERIC = "keep the λ with the lowest validation loss"


def wrong_answers(truth):
    irrelevant = [i for i in range(N_INPUTS) if i not in truth]
    return {
        "one irrelevant too many": ([*truth, irrelevant[0]], GENERIC),
        "many irrelevant too many": ([*truth, *irrelevant[:30]], GENERIC),
        "one informative missing": (truth[1:], GENERIC),
        "only one": (truth[:1], GENERIC),
        "one swapped": ([*truth[1:], irrelevant[5]], GENERIC),
        "disjoint": (irrelevant[:5], GENERIC),
        "counted from one": ([i + 1 for i in truth], GENERIC),
        "out of range": ([*truth, N_INPUTS], "do not exist"),
        "negative": ([-1, *truth], "do not exist"),
        "empty": ([], "Nothing is selected"),
        "every input": (list(range(N_INPUTS)), "every input"),
    }


def test_wrong_selections_get_a_hint(truth):
    for label, (answer, hint) in wrong_answers(truth).items():
        feedback = ch03.check_selected_inputs(answer)
        assert feedback.correct is False, label
        assert feedback != NOT_ANSWERED
        assert hint in feedback.message, (label, feedback.message)


def test_no_sequence_of_tries_reveals_the_answer(truth):
    """The hint of a wrong selection must not say how it differs from the truth.

    With hints like "some are missing" or "plus irrelevant ones", one try per input would reveal
    every informative input; with "counted from 1", a shifted try would reveal them all at once.
    """
    singles = {str(ch03.check_selected_inputs([index])) for index in range(N_INPUTS)}
    assert len(singles) == 1, singles
    near_misses = [answer for answer, hint in wrong_answers(truth).values() if hint == GENERIC]
    rng = np.random.default_rng(0)
    near_misses += [rng.choice(N_INPUTS, k, replace=False) for k in (2, 5, 10, 50, 99)]
    assert len({str(ch03.check_selected_inputs(answer)) for answer in near_misses}) == 1
    right = str(ch03.check_selected_inputs(truth))
    assert right.startswith("✓") and right not in singles


def test_models_with_a_wrong_lambda_or_threshold_get_a_hint(truth):
    kernel = kernel_with(truth)
    irrelevant = [i for i in range(N_INPUTS) if i not in truth]
    kernel[irrelevant[:10]] = 0.3  # twenty irrelevant weights left large: no gap at 0.25
    kernel[irrelevant[10:20]] = 0.2
    too_weak = linear_model(kernel, keras.regularizers.L1(0.001))
    assert "no clear gap" in ch03.check_selected_inputs(too_weak, threshold=0.25).message
    assert ch03.check_selected_inputs(too_weak, threshold=1.0).correct  # a threshold in the gap
    too_strong = linear_model(kernel_with(truth, informative=0.2), keras.regularizers.L1(30.0))
    assert "Nothing is selected" in ch03.check_selected_inputs(too_strong).message
    kernel = kernel_with(truth)
    kernel[truth[0]] = 0.3  # one informative weight shrunk below the threshold, above the jitter
    feedback = ch03.check_selected_inputs(linear_model(kernel, keras.regularizers.L1(1.0)))
    assert not feedback.correct
    assert "missing" not in feedback.message


def test_a_model_hint_depends_only_on_the_models_own_weights(truth):
    """A clean gap at the wrong place gets the generic hint, whichever inputs it keeps."""
    irrelevant = [i for i in range(N_INPUTS) if i not in truth]
    wrong_place = linear_model(kernel_with(irrelevant[:5]), keras.regularizers.L1(0.3))
    too_few = linear_model(kernel_with(truth[:2]), keras.regularizers.L1(0.3))
    messages = {str(ch03.check_selected_inputs(model)) for model in (wrong_place, too_few)}
    assert len(messages) == 1 and GENERIC in messages.pop()


def test_a_model_without_l1_on_its_first_layer_is_told_so(truth):
    kernel = kernel_with(truth)
    for regularizer in (None, keras.regularizers.L2(0.3), keras.regularizers.L1L2(l1=0.0, l2=0.1)):
        feedback = ch03.check_selected_inputs(linear_model(kernel, regularizer))
        assert not feedback.correct
        assert "kernel_regularizer=keras.regularizers.L1" in feedback.message
    # the penalty on the wrong layer: L1 on the output layer of an MLP, none on the first
    mlp = keras.Sequential(
        [
            keras.Input((N_INPUTS,)),
            keras.layers.Dense(4),
            keras.layers.Dense(1, kernel_regularizer=keras.regularizers.L1(0.3)),
        ]
    )
    first = np.zeros((N_INPUTS, 4), np.float32)
    first[truth] = 1.0
    mlp.layers[0].kernel.assign(first)
    feedback = ch03.check_selected_inputs(mlp)
    assert not feedback.correct
    assert "No L1 on the first layer" in feedback.message


def test_a_model_on_the_wrong_number_of_inputs_is_told_so():
    feedback = ch03.check_selected_inputs(linear_model(np.ones(20), keras.regularizers.L1(0.1), 20))
    assert not feedback.correct
    assert "all 100" in feedback.message


def test_every_message_fits_on_one_line_of_the_page(truth):
    answers = [answer for answer, _ in wrong_answers(truth).values()]
    answers += [
        truth,
        linear_model(kernel_with(truth)),
        linear_model(np.ones(20), keras.regularizers.L1(0.1), 20),
    ]
    for answer in answers:
        assert len(str(ch03.check_selected_inputs(answer))) <= 79


def test_no_message_names_an_informative_input(truth):
    messages = [ch03.check_selected_inputs(answer).message for answer, _ in wrong_answers(truth).values()]
    messages.append(ch03.check_selected_inputs(linear_model(kernel_with(truth))).message)
    small = linear_model(np.ones(20), keras.regularizers.L1(0.1), n_inputs=20)
    messages.append(ch03.check_selected_inputs(small).message)
    for message in messages:
        for index in truth:
            assert not re.search(rf"\b{index}\b", message), message
        assert str(len(truth)) not in message.replace("100", ""), message  # nor how many there are


# --- not answered, wrong types, bad arguments -----------------------------------------------------


def test_none_means_not_answered():
    assert ch03.check_selected_inputs(None) == NOT_ANSWERED


@pytest.mark.parametrize(
    "answer",
    [3, 3.0, "0, 1, 2", b"\x00\x01", [0.5, 1.5], [True, False], [[0, 1], 2], np.zeros(5, dtype=bool)],
)
def test_an_answer_of_the_wrong_type_raises_naming_answer(answer):
    with pytest.raises(TypeError, match="answer"):
        ch03.check_selected_inputs(answer)


def test_an_unbuilt_model_raises_naming_answer():
    with pytest.raises(ValueError, match="answer"):
        ch03.check_selected_inputs(keras.Sequential([keras.layers.Dense(1)]))


@pytest.mark.parametrize(
    ("threshold", "error"),
    [(-0.1, ValueError), (float("nan"), ValueError), ("0.5", TypeError), (None, TypeError)],
)
def test_a_bad_threshold_raises_naming_it(truth, threshold, error):
    with pytest.raises(error, match="threshold"):
        ch03.check_selected_inputs(truth, threshold=threshold)
