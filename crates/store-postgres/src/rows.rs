//! Mapping PostgreSQL's errors and rows to the store's.

use std::str::FromStr;

use alcove_store::{codec, StoreError};
use chrono::{DateTime, Utc};
use sqlx::error::ErrorKind;
use sqlx::postgres::{PgDatabaseError, PgRow};
use sqlx::{Decode, Postgres, Row, Type};

/// Unique violations are conflicts (naming the columns), a reference to a missing row is
/// NotFound, and anything else is a backend error.
pub(crate) fn db_err(e: sqlx::Error) -> StoreError {
    match &e {
        sqlx::Error::Database(d) => match d.kind() {
            ErrorKind::UniqueViolation => StoreError::Conflict(conflicting_columns(d.as_ref())),
            ErrorKind::ForeignKeyViolation => StoreError::NotFound,
            _ => StoreError::Backend(e.to_string()),
        },
        _ => StoreError::Backend(e.to_string()),
    }
}

/// Names the columns of a unique violation as SQLite does ("users.email"), from PostgreSQL's
/// detail "Key (email)=(dana@example.org) already exists.". Only the column list is taken:
/// the values in the detail (an email address, a token hash) never leave this function.
fn conflicting_columns(d: &dyn sqlx::error::DatabaseError) -> String {
    let table = d.table().unwrap_or("?");
    let columns = d
        .try_downcast_ref::<PgDatabaseError>()
        .and_then(|pg| pg.detail())
        .and_then(|detail| detail.strip_prefix("Key ("))
        .and_then(|rest| rest.split_once(")="))
        .map(|(cols, _)| cols);
    match columns {
        Some(cols) => cols
            .split(", ")
            .map(|c| format!("{table}.{c}"))
            .collect::<Vec<_>>()
            .join(", "),
        None => d.constraint().unwrap_or("a unique constraint").to_string(),
    }
}

/// The columns of one row of `table`: anything that does not read back as what was written
/// is reported as [`StoreError::Corrupt`] naming the table and column.
pub(crate) struct Cols<'r> {
    row: &'r PgRow,
    table: &'static str,
}

impl<'r> Cols<'r> {
    pub(crate) fn of(row: &'r PgRow, table: &'static str) -> Self {
        Cols { row, table }
    }

    /// The same row, for columns that come from a joined table.
    pub(crate) fn joined(&self, table: &'static str) -> Self {
        Cols {
            row: self.row,
            table,
        }
    }

    pub(crate) fn get<T>(&self, column: &'static str) -> Result<T, StoreError>
    where
        T: Decode<'r, Postgres> + Type<Postgres>,
    {
        self.row
            .try_get(column)
            .map_err(|e| codec::corrupt(self.table, column, e))
    }

    pub(crate) fn text(&self, column: &'static str) -> Result<String, StoreError> {
        self.get(column)
    }

    pub(crate) fn id<T: FromStr<Err = uuid::Error>>(
        &self,
        column: &'static str,
    ) -> Result<T, StoreError> {
        codec::id(self.table, column, &self.text(column)?)
    }

    pub(crate) fn opt_id<T: FromStr<Err = uuid::Error>>(
        &self,
        column: &'static str,
    ) -> Result<Option<T>, StoreError> {
        codec::opt_id(
            self.table,
            column,
            self.get::<Option<String>>(column)?.as_deref(),
        )
    }

    pub(crate) fn time(&self, column: &'static str) -> Result<DateTime<Utc>, StoreError> {
        codec::time(self.table, column, self.get(column)?)
    }

    pub(crate) fn opt_time(
        &self,
        column: &'static str,
    ) -> Result<Option<DateTime<Utc>>, StoreError> {
        codec::opt_time(self.table, column, self.get(column)?)
    }

    pub(crate) fn table(&self) -> &'static str {
        self.table
    }
}
