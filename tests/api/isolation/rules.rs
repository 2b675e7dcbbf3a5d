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
    /// An SSH key of the owner's.
    SshKey,
    /// The owner's snapshot of the main environment, by id and by name.
    Snapshot,
    /// A tier the admin creates in the matrix.
    Tier,
    /// A user who takes no part, for the admin's user routes.
    Bystander,
    /// The app's own node, for the admin's node routes.
    Node,
    /// An empty warm pool on the app's node.
    Pool,
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

pub(super) const fn route(
    method: &'static str,
    path: &'static str,
    rule: Rule,
    target: Target,
) -> Route {
    Route {
        method,
        path,
        rule,
        target,
    }
}

pub use super::routes::ROUTES;
use Need::*;
use Rule::*;

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
