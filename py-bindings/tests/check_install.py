"""What a user gets from ``pip install scoreline`` alone (the wheel and its
declared dependencies, i.e. numpy): ``import scoreline`` and every module of
the package import; the numpy API works; the optional features fail with
``scoreline.OptionalDependencyError`` naming the extra to install
(``pip install "scoreline[plot]"``), never a bare ``ModuleNotFoundError``.

Run by ``make python-test`` in a fresh virtual environment holding only the
wheel, and by ``tests/test_optional.py`` in the full test environment with
``--block pandas,matplotlib,mlflow,pyspark`` (those packages then fail to import as
if they were not installed).

Rerun: ``python py-bindings/tests/check_install.py [--block pandas,matplotlib,mlflow,pyspark]``
"""

from __future__ import annotations

import argparse
import importlib
import importlib.abc
import pkgutil
import sys
from collections.abc import Sequence
from typing import Any, Callable

#: The module (or feature) → the extra whose absence it must name.
OPTIONAL_MODULES = {"plot": "plot", "mlflow": "mlflow", "spark": "spark"}
OPTIONAL_PACKAGES = ("pandas", "matplotlib", "mlflow", "pyspark")


class _Blocker(importlib.abc.MetaPathFinder):
    """Makes the blocked top-level packages fail to import, as if absent."""

    def __init__(self, blocked: set[str]) -> None:
        self.blocked = blocked

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> None:
        if fullname.split(".")[0] in self.blocked:
            raise ModuleNotFoundError(f"No module named {fullname!r}", name=fullname)


def _installed(package: str) -> bool:
    try:
        importlib.import_module(package)
    except ImportError:
        return False
    return True


def _expect_optional_error(what: str, extra: str, call: Callable[[], Any]) -> None:
    import scoreline

    try:
        call()
    except scoreline.OptionalDependencyError as err:
        wanted = f'pip install "scoreline[{extra}]"'
        if wanted not in str(err):
            raise AssertionError(f"{what}: the error does not say {wanted!r}: {err}") from None
        if not isinstance(err, ImportError):
            raise TypeError(f"{what}: OptionalDependencyError is not an ImportError") from None
        print(f"ok   {what}: {err}")
        return
    raise AssertionError(f"{what}: expected OptionalDependencyError naming scoreline[{extra}], but it worked")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--block", default="", help="comma-separated packages to treat as not installed")
    args = parser.parse_args(argv)
    blocked = {p for p in args.block.split(",") if p}
    if blocked:
        sys.meta_path.insert(0, _Blocker(blocked))
    present = {p for p in OPTIONAL_PACKAGES if _installed(p)}
    print(f"optional packages importable: {sorted(present) or 'none'}")

    import numpy as np

    import scoreline

    for info in pkgutil.iter_modules(scoreline.__path__):
        name = f"scoreline.{info.name}"
        extra = OPTIONAL_MODULES.get(info.name)
        needs = {"plot": {"matplotlib"}, "mlflow": {"mlflow", "pandas"}, "spark": {"pyspark", "pandas"}}.get(info.name, set())
        if extra is not None and not needs <= present:
            _expect_optional_error(f"import {name}", extra, lambda name=name: importlib.import_module(name))
            _expect_optional_error(f"scoreline.{info.name}", extra, lambda n=info.name: getattr(scoreline, n))
        else:
            importlib.import_module(name)
            print(f"ok   import {name}")

    # The numpy API works without pandas.
    data = {
        "HomeTeam": ["A", "B", "C", "A", "B", "C"],
        "AwayTeam": ["B", "C", "A", "C", "A", "B"],
        "FTHG": [2, 1, 0, 3, 1, 2],
        "FTAG": [1, 1, 2, 0, 1, 2],
    }
    model = scoreline.DixonColes(xi=0.0, ridge=0.01).fit(data, date=None)
    probs = model.predict_proba(["A", "B"], ["B", "C"])
    assert probs.shape == (2, 3) and np.allclose(probs.sum(axis=1), 1.0)
    assert abs(sum(model.predict("A", "B").home_draw_away) - 1.0) < 1e-12
    assert abs(scoreline.odds.implied([2.7, 2.3, 4.4]).sum() - 1.0) < 1e-12
    assert 0.0 <= scoreline.metrics.rps(probs, [0, 1]) <= 1.0
    assert scoreline.betting.kelly_fraction(0.5, 2.5) > 0.0
    print("ok   fit, predict, predict_proba, odds.implied, metrics.rps, betting.kelly_fraction with numpy only")

    if "pandas" not in present:
        for what, call in (
            ("DixonColes.ratings", model.ratings),
            ("DixonColes.predict_markets", lambda: model.predict_markets(data)),
            ("slate.evaluate", lambda: scoreline.slate.evaluate(model, data)),
            ("slate.explain", lambda: scoreline.slate.explain(model, "A", "B")),
            ("backtest.walk_forward", lambda: scoreline.backtest.walk_forward(data, date=None, progress=False)),
            ("betting.simulate", lambda: scoreline.betting.simulate([[0.7, 0.2, 0.1]], [[1.8, 4.0, 6.0]], [0])),
            ("read_football_data", lambda: scoreline.read_football_data(".")),
        ):
            _expect_optional_error(what, "pandas", call)
    print("check_install: every module imports; optional features name their extra")
    return 0


if __name__ == "__main__":
    sys.exit(main())
