//! The end user's IP as the guard counts it: one address, one spelling.
//!
//! Logto passes `data.ip` as its HTTP server saw it, so one client can arrive as `1.2.3.4`,
//! `::ffff:1.2.3.4`, ` 1.2.3.4 ` or, over IPv6, as any address of its /64 (a home or a cloud
//! host is handed a whole /64 and picks addresses from it at will). Counting those apart would
//! hand an attacker a fresh limit per spelling, so each is reduced to one key, and anything
//! that is not an address at all shares a single key instead of escaping the limit.

use std::net::{IpAddr, Ipv6Addr, SocketAddr};

/// How many leading bits of an IPv6 address identify one client when the config says nothing.
pub(crate) const DEFAULT_IPV6_PREFIX: u8 = 64;

/// The counter key of `ip`: an IPv4 address, an IPv6 network as `addr/len`, or `unparseable`.
pub(crate) fn client_key(ip: &str, ipv6_prefix: u8) -> String {
    match parse(ip) {
        Some(IpAddr::V4(v4)) => v4.to_string(),
        Some(IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => format!("{}/{ipv6_prefix}", network(v6, ipv6_prefix)),
        },
        None => "unparseable".to_owned(),
    }
}

/// An address, also with brackets, a port or an IPv6 zone (`fe80::1%eth0`) around it.
fn parse(ip: &str) -> Option<IpAddr> {
    let ip = ip.trim();
    if let Ok(addr) = ip.parse::<IpAddr>() {
        return Some(addr);
    }
    if let Ok(socket) = ip.parse::<SocketAddr>() {
        return Some(socket.ip());
    }
    let unbracketed = ip
        .strip_prefix('[')
        .and_then(|rest| rest.split(']').next())
        .unwrap_or(ip);
    let without_zone = unbracketed.split('%').next().unwrap_or(unbracketed);
    without_zone.parse::<Ipv6Addr>().ok().map(IpAddr::V6)
}

/// The first `prefix` bits of `address`, the rest zero.
fn network(address: Ipv6Addr, prefix: u8) -> Ipv6Addr {
    let bits = u128::from(address);
    let mask = match prefix {
        0 => 0,
        p if p >= 128 => u128::MAX,
        p => u128::MAX << (128 - u32::from(p)),
    };
    Ipv6Addr::from(bits & mask)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(ip: &str) -> String {
        client_key(ip, DEFAULT_IPV6_PREFIX)
    }

    #[test]
    fn every_spelling_of_one_ipv4_address_is_one_key() {
        for spelling in [
            "1.2.3.4",
            " 1.2.3.4\t",
            "::ffff:1.2.3.4",
            "::FFFF:102:304",
            "1.2.3.4:5678",
            "[::ffff:1.2.3.4]:80",
        ] {
            assert_eq!(key(spelling), "1.2.3.4", "{spelling:?}");
        }
    }

    #[test]
    fn ipv6_addresses_count_per_network() {
        let one = key("2001:db8:1:2::1");
        for same in [
            "2001:0db8:0001:0002:0000:0000:0000:0001",
            "2001:DB8:1:2:ffff::9",
            "[2001:db8:1:2::7]:443",
            "2001:db8:1:2::1%eth0",
        ] {
            assert_eq!(key(same), one, "{same:?}");
        }
        assert_eq!(one, "2001:db8:1:2::/64");
        assert_ne!(key("2001:db8:1:3::1"), one);
        assert_eq!(client_key("2001:db8:1:2::1", 128), "2001:db8:1:2::1/128");
        assert_eq!(client_key("2001:db8:1:2::1", 48), "2001:db8:1::/48");
    }

    #[test]
    fn what_is_not_an_address_shares_one_key() {
        let long = "1".repeat(65);
        for junk in [
            "localhost",
            "1.2.3",
            "not an ip",
            long.as_str(),
            "::ffff:1.2.3.4.5",
        ] {
            assert_eq!(key(junk), "unparseable", "{junk:?}");
        }
    }
}
