"""Shared fixtures: real Premier League data from SCORELINE_DATA_DIR."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

REPO = Path(__file__).resolve().parents[2]


def data_dir() -> Path:
    """$SCORELINE_DATA_DIR, or ../shared/data beside the repository."""
    return Path(os.environ.get("SCORELINE_DATA_DIR", REPO.parent / "shared" / "data"))


def load_season(season: str, division: str = "E0") -> pd.DataFrame:
    """One football-data.co.uk season with parsed dates (pandas, independent of our reader)."""
    path = data_dir() / "football-data" / "mmz4281" / season / f"{division}.csv"
    df = pd.read_csv(path, encoding="latin-1")
    df = df.dropna(subset=["HomeTeam"])
    df["Date"] = pd.to_datetime(df["Date"], dayfirst=True, format="mixed")
    return df.reset_index(drop=True)


@pytest.fixture(scope="session")
def season_2324() -> pd.DataFrame:
    """E0 2023-24."""
    return load_season("2324")
