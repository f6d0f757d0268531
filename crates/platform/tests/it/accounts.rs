use platform::auth::{self, LoginLimits, NewUser, Purpose, Role, TokenProblem};
use platform::db::Actor;
use platform::{Error, testing};

fn new_user<'a>(email: &'a str, password: &'a str) -> NewUser<'a> {
    NewUser {
        email,
        display_name: "",
        password,
        role: Role::Participant,
        verified: false,
        locale: "en",
    }
}

fn limits() -> LoginLimits {
    LoginLimits {
        per_account: 3,
        per_address: 100,
        window: time::Duration::minutes(15),
    }
}

#[tokio::test]
async fn accounts_on_every_engine() {
    for t in testing::engines().await {
        let db = &t.db;
        let engine = t.engine;
        let actor = Actor::system("test");

        let mut tx = db.begin().await.unwrap();
        let user = auth::create_user(
            &mut tx,
            &actor,
            new_user("Ada@Example.org", "correct horse battery"),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(user.email, "ada@example.org", "{engine}");

        // A duplicate e-mail is a field error and leaves nothing behind.
        let mut tx = db.begin().await.unwrap();
        let dup = auth::create_user(
            &mut tx,
            &actor,
            new_user("ada@example.org", "another password"),
        )
        .await
        .unwrap_err();
        assert_eq!(dup.field_errors()[0].field, "email", "{engine}");
        assert_eq!(
            dup.field_errors()[0].msg.key,
            "error-email-taken",
            "{engine}"
        );
        drop(tx);

        // Invalid input names each field.
        let mut tx = db.begin().await.unwrap();
        let bad = auth::create_user(&mut tx, &actor, new_user("not-an-email", "short"))
            .await
            .unwrap_err();
        let fields: Vec<_> = bad
            .field_errors()
            .iter()
            .map(|f| f.field.as_str())
            .collect();
        assert_eq!(fields, ["email", "password"], "{engine}");
        drop(tx);

        // Log-in: right password works, wrong one fails, and failures are rate-limited.
        let ok = auth::login(
            db,
            &limits(),
            "ADA@example.org",
            "correct horse battery",
            "10.0.0.1",
        )
        .await
        .unwrap();
        assert_eq!(ok.id, user.id, "{engine}");
        for _ in 0..3 {
            let e = auth::login(db, &limits(), "ada@example.org", "wrong", "10.0.0.1")
                .await
                .unwrap_err();
            assert!(matches!(e, Error::Validation(_)), "{engine}: {e:?}");
        }
        let limited = auth::login(
            db,
            &limits(),
            "ada@example.org",
            "correct horse battery",
            "10.0.0.1",
        )
        .await
        .unwrap_err();
        assert!(
            matches!(limited, Error::RateLimited(_)),
            "{engine}: {limited:?}"
        );
        auth::clear_login_failures(db, "ada@example.org")
            .await
            .unwrap();

        // Sessions.
        let secret = auth::create_session(db, user.id).await.unwrap();
        assert_eq!(
            auth::session_user(db, &secret).await.unwrap().unwrap().id,
            user.id,
            "{engine}"
        );
        assert!(
            auth::session_user(db, "not-a-session")
                .await
                .unwrap()
                .is_none()
        );
        auth::end_session(db, &secret).await.unwrap();
        assert!(
            auth::session_user(db, &secret).await.unwrap().is_none(),
            "{engine}"
        );

        // One-time e-mail tokens work once, and only for their purpose.
        let mut tx = db.begin().await.unwrap();
        let token = auth::issue_email_token(&mut tx, user.id, Purpose::Verify)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let mut tx = db.begin().await.unwrap();
        assert_eq!(
            auth::consume_email_token(&mut tx, &token, Purpose::Reset)
                .await
                .unwrap(),
            None,
            "{engine}"
        );
        assert_eq!(
            auth::consume_email_token(&mut tx, &token, Purpose::Verify)
                .await
                .unwrap(),
            Some(user.id),
            "{engine}"
        );
        assert_eq!(
            auth::consume_email_token(&mut tx, &token, Purpose::Verify)
                .await
                .unwrap(),
            None,
            "{engine}"
        );
        auth::mark_verified(&mut tx, user.id).await.unwrap();
        tx.commit().await.unwrap();
        assert!(
            auth::find_user(db, user.id)
                .await
                .unwrap()
                .unwrap()
                .verified_at
                .is_some()
        );

        // API tokens: shown once, stored hashed, revocable, expiring.
        let mut tx = db.begin().await.unwrap();
        let (secret, token) = auth::create_api_token(&mut tx, &actor, user.id, "harvest", Some(30))
            .await
            .unwrap();
        tx.commit().await.unwrap();
        assert!(
            secret.starts_with("agora_") && secret.starts_with(&token.prefix),
            "{engine}"
        );
        assert_eq!(
            auth::authenticate_token(db, &secret)
                .await
                .unwrap()
                .unwrap()
                .id,
            user.id,
            "{engine}"
        );
        assert_eq!(
            auth::authenticate_token(db, "agora_nope").await.unwrap(),
            Err(TokenProblem::Unknown)
        );
        let mut tx = db.begin().await.unwrap();
        auth::revoke_api_token(&mut tx, &actor, user.id, token.id)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(
            auth::authenticate_token(db, &secret).await.unwrap(),
            Err(TokenProblem::Revoked),
            "{engine}"
        );

        let mut tx = db.begin().await.unwrap();
        let (expiring, expiring_token) =
            auth::create_api_token(&mut tx, &actor, user.id, "short", Some(1))
                .await
                .unwrap();
        platform::exec!(tx, |c| sqlx::query(
            "UPDATE api_tokens SET expires_at = $1 WHERE id = $2"
        )
        .bind(platform::db::now() - time::Duration::hours(1))
        .bind(expiring_token.id)
        .execute(&mut *c)
        .await
        .unwrap()
        .rows_affected());
        tx.commit().await.unwrap();
        assert_eq!(
            auth::authenticate_token(db, &expiring).await.unwrap(),
            Err(TokenProblem::Expired),
            "{engine}"
        );
        let mut tx = db.begin().await.unwrap();
        let bad_days = auth::create_api_token(&mut tx, &actor, user.id, "x", Some(0))
            .await
            .unwrap_err();
        assert_eq!(bad_days.field_errors()[0].field, "expires");
        drop(tx);

        // Every write above is in the audit log, with the password hash nowhere in it.
        let (entries, total) = platform::admin::list_audit(db, &Default::default(), 100, 0)
            .await
            .unwrap();
        let actions: Vec<_> = entries.iter().map(|e| e.action.as_str()).collect();
        for expected in ["user.create", "user.verify", "token.create", "token.revoke"] {
            assert!(
                actions.contains(&expected),
                "{engine}: {expected} missing from {actions:?}"
            );
        }
        assert!(total >= 5, "{engine}");
        assert!(
            entries
                .iter()
                .all(|e| !e.after_pretty().unwrap_or_default().contains("argon2")),
            "{engine}"
        );
        let filtered = platform::admin::list_audit(
            db,
            &platform::admin::AuditFilter {
                action: "token.".into(),
                ..Default::default()
            },
            100,
            0,
        )
        .await
        .unwrap();
        assert!(
            filtered.0.iter().all(|e| e.action.starts_with("token.")) && filtered.1 == 3,
            "{engine}: {:?}",
            filtered.1
        );
    }
}

#[tokio::test]
async fn blocked_accounts_cannot_sign_in_or_use_tokens() {
    for t in testing::engines().await {
        let db = &t.db;
        let actor = Actor::system("test");
        let mut tx = db.begin().await.unwrap();
        let user = auth::create_user(
            &mut tx,
            &actor,
            new_user("blocked@example.org", "a long enough password"),
        )
        .await
        .unwrap();
        let (secret, _) = auth::create_api_token(&mut tx, &actor, user.id, "t", None)
            .await
            .unwrap();
        auth::set_blocked(&mut tx, &actor, &user, true)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let e = auth::login(
            db,
            &limits(),
            "blocked@example.org",
            "a long enough password",
            "x",
        )
        .await
        .unwrap_err();
        assert!(matches!(e, Error::Forbidden(_)), "{}: {e:?}", t.engine);
        assert_eq!(
            auth::authenticate_token(db, &secret).await.unwrap(),
            Err(TokenProblem::Blocked)
        );
    }
}
