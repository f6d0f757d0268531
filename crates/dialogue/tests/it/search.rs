//! Ideas, consultations and processes in the search index: found in English and French, similar
//! ideas before submitting, and nothing hidden or removed ever returned.

use dialogue::ideas::{self, NewIdea};
use dialogue::model::{PhaseKind, ReportReason, TargetKind, VoteRule};
use dialogue::moderation::{Decision, ReportCounting};
use dialogue::search::{self, CONSULTATION, IDEA, PROCESS};
use platform::auth::{CurrentUser, Role};
use platform::search::SearchQuery;
use platform::{Lang, Platform, testing};

use crate::support::*;

fn find(platform: &Platform, text: &str, lang: Lang, kind: &str) -> Vec<String> {
    platform
        .search
        .query(&SearchQuery {
            text: text.into(),
            lang,
            kinds: vec![kind.into()],
            limit: 50,
            ..Default::default()
        })
        .unwrap()
        .hits
        .into_iter()
        .map(|h| h.id)
        .collect()
}

#[tokio::test]
async fn ideas_and_consultations_are_found_in_both_languages_and_hidden_ones_never() {
    for t in testing::engines().await {
        let db = &t.db;
        let platform = platform_of(&t);
        let o = org(db, "tbs").await;
        let p = process(
            db,
            &o,
            "p1",
            VoteRule::OnePerTheme,
            vec![phase(PhaseKind::Ideas, -3, 3)],
        )
        .await;
        let ada = person(db, "ada@example.org", Role::Participant, true, None).await;
        let bob = person(db, "bob@example.org", Role::Participant, true, None).await;
        let eve = person(db, "eve@example.org", Role::Participant, true, None).await;
        let moderator = person(db, "mod@example.org", Role::Moderator, true, None).await;
        let submit = async |author: &CurrentUser, title: &str, body: &str, lang: Lang| {
            let new = NewIdea {
                theme: "transparency",
                title,
                body,
                lang,
            };
            db.write(async |tx| ideas::submit(tx, &p, author, new).await)
                .await
                .unwrap()
        };
        let contracts = submit(
            &ada,
            "Publish public contracts as open data",
            "Every contract over ten thousand dollars, with the supplier and the amount.",
            Lang::En,
        )
        .await;
        let contrats = submit(
            &ada,
            "Publier les contrats publics",
            "Chaque contrat devrait être publié avec le fournisseur et le montant.",
            Lang::Fr,
        )
        .await;
        let library = submit(
            &bob,
            "Longer library hours",
            "Open public libraries in the evening and on Sundays.",
            Lang::En,
        )
        .await;
        let mut tx = db.begin().await.unwrap();
        let water = dialogue::consultations::create(
            &mut tx,
            &platform::db::Actor::system("test"),
            &dialogue::consultations::NewConsultation {
                slug: "lakes".into(),
                organization_id: o.id,
                title_en: "Water quality in our lakes".into(),
                title_fr: "La qualité de l’eau de nos lacs".into(),
                summary_en: "Tell us how you use lakes.".into(),
                summary_fr: "Dites-nous comment vous utilisez les lacs.".into(),
                level: Some(dialogue::model::Level::Consult),
                ongoing: true,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        index(&t).await;

        // Stemmed words, in either language, whatever the page's language.
        assert_eq!(
            find(&platform, "contract", Lang::En, IDEA),
            [contracts.to_string()],
            "{}",
            t.engine
        );
        assert_eq!(
            find(&platform, "contrat", Lang::Fr, IDEA),
            [contrats.to_string()]
        );
        assert_eq!(
            find(&platform, "lacs", Lang::Fr, CONSULTATION),
            [water.to_string()]
        );
        assert_eq!(
            find(&platform, "lake", Lang::En, CONSULTATION),
            [water.to_string()]
        );
        assert_eq!(
            find(&platform, "processus", Lang::Fr, PROCESS),
            [p.process.id.to_string()]
        );
        assert_eq!(
            search::path(IDEA, &contracts.to_string()),
            Some(format!("/ideas/{contracts}"))
        );

        // Similar ideas before submitting: two shared words at least for a longer draft; one
        // common word ("public") is not enough.
        let similar = search::similar_ideas(
            &platform,
            p.process.id,
            "Open data on contracts",
            "List each contract and its supplier.",
            Lang::En,
            5,
        )
        .await
        .unwrap();
        assert_eq!(
            similar.iter().map(|i| i.id).collect::<Vec<_>>(),
            [contracts],
            "{}",
            t.engine
        );
        let similar = search::similar_ideas(
            &platform,
            p.process.id,
            "Les contrats du gouvernement",
            "Publier le montant de chaque contrat.",
            Lang::Fr,
            5,
        )
        .await
        .unwrap();
        assert_eq!(similar.first().map(|i| i.id), Some(contrats));
        assert!(similar.iter().all(|i| i.id != library));
        let none = search::similar_ideas(
            &platform,
            p.process.id,
            "Public transit at night",
            "More buses after midnight for shift workers.",
            Lang::En,
            5,
        )
        .await
        .unwrap();
        assert!(none.is_empty(), "{none:?}");

        // Reported to the threshold (2 here): hidden, so out of the index and of similar ideas.
        report_as(
            db,
            &bob,
            TargetKind::Idea,
            contracts,
            ReportReason::Spam,
            ReportCounting::VerifiedOnly,
        )
        .await
        .unwrap();
        assert!(
            report_as(
                db,
                &eve,
                TargetKind::Idea,
                contracts,
                ReportReason::Spam,
                ReportCounting::VerifiedOnly
            )
            .await
            .unwrap()
        );
        index(&t).await;
        assert!(find(&platform, "contract", Lang::En, IDEA).is_empty());
        assert!(
            search::similar_ideas(
                &platform,
                p.process.id,
                "Open data on contracts",
                "List each contract and its supplier.",
                Lang::En,
                5
            )
            .await
            .unwrap()
            .is_empty()
        );
        // Kept by a moderator: found again; removed: gone for good.
        decide_as(db, &moderator, TargetKind::Idea, contracts, Decision::Keep)
            .await
            .unwrap();
        index(&t).await;
        assert_eq!(find(&platform, "contract", Lang::En, IDEA).len(), 1);
        report_as(
            db,
            &eve,
            TargetKind::Idea,
            library,
            ReportReason::OffTopic,
            ReportCounting::VerifiedOnly,
        )
        .await
        .unwrap();
        decide_as(db, &moderator, TargetKind::Idea, library, Decision::Remove)
            .await
            .unwrap();
        index(&t).await;
        assert!(find(&platform, "library", Lang::En, IDEA).is_empty());

        // A rebuild from scratch leaves hidden ideas out as well.
        platform
            .search
            .reindex(&platform.db, &search::sources(), |_, _| {})
            .await
            .unwrap();
        assert!(find(&platform, "library", Lang::En, IDEA).is_empty());
        assert_eq!(find(&platform, "", Lang::En, IDEA).len(), 2, "{}", t.engine);
    }
}
