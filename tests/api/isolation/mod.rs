//! Tenants see only their own: every documented route called by every kind of caller
//! (`matrix`), from the rules (`rules`), the tenants and their environments (`world`), who tries
//! what (`plan`), one call (`probe`) and the events each tenant was sent (`events`); and
//! references (`refs`).

mod events;
mod matrix;
mod owned;
mod plan;
mod probe;
mod refs;
mod routes;
mod rules;
mod settle;
mod world;
