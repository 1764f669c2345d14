//! Reading a query's row into a struct whose fields are named like the query's columns.
//!
//! Hand-rolled rather than sqlx's `FromRow` derive: the derive brings sqlx's macros crate, and
//! with it both database drivers, tokio and the URL stack compiled a second time for the host,
//! on every cold build, for what is one `try_get` per field.

/// `FromRow` on SQLite and PostgreSQL for `$ty`, reading each listed field from the column of
/// the same name. A field written `field => parse` is stored as a code and read through
/// `parse` (a function from the column's raw value to `Option` of the field's type, such as
/// `Stage::parse`), so that read models carry the domain's types, never codes compared as
/// strings; a code the domain does not know fails the read with the column named.
macro_rules! from_row {
    ($ty:ident { $($field:ident $(=> $parse:expr)?),* $(,)? }) => {
        $crate::row::from_row!(@one $ty, sqlx::sqlite::SqliteRow, $($field $(=> $parse)?),*);
        $crate::row::from_row!(@one $ty, sqlx::postgres::PgRow, $($field $(=> $parse)?),*);
    };
    (@one $ty:ident, $row:ty, $($field:ident $(=> $parse:expr)?),*) => {
        impl<'r> sqlx::FromRow<'r, $row> for $ty {
            fn from_row(row: &'r $row) -> Result<Self, sqlx::Error> {
                use sqlx::Row as _;
                Ok($ty {
                    $($field: $crate::row::from_row!(@get row, $field $(=> $parse)?)),*
                })
            }
        }
    };
    (@get $row:ident, $field:ident) => {
        $row.try_get(stringify!($field))?
    };
    (@get $row:ident, $field:ident => $parse:expr) => {{
        let raw = $row.try_get(stringify!($field))?;
        $crate::row::decoded(stringify!($field), raw, $parse)?
    }};
}
pub(crate) use from_row;

/// The domain value of a stored code, or a decoding error naming the column and the code.
pub(crate) fn decoded<R: std::fmt::Debug + Copy, T>(
    column: &str,
    raw: R,
    parse: impl Fn(R) -> Option<T>,
) -> Result<T, sqlx::Error> {
    parse(raw).ok_or_else(|| sqlx::Error::ColumnDecode {
        index: column.to_string(),
        source: format!("unknown code {raw:?}").into(),
    })
}

/// `parse` over a column that may be NULL.
pub(crate) fn optional<T>(
    parse: fn(&str) -> Option<T>,
) -> impl Fn(Option<&str>) -> Option<Option<T>> {
    move |raw| match raw {
        None => Some(None),
        Some(code) => parse(code).map(Some),
    }
}
