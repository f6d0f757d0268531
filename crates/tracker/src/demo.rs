//! Demo content: Ontario's Open Government Partnership action plan with its three commitments
//! transcribed in full from the plan (`../shared/seed/ontario-ogp-action-plan.txt`), in English
//! as the plan states them and in French, the government projects the plan reports on, and a
//! few progress updates that are labelled as samples. Loading twice changes nothing.

use platform::orgs::{self, NewOrganization};
use platform::{Actor, Bilingual, Platform, Tx};
use time::macros::datetime;

use crate::model::{OgpValue, OriginStage, OriginStep};
use crate::store::{
    self, Contact, EvidenceInput, ItemInput, MilestoneInput, PlanInput, UpdateInput, ValueRelevance,
};

pub const PLAN_SLUG: &str = "ontario-ogp-action-plan-2017";

/// Open dialogue's demo process the three commitments came from.
pub const PROCESS_SLUG: &str = "ogp-action-plan-2016";

/// The sample ideas of that process each commitment came from, by title.
const IDEAS: [(&str, &[&str]); 3] = [
    (
        "adopt-the-international-open-data-charter",
        &[
            "Adopt the International Open Data Charter",
            "Release every dataset in an open format",
        ],
    ),
    (
        "youth-digital-engagement-tool",
        &["Give young people a digital way to shape programs for youth"],
    ),
    (
        "open-government-guide-and-training",
        &["Train public servants in open government"],
    ),
];

/// Links a commitment to the demo co-creation process and its ideas, when open dialogue's demo
/// is loaded; the steps of the trail then open the process's pages.
async fn link_origin(platform: &Platform, input: &mut ItemInput) -> anyhow::Result<()> {
    let Some(process) = dialogue::processes::find(&platform.db, PROCESS_SLUG).await? else {
        return Ok(());
    };
    let titles = IDEAS
        .iter()
        .find(|(slug, _)| *slug == input.slug)
        .map(|(_, titles)| *titles)
        .unwrap_or_default();
    let (ideas, _) = dialogue::ideas::list(
        &platform.db,
        &process,
        &dialogue::ideas::IdeaFilter::default(),
        false,
        500,
        0,
    )
    .await?;
    input.origin_process = PROCESS_SLUG.into();
    input.origin_ideas = titles
        .iter()
        .filter_map(|t| ideas.iter().find(|i| i.title == *t).map(|i| i.id))
        .collect();
    for step in &mut input.origin {
        step.url = match step.stage {
            OriginStage::Process => format!("/en/processes/{PROCESS_SLUG}"),
            OriginStage::Ideas | OriginStage::Assessment => {
                format!("/en/processes/{PROCESS_SLUG}/ideas")
            }
            OriginStage::Voting => format!("/en/processes/{PROCESS_SLUG}/results"),
            _ => String::new(),
        };
    }
    Ok(())
}

fn b(en: &str, fr: &str) -> Bilingual {
    Bilingual::new(en, fr)
}

fn value(v: OgpValue, en: &str, fr: &str) -> ValueRelevance {
    ValueRelevance {
        value: v,
        relevant: true,
        text: b(en, fr),
    }
}

fn milestone(en: &str, fr: &str, start: &str) -> MilestoneInput {
    MilestoneInput {
        activity: b(en, fr),
        novelty: "new".into(),
        start: start.into(),
        ..MilestoneInput::default()
    }
}

fn done(en: &str, fr: &str, start: &str, end: &str, completion: &str) -> MilestoneInput {
    MilestoneInput {
        activity: b(en, fr),
        novelty: "new".into(),
        start: start.into(),
        end: end.into(),
        completion: completion.into(),
        ..MilestoneInput::default()
    }
}

/// How the three commitments came out of the co-creation process, as the plan tells it.
fn origin() -> Vec<OriginStep> {
    let step = |stage, en: &str, fr: &str| OriginStep {
        stage,
        text: b(en, fr),
        url: String::new(),
    };
    vec![
        step(
            OriginStage::Process,
            "Ontario's co-creation process for the Open Government Partnership consultation combined online and in-person engagement with stakeholders.",
            "Le processus de cocréation de l'Ontario pour la consultation du Partenariat pour un gouvernement ouvert a combiné la mobilisation en ligne et en personne des parties prenantes.",
        ),
        step(
            OriginStage::Ideas,
            "Over 270 ideas were submitted online in four areas: transparency, accountability, public participation, and technology and innovation.",
            "Plus de 270 idées ont été soumises en ligne dans quatre domaines : la transparence, la responsabilisation, la participation du public, et la technologie et l'innovation.",
        ),
        step(
            OriginStage::Assessment,
            "The Treasury Board Secretariat, ministries and other internal departments assessed the ideas and edited them for clarity and plain language; 46 were relevant, achievable within a year, and a new activity or initiative.",
            "Le Secrétariat du Conseil du Trésor, les ministères et d'autres services internes ont évalué les idées et les ont reformulées en langage clair; 46 étaient pertinentes, réalisables en un an et constituaient une nouvelle activité ou initiative.",
        ),
        step(
            OriginStage::Voting,
            "The public voted on their favourite idea in each theme: almost 800 votes identified 15 top ideas.",
            "Le public a voté pour son idée préférée dans chaque thème : près de 800 votes ont permis de dégager les 15 meilleures idées.",
        ),
        step(
            OriginStage::Workshops,
            "About 100 stakeholders at three workshops plotted the 15 top ideas by desirability and ambition and refined them with the SMART criteria. Seven commitments were selected; this one is one of the three selected and refined at two or more workshops.",
            "Environ 100 parties prenantes réunies en trois ateliers ont situé les 15 meilleures idées selon leur intérêt et leur ambition, puis les ont précisées selon les critères SMART. Sept engagements ont été retenus; celui-ci fait partie des trois retenus et précisés lors d'au moins deux ateliers.",
        ),
    ]
}

fn commitment_1() -> ItemInput {
    ItemInput {
        kind: "commitment".into(),
        slug: "adopt-the-international-open-data-charter".into(),
        plan: PLAN_SLUG.into(),
        number: "1".into(),
        organization: "treasury-board-secretariat".into(),
        title: b(
            "Strengthen Ontario's commitment to making government data open by default by adopting the International Open Data Charter",
            "Renforcer l'engagement de l'Ontario à rendre les données gouvernementales ouvertes par défaut en adoptant la Charte internationale sur les données ouvertes",
        ),
        short_title: b(
            "Adopt the International Open Data Charter",
            "Adopter la Charte internationale sur les données ouvertes",
        ),
        lead_team: b("Open Government Office", "Bureau du gouvernement ouvert"),
        contact: Contact {
            name: String::new(),
            role: b(
                "Manager, Policy and Partnerships",
                "Gestionnaire, Politiques et partenariats",
            ),
            email: "Nosa.Ero-Brown@ontario.ca".into(),
        },
        actors_government: b(
            "Ontario Provincial Government:\nAll Ontario ministries and provincial agencies",
            "Gouvernement provincial de l'Ontario :\nTous les ministères et organismes provinciaux de l'Ontario",
        ),
        actors_civil_society: b(
            "International Open Data Charter\nCivil Society organizations\nAcademia\nPrivate sector including start ups",
            "Charte internationale sur les données ouvertes\nOrganisations de la société civile\nMilieu universitaire\nSecteur privé, y compris les jeunes entreprises",
        ),
        status_quo: b(
            "Ontario has implemented an Open Data Directive that requires all government data to be open by default, unless it is exempt for legal, privacy, security, confidentiality or commercially-sensitive reasons.\n\n\
While the directive is a strong foundation, there are concrete steps to be taken to enhance accountability and ensure a more robust implementation of the Open Data Directive. The gaps that will be closed by adopting the open data charter include (1) clear time-bound actions including timing for the release of datasets and inventories as well as concrete methods to demonstrate progress towards clearly defined and communicated targets. (2) Concrete measures for proactive civil society engagement with data and (3) Engagement with domestic and international standards bodies and other standard setting initiatives to increase the interoperability and comparability of Ontario's data.",
            "L'Ontario a mis en œuvre une Directive sur les données ouvertes qui exige que toutes les données gouvernementales soient ouvertes par défaut, à moins qu'elles ne soient exemptées pour des raisons juridiques, de protection de la vie privée, de sécurité, de confidentialité ou de sensibilité commerciale.\n\n\
Bien que la directive constitue une base solide, des mesures concrètes doivent être prises pour renforcer la responsabilisation et assurer une mise en œuvre plus rigoureuse de la Directive sur les données ouvertes. Les lacunes que comblera l'adoption de la charte sur les données ouvertes comprennent (1) des mesures claires assorties d'échéances, notamment le calendrier de publication des ensembles de données et des inventaires, ainsi que des méthodes concrètes pour démontrer les progrès accomplis vers des cibles clairement définies et communiquées; (2) des mesures concrètes de mobilisation proactive de la société civile à l'égard des données; et (3) la collaboration avec les organismes de normalisation nationaux et internationaux et d'autres initiatives d'établissement de normes afin d'accroître l'interopérabilité et la comparabilité des données de l'Ontario.",
        ),
        objective: b(
            "To maximize the release of, increase access to, and promote greater impact of Ontario's data.",
            "Maximiser la publication des données de l'Ontario, en accroître l'accès et en favoriser une plus grande incidence.",
        ),
        description: b(
            "The International Open Data Charter brings Ontario into an emerging body of national and subnational governments that are releasing their data in a standardized and comparable format.\n\n\
The International Open Data Charter provides Ontario with a common foundation as well as continuing guidance for realizing the full potential of its open data.",
            "La Charte internationale sur les données ouvertes fait entrer l'Ontario dans un groupe émergent de gouvernements nationaux et infranationaux qui publient leurs données dans un format normalisé et comparable.\n\n\
La Charte internationale sur les données ouvertes fournit à l'Ontario une base commune ainsi que des conseils continus pour réaliser tout le potentiel de ses données ouvertes.",
        ),
        values_intro: b(
            "Adopting the International Open Data Charter will further advance OGP values and move Ontario’s data directive further by:",
            "L'adoption de la Charte internationale sur les données ouvertes fera progresser les valeurs du PGO et fera avancer la directive de l'Ontario sur les données :",
        ),
        values: vec![
            value(
                OgpValue::AccessInformation,
                "Increasing access to information – Enhancing Ontario’s open by default data policy which covers open and proactive release of data in an open format, and reduces the cost of access to data.",
                "Accroître l'accès à l'information – Améliorer la politique d'ouverture par défaut des données de l'Ontario, qui porte sur la publication ouverte et proactive des données dans un format ouvert, et réduire le coût d'accès aux données.",
            ),
            value(
                OgpValue::CivicParticipation,
                "Increasing civic participation – Enhancing the “open data engagement section” of Ontario’s directive by specifying actions by ministries and provincial agencies that promote open data engagement such as partnerships with academic institutions and start-ups.",
                "Accroître la participation civique – Améliorer la « section sur la mobilisation à l'égard des données ouvertes » de la directive de l'Ontario en précisant les mesures des ministères et des organismes provinciaux qui favorisent la mobilisation à l'égard des données ouvertes, comme des partenariats avec des établissements d'enseignement et de jeunes entreprises.",
            ),
            value(
                OgpValue::PublicAccountability,
                "Public Accountability – The appointment of a key ministry, including a direct individual, to serve as point of contact responsible for implementing the Open Data Charter’s principles. Publically follow up on progress of the specific actions that will be taken by Ontario as it adopts the International Open Data Charter.",
                "Responsabilité publique – La désignation d'un ministère clé, y compris d'une personne précise, comme point de contact responsable de la mise en œuvre des principes de la Charte sur les données ouvertes. Suivre publiquement l'avancement des mesures précises que prendra l'Ontario en adoptant la Charte internationale sur les données ouvertes.",
            ),
            value(
                OgpValue::Technology,
                "Technology and Innovation for openness and accountability – Enhancing ontario.ca to ensure that data is more accessible and easily discoverable. Linking the data catalogue with civic engagement initiatives, and promoting the development of new, innovative technologies and applications using open data.",
                "Technologie et innovation au service de l'ouverture et de la responsabilisation – Améliorer ontario.ca pour que les données soient plus accessibles et plus faciles à trouver. Relier le catalogue de données aux initiatives de mobilisation citoyenne et favoriser la création de technologies et d'applications nouvelles et novatrices qui utilisent les données ouvertes.",
            ),
        ],
        ambition: b(
            "The intended results of Ontario’s adoption of the International Open Data Charter are an increase in access to Ontario’s data, a greater economic and social impact of Ontario’s data and better consistency and comparability of Ontario’s data with other jurisdictions.",
            "Les résultats attendus de l'adoption par l'Ontario de la Charte internationale sur les données ouvertes sont un meilleur accès aux données de l'Ontario, une plus grande incidence économique et sociale de ces données, ainsi qu'une meilleure cohérence et comparabilité des données de l'Ontario avec celles d'autres administrations.",
        ),
        themes: vec!["open-data".into()],
        origin: origin(),
        milestones: vec![
            milestone(
                "Provincial announcement of the adoption of the International Data Charter",
                "Annonce provinciale de l'adoption de la Charte internationale sur les données",
                "2017-01",
            ),
            milestone(
                "Develop strategy for Ontario to further align its Open Data Directive with the Charter principles",
                "Élaborer une stratégie pour que l'Ontario harmonise davantage sa Directive sur les données ouvertes avec les principes de la Charte",
                "2017-01",
            ),
            milestone(
                "Publish Implementation Schedule and Plan",
                "Publier le calendrier et le plan de mise en œuvre",
                "2017-01",
            ),
            milestone(
                "Provide updated tools and guidance (Open data guidebook) for ministries and provincial agencies",
                "Fournir des outils et des conseils à jour (guide sur les données ouvertes) aux ministères et aux organismes provinciaux",
                "2017-01",
            ),
        ],
        ..ItemInput::default()
    }
}

fn commitment_2() -> ItemInput {
    ItemInput {
        kind: "commitment".into(),
        slug: "youth-digital-engagement-tool".into(),
        plan: PLAN_SLUG.into(),
        number: "2".into(),
        organization: "ministry-of-children-and-youth-services".into(),
        title: b(
            "Give young people more opportunities to contribute to the development of government programs and services by working in partnership with youth to implement a digital engagement tool",
            "Donner aux jeunes plus d'occasions de contribuer à l'élaboration des programmes et des services gouvernementaux en travaillant en partenariat avec eux à la mise en œuvre d'un outil de mobilisation numérique",
        ),
        short_title: b(
            "Youth digital engagement tool",
            "Outil de mobilisation numérique des jeunes",
        ),
        lead_team: b(
            "Youth Strategies Branch, Ministry of Children and Youth Services",
            "Direction des stratégies pour la jeunesse, ministère des Services à l'enfance et à la jeunesse",
        ),
        contact: Contact {
            email: "Sean.Twyford@ontario.ca".into(),
            ..Contact::default()
        },
        actors_government: b(
            "Ministries of Education, Advanced Education and Skills Development, Tourism, Culture and Sport, Citizenship and Immigration, Health, Indigenous Relations and Reconciliation\nPremier's Council on Youth Opportunities",
            "Ministères de l'Éducation, de l'Enseignement supérieur et de la Formation professionnelle, du Tourisme, de la Culture et du Sport, des Affaires civiques et de l'Immigration, de la Santé, et des Relations avec les Autochtones et de la Réconciliation\nConseil de la première ministre sur les perspectives d'avenir des jeunes",
        ),
        actors_civil_society: b(
            "Youth and Youth leaders\nYouth-led and youth-serving organizations\nUniversities and colleges\nSchool boards / School Councils",
            "Jeunes et jeunes leaders\nOrganismes dirigés par des jeunes et organismes au service des jeunes\nUniversités et collèges\nConseils scolaires / conseils d'école",
        ),
        status_quo: b(
            "Youth are digitally connected like never before and have the skill sets and passion to solve problems affecting them locally and globally. Unfortunately, they are not engaged to civic processes in the same way as previous generations so the methods to engage them need to evolve.",
            "Les jeunes sont plus connectés que jamais et ont les compétences et la passion nécessaires pour résoudre les problèmes qui les touchent, ici comme ailleurs dans le monde. Malheureusement, ils ne participent pas aux processus civiques de la même façon que les générations précédentes : les méthodes pour les mobiliser doivent donc évoluer.",
        ),
        objective: b(
            "To engage youth on implementing a digital engagement platform that harnesses their collective energy and existing ways of connecting (e.g. social media, mobile-focused, digitally) to contribute to government policy and program development processes on an ongoing basis.",
            "Mobiliser les jeunes dans la mise en œuvre d'une plateforme de mobilisation numérique qui met à profit leur énergie collective et leurs façons actuelles de communiquer (p. ex. médias sociaux, appareils mobiles, outils numériques) pour contribuer de façon continue à l'élaboration des politiques et des programmes gouvernementaux.",
        ),
        description: b(
            "Ontario will engage youth on how they currently participate civically, how they want to be engaged and how digital tool(s) would support that.",
            "L'Ontario consultera les jeunes sur leur façon actuelle de participer à la vie civique, sur la façon dont ils veulent être mobilisés et sur la manière dont un ou des outils numériques pourraient les y aider.",
        ),
        values: vec![
            value(
                OgpValue::CivicParticipation,
                "Public Participation – Engaging youth to understand where they are interested and how best to engage them in decisions that impact their lives.",
                "Participation du public – Mobiliser les jeunes pour comprendre ce qui les intéresse et la meilleure façon de les faire participer aux décisions qui touchent leur vie.",
            ),
            value(
                OgpValue::Technology,
                "Technology and Innovation – Through a collaborative process, a digital engagement tool will be implemented and tested with youth to measure its impact on reaching underrepresented youth populations.",
                "Technologie et innovation – Dans le cadre d'un processus collaboratif, un outil de mobilisation numérique sera mis en œuvre et mis à l'essai avec les jeunes afin de mesurer sa capacité à joindre les populations de jeunes sous-représentées.",
            ),
        ],
        ambition: b(
            "Engaging youth in the design and implementation of a new digital access tool is a significant undertaking with the benefit to have substantial impact on the next generation of voters.",
            "Faire participer les jeunes à la conception et à la mise en œuvre d'un nouvel outil d'accès numérique est une entreprise importante qui pourrait avoir une incidence considérable sur la prochaine génération d'électeurs.",
        ),
        themes: vec!["youth".into(), "public-participation".into()],
        origin: origin(),
        milestones: vec![
            milestone(
                "Engage the Premier’s Council on Youth Opportunities and their youth networks on how young people currently engage in civic participation through digital means, as well as in-person, to develop insight on how they want to engage government.",
                "Consulter le Conseil de la première ministre sur les perspectives d'avenir des jeunes et ses réseaux de jeunes sur la façon dont les jeunes participent actuellement à la vie civique par des moyens numériques et en personne, afin de comprendre comment ils veulent interagir avec le gouvernement.",
                "2017-01",
            ),
            milestone(
                "Host design lab(s) with the Premier’s Council on Youth Opportunities and their youth networks to inform the implementation of a digital engagement tool in a beta phase, for testing and evaluation.",
                "Organiser un ou des laboratoires de conception avec le Conseil de la première ministre sur les perspectives d'avenir des jeunes et ses réseaux de jeunes pour orienter la mise en œuvre d'un outil de mobilisation numérique en version bêta, à des fins d'essai et d'évaluation.",
                "2017-01",
            ),
            milestone(
                "Beta-launch a digital engagement tool and establish a baseline for evaluating digital youth civic engagement, and identifying opportunities for improvements.",
                "Lancer la version bêta d'un outil de mobilisation numérique et établir une base de référence pour évaluer la mobilisation civique numérique des jeunes et cerner les possibilités d'amélioration.",
                "2017-01",
            ),
            milestone(
                "Use feedback from beta testing to launch an updated version of the digital engagement tool and test/measure its impact on digital youth civic engagement, with concurrent evaluation.",
                "Utiliser les commentaires issus des essais bêta pour lancer une version à jour de l'outil de mobilisation numérique et mesurer son incidence sur la mobilisation civique numérique des jeunes, avec une évaluation simultanée.",
                "2017-01",
            ),
            milestone(
                "Continue making updates to the digital engagement tool with the Premier's Council on Youth Opportunities and their youth networks through design lab(s) or other open government tools (e.g. PoliHack).",
                "Continuer d'améliorer l'outil de mobilisation numérique avec le Conseil de la première ministre sur les perspectives d'avenir des jeunes et ses réseaux de jeunes au moyen de laboratoires de conception ou d'autres outils du gouvernement ouvert (p. ex. PoliHack).",
                "2017-01",
            ),
        ],
        ..ItemInput::default()
    }
}

fn commitment_3() -> ItemInput {
    ItemInput {
        kind: "commitment".into(),
        slug: "open-government-guide-and-training".into(),
        plan: PLAN_SLUG.into(),
        number: "3".into(),
        organization: "treasury-board-secretariat".into(),
        title: b(
            "Further embed open government principles in the day-to-day work of the Ontario Public Service through the development of a new guide and training",
            "Intégrer davantage les principes du gouvernement ouvert dans le travail quotidien de la fonction publique de l'Ontario grâce à l'élaboration d'un nouveau guide et d'une formation",
        ),
        short_title: b(
            "Open government guide and training",
            "Guide et formation sur le gouvernement ouvert",
        ),
        lead_team: b(
            "Treasury Board Secretariat",
            "Secrétariat du Conseil du Trésor",
        ),
        contact: Contact {
            name: String::new(),
            role: b(
                "Manager, Outreach and Organizational Change",
                "Gestionnaire, Sensibilisation et changement organisationnel",
            ),
            email: "Kelly.Villeneuve@ontario.ca".into(),
        },
        actors_government: b(
            "Treasury Board Secretariat\nOther ministries and agencies",
            "Secrétariat du Conseil du Trésor\nAutres ministères et organismes",
        ),
        actors_civil_society: b(
            "Civil society, private sector",
            "Société civile, secteur privé",
        ),
        status_quo: b(
            "OPS staff has differing levels of understanding and capacity to embed open government principles (regarding data, info and public engagement) in their daily tasks.",
            "Le personnel de la FPO a des niveaux variables de compréhension et de capacité pour intégrer les principes du gouvernement ouvert (en matière de données, d'information et de mobilisation du public) dans ses tâches quotidiennes.",
        ),
        objective: b(
            "To create an Open Government literate OPS with common principles embedded into daily responsibilities that promote accountability, transparency and public participation",
            "Former une FPO qui maîtrise le gouvernement ouvert, avec des principes communs intégrés aux responsabilités quotidiennes qui favorisent la responsabilisation, la transparence et la participation du public",
        ),
        description: b(
            "As open government increases in prominence it will change the way that public-sector employees engage with their responsibilities.",
            "À mesure que le gouvernement ouvert prend de l'importance, il changera la façon dont les employés du secteur public s'acquittent de leurs responsabilités.",
        ),
        values: vec![value(
            OgpValue::Technology,
            "Technology and Innovation for openness and accountability- OPS staff will have a better understanding of how to open information and engage public in decision-making",
            "Technologie et innovation au service de l'ouverture et de la responsabilisation – Le personnel de la FPO comprendra mieux comment ouvrir l'information et faire participer le public à la prise de décisions",
        )],
        ambition: b(
            "Develop an Open Government guide and training in collaboration with other levels of government that offers clear and tangible ways for public servants to align their daily work with the principles of open government.",
            "Élaborer, en collaboration avec d'autres ordres de gouvernement, un guide et une formation sur le gouvernement ouvert qui offrent aux fonctionnaires des moyens clairs et concrets d'harmoniser leur travail quotidien avec les principes du gouvernement ouvert.",
        ),
        themes: vec!["capacity-building".into()],
        origin: origin(),
        milestones: vec![
            milestone(
                "Develop (draft) guide with input from government ministries and agencies",
                "Élaborer une ébauche du guide avec l'apport des ministères et organismes gouvernementaux",
                "",
            ),
            milestone(
                "Establish a community of practice",
                "Établir une communauté de pratique",
                "",
            ),
            milestone("Undertake pilots", "Mener des projets pilotes", ""),
            milestone("Training of Trainers", "Formation des formateurs", ""),
        ],
        ..ItemInput::default()
    }
}

/// The government projects the plan reports on, with what the plan says of them.
fn projects() -> Vec<ItemInput> {
    let project = |slug: &str,
                   org: &str,
                   title: Bilingual,
                   description: Bilingual,
                   themes: &[&str],
                   milestones: Vec<MilestoneInput>| ItemInput {
        kind: "project".into(),
        slug: slug.into(),
        organization: org.into(),
        title,
        description,
        themes: themes.iter().map(|t| t.to_string()).collect(),
        milestones,
        ..ItemInput::default()
    };
    vec![
        project(
            "ministry-open-government-plans",
            "treasury-board-secretariat",
            b(
                "Open Government plans developed by each ministry",
                "Plans pour un gouvernement ouvert élaborés par chaque ministère",
            ),
            b(
                "Each ministry developed an Open Government plan. Ministry executive leads drive the Open Government agenda, with regular meetings to facilitate planning.",
                "Chaque ministère a élaboré un plan pour un gouvernement ouvert. Des responsables de la haute direction des ministères font avancer le programme du gouvernement ouvert et se réunissent régulièrement pour faciliter la planification.",
            ),
            &["capacity-building"],
            vec![done(
                "Cabinet approves the final plans",
                "Le Conseil des ministres approuve les plans définitifs",
                "",
                "2015-09-23",
                "complete",
            )],
        ),
        project(
            "open-data-directive",
            "treasury-board-secretariat",
            b("Open Data Directive", "Directive sur les données ouvertes"),
            b(
                "Ontario's Open Data Directive, developed in partnership with Ontarians, is helping to make government data open by default. More than 500 data sets are now online and data inventories are being released.",
                "La Directive sur les données ouvertes de l'Ontario, élaborée en partenariat avec la population ontarienne, contribue à rendre les données gouvernementales ouvertes par défaut. Plus de 500 ensembles de données sont maintenant en ligne et les inventaires de données sont en cours de publication.",
            ),
            &["open-data"],
            vec![
                done(
                    "The directive comes into force",
                    "La directive entre en vigueur",
                    "",
                    "2016-04-01",
                    "complete",
                ),
                done(
                    "Release the data inventories",
                    "Publier les inventaires de données",
                    "2016-04",
                    "",
                    "limited",
                ),
                done(
                    "Publish the 25 most-voted data sets (10 published so far)",
                    "Publier les 25 ensembles de données ayant reçu le plus de votes (10 publiés jusqu'ici)",
                    "2016-04",
                    "",
                    "limited",
                ),
            ],
        ),
        project(
            "public-engagement-framework",
            "treasury-board-secretariat",
            b(
                "Public Engagement Framework and Consultations Directory",
                "Cadre de mobilisation du public et répertoire des consultations",
            ),
            b(
                "Ontario's Public Engagement Framework and online Consultations Directory are helping improve the quality of the government's public engagement and involving a more diverse range of Ontarians in the decision-making process.",
                "Le Cadre de mobilisation du public et le répertoire des consultations en ligne de l'Ontario contribuent à améliorer la qualité de la mobilisation du public par le gouvernement et à faire participer une plus grande diversité d'Ontariennes et d'Ontariens à la prise de décisions.",
            ),
            &["public-participation"],
            vec![
                done(
                    "Develop the Public Engagement Framework, informed by demonstration projects",
                    "Élaborer le Cadre de mobilisation du public, éclairé par des projets de démonstration",
                    "",
                    "",
                    "complete",
                ),
                done(
                    "Launch the online Consultations Directory",
                    "Lancer le répertoire des consultations en ligne",
                    "",
                    "",
                    "complete",
                ),
            ],
        ),
        project(
            "highway-401-led-mast-lighting-pilot",
            "ministry-of-transportation",
            b(
                "LED mast lighting pilot on Highway 401",
                "Projet pilote d'éclairage à DEL sur mâts sur l'autoroute 401",
            ),
            b(
                "An idea from Budget Talks, replacing traditional lighting with energy-saving LED lights on provincial highway corridors, led to a mast lighting pilot project starting at Renforth Drive and running west along Highway 401 for 1.1 kilometres.",
                "Une idée issue de Parlons budget, remplacer l'éclairage traditionnel par des lampes à DEL écoénergétiques le long des autoroutes provinciales, a mené à un projet pilote d'éclairage sur mâts qui commence à Renforth Drive et s'étend sur 1,1 kilomètre vers l'ouest le long de l'autoroute 401.",
            ),
            &["public-participation"],
            vec![done(
                "Launch the pilot from Renforth Drive west for 1.1 km",
                "Lancer le projet pilote à partir de Renforth Drive sur 1,1 km vers l'ouest",
                "",
                "",
                "complete",
            )],
        ),
        project(
            "collective-agreement-e-library",
            "ministry-of-labour",
            b(
                "Collective Agreement e-Library Portal",
                "Portail de la bibliothèque électronique des conventions collectives",
            ),
            b(
                "The portal allows the public to search for all public and private sector collective agreements in the province, including by employer, union or location.",
                "Le portail permet au public de chercher toutes les conventions collectives des secteurs public et privé de la province, notamment par employeur, par syndicat ou par lieu.",
            ),
            &["open-information"],
            vec![done(
                "Launch the portal",
                "Lancer le portail",
                "",
                "",
                "complete",
            )],
        ),
    ]
}

/// Sample progress updates: they show how a team reports, and say that they are samples.
fn samples() -> Vec<(&'static str, usize, &'static str, UpdateInput)> {
    let update = |en: &str, fr: &str, at: time::OffsetDateTime, evidence: Option<EvidenceInput>| {
        UpdateInput {
            body: b(en, fr),
            evidence,
            sample: true,
            posted_at: Some(at),
            ..UpdateInput::default()
        }
    };
    vec![
        (
            "adopt-the-international-open-data-charter",
            1,
            "complete",
            update(
                "*Sample update written for the demonstration; it is not a report from the Government of Ontario.* The team marks the announcement of the adoption of the International Open Data Charter as complete and links to the Charter.",
                "*Exemple de mise à jour rédigé pour la démonstration; ce n'est pas un compte rendu du gouvernement de l'Ontario.* L'équipe indique que l'annonce de l'adoption de la Charte internationale sur les données ouvertes est terminée et donne le lien vers la Charte.",
                datetime!(2017-03-01 15:00 UTC),
                Some(EvidenceInput {
                    kind: "page".into(),
                    url: "https://opendatacharter.org/".into(),
                    title: b(
                        "International Open Data Charter",
                        "Charte internationale sur les données ouvertes",
                    ),
                }),
            ),
        ),
        (
            "adopt-the-international-open-data-charter",
            2,
            "limited",
            update(
                "*Sample update written for the demonstration.* Work on the strategy to align the Open Data Directive with the Charter principles has started.",
                "*Exemple de mise à jour rédigé pour la démonstration.* Les travaux sur la stratégie d'harmonisation de la Directive sur les données ouvertes avec les principes de la Charte ont commencé.",
                datetime!(2017-06-15 15:00 UTC),
                None,
            ),
        ),
        (
            "youth-digital-engagement-tool",
            1,
            "substantial",
            update(
                "*Sample update written for the demonstration.* Most of the planned conversations with the Premier’s Council on Youth Opportunities and its youth networks have taken place.",
                "*Exemple de mise à jour rédigé pour la démonstration.* La plupart des échanges prévus avec le Conseil de la première ministre sur les perspectives d'avenir des jeunes et ses réseaux ont eu lieu.",
                datetime!(2017-05-10 15:00 UTC),
                None,
            ),
        ),
        (
            "open-government-guide-and-training",
            1,
            "limited",
            update(
                "*Sample update written for the demonstration.* A first outline of the guide is being discussed with ministries and agencies.",
                "*Exemple de mise à jour rédigé pour la démonstration.* Un premier plan du guide est en discussion avec les ministères et les organismes.",
                datetime!(2017-09-01 15:00 UTC),
                None,
            ),
        ),
    ]
}

const ORGANIZATIONS: [(&str, &str, &str); 4] = [
    (
        "treasury-board-secretariat",
        "Treasury Board Secretariat",
        "Secrétariat du Conseil du Trésor",
    ),
    (
        "ministry-of-children-and-youth-services",
        "Ministry of Children and Youth Services",
        "Ministère des Services à l'enfance et à la jeunesse",
    ),
    (
        "ministry-of-transportation",
        "Ministry of Transportation",
        "Ministère des Transports",
    ),
    (
        "ministry-of-labour",
        "Ministry of Labour",
        "Ministère du Travail",
    ),
];

const THEMES: [(&str, &str, &str); 5] = [
    ("open-data", "Open data", "Données ouvertes"),
    ("youth", "Youth", "Jeunesse"),
    (
        "public-participation",
        "Public participation",
        "Participation du public",
    ),
    (
        "capacity-building",
        "Capacity building",
        "Renforcement des capacités",
    ),
    (
        "open-information",
        "Open information",
        "Information ouverte",
    ),
];

async fn ensure_organizations(
    platform: &Platform,
    tx: &mut Tx,
    actor: &Actor,
) -> anyhow::Result<()> {
    for (slug, en, fr) in ORGANIZATIONS {
        if orgs::find_by_slug(&platform.db, slug).await?.is_none() {
            orgs::create(
                tx,
                actor,
                NewOrganization {
                    slug: slug.into(),
                    title: b(en, fr),
                    description: Bilingual::default(),
                    jurisdiction: "provincial".into(),
                    category: "ministry".into(),
                },
            )
            .await?;
        }
    }
    Ok(())
}

/// Loads the demo tracker; what exists already is left as it is.
pub async fn load(platform: &Platform) -> anyhow::Result<()> {
    let actor = Actor::system("demo");
    let mut tx = platform.db.begin().await?;
    ensure_organizations(platform, &mut tx, &actor).await?;
    for (slug, en, fr) in THEMES {
        store::upsert_theme(&mut tx, slug, &b(en, fr)).await?;
    }
    let mut created = 0;
    if store::plan_by_slug(&platform.db, PLAN_SLUG)
        .await?
        .is_none()
    {
        store::create_plan(
            &mut tx,
            &actor,
            PlanInput {
                slug: PLAN_SLUG.into(),
                title: b(
                    "Ontario's Open Government Partnership Action Plan",
                    "Plan d'action de l'Ontario pour le Partenariat pour un gouvernement ouvert",
                ),
                summary: b(
                    "The Open Government initiative is about creating a more open and transparent government for the people of Ontario. We are aiming to make Ontario the most open and transparent jurisdiction in Canada by creating increased opportunities for civic dialogue, sharing government data, and providing citizens with the information they need to better understand how their government works.",
                    "L'initiative pour un gouvernement ouvert vise à créer un gouvernement plus ouvert et plus transparent pour la population de l'Ontario. Nous voulons faire de l'Ontario l'administration la plus ouverte et la plus transparente du Canada en multipliant les occasions de dialogue citoyen, en diffusant les données gouvernementales et en donnant aux citoyens l'information dont ils ont besoin pour mieux comprendre le fonctionnement de leur gouvernement.",
                ),
                country: "Ontario, Canada".into(),
                region: "Americas".into(),
                plan_number: 1,
                year_submitted: Some(2016),
            },
        )
        .await?;
        for mut input in [commitment_1(), commitment_2(), commitment_3()] {
            link_origin(platform, &mut input).await?;
            store::create_item(&mut tx, &actor, input).await?;
            created += 1;
        }
        for (slug, position, completion, mut update) in samples() {
            let item = tx_item(&mut tx, slug).await?;
            let milestone = *store::milestone_ids(&mut tx, item.id)
                .await?
                .get(position - 1)
                .ok_or_else(|| anyhow::anyhow!("demo milestone {position} of {slug} missing"))?;
            update.milestone = Some(milestone);
            update.completion = completion.into();
            store::post_update(&mut tx, &actor, "", &item, &update).await?;
        }
    }
    for input in projects() {
        if store::item_by_slug(&platform.db, &input.slug)
            .await?
            .is_none()
        {
            store::create_item(&mut tx, &actor, input).await?;
            created += 1;
        }
    }
    tx.commit().await?;
    if created > 0 {
        println!("tracker: loaded {created} demo commitments and projects");
    }
    Ok(())
}

async fn tx_item(tx: &mut Tx, slug: &str) -> anyhow::Result<store::Item> {
    store::item_by_slug(tx, slug)
        .await?
        .ok_or_else(|| anyhow::anyhow!("demo item {slug} missing"))
}
