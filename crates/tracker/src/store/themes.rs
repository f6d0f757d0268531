//! Themes and the items they tag.

use platform::db::BindBilingual;
use platform::db::Conn;
use platform::{Bilingual, Db, Lang, Result, Tx, exec, on, read};
use serde::Serialize;
use uuid::Uuid;

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Theme {
    pub slug: String,
    #[schema(value_type = crate::api::BilingualDoc)]
    pub title: Bilingual,
}

#[derive(sqlx::FromRow)]
pub(super) struct ThemeRow {
    slug: String,
    title_en: String,
    title_fr: String,
}

impl From<ThemeRow> for Theme {
    fn from(r: ThemeRow) -> Theme {
        Theme {
            slug: r.slug,
            title: Bilingual::new(r.title_en, r.title_fr),
        }
    }
}

/// Adds a theme, or renames it when it exists.
pub async fn upsert_theme(tx: &mut Tx, slug: &str, title: &Bilingual) -> Result<()> {
    exec!(tx, |c| {
        sqlx::query(
            "INSERT INTO tracker_themes (slug, title_en, title_fr) VALUES ($1, $2, $3) \
             ON CONFLICT (slug) DO UPDATE SET title_en = excluded.title_en, title_fr = excluded.title_fr",
        )
        .bind(slug)
        .bind_bilingual(title)
        .execute(&mut *c)
        .await?
        .rows_affected()
    });
    Ok(())
}

/// The slugs of an item's themes.
pub async fn theme_slugs(db: &Db, item_id: Uuid) -> Result<Vec<String>> {
    Ok(read!(db, |c| {
        sqlx::query_scalar("SELECT theme_slug FROM tracker_item_themes WHERE item_id = $1")
            .bind(item_id)
            .fetch_all(&mut *c)
            .await?
    }))
}

/// The slugs of an item's themes, by English title, as exports list them.
pub async fn theme_slugs_by_title(conn: impl Into<Conn<'_>>, item_id: Uuid) -> Result<Vec<String>> {
    Ok(on!(conn, |c| {
        sqlx::query_scalar(
            "SELECT th.slug FROM tracker_item_themes t JOIN tracker_themes th ON th.slug = t.theme_slug \
             WHERE t.item_id = $1 ORDER BY th.title_en",
        )
        .bind(item_id)
        .fetch_all(&mut *c)
        .await?
    }))
}

/// Gives theme `slug` its title in `lang` when it has none in that language yet; false when it
/// had one, or there is no such theme.
pub async fn title_untitled_theme(
    tx: &mut Tx,
    slug: &str,
    lang: Lang,
    title: &str,
) -> Result<bool> {
    let update = match lang {
        Lang::En => "UPDATE tracker_themes SET title_en = $2 WHERE slug = $1 AND title_en = ''",
        Lang::Fr => "UPDATE tracker_themes SET title_fr = $2 WHERE slug = $1 AND title_fr = ''",
    };
    let titled = exec!(tx, |c| {
        sqlx::query(update)
            .bind(slug)
            .bind(title)
            .execute(&mut *c)
            .await?
            .rows_affected()
    });
    Ok(titled > 0)
}

/// Replaces an item's themes.
pub async fn set_themes(tx: &mut Tx, item_id: Uuid, themes: &[String]) -> Result<()> {
    exec!(tx, |c| {
        sqlx::query("DELETE FROM tracker_item_themes WHERE item_id = $1")
            .bind(item_id)
            .execute(&mut *c)
            .await?
            .rows_affected()
    });
    let mut seen = std::collections::BTreeSet::new();
    for theme in themes {
        if !seen.insert(theme.as_str()) {
            continue;
        }
        exec!(tx, |c| {
            sqlx::query("INSERT INTO tracker_item_themes (item_id, theme_slug) VALUES ($1, $2)")
                .bind(item_id)
                .bind(theme)
                .execute(&mut *c)
                .await?
                .rows_affected()
        });
    }
    Ok(())
}

pub async fn themes(db: &Db) -> Result<Vec<Theme>> {
    let rows = read!(db, |c| {
        sqlx::query_as::<_, ThemeRow>(
            "SELECT slug, title_en, title_fr FROM tracker_themes ORDER BY title_en",
        )
        .fetch_all(&mut *c)
        .await?
    });
    Ok(rows.into_iter().map(Theme::from).collect())
}
