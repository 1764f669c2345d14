//! The SQLite bulk-insert path: one prepared single-row INSERT, bound and stepped per row
//! through SQLite's C API on the connection sqlx already holds (inside the import's
//! transaction).
//!
//! Why not sqlx: its SQLite driver copies every bound value into an owned argument list and
//! hands each statement to a worker thread. At a million rows that copying and hand-off is most
//! of the import's writing time, and on a 2-core machine the extra thread competes with the
//! parser. Binding borrowed values directly costs nothing per value.
//!
//! This is the only `unsafe` code of the project. Its invariants are local: the raw handle is
//! used only while sqlx's lock on it is held, the statement is finalised on every path, and
//! every bound text outlives the `sqlite3_step` that reads it (`SQLITE_STATIC`).
#![allow(unsafe_code)]

use anyhow::{anyhow, Result};
use libsqlite3_sys as ffi;
use qingfeng_domain::contract::Cell;
use std::ffi::{c_char, c_int, CStr};
use std::ptr::{self, NonNull};

/// A prepared statement, finalised when dropped.
struct Statement {
    db: *mut ffi::sqlite3,
    stmt: *mut ffi::sqlite3_stmt,
}

impl Drop for Statement {
    fn drop(&mut self) {
        // SAFETY: `stmt` came from a successful prepare on `db` and is finalised only here.
        unsafe {
            ffi::sqlite3_finalize(self.stmt);
        }
    }
}

impl Statement {
    fn prepare(db: NonNull<ffi::sqlite3>, sql: &str) -> Result<Statement> {
        let db = db.as_ptr();
        let mut stmt = ptr::null_mut();
        let len = c_int::try_from(sql.len()).map_err(|_| anyhow!("statement too long"))?;
        // SAFETY: `db` is an open connection locked for us by sqlx; `sql` is valid for `len`
        // bytes during the call (SQLite copies what it needs).
        let rc = unsafe {
            ffi::sqlite3_prepare_v2(
                db,
                sql.as_ptr().cast::<c_char>(),
                len,
                &mut stmt,
                ptr::null_mut(),
            )
        };
        if rc != ffi::SQLITE_OK || stmt.is_null() {
            return Err(error(db, rc, sql));
        }
        Ok(Statement { db, stmt })
    }

    /// Binds one row (`cells`, then `line` as the last parameter), steps and resets.
    fn insert(&mut self, cells: &[Cell], line: i64) -> Result<()> {
        // SAFETY: every index is within the statement's parameter count (the caller built the
        // statement with `cells.len() + 1` placeholders); bound texts are borrowed from `cells`
        // and only read by the step below. Every parameter is re-bound for every row, and the
        // statement is finalised by `insert_rows` while all rows are still alive, so no step
        // ever reads a dangling pointer.
        unsafe {
            for (i, cell) in cells.iter().enumerate() {
                let index = (i + 1) as c_int;
                let rc = match cell {
                    Cell::Null => ffi::sqlite3_bind_null(self.stmt, index),
                    Cell::Text(s) => ffi::sqlite3_bind_text(
                        self.stmt,
                        index,
                        s.as_ptr().cast::<c_char>(),
                        c_int::try_from(s.len()).map_err(|_| anyhow!("text value too long"))?,
                        ffi::SQLITE_STATIC(),
                    ),
                    Cell::Int(v) => ffi::sqlite3_bind_int64(self.stmt, index, *v),
                    Cell::Real(v) => ffi::sqlite3_bind_double(self.stmt, index, *v),
                    Cell::Bool(v) => ffi::sqlite3_bind_int64(self.stmt, index, i64::from(*v)),
                };
                if rc != ffi::SQLITE_OK {
                    return Err(error(self.db, rc, "binding a value"));
                }
            }
            let rc = ffi::sqlite3_bind_int64(self.stmt, cells.len() as c_int + 1, line);
            if rc != ffi::SQLITE_OK {
                return Err(error(self.db, rc, "binding the source line"));
            }
            let rc = ffi::sqlite3_step(self.stmt);
            ffi::sqlite3_reset(self.stmt);
            if rc != ffi::SQLITE_DONE {
                return Err(error(self.db, rc, "inserting a row"));
            }
        }
        Ok(())
    }
}

fn error(db: *mut ffi::sqlite3, rc: c_int, what: &str) -> anyhow::Error {
    // SAFETY: `db` is open; `sqlite3_errmsg` returns a NUL-terminated string owned by SQLite,
    // copied here before any other call on the connection.
    let message = unsafe { CStr::from_ptr(ffi::sqlite3_errmsg(db)) }
        .to_string_lossy()
        .into_owned();
    anyhow!("SQLite error {rc} ({message}) while {what}")
}

/// Inserts rows (row-major `cells`, `width` per row, each with its source line) with `sql`,
/// an INSERT of one row whose last placeholder is the source line.
pub(crate) fn insert_rows(
    db: NonNull<ffi::sqlite3>,
    sql: &str,
    width: usize,
    cells: &[Cell],
    lines: &[u64],
) -> Result<()> {
    let mut stmt = Statement::prepare(db, sql)?;
    for (row, &line) in cells.chunks(width).zip(lines) {
        stmt.insert(row, line as i64)?;
    }
    Ok(())
}

/// One row of a `scan`, read in place: values are borrowed from SQLite and valid only during
/// the visit.
pub struct SqliteRow<'s> {
    stmt: &'s Statement,
}

impl SqliteRow<'_> {
    fn is_null(&self, column: usize) -> bool {
        // SAFETY: the statement has a current row (the visit happens right after SQLITE_ROW).
        unsafe { ffi::sqlite3_column_type(self.stmt.stmt, column as c_int) == ffi::SQLITE_NULL }
    }

    pub fn int(&self, column: usize) -> Option<i64> {
        if self.is_null(column) {
            return None;
        }
        // SAFETY: as in `is_null`.
        Some(unsafe { ffi::sqlite3_column_int64(self.stmt.stmt, column as c_int) })
    }

    pub fn real(&self, column: usize) -> Option<f64> {
        if self.is_null(column) {
            return None;
        }
        // SAFETY: as in `is_null`.
        Some(unsafe { ffi::sqlite3_column_double(self.stmt.stmt, column as c_int) })
    }

    /// The value as text (numbers are converted by SQLite), checked to be UTF-8.
    pub fn text(&self, column: usize) -> Result<Option<&str>> {
        if self.is_null(column) {
            return Ok(None);
        }
        // SAFETY: the pointer returned by `sqlite3_column_text` stays valid until the next
        // step, reset or finalize of the statement, none of which can happen while `self`
        // (which borrows the statement) is borrowed; `sqlite3_column_bytes` is called after
        // it, as SQLite's documentation requires.
        let bytes = unsafe {
            let ptr = ffi::sqlite3_column_text(self.stmt.stmt, column as c_int);
            let len = ffi::sqlite3_column_bytes(self.stmt.stmt, column as c_int);
            if ptr.is_null() {
                return Ok(Some(""));
            }
            std::slice::from_raw_parts(ptr, len as usize)
        };
        std::str::from_utf8(bytes)
            .map(Some)
            .map_err(|e| anyhow!("column {column} is not UTF-8: {e}"))
    }
}

/// Runs `sql` and passes each result row to `visit`, without copying any value.
pub(crate) fn scan(
    db: NonNull<ffi::sqlite3>,
    sql: &str,
    mut visit: impl FnMut(&SqliteRow<'_>) -> Result<()>,
) -> Result<()> {
    let stmt = Statement::prepare(db, sql)?;
    loop {
        // SAFETY: `stmt` is a valid prepared statement on a connection locked for us.
        let rc = unsafe { ffi::sqlite3_step(stmt.stmt) };
        match rc {
            ffi::SQLITE_ROW => visit(&SqliteRow { stmt: &stmt })?,
            ffi::SQLITE_DONE => return Ok(()),
            _ => return Err(error(stmt.db, rc, sql)),
        }
    }
}
