//! A few sample data requests for `agora demo`, one in each stage of the workflow, each labelled
//! as a sample. Loading twice changes nothing.

use platform::db::Actor;
use platform::{Lang, Platform};
use time::Duration;

struct Sample {
    title: &'static str,
    description: &'static str,
    lang: Lang,
    organization: &'static str,
    status: &'static str,
    note: &'static str,
    /// For the released sample: the Ontario holding that answers it.
    dataset: &'static str,
}

const SAMPLES: &[Sample] = &[
    Sample {
        title: "Traffic volumes at commercial vehicle survey stations",
        description: "Counts of trucks by survey station, as published after the Commercial Vehicle Survey, so that municipalities can plan road maintenance.",
        lang: Lang::En,
        organization: "ministry-of-transportation",
        status: "released",
        note: "Published as open data.",
        dataset: "2006-commercial-vehicle-survey-traffic-volumes-at-survey-stations",
    },
    Sample {
        title: "Emergency department wait times by hospital and month",
        description: "The time patients wait in each hospital's emergency department, by month, with the median and the 90th percentile.",
        lang: Lang::En,
        organization: "ministry-of-health",
        status: "under_review",
        note: "",
        dataset: "",
    },
    Sample {
        title: "Retards des autobus scolaires par conseil scolaire",
        description: "Le nombre de retards et d’annulations des autobus scolaires, par conseil scolaire et par jour d’école.",
        lang: Lang::Fr,
        organization: "ministry-of-education",
        status: "planned",
        note: "",
        dataset: "",
    },
    Sample {
        title: "Addresses of people holding a hunting licence",
        description: "The home address of every licensed hunter, to map hunting pressure.",
        lang: Lang::En,
        organization: "ministry-of-natural-resources-and-forestry",
        status: "declined",
        note: "Home addresses are personal information and cannot be released. Counts of licences by wildlife management unit are already open.",
        dataset: "",
    },
    Sample {
        title: "Snow plow routes on provincial highways",
        description: "The routes that plows follow in winter, and how often each highway is cleared.",
        lang: Lang::En,
        organization: "",
        status: "submitted",
        note: "",
        dataset: "",
    },
];

pub async fn load(platform: &Platform) -> anyhow::Result<()> {
    if super::count_samples(&platform.db).await? > 0 {
        return Ok(());
    }
    let actor = Actor::system("demo");
    let planned = crate::forms::today() + Duration::days(120);
    let mut tx = platform.db.begin().await?;
    for s in SAMPLES {
        let organization = match s.organization {
            "" => None,
            slug => platform::orgs::find_by_slug(&platform.db, slug)
                .await?
                .map(|o| o.id),
        };
        let dataset = match s.dataset {
            "" => None,
            name => crate::store::dataset_row(&platform.db, name)
                .await?
                .map(|d| d.id),
        };
        // Without the Ontario inventory there is no dataset to release: the sample stays in progress.
        let status = if s.status == "released" && dataset.is_none() {
            "in_progress"
        } else {
            s.status
        };
        let sample = super::Sample {
            title: s.title,
            description: s.description,
            lang: s.lang,
            organization,
            status,
            planned_date: (status == "planned").then_some(planned),
            dataset,
            note: s.note,
        };
        super::create_sample(&mut tx, &actor, &sample).await?;
    }
    tx.commit().await?;
    println!("catalogue demo: {} sample data requests", SAMPLES.len());
    Ok(())
}
