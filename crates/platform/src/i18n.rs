//! English and French. Messages live in `locales/{en,fr}/*.ftl` at the workspace root; every
//! area adds its own file there. URLs carry the language as their first segment.

use std::borrow::Cow;
use std::collections::HashMap;

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{Loader, static_loader};
use serde::{Deserialize, Serialize};
use unic_langid::LanguageIdentifier;

static_loader! {
    static LOCALES = {
        locales: "../../locales",
        fallback_language: "en",
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

/// Whether a message exists (in English, which every message has).
pub fn has_key(key: &str) -> bool {
    LOCALES.try_lookup(&EN, key).is_some()
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    En,
    Fr,
}

static EN: LanguageIdentifier = unic_langid::langid!("en");
static FR: LanguageIdentifier = unic_langid::langid!("fr");

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Fr];

    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Fr => "fr",
        }
    }

    pub fn from_code(code: &str) -> Option<Lang> {
        match code {
            "en" => Some(Lang::En),
            "fr" => Some(Lang::Fr),
            _ => None,
        }
    }

    pub fn other(self) -> Lang {
        match self {
            Lang::En => Lang::Fr,
            Lang::Fr => Lang::En,
        }
    }

    /// The name of the language in itself, for the toggle.
    pub fn endonym(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Fr => "Français",
        }
    }

    fn langid(self) -> &'static LanguageIdentifier {
        match self {
            Lang::En => &EN,
            Lang::Fr => &FR,
        }
    }

    pub fn t(self, key: &str) -> String {
        LOCALES.try_lookup(self.langid(), key).unwrap_or_else(|| {
            tracing::warn!(key, lang = self.code(), "missing message");
            key.to_string()
        })
    }

    /// A message with arguments. An argument that is an integer written plainly (`3`, `-1`)
    /// reaches Fluent as a number, so that plural selectors (`[one]`, `*[other]`) work.
    /// A field's error with its label in front, as error summaries show it: "Title: This field
    /// is required." (French puts a space before the colon).
    pub fn labelled(self, label: &str, message: &str) -> String {
        self.t_args(
            "error-field-labelled",
            &[
                ("label", label.to_string()),
                ("message", message.to_string()),
            ],
        )
    }

    pub fn t_args(self, key: &str, args: &[(&str, String)]) -> String {
        let map: HashMap<Cow<'static, str>, FluentValue<'_>> = args
            .iter()
            .map(|(k, v)| (Cow::Owned(k.to_string()), fluent_value(v)))
            .collect();
        LOCALES
            .try_lookup_with_args(self.langid(), key, &map)
            .unwrap_or_else(|| key.to_string())
    }

    pub fn msg(self, msg: &crate::error::Msg) -> String {
        if msg.args.is_empty() {
            self.t(&msg.key)
        } else {
            self.t_args(
                &msg.key,
                &msg.args
                    .iter()
                    .map(|(k, v)| (*k, v.clone()))
                    .collect::<Vec<_>>(),
            )
        }
    }

    /// Picks the language from an `Accept-Language` header, honouring q-values; English when
    /// neither is asked for.
    pub fn from_accept_language(header: &str) -> Lang {
        let mut best: Option<(f32, Lang)> = None;
        for part in header.split(',') {
            let mut pieces = part.trim().split(';');
            let tag = pieces.next().unwrap_or("").trim().to_ascii_lowercase();
            let q = pieces
                .find_map(|p| {
                    p.trim()
                        .strip_prefix("q=")
                        .and_then(|v| v.parse::<f32>().ok())
                })
                .unwrap_or(1.0);
            let primary = tag.split('-').next().unwrap_or("");
            if let Some(lang) = Lang::from_code(primary)
                && best.is_none_or(|(bq, _)| q > bq)
            {
                best = Some((q, lang));
            }
        }
        best.map(|(_, l)| l).unwrap_or(Lang::En)
    }

    /// A date as people write it in this language: "26 November 2026" / "26 novembre 2026".
    pub fn date(self, d: time::Date) -> String {
        let month = d.month() as usize - 1;
        match self {
            Lang::En => {
                const M: [&str; 12] = [
                    "January",
                    "February",
                    "March",
                    "April",
                    "May",
                    "June",
                    "July",
                    "August",
                    "September",
                    "October",
                    "November",
                    "December",
                ];
                format!("{} {}, {}", M[month], d.day(), d.year())
            }
            Lang::Fr => {
                const M: [&str; 12] = [
                    "janvier",
                    "février",
                    "mars",
                    "avril",
                    "mai",
                    "juin",
                    "juillet",
                    "août",
                    "septembre",
                    "octobre",
                    "novembre",
                    "décembre",
                ];
                let day = if d.day() == 1 {
                    "1er".to_string()
                } else {
                    d.day().to_string()
                };
                format!("{} {} {}", day, M[month], d.year())
            }
        }
    }

    pub fn datetime(self, t: time::OffsetDateTime) -> String {
        let t = t.to_offset(time::UtcOffset::UTC);
        match self {
            Lang::En => format!(
                "{} {:02}:{:02} UTC",
                self.date(t.date()),
                t.hour(),
                t.minute()
            ),
            Lang::Fr => format!(
                "{} à {:02} h {:02} UTC",
                self.date(t.date()),
                t.hour(),
                t.minute()
            ),
        }
    }

    /// Numbers with the grouping each language uses: 1,234 / 1 234.
    pub fn number(self, n: i64) -> String {
        let digits = n.unsigned_abs().to_string();
        let sep = match self {
            Lang::En => ",",
            Lang::Fr => "\u{202f}",
        };
        let mut out = String::new();
        for (i, ch) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push_str(sep);
            }
            out.push(ch);
        }
        if n < 0 { format!("-{out}") } else { out }
    }
}

/// An argument as Fluent sees it: integers as numbers (only when the text is exactly the
/// number, so "007" or "1,5" stay text), everything else as text.
fn fluent_value(v: &str) -> FluentValue<'static> {
    match v.parse::<i64>() {
        Ok(n) if n.to_string() == v => FluentValue::from(n),
        _ => FluentValue::from(v.to_string()),
    }
}

/// Text in both languages; either may be empty (and may be left out when read).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Bilingual {
    pub en: String,
    pub fr: String,
}

impl Bilingual {
    pub fn new(en: impl Into<String>, fr: impl Into<String>) -> Self {
        Bilingual {
            en: en.into(),
            fr: fr.into(),
        }
    }
    /// The text in `lang`, or in the other language when it is missing.
    pub fn get(&self, lang: Lang) -> &str {
        let (want, other) = match lang {
            Lang::En => (&self.en, &self.fr),
            Lang::Fr => (&self.fr, &self.en),
        };
        if want.trim().is_empty() { other } else { want }
    }
    /// True when the text is missing in `lang` and is shown in the other language.
    pub fn missing(&self, lang: Lang) -> bool {
        match lang {
            Lang::En => self.en.trim().is_empty() && !self.fr.trim().is_empty(),
            Lang::Fr => self.fr.trim().is_empty() && !self.en.trim().is_empty(),
        }
    }
}

pub fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = n as f64;
    let mut unit = 0;
    while v >= 1024.0 && unit < UNITS.len() - 1 {
        v /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} B")
    } else if v.fract() == 0.0 {
        format!("{v:.0} {}", UNITS[unit])
    } else {
        format!("{v:.1} {}", UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;
    use std::path::Path;

    fn keys(lang: &str) -> BTreeSet<String> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../locales")
            .join(lang);
        let mut out = BTreeSet::new();
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "ftl") {
                for line in std::fs::read_to_string(&path).unwrap().lines() {
                    if let Some((key, _)) = line.split_once('=') {
                        let key = key.trim();
                        if !line.starts_with([' ', '#', '.', '\t'])
                            && !key.is_empty()
                            && key
                                .chars()
                                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
                        {
                            out.insert(key.to_string());
                        }
                    }
                }
            }
        }
        out
    }

    #[test]
    fn every_message_exists_in_both_languages() {
        let en = keys("en");
        let fr = keys("fr");
        let only_en: Vec<_> = en.difference(&fr).collect();
        let only_fr: Vec<_> = fr.difference(&en).collect();
        assert!(only_en.is_empty(), "missing in French: {only_en:?}");
        assert!(only_fr.is_empty(), "missing in English: {only_fr:?}");
        assert!(en.len() > 20);
    }

    /// Every key a template or handler asks for (`t("…")`) exists.
    #[test]
    fn every_used_key_exists() {
        let en = keys("en");
        let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut missing = Vec::new();
        let mut stack = vec![crates];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                if !path.extension().is_some_and(|e| e == "html" || e == "rs") {
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap();
                for (i, _) in text.match_indices("t(\"") {
                    let rest = &text[i + 3..];
                    let key = &rest[..rest.find('"').unwrap_or(0)];
                    let before = text[..i].chars().last().unwrap_or(' ');
                    if (before == '.' || before == ' ' || before == '(')
                        && !key.is_empty()
                        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                        && key.contains('-')
                        && !en.contains(key)
                    {
                        missing.push(format!("{}: {key}", path.display()));
                    }
                }
            }
        }
        assert!(
            missing.is_empty(),
            "keys used but not defined: {missing:#?}"
        );
    }

    #[test]
    fn accept_language() {
        assert_eq!(
            Lang::from_accept_language("fr-CA,fr;q=0.9,en;q=0.8"),
            Lang::Fr
        );
        assert_eq!(Lang::from_accept_language("en-US,fr;q=0.5"), Lang::En);
        assert_eq!(Lang::from_accept_language("de-DE"), Lang::En);
        assert_eq!(Lang::from_accept_language("de, fr;q=0.3"), Lang::Fr);
    }

    #[test]
    fn formatting() {
        let d = time::macros::date!(2016 - 12 - 01);
        assert_eq!(Lang::En.date(d), "December 1, 2016");
        assert_eq!(Lang::Fr.date(d), "1er décembre 2016");
        assert_eq!(Lang::En.number(53402), "53,402");
        assert_eq!(Lang::Fr.number(1234567), "1\u{202f}234\u{202f}567");
        assert_eq!(human_bytes(10 * 1024 * 1024), "10 MiB");
    }

    #[test]
    fn bilingual_reads_with_one_language_left_out() {
        let b: Bilingual = serde_json::from_str(r#"{"fr": "Eau"}"#).unwrap();
        assert_eq!(b, Bilingual::new("", "Eau"));
    }

    #[test]
    fn bilingual_reads_with_only_english_or_nothing() {
        let b: Bilingual = serde_json::from_str(r#"{"en": "Water"}"#).unwrap();
        assert_eq!(b, Bilingual::new("Water", ""));
        let b: Bilingual = serde_json::from_str("{}").unwrap();
        assert_eq!(b, Bilingual::default());
    }

    /// Integer arguments reach Fluent as numbers: plural selectors pick `[one]` for 1 in both
    /// languages, and text that only looks like a number stays text.
    #[test]
    fn integer_arguments_select_plurals() {
        let count = |lang: Lang, v: &str| lang.t_args("results-count", &[("count", v.into())]);
        assert_eq!(count(Lang::En, "1"), "1 result");
        assert_eq!(count(Lang::En, "3"), "3 results");
        assert_eq!(count(Lang::En, "0"), "0 results");
        assert_eq!(count(Lang::Fr, "1"), "1 résultat");
        assert_eq!(count(Lang::Fr, "0"), "0 résultat");
        assert_eq!(count(Lang::Fr, "2"), "2 résultats");
        // Grouped digits are text, which selects the default.
        assert_eq!(count(Lang::En, "1,234"), "1,234 results");
        assert!(matches!(fluent_value("42"), FluentValue::Number(_)));
        assert!(matches!(fluent_value("-7"), FluentValue::Number(_)));
        for text in ["007", "1,5", "2.0", "", "x1", "+3"] {
            assert!(
                matches!(fluent_value(text), FluentValue::String(_)),
                "{text}"
            );
        }
        // A number keeps its digits as written (no grouping).
        assert_eq!(count(Lang::En, "2017"), "2017 results");
    }

    #[test]
    fn bilingual_falls_back() {
        let b = Bilingual::new("Water", "");
        assert_eq!(b.get(Lang::Fr), "Water");
        assert!(b.missing(Lang::Fr));
        assert!(!b.missing(Lang::En));
    }
}
