//! `/api/admin/...`: for the admin role or a token with the admin scope; everyone else 403.

pub mod environments;
pub mod tiers;
pub mod users;

use actix_web::web;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/api/admin/tiers")
            .route(web::get().to(tiers::list))
            .route(web::post().to(tiers::create)),
    )
    .service(
        web::resource("/api/admin/tiers/{name}")
            .route(web::put().to(tiers::update))
            .route(web::delete().to(tiers::delete)),
    )
    .route("/api/admin/users", web::get().to(users::list))
    .route("/api/admin/users/{id}", web::get().to(users::get))
    .route("/api/admin/users/{id}/tier", web::put().to(users::set_tier))
    .service(
        web::resource("/api/admin/users/{id}/limits")
            .route(web::put().to(users::set_limits))
            .route(web::delete().to(users::clear_limits)),
    )
    .route(
        "/api/admin/users/{id}/disable",
        web::post().to(users::disable),
    )
    .route(
        "/api/admin/users/{id}/enable",
        web::post().to(users::enable),
    )
    .route("/api/admin/containers", web::get().to(environments::list))
    .route(
        "/api/admin/containers/{id}/stop",
        web::post().to(environments::force_stop),
    )
    .route(
        "/api/admin/containers/{id}",
        web::delete().to(environments::delete),
    )
    .route("/api/admin/stats", web::get().to(environments::stats));
}
