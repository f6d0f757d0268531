//! What other areas need to link to the catalogue: whether a dataset exists and may be shown to
//! everyone, read inside the caller's transaction.

use platform::{Result, Tx, exec};
use uuid::Uuid;

/// A dataset as a link from elsewhere sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DatasetLink {
    pub id: Uuid,
    /// Its current name, the last segment of `/dataset/{name}`.
    pub name: String,
    /// Active and not private: everyone can open its page.
    pub public: bool,
}

/// The dataset with this id, name or former name; a deleted dataset is not found.
pub async fn dataset(tx: &mut Tx, id_or_name: &str) -> Result<Option<DatasetLink>> {
    let id = Uuid::parse_str(id_or_name).unwrap_or(Uuid::nil());
    let row: Option<(Uuid, String, String, bool)> = exec!(tx, |c| {
        sqlx::query_as(
            "SELECT d.id, d.name, d.state, d.private FROM datasets d \
             WHERE d.state <> 'deleted' AND (d.id = $1 OR d.name = $2 \
             OR d.id IN (SELECT n.dataset_id FROM dataset_names n WHERE n.name = $2))",
        )
        .bind(id)
        .bind(id_or_name)
        .fetch_optional(&mut *c)
        .await?
    });
    Ok(row.map(|(id, name, state, private)| DatasetLink {
        id,
        name,
        public: state == "active" && !private,
    }))
}
