//! The command line. These forms are relied on by tools outside the project: keep them stable.

use std::io::{IsTerminal, Read};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::{Args, Parser, Subcommand};
use platform::area::Area;
use platform::auth::{self, NewUser, Role};
use platform::config::{Overrides, Settings};
use platform::db::{Actor, Engine};
use platform::{Platform, orgs, server};

#[derive(Parser)]
#[command(
    name = "agora",
    version,
    about = "Open government: open data, open dialogue, open information"
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Clone, Default)]
pub struct Common {
    /// Folder for the embedded database, files, search index and outbox.
    #[arg(long, env = "AGORA_DATA_DIR", global = true)]
    data_dir: Option<PathBuf>,
    /// Address to listen on.
    #[arg(long, env = "AGORA_LISTEN", global = true)]
    listen: Option<std::net::SocketAddr>,
    /// sqlite://PATH or postgres://USER@HOST/DB (default: SQLite at DATA_DIR/agora.db).
    #[arg(long, env = "AGORA_DATABASE_URL", global = true)]
    database_url: Option<String>,
    /// A TOML settings file.
    #[arg(long, env = "AGORA_CONFIG", global = true)]
    config: Option<PathBuf>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the site.
    Serve(Common),
    /// Load the demo content (again, harmlessly), then serve.
    Demo(Common),
    /// Manage accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Manage API tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Write a backup folder while the site runs: a consistent copy of the SQLite database, the
    /// stored files and a manifest of their checksums.
    Backup {
        /// The folder to write; it must not exist yet.
        #[arg(long)]
        to: PathBuf,
        #[command(flatten)]
        common: Common,
    },
    /// Put a backup folder back as the data folder's database and files (with the site stopped).
    /// The search index is rebuilt when the site starts.
    Restore {
        /// The backup folder, as `agora backup` wrote it.
        #[arg(long)]
        from: PathBuf,
        /// Replace the data folder's database; the old one is kept beside it.
        #[arg(long)]
        replace: bool,
        #[command(flatten)]
        common: Common,
    },
    /// Rebuild the search index from the database.
    Reindex(Common),
    /// Bring a catalogue in.
    Import {
        #[command(subcommand)]
        command: ImportCommand,
    },
    /// Bring another catalogue in over the network, and keep it up to date.
    Harvest {
        #[command(subcommand)]
        command: HarvestCommand,
    },
    /// Load a CSV, TSV, XLSX, ODS or JSON-lines file as the next version of a resource's table.
    #[cfg(feature = "datastore")]
    Ingest {
        /// The resource's id.
        resource: String,
        file: PathBuf,
        #[command(flatten)]
        common: Common,
    },
    /// Check a table file as `agora ingest` would load it, without loading it: prints the
    /// validation report (as JSON with --json); exits 1 when the file would be refused.
    #[cfg(feature = "datastore")]
    Validate {
        file: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Apply database migrations and exit.
    Migrate(Common),
    /// List background jobs, newest first.
    Jobs {
        /// Only jobs in this state (queued, running, succeeded, failed, cancelled).
        #[arg(long)]
        state: Option<String>,
        /// Only jobs of this kind.
        #[arg(long)]
        kind: Option<String>,
        /// How many to show.
        #[arg(long, default_value_t = 50)]
        limit: i64,
        #[command(flatten)]
        common: Common,
    },
}

#[derive(Subcommand)]
enum ImportCommand {
    /// A ckanapi dump: one package dictionary per line (`ckanapi dump datasets --all`).
    CkanDump {
        file: PathBuf,
        #[command(flatten)]
        common: Common,
    },
    /// Ontario's inventory CSV (the columns of data.ontario.ca's catalogue export).
    OntarioCatalogue {
        file: PathBuf,
        #[command(flatten)]
        common: Common,
    },
    /// An index of collective agreements into the library: the BC Labour Relations Board's JSON
    /// (`id`, `employer`, `union`, `industry`, `term`), or CSV with those columns. Importing
    /// again updates the agreements imported before.
    Agreements {
        file: PathBuf,
        #[command(flatten)]
        common: Common,
    },
    /// OGP commitment data (CSV with OGP's columns). Nothing is imported if any row is wrong.
    OgpCommitments {
        file: PathBuf,
        /// The language of the text in the file.
        #[arg(long, default_value = "en", value_parser = ["en", "fr"])]
        lang: String,
        #[command(flatten)]
        common: Common,
    },
    /// The Government of Canada's open government tracker: the codes file (commitments,
    /// milestones, indicators) and the quarterly progress file of one national action plan.
    CanadaNap {
        codes: PathBuf,
        progress: PathBuf,
        /// The plan to import, as the codes file names it.
        #[arg(long, default_value = "NAP5")]
        plan: String,
        #[command(flatten)]
        common: Common,
    },
}

#[derive(Subcommand)]
enum HarvestCommand {
    /// A CKAN site: its datasets (all of them the first time, then those changed since the last
    /// run) through its `package_search`.
    Ckan {
        /// The site's address, e.g. https://data.example.org
        url: String,
        #[command(flatten)]
        common: Common,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create an account. The password is read from standard input; when none is given, one is
    /// generated and printed.
    Create {
        email: String,
        #[arg(long, value_parser = ["admin", "editor", "moderator", "participant"])]
        role: String,
        /// The organization an editor works for (its slug).
        #[arg(long)]
        org: Option<String>,
        /// The name shown publicly.
        #[arg(long, default_value = "")]
        name: String,
        #[command(flatten)]
        common: Common,
    },
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Create an API token for an account; the token is the last line printed.
    Create {
        email: String,
        #[arg(long, default_value = "cli")]
        name: String,
        /// Days until the token expires (default: never).
        #[arg(long)]
        expires: Option<i64>,
        #[command(flatten)]
        common: Common,
    },
}

fn settings(common: &Common) -> anyhow::Result<Settings> {
    let overrides = Overrides {
        data_dir: common.data_dir.clone(),
        listen: common.listen,
        database_url: common.database_url.clone(),
        config: common.config.clone(),
    };
    Ok(Settings::load(&overrides)?)
}

async fn open(common: &Common, areas: &[Area]) -> anyhow::Result<Platform> {
    let settings = settings(common)?;
    server::init_tracing(settings.log.json);
    catalogue::licences::configure(&settings.catalogue)
        .map_err(|e| anyhow::anyhow!("settings: {e}"))?;
    Platform::open(settings, crate::home::nav(areas)).await
}

pub async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let areas = crate::home::areas();
    match cli.command {
        Command::Serve(common) => {
            let platform = open(&common, &areas).await?;
            serve(platform, &areas).await?;
        }
        Command::Demo(common) => {
            let platform = open(&common, &areas).await?;
            crate::demo::load(&platform, &areas).await?;
            serve(platform, &areas).await?;
        }
        Command::User {
            command:
                UserCommand::Create {
                    email,
                    role,
                    org,
                    name,
                    common,
                },
        } => {
            let platform = open(&common, &areas).await?;
            create_user(&platform, &email, &role, org.as_deref(), &name).await?;
        }
        Command::Token {
            command:
                TokenCommand::Create {
                    email,
                    name,
                    expires,
                    common,
                },
        } => {
            let platform = open(&common, &areas).await?;
            let user = auth::find_user_by_email(&platform.db, &email)
                .await?
                .with_context(|| format!("no account with e-mail {email}"))?;
            let mut tx = platform.db.begin().await?;
            let (secret, token) =
                auth::create_api_token(&mut tx, &Actor::system("cli"), user.id, &name, expires)
                    .await
                    .map_err(explain)?;
            tx.commit().await?;
            match token.expires_at {
                Some(at) => println!(
                    "token \"{}\" for {} expires {}",
                    token.name,
                    user.email,
                    at.date()
                ),
                None => println!(
                    "token \"{}\" for {} does not expire",
                    token.name, user.email
                ),
            }
            println!("{secret}");
        }
        Command::Backup { to, common } => {
            let platform = open(&common, &areas).await?;
            return crate::backup::backup(&platform.settings, &platform.db, &to).await;
        }
        Command::Restore {
            from,
            replace,
            common,
        } => {
            let settings = settings(&common)?;
            return crate::backup::restore(&settings, &from, replace);
        }
        Command::Jobs {
            state,
            kind,
            limit,
            common,
        } => {
            let platform = open(&common, &areas).await?;
            print_jobs(&platform, state, kind, limit).await?;
        }
        Command::Reindex(common) => {
            let platform = open(&common, &areas).await?;
            reindex(&platform, &areas).await?;
        }
        Command::Import { command } => match command {
            ImportCommand::OgpCommitments { file, lang, common } => {
                let platform = open(&common, &areas).await?;
                return import_ogp(&platform, &file, &lang).await;
            }
            ImportCommand::CanadaNap {
                codes,
                progress,
                plan,
                common,
            } => {
                let platform = open(&common, &areas).await?;
                return import_canada(&platform, &codes, &progress, &plan).await;
            }
            ImportCommand::Agreements { file, common } => {
                let platform = open(&common, &areas).await?;
                return import_agreements(&platform, &file).await;
            }
            ImportCommand::CkanDump { common, file } => {
                import_catalogue(&common, &areas, &file, true).await?
            }
            ImportCommand::OntarioCatalogue { common, file } => {
                import_catalogue(&common, &areas, &file, false).await?
            }
        },
        Command::Harvest {
            command: HarvestCommand::Ckan { url, common },
        } => harvest_ckan(&common, &areas, &url).await?,
        #[cfg(feature = "datastore")]
        Command::Ingest {
            resource,
            file,
            common,
        } => {
            let platform = open(&common, &areas).await?;
            return ingest(&platform, &resource, &file).await;
        }
        #[cfg(feature = "datastore")]
        Command::Validate { file, json } => return validate(&file, json),
        Command::Migrate(common) => {
            let platform = open(&common, &areas).await?;
            let engine = match platform.db.engine() {
                Engine::Sqlite => "SQLite",
                Engine::Postgres => "PostgreSQL",
            };
            println!(
                "{engine} database is up to date ({})",
                platform::config::redact_url(&platform.settings.database_url())
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn serve(platform: Platform, areas: &[Area]) -> anyhow::Result<()> {
    // Catch the search index up (or build it, the first time) before answering anyone.
    let sources = crate::home::search_sources(areas);
    let caught_up = platform.search.follow(&platform.db, &sources).await?;
    if caught_up.changes > 0 || caught_up.rebuilt {
        tracing::info!(
            changes = caught_up.changes,
            rebuilt = caught_up.rebuilt,
            "search index up to date"
        );
    }
    let registry = std::sync::Arc::new(crate::home::job_registry(areas));
    let workers =
        platform::jobs::spawn_workers(platform.clone(), registry, platform.settings.workers);
    let follower =
        platform::search::spawn_follower(&platform, sources, std::time::Duration::from_millis(500));
    let app = crate::home::app(&platform, areas).await?;
    let served = server::serve(&platform, app).await;
    workers.shutdown().await;
    follower.abort();
    platform.db.close().await;
    served
}

/// Imports a catalogue file (a ckanapi dump, or Ontario's inventory CSV) with a progress bar.
async fn import_catalogue(
    common: &Common,
    areas: &[Area],
    file: &std::path::Path,
    ckan_dump: bool,
) -> anyhow::Result<()> {
    let platform = open(common, areas).await?;
    let reader =
        std::fs::File::open(file).with_context(|| format!("cannot open {}", file.display()))?;
    let bar = progress_bar("records");
    let tick = |done: u64, total: u64| {
        bar.set_length(total);
        bar.set_position(done);
    };
    let summary = if ckan_dump {
        catalogue::import::ckan_dump(&platform, std::io::BufReader::new(reader), &tick).await?
    } else {
        catalogue::import::ontario_catalogue(&platform, reader, &tick).await?
    };
    bar.finish_and_clear();
    print!("{summary}");
    // Bring the search index up to date before returning, so the site shows the import.
    platform
        .search
        .follow(&platform.db, &crate::home::search_sources(areas))
        .await?;
    Ok(())
}

/// Harvests a CKAN site with a progress bar, then brings the search index up to date.
async fn harvest_ckan(common: &Common, areas: &[Area], url: &str) -> anyhow::Result<()> {
    let platform = open(common, areas).await?;
    let bar = progress_bar("packages");
    let tick = |done: u64, total: u64| {
        bar.set_length(total);
        bar.set_position(done);
    };
    let report = catalogue::harvest::ckan(&platform, url, &tick).await;
    bar.finish_and_clear();
    print!("{}", report?);
    platform
        .search
        .follow(&platform.db, &crate::home::search_sources(areas))
        .await?;
    Ok(())
}

/// Loads a file into a resource's table with a progress bar over each pass; prints the report.
#[cfg(feature = "datastore")]
async fn ingest(
    platform: &Platform,
    resource: &str,
    file: &std::path::Path,
) -> anyhow::Result<ExitCode> {
    use std::sync::atomic::Ordering;
    let id = uuid::Uuid::parse_str(resource.trim())
        .with_context(|| format!("{resource} is not a resource id"))?;
    let r = catalogue::store::resource(&platform.db, id)
        .await?
        .with_context(|| format!("no resource {id}"))?;
    if !file.is_file() {
        bail!("cannot read {}", file.display());
    }
    let progress = std::sync::Arc::new(datastore::ingest::Progress::default());
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} {msg}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let actor = Actor::system("cli");
    let work = datastore::load::load(platform, &actor, &r, file, "cli", &name, progress.clone());
    tokio::pin!(work);
    let started = std::time::Instant::now();
    let load = loop {
        tokio::select! {
            done = &mut work => break done?,
            _ = tokio::time::sleep(std::time::Duration::from_millis(100)) => {
                bar.set_length(progress.total_bytes.load(Ordering::Relaxed));
                bar.set_position(progress.bytes.load(Ordering::Relaxed));
                let (_, note) = datastore::load::describe(&progress, started.elapsed());
                bar.set_message(note);
            }
        }
    };
    bar.finish_and_clear();
    let report = &load.report.0;
    print!("{}", report.text(platform::Lang::En));
    match load.version {
        Some(v) => {
            println!(
                "version {v}: {} rows, {} columns in {:.2} s ({})",
                report.rows,
                report.columns.len(),
                report.seconds,
                report.encoding.as_deref().unwrap_or(&report.format)
            );
            for c in &report.columns {
                println!("  {}: {}", c.name, c.column_type.as_str());
            }
            Ok(ExitCode::SUCCESS)
        }
        None => {
            println!("not loaded: the previous version, if any, keeps serving");
            Ok(ExitCode::FAILURE)
        }
    }
}

#[cfg(feature = "datastore")]
fn validate(file: &std::path::Path, json: bool) -> anyhow::Result<ExitCode> {
    let name = file.to_string_lossy();
    let opts = datastore::ingest::LoadOptions {
        format: datastore::sniff::Format::from_name(&name).unwrap_or(datastore::sniff::Format::Csv),
        overrides: Default::default(),
        max_workbook_part: datastore::source::MAX_WORKBOOK_PART_BYTES,
    };
    let loaded = datastore::ingest::load_file(
        file,
        &opts,
        &datastore::ingest::Progress::default(),
        &std::env::temp_dir(),
    )
    .with_context(|| format!("cannot read {}", file.display()))?;
    let report = &loaded.report;
    if json {
        println!("{}", serde_json::to_string_pretty(report)?);
    } else {
        print!("{}", report.text(platform::Lang::En));
        println!(
            "{}: {} rows, {} columns ({})",
            if report.ok { "loadable" } else { "refused" },
            report.rows,
            report.columns.len(),
            report.encoding.as_deref().unwrap_or(&report.format)
        );
        for c in &report.columns {
            println!("  {}: {}", c.name, c.column_type.as_str());
        }
    }
    Ok(if report.ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

pub(crate) fn progress_bar(unit: &str) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new(0);
    let template = format!(
        "{{spinner}} [{{elapsed_precise}}] {{wide_bar}} {{pos}}/{{len}} {unit} ({{per_sec}}, {{eta}} left)"
    );
    bar.set_style(
        indicatif::ProgressStyle::with_template(&template)
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    bar
}

async fn reindex(platform: &Platform, areas: &[Area]) -> anyhow::Result<()> {
    let bar = progress_bar("documents");
    let started = std::time::Instant::now();
    let result = platform
        .search
        .reindex(
            &platform.db,
            &crate::home::search_sources(areas),
            |done, total| {
                bar.set_length(total);
                bar.set_position(done);
            },
        )
        .await;
    bar.finish_and_clear();
    match result {
        Ok(n) => println!(
            "indexed {n} documents in {:.1} s",
            started.elapsed().as_secs_f64()
        ),
        // A running server holds the index: ask every node to rebuild on its next poll instead.
        Err(e) if platform::search::is_busy(&e) => {
            platform::search::Search::request_reindex(&platform.db, None).await?;
            println!("a running server holds the search index; it will rebuild it now");
        }
        Err(e) => return Err(e.into()),
    }
    Ok(())
}

async fn print_jobs(
    platform: &Platform,
    state: Option<String>,
    kind: Option<String>,
    limit: i64,
) -> anyhow::Result<()> {
    use platform::jobs::{self, JobState};
    let state = match state {
        Some(s) => JobState::parse(&s)
            .with_context(|| {
                format!("unknown state `{s}`: use queued, running, succeeded, failed or cancelled")
            })?
            .as_str()
            .to_string(),
        None => String::new(),
    };
    let filter = jobs::JobFilter {
        state,
        kind: kind.unwrap_or_default(),
    };
    let (list, total) = jobs::list(&platform.db, &filter, limit, 0).await?;
    print!("{}", crate::jobs_table::format_table(&list));
    if total > list.len() as i64 {
        println!("({} of {total} shown)", list.len());
    }
    Ok(())
}

/// Turns a validation error into a sentence that names each field.
fn explain(e: platform::Error) -> anyhow::Error {
    match &e {
        platform::Error::Validation(fields) => {
            let parts: Vec<String> = fields
                .iter()
                .map(|f| format!("{}: {}", f.field, platform::Lang::En.msg(&f.msg)))
                .collect();
            anyhow::anyhow!("{}", parts.join("; "))
        }
        other => anyhow::anyhow!("{}", platform::Lang::En.msg(&other.message())),
    }
}

fn read_password() -> anyhow::Result<Option<String>> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        return Ok(None);
    }
    let mut text = String::new();
    stdin.lock().read_to_string(&mut text)?;
    let password = text.trim_end_matches(['\n', '\r']).to_string();
    Ok((!password.is_empty()).then_some(password))
}

/// A password people can type: four groups of five letters and digits.
pub fn generate_password() -> String {
    let secret = auth::new_secret().replace(['-', '_'], "x");
    secret
        .as_bytes()
        .chunks(5)
        .take(4)
        .map(|c| String::from_utf8_lossy(c).to_string())
        .collect::<Vec<_>>()
        .join("-")
}

async fn create_user(
    platform: &Platform,
    email: &str,
    role: &str,
    org: Option<&str>,
    name: &str,
) -> anyhow::Result<()> {
    let role = Role::parse(role).context("role must be admin, editor, moderator or participant")?;
    let organization = match org {
        Some(slug) => Some(
            orgs::find_by_slug(&platform.db, slug)
                .await?
                .with_context(|| format!("no organization with slug `{slug}`"))?,
        ),
        None if role == Role::Editor => {
            bail!("an editor works for an organization: give --org SLUG")
        }
        None => None,
    };
    let (password, generated) = match read_password()? {
        Some(p) => (p, false),
        None => (generate_password(), true),
    };
    let actor = Actor::system("cli");
    let mut tx = platform.db.begin().await?;
    let new = NewUser {
        email,
        display_name: name,
        password: &password,
        role,
        verified: true,
        locale: "en",
    };
    let user = auth::create_user(&mut tx, &actor, new)
        .await
        .map_err(explain)?;
    if let Some(org) = &organization {
        auth::add_membership(&mut tx, &actor, user.id, org.id).await?;
    }
    tx.commit().await?;
    println!(
        "created {} ({}){}",
        user.email,
        role.as_str(),
        organization
            .map(|o| format!(" for {}", o.slug))
            .unwrap_or_default()
    );
    if generated {
        println!("password: {password}");
    }
    Ok(())
}

async fn import_ogp(
    platform: &Platform,
    file: &std::path::Path,
    lang: &str,
) -> anyhow::Result<ExitCode> {
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let lang = platform::Lang::from_code(lang).unwrap_or_default();
    let base = platform.settings.base_url();
    let actor = Actor::system("cli import");
    match tracker::ogp::import(&platform.db, &actor, &bytes, lang, &base).await? {
        Ok(r) => {
            println!(
                "imported {}: {} new commitments, {} updated",
                file.display(),
                r.commitments_created,
                r.commitments_updated
            );
            for (what, list) in [
                ("action plans", &r.plans_created),
                ("organizations", &r.organizations_created),
                ("themes", &r.themes_created),
            ] {
                if !list.is_empty() {
                    println!("new {what}: {}", list.join(", "));
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("nothing was imported from {}:", file.display());
            for line in e.describe(platform::Lang::En) {
                eprintln!("  {line}");
            }
            Ok(ExitCode::FAILURE)
        }
    }
}

async fn import_agreements(
    platform: &Platform,
    file: &std::path::Path,
) -> anyhow::Result<ExitCode> {
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let rows = library::agreements::read_index(&bytes)
        .with_context(|| format!("{} is not an index of agreements", file.display()))?;
    let actor = Actor::system("cli import");
    let report = library::agreements::import(&platform.db, &actor, &rows)
        .await
        .map_err(explain)?;
    println!(
        "imported {}: {} new agreements, {} updated",
        file.display(),
        report.created,
        report.updated
    );
    if !report.terms_unread.is_empty() {
        println!(
            "{} terms could not be read as dates:",
            report.terms_unread.len()
        );
        for (id, term) in &report.terms_unread {
            println!("  {id}: {term:?}");
        }
    }
    for (id, reason) in &report.refused {
        eprintln!("  left out {id}: {reason}");
    }
    Ok(ExitCode::SUCCESS)
}

async fn import_canada(
    platform: &Platform,
    codes: &std::path::Path,
    progress: &std::path::Path,
    plan: &str,
) -> anyhow::Result<ExitCode> {
    let read = |p: &std::path::Path| {
        std::fs::read(p).with_context(|| format!("cannot read {}", p.display()))
    };
    let (codes, progress) = (read(codes)?, read(progress)?);
    let actor = Actor::system("cli import");
    match tracker::canada::import(&platform.db, &actor, &codes, &progress, plan).await? {
        Ok(r) => {
            println!(
                "imported plan {}: {} commitments, {} milestones, {} progress updates",
                r.plan, r.commitments, r.milestones, r.updates
            );
            if !r.organizations_created.is_empty() {
                println!("new organizations: {}", r.organizations_created.join(", "));
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("nothing was imported:");
            for line in e.describe(platform::Lang::En) {
                eprintln!("  {line}");
            }
            Ok(ExitCode::FAILURE)
        }
    }
}
