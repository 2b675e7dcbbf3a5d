//! The small pages a browser sees when a preview cannot be shown: said plainly, never a hang,
//! and never cached (the app may be up a moment later).

use actix_web::http::{header, StatusCode};
use actix_web::HttpResponse;

pub fn not_found() -> HttpResponse {
    page(
        StatusCode::NOT_FOUND,
        "No preview here",
        "There is no preview at this address, or it is not yours to open. \
         Ask its owner for a link, or open it from your environment's page.",
    )
}

pub fn not_running() -> HttpResponse {
    page(
        StatusCode::BAD_GATEWAY,
        "The environment is not running",
        "Start the environment, then reload this page.",
    )
}

pub fn nothing_listening(port: u16) -> HttpResponse {
    page(
        StatusCode::BAD_GATEWAY,
        "Nothing answers on this port",
        &format!(
            "Nothing in the environment answered on port {port}. Start your app there, \
             listening on 0.0.0.0 (not only 127.0.0.1), then reload this page."
        ),
    )
}

pub fn node_unavailable() -> HttpResponse {
    page(
        StatusCode::SERVICE_UNAVAILABLE,
        "The environment's node is down",
        "The machine this environment runs on cannot be reached right now (NODE_UNAVAILABLE). \
         Reload this page once it is back.",
    )
}

pub fn unavailable() -> HttpResponse {
    page(
        StatusCode::SERVICE_UNAVAILABLE,
        "Previews are unavailable",
        "sandboxd cannot look this preview up right now. Try again in a moment.",
    )
}

fn page(status: StatusCode, title: &str, message: &str) -> HttpResponse {
    let body = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>{title}</title>\
         <style>body{{font:16px system-ui,sans-serif;max-width:36rem;margin:4rem auto;\
         padding:0 1rem;color:#222}}h1{{font-size:1.3rem}}p{{color:#555}}</style></head>\
         <body><h1>{title}</h1><p>{message}</p><p><small>sandboxd preview · {}</small></p>\
         </body></html>",
        status.as_u16()
    );
    HttpResponse::build(status)
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .content_type("text/html; charset=utf-8")
        .body(body)
}
