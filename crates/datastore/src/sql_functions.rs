//! What `datastore_search_sql` lets a query compute: the reviewed functions below and the
//! ordinary operators, nothing that can make rows out of nothing (`WITH RECURSIVE`, table
//! functions) or a value out of proportion to the query (`repeat`, `array_repeat`, `range`,
//! string or array aggregates over a window). A function that is not listed is refused by name,
//! including any DataFusion adds later.

use std::ops::ControlFlow;

use datafusion::sql::sqlparser::ast::{
    BinaryOperator, Expr, Function, FunctionArg, FunctionArgExpr, FunctionArgumentList,
    FunctionArguments, Ident, ObjectName, ObjectNamePart, Query, Statement, TableFactor, Visit,
    Visitor, visit_expressions_mut,
};

use crate::bounded::CONCAT_CHECK;

/// Scalar functions. Left out on purpose: `repeat`, `array_repeat`, `range`, `generate_series`
/// and the other array builders (a value as large as a number asks), `encode` (doubles a value
/// each time it is applied), `levenshtein` (time in the product of two lengths, which the time
/// limit cannot interrupt), `arrow_cast` and the struct and map builders. The functions that can
/// build a value larger than their arguments — `concat`, `concat_ws`, `replace`,
/// `regexp_replace`, `lpad`, `rpad`, `to_char` — are allowed because the session replaces them
/// with bounded ones ([`crate::bounded`]); the others give at most a few times their input once
/// (`upper`, `translate`) or a value of fixed size. `overlay` is left out: its SQL form
/// (`OVERLAY(… PLACING …)`) is planned with DataFusion's own function, which the session cannot
/// replace.
#[rustfmt::skip]
const SCALAR: &[&str] = &[
    // numbers
    "abs", "acos", "acosh", "asin", "asinh", "atan", "atan2", "atanh", "cbrt", "ceil", "cos",
    "cosh", "cot", "degrees", "exp", "factorial", "floor", "gcd", "isnan", "iszero", "lcm", "ln",
    "log", "log10", "log2", "nanvl", "pi", "pow", "power", "radians", "random", "round", "signum",
    "sin", "sinh", "sqrt", "tan", "tanh", "trunc",
    // choices
    "coalesce", "greatest", "least", "nullif", "nvl", "nvl2", "ifnull",
    // text that keeps to (a small multiple of) its input
    "ascii", "bit_length", "btrim", "char_length", "character_length", "chr", "contains",
    "ends_with", "find_in_set", "initcap", "instr", "left", "length", "lower", "ltrim", "md5",
    "octet_length", "position", "regexp_count", "regexp_instr", "regexp_like", "regexp_match",
    "reverse", "right", "rtrim", "sha224", "sha256", "sha384", "sha512", "split_part",
    "starts_with", "strpos", "substr", "substr_index", "substring", "substring_index", "to_hex",
    "translate", "trim", "upper", "uuid",
    // text that can grow, bounded by the session
    "concat", "concat_ws", "lpad", "regexp_replace", "replace", "rpad", "to_char", "date_format",
    // dates and times
    "current_date", "current_time", "current_timestamp", "date_bin", "date_part", "date_trunc",
    "datepart", "datetrunc", "extract", "from_unixtime", "make_date", "now", "to_date",
    "to_local_time", "to_timestamp", "to_timestamp_micros", "to_timestamp_millis",
    "to_timestamp_nanos", "to_timestamp_seconds", "to_unixtime", "today",
];

/// Aggregate functions. Each keeps what it gathers in DataFusion's memory pool, so a
/// `string_agg` or `array_agg` over too many rows stops at the memory limit.
#[rustfmt::skip]
const AGGREGATE: &[&str] = &[
    "approx_distinct", "approx_median", "approx_percentile_cont",
    "approx_percentile_cont_with_weight", "array_agg", "avg", "bit_and", "bit_or", "bit_xor",
    "bool_and", "bool_or", "corr", "count", "covar", "covar_pop", "covar_samp", "first_value",
    "grouping", "last_value", "max", "mean", "median", "min", "nth_value", "percentile_cont",
    "regr_avgx", "regr_avgy", "regr_count", "regr_intercept", "regr_r2", "regr_slope", "regr_sxx",
    "regr_sxy", "regr_syy", "stddev", "stddev_pop", "stddev_samp", "string_agg", "sum", "var",
    "var_pop", "var_samp", "var_sample", "variance",
];

/// Aggregates that build one value from every row: over a window each row would get everything
/// before it, a total that grows with the square of the rows, outside the memory pool.
const GATHERING: &[&str] = &["array_agg", "string_agg"];

/// Window functions (and every aggregate but the gathering ones, with `OVER`).
#[rustfmt::skip]
const WINDOW: &[&str] = &[
    "cume_dist", "dense_rank", "first_value", "lag", "last_value", "lead", "nth_value", "ntile",
    "percent_rank", "rank", "row_number",
];

/// Most columns of a `CUBE`: DataFusion lists every subset (2^n grouping sets) before it checks
/// their number, and refuses more than 4,096 (2^12) anyway.
const MAX_CUBE: usize = 12;

/// Why a statement is refused, in words for the `sql` field.
pub fn check(statement: &Statement) -> Result<(), String> {
    match statement.visit(&mut Policy) {
        ControlFlow::Break(why) => Err(why),
        ControlFlow::Continue(()) => Ok(()),
    }
}

struct Policy;

impl Visitor for Policy {
    type Break = String;

    fn pre_visit_query(&mut self, query: &Query) -> ControlFlow<String> {
        if query.with.as_ref().is_some_and(|w| w.recursive) {
            return ControlFlow::Break(
                "WITH RECURSIVE is not allowed: a recursive query can make rows without end; use a plain WITH, joins or GROUP BY".into(),
            );
        }
        ControlFlow::Continue(())
    }

    /// Table functions (`read_csv(…)`, `generate_series(…)`) read files or make rows out of
    /// nothing; only datastore tables may be queried.
    fn pre_visit_table_factor(&mut self, factor: &TableFactor) -> ControlFlow<String> {
        let name = match factor {
            TableFactor::Table {
                name,
                args: Some(_),
                ..
            } => name.to_string(),
            TableFactor::TableFunction { expr, .. } => expr.to_string(),
            TableFactor::Function { name, .. } => name.to_string(),
            TableFactor::UNNEST { .. } => "unnest".to_string(),
            _ => return ControlFlow::Continue(()),
        };
        ControlFlow::Break(format!(
            "\"{name}\" is a table function: table functions (read_csv, read_parquet, generate_series…) are not allowed; only datastore tables, named by their resource id, can be queried"
        ))
    }

    fn pre_visit_expr(&mut self, expr: &Expr) -> ControlFlow<String> {
        match allowed(expr) {
            Ok(()) => ControlFlow::Continue(()),
            Err(why) => ControlFlow::Break(why),
        }
    }
}

fn allowed(expr: &Expr) -> Result<(), String> {
    match expr {
        Expr::Function(f) => function_allowed(f),
        Expr::Cube(sets) if sets.len() > MAX_CUBE => Err(format!(
            "CUBE over {} columns is not allowed: at most {MAX_CUBE} (use ROLLUP or GROUPING SETS)",
            sets.len()
        )),
        Expr::BinaryOp { op, .. } => match op {
            BinaryOperator::Plus
            | BinaryOperator::Minus
            | BinaryOperator::Multiply
            | BinaryOperator::Divide
            | BinaryOperator::Modulo
            | BinaryOperator::StringConcat
            | BinaryOperator::Gt
            | BinaryOperator::Lt
            | BinaryOperator::GtEq
            | BinaryOperator::LtEq
            | BinaryOperator::Eq
            | BinaryOperator::NotEq
            | BinaryOperator::And
            | BinaryOperator::Or
            | BinaryOperator::PGRegexMatch
            | BinaryOperator::PGRegexIMatch
            | BinaryOperator::PGRegexNotMatch
            | BinaryOperator::PGRegexNotIMatch
            | BinaryOperator::PGLikeMatch
            | BinaryOperator::PGILikeMatch
            | BinaryOperator::PGNotLikeMatch
            | BinaryOperator::PGNotILikeMatch => Ok(()),
            other => Err(format!("The operator {other} is not allowed")),
        },
        Expr::Identifier(_)
        | Expr::CompoundIdentifier(_)
        | Expr::IsFalse(_)
        | Expr::IsNotFalse(_)
        | Expr::IsTrue(_)
        | Expr::IsNotTrue(_)
        | Expr::IsNull(_)
        | Expr::IsNotNull(_)
        | Expr::IsUnknown(_)
        | Expr::IsNotUnknown(_)
        | Expr::IsDistinctFrom(..)
        | Expr::IsNotDistinctFrom(..)
        | Expr::InList { .. }
        | Expr::InSubquery { .. }
        | Expr::Between { .. }
        | Expr::Like { .. }
        | Expr::ILike { .. }
        | Expr::SimilarTo { .. }
        | Expr::UnaryOp { .. }
        | Expr::Cast { .. }
        | Expr::AtTimeZone { .. }
        | Expr::Extract { .. }
        | Expr::Ceil { .. }
        | Expr::Floor { .. }
        | Expr::Position { .. }
        | Expr::Substring { .. }
        | Expr::Trim { .. }
        | Expr::Nested(_)
        | Expr::Value(_)
        | Expr::TypedString(_)
        | Expr::Case { .. }
        | Expr::Exists { .. }
        | Expr::Subquery(_)
        | Expr::GroupingSets(_)
        | Expr::Cube(_)
        | Expr::Rollup(_)
        | Expr::Tuple(_)
        | Expr::Interval(_)
        | Expr::Wildcard(_)
        | Expr::QualifiedWildcard(..) => Ok(()),
        other => Err(format!(
            "\"{}\" is not allowed: use columns, literals, operators, CASE, CAST and the allowed functions",
            shorten(&other.to_string())
        )),
    }
}

fn shorten(text: &str) -> String {
    match text.char_indices().nth(60) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}

/// The name a function is called by, lower-case; None when qualified (`pg_catalog.lower`).
fn function_name(name: &ObjectName) -> Option<String> {
    match name.0.as_slice() {
        [ObjectNamePart::Identifier(ident)] => Some(ident.value.to_lowercase()),
        _ => None,
    }
}

fn function_allowed(f: &Function) -> Result<(), String> {
    let Some(name) = function_name(&f.name) else {
        return Err(format!(
            "The function \"{}\" is not allowed: call functions by their plain name",
            f.name
        ));
    };
    if !matches!(f.parameters, FunctionArguments::None) {
        return Err(format!(
            "The function call \"{}\" is not allowed",
            shorten(&f.to_string())
        ));
    }
    let listed = if f.over.is_some() {
        WINDOW.contains(&name.as_str())
            || (AGGREGATE.contains(&name.as_str()) && !GATHERING.contains(&name.as_str()))
    } else {
        SCALAR.contains(&name.as_str()) || AGGREGATE.contains(&name.as_str())
    };
    if listed {
        return Ok(());
    }
    if f.over.is_some() && GATHERING.contains(&name.as_str()) {
        return Err(format!(
            "{name} is not allowed as a window function (with OVER): each row would get every value before it; use it with GROUP BY"
        ));
    }
    Err(format!(
        "The function {name} is not allowed: datastore_search_sql offers arithmetic, comparisons, CASE, CAST, aggregates (count, sum, avg, min, max, stddev, median, percentile_cont…), window functions (row_number, rank, lag, lead…) and text, number and date functions that cannot build very large values (not repeat, lpad beyond limits, array or table functions)"
    ))
}

/// Puts the size check around each side of every `||` (see [`crate::bounded`]): a chain of
/// concatenations through subqueries would otherwise double a value at each step.
pub fn bound_concatenations(statement: &mut Statement) {
    let _ = visit_expressions_mut(statement, |expr| {
        if let Expr::BinaryOp {
            op: BinaryOperator::StringConcat,
            left,
            right,
        } = expr
        {
            for side in [left, right] {
                let inner = std::mem::replace(&mut **side, Expr::Value(sqlparser_null()));
                **side = concat_check(inner);
            }
        }
        ControlFlow::<()>::Continue(())
    });
}

fn sqlparser_null() -> datafusion::sql::sqlparser::ast::ValueWithSpan {
    datafusion::sql::sqlparser::ast::Value::Null.into()
}

fn concat_check(inner: Expr) -> Expr {
    Expr::Function(Function {
        name: ObjectName::from(vec![Ident::new(CONCAT_CHECK)]),
        uses_odbc_syntax: false,
        parameters: FunctionArguments::None,
        args: FunctionArguments::List(FunctionArgumentList {
            duplicate_treatment: None,
            args: vec![FunctionArg::Unnamed(FunctionArgExpr::Expr(inner))],
            clauses: Vec::new(),
        }),
        filter: None,
        null_treatment: None,
        over: None,
        within_group: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::sql::sqlparser::dialect::PostgreSqlDialect;
    use datafusion::sql::sqlparser::parser::Parser;

    fn verdict(sql: &str) -> Result<(), String> {
        let statements = Parser::parse_sql(&PostgreSqlDialect {}, sql).unwrap();
        check(&statements[0])
    }

    #[test]
    fn reviewed_functions_pass_and_others_are_named() {
        for ok in [
            "SELECT lower(a), round(avg(b), 2), count(*) FROM t GROUP BY 1",
            "SELECT a, row_number() OVER (PARTITION BY a ORDER BY b), sum(b) OVER () FROM t",
            "SELECT CASE WHEN a > 1 THEN 'x' ELSE coalesce(b, 'y') END, CAST(c AS INT) FROM t",
            "SELECT substring(a FROM 1 FOR 3), trim(b), extract(year FROM d), a || b FROM t",
            "WITH x AS (SELECT a FROM t) SELECT string_agg(a, ',') FROM x",
            "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY b) FROM t",
        ] {
            assert_eq!(verdict(ok), Ok(()), "{ok}");
        }
        for (bad, why) in [
            ("SELECT repeat('x', 1000000000)", "repeat"),
            ("SELECT concat(a, repeat(a, 99)) FROM t", "repeat"),
            ("SELECT array_repeat(1, 1000000000)", "array_repeat"),
            ("SELECT range(1, 1000000000)", "range"),
            ("SELECT generate_series(1, 1000000000)", "generate_series"),
            ("SELECT make_array(a, a) FROM t", "make_array"),
            (
                "SELECT string_agg(a, ',') OVER (ORDER BY a) FROM t",
                "window function",
            ),
            ("SELECT pg_catalog.lower(a) FROM t", "plain name"),
            ("SELECT ARRAY[1, 2]", "not allowed"),
            ("SELECT * FROM unnest([1, 2])", "table function"),
            (
                "SELECT a FROM t GROUP BY CUBE(a,b,c,d,e,f,g,h,i,j,k,l,m)",
                "CUBE",
            ),
            (
                "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT * FROM r",
                "WITH RECURSIVE",
            ),
            (
                "SELECT * FROM t WHERE a IN (WITH RECURSIVE r AS (SELECT 1) SELECT * FROM r)",
                "WITH RECURSIVE",
            ),
        ] {
            let why_not = verdict(bad).unwrap_err();
            assert!(why_not.contains(why), "{bad}: {why_not}");
        }
    }

    #[test]
    fn each_side_of_a_concatenation_is_checked() {
        let mut statements =
            Parser::parse_sql(&PostgreSqlDialect {}, "SELECT a || b || 'c' FROM t").unwrap();
        bound_concatenations(&mut statements[0]);
        assert_eq!(
            statements[0].to_string(),
            "SELECT agora_bounded(agora_bounded(a) || agora_bounded(b)) || agora_bounded('c') FROM t"
        );
    }
}
