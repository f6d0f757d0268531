//! What the tests share, on the platform's test kit: a client of the tracker's site, people and
//! organizations to act as, and page text to compare words.

use platform::Db;
use platform::auth::Role;
use platform::testing::{self, Multipart, Person, TestDb};
pub use platform::testing::{Client, Reply, count};
use uuid::Uuid;

/// A visitor of the tracker's pages and API on `t`.
pub fn client(t: &TestDb) -> Client {
    Client::site(&t.platform(), tracker::pages(), tracker::api())
}

/// Posts the OGP CSV import form with `file` as its CSV, read as text in `lang`.
pub async fn post_import(c: &Client, uri: &str, lang: &str, file: &str) -> Reply {
    let form = Multipart::new()
        .field("text_lang", lang)
        .csv("file", "ogp.csv", file.as_bytes());
    c.post_multipart(uri, form).await
}

/// An organization by slug, created when missing.
pub async fn org(db: &Db, slug: &str, en: &str, fr: &str) -> Uuid {
    testing::org(db, slug, en, fr).await.id
}

/// A verified account with a role, editing for `org` when given.
pub async fn person(db: &Db, email: &str, name: &str, role: Role, org: Option<Uuid>) -> Uuid {
    let person = Person::new(email).name(name).role(role);
    let person = match org {
        Some(org) => person.member_of(org),
        None => person,
    };
    person.create(db).await.id
}

/// An API token for a person.
pub async fn token(db: &Db, user: Uuid) -> String {
    testing::api_token(db, user).await
}

/// Page text without tags, entities decoded and white space collapsed, for comparing words.
/// Inline elements join their neighbours; others separate words.
pub fn text(html: &str) -> String {
    const INLINE: [&str; 9] = [
        "a", "strong", "em", "span", "code", "time", "abbr", "b", "i",
    ];
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let Some(end) = rest[start..].find('>') else {
            break;
        };
        let tag = &rest[start + 1..start + end];
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        if !INLINE.contains(&name.to_ascii_lowercase().as_str()) {
            out.push(' ');
        }
        rest = &rest[start + end + 1..];
    }
    out.push_str(rest);
    let out = out
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&quot;", "\"")
        .replace("&#34;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&");
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}
