"""The versions the course was verified with, and a warning when the installed ones differ (chapter 01).

Every number a lesson prints was produced with these versions. Elsewhere, on Colab for example, the
notebooks run on whatever TensorFlow and Keras are installed, and their numbers may differ. Importing
:mod:`course_utils` therefore compares the installed versions with these and, if any differs, emits one
:class:`UserWarning` that names each such package with both versions. When they all match it says nothing.

The copy below ships inside the package because on Colab only the package is installed, not the
repository's ``constraints.txt``; a unit test keeps the two equal.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping

#: The versions every lesson was verified with (the pins of ``constraints.txt``).
VERIFIED: dict[str, str] = {
    "tensorflow": "2.21.0",
    "keras": "3.15.1",
    "numpy": "2.4.6",
    "scikit-learn": "1.9.1",
    "matplotlib": "3.11.2",
}


def _check_versions(versions: Mapping[str, str], argument: str) -> None:
    if not isinstance(versions, Mapping):
        raise TypeError(
            f"{argument} must be a mapping of package names to versions, got {type(versions).__name__}"
        )
    for name, version in versions.items():
        if not isinstance(name, str) or not isinstance(version, str) or not name or not version:
            raise TypeError(
                f"{argument} must map package names to version strings, got {name!r}: {version!r}"
            )


def differences(
    installed: Mapping[str, str], verified: Mapping[str, str] = VERIFIED
) -> dict[str, tuple[str, str]]:
    """Return ``{package: (installed version, verified version)}`` for each package whose versions differ.

    Args:
        installed: the installed version of each package, as :func:`course_utils.runtime.versions` gives.
        verified: the versions the course was verified with (default :data:`VERIFIED`).

    Raises:
        TypeError: if either is not a mapping of non-empty names to non-empty version strings.
        ValueError: if ``installed`` lacks a package that ``verified`` names.
    """
    _check_versions(installed, "installed")
    _check_versions(verified, "verified")
    absent = sorted(set(verified) - set(installed))
    if absent:
        raise ValueError(f"installed has no version for {', '.join(absent)}")
    return {
        name: (installed[name], version) for name, version in verified.items() if installed[name] != version
    }


def mismatch_message(different: Mapping[str, tuple[str, str]]) -> str:
    """Return the warning's text: each package with its installed and pinned versions, and what follows.

    Args:
        different: ``{package: (installed version, verified version)}``, as :func:`differences` returns.

    Raises:
        ValueError: if ``different`` is empty.
    """
    if not different:
        raise ValueError("no version differs: there is nothing to warn about")
    listed = "; ".join(f"{name} {mine} here, {theirs} pinned" for name, (mine, theirs) in different.items())
    return (
        f"course_utils: this environment differs from the one the course was verified with: {listed}. "
        "The notebooks should run, but the numbers they print may differ from those in the text: "
        "the lessons were verified with the pinned versions."
    )


def warn_if_different(installed: Mapping[str, str], verified: Mapping[str, str] = VERIFIED) -> bool:
    """Emit one :class:`UserWarning` if an installed version differs from the verified one.

    Args:
        installed: the installed version of each package.
        verified: the versions the course was verified with (default :data:`VERIFIED`).

    Returns:
        True if it warned, False if every version matches (then nothing is printed).

    Raises:
        TypeError, ValueError: as :func:`differences`.
    """
    different = differences(installed, verified)
    if not different:
        return False
    warnings.warn(mismatch_message(different), UserWarning, stacklevel=2)
    return True
