"""Tests of course_utils.verified: the versions the course was verified with, and the warning on import."""

import json
import os
import re
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from course_utils import runtime, verified

ROOT = Path(__file__).resolve().parents[1]
# The name each package has in constraints.txt (pip freeze's spelling), for the names of VERIFIED.
LOCKED_AS = {
    "tensorflow": "tensorflow-cpu",
    "keras": "keras",
    "numpy": "numpy",
    "scikit-learn": "scikit-learn",
    "matplotlib": "matplotlib",
}


def canonical(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def locked_versions():
    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if "==" in line:
            name, version = line.split("==", 1)
            pins[canonical(name)] = version.strip()
    return pins


def test_the_packaged_copy_equals_constraints_txt():
    pins = locked_versions()
    assert set(verified.VERIFIED) == set(LOCKED_AS)
    assert {name: pins[LOCKED_AS[name]] for name in verified.VERIFIED} == verified.VERIFIED


def test_it_covers_exactly_the_libraries_whose_versions_runtime_reports():
    assert set(verified.VERIFIED) == set(runtime.versions())


def test_matching_versions_differ_nowhere_and_warn_nothing():
    assert verified.differences(dict(verified.VERIFIED)) == {}
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any warning would fail the test
        assert verified.warn_if_different(dict(verified.VERIFIED)) is False


def test_another_keras_gives_one_warning_with_both_versions():
    installed = verified.VERIFIED | {"keras": "3.10.0"}
    with pytest.warns(UserWarning) as caught:
        assert verified.warn_if_different(installed) is True
    assert len(caught) == 1
    message = str(caught[0].message)
    assert f"keras 3.10.0 here, {verified.VERIFIED['keras']} pinned" in message
    assert "numbers" in message and "may differ" in message
    assert "verified with the pinned versions" in message
    for name in ("tensorflow", "numpy", "scikit-learn", "matplotlib"):  # the matching ones are not named
        assert name not in message


def test_every_differing_package_is_named_with_both_versions():
    installed = {"tensorflow": "2.19.1", "keras": "3.10.0", "numpy": "2.0.2", "scikit-learn": "1.6.1"}
    installed["matplotlib"] = verified.VERIFIED["matplotlib"]
    assert verified.differences(installed) == {
        name: (version, verified.VERIFIED[name])
        for name, version in installed.items()
        if name != "matplotlib"
    }
    with pytest.warns(UserWarning) as caught:
        verified.warn_if_different(installed)
    assert len(caught) == 1
    message = str(caught[0].message)
    for name, version in installed.items():
        if name != "matplotlib":
            assert f"{name} {version} here, {verified.VERIFIED[name]} pinned" in message
    assert "matplotlib" not in message


def test_differences_against_other_verified_versions():
    assert verified.differences({"a": "1", "b": "2", "c": "3"}, {"a": "1", "b": "2.1"}) == {"b": ("2", "2.1")}


@pytest.mark.parametrize(
    ("installed", "error", "match"),
    [
        (["keras", "3.10.0"], TypeError, "mapping"),
        ({"keras": 3.1}, TypeError, "version strings"),
        ({"keras": ""}, TypeError, "version strings"),
        ({"keras": "3.15.1"}, ValueError, "no version for matplotlib, numpy, scikit-learn, tensorflow"),
    ],
)
def test_bad_installed_versions_are_refused(installed, error, match):
    with pytest.raises(error, match=match):
        verified.differences(installed)
    with pytest.raises(error, match=match):
        verified.warn_if_different(installed)


def test_an_empty_difference_has_no_message():
    with pytest.raises(ValueError, match="nothing to warn about"):
        verified.mismatch_message({})


IMPORT_WITH_VERSIONS = """
import json, sys
import keras, matplotlib, numpy, sklearn, tensorflow
modules = {"tensorflow": tensorflow, "keras": keras, "numpy": numpy, "scikit-learn": sklearn,
           "matplotlib": matplotlib}
for name, version in json.loads(sys.argv[1]).items():
    modules[name].__version__ = version
import course_utils
"""


def import_course_utils_with(versions):
    """Import course_utils in a fresh Python in which the five libraries report `versions`; return stderr."""
    environment = os.environ | {"TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0"}
    result = subprocess.run(
        [sys.executable, "-c", IMPORT_WITH_VERSIONS, json.dumps(versions)],
        capture_output=True,
        text=True,
        env=environment,
        timeout=300,
        check=True,
    )
    return result.stderr


def test_importing_course_utils_beside_another_keras_warns_once():
    stderr = import_course_utils_with(verified.VERIFIED | {"keras": "3.10.0"})
    assert stderr.count("UserWarning") == 1
    assert f"keras 3.10.0 here, {verified.VERIFIED['keras']} pinned" in stderr


def test_importing_course_utils_with_the_verified_versions_prints_nothing():
    assert import_course_utils_with(verified.VERIFIED) == ""
