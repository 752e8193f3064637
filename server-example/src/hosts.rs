//! The `Host` check against DNS rebinding.
//!
//! A web page on `evil.example` can make its own name resolve to 127.0.0.1
//! and then talk to a server on this machine as if it were same-origin; the
//! browser still sends `Host: evil.example`. So the server answers only
//! requests addressed to an IP address, to `localhost`, or to a name listed
//! with `--allowed-hosts` (`*` allows any). A request without `Host`
//! (HTTP/1.0) passes: browsers always send one.

/// The host names accepted besides IP addresses and `localhost`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AllowedHosts {
    any: bool,
    names: Vec<String>,
}

impl AllowedHosts {
    /// From `--allowed-hosts` values: names (case-insensitive, an optional
    /// trailing dot), or `*` for any.
    pub fn new(names: &[String]) -> Self {
        let names: Vec<String> = names
            .iter()
            .map(|n| n.trim().trim_end_matches('.').to_ascii_lowercase())
            .filter(|n| !n.is_empty())
            .collect();
        Self {
            any: names.iter().any(|n| n == "*"),
            names,
        }
    }

    /// True when a `Host` header value (`name`, `name:port`, `[v6]:port`)
    /// may be served.
    pub fn allows(&self, host: &str) -> bool {
        if self.any {
            return true;
        }
        let host = host.trim();
        if host.starts_with('[') {
            // An IPv6 literal, `[::1]` or `[::1]:8000`.
            let end = host.find(']').unwrap_or(host.len());
            return host[1..end].parse::<std::net::Ipv6Addr>().is_ok();
        }
        let name = match host.rsplit_once(':') {
            Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
            _ => host,
        };
        let name = name.trim_end_matches('.').to_ascii_lowercase();
        name.parse::<std::net::Ipv4Addr>().is_ok()
            || name == "localhost"
            || self.names.contains(&name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ip_addresses_and_localhost_pass_other_names_need_listing() {
        let default = AllowedHosts::default();
        for host in [
            "127.0.0.1",
            "127.0.0.1:8000",
            "[::1]:8000",
            "[::1]",
            "localhost:80",
            "LOCALHOST",
        ] {
            assert!(default.allows(host), "{host}");
        }
        for host in [
            "evil.example",
            "evil.example:8000",
            "127.0.0.1.evil.example",
            "",
            "[nonsense]",
        ] {
            assert!(!default.allows(host), "{host}");
        }
        let listed = AllowedHosts::new(&["API.example.com.".to_owned()]);
        assert!(listed.allows("api.example.com:443"));
        assert!(!listed.allows("evil.example"));
        assert!(AllowedHosts::new(&["*".to_owned()]).allows("evil.example"));
    }
}
