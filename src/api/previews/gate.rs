//! The way into a preview, by its host (`{port}-{environment}.{domain}`, every path) or by
//! path (`/preview/{environment}/{port}/...`): a link is traded for a cookie, the caller is
//! let in or told there is nothing here, and the request goes on to the environment.

use actix_web::body::BoxBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::{web, HttpRequest, HttpResponse};

use super::judge::{judge, redirect, Preview, Verdict};
use super::{forward, host, page, tunnel};
use crate::api::errors::NotTheApis;
use crate::model::EnvironmentId;
use crate::state::AppState;

/// Sends every request to a preview host to its preview, whatever its path: a preview
/// host is the app's, and never reaches the API's routes.
pub async fn divert(
    mut req: ServiceRequest,
    next: Next<BoxBody>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let preview = state
        .as_ref()
        .and_then(|state| host::preview_of(req.head(), state));
    let (Some(state), Some((environment, port))) = (state, preview) else {
        return next.call(req).await;
    };
    let body = req.extract::<web::Payload>().await?;
    let (request, _) = req.into_parts();
    let response = by_host(&state, &request, body, environment, port).await;
    Ok(ServiceResponse::new(request, not_the_apis(response)))
}

async fn by_host(
    state: &AppState,
    req: &HttpRequest,
    body: web::Payload,
    environment: EnvironmentId,
    port: u16,
) -> HttpResponse {
    let preview = Preview::by_host(req.head(), environment, port);
    serve(state, req, body, preview).await
}

/// `/preview/{environment}/{port}`: sent on to the same with a slash, so the app's relative
/// links resolve under the preview.
pub async fn by_bare_path(req: HttpRequest) -> HttpResponse {
    not_the_apis(redirect(&format!("{}/", req.path()), req.query_string()))
}

/// `/preview/{environment}/{port}/{rest}`.
pub async fn by_path(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(String, String, String)>,
    body: web::Payload,
) -> HttpResponse {
    let (raw_environment, raw_port, _) = path.into_inner();
    let (Ok(environment), Ok(port)) = (
        raw_environment.parse::<uuid::Uuid>(),
        raw_port.parse::<u16>(),
    ) else {
        return not_the_apis(page::not_found());
    };
    // One spelling per preview, the one its cookie's path names.
    let prefix = format!("/preview/{environment}/{port}");
    let raw = req.uri().path();
    let Some(rest) = raw
        .strip_prefix(&prefix)
        .and_then(|rest| rest.strip_prefix('/'))
    else {
        return not_the_apis(page::not_found());
    };
    // The app gets the path as it was sent, still percent-encoded: decoded, `%0D%0A` would
    // end the request line and `%2F` or `%3F` would change what it names.
    let forward = match req.uri().query() {
        Some(query) => format!("/{rest}?{query}"),
        None => format!("/{rest}"),
    };
    let preview = Preview {
        environment: environment.into(),
        port,
        forward,
        cookie_path: format!("{prefix}/"),
        prefix: Some(prefix),
    };
    not_the_apis(serve(&state, &req, body, preview).await)
}

/// The app's answers, and the pages about it, are kept as they are: not given the API's
/// error body.
fn not_the_apis(mut response: HttpResponse) -> HttpResponse {
    response.extensions_mut().insert(NotTheApis);
    response
}

async fn serve(
    state: &AppState,
    req: &HttpRequest,
    body: web::Payload,
    preview: Preview,
) -> HttpResponse {
    let port = preview.port;
    let outbound = match judge(state, req.head(), req.peer_addr(), preview).await {
        Verdict::Answer(answer) => return answer,
        Verdict::Forward(outbound) => outbound,
    };
    let upgrade = req
        .headers()
        .get(header::UPGRADE)
        .cloned()
        .filter(|_| req.head().upgrade());
    let method = req.method().clone();
    let answered = match upgrade {
        Some(upgrade) => tunnel::open(method, upgrade, outbound, body).await,
        None => forward::send(method, outbound, body).await,
    };
    answered.unwrap_or_else(|_| page::nothing_listening(port))
}
