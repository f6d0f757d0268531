//! `bench/votes`: sustained ballots per second from many concurrent voters, through the same
//! `votes::vote` the pages and the API call (validation, receipt, audit, one transaction each),
//! then a check that no ballot was lost and none counted twice.
//!
//! ```text
//! cargo run --release -p dialogue --example votes -- [--database-url URL] [--voters N]
//!     [--concurrency C] [--ideas-per-theme K]
//! ```
//!
//! Without `--database-url` it runs on a new SQLite file in a temporary folder. With a
//! `postgres://` URL it adds its own process, voters and ideas to that database (migrating it
//! first) and checks only those, so it can run against any scratch database.
//!
//! With `--prepare FILE` it only sets up (in the database given) and writes, one JSON line per
//! voter, an API token and the ballot that voter casts, for a load over HTTP (`bench/crash`).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use dialogue::model::{Audience, PhaseKind, ProcessFull, VoteRule, today};
use dialogue::processes::{self, NewPhase, NewProcess, NewTheme};
use dialogue::votes::{self, BallotChoice};
use platform::auth::{CurrentUser, Role};
use platform::db::{Actor, Db, now};
use platform::orgs::{self, NewOrganization};
use platform::{Bilingual, Error, Lang, exec};
use uuid::Uuid;

const THEMES: [&str; 4] = [
    "transparency",
    "accountability",
    "public-participation",
    "technology-and-innovation",
];

struct Options {
    database_url: Option<String>,
    voters: usize,
    concurrency: usize,
    ideas_per_theme: usize,
    prepare: Option<std::path::PathBuf>,
}

fn options() -> anyhow::Result<Options> {
    let mut o = Options {
        database_url: None,
        voters: 5000,
        concurrency: 64,
        ideas_per_theme: 12,
        prepare: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().with_context(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--database-url" => o.database_url = Some(value()?),
            "--voters" => o.voters = value()?.parse().context("--voters: a whole number")?,
            "--concurrency" => {
                o.concurrency = value()?.parse().context("--concurrency: a whole number")?
            }
            "--ideas-per-theme" => {
                o.ideas_per_theme = value()?
                    .parse()
                    .context("--ideas-per-theme: a whole number")?
            }
            "--prepare" => o.prepare = Some(value()?.into()),
            "-h" | "--help" => {
                println!(
                    "votes [--database-url URL] [--voters N] [--concurrency C] [--ideas-per-theme K] [--prepare FILE]"
                );
                std::process::exit(0);
            }
            other => bail!("unknown argument {other}; try --help"),
        }
    }
    if o.voters == 0 || o.concurrency == 0 || o.ideas_per_theme == 0 {
        bail!("--voters, --concurrency and --ideas-per-theme must be at least 1");
    }
    Ok(o)
}

/// The idea voter `v` picks in theme `t`: spread unevenly, so that the ranking is not flat.
fn pick(v: usize, t: usize, k: usize) -> usize {
    (v * (t + 1) + v / 7) % k
}

fn phase(kind: PhaseKind, vote: Audience) -> NewPhase {
    NewPhase {
        kind,
        title_en: String::new(),
        title_fr: String::new(),
        description_en: String::new(),
        description_fr: String::new(),
        opens_on: today() - time::Duration::days(1),
        closes_on: today() + time::Duration::days(1),
        submit: Audience::Nobody,
        comment: Audience::Nobody,
        vote,
    }
}

/// A process with voting open, `k` accepted ideas per theme (ids by theme), and `n` voters.
async fn setup(
    db: &Db,
    run: &str,
    k: usize,
    n: usize,
) -> anyhow::Result<(ProcessFull, Vec<Vec<Uuid>>, Vec<CurrentUser>)> {
    let actor = Actor::system("bench");
    let mut tx = db.begin().await?;
    let org = orgs::create(
        &mut tx,
        &actor,
        NewOrganization {
            slug: format!("bench-{run}"),
            title: Bilingual::new("Bench", "Banc d’essai"),
            description: Bilingual::default(),
            jurisdiction: "provincial".into(),
            category: "ministry".into(),
        },
    )
    .await?;
    let slug = format!("bench-{run}");
    processes::create(
        &mut tx,
        &actor,
        &NewProcess {
            slug: slug.clone(),
            organization_id: org.id,
            title_en: "Vote benchmark".into(),
            title_fr: "Banc d’essai du vote".into(),
            summary_en: String::new(),
            summary_fr: String::new(),
            guidance_en: String::new(),
            guidance_fr: String::new(),
            vote_rule: VoteRule::OnePerTheme,
            vote_max: 1,
            hide_tallies: true,
            ideas_per_person: 0,
            report_threshold: 3,
            sample: true,
            phases: vec![phase(PhaseKind::Voting, Audience::Verified)],
            themes: THEMES
                .iter()
                .map(|t| NewTheme {
                    slug: t.to_string(),
                    title_en: t.to_string(),
                    title_fr: t.to_string(),
                    description_en: String::new(),
                    description_fr: String::new(),
                })
                .collect(),
            criteria: vec![],
        },
    )
    .await?;
    tx.commit().await?;
    let p = processes::find(db, &slug)
        .await?
        .context("process created")?;

    let mut tx = db.begin().await?;
    let mut ideas = vec![Vec::with_capacity(k); THEMES.len()];
    for (t, theme) in THEMES.iter().enumerate() {
        for i in 0..k {
            let title = format!("Idea {} in {theme}", i + 1);
            ideas[t].push(
                dialogue::ideas::create_sample(
                    &mut tx,
                    &actor,
                    &p,
                    theme,
                    Lang::En,
                    &title,
                    "A sample idea.",
                )
                .await?,
            );
        }
    }
    exec!(tx, |c| sqlx::query(
        "UPDATE dialogue_ideas SET state = 'accepted' WHERE process_id = $1"
    )
    .bind(p.process.id)
    .execute(&mut *c)
    .await?
    .rows_affected());
    // Voters are written directly: hashing thousands of passwords would measure argon2.
    let at = now();
    let mut voters = Vec::with_capacity(n);
    for v in 0..n {
        let id = Uuid::now_v7();
        let email = format!("voter{v}.{run}@bench.agora.example");
        exec!(tx, |c| {
            sqlx::query(
            "INSERT INTO users (id, email, display_name, password_hash, role, locale, verified_at, created_at, updated_at) \
             VALUES ($1, $2, '', '!', 'participant', 'en', $3, $3, $3)"
        )
        .bind(id)
        .bind(&email)
        .bind(at)
        .execute(&mut *c)
        .await?
        .rows_affected()
        });
        voters.push(CurrentUser {
            id,
            email,
            display_name: String::new(),
            role: Role::Participant,
            verified: true,
            organizations: vec![],
        });
    }
    tx.commit().await?;
    Ok((p, ideas, voters))
}

fn ballot(p: &ProcessFull, ideas: &[Vec<Uuid>], v: usize) -> Vec<BallotChoice> {
    let k = ideas[0].len();
    p.themes
        .iter()
        .map(|theme| {
            let t = THEMES.iter().position(|s| *s == theme.slug).unwrap_or(0);
            BallotChoice {
                scope: theme.slug.clone(),
                ideas: vec![ideas[t][pick(v, t, k)]],
                change: false,
            }
        })
        .collect()
}

/// Writes one line per voter: `{"email", "token", "process", "ballots"}`.
async fn prepare(
    db: &Db,
    p: &ProcessFull,
    ideas: &[Vec<Uuid>],
    voters: &[CurrentUser],
    file: &std::path::Path,
) -> anyhow::Result<()> {
    use std::io::Write;
    let mut out = std::io::BufWriter::new(std::fs::File::create(file)?);
    let actor = Actor::system("bench");
    let mut tx = db.begin().await?;
    for (v, voter) in voters.iter().enumerate() {
        let (token, _) =
            platform::auth::create_api_token(&mut tx, &actor, voter.id, "crash", None).await?;
        let line = serde_json::json!({
            "email": voter.email,
            "token": token,
            "process": p.process.slug,
            "ballots": ballot(p, ideas, v),
        });
        writeln!(out, "{line}")?;
    }
    tx.commit().await?;
    out.flush()?;
    Ok(())
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let o = options()?;
    let scratch = tempfile::tempdir()?;
    let url = o
        .database_url
        .clone()
        .unwrap_or_else(|| format!("sqlite://{}", scratch.path().join("votes.db").display()));
    let db = Db::open(&url).await?;
    let engine = match db {
        Db::Sqlite { .. } => "SQLite",
        Db::Postgres(_) => "PostgreSQL",
    };
    let run = Uuid::now_v7().simple().to_string();
    let k = o.ideas_per_theme;
    let started = Instant::now();
    let (p, ideas, voters) = setup(&db, &run, k, o.voters).await?;
    if let Some(file) = &o.prepare {
        if o.database_url.is_none() {
            bail!("--prepare needs --database-url: the database the server will use");
        }
        prepare(&db, &p, &ideas, &voters, file).await?;
        println!(
            "{engine}: process {} with {} voters; tokens and ballots in {}",
            p.process.slug,
            voters.len(),
            file.display()
        );
        db.close().await;
        return Ok(());
    }
    println!(
        "{engine}: {} voters, {} themes × {k} ideas, set up in {:.1} s; voting with {} concurrent voters…",
        o.voters,
        THEMES.len(),
        started.elapsed().as_secs_f64(),
        o.concurrency
    );

    // Every voter casts one ballot in each theme, in one request, from `concurrency` workers.
    let p = Arc::new(p);
    let ideas = Arc::new(ideas);
    let voters = Arc::new(voters);
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let workers: Vec<_> = (0..o.concurrency)
        .map(|_| {
            let (db, p, ideas, voters, next) = (
                db.clone(),
                p.clone(),
                ideas.clone(),
                voters.clone(),
                next.clone(),
            );
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                loop {
                    let v = next.fetch_add(1, Ordering::Relaxed);
                    if v >= voters.len() {
                        return Ok::<_, anyhow::Error>(latencies);
                    }
                    let t = Instant::now();
                    let outcome = db
                        .write(async |tx| {
                            votes::vote(tx, &p, &voters[v], &ballot(&p, &ideas, v)).await
                        })
                        .await?;
                    latencies.push(t.elapsed());
                    if outcome.cast != THEMES.len() || outcome.receipt.is_none() {
                        bail!("voter {v}: {outcome:?}");
                    }
                }
            })
        })
        .collect();
    let mut latencies = Vec::with_capacity(o.voters);
    for w in workers {
        latencies.extend(w.await??);
    }
    let elapsed = started.elapsed();
    latencies.sort();
    let ballots = o.voters * THEMES.len();
    let secs = elapsed.as_secs_f64();

    // Then everyone tries again, twice at once: every second ballot must be refused.
    let started_again = Instant::now();
    let attempts: Vec<_> = (0..o.concurrency)
        .map(|w| {
            let (db, p, ideas, voters) = (db.clone(), p.clone(), ideas.clone(), voters.clone());
            let concurrency = o.concurrency;
            tokio::spawn(async move {
                let mut refused = 0usize;
                let mut accepted = 0usize;
                // Two workers take each voter: voter v goes to workers v % C and (v + 1) % C.
                for v in
                    (0..voters.len()).filter(|v| v % concurrency == w || (v + 1) % concurrency == w)
                {
                    match db
                        .write(async |tx| {
                            votes::vote(tx, &p, &voters[v], &ballot(&p, &ideas, v)[..1]).await
                        })
                        .await
                    {
                        Err(Error::Conflict(m)) if m.key == "dialogue-error-already-voted" => {
                            refused += 1
                        }
                        Ok(_) => accepted += 1,
                        Err(e) => return Err(anyhow::anyhow!("voter {v}: {e:?}")),
                    }
                }
                Ok((refused, accepted))
            })
        })
        .collect();
    let (mut refused, mut accepted) = (0, 0);
    for a in attempts {
        let (r, x) = a.await??;
        refused += r;
        accepted += x;
    }
    let again = started_again.elapsed();

    // Nothing lost, nothing counted twice: the totals and every idea's tally are what was cast.
    let totals = votes::totals(&db, p.process.id).await?;
    let tallies = votes::tallies(&db, p.process.id).await?;
    let mut expected = std::collections::HashMap::new();
    for v in 0..o.voters {
        for (t, theme_ideas) in ideas.iter().enumerate() {
            *expected.entry(theme_ideas[pick(v, t, k)]).or_insert(0i64) += 1;
        }
    }
    let mut wrong = 0;
    for (idea, n) in &tallies {
        if expected.get(idea) != Some(n) {
            wrong += 1;
        }
    }
    wrong += expected.len().saturating_sub(tallies.len());
    let n = o.voters as i64;
    let ok = totals.ballots == n * 4
        && totals.choices == n * 4
        && totals.voters == n
        && totals.receipts == n
        && accepted == 0
        && wrong == 0;

    println!(
        "{engine}: {ballots} ballots from {} voters in {secs:.2} s: {:.0} ballots/s ({:.0} votes of 4 ballots/s), latency p50 {:.1} ms, p99 {:.1} ms",
        o.voters,
        ballots as f64 / secs,
        o.voters as f64 / secs,
        percentile(&latencies, 0.5).as_secs_f64() * 1000.0,
        percentile(&latencies, 0.99).as_secs_f64() * 1000.0,
    );
    println!(
        "{engine}: second ballots: {refused} refused, {accepted} accepted, in {:.2} s",
        again.as_secs_f64()
    );
    println!(
        "{engine}: stored {} ballots, {} choices, {} voters, {} receipts; {} ideas' tallies differ from what was cast",
        totals.ballots, totals.choices, totals.voters, totals.receipts, wrong
    );
    if !ok {
        bail!("{engine}: ballots were lost or counted twice");
    }
    println!("{engine}: none lost, none counted twice");
    db.close().await;
    Ok(())
}
