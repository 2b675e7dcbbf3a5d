//! What bounds how much one engine holds: the address pool every user network is carved from,
//! and how long an image pulled for a custom environment stays once nothing uses it.

use std::time::Duration;

use ipnet::Ipv4Net;

use super::Env;

/// A /15 holds 4,096 networks of the largest seeded tier (enterprise, /27), 16,384 of a
/// guest's (/29). Outside the stack engine's own pool (10.214.0.0/16), so networks the engine
/// numbers itself never land in it.
pub const DEFAULT_ADDRESS_POOL: &str = "10.216.0.0/15";

/// [`DEFAULT_ADDRESS_POOL`], parsed.
pub fn default_pool() -> Ipv4Net {
    DEFAULT_ADDRESS_POOL.parse().expect("the default pool")
}

#[derive(Clone, Debug)]
pub struct Capacity {
    /// IPv4 addresses that user networks' subnets are taken from.
    pub address_pool: Ipv4Net,
    /// Images pulled for custom environments that no container used for this long are
    /// removed; `None` keeps them.
    pub unused_images: Option<Duration>,
}

impl Capacity {
    pub(super) fn from_env(env: &Env<'_>) -> anyhow::Result<Self> {
        let address_pool: Ipv4Net = env.get("SANDBOXD_ADDRESS_POOL", default_pool())?;
        // From /8 (2 million of the smallest networks, still one quick query to find a free
        // one) to /29 (one).
        anyhow::ensure!(
            (8..=29).contains(&address_pool.prefix_len()),
            "SANDBOXD_ADDRESS_POOL={address_pool} must be an IPv4 network from /8 to /29"
        );
        let unused: u64 = env.get("SANDBOXD_UNUSED_IMAGE_SECONDS", 3600)?;
        Ok(Self {
            address_pool: address_pool.trunc(),
            unused_images: (unused > 0).then(|| Duration::from_secs(unused)),
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::config::Settings;

    #[test]
    fn the_pool_is_a_network_of_reasonable_size() {
        let settings = Settings::from_lookup(|_| None).unwrap();
        assert_eq!(settings.capacity.address_pool.to_string(), "10.216.0.0/15");
        for bad in ["10.0.0.0/30", "fd00::/64", "10.0.0.0/4", "pool"] {
            let refused = Settings::from_lookup(|name| {
                (name == "SANDBOXD_ADDRESS_POOL").then(|| bad.to_string())
            });
            assert!(refused.is_err(), "{bad} was taken");
        }
        let host_bits = Settings::from_lookup(|name| {
            (name == "SANDBOXD_ADDRESS_POOL").then(|| "10.9.8.7/22".to_string())
        })
        .unwrap();
        assert_eq!(host_bits.capacity.address_pool.to_string(), "10.9.8.0/22");
    }
}
