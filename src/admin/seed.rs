//! The first admin. Without a configured password one is generated and handed back once, for
//! the operator to read at first start; only its hash is kept.

use rand::distributions::Alphanumeric;
use rand::Rng;
use sqlx::PgPool;

use crate::auth::password;
use crate::config::Settings;
use crate::db::is_unique_violation;
use crate::db::{self, users::NewUser};

pub enum AdminSeed {
    AlreadyThere,
    Created {
        email: String,
        generated_password: Option<String>,
    },
}

pub async fn ensure_admin(pool: &PgPool, settings: &Settings) -> anyhow::Result<AdminSeed> {
    if db::users::admin_exists(pool).await? {
        return Ok(AdminSeed::AlreadyThere);
    }
    let generated = settings.admin_password.is_none().then(|| {
        rand::rngs::OsRng
            .sample_iter(&Alphanumeric)
            .take(24)
            .map(char::from)
            .collect::<String>()
    });
    let chosen = settings
        .admin_password
        .clone()
        .or_else(|| generated.clone())
        .expect("one of the two is set");
    let hash = password::hash(chosen).await?;
    let inserted = db::users::insert(
        pool,
        NewUser {
            email: Some(&settings.admin_email),
            username: "admin",
            password_hash: Some(&hash),
            role: "admin",
            tier: "enterprise",
            is_guest: false,
            expires_at: None,
        },
    )
    .await;
    match inserted {
        Ok(_) => Ok(AdminSeed::Created {
            email: settings.admin_email.clone(),
            generated_password: generated,
        }),
        // Another replica seeded it first.
        Err(err)
            if is_unique_violation(&err, db::users::EMAIL_KEY)
                || is_unique_violation(&err, db::users::USERNAME_KEY) =>
        {
            Ok(AdminSeed::AlreadyThere)
        }
        Err(err) => Err(err.into()),
    }
}
