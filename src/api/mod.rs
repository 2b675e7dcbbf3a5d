//! The HTTP edge: routes, extractors and middleware. Handlers parse, check scopes and call
//! the services; they hold no business logic.

pub mod admin;
pub mod audit;
pub mod auth;
pub mod bulk;
pub mod client_ip;
pub mod containers;
pub mod error;
pub mod errors;
pub mod events;
pub mod exec;
pub mod exec_stream;
pub mod export;
pub mod extract;
pub mod files;
pub mod health;
pub mod lifecycle;
pub mod log_subscriptions;
pub mod me;
pub mod metrics;
pub mod observe;
pub mod openapi;
mod openapi_common;
pub mod osapi;
pub mod pages;
pub mod pause;
pub mod port_forward;
pub mod previews;
pub mod snapshots;
pub mod ssh_keys;
pub mod stats;
pub mod stream;
pub mod terminal;
pub mod tokens;

use actix_web::web;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/healthz", web::get().to(health::healthz))
        .route("/readyz", web::get().to(health::readyz))
        .route("/metrics", web::get().to(metrics::metrics))
        .route("/api/openapi.json", web::get().to(openapi::document))
        .route("/api/auth/register", web::post().to(auth::register))
        .route("/api/auth/login", web::post().to(auth::login))
        .route("/api/auth/guest", web::post().to(auth::guest))
        .route("/api/auth/logout", web::post().to(auth::logout))
        .route("/api/me", web::get().to(me::me))
        .route("/api/images", web::get().to(me::images))
        .route("/api/audit-logs", web::get().to(audit::own))
        .service(
            web::resource("/api/tokens")
                .route(web::get().to(tokens::list))
                .route(web::post().to(tokens::create)),
        )
        .route("/api/tokens/{id}", web::delete().to(tokens::revoke))
        .service(
            web::resource("/api/ssh-keys")
                .route(web::get().to(ssh_keys::list))
                .route(web::post().to(ssh_keys::add)),
        )
        .route("/api/ssh-keys/{id}", web::delete().to(ssh_keys::delete))
        .service(
            web::resource("/api/containers")
                .route(web::get().to(containers::list))
                .route(web::post().to(containers::create)),
        )
        .route("/api/containers/stats", web::get().to(stats::all))
        .route("/api/containers/start-all", web::post().to(bulk::start_all))
        .route("/api/containers/stop-all", web::post().to(bulk::stop_all))
        .route(
            "/api/containers/restart-all",
            web::post().to(bulk::restart_all),
        )
        .route("/api/containers/batch", web::post().to(bulk::batch))
        .route(
            "/api/containers/batch/export",
            web::post().to(export::batch),
        )
        .route(
            "/api/containers/batch/export/preview",
            web::post().to(export::batch_preview),
        )
        .route(
            "/api/containers/stream",
            web::post().to(stream::create_streaming),
        )
        .service(
            web::resource("/api/containers/{id}")
                .route(web::get().to(containers::get))
                .route(web::delete().to(containers::delete)),
        )
        .route("/api/containers/{id}/stats", web::get().to(stats::one))
        .route("/api/containers/{id}/exec", web::post().to(exec::exec))
        .route(
            "/api/containers/{id}/exec/stream",
            web::post().to(exec_stream::exec_stream),
        )
        .route("/api/containers/{id}/export", web::post().to(export::one))
        .route(
            "/api/containers/{id}/export/preview",
            web::post().to(export::one_preview),
        )
        .service(
            web::resource("/api/containers/{id}/files")
                .route(web::get().to(files::download))
                .route(web::post().to(files::upload))
                .route(web::delete().to(files::delete)),
        )
        .route(
            "/api/containers/{id}/files/list",
            web::get().to(files::list),
        )
        .route(
            "/api/containers/{id}/files/stat",
            web::get().to(files::stat),
        )
        .route(
            "/api/containers/{id}/files/mkdir",
            web::post().to(files::mkdir),
        )
        .route(
            "/api/containers/{id}/files/move",
            web::post().to(files::rename),
        )
        .route("/api/jobs/{id}", web::get().to(exec::job))
        .route(
            "/api/node/{hostname}/container/docker",
            web::post().to(osapi::create),
        )
        .route(
            "/api/node/{hostname}/container/docker/{id}/exec",
            web::post().to(osapi::exec),
        )
        .route(
            "/api/containers/{id}/start",
            web::post().to(lifecycle::start),
        )
        .route("/api/containers/{id}/stop", web::post().to(lifecycle::stop))
        .route(
            "/api/containers/{id}/restart",
            web::post().to(lifecycle::restart),
        )
        .route("/api/containers/{id}/pause", web::post().to(pause::pause))
        .route("/api/containers/{id}/resume", web::post().to(pause::resume))
        .configure(snapshots_routes)
        .route("/ws/events", web::get().to(events::events))
        .route("/ws/terminal/{id}", web::get().to(terminal::terminal))
        .route(
            "/ws/port-forward/{id}/{port}",
            web::get().to(port_forward::port_forward),
        )
        .configure(previews_routes)
        .configure(admin::routes)
        .configure(pages::routes);
}

fn snapshots_routes(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/api/containers/{id}/snapshots",
        web::post().to(snapshots::create),
    )
    .route("/api/containers/{id}/fork", web::post().to(snapshots::fork))
    .route("/api/snapshots", web::get().to(snapshots::list))
    .service(
        web::resource("/api/snapshots/{id}")
            .route(web::get().to(snapshots::get))
            .route(web::delete().to(snapshots::delete)),
    );
}

fn previews_routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/containers/{id}/ports", web::get().to(previews::ports))
        .route(
            "/api/containers/{id}/ports/{port}",
            web::put().to(previews::visibility),
        )
        .route(
            "/api/containers/{id}/ports/{port}/link",
            web::post().to(previews::link),
        )
        .route(
            "/api/containers/{id}/ports/{port}/shares",
            web::post().to(previews::share),
        )
        .route(
            "/api/containers/{id}/shares",
            web::get().to(previews::shares),
        )
        .route(
            "/api/containers/{id}/shares/{share_id}",
            web::delete().to(previews::revoke_share),
        )
        .route(
            "/preview/{environment}/{port}",
            web::to(previews::gate::by_bare_path),
        )
        .route(
            "/preview/{environment}/{port}/{rest:.*}",
            web::to(previews::gate::by_path),
        );
}
