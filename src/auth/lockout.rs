//! Failed logins hold back the address that made them, not the account's owner.
//!
//! Failures are counted per account and address: an attacker who guesses wrong locks out
//! only their own address, and the owner logs in from theirs. Only far more failures on one
//! account, from anywhere, back it off for everyone, which bounds a guessing attack spread
//! over many addresses. An account is its user id, so its username and e-mail address share
//! one count; a login that names nobody is counted under the text given.

use std::time::Duration;

use super::rate_limit::{Limit, RateLimited, RateLimiter};

const WINDOW: Duration = Duration::from_secs(60);
const PAIR: &str = "login-failures:account-address";
const ACCOUNT: &str = "login-failures:account";

pub struct Lockout {
    limiter: RateLimiter,
    per_address: u32,
    per_account: u32,
}

impl Lockout {
    /// `per_address` failures a minute from one address lock that address out of the account;
    /// `per_account` from all addresses together lock the account for everyone.
    pub fn new(limiter: RateLimiter, per_address: u32, per_account: u32) -> Self {
        Self {
            limiter,
            per_address,
            per_account,
        }
    }

    pub async fn check(&self, account: &str, address: &str) -> Result<(), RateLimited> {
        let limit = |requests| Limit {
            requests,
            window: WINDOW,
        };
        self.limiter
            .check(PAIR, &pair(account, address), limit(self.per_address))
            .await?;
        self.limiter
            .check(ACCOUNT, account, limit(self.per_account))
            .await
    }

    pub async fn failed(&self, account: &str, address: &str) {
        self.limiter
            .record(PAIR, &pair(account, address), WINDOW)
            .await;
        self.limiter.record(ACCOUNT, account, WINDOW).await;
    }

    /// The owner got in from this address: earlier typos there no longer count.
    pub async fn succeeded(&self, account: &str, address: &str) {
        self.limiter.clear(PAIR, &pair(account, address)).await;
    }
}

fn pair(account: &str, address: &str) -> String {
    format!("{account}|{address}")
}
