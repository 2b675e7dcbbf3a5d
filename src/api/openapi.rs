//! The OpenAPI document, generated from the handlers' own annotations so it cannot drift
//! from the code; a test requests every path it lists.

use std::sync::OnceLock;

use actix_web::HttpResponse;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::error::ErrorBody;
use super::openapi_common::CommonResponses;
use super::{
    admin, audit, auth, bulk, containers, events, exec, exec_stream, export, files, health,
    lifecycle, me, metrics, osapi, pause, port_forward, previews, snapshots, ssh_keys, stats,
    stream, terminal, tokens,
};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "sandboxd",
        description = "Sandboxed Linux dev environments: accounts, API tokens, environments, terminals.",
    ),
    paths(
        health::healthz, health::readyz, metrics::metrics, document,
        auth::register, auth::login, auth::guest, auth::logout, me::me, me::images,
        tokens::create, tokens::list, tokens::revoke,
        ssh_keys::add, ssh_keys::list, ssh_keys::delete,
        containers::create, containers::list, containers::get, containers::delete,
        lifecycle::start, lifecycle::stop, lifecycle::restart, pause::pause, pause::resume,
        stats::one, stats::all,
        bulk::start_all, bulk::stop_all, bulk::restart_all, bulk::batch, exec::exec, exec::job, exec_stream::exec_stream, port_forward::port_forward,
        export::one, export::one_preview, export::batch, export::batch_preview,
        files::list, files::stat, files::download::download, files::upload::upload, files::mkdir, files::delete,
        files::rename,
        admin::tiers::list, admin::tiers::create, admin::tiers::update, admin::tiers::delete,
        admin::users::list, admin::users::get, admin::users::set_tier, admin::users::set_limits,
        admin::users::clear_limits, admin::users::disable, admin::users::enable,
        admin::environments::list, admin::environments::force_stop, admin::environments::delete,
        admin::environments::stats, admin::nodes::list, admin::nodes::get, admin::nodes::edit,
        admin::nodes::drain, admin::nodes::undrain, admin::nodes::remove, admin::pools::list,
        admin::pools::create, admin::pools::get, admin::pools::resize, admin::pools::remove,
        audit::all, audit::own,
        stream::create_streaming, events::events, terminal::terminal,
        previews::ports, previews::link, previews::visibility, previews::share, previews::shares,
        previews::revoke_share, osapi::create, osapi::exec,
        snapshots::create, snapshots::list, snapshots::get, snapshots::delete, snapshots::fork,
    ),
    components(schemas(ErrorBody)),
    modifiers(&BearerAuth, &CommonResponses),
    tags(
        (name = "auth", description = "Accounts and sessions"),
        (name = "tokens", description = "API tokens for scripts"),
        (name = "ssh", description = "Public keys for the SSH edge: `ssh ENVIRONMENT@HOST -p PORT` opens a shell in that environment of the key's owner; commands, scp, sftp and -L forwarding too"),
        (name = "containers", description = "Environments and their provisioning"),
        (name = "events", description = "WebSocket event stream"),
        (name = "admin", description = "Tiers, users, nodes, warm pools and every environment; admin role or admin scope"),
        (name = "snapshots", description = "Snapshots: an environment's filesystem saved as an image in the registry, listed, deleted, and created from with {\"image\": \"snapshot\", \"snapshot\": id or name} on any node; forks: a new environment from a running one's filesystem, on its node, in one call"),
        (name = "export", description = "Docker Compose export (Nekzus)"),
        (name = "files", description = "Files in an environment: list, stat, download, upload, mkdir, delete, move; streamed both ways"),
        (name = "osapi", description = "OSAPI's node-targeted routes: `{hostname}` is _any, a node's name, a node label key:value, or _all; fan-outs (_all, labels) are for admins and answer one result per node"),
        (name = "exec", description = "Commands run to completion, recorded as jobs (OSAPI)"),
        (name = "terminal", description = "Interactive shells over a WebSocket: JSON text frames {type, data, cols, rows} (input, output, resize, ping, pong, error, connected, exit), or raw bytes in binary frames"),
        (name = "previews", description = "Web apps running in an environment, opened in a browser at http://{port}-{environment id}.{preview domain}/ or under /preview/{environment id}/{port}/. Private to the owner unless public or shared; a link from /link sets a cookie for that preview alone; scripts send X-Sandboxd-Preview-Token with the owner's API token."),
        (name = "operations", description = "Health, readiness, metrics and this document"),
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("A JWT from /api/auth/login or an API token (sbx_...)"))
                    .build(),
            ),
        );
    }
}

/// This document.
#[utoipa::path(get, path = "/api/openapi.json", tag = "operations",
    responses((status = 200, description = "OpenAPI 3.1 document", content_type = "application/json")))]
pub async fn document() -> HttpResponse {
    static RENDERED: OnceLock<String> = OnceLock::new();
    let body = RENDERED.get_or_init(|| {
        ApiDoc::openapi()
            .to_json()
            .expect("the document serializes")
    });
    HttpResponse::Ok()
        .content_type("application/json")
        .body(body.as_str())
}
