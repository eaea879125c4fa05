"""Tests of the chapter 01 checker, on Histories of real (untrained) models with chosen curves."""

import keras
import numpy as np
import pytest

from course_utils.exercises import NOT_ANSWERED, ch01

PAGE_EPOCHS = 60
BEST_32 = [70, 75, 80]  # epochs counted from 1: the mean is 75
RIGHT_BEST = 75.0
RIGHT_LAST = 0.34  # every 32-unit curve of mine() ends at 0.34


def model(units):
    return keras.Sequential(
        [
            keras.Input((4,)),
            keras.layers.Dense(units, activation="relu"),
            keras.layers.Dense(3, activation="softmax"),
        ]
    )


def history(units, curve):
    run = keras.callbacks.History()
    run.set_model(model(units))
    run.history = {"val_data_loss": [float(value) for value in curve]}
    return run


def v_curve(start, best, lowest, last, epochs):
    """A validation curve that falls from start to lowest at epoch ``best`` (from 1), then rises."""
    down = np.linspace(start, lowest, best)
    up = np.linspace(lowest, last, epochs - best + 1)[1:]
    return np.concatenate([down, up])


def page():
    runs = [history(8, np.linspace(2.0 + i / 10, 0.8, PAGE_EPOCHS)) for i in range(3)]
    runs += [history(32, v_curve(2.5 + i / 10, 55, 0.34, 0.35, PAGE_EPOCHS)) for i in range(3)]
    return runs


def mine(epochs=2 * PAGE_EPOCHS, seeds=3, widths=(8, 32), start=3.0):
    runs = []
    for units in widths:
        for i in range(seeds):
            if units == 32:
                curve = v_curve(start + i / 10, min(BEST_32[i], epochs - 5), 0.32, 0.34, epochs)
            else:
                curve = np.linspace(start + 0.05 + i / 10, 0.5, epochs)
            runs.append(history(units, curve))
    return runs


PAGE = page()
MINE = mine()


def check(runs=MINE, last=RIGHT_LAST, best=RIGHT_BEST, page_runs=PAGE):
    return ch01.check_width_budget(runs, last, best, page=page_runs)


def test_right_answers_pass():
    feedback = check()
    assert feedback.correct, feedback.message
    assert check(best=np.float64(75.2)).correct  # a mean printed with one decimal
    assert check(last=0.3404).correct  # a mean printed with three decimals


def test_unanswered():
    assert check(last=None) == NOT_ANSWERED
    assert check(best=None) == NOT_ANSWERED


def secret_free(feedback):
    assert not feedback.correct
    assert "75" not in feedback.message
    assert "0.34" not in feedback.message
    return feedback.message


def test_wrong_last_gets_a_hint_without_the_value():
    assert "last_32" in secret_free(check(last=0.5))
    # the mean of all widths, or the best instead of the last value, is wrong too
    assert "LAST" in secret_free(check(last=0.32))


def test_wrong_best_epoch():
    message = secret_free(check(best=40.0))
    assert "best_epoch_32" in message and "from 1" not in message


def test_best_epoch_counted_from_zero_gets_that_hint():
    assert "from 1" in secret_free(check(best=74.0))


def test_runs_of_the_page_budget_are_refused():
    assert "twice" in secret_free(check(runs=mine(epochs=PAGE_EPOCHS)))


def test_runs_with_the_page_seeds_are_refused():
    same = [history(8, np.linspace(2.0, 0.5, 120)), *MINE[1:]]
    assert "seeds the page did not use" in secret_free(check(runs=same))


def test_too_few_seeds_or_no_32_units():
    assert "three seeds" in secret_free(check(runs=mine(seeds=2)))
    assert "32 units" in secret_free(check(runs=mine(widths=(8, 256))))
    assert "empty" in secret_free(check(runs=[]))


@pytest.mark.parametrize(
    ("kwargs", "error", "name"),
    [
        ({"last": "0.34"}, TypeError, "last_32"),
        ({"last": True}, TypeError, "last_32"),
        ({"best": "75"}, TypeError, "best_epoch_32"),
        ({"runs": MINE[0]}, TypeError, "runs"),
        ({"runs": [1, 2]}, TypeError, "runs"),
        ({"page_runs": []}, ValueError, "page"),
    ],
)
def test_bad_input_names_the_argument(kwargs, error, name):
    with pytest.raises(error, match=name):
        check(**kwargs)


def test_histories_without_validation_data_are_refused():
    run = keras.callbacks.History()
    run.set_model(model(32))
    run.history = {"loss": [1.0]}
    with pytest.raises(ValueError, match="runs"):
        check(runs=[run])
