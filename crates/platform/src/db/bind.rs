//! Binding a bilingual text as its two columns, English then French, in one call.

use sqlx::query::{Query, QueryAs, QueryScalar};
use sqlx::{Database, Encode, Type};

use crate::i18n::Bilingual;

/// The two texts of a bilingual value, borrowed: from a [`Bilingual`] or from an `(en, fr)` pair
/// of the `_en`/`_fr` fields many forms and API bodies have.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BilingualRef<'a> {
    pub en: &'a str,
    pub fr: &'a str,
}

impl<'a> From<&'a Bilingual> for BilingualRef<'a> {
    fn from(b: &'a Bilingual) -> Self {
        BilingualRef {
            en: &b.en,
            fr: &b.fr,
        }
    }
}

impl<'a> From<(&'a str, &'a str)> for BilingualRef<'a> {
    fn from((en, fr): (&'a str, &'a str)) -> Self {
        BilingualRef { en, fr }
    }
}

impl<'a> From<(&'a String, &'a String)> for BilingualRef<'a> {
    fn from((en, fr): (&'a String, &'a String)) -> Self {
        BilingualRef { en, fr }
    }
}

impl<'a> BilingualRef<'a> {
    /// Both texts without their leading and trailing white space, as forms store them.
    pub fn trimmed(self) -> Self {
        BilingualRef {
            en: self.en.trim(),
            fr: self.fr.trim(),
        }
    }
}

/// `.bind_all(ids)` binds each value in turn: the parameters of an `IN (…)` list numbered with
/// [`placeholders`](super::placeholders), or several parameters that take one value each.
pub trait BindAll<'q>: Sized {
    type Database: Database;
    fn bind_all<T>(self, values: impl IntoIterator<Item = T>) -> Self
    where
        T: 'q + Encode<'q, Self::Database> + Type<Self::Database>;
}

/// The same `bind_all` for each of sqlx's query builders, which have `bind` but no trait in
/// common.
macro_rules! bind_all_for {
    ($($query:ty => <$($param:ident),*>),+ $(,)?) => {$(
        impl<'q, DB: Database, $($param),*> BindAll<'q> for $query {
            type Database = DB;
            fn bind_all<T>(self, values: impl IntoIterator<Item = T>) -> Self
            where
                T: 'q + Encode<'q, DB> + Type<DB>,
            {
                values.into_iter().fold(self, |query, value| query.bind(value))
            }
        }
    )+};
}

bind_all_for! {
    Query<'q, DB, <DB as Database>::Arguments> => <>,
    QueryAs<'q, DB, O, <DB as Database>::Arguments> => <O>,
    QueryScalar<'q, DB, O, <DB as Database>::Arguments> => <O>,
}

/// `.bind_bilingual(&title)` binds `title.en` then `title.fr`: the query names the two columns
/// side by side (`title_en, title_fr`), as every bilingual field is stored.
pub trait BindBilingual<'q>: Sized {
    fn bind_bilingual(self, text: impl Into<BilingualRef<'q>>) -> Self;
}

impl<'q, Q> BindBilingual<'q> for Q
where
    Q: BindAll<'q>,
    &'q str: Encode<'q, Q::Database> + Type<Q::Database>,
{
    fn bind_bilingual(self, text: impl Into<BilingualRef<'q>>) -> Self {
        let text = text.into();
        self.bind_all([text.en, text.fr])
    }
}
