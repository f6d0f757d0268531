//! E-mail goes out through the job queue after the commit, never inside a transaction.

use std::sync::Arc;

use platform::jobs::{self, JobFilter, Registry};
use platform::mail::{self, Email};
use platform::testing::{self, TestDb};

fn registry() -> Arc<Registry> {
    let mut registry = Registry::new();
    mail::register(&mut registry);
    Arc::new(registry)
}

/// Runs the queued `mail.send` jobs, as the workers would after the commit.
pub async fn deliver(t: &TestDb) -> usize {
    jobs::run_due(&t.platform(), registry()).await.unwrap()
}

pub fn outbox(t: &TestDb) -> Vec<String> {
    match std::fs::read_dir(t.dir.path().join("outbox")) {
        Ok(dir) => dir
            .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
            .collect(),
        Err(_) => Vec::new(),
    }
}

fn email(to: &str) -> Email {
    Email {
        to: to.into(),
        subject: "Hello".into(),
        body: "A body".into(),
    }
}

#[tokio::test]
async fn mail_leaves_after_the_commit_and_only_then() {
    for t in testing::engines().await {
        let engine = t.engine;
        let platform = t.platform();

        let mut tx = platform.db.begin().await.unwrap();
        mail::queue(&mut tx, email("kept@example.org"))
            .await
            .unwrap();
        tx.commit().await.unwrap();
        assert!(
            outbox(&t).is_empty(),
            "{engine}: nothing sent before the job runs"
        );

        // A transaction that does not commit sends nothing.
        let mut tx = platform.db.begin().await.unwrap();
        mail::queue(&mut tx, email("lost@example.org"))
            .await
            .unwrap();
        drop(tx);

        assert_eq!(deliver(&t).await, 1, "{engine}");
        let sent = outbox(&t);
        assert_eq!(sent.len(), 1, "{engine}");
        assert!(sent[0].contains("kept@example.org"), "{engine}");
        assert!(!sent.iter().any(|m| m.contains("lost@example.org")));
        // The sent mail is gone from the queue: running again sends nothing twice.
        assert_eq!(deliver(&t).await, 0, "{engine}");
        assert_eq!(outbox(&t).len(), 1, "{engine}");

        // A bad recipient is refused when queued, naming the field.
        let mut tx = platform.db.begin().await.unwrap();
        let err = mail::queue(&mut tx, email("not an address"))
            .await
            .unwrap_err();
        assert_eq!(err.field_errors()[0].field, "email", "{engine}");
    }
}

#[tokio::test]
async fn a_refused_mail_is_kept_and_retried() {
    for t in testing::engines().await {
        let engine = t.engine;
        // An SMTP server that is not there: every send fails.
        let settings = platform::config::Settings {
            data_dir: t.dir.path().to_path_buf(),
            smtp: Some(platform::config::SmtpSettings {
                host: "127.0.0.1".into(),
                port: 1,
                security: "none".into(),
                username: None,
                password: None,
            }),
            ..Default::default()
        };
        let platform = platform::Platform::with_db(settings, t.db.clone(), Vec::new()).unwrap();
        let mut tx = platform.db.begin().await.unwrap();
        mail::queue(&mut tx, email("later@example.org"))
            .await
            .unwrap();
        tx.commit().await.unwrap();

        assert_eq!(jobs::run_due(&platform, registry()).await.unwrap(), 1);
        let filter = JobFilter {
            kind: mail::JOB_KIND.into(),
            ..Default::default()
        };
        let (list, _) = jobs::list(&platform.db, &filter, 10, 0).await.unwrap();
        assert_eq!(list.len(), 1, "{engine}");
        let job = &list[0];
        assert_eq!(
            job.state, "queued",
            "{engine}: queued again after its back-off"
        );
        assert_eq!(job.attempts, 1, "{engine}");
        assert!(
            job.last_error
                .as_deref()
                .unwrap_or("")
                .contains("cannot send"),
            "{engine}"
        );
        // The payload names the queued mail, not its text.
        assert!(
            !job.payload_pretty().contains("later@example.org"),
            "{engine}"
        );
    }
}
