//! SQL text put together from column lists and other constants at compile time, so that a query
//! built from parts is still a `&'static str` and needs no `sqlx::AssertSqlSafe`.

/// Re-exported so that [`sql!`](crate::sql) works in every crate without a dependency of its
/// own on `const_format`.
pub use const_format::concatcp;

/// Joins string constants and literals into one `&'static str` at compile time:
///
/// ```
/// use platform::sql;
/// const ITEM_COLUMNS: &str = "id, slug, title_en, title_fr";
/// const BY_SLUG: &str = sql!("SELECT ", ITEM_COLUMNS, " FROM items WHERE slug = $1");
/// assert_eq!(BY_SLUG, "SELECT id, slug, title_en, title_fr FROM items WHERE slug = $1");
/// ```
///
/// Every part must be a constant; a value known only at run time (a list of placeholders, a
/// table name chosen by a user) does not compile, which is the point.
#[macro_export]
macro_rules! sql {
    ($($part:expr),+ $(,)?) => {
        $crate::db::concatcp!($($part),+)
    };
}

/// The numbered placeholders of an `IN (…)` list of `n` values whose first is bound as `$from`:
/// `placeholders(3, 3)` is `"$3, $4, $5"`. Empty when `n` is 0; `IN ()` is not valid SQL, so a
/// caller with no values skips the query.
pub fn placeholders(from: usize, n: usize) -> String {
    let mut out = String::with_capacity(n * 5);
    for i in from..from + n {
        if i > from {
            out.push_str(", ");
        }
        out.push('$');
        out.push_str(&i.to_string());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::placeholders;

    #[test]
    fn placeholders_are_numbered_from_the_first_bind() {
        assert_eq!(placeholders(1, 1), "$1");
        assert_eq!(placeholders(3, 3), "$3, $4, $5");
        assert_eq!(placeholders(9, 3), "$9, $10, $11");
        assert_eq!(placeholders(1, 0), "");
    }

    const COLUMNS: &str = "id, slug";
    const TABLE: &str = "items";

    #[test]
    fn sql_joins_constants_and_literals_at_compile_time() {
        const Q: &str = crate::sql!("SELECT ", COLUMNS, " FROM ", TABLE, " WHERE id = $1");
        assert_eq!(Q, "SELECT id, slug FROM items WHERE id = $1");
    }
}
