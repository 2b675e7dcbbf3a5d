//! Which callers try a route, in which order, and on which paths.

use super::probe::concrete_path;
use super::rules::{Caller, Route, Rule, CALLERS};
use super::world::World;

/// Routes whose call changes the owner's environments or credentials: strangers' attempts on
/// them are followed by a check that nothing changed, and the owner calls them only once.
pub fn destructive(route: &Route) -> bool {
    route.method == "DELETE"
        || [
            "/stop",
            "/start",
            "/restart",
            "/pause",
            "/resume",
            "-all",
            "/batch",
            "/logout",
            "/files/move",
            "/fork",
            "/snapshots",
        ]
        .iter()
        .any(|end| route.path.ends_with(end))
}

/// Who may change things through `route`: the admin on admin routes, else the owner.
pub fn privileged(route: &Route) -> Caller {
    match route.rule {
        Rule::Admin(_) => Caller::Admin,
        _ => Caller::Owner,
    }
}

/// Every caller, the privileged one last, so each other caller's attempt on a destructive
/// route is made and checked to have changed nothing before the real call.
pub fn callers(route: &Route) -> Vec<Caller> {
    let last = privileged(route);
    let mut callers: Vec<Caller> = CALLERS.into_iter().filter(|c| *c != last).collect();
    callers.push(last);
    callers
}

/// The paths `caller` tries: every reference form (admin routes take the id alone), except
/// that the privileged caller makes a destructive call once, with a form that varies by route
/// so that each form is used for real somewhere.
pub fn paths(world: &World, index: usize, route: &Route, caller: Caller) -> Vec<String> {
    let mut values = world.path_values(route.target);
    if matches!(route.rule, Rule::Admin(_)) {
        values.truncate(1);
    }
    let values = if caller == privileged(route) && destructive(route) {
        vec![values[index % values.len()].clone()]
    } else {
        values
    };
    values
        .iter()
        .map(|value| concrete_path(route, value).replace("{share_id}", &world.share_id))
        .collect()
}
