//! Reading a query's row into a struct whose fields are named like the query's columns.
//!
//! Hand-rolled rather than sqlx's `FromRow` derive: the derive brings sqlx's macros crate, and
//! with it both database drivers, tokio and the URL stack compiled a second time for the host,
//! on every cold build, for what is one `try_get` per field.

/// `FromRow` on SQLite and PostgreSQL for `$ty`, reading each listed field from the column of
/// the same name.
macro_rules! from_row {
    ($ty:ident { $($field:ident),* $(,)? }) => {
        $crate::row::from_row!(@one $ty, sqlx::sqlite::SqliteRow, $($field),*);
        $crate::row::from_row!(@one $ty, sqlx::postgres::PgRow, $($field),*);
    };
    (@one $ty:ident, $row:ty, $($field:ident),*) => {
        impl<'r> sqlx::FromRow<'r, $row> for $ty {
            fn from_row(row: &'r $row) -> Result<Self, sqlx::Error> {
                use sqlx::Row as _;
                Ok($ty {
                    $($field: row.try_get(stringify!($field))?),*
                })
            }
        }
    };
}
pub(crate) use from_row;
