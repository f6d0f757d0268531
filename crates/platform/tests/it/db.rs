//! The data-access kit on every engine: `Conn` and `on!`, `sql!`, `placeholders`,
//! `bind_bilingual`, `on_unique`/`on_foreign_key`, the audit helpers and `Db::write`.

use platform::db::{Audited, BindBilingual, Conn, OnViolation, Tx, now, placeholders};
use platform::{Actor, Bilingual, Db, Error, FieldError, Result, exec, on, sql, testing};
use uuid::Uuid;

const ORG_COLUMNS: &str = "id, slug, title_en, title_fr";
const INSERT_ORG: &str = sql!(
    "INSERT INTO organizations (",
    ORG_COLUMNS,
    ", created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)"
);
const TITLE_BY_SLUG: &str = sql!("SELECT title_en, title_fr FROM organizations WHERE slug = $1");

/// A store function written once for both a `&Db` and a `&mut Tx`.
async fn title_by_slug(conn: impl Into<Conn<'_>>, slug: &str) -> Result<Option<Bilingual>> {
    let row: Option<(String, String)> = on!(conn, |c| sqlx::query_as(TITLE_BY_SLUG)
        .bind(slug)
        .fetch_optional(&mut *c)
        .await?);
    Ok(row.map(|(en, fr)| Bilingual::new(en, fr)))
}

/// Two statements on one converted `Conn`, the second through a reborrow of the first.
async fn titles_of_two(
    conn: impl Into<Conn<'_>>,
    a: &str,
    b: &str,
) -> Result<(Option<Bilingual>, Option<Bilingual>)> {
    let mut conn = conn.into();
    let first = title_by_slug(&mut conn, a).await?;
    let second = title_by_slug(&mut conn, b).await?;
    Ok((first, second))
}

async fn insert_org(tx: &mut Tx, slug: &str, title: &Bilingual) -> Result<Uuid, sqlx::Error> {
    let id = Uuid::now_v7();
    exec!(tx, |c| sqlx::query(INSERT_ORG)
        .bind(id)
        .bind(slug)
        .bind_bilingual(title)
        .bind(now())
        .execute(&mut *c)
        .await?
        .rows_affected());
    Ok(id)
}

#[tokio::test]
async fn conn_reads_on_the_pool_or_inside_the_transaction() -> Result<()> {
    for t in testing::engines().await {
        let (db, engine) = (&t.db, t.engine);
        let mut tx = db.begin().await.unwrap();
        let title = Bilingual::new("Health", "Santé");
        insert_org(&mut tx, "health", &title).await.unwrap();

        // Inside the transaction the new row is there; on the read pool it is not yet.
        let inside = title_by_slug(&mut tx, "health").await.unwrap();
        assert_eq!(inside.as_ref(), Some(&title), "{engine}");
        assert_eq!(title_by_slug(db, "health").await.unwrap(), None, "{engine}");
        let (a, b) = titles_of_two(&mut tx, "health", "nowhere").await.unwrap();
        assert_eq!((a.as_ref(), b), (Some(&title), None), "{engine}");
        // The transaction is still usable after lending its connection.
        tx.commit().await.unwrap();

        assert_eq!(
            title_by_slug(db, "health").await.unwrap(),
            Some(title),
            "{engine}"
        );
        assert_eq!(Conn::from(db).engine(), db.engine(), "{engine}");
    }
    Ok(())
}

#[tokio::test]
async fn placeholders_bind_an_in_list_after_other_parameters() -> Result<()> {
    for t in testing::engines().await {
        let (db, engine) = (&t.db, t.engine);
        let mut tx = db.begin().await.unwrap();
        let mut ids = Vec::new();
        for slug in ["a", "b", "c", "d"] {
            let title = Bilingual::new(slug.to_uppercase(), "");
            ids.push(insert_org(&mut tx, slug, &title).await.unwrap());
        }
        tx.commit().await.unwrap();

        // $1 is the slug to leave out; the list of ids starts at $2.
        let wanted = [ids[0], ids[1], ids[3]];
        let query = format!(
            "SELECT slug FROM organizations WHERE slug <> $1 AND id IN ({}) ORDER BY slug",
            placeholders(2, wanted.len())
        );
        let slugs: Vec<String> = on!(db, |c| {
            let mut q = sqlx::query_scalar(sqlx::AssertSqlSafe(query.as_str())).bind("b");
            for id in &wanted {
                q = q.bind(*id);
            }
            q.fetch_all(&mut *c).await.unwrap()
        });
        assert_eq!(slugs, ["a", "d"], "{engine}");
    }
    Ok(())
}

#[tokio::test]
async fn bilingual_binds_english_then_french_from_a_value_or_a_pair() -> Result<()> {
    for t in testing::engines().await {
        let (db, engine) = (&t.db, t.engine);
        let mut tx = db.begin().await.unwrap();
        insert_org(&mut tx, "one", &Bilingual::new("Finance", "Finances"))
            .await
            .unwrap();
        let (en, fr) = ("  Justice ".to_string(), " Justice\n".to_string());
        exec!(tx, |c| sqlx::query(INSERT_ORG)
            .bind(Uuid::now_v7())
            .bind("two")
            .bind_bilingual(platform::db::BilingualRef::from((&en, &fr)).trimmed())
            .bind(now())
            .execute(&mut *c)
            .await
            .unwrap()
            .rows_affected());
        tx.commit().await.unwrap();

        let one = title_by_slug(db, "one").await.unwrap().unwrap();
        assert_eq!(
            (one.en.as_str(), one.fr.as_str()),
            ("Finance", "Finances"),
            "{engine}"
        );
        let two = title_by_slug(db, "two").await.unwrap().unwrap();
        assert_eq!(
            (two.en.as_str(), two.fr.as_str()),
            ("Justice", "Justice"),
            "{engine}"
        );

        // In a WHERE clause, through query_as and query_scalar.
        let found: Vec<(String,)> = on!(db, |c| sqlx::query_as(
            "SELECT slug FROM organizations WHERE title_en = $1 AND title_fr = $2"
        )
        .bind_bilingual(&Bilingual::new("Finance", "Finances"))
        .fetch_all(&mut *c)
        .await?);
        assert_eq!(found, [("one".to_string(),)], "{engine}");
        let n: i64 = on!(db, |c| sqlx::query_scalar(
            "SELECT COUNT(*) FROM organizations WHERE title_en = $1 OR title_fr = $2"
        )
        .bind_bilingual(("Justice", "Finances"))
        .fetch_one(&mut *c)
        .await?);
        assert_eq!(n, 2, "{engine}");
    }
    Ok(())
}

fn slug_taken(key: &str) -> Error {
    if key.contains("slug") {
        Error::field("slug", "error-slug-taken")
    } else {
        Error::field("id", "error-slug-taken")
    }
}

#[tokio::test]
async fn violations_become_the_errors_the_caller_names() -> Result<()> {
    for t in testing::engines().await {
        let (db, engine) = (&t.db, t.engine);
        let mut tx = db.begin().await.unwrap();
        let title = Bilingual::new("Energy", "");
        let first = insert_org(&mut tx, "energy", &title).await.unwrap();
        tx.commit().await.unwrap();

        // A second "energy": the unique key on slug, told apart from the primary key.
        let mut tx = db.begin().await.unwrap();
        let err = insert_org(&mut tx, "energy", &title)
            .await
            .on_unique(slug_taken)
            .unwrap_err();
        assert_eq!(
            err.field_errors(),
            [FieldError::new("slug", "error-slug-taken")],
            "{engine}"
        );
        drop(tx);

        // The same through a platform `Error` (after `?` turned the sqlx error into one), and
        // chained with on_foreign_key, which leaves a unique violation alone.
        let mut tx = db.begin().await.unwrap();
        let duplicate_id: Result<u64> = exec!(tx, |c| sqlx::query(INSERT_ORG)
            .bind(first)
            .bind("other")
            .bind_bilingual(&title)
            .bind(now())
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected())
            .map_err(Error::from));
        let err = duplicate_id
            .on_foreign_key(|_| Error::field("organization_id", "error-not-in-list"))
            .on_unique(slug_taken)
            .unwrap_err();
        assert_eq!(
            err.field_errors(),
            [FieldError::new("id", "error-slug-taken")],
            "{engine}"
        );
        drop(tx);

        // A membership of an organization that does not exist.
        let mut tx = db.begin().await.unwrap();
        let err = exec!(tx, |c| sqlx::query(
            "INSERT INTO memberships (user_id, organization_id, role, created_at) VALUES ($1, $2, 'editor', $3)"
        )
        .bind(Uuid::now_v7())
        .bind(Uuid::now_v7())
        .bind(now())
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))
        .on_unique(|_| Error::field("slug", "error-slug-taken"))
        .on_foreign_key(|_| Error::field("organization_id", "error-not-in-list"))
        .unwrap_err();
        assert_eq!(
            err.field_errors(),
            [FieldError::new("organization_id", "error-not-in-list")],
            "{engine}"
        );
        drop(tx);

        // Any other error passes through as it was.
        let err = on!(db, |c| sqlx::query(
            "SELECT no_such_column FROM organizations"
        )
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))
        .on_unique(slug_taken)
        .unwrap_err();
        assert!(matches!(err, Error::Internal(_)), "{engine}: {err:?}");
        let ok: Result<i64> = Ok::<i64, sqlx::Error>(7).on_unique(slug_taken);
        assert_eq!(ok.unwrap(), 7, "{engine}");
    }
    Ok(())
}

const ORGANIZATION: Audited = Audited::new("test.organization", "test_organization");

#[tokio::test]
async fn audit_helpers_record_create_update_and_delete() -> Result<()> {
    for t in testing::engines().await {
        let (db, engine) = (&t.db, t.engine);
        let actor = Actor::user(Uuid::now_v7(), "ada@example.org");
        let id = Uuid::now_v7();
        let before = serde_json::json!({"title": "Old"});
        let after = serde_json::json!({"title": "New"});
        let mut tx = db.begin().await.unwrap();
        tx.audit_created(&actor, ORGANIZATION, id, &before)
            .await
            .unwrap();
        tx.audit_updated(&actor, ORGANIZATION, id, &before, &after)
            .await
            .unwrap();
        tx.audit_deleted(&actor, ORGANIZATION, id, &after)
            .await
            .unwrap();
        tx.audit_as(&actor, ORGANIZATION, "merge", id, None::<&()>, Some(&after))
            .await
            .unwrap();
        tx.commit().await.unwrap();

        type Row = (
            Option<Uuid>,
            String,
            String,
            String,
            Option<sqlx::types::Json<serde_json::Value>>,
            Option<sqlx::types::Json<serde_json::Value>>,
        );
        let rows: Vec<Row> = on!(db, |c| {
            sqlx::query_as(
            "SELECT actor_id, action, entity_type, entity_id, before_state, after_state FROM audit_log \
             WHERE entity_id = $1 ORDER BY id"
        )
        .bind(id.to_string())
        .fetch_all(&mut *c)
        .await?
        });
        let shown: Vec<_> = rows
            .into_iter()
            .map(|(actor_id, action, entity_type, entity_id, b, a)| {
                assert_eq!(actor_id, actor.user_id, "{engine}");
                assert_eq!(entity_type, "test_organization", "{engine}");
                assert_eq!(entity_id, id.to_string(), "{engine}");
                (action, b.map(|j| j.0), a.map(|j| j.0))
            })
            .collect();
        assert_eq!(
            shown,
            [
                (
                    "test.organization.create".into(),
                    None,
                    Some(before.clone())
                ),
                (
                    "test.organization.update".into(),
                    Some(before.clone()),
                    Some(after.clone())
                ),
                ("test.organization.delete".into(), Some(after.clone()), None),
                ("test.organization.merge".into(), None, Some(after.clone())),
            ],
            "{engine}"
        );
    }
    Ok(())
}

async fn count_orgs(db: &Db) -> Result<i64> {
    Ok(on!(db, |c| sqlx::query_scalar(
        "SELECT COUNT(*) FROM organizations"
    )
    .fetch_one(&mut *c)
    .await?))
}

fn is_send<T: Send>(value: T) -> T {
    value
}

#[tokio::test]
async fn write_commits_on_success_and_rolls_back_on_error() -> Result<()> {
    for t in testing::engines().await {
        let (db, engine) = (&t.db, t.engine);
        let title = Bilingual::new("Transport", "Transports");

        // The work borrows from the caller, and the whole write is Send, as a handler needs.
        let id = is_send(db.write(async |tx| {
            let id = insert_org(tx, "transport", &title).await?;
            Ok(id)
        }))
        .await
        .unwrap();
        assert_eq!(count_orgs(db).await?, 1, "{engine}");
        assert_eq!(
            title_by_slug(db, "transport").await.unwrap(),
            Some(title.clone()),
            "{engine}"
        );

        // An error after a statement: nothing of the work is kept.
        let err = db
            .write(async |tx| -> Result<()> {
                insert_org(tx, "roads", &title).await?;
                insert_org(tx, "transport", &title)
                    .await
                    .on_unique(slug_taken)?;
                Ok(())
            })
            .await
            .unwrap_err();
        assert_eq!(
            err.field_errors(),
            [FieldError::new("slug", "error-slug-taken")],
            "{engine}"
        );
        assert_eq!(count_orgs(db).await?, 1, "{engine}");
        assert_eq!(title_by_slug(db, "roads").await.unwrap(), None, "{engine}");
        let again: Option<Uuid> = on!(db, |c| sqlx::query_scalar(
            "SELECT id FROM organizations WHERE slug = 'transport'"
        )
        .fetch_optional(&mut *c)
        .await?);
        assert_eq!(again, Some(id), "{engine}");
    }
    Ok(())
}
