//! People, organizations and tokens to act as, made directly in the database.

use uuid::Uuid;

use crate::auth::{self, CurrentUser, NewUser, Role};
use crate::orgs::{self, NewOrganization, Organization};
use crate::{Actor, Bilingual, Db};

/// The password of every [`Person`] unless the test gives another.
pub const PASSWORD: &str = "a long enough password";

/// A person to create: a verified participant reading English, with [`PASSWORD`], unless told
/// otherwise.
///
/// ```ignore
/// let editor = Person::new("editor@health.example").editor_for(health.id).create(db).await;
/// let admin = Person::new("admin@example.org").role(Role::Admin).create(db).await;
/// ```
pub struct Person<'a> {
    email: &'a str,
    display_name: &'a str,
    password: &'a str,
    role: Role,
    verified: bool,
    locale: &'a str,
    organizations: Vec<Uuid>,
}

impl<'a> Person<'a> {
    pub fn new(email: &'a str) -> Person<'a> {
        Person {
            email,
            display_name: "",
            password: PASSWORD,
            role: Role::Participant,
            verified: true,
            locale: "en",
            organizations: Vec::new(),
        }
    }

    pub fn role(mut self, role: Role) -> Person<'a> {
        self.role = role;
        self
    }

    /// An editor who edits for `org`.
    pub fn editor_for(self, org: Uuid) -> Person<'a> {
        self.role(Role::Editor).member_of(org)
    }

    /// A membership of `org` (which grants editing only with the editor role).
    pub fn member_of(mut self, org: Uuid) -> Person<'a> {
        self.organizations.push(org);
        self
    }

    pub fn name(mut self, display_name: &'a str) -> Person<'a> {
        self.display_name = display_name;
        self
    }

    pub fn password(mut self, password: &'a str) -> Person<'a> {
        self.password = password;
        self
    }

    pub fn verified(mut self, verified: bool) -> Person<'a> {
        self.verified = verified;
        self
    }

    pub fn locale(mut self, locale: &'a str) -> Person<'a> {
        self.locale = locale;
        self
    }

    /// Creates the account (and its memberships) in one transaction.
    pub async fn create(self, db: &Db) -> CurrentUser {
        let actor = Actor::system("test");
        let mut tx = db.begin().await.unwrap();
        let user = auth::create_user(
            &mut tx,
            &actor,
            NewUser {
                email: self.email,
                display_name: self.display_name,
                password: self.password,
                role: self.role,
                verified: self.verified,
                locale: self.locale,
            },
        )
        .await
        .unwrap();
        for org in &self.organizations {
            auth::add_membership(&mut tx, &actor, user.id, *org)
                .await
                .unwrap();
        }
        tx.commit().await.unwrap();
        CurrentUser {
            id: user.id,
            email: user.email,
            display_name: user.display_name,
            role: self.role,
            verified: self.verified,
            organizations: self.organizations,
        }
    }
}

/// The provincial ministry with this slug, created with these titles when missing.
pub async fn org(db: &Db, slug: &str, en: &str, fr: &str) -> Organization {
    if let Some(o) = orgs::find_by_slug(db, slug).await.unwrap() {
        return o;
    }
    let mut tx = db.begin().await.unwrap();
    let o = orgs::create(
        &mut tx,
        &Actor::system("test"),
        NewOrganization {
            slug: slug.into(),
            title: Bilingual::new(en, fr),
            description: Bilingual::default(),
            jurisdiction: "provincial".into(),
            category: "ministry".into(),
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    o
}

/// A new API token of `user`: the secret to send.
pub async fn api_token(db: &Db, user: Uuid) -> String {
    let mut tx = db.begin().await.unwrap();
    let (secret, _) = auth::create_api_token(&mut tx, &Actor::system("test"), user, "test", None)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    secret
}

/// How many rows `from` has: a table, or a table and its condition (`"audit_log WHERE …"`).
pub async fn count(db: &Db, from: &str) -> i64 {
    async fn inner(db: &Db, sql: String) -> crate::Result<i64> {
        Ok(crate::read!(db, |c| sqlx::query_scalar::<_, i64>(
            sqlx::AssertSqlSafe(sql.as_str())
        )
        .fetch_one(&mut *c)
        .await?))
    }
    inner(db, format!("SELECT COUNT(*) FROM {from}"))
        .await
        .unwrap()
}
