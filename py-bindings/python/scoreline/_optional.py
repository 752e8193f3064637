"""Optional dependencies: pandas (``scoreline[pandas]``), matplotlib
(``scoreline[plot]``), MLflow (``scoreline[mlflow]``) and pyspark
(``scoreline[spark]``) are imported only
when a feature needs them, and a missing one raises
:class:`OptionalDependencyError` naming the extra to install."""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

#: The pip extra that installs each optional top-level package.
EXTRAS = {"pandas": "pandas", "matplotlib": "plot", "mlflow": "mlflow", "pyspark": "spark"}


class OptionalDependencyError(ImportError):
    """A feature needs a package that is not installed; the message names it
    and the extra that installs it, e.g. ``pip install "scoreline[plot]"``."""


def missing(feature: str, package: str, extra: str | None = None) -> OptionalDependencyError:
    """The error for ``feature`` lacking ``package``."""
    extra = extra or EXTRAS.get(package, package)
    return OptionalDependencyError(
        f'{feature} needs {package}, which is not installed: pip install "scoreline[{extra}]"', name=package
    )


def require(package: str, feature: str, extra: str | None = None) -> ModuleType:
    """Imports ``package`` (e.g. ``"pandas"``, ``"matplotlib.pyplot"``) for
    ``feature``, or raises :class:`OptionalDependencyError`. A package that is
    installed but fails to import for another reason raises its own error."""
    top = package.split(".")[0]
    try:
        return importlib.import_module(package)
    except ModuleNotFoundError as exc:
        if exc.name is not None and exc.name.split(".")[0] != top:
            raise
        raise missing(feature, top, extra) from exc


def pandas(feature: str) -> Any:
    """The pandas module, for a feature that returns or reads DataFrames."""
    return require("pandas", feature)
