//! The SQL functions that can make a value larger than their arguments (`concat`, `||`,
//! `concat_ws`, `replace`, `regexp_replace`, `lpad`, `rpad`, `to_char`), bounded.
//! DataFusion's memory pool does not see the values a function allocates, and a failed
//! allocation aborts the process; one such function only adds to its arguments or multiplies
//! them by a constant, but a query can feed each one's answer to the next (through subqueries)
//! and double a value forty times in a few lines. So each one is replaced, in the SQL session, by
//! a wrapper that works out from its arguments how large its answer can be, and refuses before
//! allocating when that is beyond a quarter of the query memory.

use std::sync::Arc;

use datafusion::arrow::array::{Array, AsArray};
use datafusion::arrow::compute::kernels::aggregate::max;
use datafusion::arrow::compute::kernels::cast::cast;
use datafusion::arrow::datatypes::{DataType, FieldRef, Int64Type};
use datafusion::common::ScalarValue;
use datafusion::error::{DataFusionError, Result as DfResult};
use datafusion::execution::FunctionRegistry;
use datafusion::logical_expr::{
    ColumnarValue, Documentation, ReturnFieldArgs, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl,
    Signature, Volatility,
};
use datafusion::prelude::SessionContext;

/// The name of the check put around each side of `||` (see [`crate::sql_functions`]).
pub const CONCAT_CHECK: &str = "agora_bounded";

/// How large a function's answer can be, from its arguments.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Growth {
    /// At most the sum of its arguments (`concat`).
    Sum,
    /// `concat_ws(sep, …)`: the arguments, and the separator between each two.
    Separated,
    /// `replace(text, from, to)`: each character (and the end) replaced by `to` at worst.
    Replace,
    /// `regexp_replace(text, pattern, replacement)`: as `replace`, where the replacement may
    /// repeat the match (`$0`) once per two of its bytes.
    RegexpReplace,
    /// `lpad` / `rpad(text, n)`: n characters of up to four bytes, whatever the text.
    Pad,
    /// `to_char(date, format)`: a format specifier writes at most 16 bytes per byte of it
    /// (`%+` is two bytes and writes 32).
    Format,
}

/// Per function: (name, how it grows).
const GROWING: &[(&str, Growth)] = &[
    ("concat", Growth::Sum),
    ("concat_ws", Growth::Separated),
    ("replace", Growth::Replace),
    ("regexp_replace", Growth::RegexpReplace),
    ("lpad", Growth::Pad),
    ("rpad", Growth::Pad),
    ("to_char", Growth::Format),
];

/// A function of DataFusion's, refusing arguments whose answer would be larger than `cap` bytes
/// (for a batch of rows).
#[derive(Debug, PartialEq, Eq, Hash)]
struct Bounded {
    inner: Arc<ScalarUDF>,
    growth: Growth,
    cap: usize,
}

/// Puts the bounded functions in place of DataFusion's in `ctx`, with answers up to `cap` bytes
/// a batch, and the check used around `||`.
pub fn install(ctx: &SessionContext, cap: usize) -> DfResult<()> {
    for (name, growth) in GROWING {
        let inner = ctx.udf(name)?;
        ctx.register_udf(ScalarUDF::new_from_impl(Bounded {
            inner,
            growth: *growth,
            cap,
        }));
    }
    ctx.register_udf(ScalarUDF::new_from_impl(ConcatCheck {
        signature: Signature::any(1, Volatility::Immutable),
        cap: cap / 2,
    }));
    Ok(())
}

fn too_large(name: &str, bytes: u128, cap: usize) -> DataFusionError {
    DataFusionError::Execution(format!(
        "{name}(…) would build values of {} MB or more, beyond the datastore's limit of {} MB for values a query builds: build shorter values (fewer or shorter parts, filters, a LIMIT)",
        bytes >> 20,
        cap >> 20
    ))
}

/// Bytes of text an argument holds for `rows` rows, and its longest value (a value that is not
/// text counts as its memory plus 32 bytes a row: a number or a date written as text is shorter).
fn text_bytes(value: &ColumnarValue, rows: usize) -> (u128, u128) {
    match value {
        ColumnarValue::Scalar(s) => {
            let one = scalar_bytes(s);
            (one * rows as u128, one)
        }
        ColumnarValue::Array(a) => match a.data_type() {
            DataType::Utf8 => {
                offsets_bytes(a.as_string::<i32>().offsets().iter().map(|o| *o as i64))
            }
            DataType::LargeUtf8 => offsets_bytes(a.as_string::<i64>().offsets().iter().copied()),
            DataType::Utf8View => {
                let v = a.as_string_view();
                let lengths = v.views().iter().map(|view| (*view as u32) as u128);
                lengths.fold((0, 0), |(total, longest), l| (total + l, longest.max(l)))
            }
            _ => {
                let total = a.get_array_memory_size() as u128 + 32 * a.len() as u128;
                (total, total)
            }
        },
    }
}

fn offsets_bytes(offsets: impl Iterator<Item = i64>) -> (u128, u128) {
    let mut previous: Option<i64> = None;
    let (mut first, mut last, mut longest) = (0i64, 0i64, 0i64);
    for o in offsets {
        match previous {
            None => first = o,
            Some(p) => longest = longest.max(o - p),
        }
        previous = Some(o);
        last = o;
    }
    ((last - first).max(0) as u128, longest.max(0) as u128)
}

fn scalar_bytes(s: &ScalarValue) -> u128 {
    match s {
        ScalarValue::Utf8(v) | ScalarValue::LargeUtf8(v) | ScalarValue::Utf8View(v) => {
            v.as_ref().map(|t| t.len()).unwrap_or(0) as u128
        }
        other => other.size() as u128 + 32,
    }
}

/// The largest whole number an argument holds (a pad length), 0 for none or negative ones.
fn largest_count(value: &ColumnarValue) -> DfResult<u128> {
    let n = match value {
        ColumnarValue::Scalar(s) => match s.cast_to(&DataType::Int64)? {
            ScalarValue::Int64(v) => v.unwrap_or(0),
            _ => 0,
        },
        ColumnarValue::Array(a) => {
            let ints = cast(a, &DataType::Int64)?;
            max(ints.as_primitive::<Int64Type>()).unwrap_or(0)
        }
    };
    Ok(n.max(0) as u128)
}

impl Bounded {
    /// The most bytes the answer can have.
    fn bound(&self, args: &[ColumnarValue], rows: usize) -> DfResult<u128> {
        let rows_u = rows as u128;
        let bytes = |i: usize| args.get(i).map(|a| text_bytes(a, rows)).unwrap_or((0, 0));
        Ok(match self.growth {
            Growth::Sum => (0..args.len()).map(|i| bytes(i).0).sum(),
            Growth::Separated => {
                let separators = bytes(0).0 * args.len().saturating_sub(2) as u128;
                separators + (1..args.len()).map(|i| bytes(i).0).sum::<u128>()
            }
            Growth::Replace => (bytes(0).0 + rows_u) * (1 + bytes(2).1),
            Growth::RegexpReplace => (bytes(0).0 + rows_u) * (1 + 2 * bytes(2).1),
            Growth::Pad => {
                let n = args.get(1).map(largest_count).transpose()?.unwrap_or(0);
                rows_u * n * 4
            }
            Growth::Format => rows_u * 16 * (bytes(1).1 + 1),
        })
    }
}

impl ScalarUDFImpl for Bounded {
    fn name(&self) -> &str {
        self.inner.name()
    }

    fn aliases(&self) -> &[String] {
        self.inner.aliases()
    }

    fn signature(&self) -> &Signature {
        self.inner.signature()
    }

    fn return_type(&self, arg_types: &[DataType]) -> DfResult<DataType> {
        self.inner.return_type(arg_types)
    }

    fn return_field_from_args(&self, args: ReturnFieldArgs) -> DfResult<FieldRef> {
        self.inner.return_field_from_args(args)
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> DfResult<Vec<DataType>> {
        self.inner.coerce_types(arg_types)
    }

    fn documentation(&self) -> Option<&Documentation> {
        self.inner.documentation()
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> DfResult<ColumnarValue> {
        let bound = self.bound(&args.args, args.number_rows)?;
        if bound > self.cap as u128 {
            return Err(too_large(self.name(), bound, self.cap));
        }
        self.inner.invoke_with_args(args)
    }
}

/// `agora_bounded(x)`: x, unless its values for a batch are more than `cap` bytes; put around
/// each side of `||` so that a concatenation is never more than twice that.
#[derive(Debug, PartialEq, Eq, Hash)]
struct ConcatCheck {
    signature: Signature,
    cap: usize,
}

impl ScalarUDFImpl for ConcatCheck {
    fn name(&self) -> &str {
        CONCAT_CHECK
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, arg_types: &[DataType]) -> DfResult<DataType> {
        Ok(arg_types[0].clone())
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> DfResult<ColumnarValue> {
        let [value] = <[ColumnarValue; 1]>::try_from(args.args)
            .map_err(|_| DataFusionError::Plan(format!("{CONCAT_CHECK} takes one value")))?;
        let (total, _) = text_bytes(&value, args.number_rows);
        if total > self.cap as u128 {
            return Err(too_large("||", total * 2, self.cap * 2));
        }
        Ok(value)
    }
}
