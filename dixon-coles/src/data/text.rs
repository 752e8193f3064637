//! Decoding raw file bytes and parsing the cells shared by every reader.

use chrono::NaiveDate;

use super::{DataError, RowRef};

/// File bytes ready for the CSV reader: a UTF-8 byte-order mark is dropped,
/// CRLF becomes LF (so that the reader's line numbers are those an editor
/// shows) and a final line break is added when missing (so that a quote left
/// open on the last line shows up as a field holding a line break, like on
/// any other line).
fn normalise(bytes: &[u8]) -> Vec<u8> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut out = Vec::with_capacity(bytes.len() + 1);
    let mut rest = bytes;
    while let Some(i) = rest.windows(2).position(|w| w == b"\r\n") {
        out.extend_from_slice(&rest[..i]);
        out.push(b'\n');
        rest = &rest[i + 2..];
    }
    out.extend_from_slice(rest);
    if out.last().is_some_and(|&b| b != b'\n') {
        out.push(b'\n');
    }
    out
}

/// One field as text: valid UTF-8 is kept as is; anything else is decoded as
/// Latin-1 (every byte one char), which is what the older football-data.co.uk
/// files use. Decoding field by field means that one stray Latin-1 byte in
/// one cell (a referee's name) does not turn the UTF-8 of every other cell
/// (`Málaga`) into mojibake.
fn decode_field(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(text) => text.into(),
        Err(_) => bytes
            .iter()
            .map(|&b| char::from(b))
            .collect::<String>()
            .into(),
    }
}

/// A CSV record with every field decoded by [`decode_field`], keeping the
/// record's position; an error when a field holds a line break.
///
/// Neither input format has line breaks inside a field, so one means that a
/// quote (`"`) opened at the start of a field on line `line` was never
/// closed and the reader ran the following lines into that field.
fn decode_record(name: &str, record: &csv::ByteRecord) -> Result<csv::StringRecord, DataError> {
    let mut out = csv::StringRecord::with_capacity(record.as_slice().len(), record.len());
    for field in record.iter() {
        if field.contains(&b'\n') || field.contains(&b'\r') {
            return Err(DataError::UnbalancedQuote {
                file: name.to_owned(),
                line: record.position().map_or(0, csv::Position::line),
            });
        }
        out.push_field(&decode_field(field));
    }
    out.set_position(record.position().cloned());
    Ok(out)
}

/// The header and the records of a CSV file's bytes, decoded field by field
/// ([`decode_field`]); `name` names the file in errors. Rows may be shorter
/// or longer than the header.
pub(crate) fn read_csv(
    name: &str,
    bytes: &[u8],
) -> Result<(csv::StringRecord, Vec<csv::StringRecord>), DataError> {
    let text = normalise(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(true)
        .from_reader(text.as_slice());
    let csv_error = |e: csv::Error| DataError::Csv {
        file: name.to_owned(),
        line: e.position().map_or(0, |p| p.line()),
        message: e.to_string(),
    };
    let header = decode_record(name, reader.byte_headers().map_err(csv_error)?)?;
    let mut records = Vec::new();
    for record in reader.byte_records() {
        records.push(decode_record(name, &record.map_err(csv_error)?)?);
    }
    Ok((header, records))
}

/// The trimmed header names of a CSV file's bytes (empty when it has none).
pub(crate) fn header_names(name: &str, bytes: &[u8]) -> Result<Vec<String>, DataError> {
    let first_line = bytes.split(|&b| b == b'\n').next().unwrap_or(b"");
    let (header, _) = read_csv(name, first_line)?;
    Ok(header.iter().map(|h| h.trim().to_owned()).collect())
}

/// Rejects a column name that appears more than once among the `wanted`
/// columns of `header`, naming the column and its 1-based positions: the
/// reader could not know which copy holds the data.
pub(crate) fn check_duplicate_columns<'a>(
    name: &str,
    header: &csv::StringRecord,
    wanted: impl IntoIterator<Item = &'a str>,
) -> Result<(), DataError> {
    for column in wanted {
        let positions: Vec<usize> = header
            .iter()
            .enumerate()
            .filter(|(_, h)| h.trim() == column)
            .map(|(i, _)| i + 1)
            .collect();
        if positions.len() > 1 {
            return Err(DataError::DuplicateColumn {
                file: name.to_owned(),
                column: column.to_owned(),
                positions,
            });
        }
    }
    Ok(())
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
