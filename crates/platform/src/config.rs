//! Settings: command-line flags and environment variables first, then the optional TOML file,
//! then defaults. A malformed file names the key and the problem.

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};

use serde::Deserialize;

#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    pub data_dir: PathBuf,
    pub listen: SocketAddr,
    /// `sqlite://PATH` or `postgres://…`; when absent, SQLite at `DATA_DIR/agora.db`.
    pub database_url: Option<String>,
    /// The public address of the site, used in e-mails and feeds. Defaults to `http://LISTEN`.
    pub base_url: Option<String>,
    pub site: SiteSettings,
    pub smtp: Option<SmtpSettings>,
    pub storage: StorageSettings,
    pub limits: Limits,
    pub log: LogSettings,
    /// Run background job workers in this process.
    pub workers: usize,
    pub catalogue: CatalogueSettings,
    pub datastore: DatastoreSettings,
    pub dialogue: DialogueSettings,
    pub server: ServerSettings,
    pub observability: ObservabilitySettings,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            data_dir: PathBuf::from("./agora-data"),
            listen: "127.0.0.1:8080".parse().expect("valid default address"),
            database_url: None,
            base_url: None,
            site: SiteSettings::default(),
            smtp: None,
            storage: StorageSettings::default(),
            limits: Limits::default(),
            log: LogSettings::default(),
            workers: 2,
            catalogue: CatalogueSettings::default(),
            datastore: DatastoreSettings::default(),
            dialogue: DialogueSettings::default(),
            server: ServerSettings::default(),
            observability: ObservabilitySettings::default(),
        }
    }
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("data_dir", &self.data_dir)
            .field("listen", &self.listen)
            .field("database", &self.database_url.as_deref().map(redact_url))
            .field("base_url", &self.base_url())
            .field("smtp", &self.smtp.as_ref().map(|s| (&s.host, s.port)))
            .field("storage", &self.storage.kind())
            .finish()
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SiteSettings {
    pub name_en: String,
    pub name_fr: String,
    pub jurisdiction_en: String,
    pub jurisdiction_fr: String,
    /// The government's name as publisher of data and documents.
    pub government_en: String,
    pub government_fr: String,
    /// Address that e-mails come from.
    pub mail_from: String,
}

impl Default for SiteSettings {
    fn default() -> Self {
        SiteSettings {
            name_en: "Open Government".into(),
            name_fr: "Gouvernement ouvert".into(),
            jurisdiction_en: "Ontario".into(),
            jurisdiction_fr: "Ontario".into(),
            government_en: "Government of Ontario".into(),
            government_fr: "Gouvernement de l’Ontario".into(),
            mail_from: "Agora <no-reply@agora.invalid>".into(),
        }
    }
}

#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpSettings {
    pub host: String,
    #[serde(default = "default_smtp_port")]
    pub port: u16,
    pub username: Option<String>,
    pub password: Option<String>,
    /// `starttls` (default), `tls` or `none`.
    #[serde(default = "default_smtp_security")]
    pub security: String,
}

fn default_smtp_port() -> u16 {
    587
}
fn default_smtp_security() -> String {
    "starttls".into()
}

#[derive(Clone, Debug, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct StorageSettings {
    /// An S3-compatible bucket; when absent, files live under `DATA_DIR/files`.
    pub s3: Option<S3Settings>,
}

impl StorageSettings {
    pub fn kind(&self) -> &'static str {
        if self.s3.is_some() { "s3" } else { "local" }
    }
}

#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct S3Settings {
    pub bucket: String,
    pub region: Option<String>,
    pub endpoint: Option<String>,
    pub access_key_id: Option<String>,
    pub secret_access_key: Option<String>,
    #[serde(default)]
    pub allow_http: bool,
}

impl std::fmt::Debug for S3Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Settings")
            .field("bucket", &self.bucket)
            .field("endpoint", &self.endpoint)
            .finish()
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    /// Largest form body a page accepts, in bytes.
    pub max_form_bytes: usize,
    /// Largest JSON (or form) body an API accepts, in bytes.
    pub max_json_bytes: usize,
    /// Largest file upload, in bytes: only upload routes take bodies this large, and stream
    /// them into the file store. `max_body_bytes` is the older name.
    #[serde(alias = "max_body_bytes")]
    pub max_upload_bytes: usize,
    /// Failed log-ins allowed per account within `login_window_minutes`.
    pub login_failures_per_account: i64,
    /// Failed log-ins allowed per client address within `login_window_minutes`.
    pub login_failures_per_address: i64,
    #[serde(deserialize_with = "window_minutes")]
    pub login_window_minutes: i64,
    /// Seconds a request may take before it is answered with 503.
    pub request_timeout_seconds: u64,
    /// Per-action rate limits (`[limits.rate.vote]` and so on).
    pub rate: RateLimits,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_form_bytes: 1024 * 1024,
            max_json_bytes: 1024 * 1024,
            max_upload_bytes: 256 * 1024 * 1024,
            login_failures_per_account: 5,
            login_failures_per_address: 30,
            login_window_minutes: 15,
            request_timeout_seconds: 120,
            rate: RateLimits::default(),
        }
    }
}

/// Public participation settings.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DialogueSettings {
    /// Only reports by verified accounts count towards hiding a contribution pending review.
    pub auto_hide_verified_only: bool,
}

impl Default for DialogueSettings {
    fn default() -> Self {
        DialogueSettings {
            auto_hide_verified_only: true,
        }
    }
}

/// How often one client address and one account may do an action within a fixed window; 0 means
/// no limit on that count. Counted in the database, so shared by every node.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RateLimit {
    pub per_address: i64,
    pub per_account: i64,
    #[serde(deserialize_with = "window_minutes")]
    pub window_minutes: i64,
}

impl RateLimit {
    const fn new(per_address: i64, per_account: i64, window_minutes: i64) -> RateLimit {
        RateLimit {
            per_address,
            per_account,
            window_minutes,
        }
    }
}

impl Default for RateLimit {
    fn default() -> Self {
        RateLimit::new(0, 0, 60)
    }
}

/// The longest counting window: a year. Longer values would overflow time arithmetic.
pub const MAX_WINDOW_MINUTES: i64 = 366 * 24 * 60;

/// A counting window in minutes, 1 to [`MAX_WINDOW_MINUTES`].
fn window_minutes<'de, D: serde::Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    let minutes = i64::deserialize(d)?;
    if (1..=MAX_WINDOW_MINUTES).contains(&minutes) {
        Ok(minutes)
    } else {
        Err(serde::de::Error::custom(format!(
            "a window of {minutes} minutes: it must be 1 to {MAX_WINDOW_MINUTES} (a year)"
        )))
    }
}

/// The limited actions. Addresses are shared behind office and mobile gateways, so their limits
/// are higher than an account's.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RateLimits {
    /// Accounts created; the account is the e-mail address signed up with.
    pub signup: RateLimit,
    /// Reset e-mails asked for; the account is the e-mail address asked for.
    pub password_reset: RateLimit,
    /// Verification e-mails sent again.
    pub verification_resend: RateLimit,
    /// Data requests submitted.
    pub data_request: RateLimit,
    /// Votes cast or withdrawn (dialogue and data requests).
    pub vote: RateLimit,
    /// Moderation reports.
    pub report: RateLimit,
}

impl Default for RateLimits {
    fn default() -> Self {
        RateLimits {
            signup: RateLimit::new(20, 3, 60),
            password_reset: RateLimit::new(20, 3, 60),
            verification_resend: RateLimit::new(20, 3, 60),
            data_request: RateLimit::new(30, 10, 60),
            vote: RateLimit::new(600, 120, 60),
            report: RateLimit::new(60, 20, 60),
        }
    }
}

/// The open data catalogue's settings: licences added to the built-in list, or replacing it.
#[derive(Clone, Debug, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct CatalogueSettings {
    /// When true, `licences` is the whole list; otherwise it adds to (or overrides by id) the built-in one.
    pub replace_licences: bool,
    pub licences: Vec<LicenceSettings>,
}

/// The datastore's settings: how many table versions are kept, how linked files are fetched, and
/// the limits that protect the server from large workbooks, large links and runaway queries.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DatastoreSettings {
    /// Versions of each table kept in the object store (at least 1: the one serving).
    pub keep_versions: usize,
    /// When above 0, versions older than this many days are removed too (never the one serving).
    pub keep_days: u64,
    /// Largest uncompressed sheet (and shared strings) of an XLSX or ODS workbook, in megabytes.
    pub max_spreadsheet_mb: u64,
    /// Longest a datastore query may run, in seconds.
    pub query_seconds: u64,
    /// Memory the datastore's queries share, in megabytes.
    pub query_memory_mb: usize,
    /// Largest answer of `datastore_search_sql` and `datastore_search`, in megabytes: the SQL
    /// stops there and says `records_truncated`, a search asks for fewer rows.
    pub max_answer_mb: usize,
    /// Fetch links whose host is on a loopback, private, link-local or otherwise non-public
    /// address. Off by default, so that a link cannot reach the server's own network; turn it on
    /// for intranet deployments whose files live on private addresses.
    pub allow_private_links: bool,
    /// Largest linked file fetched, in bytes.
    pub max_link_bytes: u64,
    /// Seconds a linked file may take to arrive, redirects included.
    pub link_timeout_seconds: u64,
}

impl Default for DatastoreSettings {
    fn default() -> Self {
        DatastoreSettings {
            keep_versions: 10,
            keep_days: 0,
            max_spreadsheet_mb: 256,
            query_seconds: 20,
            query_memory_mb: 512,
            max_answer_mb: 32,
            allow_private_links: false,
            max_link_bytes: 2 * 1024 * 1024 * 1024,
            link_timeout_seconds: 600,
        }
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LicenceSettings {
    pub id: String,
    pub title_en: String,
    #[serde(default)]
    pub title_fr: String,
    #[serde(default)]
    pub url: String,
    /// Whether the licence meets the Open Definition.
    #[serde(default)]
    pub open: bool,
    /// Other ids that mean this licence (e.g. CKAN's `cc-by` for `CC-BY-4.0`).
    #[serde(default)]
    pub aliases: Vec<String>,
}

/// How the server sees its clients.
#[derive(Clone, Debug, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct ServerSettings {
    /// Reverse proxies (addresses or CIDR ranges, `"10.0.0.0/8"`) whose `X-Forwarded-For` is
    /// believed. Only a request whose peer is one of them is attributed to the rightmost address
    /// in that header that is not itself a trusted proxy; every other request to its peer.
    pub trusted_proxies: Vec<IpRange>,
}

/// Metrics and health.
#[derive(Clone, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct ObservabilitySettings {
    /// When set, `/metrics` answers only requests with `Authorization: Bearer <metrics_token>`.
    pub metrics_token: Option<String>,
}

impl std::fmt::Debug for ObservabilitySettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ObservabilitySettings")
            .field("metrics_token", &self.metrics_token.as_ref().map(|_| "***"))
            .finish()
    }
}

/// An address range such as `127.0.0.1/32`, `10.0.0.0/8` or `::1/128`; a bare address is the
/// range of that one address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IpRange {
    network: IpAddr,
    prefix: u8,
}

impl IpRange {
    pub fn contains(&self, addr: IpAddr) -> bool {
        // An IPv4 client seen through an IPv6 socket (`::ffff:a.b.c.d`) is that IPv4 client.
        let addr = match addr {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(addr, IpAddr::V4),
            v4 => v4,
        };
        match (self.network, addr) {
            (IpAddr::V4(n), IpAddr::V4(a)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(n) & mask == u32::from(a) & mask
            }
            (IpAddr::V6(n), IpAddr::V6(a)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(n) & mask == u128::from(a) & mask
            }
            _ => false,
        }
    }
}

impl std::str::FromStr for IpRange {
    type Err = String;
    fn from_str(s: &str) -> Result<IpRange, String> {
        let (addr, prefix) = match s.trim().split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s.trim(), None),
        };
        let network: IpAddr = addr
            .parse()
            .map_err(|_| format!("`{s}` is not an IP address or CIDR range"))?;
        let max = if network.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => max,
            Some(p) => p
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= max)
                .ok_or_else(|| format!("`{s}`: the prefix length must be 0 to {max}"))?,
        };
        Ok(IpRange { network, prefix })
    }
}

impl<'de> Deserialize<'de> for IpRange {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<IpRange, D::Error> {
        String::deserialize(d)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

#[derive(Clone, Debug, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct LogSettings {
    pub json: bool,
}

/// Values given on the command line or in the environment; they win over the file.
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    pub data_dir: Option<PathBuf>,
    pub listen: Option<SocketAddr>,
    pub database_url: Option<String>,
    pub config: Option<PathBuf>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("config file {path}: {message}")]
    Invalid { path: PathBuf, message: String },
}

impl Settings {
    pub fn load(overrides: &Overrides) -> Result<Settings, ConfigError> {
        let mut settings = match &overrides.config {
            Some(path) => Settings::from_file(path)?,
            None => Settings::default(),
        };
        if let Some(d) = &overrides.data_dir {
            settings.data_dir = d.clone();
        }
        if let Some(l) = overrides.listen {
            settings.listen = l;
        }
        if let Some(u) = &overrides.database_url {
            settings.database_url = Some(u.clone());
        }
        Ok(settings)
    }

    pub fn from_file(path: &Path) -> Result<Settings, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.into(),
            source,
        })?;
        Settings::from_toml(&text).map_err(|message| ConfigError::Invalid {
            path: path.into(),
            message,
        })
    }

    /// Parses TOML; the error names the key and the line.
    pub fn from_toml(text: &str) -> Result<Settings, String> {
        toml::from_str::<Settings>(text).map_err(|e| {
            let msg = e.message().trim().to_string();
            // An unknown key is reported for its whole table: find the key's own line.
            let unknown = msg
                .strip_prefix("unknown field `")
                .and_then(|rest| rest.split('`').next());
            let line = match unknown {
                Some(key) => text
                    .lines()
                    .position(|l| {
                        l.trim_start().starts_with(key)
                            && l[l.find(key).unwrap_or(0) + key.len()..]
                                .trim_start()
                                .starts_with('=')
                    })
                    .map(|i| i + 1),
                None => e
                    .span()
                    .map(|span| text[..span.start.min(text.len())].lines().count().max(1)),
            };
            match line {
                Some(line) => format!("line {line}: {msg}"),
                None => msg,
            }
        })
    }

    pub fn base_url(&self) -> String {
        match &self.base_url {
            Some(u) => u.trim_end_matches('/').to_string(),
            None => format!("http://{}", self.listen),
        }
    }

    pub fn secure_cookies(&self) -> bool {
        self.base_url().starts_with("https://")
    }

    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(u) => u.clone(),
            None => format!("sqlite://{}", self.data_dir.join("agora.db").display()),
        }
    }

    pub fn outbox_dir(&self) -> PathBuf {
        self.data_dir.join("outbox")
    }
    pub fn files_dir(&self) -> PathBuf {
        self.data_dir.join("files")
    }
    pub fn search_dir(&self) -> PathBuf {
        self.data_dir.join("search")
    }
}

/// The URL with its password replaced by `***`, for logs and error messages.
pub fn redact_url(raw: &str) -> String {
    match url::Url::parse(raw) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        _ => raw.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_key_is_named() {
        let err = Settings::from_toml("listen = \"127.0.0.1:9000\"\nlistne = 3\n")
            .err()
            .unwrap();
        assert!(err.contains("listne"), "{err}");
        assert!(err.contains("line 2"), "{err}");
    }

    #[test]
    fn wrong_type_is_named() {
        let err = Settings::from_toml("[limits]\nmax_body_bytes = \"big\"\n")
            .err()
            .unwrap();
        assert!(
            err.contains("max_body_bytes") || err.contains("line 2"),
            "{err}"
        );
    }

    #[test]
    fn body_limits_default_small_and_the_old_name_sets_the_upload_limit() {
        let s = Settings::from_toml("").unwrap();
        assert_eq!(s.limits.max_form_bytes, 1024 * 1024);
        assert_eq!(s.limits.max_json_bytes, 1024 * 1024);
        assert_eq!(s.limits.max_upload_bytes, 256 * 1024 * 1024);
        let s =
            Settings::from_toml("[limits]\nmax_body_bytes = 5000\nmax_json_bytes = 70\n").unwrap();
        assert_eq!(s.limits.max_upload_bytes, 5000);
        assert_eq!(s.limits.max_json_bytes, 70);
        assert_eq!(s.limits.max_form_bytes, 1024 * 1024);
    }

    #[test]
    fn file_values_apply_and_flags_win() {
        let s = Settings::from_toml(
            "listen = \"127.0.0.1:9000\"\n[site]\nname_en = \"Open Ontario\"\n",
        )
        .unwrap();
        assert_eq!(s.listen.port(), 9000);
        assert_eq!(s.site.name_en, "Open Ontario");
        assert_eq!(s.site.name_fr, "Gouvernement ouvert");
    }

    #[test]
    fn catalogue_licences_are_read() {
        let s = Settings::from_toml(
            "[catalogue]\n[[catalogue.licences]]\nid = \"OGL-NS-1.0\"\ntitle_en = \"Open Government Licence – Nova Scotia\"\nopen = true\n",
        )
        .unwrap();
        assert!(!s.catalogue.replace_licences);
        assert_eq!(s.catalogue.licences[0].id, "OGL-NS-1.0");
        assert!(s.catalogue.licences[0].open);
        let err = Settings::from_toml(
            "[[catalogue.licences]]\nid = \"x\"\ntitle_en = \"X\"\nopne = true\n",
        )
        .err()
        .unwrap();
        assert!(err.contains("opne"), "{err}");
    }

    #[test]
    fn datastore_link_settings_are_read() {
        let s = Settings::default();
        assert!(!s.datastore.allow_private_links);
        let s = Settings::from_toml(
            "[datastore]\nallow_private_links = true\nmax_link_bytes = 1000\nlink_timeout_seconds = 5\n",
        )
        .unwrap();
        assert!(s.datastore.allow_private_links);
        assert_eq!(s.datastore.max_link_bytes, 1000);
        assert_eq!(s.datastore.link_timeout_seconds, 5);
        assert_eq!(Settings::default().datastore.max_answer_mb, 32);
        let s = Settings::from_toml("[datastore]\nmax_answer_mb = 4\n").unwrap();
        assert_eq!(s.datastore.max_answer_mb, 4);
    }

    #[test]
    fn trusted_proxies_are_read_and_matched() {
        let s = Settings::from_toml(
            "[server]\ntrusted_proxies = [\"127.0.0.1/32\", \"10.0.0.0/8\", \"::1\"]\n[observability]\nmetrics_token = \"s3cret\"\n",
        )
        .unwrap();
        let p = &s.server.trusted_proxies;
        let ip = |a: &str| a.parse::<IpAddr>().unwrap();
        assert!(p[0].contains(ip("127.0.0.1")) && !p[0].contains(ip("127.0.0.2")));
        assert!(p[1].contains(ip("10.200.3.4")) && !p[1].contains(ip("11.0.0.1")));
        assert!(p[1].contains(ip("::ffff:10.1.2.3")));
        assert!(p[2].contains(ip("::1")) && !p[2].contains(ip("127.0.0.1")));
        assert!(
            "0.0.0.0/0"
                .parse::<IpRange>()
                .unwrap()
                .contains(ip("8.8.8.8"))
        );
        assert_eq!(s.observability.metrics_token.as_deref(), Some("s3cret"));
        assert!(!format!("{:?}", s.observability).contains("s3cret"));
        for bad in ["10.0.0.0/33", "nonsense", "10.0.0.0/x"] {
            let err = Settings::from_toml(&format!("[server]\ntrusted_proxies = [\"{bad}\"]\n"))
                .err()
                .unwrap();
            assert!(err.contains(bad) && err.contains("line 2"), "{err}");
        }
    }

    #[test]
    fn windows_out_of_range_are_refused_with_their_line() {
        for bad in ["0", "-5", "9223372036854775807"] {
            let err = Settings::from_toml(&format!("[limits]\nlogin_window_minutes = {bad}\n"))
                .err()
                .unwrap();
            assert!(err.contains("line 2") && err.contains(bad), "{err}");
            let err = Settings::from_toml(&format!(
                "[limits.rate.vote]\nper_address = 1\nwindow_minutes = {bad}\n"
            ))
            .err()
            .unwrap();
            assert!(err.contains("line 3"), "{err}");
        }
        let s = Settings::from_toml("[limits]\nlogin_window_minutes = 527040\n").unwrap();
        assert_eq!(s.limits.login_window_minutes, MAX_WINDOW_MINUTES);
    }

    #[test]
    fn password_is_redacted() {
        assert_eq!(
            redact_url("postgres://agora:secret@db:5432/agora"),
            "postgres://agora:***@db:5432/agora"
        );
        assert!(
            !format!(
                "{:?}",
                Settings {
                    database_url: Some("postgres://a:pw@h/d".into()),
                    ..Default::default()
                }
            )
            .contains("pw")
        );
    }
}
