"""Optional dependencies (issue 15 items 1 and 8): ``import scoreline`` needs numpy only, optional
features name the extra to install, and ``scoreline.plot`` / ``scoreline.mlflow`` load on first use.
Each case runs in a fresh interpreter, so that imports made by other tests do not hide anything."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent


def _python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], check=False, capture_output=True, text=True, cwd=HERE)


def test_every_module_imports_without_pandas_matplotlib_mlflow_or_pyspark() -> None:
    out = subprocess.run(
        [sys.executable, str(HERE / "check_install.py"), "--block", "pandas,matplotlib,mlflow,pyspark"],
        check=False, capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "optional packages importable: none" in out.stdout
    assert 'import scoreline.plot: scoreline.plot needs matplotlib, which is not installed: pip install "scoreline[plot]"' in (
        out.stdout
    )
    assert 'DixonColes.ratings needs pandas, which is not installed: pip install "scoreline[pandas]"' in out.stdout


def test_the_install_check_runs_with_every_extra_present() -> None:
    out = subprocess.run([sys.executable, str(HERE / "check_install.py")], check=False, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "ok   import scoreline.plot" in out.stdout and "ok   import scoreline.mlflow" in out.stdout
    assert "ok   import scoreline.spark" in out.stdout


def test_plot_and_mlflow_are_attributes_loaded_on_first_use() -> None:
    out = _python(
        """
        import sys
        import scoreline
        assert "scoreline.plot" not in sys.modules and "scoreline.mlflow" not in sys.modules
        assert callable(scoreline.plot.score_grid)
        assert "scoreline.plot" in sys.modules and "scoreline.mlflow" not in sys.modules
        assert callable(scoreline.mlflow.log_model)
        assert "plot" in dir(scoreline) and "mlflow" in dir(scoreline)
        try:
            scoreline.no_such_thing
        except AttributeError as err:
            assert "no_such_thing" in str(err)
        else:
            raise AssertionError("no AttributeError")
        """
    )
    assert out.returncode == 0, out.stderr


@pytest.mark.parametrize(("blocked", "module", "extra"), [("mlflow", "mlflow", "mlflow"), ("matplotlib", "plot", "plot"), ("pyspark", "spark", "spark")])
def test_a_missing_extra_names_what_to_install(blocked: str, module: str, extra: str) -> None:
    out = _python(
        f"""
        import sys
        from check_install import _Blocker
        sys.meta_path.insert(0, _Blocker({{{blocked!r}}}))
        import scoreline
        for attempt in (lambda: __import__("scoreline.{module}"), lambda: scoreline.{module}):
            try:
                attempt()
            except scoreline.OptionalDependencyError as err:
                assert isinstance(err, ImportError)
                assert 'pip install "scoreline[{extra}]"' in str(err), str(err)
                print(err)
            else:
                raise AssertionError("imported without {blocked}")
        """
    )
    assert out.returncode == 0, out.stderr
    assert f'pip install "scoreline[{extra}]"' in out.stdout
