//! Ballots: one person, one ballot per rule (one favourite per theme, or approval of up to N ideas
//! across the process), enforced by a UNIQUE constraint so that it holds under concurrency; ballots
//! change while voting is open; tallies, ranked results; receipts that confirm a ballot is counted
//! without telling anyone what it holds.

use platform::auth::CurrentUser;
use platform::db::{Actor, Audited, Conn, OnViolation, Tx, now, placeholders};
use platform::{Error, FieldError, Msg, Result, exec, on};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::ideas::refuse_for;
use crate::model::{Idea, IdeaState, PhaseKind, ProcessFull, Theme, VoteRule};

/// The scope of the single ballot of an approval vote.
pub const APPROVAL_SCOPE: &str = "all";

/// How the audit log names a ballot and its actions (`ballot.cast`, `ballot.change`).
const BALLOT: Audited = Audited::new("ballot", "dialogue_ballot");

/// One ballot to cast or change: a theme's slug (one favourite per theme) or `all` (approval).
#[derive(Clone, Debug, Deserialize, Serialize, utoipa::ToSchema)]
pub struct BallotChoice {
    /// Theme slug, or `all` for an approval vote.
    pub scope: String,
    /// The idea or ideas chosen.
    pub ideas: Vec<Uuid>,
    /// True to change the ballot cast earlier in this scope; false to cast a new one (refused
    /// when one exists).
    #[serde(default)]
    pub change: bool,
}

#[derive(Clone, Debug, Default, Serialize, utoipa::ToSchema)]
pub struct VoteOutcome {
    /// The receipt code, shown once, when new ballots were cast. Only its SHA-256 is kept.
    pub receipt: Option<String>,
    pub cast: usize,
    pub changed: usize,
}

const RECEIPT_ALPHABET: &[u8] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// A new receipt code: 100 random bits as 20 Crockford base-32 characters in groups of five.
pub fn new_receipt() -> String {
    let mut bytes = [0u8; 20];
    getrandom::fill(&mut bytes).expect("the operating system provides randomness");
    let chars: Vec<char> = bytes
        .iter()
        .map(|b| RECEIPT_ALPHABET[(*b & 31) as usize] as char)
        .collect();
    chars
        .chunks(5)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

/// The stored form of a receipt code: SHA-256 of the code without separators, upper-case, with
/// the letters people confuse with digits read as digits.
pub fn receipt_hash(code: &str) -> String {
    let normal: String = code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            c => c,
        })
        .collect();
    hex::encode(Sha256::digest(normal.as_bytes()))
}

/// Whether a code looks like a receipt (20 base-32 characters), before looking it up.
pub fn plausible_receipt(code: &str) -> bool {
    let n = code.chars().filter(|c| c.is_ascii_alphanumeric()).count();
    n == 20
        && code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == ' ')
}

/// The scope a ballot is stored under: the theme's id, or `all`.
fn stored_scope(process: &ProcessFull, scope: &str) -> Option<(String, Option<Theme>)> {
    match process.process.rule() {
        VoteRule::OnePerTheme => process
            .theme_by_slug(scope)
            .map(|t| (t.id.to_string(), Some(t.clone()))),
        VoteRule::Approval => (scope == APPROVAL_SCOPE).then(|| (APPROVAL_SCOPE.to_string(), None)),
    }
}

/// The field a ballot's problems are reported on: the theme's fieldset, or `ideas`.
pub fn scope_field(scope: &str) -> String {
    if scope == APPROVAL_SCOPE {
        "ideas".to_string()
    } else {
        format!("theme-{scope}")
    }
}

/// Whether `voter` may vote now, and if not, why.
pub fn may_vote(process: &ProcessFull, voter: Option<&CurrentUser>) -> Result<()> {
    let Some(phase) = process.open_phase(PhaseKind::Voting) else {
        return Err(Error::forbidden("dialogue-error-voting-closed"));
    };
    match refuse_for(phase.vote(), voter) {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// Casts or changes ballots, all or nothing. A second ballot in a scope is refused by the
/// database's UNIQUE constraint, never by a check-then-insert.
pub async fn vote(
    tx: &mut Tx,
    process: &ProcessFull,
    voter: &CurrentUser,
    choices: &[BallotChoice],
) -> Result<VoteOutcome> {
    may_vote(process, Some(voter))?;
    let mut errors = Vec::new();
    if choices.is_empty() || choices.iter().all(|c| c.ideas.is_empty()) {
        errors.push(FieldError::new("ballot", "dialogue-error-ballot-empty"));
    }
    let rule = process.process.rule();
    let mut scopes = Vec::with_capacity(choices.len());
    for (i, choice) in choices.iter().enumerate() {
        let field = scope_field(&choice.scope);
        let Some((scope, theme)) = stored_scope(process, &choice.scope) else {
            errors.push(FieldError::new(field, "error-not-in-list"));
            continue;
        };
        if choices[..i].iter().any(|c| c.scope == choice.scope) {
            errors.push(FieldError::new(field, "dialogue-error-ballot-twice"));
            continue;
        }
        let max = match rule {
            VoteRule::OnePerTheme => 1,
            VoteRule::Approval => process.process.vote_max as usize,
        };
        let mut distinct = choice.ideas.clone();
        distinct.sort();
        distinct.dedup();
        if distinct.len() != choice.ideas.len() {
            errors.push(FieldError::new(field, "dialogue-error-ballot-duplicate"));
        } else if choice.ideas.is_empty() {
            errors.push(FieldError::new(field, "dialogue-error-ballot-empty"));
        } else if choice.ideas.len() > max {
            errors.push(FieldError::with(
                field,
                Msg::new("dialogue-error-ballot-too-many").arg("max", max),
            ));
        }
        scopes.push((scope, theme, choice));
    }
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }

    let at = now();
    let process_id = process.process.id;
    // Every chosen idea must be accepted for voting, visible, and in the ballot's theme: one
    // query for all of them, inside the transaction so that a decision made meanwhile counts.
    let chosen: Vec<Uuid> = scopes
        .iter()
        .flat_map(|(_, _, c)| c.ideas.clone())
        .collect();
    let sql = format!(
        "SELECT id, theme_id FROM dialogue_ideas WHERE process_id = $1 AND state = 'accepted' AND status = 'visible' AND id IN ({})",
        placeholders(2, chosen.len())
    );
    let eligible: Vec<(Uuid, Uuid)> = exec!(tx, |c| {
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())).bind(process_id);
        for idea in &chosen {
            q = q.bind(idea);
        }
        q.fetch_all(&mut *c).await?
    });
    for (_, theme, choice) in &scopes {
        for idea in &choice.ideas {
            let fits = match (eligible.iter().find(|(id, _)| id == idea), theme) {
                (None, _) => false,
                (Some((_, t)), Some(theme)) => *t == theme.id,
                (Some(_), None) => true,
            };
            if !fits {
                errors.push(FieldError::new(
                    scope_field(&choice.scope),
                    "dialogue-error-ballot-idea",
                ));
            }
        }
    }
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }

    let mut outcome = VoteOutcome::default();
    let any_new = scopes.iter().any(|(_, _, c)| !c.change);
    let receipt = any_new.then(new_receipt);
    let hash = receipt.as_deref().map(receipt_hash);
    if let Some(hash) = &hash {
        insert_receipt(tx, hash, process_id, at).await?;
    }
    for (scope, _, choice) in &scopes {
        let ballot_id = if choice.change {
            let id: Option<Uuid> = exec!(tx, |c| {
                sqlx::query_scalar(
                "UPDATE dialogue_ballots SET updated_at = $1 WHERE process_id = $2 AND voter_id = $3 AND scope = $4 RETURNING id"
            )
            .bind(at)
            .bind(process_id)
            .bind(voter.id)
            .bind(scope)
            .fetch_optional(&mut *c)
            .await?
            });
            let Some(id) = id else {
                return Err(Error::Conflict(Msg::new("dialogue-error-no-ballot")));
            };
            exec!(tx, |c| sqlx::query(
                "DELETE FROM dialogue_ballot_choices WHERE ballot_id = $1"
            )
            .bind(id)
            .execute(&mut *c)
            .await?
            .rows_affected());
            outcome.changed += 1;
            id
        } else {
            let ballot = NewBallot {
                id: Uuid::now_v7(),
                process_id,
                voter_id: voter.id,
                scope,
                receipt_hash: hash.as_deref().unwrap_or_default(),
                at,
            };
            insert_ballot(tx, &ballot)
                .await
                .on_unique(|_| Error::Conflict(Msg::new("dialogue-error-already-voted")))?;
            outcome.cast += 1;
            ballot.id
        };
        insert_choices(tx, ballot_id, &choice.ideas).await?;
        // The audit log says who cast or changed a ballot in which scope, never for what.
        tx.audit_as(
            &voter.actor(),
            BALLOT,
            if choice.change { "change" } else { "cast" },
            ballot_id,
            None::<&()>,
            Some(&serde_json::json!({"process": process.process.slug, "scope": choice.scope})),
        )
        .await?;
    }
    outcome.receipt = receipt;
    Ok(outcome)
}

async fn insert_receipt(
    tx: &mut Tx,
    hash: &str,
    process_id: Uuid,
    at: OffsetDateTime,
) -> Result<()> {
    exec!(tx, |c| sqlx::query(
        "INSERT INTO dialogue_receipts (code_hash, process_id, created_at) VALUES ($1, $2, $3)"
    )
    .bind(hash)
    .bind(process_id)
    .bind(at)
    .execute(&mut *c)
    .await?
    .rows_affected());
    Ok(())
}

/// A ballot as it is cast; its choices go in with [`insert_choices`].
struct NewBallot<'a> {
    id: Uuid,
    process_id: Uuid,
    voter_id: Uuid,
    /// As stored: the theme's id, or `all`.
    scope: &'a str,
    receipt_hash: &'a str,
    at: OffsetDateTime,
}

async fn insert_ballot(tx: &mut Tx, b: &NewBallot<'_>) -> Result<()> {
    exec!(tx, |c| {
        sqlx::query(
        "INSERT INTO dialogue_ballots (id, process_id, voter_id, scope, receipt_hash, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $6)"
    )
    .bind(b.id)
    .bind(b.process_id)
    .bind(b.voter_id)
    .bind(b.scope)
    .bind(b.receipt_hash)
    .bind(b.at)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(())
}

async fn insert_choices(tx: &mut Tx, ballot_id: Uuid, ideas: &[Uuid]) -> Result<()> {
    for idea in ideas {
        exec!(tx, |c| sqlx::query(
            "INSERT INTO dialogue_ballot_choices (ballot_id, idea_id) VALUES ($1, $2)"
        )
        .bind(ballot_id)
        .bind(idea)
        .execute(&mut *c)
        .await?
        .rows_affected());
    }
    Ok(())
}

#[derive(Clone, Debug, sqlx::FromRow)]
struct BallotRow {
    id: Uuid,
    scope: String,
}

/// This voter's ballots in a process: scope (theme slug or `all`) → the ideas chosen.
pub async fn my_ballots(
    conn: impl Into<Conn<'_>>,
    process: &ProcessFull,
    voter_id: Uuid,
) -> Result<Vec<(String, Vec<Uuid>)>> {
    let (ballots, choices): (Vec<BallotRow>, Vec<(Uuid, Uuid)>) = on!(conn, |c| {
        let ballots = sqlx::query_as::<_, BallotRow>(
            "SELECT id, scope FROM dialogue_ballots WHERE process_id = $1 AND voter_id = $2",
        )
        .bind(process.process.id)
        .bind(voter_id)
        .fetch_all(&mut *c)
        .await?;
        let choices: Vec<(Uuid, Uuid)> = sqlx::query_as(
            "SELECT bc.ballot_id, bc.idea_id FROM dialogue_ballot_choices bc JOIN dialogue_ballots b ON b.id = bc.ballot_id \
             WHERE b.process_id = $1 AND b.voter_id = $2",
        )
        .bind(process.process.id)
        .bind(voter_id)
        .fetch_all(&mut *c)
        .await?;
        (ballots, choices)
    });
    Ok(ballots
        .into_iter()
        .map(|b| {
            let scope = match process.process.rule() {
                VoteRule::OnePerTheme => process
                    .themes
                    .iter()
                    .find(|t| t.id.to_string() == b.scope)
                    .map(|t| t.slug.clone())
                    .unwrap_or(b.scope),
                VoteRule::Approval => b.scope,
            };
            let ideas = choices
                .iter()
                .filter(|(ballot, _)| *ballot == b.id)
                .map(|(_, idea)| *idea)
                .collect();
            (scope, ideas)
        })
        .collect())
}

/// Votes per idea of a process (ideas with none are absent).
pub async fn tallies(conn: impl Into<Conn<'_>>, process_id: Uuid) -> Result<Vec<(Uuid, i64)>> {
    Ok(on!(conn, |c| {
        sqlx::query_as(
        "SELECT bc.idea_id, COUNT(*) FROM dialogue_ballot_choices bc JOIN dialogue_ballots b ON b.id = bc.ballot_id \
         WHERE b.process_id = $1 GROUP BY bc.idea_id"
    )
    .bind(process_id)
    .fetch_all(&mut *c)
    .await?
    }))
}

/// Totals that tell whether anything was lost or counted twice: ballots, choices, voters.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Totals {
    pub ballots: i64,
    pub choices: i64,
    pub voters: i64,
    pub receipts: i64,
}

/// Ballots cast in a process (`$1`).
pub(crate) const COUNT_BALLOTS: &str =
    "SELECT COUNT(*) FROM dialogue_ballots WHERE process_id = $1";
/// People who voted in a process (`$1`).
pub(crate) const COUNT_VOTERS: &str =
    "SELECT COUNT(DISTINCT voter_id) FROM dialogue_ballots WHERE process_id = $1";

pub async fn totals(conn: impl Into<Conn<'_>>, process_id: Uuid) -> Result<Totals> {
    let [ballots, choices, voters, receipts] = crate::processes::count_each(
        conn,
        process_id,
        [
            COUNT_BALLOTS,
            "SELECT COUNT(*) FROM dialogue_ballot_choices bc JOIN dialogue_ballots b ON b.id = bc.ballot_id WHERE b.process_id = $1",
            COUNT_VOTERS,
            "SELECT COUNT(*) FROM dialogue_receipts WHERE process_id = $1",
        ],
    )
    .await?;
    Ok(Totals {
        ballots,
        choices,
        voters,
        receipts,
    })
}

#[derive(Clone, Debug, Serialize)]
pub struct RankedIdea {
    pub rank: i64,
    pub votes: i64,
    pub idea: Idea,
}

/// Results of one group: a theme (one favourite per theme) or the whole process (approval).
#[derive(Clone, Debug, Serialize)]
pub struct RankedGroup {
    pub theme: Option<Theme>,
    pub total: i64,
    pub rows: Vec<RankedIdea>,
}

/// The ideas accepted for voting, ranked by votes (ties share a rank: 1, 2, 2, 4).
pub async fn ranked(conn: impl Into<Conn<'_>>, process: &ProcessFull) -> Result<Vec<RankedGroup>> {
    let mut conn = conn.into();
    let ideas = crate::ideas::in_state(&mut conn, process.process.id, IdeaState::Accepted).await?;
    let tallies = tallies(&mut conn, process.process.id).await?;
    let votes_of = |id: Uuid| {
        tallies
            .iter()
            .find(|(i, _)| *i == id)
            .map(|(_, n)| *n)
            .unwrap_or(0)
    };
    let groups: Vec<(Option<Theme>, Vec<Idea>)> = match process.process.rule() {
        VoteRule::OnePerTheme => process
            .themes
            .iter()
            .map(|t| {
                (
                    Some(t.clone()),
                    ideas
                        .iter()
                        .filter(|i| i.theme_id == t.id)
                        .cloned()
                        .collect(),
                )
            })
            .collect(),
        VoteRule::Approval => vec![(None, ideas)],
    };
    Ok(groups
        .into_iter()
        .map(|(theme, ideas)| {
            let mut rows: Vec<RankedIdea> = ideas
                .into_iter()
                .map(|idea| RankedIdea {
                    rank: 0,
                    votes: votes_of(idea.id),
                    idea,
                })
                .collect();
            rows.sort_by(|a, b| {
                b.votes
                    .cmp(&a.votes)
                    .then_with(|| a.idea.title.cmp(&b.idea.title))
            });
            let mut last = (0, i64::MIN);
            for (i, row) in rows.iter_mut().enumerate() {
                if row.votes != last.1 {
                    last = (i as i64 + 1, row.votes);
                }
                row.rank = last.0;
            }
            let total = rows.iter().map(|r| r.votes).sum();
            RankedGroup { theme, total, rows }
        })
        .collect())
}

/// What a receipt check tells: the ballots the code covers and whether each is counted; never
/// what they hold.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ReceiptCheck {
    pub process_id: Uuid,
    #[serde(with = "crate::serde_time::timestamp")]
    pub issued_at: OffsetDateTime,
    pub ballots: Vec<ReceiptBallot>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ReceiptBallot {
    /// The theme's slug, or `all`.
    pub scope: String,
    pub counted: bool,
    #[serde(with = "crate::serde_time::timestamp")]
    pub last_changed_at: OffsetDateTime,
}

#[derive(sqlx::FromRow)]
struct ReceiptRow {
    scope: String,
    updated_at: OffsetDateTime,
    choices: i64,
}

pub async fn check_receipt(conn: impl Into<Conn<'_>>, code: &str) -> Result<Option<ReceiptCheck>> {
    if !plausible_receipt(code) {
        return Ok(None);
    }
    let mut conn = conn.into();
    let hash = receipt_hash(code);
    let receipt: Option<(Uuid, OffsetDateTime)> = on!(&mut conn, |c| sqlx::query_as(
        "SELECT process_id, created_at FROM dialogue_receipts WHERE code_hash = $1"
    )
    .bind(&hash)
    .fetch_optional(&mut *c)
    .await?);
    let Some((process_id, issued_at)) = receipt else {
        return Ok(None);
    };
    let rows = on!(&mut conn, |c| {
        sqlx::query_as::<_, ReceiptRow>(
        "SELECT b.scope, b.updated_at, (SELECT COUNT(*) FROM dialogue_ballot_choices bc WHERE bc.ballot_id = b.id) AS choices \
         FROM dialogue_ballots b WHERE b.receipt_hash = $1 ORDER BY b.created_at, b.id"
    )
    .bind(&hash)
    .fetch_all(&mut *c)
    .await?
    });
    let process = crate::processes::find_by_id(conn, process_id).await?;
    let ballots = rows
        .into_iter()
        .map(|r| ReceiptBallot {
            scope: process
                .as_ref()
                .and_then(|p| p.themes.iter().find(|t| t.id.to_string() == r.scope))
                .map(|t| t.slug.clone())
                .unwrap_or(r.scope),
            counted: r.choices > 0,
            last_changed_at: r.updated_at,
        })
        .collect();
    Ok(Some(ReceiptCheck {
        process_id,
        issued_at,
        ballots,
    }))
}

/// A sample ballot for the demo, cast outside the voting phase by a sample voter; it has its own
/// receipt like any ballot.
pub async fn insert_sample_ballot(
    tx: &mut Tx,
    process: &ProcessFull,
    voter_id: Uuid,
    scope: &str,
    idea: Uuid,
) -> Result<()> {
    let (stored, _) =
        stored_scope(process, scope).ok_or_else(|| Error::field("scope", "error-not-in-list"))?;
    let hash = receipt_hash(&new_receipt());
    let at = now();
    let ballot = NewBallot {
        id: Uuid::now_v7(),
        process_id: process.process.id,
        voter_id,
        scope: &stored,
        receipt_hash: &hash,
        at,
    };
    insert_receipt(tx, &hash, process.process.id, at).await?;
    insert_ballot(tx, &ballot).await?;
    insert_choices(tx, ballot.id, &[idea]).await?;
    tx.audit_as(
        &Actor::system("demo"),
        BALLOT,
        "cast",
        ballot.id,
        None::<&()>,
        Some(&serde_json::json!({"process": process.process.slug, "scope": scope, "sample": true})),
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn receipts_normalise() {
        let code = new_receipt();
        assert_eq!(code.len(), 23);
        assert!(plausible_receipt(&code));
        assert_eq!(
            receipt_hash(&code),
            receipt_hash(&code.to_lowercase().replace('-', " "))
        );
        assert_eq!(
            receipt_hash("O1111-00000-00000-00000"),
            receipt_hash("0IL11000000000000000")
        );
        assert!(!plausible_receipt("short"));
        assert!(!plausible_receipt("AAAAA-AAAAA-AAAAA-AAAA<"));
    }
}
