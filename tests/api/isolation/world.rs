//! The tenants of the isolation matrix, their environments, and everything of theirs that no
//! other tenant may ever read.

use serde_json::{json, Value};
use std::collections::HashMap;

use super::owned::{owned_records, owned_snapshot};
use super::rules::{Caller, Target};
use crate::support::app::{spawn_app_with, TestApp};
use crate::support::provisioning::READY_WITHIN;

/// One environment, with the three references a path may use besides the short docker id.
#[derive(Clone, Debug)]
pub struct Env {
    pub id: String,
    pub name: String,
    pub docker_id: String,
}

impl Env {
    /// Every form of reference the API accepts for it.
    pub fn references(&self) -> [String; 4] {
        [
            self.id.clone(),
            self.name.clone(),
            self.docker_id.clone(),
            self.docker_id[..12].to_string(),
        ]
    }
}

/// Whose data a string is; the owner and their read-only token are one tenant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Tenant {
    Owner,
    Other,
    Guest,
    Admin,
    Bystander,
}

pub fn tenant_of(caller: Caller) -> Option<Tenant> {
    match caller {
        Caller::Anonymous => None,
        Caller::Owner | Caller::Reader => Some(Tenant::Owner),
        Caller::Other => Some(Tenant::Other),
        Caller::Guest => Some(Tenant::Guest),
        Caller::Admin => Some(Tenant::Admin),
    }
}

pub struct World {
    pub app: TestApp,
    pub credentials: HashMap<Caller, String>,
    pub main: Env,
    pub spare: Env,
    pub doomed: Env,
    pub job_id: String,
    /// A share link of the owner's, on the main environment.
    pub share_id: String,
    pub token_id: String,
    pub ssh_key_id: String,
    pub bystander_id: String,
    /// A warm pool of size 0 on the app's node, for the admin's pool routes.
    pub pool_id: String,
    pub tier: Value,
    /// A snapshot of the owner's main environment: its id and its name.
    pub snapshot: [String; 2],
    /// Strings (ids, names, emails, token secrets) that belong to each tenant.
    pub secrets: HashMap<Tenant, Vec<String>>,
}

async fn running(app: &TestApp, session: &str, created: &Value) -> Env {
    let id = created["id"].as_str().unwrap();
    let ready = app.wait_running(session, id, READY_WITHIN).await;
    Env {
        id: id.to_string(),
        name: ready["name"].as_str().unwrap().to_string(),
        docker_id: ready["docker_id"].as_str().unwrap().to_string(),
    }
}

impl World {
    pub async fn build() -> World {
        let app = spawn_app_with(|s| s.auth_rate_limit_per_ip = 100_000).await;
        // The guest's creates use busybox, a custom image, which guests may not run by
        // default: the matrix is about access, so the guest's tier allows it here.
        app.edit_tier("guest", json!({"allowed_images": null}))
            .await;
        let mut secrets: HashMap<Tenant, Vec<String>> = HashMap::new();
        let owner = app.user_token("tenant-owner").await;
        let other = app.user_token("tenant-other").await;
        let bystander = app.user_token("tenant-bystander").await;
        app.register("walk-in-visitor").await;
        let guest = app.guest_token().await;
        let admin = app.admin_token().await;
        let reader = app.api_token(&owner, &["read"]).await;
        let token = app.api_token(&owner, &["read", "write"]).await;
        for (tenant, session) in [
            (Tenant::Owner, &owner),
            (Tenant::Other, &other),
            (Tenant::Guest, &guest),
            (Tenant::Admin, &admin),
            (Tenant::Bystander, &bystander),
        ] {
            let me = app.me(session).await;
            let user = &me["user"];
            let entry = secrets.entry(tenant).or_default();
            entry.push(user["id"].as_str().unwrap().to_string());
            // The admin's name and address are generic words; its id is enough.
            if tenant != Tenant::Admin {
                entry.push(user["username"].as_str().unwrap().to_string());
                entry.push(user["email"].as_str().unwrap_or_default().to_string());
            }
            entry.push(session.clone());
        }
        secrets.get_mut(&Tenant::Owner).unwrap().extend([
            reader["id"].as_str().unwrap().to_string(),
            reader["token"].as_str().unwrap().to_string(),
            token["id"].as_str().unwrap().to_string(),
            token["token"].as_str().unwrap().to_string(),
        ]);
        let bystander_id = secrets[&Tenant::Bystander][0].clone();

        // All at once, as a user may: the owner's three share one network made once.
        let requests = [
            (&owner, "owner-main-env"),
            (&other, "other-own-env"),
            (&owner, "owner-spare-env"),
            (&owner, "owner-doomed-env"),
        ];
        let created = futures_util::future::join_all(
            requests
                .iter()
                .map(|(session, name)| app.create_busybox(session, json!({ "name": name }))),
        )
        .await;
        let mut envs = Vec::new();
        for ((session, _), body) in requests.iter().zip(&created) {
            envs.push(running(&app, session, body).await);
        }
        let theirs = envs.remove(1);
        envs.push(theirs);
        for (index, env) in envs.iter().enumerate() {
            let tenant = if index < 3 {
                Tenant::Owner
            } else {
                Tenant::Other
            };
            secrets.get_mut(&tenant).unwrap().extend(env.references());
        }

        let (job_id, share_id) = owned_records(&app, &owner, &envs[0].id).await;
        secrets.get_mut(&Tenant::Owner).unwrap().extend([
            job_id.clone(),
            "owner-job-output".into(),
            share_id.clone(),
        ]);

        let pool_id = super::owned::empty_pool(&app, &admin).await;
        let ssh_key_id = super::owned::ssh_key(&app, &owner).await;
        let snapshot = owned_snapshot(&app, &owner, &envs[0].id).await;
        secrets
            .get_mut(&Tenant::Owner)
            .unwrap()
            .extend(snapshot.iter().cloned());

        let mut tier = app.tier(&admin, "free").await;
        tier["name"] = json!("matrix-tier");

        let credentials = HashMap::from([
            (Caller::Owner, owner),
            (Caller::Other, other),
            (Caller::Guest, guest),
            (Caller::Admin, admin),
            (
                Caller::Reader,
                reader["token"].as_str().unwrap().to_string(),
            ),
        ]);
        let mut envs = envs.into_iter();
        World {
            app,
            credentials,
            main: envs.next().unwrap(),
            spare: envs.next().unwrap(),
            doomed: envs.next().unwrap(),
            job_id,
            share_id,
            token_id: token["id"].as_str().unwrap().to_string(),
            ssh_key_id,
            bystander_id,
            pool_id,
            tier,
            snapshot: [snapshot[0].clone(), snapshot[1].clone()],
            secrets,
        }
    }

    pub fn credential(&self, caller: Caller) -> Option<&str> {
        self.credentials.get(&caller).map(String::as_str)
    }

    pub fn env(&self, target: Target) -> Option<&Env> {
        match target {
            Target::Main => Some(&self.main),
            Target::Spare => Some(&self.spare),
            Target::Doomed => Some(&self.doomed),
            _ => None,
        }
    }

    /// The values to put in the path for `target`: every reference form for an environment.
    pub fn path_values(&self, target: Target) -> Vec<String> {
        match target {
            Target::Main | Target::Spare | Target::Doomed => {
                self.env(target).unwrap().references().to_vec()
            }
            Target::Job => vec![self.job_id.clone()],
            Target::Token => vec![self.token_id.clone()],
            Target::SshKey => vec![self.ssh_key_id.clone()],
            Target::Snapshot => self.snapshot.to_vec(),
            Target::Tier => vec![self.tier["name"].as_str().unwrap().to_string()],
            Target::Bystander => vec![self.bystander_id.clone()],
            Target::Pool => vec![self.pool_id.clone()],
            Target::Node => vec![self.app.settings.node.name.clone()],
            Target::Nothing => vec![String::new()],
        }
    }

    /// Every secret not belonging to `tenant` (all of them for an anonymous caller).
    pub fn foreign_secrets(&self, tenant: Option<Tenant>) -> Vec<&str> {
        self.secrets
            .iter()
            .filter(|(owner, _)| Some(**owner) != tenant)
            .flat_map(|(_, values)| values.iter().map(String::as_str))
            .filter(|value| !value.is_empty())
            .collect()
    }
}
