//! The HTTP server: the framework's, put together from its parts as the framework itself
//! does, with one step in front. A connection whose first request is to a preview host is
//! served by the preview proxy on the raw connection (`api::previews::door`); every other one
//! by the application.

use std::net::TcpListener;
use std::rc::Rc;
use std::time::Duration;

use actix_http::{HttpService, KeepAlive};
use actix_server::Server;
use actix_service::{fn_factory, fn_service, map_config, Service, ServiceFactory};
use actix_service::{IntoServiceFactory, ServiceFactoryExt};
use actix_web::dev::AppConfig;
use actix_web::middleware::from_fn;
use actix_web::rt::net::TcpStream;
use actix_web::{web, App};

use crate::api::previews::door;
use crate::api::{self, errors};
use crate::state::AppState;

/// The framework's own defaults, which the server ran with before it was put together here.
const REQUEST_HEAD_WITHIN: Duration = Duration::from_secs(5);
const DISCONNECT_WITHIN: Duration = Duration::from_secs(1);

pub fn http_server(state: AppState, listener: TcpListener) -> anyhow::Result<Server> {
    let shutdown_timeout = state.settings.shutdown_timeout.as_secs();
    let data = web::Data::new(state);
    let local = listener.local_addr()?;
    let builder = Server::build();
    let draining = builder.graceful_shutdown_signal();
    let server = builder
        // Signals are ours to handle: shutdown must also stop workers and WebSockets.
        .disable_signals()
        .shutdown_timeout(shutdown_timeout)
        .listen("sandboxd-http", listener, move || {
            let draining = draining.clone();
            let application = application(data.clone())
                .into_factory()
                .map_err(|err| err.error_response());
            let http = HttpService::build()
                // Idle keep-alive connections are closed as soon as shutdown begins.
                .graceful_shutdown_signal(move || {
                    let draining = draining.clone();
                    async move { draining.notified().await }
                })
                .keep_alive(KeepAlive::default())
                .client_request_timeout(REQUEST_HEAD_WITHIN)
                .client_disconnect_timeout(DISCONNECT_WITHIN)
                .h1_allow_half_closed(true)
                // A streamed answer's head and first chunk go out as they come: with Nagle's
                // algorithm the chunk would wait for the client's delayed acknowledgement of
                // the head (~40 ms).
                .tcp_nodelay(true)
                .local_addr(local)
                .finish(map_config(application, |_| AppConfig::default()))
                .tcp();
            front_door(http, data.clone())
        })?
        .run();
    Ok(server)
}

fn application(
    data: web::Data<AppState>,
) -> App<
    impl ServiceFactory<
        actix_web::dev::ServiceRequest,
        Config = (),
        Response = actix_web::dev::ServiceResponse<actix_web::body::BoxBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let max_body = data.settings.max_body_bytes;
    App::new()
        .app_data(data)
        .app_data(errors::json_config(max_body))
        .app_data(web::PayloadConfig::new(max_body))
        .app_data(errors::path_config())
        .app_data(errors::query_config())
        .wrap(from_fn(api::previews::gate::divert))
        .wrap(from_fn(api::audit::audit))
        .wrap(from_fn(api::observe::observe))
        .configure(api::routes)
        .default_service(web::to(errors::route_not_found))
}

/// Per worker: the application's connection service, and the preview proxy beside it.
fn front_door<F>(
    http: F,
    data: web::Data<AppState>,
) -> impl ServiceFactory<TcpStream, Config = (), Response = (), Error = F::Error, InitError = ()>
where
    F: ServiceFactory<TcpStream, Config = (), Response = (), InitError = ()> + 'static,
    F::Service: 'static,
    F::Error: 'static,
{
    let http = Rc::new(http);
    fn_factory(move || {
        let (http, data) = (http.clone(), data.clone());
        async move {
            let http = Rc::new(http.new_service(()).await?);
            Ok(fn_service(move |stream: TcpStream| {
                let (http, data) = (http.clone(), data.clone());
                async move {
                    if door::claims(&stream, &data).await {
                        door::serve(stream, data).await;
                        return Ok(());
                    }
                    http.call(stream).await
                }
            }))
        }
    })
}
