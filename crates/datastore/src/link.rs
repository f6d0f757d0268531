//! Fetching the file a resource links to, for loading. A link must not reach the server's own
//! network: its host is checked on the addresses actually connected to (the resolver hands the
//! client only public ones, so a name cannot switch to a private address between the check and
//! the connection) and again on every redirect, unless the operator allows private addresses.
//! The download stops at a size and a time limit.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use url::{Host, Url};

use platform::config::DatastoreSettings;

use crate::report::Problem;

/// Redirects followed before giving up.
const MAX_REDIRECTS: usize = 10;

/// How links are fetched: the operator's `[datastore]` settings.
#[derive(Clone, Debug)]
pub struct LinkPolicy {
    pub allow_private: bool,
    pub max_bytes: u64,
    pub timeout: Duration,
}

impl LinkPolicy {
    pub fn from_settings(s: &DatastoreSettings) -> LinkPolicy {
        LinkPolicy {
            allow_private: s.allow_private_links,
            max_bytes: s.max_link_bytes,
            timeout: Duration::from_secs(s.link_timeout_seconds),
        }
    }
}

/// Why a resource's file could not be had.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("only http and https links are loaded, not {0}")]
    Scheme(String),
    #[error("{host} is on the private network address {address}")]
    Private { host: String, address: IpAddr },
    #[error("the file is larger than {limit} bytes")]
    TooLarge { limit: u64 },
    #[error("the file did not arrive within {seconds} seconds")]
    TimedOut { seconds: u64 },
    #[error("the link redirects more than {MAX_REDIRECTS} times")]
    TooManyRedirects,
    #[error("the server answered {0}")]
    Status(reqwest::StatusCode),
    #[error("{0:#}")]
    Failed(anyhow::Error),
}

impl FetchError {
    /// Whether trying again later may work: a server down or slow for a moment.
    pub fn retry(&self) -> bool {
        match self {
            FetchError::TimedOut { .. } | FetchError::Failed(_) => true,
            FetchError::Status(s) => s.is_server_error(),
            _ => false,
        }
    }

    /// The problem the load's report shows.
    pub fn problem(&self) -> Problem {
        match self {
            FetchError::Scheme(scheme) => Problem::error("link-scheme").arg("scheme", scheme),
            FetchError::Private { host, address } => Problem::error("link-private")
                .arg("host", host)
                .arg("address", address),
            FetchError::TooLarge { limit } => {
                Problem::error("link-too-large").arg("limit", platform::i18n::human_bytes(*limit))
            }
            FetchError::TimedOut { seconds } => {
                Problem::error("link-timeout").arg("seconds", seconds)
            }
            other => Problem::error("unreachable").arg("reason", other.to_string()),
        }
    }
}

fn failed(e: impl Into<anyhow::Error>) -> FetchError {
    FetchError::Failed(e.into())
}

/// Downloads a linked file into `dir`, streaming to disk, within the policy's limits.
pub async fn fetch(
    url: &str,
    dir: &Path,
    policy: &LinkPolicy,
) -> Result<tempfile::NamedTempFile, FetchError> {
    match tokio::time::timeout(policy.timeout, fetch_in_time(url, dir, policy)).await {
        Ok(fetched) => fetched,
        Err(_) => Err(FetchError::TimedOut {
            seconds: policy.timeout.as_secs(),
        }),
    }
}

async fn fetch_in_time(
    url: &str,
    dir: &Path,
    policy: &LinkPolicy,
) -> Result<tempfile::NamedTempFile, FetchError> {
    let resolver = Arc::new(PublicOnly {
        allow_private: policy.allow_private,
        refused: Arc::default(),
    });
    // Redirects are followed here, not by the client, so that each one is checked; no proxy,
    // so that the addresses checked are the ones connected to.
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .connect_timeout(Duration::from_secs(30))
        .dns_resolver(resolver.clone())
        .build()
        .map_err(failed)?;
    let mut url = Url::parse(url.trim()).map_err(failed)?;
    for _ in 0..=MAX_REDIRECTS {
        check(&url, policy)?;
        let response = match client.get(url.clone()).send().await {
            Ok(r) => r,
            Err(e) => {
                let refused = resolver.refused.lock().map(|mut r| r.take()).ok().flatten();
                return Err(match refused {
                    Some((host, address)) => FetchError::Private { host, address },
                    None => failed(e),
                });
            }
        };
        let status = response.status();
        if status.is_redirection() {
            let location = response
                .headers()
                .get(reqwest::header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .ok_or(FetchError::Status(status))?;
            url = url.join(location).map_err(failed)?;
            continue;
        }
        if !status.is_success() {
            return Err(FetchError::Status(status));
        }
        return download(response, dir, policy.max_bytes).await;
    }
    Err(FetchError::TooManyRedirects)
}

/// The scheme, and a host given as an address (the resolver sees only names).
fn check(url: &Url, policy: &LinkPolicy) -> Result<(), FetchError> {
    if !matches!(url.scheme(), "http" | "https") {
        return Err(FetchError::Scheme(url.scheme().to_string()));
    }
    let address = match url.host() {
        Some(Host::Ipv4(ip)) => IpAddr::V4(ip),
        Some(Host::Ipv6(ip)) => IpAddr::V6(ip),
        Some(Host::Domain(_)) => return Ok(()),
        None => return Err(failed(anyhow::anyhow!("the link has no host"))),
    };
    if policy.allow_private || is_public(address) {
        Ok(())
    } else {
        Err(FetchError::Private {
            host: url.host_str().unwrap_or_default().to_string(),
            address,
        })
    }
}

async fn download(
    mut response: reqwest::Response,
    dir: &Path,
    max_bytes: u64,
) -> Result<tempfile::NamedTempFile, FetchError> {
    use tokio::io::AsyncWriteExt;
    let too_large = FetchError::TooLarge { limit: max_bytes };
    if response.content_length().is_some_and(|n| n > max_bytes) {
        return Err(too_large);
    }
    let tmp = tempfile::Builder::new()
        .prefix("agora-link-")
        .tempfile_in(dir)
        .map_err(failed)?;
    let mut out = tokio::fs::File::from_std(tmp.reopen().map_err(failed)?);
    let mut received = 0u64;
    while let Some(chunk) = response.chunk().await.map_err(failed)? {
        received += chunk.len() as u64;
        if received > max_bytes {
            // The partial file goes with `tmp`.
            return Err(too_large);
        }
        out.write_all(&chunk).await.map_err(failed)?;
    }
    out.flush().await.map_err(failed)?;
    Ok(tmp)
}

/// Resolves names to their public addresses only, remembering a name that had none.
struct PublicOnly {
    allow_private: bool,
    refused: Arc<Mutex<Option<(String, IpAddr)>>>,
}

impl Resolve for PublicOnly {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_string();
        let allow_private = self.allow_private;
        let refused = self.refused.clone();
        Box::pin(async move {
            let found: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            if allow_private {
                return Ok(Box::new(found.into_iter()) as Addrs);
            }
            let public: Vec<SocketAddr> = found
                .iter()
                .copied()
                .filter(|a| is_public(a.ip()))
                .collect();
            if let (true, Some(first)) = (public.is_empty(), found.first()) {
                if let Ok(mut r) = refused.lock() {
                    *r = Some((host.clone(), first.ip()));
                }
                return Err(
                    format!("{host} resolves to the private address {}", first.ip()).into(),
                );
            }
            Ok(Box::new(public.into_iter()) as Addrs)
        })
    }
}

/// Whether an address is on the public internet: not loopback, private (RFC 1918, unique-local),
/// link-local (the cloud metadata service at 169.254.169.254 among them), multicast,
/// unspecified, shared, documentation, benchmarking or reserved.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public_v4(v4);
            }
            let s = v6.segments();
            let embedded = |hi: u16, lo: u16| {
                Ipv4Addr::new((hi >> 8) as u8, hi as u8, (lo >> 8) as u8, lo as u8)
            };
            // NAT64 and 6to4 addresses reach the IPv4 address they carry.
            if s[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
                return is_public_v4(embedded(s[6], s[7]));
            }
            if s[0] == 0x2002 {
                return is_public_v4(embedded(s[1], s[2]));
            }
            // Global unicast is 2000::/3, less documentation (2001:db8::/32) and the protocol
            // assignments of 2001::/23 (Teredo among them).
            s[0] & 0xe000 == 0x2000
                && !(s[0] == 0x2001 && s[1] == 0x0db8)
                && !(s[0] == 0x2001 && s[1] < 0x0200)
        }
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let o = ip.octets();
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_multicast()
        || ip.is_broadcast()
        || ip.is_documentation()
        || o[0] == 0
        || (o[0] == 100 && o[1] & 0xc0 == 64)
        || (o[0] == 192 && o[1] == 0 && o[2] == 0)
        || (o[0] == 198 && o[1] & 0xfe == 18)
        || o[0] >= 240)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_addresses_are_public() {
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "224.0.0.1",
            "255.255.255.255",
            "192.0.2.1",
            "198.18.0.1",
            "240.0.0.1",
            "::1",
            "::",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "ff02::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "64:ff9b::a00:1",
            "2002:c0a8:101::1",
            "2001:db8::1",
            "2001::1",
        ] {
            assert!(!is_public(private.parse().unwrap()), "{private}");
        }
        for public in [
            "8.8.8.8",
            "142.250.65.78",
            "172.32.0.1",
            "2607:f8b0:4004:800::200e",
            "::ffff:8.8.8.8",
            "64:ff9b::808:808",
        ] {
            assert!(is_public(public.parse().unwrap()), "{public}");
        }
    }

    fn strict() -> LinkPolicy {
        LinkPolicy::from_settings(&DatastoreSettings::default())
    }

    #[tokio::test]
    async fn private_links_are_refused_before_any_request() {
        let dir = tempfile::tempdir().unwrap();
        for (url, host) in [
            ("http://127.0.0.1:9/a.csv", "127.0.0.1"),
            ("http://[::1]/a.csv", "[::1]"),
            (
                "http://169.254.169.254/latest/meta-data/",
                "169.254.169.254",
            ),
            ("http://0x7f000001/a.csv", "127.0.0.1"),
            ("http://localhost:9/a.csv", "localhost"),
        ] {
            match fetch(url, dir.path(), &strict()).await {
                Err(FetchError::Private { host: h, address }) => {
                    assert_eq!(h, host, "{url}");
                    assert!(!is_public(address), "{url}");
                }
                other => panic!("{url}: {other:?}"),
            }
        }
        assert!(matches!(
            fetch("file:///etc/passwd", dir.path(), &strict()).await,
            Err(FetchError::Scheme(s)) if s == "file"
        ));
    }
}
