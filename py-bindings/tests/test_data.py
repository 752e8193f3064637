"""scoreline.read_football_data: duplicate policy, data warnings and unknown divisions."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

import scoreline
from conftest import data_dir
from scoreline.data import DataQualityWarning, DuplicateMatchWarning, SimilarTeamNamesWarning

HEADER = "Div,Date,HomeTeam,AwayTeam,FTHG,FTAG\n"
# A triangle with A v B twice on one day, 1-0 and 2-2.
REPEATED = "E0,01/01/24,A,B,1,0\nE0,02/01/24,B,C,1,0\nE0,01/01/2024,A,B,2,2\nE0,03/01/24,C,A,0,1\n"


def write_season(root: Path, season: str, division: str, rows: str) -> None:
    folder = root / "mmz4281" / season
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{division}.csv").write_text(HEADER + rows, encoding="utf-8")


def test_an_unknown_division_lists_the_divisions_and_seasons_there_are() -> None:
    with pytest.raises(scoreline.DataError) as caught:
        scoreline.read_football_data(data_dir() / "football-data", divisions=["EO"])
    text = str(caught.value)
    assert "no division 'EO'" in text
    assert "D1, E0, E1, F1, I1, SP1" in text
    assert "9394" in text and "2526" in text


def test_a_missing_season_lists_the_seasons_of_that_division(tmp_path: Path) -> None:
    write_season(tmp_path, "2324", "E0", REPEATED)
    write_season(tmp_path, "2425", "E1", REPEATED)
    with pytest.raises(scoreline.DataError, match=r"no E1 file for season '2324'.*E1: 2425"):
        scoreline.read_football_data(tmp_path, divisions=["E0", "E1"], seasons=["2324"])
    with pytest.raises(scoreline.DataError, match=r"no season '2021'.*2324, 2425"):
        scoreline.read_football_data(tmp_path, seasons=["2021"])


def test_duplicates_are_kept_by_default_and_reported(tmp_path: Path) -> None:
    write_season(tmp_path, "2324", "E0", REPEATED)
    with pytest.warns(DuplicateMatchWarning, match=r"A v B on 2024-01-01 appears 2 times.*kept every copy"):
        frame = scoreline.read_football_data(tmp_path)
    assert len(frame) == 4
    assert [w["kind"] for w in frame.attrs["warnings"]] == ["duplicate_match"]


def test_duplicates_drop_keeps_the_first_and_error_raises(tmp_path: Path) -> None:
    write_season(tmp_path, "2324", "E0", REPEATED)
    with pytest.warns(DuplicateMatchWarning, match="dropped"):
        frame = scoreline.read_football_data(tmp_path, duplicates="drop")
    assert len(frame) == 3
    first = frame[(frame.HomeTeam == "A") & (frame.AwayTeam == "B")]
    assert first[["FTHG", "FTAG"]].values.tolist() == [[1.0, 0.0]]
    with pytest.raises(scoreline.DataError, match=r"line 4.*duplicate match A v B.*line 2"):
        scoreline.read_football_data(tmp_path, duplicates="error")
    with pytest.raises(scoreline.DataError, match="expected error, keep or drop"):
        scoreline.read_football_data(tmp_path, duplicates="sometimes")


def test_near_duplicate_team_names_warn(tmp_path: Path) -> None:
    write_season(tmp_path, "2324", "E0", "E0,01/01/24,Man City,Leeds,1,0\nE0,02/01/24,Leeds,man city,0,0\n")
    with pytest.warns(SimilarTeamNamesWarning, match='"Man City" \\(1 matches\\), "man city"'):
        frame = scoreline.read_football_data(tmp_path)
    assert issubclass(SimilarTeamNamesWarning, DataQualityWarning)
    assert frame.attrs["warnings"][0]["kind"] == "similar_team_names"


def test_a_clean_file_warns_nothing(tmp_path: Path) -> None:
    write_season(tmp_path, "2324", "E0", "E0,01/01/24,A,B,1,0\nE0,02/01/24,B,C,1,0\n")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        frame = scoreline.read_football_data(tmp_path)
    assert frame.attrs["warnings"] == []


def test_one_division_or_season_may_be_a_bare_string() -> None:
    root = data_dir() / "football-data"
    one = scoreline.read_football_data(root, divisions="E0", seasons="2324")
    listed = scoreline.read_football_data(root, divisions=["E0"], seasons=["2324"])
    assert len(one) == 380
    assert one.equals(listed)
