"""Tests of the chapter 06 checkers: each accepts the right answer, rejects wrong ones with a hint that
does not give the answer away, reminds about None, and refuses an answer of the wrong type.
"""

import re

import keras
import numpy as np
import pytest

from course_utils.exercises import NOT_ANSWERED, Feedback, ch06

R = keras.regularizers


def two_layers(hidden=None, output=None, hidden_bias=None, output_kernel=None, activity=None):
    return keras.Sequential(
        [
            keras.Input((64,)),
            keras.layers.Dense(
                32,
                activation="relu",
                kernel_regularizer=hidden,
                bias_regularizer=hidden_bias,
                activity_regularizer=activity,
            ),
            keras.layers.Dense(
                10, activation="softmax", kernel_regularizer=output_kernel, bias_regularizer=output
            ),
        ]
    )


# --- check_per_layer ------------------------------------------------------------------------------

PER_LAYER_SECRETS = [
    r"L1L2",
    r"(?i)l1l2",
    r"0[.,]0001\b",
    r"1e-0?4\b",
    r"0[.,]001\b",
    r"1e-0?3\b",
    r"0[.,]01\b",
]


@pytest.mark.parametrize(
    "model",
    [
        lambda: two_layers(hidden=R.L1L2(l1=1e-4, l2=1e-3), output=R.L2(1e-2)),
        lambda: two_layers(hidden=R.l1_l2(l1=0.0001, l2=0.001), output=R.l2(0.01)),
        lambda: two_layers(hidden={"class_name": "L1L2", "config": {"l1": 1e-4, "l2": 1e-3}}, output="l2"),
        lambda: two_layers(hidden=R.L1L2(l1=1e-4, l2=1e-3), output=R.L1L2(l2=1e-2)),
    ],
)
def test_check_per_layer_accepts_the_right_model(model):
    feedback = ch06.check_per_layer(model())
    assert isinstance(feedback, Feedback)
    assert feedback.correct is True, feedback


@pytest.mark.parametrize(
    ("model", "hint"),
    [
        (lambda: two_layers(hidden=R.L2(1e-3), output=R.L2(1e-2)), "no more and no less"),
        (lambda: two_layers(hidden=R.L1(1e-4), output=R.L2(1e-2)), "no more and no less"),
        (lambda: two_layers(hidden="l1l2", output=R.L2(1e-2)), "strength 0"),
        (lambda: two_layers(hidden=R.L1L2(), output=R.L2(1e-2)), "strength 0"),
        (lambda: two_layers(hidden=R.L1L2(l1=1e-3, l2=1e-4), output=R.L2(1e-2)), "check its strength"),
        (lambda: two_layers(hidden=R.L1L2(l1=1e-4, l2=1e-3), output=R.L2(1e-3)), "check its strength"),
        (lambda: two_layers(hidden=R.L1L2(l1=1e-4, l2=1e-3)), "no regularizer yet"),
        (lambda: two_layers(output=R.L2(1e-2)), "no regularizer yet"),
        (
            lambda: two_layers(hidden=R.L1L2(l1=1e-4, l2=1e-3), output=R.L2(1e-2), output_kernel=R.L2(1e-2)),
            "does not ask for",
        ),
        (
            lambda: two_layers(hidden=R.L1L2(l1=1e-4, l2=1e-3), output=R.L2(1e-2), hidden_bias=R.L2(1e-2)),
            "does not ask for",
        ),
        (
            lambda: two_layers(hidden=R.L1L2(l1=1e-4, l2=1e-3), output=R.L2(1e-2), activity=R.L2(1e-2)),
            "activity regularizer",
        ),
        (
            lambda: two_layers(hidden=R.L1L2(l1=1e-4, l2=1e-3), output=R.OrthogonalRegularizer(0.01)),
            "built-in L1 and L2 penalties",
        ),
        (lambda: keras.Sequential([keras.Input((64,)), keras.layers.Dense(10)]), "two Dense layers"),
    ],
)
def test_check_per_layer_rejects_wrong_models_with_a_hint(model, hint):
    feedback = ch06.check_per_layer(model())
    assert feedback.correct is False
    assert feedback != NOT_ANSWERED
    assert hint in feedback.message
    for secret in PER_LAYER_SECRETS:
        assert not re.search(secret, feedback.message), feedback.message


def test_check_per_layer_counts_what_training_counts():
    model = two_layers(hidden=R.L1L2(l1=1e-4, l2=1e-3), output=R.L2(1e-2))
    model.layers[1].trainable = False  # a frozen layer adds no penalty
    feedback = ch06.check_per_layer(model)
    assert feedback.correct is False
    assert "trainable" in feedback.message


def test_check_per_layer_none_means_not_answered():
    assert ch06.check_per_layer(None) == NOT_ANSWERED


@pytest.mark.parametrize(
    "model", ["model", 3, [keras.layers.Dense(3)], keras.Sequential([keras.layers.Dense(3)])]
)
def test_check_per_layer_refuses_what_is_not_a_built_model(model):
    with pytest.raises((TypeError, ValueError), match="model"):
        ch06.check_per_layer(model)


# --- check_budget_choice --------------------------------------------------------------------------


def history(val_data_loss, penalty, data_loss):
    run = keras.callbacks.History()
    val = np.asarray(val_data_loss, dtype=float)
    run.history = {
        "val_data_loss": list(val),
        "val_loss": list(val + penalty),
        "data_loss": list(np.asarray(data_loss, dtype=float)),
        "loss": list(np.asarray(data_loss, dtype=float) + penalty),
    }
    return run


# Three strengths, two seeds, four epochs. After epoch 3: val_loss is lowest at 0 (the penalty
# tilts it), the validation data loss at 0.01; after epoch 2 and 4 the data loss picks 0.1 and 0;
# the training data loss always picks 0.
@pytest.fixture(scope="module")
def runs():
    return {
        0.0: [
            history([0.5, 0.4, 0.45, 0.3], 0.0, [0.1] * 4),
            history([0.5, 0.42, 0.47, 0.3], 0.0, [0.1] * 4),
        ],
        0.01: [
            history([0.5, 0.41, 0.3, 0.5], 0.3, [0.2] * 4),
            history([0.5, 0.43, 0.32, 0.5], 0.3, [0.2] * 4),
        ],
        0.1: [history([0.6, 0.3, 0.6, 0.6], 0.5, [0.3] * 4), history([0.6, 0.3, 0.6, 0.6], 0.5, [0.3] * 4)],
    }


RIGHT = {"budget": 3, "val_loss": 0.0, "val_data_loss": 0.01}
BUDGET_SECRETS = [r"0[.,]01\b", r"1e-0?2\b", r"\b0[.,]1\b", r"\bepoch 3\b"]


@pytest.mark.parametrize(
    "answer",
    [RIGHT, {"budget": np.int64(3), "val_loss": 0, "val_data_loss": np.float32(0.01)}],
)
def test_check_budget_choice_accepts_the_right_picks(runs, answer):
    feedback = ch06.check_budget_choice(answer, runs)
    assert isinstance(feedback, Feedback)
    assert feedback.correct is True, feedback
    assert "different" in feedback.message


def test_check_budget_choice_accepts_another_budget_and_says_when_the_picks_agree(runs):
    assert ch06.check_budget_choice({"budget": 2, "val_loss": 0.0, "val_data_loss": 0.1}, runs).correct
    feedback = ch06.check_budget_choice({"budget": 4, "val_loss": 0.0, "val_data_loss": 0.0}, runs)
    assert feedback.correct
    assert "agree" in feedback.message


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        ({"budget": 3, "val_loss": 0.0, "val_data_loss": 0.0}, "what val_loss picks"),
        ({"budget": 3, "val_loss": 0.0, "val_data_loss": 0.1}, "neighbouring epoch"),
        ({"budget": 3, "val_loss": 0.01, "val_data_loss": 0.01}, "not where the mean"),
        ({"budget": 3, "val_loss": 0.0, "val_data_loss": 0.03}, "not one of the strengths"),
        ({"budget": 3, "val_loss": 0.5, "val_data_loss": 0.01}, "not one of the strengths"),
        ({"budget": 0, "val_loss": 0.0, "val_data_loss": 0.01}, "choose a budget from 1 to 4"),
        ({"budget": 5, "val_loss": 0.0, "val_data_loss": 0.01}, "choose a budget from 1 to 4"),
    ],
)
def test_check_budget_choice_rejects_wrong_picks_with_a_hint(runs, answer, hint):
    feedback = ch06.check_budget_choice(answer, runs)
    assert feedback.correct is False
    assert feedback != NOT_ANSWERED
    assert hint in feedback.message
    for secret in BUDGET_SECRETS:
        assert not re.search(secret, feedback.message), feedback.message


def test_check_budget_choice_does_not_tell_the_val_loss_pick_through_the_other_hint(runs):
    # A wrong val_loss pick and, for the data loss, what val_loss really picks: saying "your
    # val_data_loss pick is what val_loss picks" would hand over the val_loss answer.
    feedback = ch06.check_budget_choice({"budget": 3, "val_loss": 0.1, "val_data_loss": 0.0}, runs)
    assert feedback.correct is False
    assert "what val_loss picks" not in feedback.message
    assert "not where the mean" in feedback.message


def test_check_budget_choice_names_the_training_data_loss():
    runs = {
        0.0: [history([0.5, 0.5], 0.0, [0.1, 0.1])] * 3,
        0.1: [history([0.3, 0.3], 0.2, [0.2, 0.2])] * 3,
        1.0: [history([0.4, 0.6], 0.9, [0.05, 0.05])] * 3,
    }
    feedback = ch06.check_budget_choice({"budget": 2, "val_loss": 0.0, "val_data_loss": 1.0}, runs)
    assert not feedback.correct
    assert "training data loss" in feedback.message


def test_check_budget_choice_none_means_not_answered(runs):
    assert ch06.check_budget_choice(None, runs) == NOT_ANSWERED
    assert ch06.check_budget_choice(RIGHT, None) == NOT_ANSWERED
    assert ch06.check_budget_choice(None, None, page=runs) == NOT_ANSWERED


def copy_of(runs):
    return {
        strength: [history(r.history["val_data_loss"], 0.0, r.history["data_loss"]) for r in seeds]
        for strength, seeds in runs.items()
    }


def test_check_budget_choice_refuses_the_pages_own_runs(runs):
    for mine in (runs, copy_of(runs), {0.0: runs[0.0], 0.01: copy_of(runs)[0.01]}):
        feedback = ch06.check_budget_choice(RIGHT, mine, page=runs)
        assert feedback.correct is False
        assert "own sweep" in feedback.message
        for secret in BUDGET_SECRETS:
            assert not re.search(secret, feedback.message), feedback.message


def test_check_budget_choice_accepts_own_runs_next_to_the_page(runs):
    page = {
        0.0: [history([0.9, 0.8, 0.7, 0.6], 0.0, [0.1] * 4)],
        0.01: [history([0.9, 0.8, 0.75, 0.6], 0.3, [0.2] * 4)],
    }
    assert ch06.check_budget_choice(RIGHT, runs, page=page).correct
    wrong = {"budget": 3, "val_loss": 0.0, "val_data_loss": 0.0}
    assert "what val_loss picks" in ch06.check_budget_choice(wrong, runs, page=page).message


@pytest.mark.parametrize("page", [{}, {0.0: []}, [history([1], 0, [1])], {0.0: [keras.callbacks.History()]}])
def test_check_budget_choice_refuses_a_page_of_the_wrong_kind(runs, page):
    with pytest.raises(TypeError, match="page"):
        ch06.check_budget_choice(RIGHT, runs, page=page)


def test_check_budget_choice_hints_end_with_one_full_stop(runs):
    feedback = ch06.check_budget_choice({"budget": 3, "val_loss": 0.0, "val_data_loss": 0.0}, runs)
    assert not feedback.message.endswith("?.")
    assert feedback.message.endswith(".")


@pytest.mark.parametrize(
    "answer",
    [
        {"budget": 3, "val_loss": 0.0},
        {"budget": 3.0, "val_loss": 0.0, "val_data_loss": 0.01},
        {"budget": True, "val_loss": 0.0, "val_data_loss": 0.01},
        {"budget": 3, "val_loss": "0", "val_data_loss": 0.01},
        [3, 0.0, 0.01],
        0.01,
    ],
)
def test_check_budget_choice_refuses_an_answer_of_the_wrong_type(runs, answer):
    with pytest.raises(TypeError, match="answer"):
        ch06.check_budget_choice(answer, runs)


@pytest.mark.parametrize(
    "histories",
    [
        {},
        {0.0: []},
        {0.0: [{"val_loss": [1.0]}]},
        {0.0: [keras.callbacks.History()]},
        [history([1], 0, [1])],
    ],
)
def test_check_budget_choice_refuses_histories_of_the_wrong_kind(histories):
    with pytest.raises(TypeError, match="histories"):
        ch06.check_budget_choice(RIGHT, histories)
