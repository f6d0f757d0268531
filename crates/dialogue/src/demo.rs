//! Demo content for `agora demo`: the co-creation process of Ontario's 2016 Open Government
//! Partnership action plan (four themes, sample ideas, the seed's phases and figures, ranked
//! results), the next round with voting open, a Budget Talks consultation due on December 11,
//! directory entries in every status, and a slice of the Government of Canada's consultations
//! registry. Every written idea, comment and entry is labelled as a sample.
//!
//! Loading is idempotent: what exists (by slug, by e-mail, by registration number) is left alone.

use platform::auth::{self, CurrentUser, NewUser, Role};
use platform::db::Actor;
use platform::orgs::{self, NewOrganization, Organization};
use platform::{Bilingual, Lang, Platform};
use time::{Date, Duration, Month};
use uuid::Uuid;

use crate::consultations::{self, NewConsultation, NewWay, Results};
use crate::ideas::{self, Assessment};
use crate::model::{Audience, IdeaState, Level, PhaseKind, ProcessFull, VoteRule, WayKind, today};
use crate::processes::{self, NewCriterion, NewPhase, NewProcess, NewTheme};
use crate::{import, votes};

pub const DEMO_STAFF: &str = "open.government@demo.agora.example";
const SAMPLE_VOTERS: usize = 24;

fn d(y: i32, m: u8, day: u8) -> Date {
    Date::from_calendar_date(y, Month::try_from(m).expect("month"), day).expect("valid demo date")
}

fn rel(days: i64) -> Date {
    today() + Duration::days(days)
}

/// The next December 11 on or after today: Budget Talks submissions are due then.
pub fn next_december_11() -> Date {
    let t = today();
    let this_year = d(t.year(), 12, 11);
    if this_year >= t {
        this_year
    } else {
        d(t.year() + 1, 12, 11)
    }
}

async fn organization(
    platform: &Platform,
    slug: &str,
    en: &str,
    fr: &str,
) -> anyhow::Result<Organization> {
    if let Some(o) = orgs::find_by_slug(&platform.db, slug).await? {
        return Ok(o);
    }
    let new = NewOrganization {
        slug: slug.into(),
        title: Bilingual::new(en, fr),
        description: Bilingual::default(),
        jurisdiction: "provincial".into(),
        category: "ministry".into(),
    };
    Ok(platform
        .db
        .write(async |tx| orgs::create(tx, &Actor::system("demo"), new).await)
        .await?)
}

/// A demo account with an unguessable password nobody knows.
async fn account(
    platform: &Platform,
    email: &str,
    name: &str,
    role: Role,
) -> anyhow::Result<auth::UserRow> {
    if let Some(u) = auth::find_user_by_email(&platform.db, email).await? {
        return Ok(u);
    }
    let password = auth::new_secret();
    Ok(platform
        .db
        .write(async |tx| {
            let new = NewUser {
                password: &password,
                display_name: name,
                email,
                role,
                verified: true,
                locale: "en",
            };
            auth::create_user(tx, &Actor::system("demo"), new).await
        })
        .await?)
}

fn themes() -> Vec<NewTheme> {
    let t = |slug: &str, en: &str, fr: &str, den: &str, dfr: &str| NewTheme {
        slug: slug.into(),
        title_en: en.into(),
        title_fr: fr.into(),
        description_en: den.into(),
        description_fr: dfr.into(),
    };
    vec![
        t(
            "transparency",
            "Transparency",
            "Transparence",
            "Information and data the government shares.",
            "L’information et les données que le gouvernement rend publiques.",
        ),
        t(
            "accountability",
            "Accountability",
            "Responsabilisation",
            "How the government answers for what it does.",
            "La façon dont le gouvernement rend compte de ce qu’il fait.",
        ),
        t(
            "public-participation",
            "Public participation",
            "Participation du public",
            "How people take part in decisions.",
            "La façon dont la population participe aux décisions.",
        ),
        t(
            "technology-and-innovation",
            "Technology and innovation",
            "Technologie et innovation",
            "Tools and skills for a more open government.",
            "Des outils et des compétences pour un gouvernement plus ouvert.",
        ),
    ]
}

fn criteria() -> Vec<NewCriterion> {
    let c = |en: &str, fr: &str| NewCriterion {
        id: None,
        label_en: en.into(),
        label_fr: fr.into(),
    };
    vec![
        c(
            "Relevant to open government in Ontario",
            "Pertinente pour le gouvernement ouvert en Ontario",
        ),
        c("Achievable within a year", "Réalisable en un an"),
        c(
            "A new activity or initiative",
            "Une activité ou une initiative nouvelle",
        ),
    ]
}

#[allow(clippy::too_many_arguments)]
fn phase(
    kind: PhaseKind,
    opens_on: Date,
    closes_on: Date,
    den: &str,
    dfr: &str,
    submit: Audience,
    comment: Audience,
    vote: Audience,
) -> NewPhase {
    NewPhase {
        kind,
        title_en: String::new(),
        title_fr: String::new(),
        description_en: den.into(),
        description_fr: dfr.into(),
        opens_on,
        closes_on,
        submit,
        comment,
        vote,
    }
}

use Audience::{Nobody, Verified};

/// A sample idea with its fate: state, answer, and for a merge the index of the idea it joins.
struct SampleIdea {
    theme: &'static str,
    lang: Lang,
    title: &'static str,
    body: &'static str,
    state: IdeaState,
    answer_en: &'static str,
    answer_fr: &'static str,
    merged_into: Option<usize>,
    rewrite: Option<(&'static str, &'static str, &'static str)>,
}

const fn accepted(
    theme: &'static str,
    title: &'static str,
    body: &'static str,
    answer_en: &'static str,
    answer_fr: &'static str,
) -> SampleIdea {
    SampleIdea {
        theme,
        lang: Lang::En,
        title,
        body,
        state: IdeaState::Accepted,
        answer_en,
        answer_fr,
        merged_into: None,
        rewrite: None,
    }
}

fn ideas_2016() -> Vec<SampleIdea> {
    vec![
        accepted(
            "transparency",
            "Adopt the International Open Data Charter",
            "Ontario should sign on to the International Open Data Charter. It would commit the province to release data by default, on a public schedule, in formats that people can reuse.",
            "This idea became commitment 1 of Ontario's action plan: adopt the International Open Data Charter.",
            "Cette idée est devenue l’engagement 1 du plan d’action de l’Ontario : adopter la Charte internationale sur les données ouvertes.",
        ),
        accepted(
            "transparency",
            "Publish a calendar of upcoming data releases",
            "List every dataset the government plans to open, with the month it will be released, so that people can plan their work and hold ministries to the dates.",
            "",
            "",
        ),
        accepted(
            "transparency",
            "Show how each ministry spends its budget, month by month",
            "Publish monthly spending by ministry and program, as data and as simple charts.",
            "",
            "",
        ),
        SampleIdea {
            theme: "transparency",
            lang: Lang::En,
            title: "Release every dataset in an open format",
            body: "Data should come as CSV or JSON, not only as PDF.",
            state: IdeaState::Merged,
            answer_en: "Merged with \"Adopt the International Open Data Charter\", which asks for open formats.",
            answer_fr: "Fusionnée avec « Adopter la Charte internationale sur les données ouvertes », qui demande des formats ouverts.",
            merged_into: Some(0),
            rewrite: None,
        },
        accepted(
            "accountability",
            "Name one person responsible for each commitment",
            "Each open government commitment should have a named lead who reports on it in public.",
            "",
            "",
        ),
        accepted(
            "accountability",
            "Report progress on commitments every three months",
            "Publish a short progress update for every commitment each quarter, with what is late and why.",
            "",
            "",
        ),
        SampleIdea {
            theme: "accountability",
            lang: Lang::En,
            title: "Create a new independent office to review open data work",
            body: "A new office outside government should audit every ministry's open data work each year.",
            state: IdeaState::NotRetained,
            answer_en: "Not retained: the Open Government Partnership's Independent Reporting Mechanism already reviews the action plan independently.",
            answer_fr: "Non retenue : le Mécanisme d’évaluation indépendant du Partenariat pour un gouvernement ouvert examine déjà le plan d’action de façon indépendante.",
            merged_into: None,
            rewrite: None,
        },
        accepted(
            "public-participation",
            "Give young people a digital way to shape programs for youth",
            "Work with youth to build an online tool where they can say what they think about the programs made for them.",
            "This idea became commitment 2 of Ontario's action plan: work with youth to implement a digital engagement tool.",
            "Cette idée est devenue l’engagement 2 du plan d’action de l’Ontario : travailler avec les jeunes à mettre en place un outil de participation numérique.",
        ),
        accepted(
            "public-participation",
            "Hold consultations in the evening and online",
            "Many people work during the day. Offer evening sessions and online ways to take part in every consultation.",
            "",
            "",
        ),
        SampleIdea {
            theme: "public-participation",
            lang: Lang::En,
            title: "Tell people what was done with what they said",
            body: "It is my considered view, having participated in numerous consultative exercises undertaken by various ministries over a considerable number of years, that the absence of any systematic communication back to participants regarding the ultimate disposition of their contributions constitutes a significant impediment to sustained engagement, and accordingly I would propose that each consultation conclude with the publication of a summary document.",
            state: IdeaState::Accepted,
            answer_en: "",
            answer_fr: "",
            merged_into: None,
            rewrite: Some((
                "Tell people what was done with what they said",
                "After each consultation, publish a short summary: what was asked, what people said, and what the government did. People who are told what came of their input are more likely to take part again.",
                "Shorter sentences; the author's proposal first.",
            )),
        },
        accepted(
            "technology-and-innovation",
            "Train public servants in open government",
            "Give every public servant a short guide and training on how to open data and involve the public in their daily work.",
            "This idea became commitment 3 of Ontario's action plan: a new guide and training for the Ontario Public Service.",
            "Cette idée est devenue l’engagement 3 du plan d’action de l’Ontario : un nouveau guide et une formation pour la fonction publique de l’Ontario.",
        ),
        accepted(
            "technology-and-innovation",
            "Make the data catalogue easier to search",
            "Let people filter datasets by topic, ministry and date, and preview the data before downloading it.",
            "",
            "",
        ),
        SampleIdea {
            theme: "technology-and-innovation",
            lang: Lang::En,
            title: "Build a government app that maps data about your neighbourhood",
            body: "One app with every dataset about where I live, on a map.",
            state: IdeaState::NotRetained,
            answer_en: "Not retained: not achievable by the government within a year. The open data it needs is available for others to build such an app.",
            answer_fr: "Non retenue : ce n’est pas réalisable par le gouvernement en un an. Les données ouvertes nécessaires sont disponibles pour que d’autres créent une telle application.",
            merged_into: None,
            rewrite: None,
        },
    ]
}

/// Votes of the sample voters in the 2016 process: for voter `v`, the index (in `ideas_2016`)
/// of the favourite in each theme. Deterministic, so that the ranked results are the same on every
/// machine.
fn favourite_2016(theme: &str, v: usize) -> usize {
    match theme {
        "transparency" => [0, 0, 2, 0, 1, 2, 0, 0, 1, 0, 2, 0][v % 12],
        "accountability" => [5, 4, 5, 5, 4, 5][v % 6],
        "public-participation" => [9, 7, 9, 8, 7, 9, 7, 9][v % 8],
        _ => [10, 11, 10, 10, 11][v % 5],
    }
}

fn ideas_2027() -> Vec<SampleIdea> {
    vec![
        accepted(
            "transparency",
            "Publish the reason for every restricted dataset",
            "When a dataset cannot be opened, say why in plain language, and say when that will be looked at again.",
            "",
            "",
        ),
        SampleIdea {
            theme: "transparency",
            lang: Lang::Fr,
            title: "Publier les contrats publics en données ouvertes",
            body: "Chaque contrat de plus de 10 000 $ devrait être publié en format ouvert, avec le fournisseur, le montant et la durée.",
            state: IdeaState::Accepted,
            answer_en: "",
            answer_fr: "",
            merged_into: None,
            rewrite: None,
        },
        accepted(
            "accountability",
            "A public dashboard of every commitment",
            "One page that shows each commitment, its milestones, who leads it and how far along it is.",
            "",
            "",
        ),
        accepted(
            "accountability",
            "Invite the public to progress reviews",
            "Hold each progress review in public, online, with time for questions.",
            "",
            "",
        ),
        accepted(
            "public-participation",
            "Pay community members who take part in workshops",
            "Offer an honorarium and cover travel and child care, so that people who cannot give a day for free can still take part.",
            "",
            "",
        ),
        accepted(
            "public-participation",
            "Every consultation in plain language and in French",
            "Write every consultation in plain language and publish it in English and French on the same day.",
            "",
            "",
        ),
        accepted(
            "technology-and-innovation",
            "Publish the source code of government digital services",
            "Release the code of public digital services under an open licence so that others can check and reuse it.",
            "",
            "",
        ),
        accepted(
            "technology-and-innovation",
            "Test new services with people who use assistive technology",
            "Before launch, test every new digital service with people who use screen readers, magnifiers and voice control.",
            "",
            "",
        ),
    ]
}

struct SampleComment {
    idea: usize,
    lang: Lang,
    body: &'static str,
}

fn comments_2027() -> Vec<SampleComment> {
    vec![
        SampleComment {
            idea: 0,
            lang: Lang::En,
            body: "Yes, and the reason should be reviewed every year, not only once.",
        },
        SampleComment {
            idea: 0,
            lang: Lang::Fr,
            body: "Bonne idée : il faudrait aussi indiquer qui prend la décision.",
        },
        SampleComment {
            idea: 4,
            lang: Lang::En,
            body: "Child care made the difference for me at the last session I went to.",
        },
        SampleComment {
            idea: 6,
            lang: Lang::En,
            body: "Open code also lets other provinces and cities reuse what Ontario builds.",
        },
    ]
}

fn budget_ideas() -> Vec<(&'static str, Lang, &'static str, &'static str)> {
    vec![
        (
            "getting-around",
            Lang::En,
            "Pay transit fares with a bank card",
            "Let riders tap a debit or credit card on any bus or train in the province, so that visitors do not need to buy a special card.",
        ),
        (
            "education-and-skills",
            Lang::En,
            "More mental health counsellors in high schools",
            "Fund one counsellor for every 500 students, so that students can see someone within a week.",
        ),
        (
            "jobs-and-the-economy",
            Lang::En,
            "Faster permits for small businesses",
            "Put every provincial permit a small business needs online, with a deadline for the answer.",
        ),
        (
            "health-and-care",
            Lang::Fr,
            "Des cliniques de soins infirmiers ouvertes le soir",
            "Ouvrir des cliniques dirigées par du personnel infirmier le soir et la fin de semaine, pour désengorger les urgences.",
        ),
    ]
}

async fn staff_user(platform: &Platform, tbs: &Organization) -> anyhow::Result<CurrentUser> {
    let staff = account(
        platform,
        DEMO_STAFF,
        "Open Government Office (demo)",
        Role::Editor,
    )
    .await?;
    platform
        .db
        .write(async |tx| auth::add_membership(tx, &Actor::system("demo"), staff.id, tbs.id).await)
        .await?;
    Ok(CurrentUser {
        id: staff.id,
        email: staff.email,
        display_name: staff.display_name,
        role: Role::Editor,
        verified: true,
        organizations: vec![tbs.id],
    })
}

/// Creates the ideas of a sample process and decides their fate as staff would.
async fn sample_ideas(
    platform: &Platform,
    p: &ProcessFull,
    staff: &CurrentUser,
    list: &[SampleIdea],
) -> anyhow::Result<Vec<Uuid>> {
    let actor = Actor::system("demo");
    let mut ids = Vec::with_capacity(list.len());
    platform
        .db
        .write(async |tx| {
            for s in list {
                ids.push(
                    ideas::create_sample(tx, &actor, p, s.theme, s.lang, s.title, s.body).await?,
                );
            }
            Ok(())
        })
        .await?;
    for (s, id) in list.iter().zip(&ids) {
        if let Some((title, body, note)) = s.rewrite {
            let idea = ideas::get(&platform.db, *id).await?.expect("just created");
            platform
                .db
                .write(async |tx| ideas::rewrite(tx, staff, &idea, title, body, note).await)
                .await?;
        }
        let idea = ideas::get(&platform.db, *id).await?.expect("just created");
        let a = Assessment {
            checks: p
                .criteria
                .iter()
                .map(|c| {
                    (
                        c.id,
                        s.state == IdeaState::Accepted || s.state == IdeaState::Merged,
                    )
                })
                .collect(),
            state: Some(s.state),
            answer_en: s.answer_en.into(),
            answer_fr: s.answer_fr.into(),
            merged_into: s.merged_into.map(|i| ids[i]),
        };
        platform
            .db
            .write(async |tx| ideas::assess(tx, staff, p, &idea, &a).await)
            .await?;
    }
    Ok(ids)
}

async fn process_2016(
    platform: &Platform,
    tbs: &Organization,
    staff: &CurrentUser,
) -> anyhow::Result<Uuid> {
    const SLUG: &str = "ogp-action-plan-2016";
    if let Some(p) = processes::find(&platform.db, SLUG).await? {
        return Ok(p.process.id);
    }
    let new = NewProcess {
        slug: SLUG.into(),
        organization_id: tbs.id,
        title_en: "Ontario's Open Government Partnership action plan: co-creation (2016)".into(),
        title_fr: "Plan d’action de l’Ontario pour le Partenariat pour un gouvernement ouvert : cocréation (2016)".into(),
        summary_en: "How Ontario built its first action plan with the public: ideas in four themes, an assessment against the action plan's criteria, an online vote for a favourite idea in each theme, three workshops and three commitments.\n\nThe phases and the figures follow the action plan; the plan does not give the phases' exact dates, so the dates here are illustrative. The ideas and the ballots below are samples written for this demonstration.".into(),
        summary_fr: "Comment l’Ontario a bâti son premier plan d’action avec le public : des idées dans quatre thèmes, une évaluation selon les critères du plan d’action, un vote en ligne pour une idée préférée dans chaque thème, trois ateliers et trois engagements.\n\nLes étapes et les chiffres suivent le plan d’action; celui-ci ne donne pas les dates exactes des étapes, les dates sont donc indicatives. Les idées et les bulletins ci-dessous sont des exemples rédigés pour la démonstration.".into(),
        guidance_en: String::new(),
        guidance_fr: String::new(),
        vote_rule: VoteRule::OnePerTheme,
        vote_max: 1,
        hide_tallies: true,
        ideas_per_person: 0,
        report_threshold: 3,
        sample: true,
        phases: vec![
            phase(PhaseKind::Ideas, d(2016, 8, 15), d(2016, 9, 16),
                "A news release invited Ontarians to submit ideas online in four areas: transparency, accountability, public participation, and technology and innovation. Direct invitations went to 23 academic institutions, 95 civil society organizations, 32 not-for-profit organizations, 42 private sector stakeholders and 44 public sector organizations. **Over 270 ideas** were received.",
                "Un communiqué a invité la population ontarienne à proposer des idées en ligne dans quatre domaines : transparence, responsabilisation, participation du public, et technologie et innovation. Des invitations directes ont été envoyées à 23 établissements d’enseignement, 95 organisations de la société civile, 32 organismes sans but lucratif, 42 intervenants du secteur privé et 44 organismes du secteur public. **Plus de 270 idées** ont été reçues.",
                Verified, Verified, Nobody),
            phase(PhaseKind::Assessment, d(2016, 9, 19), d(2016, 10, 7),
                "The Treasury Board Secretariat, ministries and other internal departments assessed the ideas and edited them for clarity and plain language before presenting them to the public: relevance to open government in Ontario, the Open Government Partnership's criteria, and achievability by 2017. **46 ideas** fit the criteria: relevant, achievable within a year, and a new activity or initiative.",
                "Le Secrétariat du Conseil du Trésor, les ministères et d’autres services internes ont évalué les idées et les ont reformulées en langage clair avant de les présenter au public : pertinence pour le gouvernement ouvert en Ontario, critères du Partenariat pour un gouvernement ouvert et faisabilité d’ici 2017. **46 idées** répondaient aux critères : pertinentes, réalisables en un an, et nouvelles.",
                Nobody, Nobody, Nobody),
            phase(PhaseKind::Voting, d(2016, 10, 11), d(2016, 10, 28),
                "The 46 ideas were posted online and the public voted for their favourite idea in each theme. The ideas received **almost 800 votes** and identified **15 top ideas**; the ranking was published for the public and civil society to review.",
                "Les 46 idées ont été publiées en ligne et le public a voté pour son idée préférée dans chaque thème. Les idées ont reçu **près de 800 votes**, qui ont désigné **15 idées principales**; le classement a été publié pour que le public et la société civile puissent l’examiner.",
                Nobody, Verified, Verified),
            phase(PhaseKind::Workshops, d(2016, 11, 1), d(2016, 11, 18),
                "Three workshops: in person in a central location, in person in a northern location, and online. **About 100 stakeholders** attended: civil society (32), ministry representatives (42) and individual citizens (19). Participants plotted the 15 top ideas by desirability and ambition; seven commitments were selected and refined, three of them at two or more workshops.",
                "Trois ateliers : en personne dans un lieu central, en personne dans le Nord, et en ligne. **Une centaine d’intervenants** y ont participé : société civile (32), représentants des ministères (42) et citoyens (19). Les participants ont situé les 15 idées principales selon leur intérêt et leur ambition; sept engagements ont été retenus et précisés, dont trois dans au moins deux ateliers.",
                Nobody, Nobody, Nobody),
            phase(PhaseKind::Commitments, d(2016, 11, 21), d(2016, 12, 9),
                "**Three commitments** in the action plan: (1) adopt the International Open Data Charter; (2) work with youth to implement a digital engagement tool; (3) a new guide and training to embed open government in the Ontario Public Service.",
                "**Trois engagements** dans le plan d’action : (1) adopter la Charte internationale sur les données ouvertes; (2) travailler avec les jeunes à mettre en place un outil de participation numérique; (3) un nouveau guide et une formation pour intégrer le gouvernement ouvert dans la fonction publique de l’Ontario.",
                Nobody, Nobody, Nobody),
        ],
        themes: themes(),
        criteria: criteria(),
    };
    platform
        .db
        .write(async |tx| processes::create(tx, &Actor::system("demo"), &new).await)
        .await?;
    let p = processes::find(&platform.db, SLUG)
        .await?
        .expect("just created");
    let list = ideas_2016();
    let ids = sample_ideas(platform, &p, staff, &list).await?;

    // Sample ballots from sample voters: one favourite per theme each.
    let mut voters = Vec::with_capacity(SAMPLE_VOTERS);
    for v in 0..SAMPLE_VOTERS {
        let email = format!("sample.voter{:02}@demo.agora.example", v + 1);
        voters.push(account(platform, &email, "", Role::Participant).await?);
    }
    platform
        .db
        .write(async |tx| {
            for (v, voter) in voters.iter().enumerate() {
                for theme in [
                    "transparency",
                    "accountability",
                    "public-participation",
                    "technology-and-innovation",
                ] {
                    // A few sample voters skip a theme, as people do.
                    if (v + theme.len()) % 7 == 0 {
                        continue;
                    }
                    let idea = ids[favourite_2016(theme, v)];
                    votes::insert_sample_ballot(tx, &p, voter.id, theme, idea).await?;
                }
            }
            Ok(())
        })
        .await?;
    Ok(p.process.id)
}

async fn process_2027(
    platform: &Platform,
    tbs: &Organization,
    staff: &CurrentUser,
) -> anyhow::Result<Uuid> {
    const SLUG: &str = "ogp-action-plan-next";
    if let Some(p) = processes::find(&platform.db, SLUG).await? {
        return Ok(p.process.id);
    }
    let new = NewProcess {
        slug: SLUG.into(),
        organization_id: tbs.id,
        title_en: "The next Open Government action plan: vote for your favourite ideas".into(),
        title_fr: "Le prochain plan d’action pour un gouvernement ouvert : votez pour vos idées préférées".into(),
        summary_en: "The same four themes as in 2016. Ideas were submitted and assessed; now everyone with a verified account may vote for one favourite idea in each theme. The results are published when voting closes. The ideas here are samples written for this demonstration.".into(),
        summary_fr: "Les quatre mêmes thèmes qu’en 2016. Les idées ont été proposées puis évaluées; toute personne dont le compte est vérifié peut maintenant voter pour une idée préférée dans chaque thème. Les résultats sont publiés à la fin du vote. Les idées présentées ici sont des exemples rédigés pour la démonstration.".into(),
        guidance_en: "Say what should change, who it helps and how. One idea per submission.".into(),
        guidance_fr: "Dites ce qui devrait changer, à qui cela profiterait et comment. Une idée par proposition.".into(),
        vote_rule: VoteRule::OnePerTheme,
        vote_max: 1,
        hide_tallies: true,
        ideas_per_person: 5,
        report_threshold: 2,
        sample: true,
        phases: vec![
            phase(PhaseKind::Ideas, rel(-60), rel(-31),
                "Everyone with a verified account could submit ideas in the four themes.",
                "Toute personne dont le compte est vérifié pouvait proposer des idées dans les quatre thèmes.",
                Verified, Verified, Nobody),
            phase(PhaseKind::Assessment, rel(-30), rel(-6),
                "Staff checked each idea against the criteria and rewrote some in plain language; the authors' originals stay visible.",
                "Le personnel a vérifié chaque idée selon les critères et en a reformulé certaines en langage clair; les textes originaux restent visibles.",
                Nobody, Verified, Nobody),
            phase(PhaseKind::Voting, rel(-5), rel(21),
                "Vote for one favourite idea in each theme. Vote counts stay hidden until voting closes.",
                "Votez pour une idée préférée dans chaque thème. Les décomptes restent cachés jusqu’à la fin du vote.",
                Nobody, Verified, Verified),
            phase(PhaseKind::Workshops, rel(28), rel(56),
                "Workshops in person and online rate the top ideas by desirability and ambition.",
                "Des ateliers en personne et en ligne évaluent les idées principales selon leur intérêt et leur ambition.",
                Nobody, Nobody, Nobody),
            phase(PhaseKind::Commitments, rel(60), rel(90),
                "The commitments of the action plan are written with the people who took part.",
                "Les engagements du plan d’action sont rédigés avec les personnes qui ont participé.",
                Nobody, Nobody, Nobody),
        ],
        themes: themes(),
        criteria: criteria(),
    };
    platform
        .db
        .write(async |tx| processes::create(tx, &Actor::system("demo"), &new).await)
        .await?;
    let p = processes::find(&platform.db, SLUG)
        .await?
        .expect("just created");
    let ids = sample_ideas(platform, &p, staff, &ideas_2027()).await?;
    platform
        .db
        .write(async |tx| {
            for c in comments_2027() {
                ideas::create_sample_comment(
                    tx,
                    &Actor::system("demo"),
                    ids[c.idea],
                    c.lang,
                    c.body,
                )
                .await?;
            }
            Ok(())
        })
        .await?;
    Ok(p.process.id)
}

async fn budget_talks(platform: &Platform, finance: &Organization) -> anyhow::Result<Uuid> {
    let due = next_december_11();
    let slug = format!("budget-talks-{}", due.year() + 1);
    if let Some(p) = processes::find(&platform.db, &slug).await? {
        return Ok(p.process.id);
    }
    let theme = |slug: &str, en: &str, fr: &str| NewTheme {
        slug: slug.into(),
        title_en: en.into(),
        title_fr: fr.into(),
        description_en: String::new(),
        description_fr: String::new(),
    };
    let new = NewProcess {
        slug: slug.clone(),
        organization_id: finance.id,
        title_en: format!(
            "Budget Talks: ideas for the {} Ontario Budget",
            due.year() + 1
        ),
        title_fr: format!(
            "Parlons budget : des idées pour le budget {} de l’Ontario",
            due.year() + 1
        ),
        summary_en: format!(
            "Share your ideas for the next provincial budget. Submissions are due by December 11, {}. Ideas are read by the Ministry of Finance; in an earlier year, the idea of replacing highway lighting with energy-saving LED lights led to a pilot on Highway 401. The ideas shown here are samples written for this demonstration.",
            due.year()
        ),
        summary_fr: format!(
            "Proposez vos idées pour le prochain budget provincial. Les propositions doivent être reçues au plus tard le 11 décembre {}. Le ministère des Finances lit chaque idée; une année précédente, l’idée de remplacer l’éclairage des autoroutes par des lampes DEL écoénergétiques a mené à un projet pilote sur l’autoroute 401. Les idées présentées ici sont des exemples rédigés pour la démonstration.",
            due.year()
        ),
        guidance_en: "Keep it short: what should the government fund, cut or change, and why?"
            .into(),
        guidance_fr:
            "Soyez bref : que devrait financer, réduire ou changer le gouvernement, et pourquoi?"
                .into(),
        vote_rule: VoteRule::OnePerTheme,
        vote_max: 1,
        hide_tallies: true,
        ideas_per_person: 5,
        report_threshold: 3,
        sample: true,
        phases: vec![phase(
            PhaseKind::Ideas,
            rel(-30).min(due),
            due,
            "Submit ideas until the deadline; comment on other people's ideas.",
            "Proposez des idées jusqu’à la date limite; commentez celles des autres.",
            Verified,
            Verified,
            Nobody,
        )],
        themes: vec![
            theme("health-and-care", "Health and care", "Santé et soins"),
            theme(
                "education-and-skills",
                "Education and skills",
                "Éducation et compétences",
            ),
            theme(
                "jobs-and-the-economy",
                "Jobs and the economy",
                "Emploi et économie",
            ),
            theme(
                "getting-around",
                "Getting around: transit and roads",
                "Se déplacer : transport en commun et routes",
            ),
        ],
        criteria: vec![],
    };
    platform
        .db
        .write(async |tx| processes::create(tx, &Actor::system("demo"), &new).await)
        .await?;
    let p = processes::find(&platform.db, &slug)
        .await?
        .expect("just created");
    platform
        .db
        .write(async |tx| {
            for (theme, lang, title, body) in budget_ideas() {
                ideas::create_sample(tx, &Actor::system("demo"), &p, theme, lang, title, body)
                    .await?;
            }
            Ok(())
        })
        .await?;
    Ok(p.process.id)
}

struct Entry {
    slug: String,
    org: Uuid,
    title: (&'static str, &'static str),
    summary: (String, String),
    level: Level,
    opens: Option<Date>,
    closes: Option<Date>,
    ongoing: bool,
    process: Option<Uuid>,
    topics: Vec<&'static str>,
    ways: Vec<NewWay>,
    results: Option<Results>,
}

fn way(kind: WayKind, en: &str, fr: &str, url: &str) -> NewWay {
    NewWay {
        kind: Some(kind),
        label_en: en.into(),
        label_fr: fr.into(),
        url: url.into(),
        ..Default::default()
    }
}

fn event(en: &str, fr: &str, place: (&str, &str), on: Date, time: &str) -> NewWay {
    NewWay {
        kind: Some(WayKind::Event),
        label_en: en.into(),
        label_fr: fr.into(),
        place_en: place.0.into(),
        place_fr: place.1.into(),
        event_on: Some(on),
        time_label: time.into(),
        ..Default::default()
    }
}

fn results(
    asked: (&str, &str),
    said: (&str, &str),
    did: (&str, &str),
    on: Date,
) -> Option<Results> {
    Some(Results {
        we_asked_en: asked.0.into(),
        we_asked_fr: asked.1.into(),
        you_said_en: said.0.into(),
        you_said_fr: said.1.into(),
        we_did_en: did.0.into(),
        we_did_fr: did.1.into(),
        results_url: String::new(),
        published_on: on,
    })
}

#[allow(clippy::too_many_arguments)]
async fn directory(
    platform: &Platform,
    tbs: &Organization,
    finance: &Organization,
    youth: &Organization,
    access: &Organization,
    p2016: Uuid,
    pnext: Uuid,
    budget: Uuid,
) -> anyhow::Result<()> {
    let due = next_december_11();
    platform
        .db
        .write(async |tx| {
            for (slug, en, fr) in [
                ("open-government", "Open government", "Gouvernement ouvert"),
                ("finance", "Finance", "Finances"),
                ("economy", "Economy", "Économie"),
                ("youth", "Youth", "Jeunes"),
                (
                    "persons-with-disabilities",
                    "Persons with disabilities",
                    "Personnes handicapées",
                ),
                ("service", "Service", "Service"),
                (
                    "science-and-technology",
                    "Science and technology",
                    "Sciences et technologie",
                ),
                ("policy", "Policy", "Politique"),
            ] {
                consultations::ensure_topic(tx, slug, en, fr).await?;
            }
            Ok(())
        })
        .await?;
    let entries = vec![
        Entry {
            slug: format!("budget-talks-{}", due.year() + 1),
            org: finance.id,
            title: ("Budget Talks", "Parlons budget"),
            summary: (
                format!("Help shape the next Ontario Budget: submit your ideas online. **Submissions are due by December 11, {}.**", due.year()),
                format!("Contribuez au prochain budget de l’Ontario : proposez vos idées en ligne. **Les propositions doivent être reçues au plus tard le 11 décembre {}.**", due.year()),
            ),
            level: Level::Consult,
            opens: Some(rel(-30).min(due)),
            closes: Some(due),
            ongoing: false,
            process: Some(budget),
            topics: vec!["finance", "economy"],
            ways: vec![way(WayKind::Ideas, "Submit and comment on ideas", "Proposer et commenter des idées", "")],
            results: None,
        },
        Entry {
            slug: "open-government-action-plan-next".into(),
            org: tbs.id,
            title: ("Co-create the next Open Government action plan", "Cocréer le prochain plan d’action pour un gouvernement ouvert"),
            summary: (
                "Vote for your favourite idea in each theme, then join a workshop to turn the top ideas into commitments.".into(),
                "Votez pour votre idée préférée dans chaque thème, puis participez à un atelier pour transformer les idées principales en engagements.".into(),
            ),
            level: Level::Collaborate,
            opens: Some(rel(-60)),
            closes: Some(rel(90)),
            ongoing: false,
            process: Some(pnext),
            topics: vec!["open-government", "policy"],
            ways: vec![
                way(WayKind::Ideas, "Vote for ideas", "Voter pour des idées", ""),
                event("Workshop", "Atelier", ("Toronto, 777 Bay Street", "Toronto, 777, rue Bay"), rel(30), "18:00–20:30"),
                event("Online workshop", "Atelier en ligne", ("Online", "En ligne"), rel(35), "12:00–13:30"),
            ],
            results: None,
        },
        Entry {
            slug: "accessibility-certification".into(),
            org: access.id,
            title: ("A third-party accessibility certification program", "Un programme de certification de l’accessibilité par un tiers"),
            summary: (
                "Ontario is working with the public to develop a third-party accessibility certification program, to make services more accessible to people with disabilities.".into(),
                "L’Ontario travaille avec le public à élaborer un programme de certification de l’accessibilité par un tiers, pour rendre les services plus accessibles aux personnes handicapées.".into(),
            ),
            level: Level::Collaborate,
            opens: Some(rel(-90)),
            closes: None,
            ongoing: true,
            process: None,
            topics: vec!["persons-with-disabilities", "service"],
            ways: vec![
                way(WayKind::Survey, "Tell us about your experience", "Parlez-nous de votre expérience", "https://survey.example.ca/accessibility-certification"),
                event("Working group", "Groupe de travail", ("Ottawa, public library, main branch", "Ottawa, bibliothèque publique, succursale principale"), rel(12), "13:00–16:00"),
            ],
            results: None,
        },
        Entry {
            slug: "youth-digital-engagement".into(),
            org: youth.id,
            title: ("Design labs: a digital engagement tool with youth", "Laboratoires de conception : un outil de participation numérique avec les jeunes"),
            summary: (
                "Young people help design a digital tool to take part in government programs and services.".into(),
                "Des jeunes aident à concevoir un outil numérique pour participer aux programmes et aux services du gouvernement.".into(),
            ),
            level: Level::Deliberate,
            opens: Some(rel(-21)),
            closes: Some(rel(6)),
            ongoing: false,
            process: None,
            topics: vec!["youth", "science-and-technology"],
            ways: vec![
                event("Design lab", "Laboratoire de conception", ("Sudbury, Science North", "Sudbury, Science Nord"), rel(3), "16:00–19:00"),
                way(WayKind::Link, "Join the online lab", "Rejoindre le laboratoire en ligne", "https://youth.example.ca/design-lab"),
            ],
            results: None,
        },
        Entry {
            slug: "open-data-charter-implementation".into(),
            org: tbs.id,
            title: ("Implementing the International Open Data Charter", "Mettre en œuvre la Charte internationale sur les données ouvertes"),
            summary: (
                "Comment on the draft implementation schedule and plan for the Open Data Charter.".into(),
                "Commentez l’ébauche du calendrier et du plan de mise en œuvre de la Charte sur les données ouvertes.".into(),
            ),
            level: Level::Consult,
            opens: Some(rel(14)),
            closes: Some(rel(60)),
            ongoing: false,
            process: None,
            topics: vec!["open-government"],
            ways: vec![way(WayKind::Survey, "Comment on the draft", "Commenter l’ébauche", "https://survey.example.ca/open-data-charter")],
            results: None,
        },
        Entry {
            slug: "open-government-guide".into(),
            org: tbs.id,
            title: ("An open government guide for public servants", "Un guide du gouvernement ouvert pour la fonction publique"),
            summary: (
                "Read the draft guide and tell us what would help you apply it in your work.".into(),
                "Lisez l’ébauche du guide et dites-nous ce qui vous aiderait à l’appliquer dans votre travail.".into(),
            ),
            level: Level::Share,
            opens: Some(rel(30)),
            closes: Some(rel(75)),
            ongoing: false,
            process: None,
            topics: vec!["open-government", "service"],
            ways: vec![],
            results: None,
        },
        Entry {
            slug: "public-engagement-framework-review".into(),
            org: tbs.id,
            title: ("Review of the Public Engagement Framework", "Examen du cadre de participation du public"),
            summary: (
                "How should ministries plan and run public engagement? The comments are being analysed.".into(),
                "Comment les ministères devraient-ils planifier et mener la participation du public? Les commentaires sont en cours d’analyse.".into(),
            ),
            level: Level::Consult,
            opens: Some(rel(-120)),
            closes: Some(rel(-30)),
            ongoing: false,
            process: None,
            topics: vec!["open-government", "policy"],
            ways: vec![],
            results: None,
        },
        Entry {
            slug: "ogp-action-plan-2016".into(),
            org: tbs.id,
            title: ("Open Government Partnership: Ontario's first action plan", "Partenariat pour un gouvernement ouvert : le premier plan d’action de l’Ontario"),
            summary: (
                "Ontario co-created its action plan with the public, online and in workshops.".into(),
                "L’Ontario a cocréé son plan d’action avec le public, en ligne et en ateliers.".into(),
            ),
            level: Level::Collaborate,
            opens: Some(d(2016, 8, 15)),
            closes: Some(d(2016, 12, 9)),
            ongoing: false,
            process: Some(p2016),
            topics: vec!["open-government"],
            ways: vec![way(WayKind::Ideas, "Ideas, votes and results", "Idées, votes et résultats", "")],
            results: results(
                ("Ideas in four themes — transparency, accountability, public participation, and technology and innovation — then a vote for a favourite idea in each theme.",
                 "Des idées dans quatre thèmes — transparence, responsabilisation, participation du public, et technologie et innovation —, puis un vote pour une idée préférée dans chaque thème."),
                ("Over 270 ideas. 46 met the criteria and went to a vote; almost 800 votes identified 15 top ideas. About 100 stakeholders refined them in three workshops.",
                 "Plus de 270 idées. 46 répondaient aux critères et ont été soumises au vote; près de 800 votes ont désigné 15 idées principales. Une centaine d’intervenants les ont précisées dans trois ateliers."),
                ("Three commitments in the action plan: adopt the International Open Data Charter; work with youth on a digital engagement tool; a guide and training to embed open government in the public service.",
                 "Trois engagements dans le plan d’action : adopter la Charte internationale sur les données ouvertes; travailler avec les jeunes à un outil de participation numérique; un guide et une formation pour intégrer le gouvernement ouvert dans la fonction publique."),
                d(2016, 12, 15),
            ),
        },
        Entry {
            slug: "budget-talks-2016".into(),
            org: finance.id,
            title: ("Budget Talks 2016", "Parlons budget 2016"),
            summary: (
                "Ideas for the 2016 Ontario Budget.".into(),
                "Des idées pour le budget 2016 de l’Ontario.".into(),
            ),
            level: Level::Consult,
            opens: Some(d(2015, 10, 26)),
            closes: Some(d(2015, 12, 11)),
            ongoing: false,
            process: None,
            topics: vec!["finance", "economy"],
            ways: vec![],
            results: results(
                ("What should the government fund, cut or change in the 2016 Budget?", "Que devrait financer, réduire ou changer le gouvernement dans le budget 2016?"),
                ("1,732 ideas, 53,402 votes and 4,340 comments — among them, replacing traditional highway lighting with energy-saving LED lights.",
                 "1 732 idées, 53 402 votes et 4 340 commentaires — dont l’idée de remplacer l’éclairage traditionnel des autoroutes par des lampes DEL écoénergétiques."),
                ("A mast lighting pilot project with LED lights on Highway 401, starting at Renforth Drive and running west for 1.1 kilometres.",
                 "Un projet pilote d’éclairage à DEL sur mâts sur l’autoroute 401, à partir de Renforth Drive et sur 1,1 kilomètre vers l’ouest."),
                d(2016, 2, 25),
            ),
        },
        Entry {
            slug: "budget-talks-2017".into(),
            org: finance.id,
            title: ("Budget Talks 2017", "Parlons budget 2017"),
            summary: (
                "Ideas for the 2017 Ontario Budget. Submissions were due by December 11, 2016.".into(),
                "Des idées pour le budget 2017 de l’Ontario. Les propositions devaient être reçues au plus tard le 11 décembre 2016.".into(),
            ),
            level: Level::Consult,
            opens: Some(d(2016, 10, 24)),
            closes: Some(d(2016, 12, 11)),
            ongoing: false,
            process: None,
            topics: vec!["finance", "economy"],
            ways: vec![],
            results: results(
                ("What should the government fund, cut or change in the 2017 Budget?", "Que devrait financer, réduire ou changer le gouvernement dans le budget 2017?"),
                ("10,452 people registered; 404 ideas received 19,229 votes from 6,774 people.",
                 "10 452 personnes se sont inscrites; 404 idées ont reçu 19 229 votes de 6 774 personnes."),
                ("The top-voted ideas were considered in preparing the 2017 Budget (sample text written for this demonstration).",
                 "Les idées les plus appuyées ont été examinées pour préparer le budget 2017 (texte d’exemple rédigé pour la démonstration)."),
                d(2017, 4, 27),
            ),
        },
    ];
    let actor = Actor::system("demo");
    for e in entries {
        if consultations::find(&platform.db, &e.slug).await?.is_some() {
            continue;
        }
        let new = NewConsultation {
            slug: e.slug,
            organization_id: e.org,
            title_en: e.title.0.into(),
            title_fr: e.title.1.into(),
            summary_en: e.summary.0,
            summary_fr: e.summary.1,
            level: Some(e.level),
            opens_on: e.opens,
            closes_on: e.closes,
            ongoing: e.ongoing,
            process_id: e.process,
            topics: e.topics.into_iter().map(String::from).collect(),
            ways: e.ways,
            results: e.results,
            source: String::new(),
            external_id: None,
            sample: true,
            draft: false,
        };
        platform
            .db
            .write(async |tx| consultations::create(tx, &actor, &new).await)
            .await?;
    }
    Ok(())
}

/// Loads the demo content; running it again adds nothing twice.
pub async fn load_demo(platform: &Platform) -> anyhow::Result<()> {
    let tbs = organization(
        platform,
        "treasury-board-secretariat",
        "Treasury Board Secretariat",
        "Secrétariat du Conseil du Trésor",
    )
    .await?;
    let finance = organization(
        platform,
        "ministry-of-finance",
        "Ministry of Finance",
        "Ministère des Finances",
    )
    .await?;
    let youth = organization(
        platform,
        "ministry-of-children-and-youth-services",
        "Ministry of Children and Youth Services",
        "Ministère des Services à l’enfance et à la jeunesse",
    )
    .await?;
    let access = organization(
        platform,
        "accessibility-directorate-of-ontario",
        "Accessibility Directorate of Ontario",
        "Direction de l’accessibilité pour l’Ontario",
    )
    .await?;
    let staff = staff_user(platform, &tbs).await?;
    let p2016 = process_2016(platform, &tbs, &staff).await?;
    let pnext = process_2027(platform, &tbs, &staff).await?;
    let budget = budget_talks(platform, &finance).await?;
    directory(
        platform, &tbs, &finance, &youth, &access, p2016, pnext, budget,
    )
    .await?;
    match import::shared_data_dir() {
        Some(dir) => {
            let report =
                import::import_canada(platform, &dir.join("consultations-canada"), 60, 20).await?;
            tracing::info!(
                added = report.added,
                existing = report.existing,
                skipped = report.skipped.len(),
                "consultations of Canada imported"
            );
        }
        None => tracing::info!(
            "the shared data folder is not there: the directory has the demo entries only"
        ),
    }
    Ok(())
}
