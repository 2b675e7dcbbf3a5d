//! The caller's address, which rate limits, lockouts and the audit log key on.
//!
//! Behind proxies (`SANDBOXD_TRUST_PROXY`), the address is the right-most one in the chain
//! (X-Forwarded-For, then the peer) that is not a trusted proxy: every hop to its left was
//! written by the client or by proxies we know nothing about, so only the right-most
//! untrusted hop is one a client cannot choose.

use std::net::{IpAddr, SocketAddr};

use actix_web::http::header::HeaderMap;
use actix_web::HttpRequest;

use crate::config::{ProxyList, Settings};

pub fn client_ip(req: &HttpRequest, settings: &Settings) -> String {
    client_ip_of(req.peer_addr(), req.headers(), settings)
}

/// The same, from a connection's peer and a request's headers.
pub fn client_ip_of(peer: Option<SocketAddr>, headers: &HeaderMap, settings: &Settings) -> String {
    let Some(peer) = peer.map(|socket| socket.ip()) else {
        return "unknown".into();
    };
    if !settings.trust_proxy {
        return peer.to_string();
    }
    client_in_chain(peer, headers, &settings.trusted_proxies).to_string()
}

fn client_in_chain(peer: IpAddr, headers: &HeaderMap, trusted: &ProxyList) -> IpAddr {
    let forwarded = headers
        .get_all("x-forwarded-for")
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(str::trim);
    let mut chain: Vec<Option<IpAddr>> = forwarded.map(parse_hop).collect();
    chain.push(Some(peer));
    for hop in chain.into_iter().rev() {
        match hop {
            Some(address) if trusted.contains(address) => continue,
            Some(address) => return address,
            // A hop that is no address cannot be trusted past: the last good one answers.
            None => break,
        }
    }
    // Every hop is a trusted proxy (or the chain broke): the nearest untrusted answer is the
    // peer itself.
    peer
}

/// A hop as proxies write it: an address, maybe with a port, IPv6 maybe in brackets.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    if let Ok(address) = hop.parse::<IpAddr>() {
        return Some(address);
    }
    if let Ok(socket) = hop.parse::<std::net::SocketAddr>() {
        return Some(socket.ip());
    }
    hop.trim_start_matches('[')
        .trim_end_matches(']')
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use actix_web::http::header::{HeaderName, HeaderValue};

    use super::*;

    fn chain(peer: &str, forwarded: &[&str], trusted: &str) -> String {
        let mut headers = HeaderMap::new();
        for value in forwarded {
            headers.append(
                HeaderName::from_static("x-forwarded-for"),
                HeaderValue::from_str(value).unwrap(),
            );
        }
        let trusted: ProxyList = trusted.parse().unwrap();
        client_in_chain(peer.parse().unwrap(), &headers, &trusted).to_string()
    }

    #[test]
    fn a_client_cannot_choose_its_address_by_writing_the_header() {
        // The client wrote 1.1.1.1; the proxy appended the address it saw.
        let seen = chain("127.0.0.1", &["1.1.1.1, 203.0.113.7"], "127.0.0.0/8");
        assert_eq!(seen, "203.0.113.7");
    }

    #[test]
    fn trusted_hops_are_skipped_from_the_right() {
        let seen = chain(
            "127.0.0.1",
            &["198.51.100.4, 10.0.0.2", "10.0.0.3"],
            "127.0.0.0/8,10.0.0.0/8",
        );
        assert_eq!(seen, "198.51.100.4");
    }

    #[test]
    fn a_peer_that_is_no_trusted_proxy_is_the_client() {
        let seen = chain("192.0.2.9", &["1.1.1.1"], "127.0.0.0/8");
        assert_eq!(seen, "192.0.2.9");
    }

    #[test]
    fn garbage_stops_the_walk_at_the_last_good_hop() {
        assert_eq!(
            chain("127.0.0.1", &["1.1.1.1, not-an-ip"], "127.0.0.0/8"),
            "127.0.0.1"
        );
        assert_eq!(
            chain("127.0.0.1", &["[2001:db8::1]:443"], "127.0.0.0/8"),
            "2001:db8::1"
        );
    }
}
