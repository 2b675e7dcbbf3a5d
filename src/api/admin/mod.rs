//! `/api/admin/...`: for the admin role or a token with the admin scope; everyone else 403.

pub mod environments;
pub mod nodes;
pub mod pools;
pub mod tiers;
pub mod users;

use actix_web::middleware::from_fn;
use actix_web::web;

use super::audit;
use super::extract::require_admin;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/api/admin")
            .wrap(from_fn(require_admin))
            .configure(admin_routes),
    );
}

fn admin_routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/tiers")
            .route(web::get().to(tiers::list))
            .route(web::post().to(tiers::create)),
    )
    .service(
        web::resource("/tiers/{name}")
            .route(web::put().to(tiers::update))
            .route(web::delete().to(tiers::delete)),
    )
    .route("/nodes", web::get().to(nodes::list))
    .service(
        web::resource("/nodes/{name}")
            .route(web::get().to(nodes::get))
            .route(web::patch().to(nodes::edit))
            .route(web::delete().to(nodes::remove)),
    )
    .route("/nodes/{name}/drain", web::post().to(nodes::drain))
    .route("/nodes/{name}/undrain", web::post().to(nodes::undrain))
    .service(
        web::resource("/pools")
            .route(web::get().to(pools::list))
            .route(web::post().to(pools::create)),
    )
    .service(
        web::resource("/pools/{id}")
            .route(web::get().to(pools::get))
            .route(web::patch().to(pools::resize))
            .route(web::delete().to(pools::remove)),
    )
    .route("/users", web::get().to(users::list))
    .route("/users/{id}", web::get().to(users::get))
    .route("/users/{id}/tier", web::put().to(users::set_tier))
    .service(
        web::resource("/users/{id}/limits")
            .route(web::put().to(users::set_limits))
            .route(web::delete().to(users::clear_limits)),
    )
    .route("/users/{id}/disable", web::post().to(users::disable))
    .route("/users/{id}/enable", web::post().to(users::enable))
    .route("/containers", web::get().to(environments::list))
    .route(
        "/containers/{id}/stop",
        web::post().to(environments::force_stop),
    )
    .route("/containers/{id}", web::delete().to(environments::delete))
    .route("/stats", web::get().to(environments::stats))
    .route("/audit", web::get().to(audit::all));
}
