//! Decoding raw file bytes and parsing the cells shared by every reader.

use chrono::NaiveDate;

use super::{DataError, RowRef};

/// File bytes as text: a UTF-8 byte-order mark is dropped; valid UTF-8 is
/// kept as is; anything else is decoded as Latin-1 (every byte one char),
/// which is what the older football-data.co.uk files use. CRLF becomes LF,
/// so that the CSV reader's line numbers are those an editor shows.
pub(crate) fn decode(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => bytes.iter().map(|&b| char::from(b)).collect(),
    };
    if text.contains('\r') {
        text.replace("\r\n", "\n")
    } else {
        text
    }
}

/// An invalid-field error for `row`.
pub(crate) fn invalid(row: &RowRef, field: &str, value: &str, reason: &str) -> DataError {
    DataError::InvalidField {
        row: row.clone(),
        field: field.to_owned(),
        value: value.to_owned(),
        reason: reason.to_owned(),
    }
}

/// A date as `dd/mm/yy` (years ≥ 90 are 19yy, others 20yy), `dd/mm/yyyy` or
/// ISO `yyyy-mm-dd`.
pub(crate) fn parse_date(text: &str, row: &RowRef, field: &str) -> Result<NaiveDate, DataError> {
    let fail = || {
        invalid(
            row,
            field,
            text,
            "expected dd/mm/yy, dd/mm/yyyy or yyyy-mm-dd",
        )
    };
    if text.contains('-') {
        return NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| fail());
    }
    let mut parts = text.split('/');
    let (Some(d), Some(m), Some(y), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(fail());
    };
    let number = |s: &str| s.trim().parse::<u32>().map_err(|_| fail());
    let (day, month, year) = (number(d)?, number(m)?, number(y)?);
    let year = match y.trim().len() {
        2 if year >= 90 => 1900 + year,
        2 => 2000 + year,
        4 => year,
        _ => return Err(fail()),
    };
    NaiveDate::from_ymd_opt(year as i32, month, day).ok_or_else(fail)
}

/// A goal count: a non-negative whole number.
pub(crate) fn parse_goals(text: &str, row: &RowRef, field: &str) -> Result<u32, DataError> {
    if let Ok(goals) = text.parse::<u32>() {
        return Ok(goals);
    }
    let reason = match text.parse::<f64>() {
        Ok(v) if v < 0.0 => "goals cannot be negative",
        Ok(v) if v.fract() != 0.0 => "goals must be a whole number",
        Ok(v) if v.is_finite() && v <= u32::MAX as f64 => return Ok(v as u32),
        _ => "not a number of goals",
    };
    Err(invalid(row, field, text, reason))
}
