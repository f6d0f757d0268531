//! Demo content for `agora demo`. Loading is idempotent: running it again changes nothing but
//! the administrator's password, which is printed each time.

use platform::Platform;
use platform::area::Area;
use platform::auth::{self, NewUser, Role};
use platform::db::Actor;

pub const DEMO_ADMIN: &str = "admin@agora.example";

pub async fn load(platform: &Platform, areas: &[Area]) -> anyhow::Result<()> {
    let password = crate::cli::generate_password();
    let actor = Actor::system("demo");
    let mut tx = platform.db.begin().await?;
    match auth::find_user_by_email(&platform.db, DEMO_ADMIN).await? {
        Some(user) => auth::set_password(&mut tx, &actor, user.id, &password).await?,
        None => {
            let new = NewUser {
                email: DEMO_ADMIN,
                display_name: "Demo administrator",
                password: &password,
                role: Role::Admin,
                verified: true,
                locale: "en",
            };
            auth::create_user(&mut tx, &actor, new).await?;
        }
    }
    tx.commit().await?;
    // In the areas' order: the tracker's commitments link to the dialogue's process and ideas.
    for load_area in areas.iter().filter_map(|a| a.demo.as_ref()) {
        load_area(platform.clone(), shared_data()).await?;
    }
    println!("demo administrator: {DEMO_ADMIN}");
    println!("password: {password}");
    println!("site: {}/", platform.settings.base_url());
    Ok(())
}

/// The public data the demo is built from: `AGORA_SHARED_DATA`, or `../shared/data` beside the
/// project (where it is when Agora runs from its source tree).
pub fn shared_data() -> std::path::PathBuf {
    if let Ok(dir) = std::env::var("AGORA_SHARED_DATA") {
        return dir.into();
    }
    let from_source = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data");
    if from_source.is_dir() {
        return from_source;
    }
    std::path::PathBuf::from("../shared/data")
}
