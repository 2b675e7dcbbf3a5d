//! Who may call what: every operation of the OpenAPI document with the rule that decides each
//! caller's status. A documented operation missing here fails the test below, so a new route
//! cannot ship unclassified.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::support::app::spawn_app_with;

/// The callers the matrix tries every route with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Caller {
    Anonymous,
    /// A registered user with an environment of their own.
    Other,
    Guest,
    /// An API token of the owner's holding only the read scope.
    Reader,
    Admin,
    /// The user whose environment, job and token fill the path.
    Owner,
}

/// Every caller; the matrix moves the one a route lets change things (the owner, or the admin
/// on admin routes) to the end.
pub const CALLERS: [Caller; 6] = [
    Caller::Anonymous,
    Caller::Other,
    Caller::Guest,
    Caller::Admin,
    Caller::Reader,
    Caller::Owner,
];

/// The scope a route asks of a credential.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Need {
    /// Any valid credential (log-out revokes whatever it was called with).
    Credential,
    Read,
    Write,
    Exec,
}

/// What fills a route's `{id}` or `{name}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// The owner's environment used for reads, exec and terminals.
    Main,
    /// The owner's environment for start, stop and restart, deleted by the admin at the end.
    Spare,
    /// The owner's environment the owner deletes.
    Doomed,
    /// The owner's exec job.
    Job,
    /// An API token of the owner's (not the reader's).
    Token,
    /// A tier the admin creates in the matrix.
    Tier,
    /// A user who takes no part, for the admin's user routes.
    Bystander,
    /// Nothing in the path.
    Nothing,
}

#[derive(Clone, Copy, Debug)]
pub enum Rule {
    /// Anyone, signed in or not.
    Public(u16),
    /// The caller's own account: 401 without credentials, 403 without the scope, else `ok`.
    Own(Need, u16),
    /// A thing of the owner's named in the path: 401 without credentials, 403 without the
    /// scope, 404 for every other account (as if it did not exist), `ok` for the owner.
    Owned(Need, u16),
    /// The owner's environments named in the body: other accounts get `stranger`, with each
    /// one reported as not found.
    OwnedInBody { need: Need, ok: u16, stranger: u16 },
    /// 401 without credentials, 403 for anyone without the admin scope.
    Admin(u16),
}

pub struct Route {
    pub method: &'static str,
    pub path: &'static str,
    pub rule: Rule,
    pub target: Target,
}

const fn route(method: &'static str, path: &'static str, rule: Rule, target: Target) -> Route {
    Route {
        method,
        path,
        rule,
        target,
    }
}

use Need::*;
use Rule::*;
use Target::*;

/// In the order the matrix runs them: reads and creates, then changes to the owner's
/// environments, then deletions, and log-out last since it ends each caller's credential.
pub const ROUTES: &[Route] = &[
    route("GET", "/healthz", Public(200), Nothing),
    route("GET", "/readyz", Public(200), Nothing),
    route("GET", "/metrics", Public(200), Nothing),
    route("GET", "/api/openapi.json", Public(200), Nothing),
    route("POST", "/api/auth/register", Public(201), Nothing),
    route("POST", "/api/auth/login", Public(200), Nothing),
    route("POST", "/api/auth/guest", Public(201), Nothing),
    route("GET", "/api/me", Own(Read, 200), Nothing),
    route("GET", "/api/images", Own(Read, 200), Nothing),
    route("GET", "/api/audit-logs", Own(Read, 200), Nothing),
    route("GET", "/api/tokens", Own(Read, 200), Nothing),
    route("POST", "/api/tokens", Own(Write, 201), Nothing),
    route("GET", "/api/containers", Own(Read, 200), Nothing),
    route("POST", "/api/containers", Own(Write, 202), Nothing),
    route("POST", "/api/containers/stream", Own(Write, 200), Nothing),
    route("GET", "/api/containers/stats", Own(Read, 200), Nothing),
    route("GET", "/ws/events", Own(Read, 101), Nothing),
    route("GET", "/api/containers/{id}", Owned(Read, 200), Main),
    route("GET", "/api/containers/{id}/stats", Owned(Read, 200), Main),
    route("POST", "/api/containers/{id}/exec", Owned(Exec, 202), Main),
    route("GET", "/api/jobs/{id}", Owned(Read, 200), Job),
    route(
        "POST",
        "/api/containers/{id}/export",
        Owned(Read, 200),
        Main,
    ),
    route(
        "POST",
        "/api/containers/{id}/export/preview",
        Owned(Read, 200),
        Main,
    ),
    route("GET", "/ws/terminal/{id}", Owned(Exec, 101), Main),
    route(
        "POST",
        "/api/containers/{id}/previews",
        Owned(Write, 201),
        Main,
    ),
    route(
        "POST",
        "/api/containers/batch/export",
        OwnedInBody {
            need: Read,
            ok: 200,
            stranger: 404,
        },
        Nothing,
    ),
    route(
        "POST",
        "/api/containers/batch/export/preview",
        OwnedInBody {
            need: Read,
            ok: 200,
            stranger: 404,
        },
        Nothing,
    ),
    route("GET", "/api/admin/tiers", Admin(200), Nothing),
    route("POST", "/api/admin/tiers", Admin(201), Nothing),
    route("PUT", "/api/admin/tiers/{name}", Admin(200), Tier),
    route("GET", "/api/admin/users", Admin(200), Nothing),
    route("GET", "/api/admin/users/{id}", Admin(200), Bystander),
    route("PUT", "/api/admin/users/{id}/tier", Admin(200), Bystander),
    route("PUT", "/api/admin/users/{id}/limits", Admin(200), Bystander),
    route(
        "DELETE",
        "/api/admin/users/{id}/limits",
        Admin(200),
        Bystander,
    ),
    route(
        "POST",
        "/api/admin/users/{id}/disable",
        Admin(200),
        Bystander,
    ),
    route(
        "POST",
        "/api/admin/users/{id}/enable",
        Admin(200),
        Bystander,
    ),
    route("GET", "/api/admin/containers", Admin(200), Nothing),
    route("GET", "/api/admin/stats", Admin(200), Nothing),
    route("GET", "/api/admin/audit", Admin(200), Nothing),
    route(
        "POST",
        "/api/containers/{id}/restart",
        Owned(Write, 202),
        Spare,
    ),
    route(
        "POST",
        "/api/containers/{id}/stop",
        Owned(Write, 202),
        Spare,
    ),
    route(
        "POST",
        "/api/containers/{id}/start",
        Owned(Write, 202),
        Spare,
    ),
    route("POST", "/api/admin/containers/{id}/stop", Admin(200), Spare),
    route(
        "POST",
        "/api/containers/batch",
        OwnedInBody {
            need: Write,
            ok: 200,
            stranger: 200,
        },
        Nothing,
    ),
    route(
        "POST",
        "/api/containers/start-all",
        Own(Write, 200),
        Nothing,
    ),
    route(
        "POST",
        "/api/containers/restart-all",
        Own(Write, 200),
        Nothing,
    ),
    route("POST", "/api/containers/stop-all", Own(Write, 200), Nothing),
    route("DELETE", "/api/tokens/{id}", Owned(Write, 204), Token),
    route("DELETE", "/api/admin/tiers/{name}", Admin(204), Tier),
    route("DELETE", "/api/admin/containers/{id}", Admin(204), Spare),
    route("DELETE", "/api/containers/{id}", Owned(Write, 200), Doomed),
    route("POST", "/api/auth/logout", Own(Credential, 204), Nothing),
];

/// The status `caller` must get from a route with `rule`.
pub fn expected(route: &Route, caller: Caller) -> u16 {
    let read_only_lacks = |need: Need| !matches!(need, Credential | Read);
    match (route.rule, caller) {
        (Public(ok), _) => ok,
        (_, Caller::Anonymous) => 401,
        (Admin(ok), Caller::Admin) => ok,
        (Admin(_), _) => 403,
        (Own(need, _) | Owned(need, _) | OwnedInBody { need, .. }, Caller::Reader)
            if read_only_lacks(need) =>
        {
            403
        }
        // The guest tier holds one environment, which the plain create before took.
        (Own(..), Caller::Guest) if route.path == "/api/containers/stream" => 403,
        (Own(_, ok), _) => ok,
        (Owned(_, ok), Caller::Owner | Caller::Reader) => ok,
        (Owned(..), _) => 404,
        (OwnedInBody { ok, .. }, Caller::Owner | Caller::Reader) => ok,
        (OwnedInBody { stranger, .. }, _) => stranger,
    }
}

pub fn find(method: &str, path: &str) -> Option<&'static Route> {
    ROUTES
        .iter()
        .find(|route| route.method.eq_ignore_ascii_case(method) && route.path == path)
}

/// Every operation of the served document, as "METHOD path".
pub fn documented(document: &Value) -> BTreeSet<String> {
    let paths = document["paths"].as_object().expect("paths");
    paths
        .iter()
        .flat_map(|(path, operations)| {
            let operations = operations.as_object().expect("operations");
            operations
                .keys()
                .map(move |method| format!("{} {path}", method.to_uppercase()))
        })
        .collect()
}

#[tokio::test]
async fn every_documented_operation_has_an_isolation_rule_and_no_rule_is_stale() {
    let app = spawn_app_with(|s| s.workers = 0).await;
    let document = app.openapi().await;
    let documented = documented(&document);
    let ruled: BTreeSet<String> = ROUTES
        .iter()
        .map(|route| format!("{} {}", route.method, route.path))
        .collect();
    assert_eq!(ruled.len(), ROUTES.len(), "a route is listed twice");
    let unruled: Vec<_> = documented.difference(&ruled).collect();
    assert!(
        unruled.is_empty(),
        "classify these in isolation/rules.rs: {unruled:?}"
    );
    let stale: Vec<_> = ruled.difference(&documented).collect();
    assert!(stale.is_empty(), "no longer documented: {stale:?}");
}
