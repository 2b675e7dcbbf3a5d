mod accounts;
mod errors;
mod health;
mod helpers;
mod jwt;
mod openapi;
mod rate_limits;
mod tokens;
