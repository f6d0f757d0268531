//! The licences a dataset may carry: a built-in list (Ontario's and Canada's open government
//! licences, Creative Commons, Open Data Commons, and the closed terms Ontario's inventory uses)
//! that an operator extends or replaces in the settings file's `[catalogue]` section.
//!
//! The list is read once at start-up ([`configure`]) and is the same for every request, import
//! and API call of the process, so that forms, `license_list` and validation agree.

use std::sync::OnceLock;

use platform::Lang;
use platform::config::CatalogueSettings;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Licence {
    pub id: &'static str,
    pub title_en: &'static str,
    pub title_fr: &'static str,
    pub url: &'static str,
    pub open: bool,
    /// Other ids other catalogues use for it (CKAN's defaults, older spellings).
    pub aliases: &'static [&'static str],
}

impl Licence {
    pub fn title(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::Fr if !self.title_fr.is_empty() => self.title_fr,
            _ if self.title_en.is_empty() => self.title_fr,
            _ => self.title_en,
        }
    }

    fn answers_to(&self, id: &str) -> bool {
        self.id.eq_ignore_ascii_case(id) || self.aliases.iter().any(|a| a.eq_ignore_ascii_case(id))
    }
}

const fn open(
    id: &'static str,
    title_en: &'static str,
    title_fr: &'static str,
    url: &'static str,
    aliases: &'static [&'static str],
) -> Licence {
    Licence {
        id,
        title_en,
        title_fr,
        url,
        open: true,
        aliases,
    }
}

const fn closed(
    id: &'static str,
    title_en: &'static str,
    title_fr: &'static str,
    url: &'static str,
) -> Licence {
    Licence {
        id,
        title_en,
        title_fr,
        url,
        open: false,
        aliases: &[],
    }
}

/// The built-in list. Open licences first.
pub const DEFAULTS: &[Licence] = &[
    open(
        "OGL-ON-1.0",
        "Open Government Licence – Ontario",
        "Licence du gouvernement ouvert – Ontario",
        "https://www.ontario.ca/page/open-government-licence-ontario",
        &[],
    ),
    open(
        "OGL-Canada-2.0",
        "Open Government Licence – Canada",
        "Licence du gouvernement ouvert – Canada",
        "https://open.canada.ca/en/open-government-licence-canada",
        &["OGL-CA-2.0", "ca-ogl-lgo"],
    ),
    open(
        "CC-BY-4.0",
        "Creative Commons Attribution 4.0",
        "Creative Commons Attribution 4.0",
        "https://creativecommons.org/licenses/by/4.0/",
        &["cc-by"],
    ),
    open(
        "CC-BY-SA-4.0",
        "Creative Commons Attribution Share-Alike 4.0",
        "Creative Commons Attribution – Partage dans les mêmes conditions 4.0",
        "https://creativecommons.org/licenses/by-sa/4.0/",
        &["cc-by-sa"],
    ),
    open(
        "CC0-1.0",
        "Creative Commons CC0 1.0 (public domain)",
        "Creative Commons CC0 1.0 (domaine public)",
        "https://creativecommons.org/publicdomain/zero/1.0/",
        &["cc-zero"],
    ),
    open(
        "ODC-By-1.0",
        "Open Data Commons Attribution License",
        "Licence d’attribution Open Data Commons",
        "https://opendatacommons.org/licenses/by/1-0/",
        &["odc-by"],
    ),
    open(
        "ODbL-1.0",
        "Open Data Commons Open Database License (ODbL)",
        "Licence ODbL d’Open Data Commons",
        "https://opendatacommons.org/licenses/odbl/1-0/",
        &["odc-odbl"],
    ),
    open(
        "PDDL-1.0",
        "Open Data Commons Public Domain Dedication and License (PDDL)",
        "Licence PDDL d’Open Data Commons",
        "https://opendatacommons.org/licenses/pddl/1-0/",
        &["odc-pddl"],
    ),
    open(
        "ontario-open-data-terms",
        "Ontario Open Data Terms of Use",
        "Conditions d’utilisation des données ouvertes de l’Ontario",
        "",
        &[],
    ),
    open("other-open", "Other (Open)", "Autre (ouverte)", "", &[]),
    closed(
        "queens-printer-ontario",
        "Queen's Printer for Ontario",
        "Imprimeur de la Reine pour l’Ontario",
        "https://www.ontario.ca/page/copyright-information",
    ),
    closed(
        "ontario-terms-of-use",
        "Ontario.ca Terms of Use",
        "Conditions d’utilisation d’Ontario.ca",
        "https://www.ontario.ca/page/terms-use",
    ),
    closed(
        "ministry-terms-of-use",
        "Ministry Terms of Use",
        "Conditions d’utilisation du ministère",
        "",
    ),
    closed(
        "pssda",
        "Public Sector Salary Disclosure Act",
        "Loi sur la divulgation des traitements dans le secteur public",
        "https://www.ontario.ca/laws/statute/96p01",
    ),
    closed(
        "other-closed",
        "Other (Not Open)",
        "Autre (non ouverte)",
        "",
    ),
    closed(
        "notspecified",
        "License Not Specified",
        "Licence non précisée",
        "",
    ),
];

static CONFIGURED: OnceLock<&'static [Licence]> = OnceLock::new();

/// The licences of this process: the configured list, or the built-in one.
pub fn all() -> &'static [Licence] {
    CONFIGURED.get().copied().unwrap_or(DEFAULTS)
}

/// A licence by its id or one of its aliases (letter case aside).
pub fn licence(id: &str) -> Option<&'static Licence> {
    let id = id.trim();
    let list = all();
    list.iter()
        .find(|l| l.id == id)
        .or_else(|| list.iter().find(|l| l.answers_to(id)))
}

/// A licence by its English title, as catalogues export them, or by its id.
pub fn licence_by_title(title: &str) -> Option<&'static Licence> {
    let t = title.trim();
    all()
        .iter()
        .find(|l| l.title_en.eq_ignore_ascii_case(t))
        .or_else(|| licence(t))
}

/// Installs the list the settings describe, once, at start-up. Without licence settings the
/// built-in list stays.
pub fn configure(settings: &CatalogueSettings) -> Result<(), String> {
    if settings.licences.is_empty() && !settings.replace_licences {
        return Ok(());
    }
    let list = build(settings)?;
    if let Some(existing) = CONFIGURED.get() {
        return if *existing == list.as_slice() {
            Ok(())
        } else {
            Err("the licence list was already configured differently".into())
        };
    }
    let _ = CONFIGURED.set(Vec::leak(list));
    Ok(())
}

fn leak(s: &str) -> &'static str {
    String::leak(s.trim().to_string())
}

/// The list the settings describe: the built-in one with the configured licences added (or,
/// for an id already in it, replacing it), or only the configured ones when
/// `replace_licences` is set. A problem names the licence and the key.
pub fn build(settings: &CatalogueSettings) -> Result<Vec<Licence>, String> {
    let mut list: Vec<Licence> = if settings.replace_licences {
        Vec::new()
    } else {
        DEFAULTS.to_vec()
    };
    for (i, c) in settings.licences.iter().enumerate() {
        let at = format!("catalogue.licences[{i}]");
        let id = c.id.trim();
        if id.is_empty() || id.chars().any(char::is_whitespace) {
            return Err(format!(
                "{at}.id: give an id without spaces, such as OGL-NS-1.0"
            ));
        }
        if c.title_en.trim().is_empty() && c.title_fr.trim().is_empty() {
            return Err(format!("{at} ({id}): give title_en or title_fr"));
        }
        let url = c.url.trim();
        let web = url.starts_with("https://") || url.starts_with("http://");
        if !url.is_empty() && !web {
            return Err(format!(
                "{at}.url ({id}): give an address starting with https://"
            ));
        }
        let aliases: Vec<&'static str> = c
            .aliases
            .iter()
            .map(|a| leak(a))
            .filter(|a| !a.is_empty())
            .collect();
        let licence = Licence {
            id: leak(id),
            title_en: leak(&c.title_en),
            title_fr: leak(&c.title_fr),
            url: leak(url),
            open: c.open,
            aliases: Vec::leak(aliases),
        };
        match list.iter().position(|l| l.id == licence.id) {
            Some(p) => list[p] = licence,
            None => list.push(licence),
        }
    }
    if list.is_empty() {
        return Err("catalogue.licences: the list is empty; give at least one licence".into());
    }
    for (i, l) in list.iter().enumerate() {
        for name in std::iter::once(&l.id).chain(l.aliases) {
            if let Some(other) = list[i + 1..].iter().find(|o| o.answers_to(name)) {
                return Err(format!(
                    "catalogue.licences: `{name}` names both {} and {}",
                    l.id, other.id
                ));
            }
        }
    }
    Ok(list)
}

#[cfg(test)]
mod tests {
    use super::*;
    use platform::config::LicenceSettings;

    fn nova_scotia() -> LicenceSettings {
        LicenceSettings {
            id: "OGL-NS-1.0".into(),
            title_en: "Open Government Licence – Nova Scotia".into(),
            title_fr: "Licence du gouvernement ouvert – Nouvelle-Écosse".into(),
            url: "https://novascotia.ca/opendata/licence.asp".into(),
            open: true,
            aliases: vec!["ogl-ns".into()],
        }
    }

    #[test]
    fn defaults_answer_to_ckan_ids() {
        assert_eq!(licence("cc-by").unwrap().id, "CC-BY-4.0");
        assert_eq!(licence("odc-odbl").unwrap().id, "ODbL-1.0");
        assert_eq!(licence("OGL-CA-2.0").unwrap().id, "OGL-Canada-2.0");
        assert_eq!(
            licence("OGL-ON-1.0").unwrap().title(Lang::Fr),
            "Licence du gouvernement ouvert – Ontario"
        );
        assert!(licence("no-such-licence").is_none());
        assert_eq!(
            licence_by_title("Open Government Licence – Ontario")
                .unwrap()
                .id,
            "OGL-ON-1.0"
        );
        assert!(build(&CatalogueSettings::default()).unwrap() == DEFAULTS);
    }

    #[test]
    fn settings_extend_override_or_replace() {
        let mut settings = CatalogueSettings {
            replace_licences: false,
            licences: vec![
                nova_scotia(),
                LicenceSettings {
                    id: "CC-BY-4.0".into(),
                    title_en: "CC BY 4.0".into(),
                    title_fr: "CC BY 4.0".into(),
                    url: String::new(),
                    open: true,
                    aliases: vec![],
                },
            ],
        };
        let list = build(&settings).unwrap();
        assert_eq!(list.len(), DEFAULTS.len() + 1);
        assert!(list.iter().any(|l| l.id == "OGL-NS-1.0" && l.open));
        let cc = list.iter().find(|l| l.id == "CC-BY-4.0").unwrap();
        assert_eq!(cc.title_en, "CC BY 4.0");
        settings.replace_licences = true;
        let list = build(&settings).unwrap();
        assert_eq!(
            list.iter().map(|l| l.id).collect::<Vec<_>>(),
            ["OGL-NS-1.0", "CC-BY-4.0"]
        );
    }

    #[test]
    fn bad_settings_name_the_licence_and_key() {
        let mut bad = nova_scotia();
        bad.url = "novascotia.ca".into();
        let e = build(&CatalogueSettings {
            replace_licences: false,
            licences: vec![bad],
        })
        .unwrap_err();
        assert!(
            e.contains("catalogue.licences[0].url") && e.contains("OGL-NS-1.0"),
            "{e}"
        );
        let mut clash = nova_scotia();
        clash.aliases = vec!["cc-by".into()];
        let e = build(&CatalogueSettings {
            replace_licences: false,
            licences: vec![clash],
        })
        .unwrap_err();
        assert!(e.contains("`cc-by`"), "{e}");
        let e = build(&CatalogueSettings {
            replace_licences: true,
            licences: vec![],
        })
        .unwrap_err();
        assert!(e.contains("empty"), "{e}");
    }

    /// The one test that installs a list: it only adds, so the other tests of this binary see
    /// every built-in licence still.
    #[test]
    fn configured_licences_validate_and_list() {
        configure(&CatalogueSettings {
            replace_licences: false,
            licences: vec![nova_scotia()],
        })
        .unwrap();
        assert_eq!(licence("ogl-ns").unwrap().id, "OGL-NS-1.0");
        let mut input = crate::store::DatasetInput {
            name: "fish-stocking".into(),
            title_en: "Fish stocking".into(),
            organization_id: Some(uuid::Uuid::now_v7()),
            license_id: "ogl-ns".into(),
            ..Default::default()
        };
        input.normalize();
        assert_eq!(input.license_id, "OGL-NS-1.0");
        assert!(input.validate().is_empty(), "{:?}", input.validate());
        let listed = crate::ckan::license_list_json();
        assert!(
            listed
                .as_array()
                .unwrap()
                .iter()
                .any(|l| l["id"] == "OGL-NS-1.0"
                    && l["title_translated"]["fr"]
                        == "Licence du gouvernement ouvert – Nouvelle-Écosse")
        );
        input.license_id = "OGL-NS-2.0".into();
        assert_eq!(input.validate()[0].field, "license_id");
    }
}
