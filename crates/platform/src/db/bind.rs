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

/// `.bind_bilingual(&title)` binds `title.en` then `title.fr`: the query names the two columns
/// side by side (`title_en, title_fr`), as every bilingual field is stored.
pub trait BindBilingual<'q>: Sized {
    fn bind_bilingual(self, text: impl Into<BilingualRef<'q>>) -> Self;
}

impl<'q, DB> BindBilingual<'q> for Query<'q, DB, <DB as Database>::Arguments>
where
    DB: Database,
    &'q str: Encode<'q, DB> + Type<DB>,
{
    fn bind_bilingual(self, text: impl Into<BilingualRef<'q>>) -> Self {
        let text = text.into();
        self.bind(text.en).bind(text.fr)
    }
}

impl<'q, DB, O> BindBilingual<'q> for QueryAs<'q, DB, O, <DB as Database>::Arguments>
where
    DB: Database,
    &'q str: Encode<'q, DB> + Type<DB>,
{
    fn bind_bilingual(self, text: impl Into<BilingualRef<'q>>) -> Self {
        let text = text.into();
        self.bind(text.en).bind(text.fr)
    }
}

impl<'q, DB, O> BindBilingual<'q> for QueryScalar<'q, DB, O, <DB as Database>::Arguments>
where
    DB: Database,
    &'q str: Encode<'q, DB> + Type<DB>,
{
    fn bind_bilingual(self, text: impl Into<BilingualRef<'q>>) -> Self {
        let text = text.into();
        self.bind(text.en).bind(text.fr)
    }
}
