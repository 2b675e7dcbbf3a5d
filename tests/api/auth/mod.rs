//! Accounts, sessions, API tokens, JWTs and the limits on signing in.

mod accounts;
mod jwt;
mod lockout;
mod rate_limits;
mod tokens;
