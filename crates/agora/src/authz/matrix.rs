//! The authorization matrix: for every method and route of the site (and every CKAN action),
//! who may do it. [`super`] checks that every route of the route table has a row here, and
//! runs every checked row as every role.
//!
//! A row is one of:
//! - [`public`]: anyone may, and what it shows is public (a published page, a feed, the log-in
//!   form). It is listed so that a new route has to be placed here on purpose;
//! - [`check`]: a request (`path` with `{placeholders}` from [`super::world`], and a form or
//!   JSON `body`) sent as each role. The roles in `allowed` must get through (not 401, 403,
//!   404 nor a redirect to log in, never 5xx); every other role must be refused and change
//!   nothing: no row of any table, no file.
//!
//! Paths under `/api/` are sent with the role's API token; the rest as a browser with its
//! session and CSRF token. A `{fresh_…}` placeholder is made anew for each request, for rows
//! whose first allowed request would use up the thing (a delete).

/// Who sends a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Who {
    Anonymous,
    /// Signed up, e-mail address not verified.
    Unverified,
    /// A verified account with no role.
    Participant,
    /// A participant who is a member of ministry A, without the editor role: that grants nothing.
    Member,
    Moderator,
    /// An editor of ministry A, which owns every fixture.
    EditorA,
    /// An editor of ministry B.
    EditorB,
    Admin,
}

impl Who {
    pub const ALL: [Who; 8] = [
        Who::Anonymous,
        Who::Unverified,
        Who::Participant,
        Who::Member,
        Who::Moderator,
        Who::EditorA,
        Who::EditorB,
        Who::Admin,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Who::Anonymous => "anonymous",
            Who::Unverified => "unverified",
            Who::Participant => "participant",
            Who::Member => "member",
            Who::Moderator => "moderator",
            Who::EditorA => "editor-a",
            Who::EditorB => "editor-b",
            Who::Admin => "admin",
        }
    }
}

use Who::*;

pub const ANYONE: &[Who] = &Who::ALL;
pub const SIGNED_IN: &[Who] = &[
    Unverified,
    Participant,
    Member,
    Moderator,
    EditorA,
    EditorB,
    Admin,
];
pub const VERIFIED: &[Who] = &[Participant, Member, Moderator, EditorA, EditorB, Admin];
/// Whoever edits for some organization.
pub const EDITORS: &[Who] = &[EditorA, EditorB, Admin];
/// Whoever edits for ministry A, the owner of the fixtures.
pub const STAFF_A: &[Who] = &[EditorA, Admin];
pub const MODERATORS: &[Who] = &[Moderator, Admin];
pub const ADMIN: &[Who] = &[Admin];
/// Anyone signed in but the author of what is reported (the participant wrote the idea).
pub const REPORTERS: &[Who] = &[Unverified, Member, Moderator, EditorA, EditorB, Admin];

pub enum Rule {
    Public(&'static str),
    /// Not sent yet; its role checks are in the named area test.
    Owed(&'static str),
    /// A public read that must not show `secret` (a private dataset's name, a restricted table's
    /// value) to anyone but `allowed`; at least one allowed role must see it there, or the
    /// check proves nothing (no role at all: shown to nobody).
    Hides {
        path: &'static str,
        body: &'static str,
        secret: &'static str,
        allowed: &'static [Who],
    },
    Check {
        path: &'static str,
        body: &'static str,
        allowed: &'static [Who],
    },
}

pub struct Row {
    pub method: &'static str,
    /// The route as the source writes it (`/dataset/{name}/edit`), or for the CKAN Action API,
    /// `/api/3/action/` and the action's name.
    pub route: &'static str,
    pub rule: Rule,
}

/// Anyone may; `why` says what makes it public.
pub const fn public(method: &'static str, route: &'static str, why: &'static str) -> Row {
    Row {
        method,
        route,
        rule: Rule::Public(why),
    }
}

/// A route the matrix does not send yet: `tested_in` names the area test that checks who may
/// use it. Owed rows are listed when the matrix runs, so they are not forgotten.
pub const fn owed(method: &'static str, route: &'static str, tested_in: &'static str) -> Row {
    Row {
        method,
        route,
        rule: Rule::Owed(tested_in),
    }
}

/// Sent as every role; only `allowed` get through.
pub const fn check(
    method: &'static str,
    route: &'static str,
    path: &'static str,
    body: &'static str,
    allowed: &'static [Who],
) -> Row {
    Row {
        method,
        route,
        rule: Rule::Check {
            path,
            body,
            allowed,
        },
    }
}

/// Anyone may read it, but only `allowed` see `secret` in it.
pub const fn hides(
    method: &'static str,
    route: &'static str,
    path: &'static str,
    body: &'static str,
    secret: &'static str,
    allowed: &'static [Who],
) -> Row {
    Row {
        method,
        route,
        rule: Rule::Hides {
            path,
            body,
            secret,
            allowed,
        },
    }
}

const NO_BODY: &str = "";
/// Shown to nobody.
const NOBODY: &[Who] = &[];

pub const ROWS: &[Row] = &[
    // ---- platform: home, accounts, administration, probes
    public(
        "GET",
        "/",
        "the home page; the root redirects to a language",
    ),
    public(
        "GET",
        "/search",
        "site search lists what its reader may see",
    ),
    public("GET", "/healthz", "liveness probe"),
    public("GET", "/readyz", "readiness probe"),
    public(
        "GET",
        "/metrics",
        "request counts; restricted by [metrics] settings",
    ),
    public("GET", "/assets/{version}/{*path}", "static files"),
    public("GET", "/api/v1/openapi.json", "the API's description"),
    check("GET", "/api/v1/me", "/api/v1/me", NO_BODY, SIGNED_IN),
    check("GET", "/account", "/en/account", NO_BODY, SIGNED_IN),
    public("GET", "/account/signup", "the sign-up form"),
    public(
        "POST",
        "/account/signup",
        "anyone may sign up (rate limited)",
    ),
    public(
        "GET",
        "/account/verify",
        "a verification link carries its own secret",
    ),
    check(
        "POST",
        "/account/verify/resend",
        "/en/account/verify/resend",
        NO_BODY,
        SIGNED_IN,
    ),
    public("GET", "/account/login", "the log-in form"),
    public("POST", "/account/login", "anyone may log in (throttled)"),
    public(
        "POST",
        "/account/logout",
        "ends the sender's own session, if any",
    ),
    public("GET", "/account/password/forgot", "the reset form"),
    public(
        "POST",
        "/account/password/forgot",
        "anyone may ask (rate limited)",
    ),
    public(
        "GET",
        "/account/password/reset",
        "a reset link carries its own secret",
    ),
    public("POST", "/account/password/reset", "needs the link's secret"),
    check(
        "POST",
        "/account/tokens",
        "/en/account/tokens",
        "name=matrix",
        SIGNED_IN,
    ),
    // Only the token's owner revokes it.
    check(
        "POST",
        "/account/tokens/{id}/revoke",
        "/en/account/tokens/{fresh_token}/revoke",
        NO_BODY,
        &[Participant],
    ),
    check("GET", "/admin", "/en/admin", NO_BODY, ADMIN),
    check("GET", "/admin/audit", "/en/admin/audit", NO_BODY, ADMIN),
    check("GET", "/admin/users", "/en/admin/users", NO_BODY, ADMIN),
    check(
        "POST",
        "/admin/users/{id}/role",
        "/en/admin/users/{fresh_user}/role",
        "role=editor",
        ADMIN,
    ),
    check(
        "POST",
        "/admin/users/{id}/block",
        "/en/admin/users/{fresh_user}/block",
        "blocked=true",
        ADMIN,
    ),
    check("GET", "/admin/jobs", "/en/admin/jobs", NO_BODY, ADMIN),
    check(
        "GET",
        "/admin/jobs/{id}",
        "/en/admin/jobs/{job}",
        NO_BODY,
        ADMIN,
    ),
    check(
        "POST",
        "/admin/jobs/{id}/retry",
        "/en/admin/jobs/{job}/retry",
        NO_BODY,
        ADMIN,
    ),
    check(
        "POST",
        "/admin/jobs/{id}/cancel",
        "/en/admin/jobs/{job}/cancel",
        NO_BODY,
        ADMIN,
    ),
    // ---- catalogue: pages
    public("GET", "/data", "the catalogue's home"),
    public("GET", "/dataset", "search lists what its reader may see"),
    public("GET", "/organization", "organizations are public"),
    public(
        "GET",
        "/organization/{slug}",
        "lists what its reader may see",
    ),
    check(
        "GET",
        "/dataset/{name}",
        "/en/dataset/{open_a}",
        NO_BODY,
        ANYONE,
    ),
    check(
        "GET",
        "/dataset/{name}",
        "/en/dataset/{private_a}",
        NO_BODY,
        STAFF_A,
    ),
    check(
        "GET",
        "/dataset/{name}",
        "/en/dataset/{draft_a}",
        NO_BODY,
        STAFF_A,
    ),
    // Its description is public and says why its data is not.
    check(
        "GET",
        "/dataset/{name}",
        "/en/dataset/{restricted_a}",
        NO_BODY,
        ANYONE,
    ),
    check("GET", "/dataset/new", "/en/dataset/new", NO_BODY, EDITORS),
    check(
        "POST",
        "/dataset/new",
        "/en/dataset/new",
        "name=made-by-form&title_en=Made&owner_org={org_a_id}",
        EDITORS,
    ),
    check(
        "GET",
        "/dataset/{name}/edit",
        "/en/dataset/{open_a}/edit",
        NO_BODY,
        STAFF_A,
    ),
    check(
        "POST",
        "/dataset/{name}/edit",
        "/en/dataset/{open_a}/edit",
        "title_en=Changed",
        STAFF_A,
    ),
    check(
        "GET",
        "/dataset/{name}/access",
        "/en/dataset/{open_a}/access",
        NO_BODY,
        STAFF_A,
    ),
    check(
        "POST",
        "/dataset/{name}/access",
        "/en/dataset/{private_a}/access",
        "access_level=open",
        STAFF_A,
    ),
    check(
        "GET",
        "/dataset/{name}/resource/new",
        "/en/dataset/{open_a}/resource/new",
        NO_BODY,
        STAFF_A,
    ),
    check(
        "POST",
        "/dataset/{name}/resource/new",
        "/en/dataset/{open_a}/resource/new",
        "multipart:name_en=Linked&url=https://data.example.org/y.csv",
        STAFF_A,
    ),
    check(
        "GET",
        "/dataset/{name}/resource/{id}/edit",
        "/en/dataset/{open_a}/resource/{open_a_linked}/edit",
        NO_BODY,
        STAFF_A,
    ),
    check(
        "POST",
        "/dataset/{name}/resource/{id}/edit",
        "/en/dataset/{open_a}/resource/{open_a_linked}/edit",
        "multipart:name_en=Renamed&url=https://data.example.org/x.csv",
        STAFF_A,
    ),
    check(
        "GET",
        "/dataset/{name}/resource/{id}/delete",
        "/en/dataset/{open_a}/resource/{open_a_linked}/delete",
        NO_BODY,
        STAFF_A,
    ),
    check(
        "POST",
        "/dataset/{name}/resource/{id}/delete",
        "/en/dataset/fresh-{n}/resource/{fresh_resource}/delete",
        NO_BODY,
        STAFF_A,
    ),
    check(
        "GET",
        "/dataset/{dataset}/resource/{resource}/download/{filename}",
        "/dataset/{open_a_id}/resource/{open_a_res}/download/{open_a_file}",
        NO_BODY,
        ANYONE,
    ),
    check(
        "GET",
        "/dataset/{dataset}/resource/{resource}/download/{filename}",
        "/dataset/{restricted_a_id}/resource/{restricted_a_res}/download/{restricted_a_file}",
        NO_BODY,
        STAFF_A,
    ),
    public("GET", "/dataset/{file}", "DCAT of a public dataset"),
    check(
        "GET",
        "/dataset/{file}",
        "/dataset/{private_a}.ttl",
        NO_BODY,
        NOBODY,
    ),
    public("GET", "/catalog.ttl", "DCAT of public datasets"),
    hides(
        "GET",
        "/catalog.ttl",
        "/catalog.ttl",
        NO_BODY,
        "private-a",
        NOBODY,
    ),
    hides(
        "GET",
        "/catalog.ttl",
        "/catalog.ttl",
        NO_BODY,
        "draft-a",
        NOBODY,
    ),
    hides(
        "GET",
        "/data.json",
        "/data.json",
        NO_BODY,
        "private-a",
        NOBODY,
    ),
    hides(
        "GET",
        "/feeds/dataset.atom",
        "/feeds/dataset.atom",
        NO_BODY,
        "private-a",
        NOBODY,
    ),
    hides(
        "GET",
        "/feeds/organization/{file}",
        "/feeds/organization/org-a.atom",
        NO_BODY,
        "private-a",
        NOBODY,
    ),
    hides(
        "GET",
        "/sitemap.xml",
        "/sitemap.xml",
        NO_BODY,
        "private-a",
        NOBODY,
    ),
    hides(
        "GET",
        "/sitemap.xml",
        "/sitemap.xml",
        NO_BODY,
        "draft-a",
        NOBODY,
    ),
    hides(
        "GET",
        "/data/inventory.csv",
        "/data/inventory.csv",
        NO_BODY,
        "private-a",
        NOBODY,
    ),
    public("GET", "/catalog.jsonld", "DCAT of public datasets"),
    public("GET", "/catalog.rdf", "DCAT of public datasets"),
    public("GET", "/data.json", "DCAT-US of public datasets"),
    public("GET", "/feeds/dataset.atom", "public datasets"),
    public("GET", "/feeds/organization/{file}", "public datasets"),
    public("GET", "/feeds/dataset/{file}", "a public dataset's history"),
    check(
        "GET",
        "/feeds/dataset/{file}",
        "/feeds/dataset/{private_a}.atom",
        NO_BODY,
        NOBODY,
    ),
    public("GET", "/sitemap.xml", "public pages"),
    public("GET", "/data/dashboard", "figures of public datasets"),
    public(
        "GET",
        "/api/v1/catalogue/dashboard",
        "figures of public datasets",
    ),
    public("GET", "/data/inventory.csv", "the published inventory"),
    check(
        "GET",
        "/data/dashboard/targets",
        "/en/data/dashboard/targets",
        NO_BODY,
        ADMIN,
    ),
    check(
        "POST",
        "/data/dashboard/targets",
        "/en/data/dashboard/targets",
        "organization=org-a&open_count=9&due_date=2031-01-01",
        ADMIN,
    ),
    check(
        "POST",
        "/data/dashboard/targets/{id}/delete",
        "/en/data/dashboard/targets/{target}/delete",
        NO_BODY,
        ADMIN,
    ),
    // ---- catalogue: data requests
    public("GET", "/data/requests", "requests are public"),
    public("GET", "/data/requests/{id}", "requests are public"),
    public("GET", "/api/v1/catalogue/requests", "requests are public"),
    public(
        "GET",
        "/api/v1/catalogue/requests/{id}",
        "requests are public",
    ),
    check(
        "GET",
        "/data/requests/new",
        "/en/data/requests/new",
        NO_BODY,
        SIGNED_IN,
    ),
    check(
        "POST",
        "/data/requests/new",
        "/en/data/requests/new",
        "title=Trees&description=Every tree.",
        SIGNED_IN,
    ),
    check(
        "POST",
        "/data/requests/{id}/vote",
        "/en/data/requests/{request}/vote",
        NO_BODY,
        SIGNED_IN,
    ),
    check(
        "POST",
        "/data/requests/{id}/follow",
        "/en/data/requests/{request}/follow",
        NO_BODY,
        SIGNED_IN,
    ),
    check(
        "POST",
        "/data/requests/{id}/comments",
        "/en/data/requests/{request}/comments",
        "body=Me too.",
        SIGNED_IN,
    ),
    check(
        "POST",
        "/data/requests/{id}/status",
        "/en/data/requests/{request}/status",
        "status=under_review&note=Looking.",
        EDITORS,
    ),
    check(
        "POST",
        "/data/requests/{id}/assign",
        "/en/data/requests/{request}/assign",
        "organization=org-a",
        // Unassigned, any editor may; editor B goes first, as then it is ministry A\'s.
        &[EditorB, EditorA, Admin],
    ),
    check(
        "POST",
        "/api/v1/catalogue/requests",
        "/api/v1/catalogue/requests",
        r#"{"title": "Trees", "description": "Every tree."}"#,
        SIGNED_IN,
    ),
    check(
        "POST",
        "/api/v1/catalogue/requests/{id}/vote",
        "/api/v1/catalogue/requests/{request}/vote",
        NO_BODY,
        SIGNED_IN,
    ),
    check(
        "DELETE",
        "/api/v1/catalogue/requests/{id}/vote",
        "/api/v1/catalogue/requests/{request}/vote",
        NO_BODY,
        SIGNED_IN,
    ),
    check(
        "POST",
        "/api/v1/catalogue/requests/{id}/follow",
        "/api/v1/catalogue/requests/{request}/follow",
        NO_BODY,
        SIGNED_IN,
    ),
    check(
        "DELETE",
        "/api/v1/catalogue/requests/{id}/follow",
        "/api/v1/catalogue/requests/{request}/follow",
        NO_BODY,
        SIGNED_IN,
    ),
    check(
        "POST",
        "/api/v1/catalogue/requests/{id}/comments",
        "/api/v1/catalogue/requests/{request}/comments",
        r#"{"body": "Me too."}"#,
        SIGNED_IN,
    ),
    check(
        "POST",
        "/api/v1/catalogue/requests/{id}/status",
        "/api/v1/catalogue/requests/{request}/status",
        r#"{"status": "under_review", "note": "Looking."}"#,
        STAFF_A,
    ),
    check(
        "POST",
        "/api/v1/catalogue/requests/{id}/assign",
        "/api/v1/catalogue/requests/{request}/assign",
        r#"{"organization": "org-a"}"#,
        STAFF_A,
    ),
    // ---- datastore: pages and files of a table
    check(
        "GET",
        "/dataset/{dataset}/resource/{resource}/data",
        "/en/dataset/{open_a}/resource/{open_a_res}/data",
        NO_BODY,
        ANYONE,
    ),
    check(
        "GET",
        "/dataset/{dataset}/resource/{resource}/data",
        "/en/dataset/{restricted_a}/resource/{restricted_a_res}/data",
        NO_BODY,
        STAFF_A,
    ),
    check(
        "GET",
        "/dataset/{dataset}/resource/{resource}/profile",
        "/en/dataset/{restricted_a}/resource/{restricted_a_res}/profile",
        NO_BODY,
        STAFF_A,
    ),
    check(
        "GET",
        "/dataset/{dataset}/resource/{resource}/chart",
        "/en/dataset/{restricted_a}/resource/{restricted_a_res}/chart",
        NO_BODY,
        STAFF_A,
    ),
    check(
        "GET",
        "/dataset/{dataset}/resource/{resource}/dictionary",
        "/en/dataset/{open_a}/resource/{open_a_res}/dictionary",
        NO_BODY,
        ANYONE,
    ),
    check(
        "POST",
        "/dataset/{dataset}/resource/{resource}/dictionary",
        "/en/dataset/{open_a}/resource/{open_a_res}/dictionary",
        "label_station=Station",
        STAFF_A,
    ),
    check(
        "GET",
        "/datastore/dump/{resource}",
        "/datastore/dump/{open_a_res}",
        NO_BODY,
        ANYONE,
    ),
    check(
        "GET",
        "/datastore/dump/{resource}",
        "/datastore/dump/{restricted_a_res}",
        NO_BODY,
        STAFF_A,
    ),
    check(
        "GET",
        "/datastore/schema/{file}",
        "/datastore/schema/{restricted_a_res}.json",
        NO_BODY,
        STAFF_A,
    ),
    // ---- dialogue: pages
    public("GET", "/consultations", "published consultations"),
    public(
        "GET",
        "/consultations/closing-soon",
        "published consultations",
    ),
    public("GET", "/consultations/feed.atom", "published consultations"),
    public("GET", "/consultations/{slug}", "a published consultation"),
    check(
        "GET",
        "/consultations/{slug}/results",
        "/en/consultations/{consultation_a}/results",
        NO_BODY,
        STAFF_A,
    ),
    check(
        "POST",
        "/consultations/{slug}/results",
        "/en/consultations/{consultation_a}/results",
        "summary_en=What we heard.",
        STAFF_A,
    ),
    public("GET", "/processes", "published processes"),
    public("GET", "/processes/{slug}", "a published process"),
    public("GET", "/processes/{slug}/ideas", "published ideas"),
    public("GET", "/processes/{slug}/results", "published results"),
    public(
        "GET",
        "/processes/{slug}/data",
        "published ideas and comments",
    ),
    public("GET", "/receipts", "checks a receipt its holder gives"),
    public("GET", "/ideas/{id}", "a published idea"),
    check(
        "GET",
        "/processes/{slug}/ideas/new",
        "/en/processes/{process_a}/ideas/new",
        NO_BODY,
        VERIFIED,
    ),
    check(
        "POST",
        "/processes/{slug}/ideas/new",
        "/en/processes/{process_a}/ideas/new",
        "theme=one&title=Trees for shade&body=Plant trees along every street.",
        VERIFIED,
    ),
    check(
        "GET",
        "/processes/{slug}/vote",
        "/en/processes/{process_a}/vote",
        NO_BODY,
        VERIFIED,
    ),
    check(
        "POST",
        "/processes/{slug}/vote",
        "/en/processes/{process_a}/vote",
        "all={idea}",
        VERIFIED,
    ),
    check(
        "POST",
        "/ideas/{id}/comments",
        "/en/ideas/{idea}/comments",
        "comment=Yes please.",
        VERIFIED,
    ),
    check(
        "POST",
        "/ideas/{id}/follow",
        "/en/ideas/{idea}/follow",
        NO_BODY,
        SIGNED_IN,
    ),
    check(
        "POST",
        "/ideas/{id}/objection",
        "/en/ideas/{idea}/objection",
        "objection=Not this one.",
        NOBODY,
    ),
    check(
        "POST",
        "/report",
        "/en/report",
        "kind=idea&id={idea}&reason=spam",
        REPORTERS,
    ),
    check(
        "GET",
        "/ideas/{id}/assess",
        "/en/ideas/{idea}/assess",
        NO_BODY,
        STAFF_A,
    ),
    check(
        "POST",
        "/ideas/{id}/assess",
        "/en/ideas/{idea}/assess",
        "state=accepted",
        STAFF_A,
    ),
    check(
        "POST",
        "/ideas/{id}/rewrite",
        "/en/ideas/{idea}/rewrite",
        "title=Open all contracts&body=Publish every contract.",
        STAFF_A,
    ),
    check(
        "POST",
        "/ideas/{id}/notes",
        "/en/ideas/{idea}/notes",
        "body=Private note.",
        STAFF_A,
    ),
    check(
        "GET",
        "/dialogue/assessment",
        "/en/dialogue/assessment",
        NO_BODY,
        EDITORS,
    ),
    check(
        "GET",
        "/dialogue/moderation",
        "/en/dialogue/moderation",
        NO_BODY,
        MODERATORS,
    ),
    check(
        "POST",
        "/dialogue/moderation",
        "/en/dialogue/moderation",
        "kind=idea&id={idea}&decision=keep",
        MODERATORS,
    ),
    // ---- dialogue: API
    public(
        "GET",
        "/api/v1/dialogue/consultations",
        "published consultations",
    ),
    public(
        "GET",
        "/api/v1/dialogue/consultations.csv",
        "published consultations",
    ),
    public(
        "GET",
        "/api/v1/dialogue/consultations/{slug}",
        "a published consultation",
    ),
    public("GET", "/api/v1/dialogue/processes", "published processes"),
    public(
        "GET",
        "/api/v1/dialogue/processes/{slug}",
        "a published process",
    ),
    public(
        "GET",
        "/api/v1/dialogue/processes/{slug}/ideas",
        "published ideas",
    ),
    public(
        "GET",
        "/api/v1/dialogue/processes/{slug}/ideas.json",
        "published ideas",
    ),
    public(
        "GET",
        "/api/v1/dialogue/processes/{slug}/ideas.csv",
        "published ideas",
    ),
    public(
        "GET",
        "/api/v1/dialogue/processes/{slug}/comments.json",
        "published comments",
    ),
    public(
        "GET",
        "/api/v1/dialogue/processes/{slug}/comments.csv",
        "published comments",
    ),
    public(
        "GET",
        "/api/v1/dialogue/processes/{slug}/similar",
        "published ideas",
    ),
    public(
        "GET",
        "/api/v1/dialogue/processes/{slug}/results",
        "published results",
    ),
    public(
        "GET",
        "/api/v1/dialogue/processes/{slug}/tallies.json",
        "published results",
    ),
    public(
        "GET",
        "/api/v1/dialogue/processes/{slug}/tallies.csv",
        "published results",
    ),
    public("GET", "/api/v1/dialogue/ideas/{id}", "a published idea"),
    public(
        "POST",
        "/api/v1/dialogue/receipts/check",
        "checks a receipt its holder gives",
    ),
    check(
        "POST",
        "/api/v1/dialogue/consultations",
        "/api/v1/dialogue/consultations",
        r#"{"slug": "made-by-api", "organization_id": "{org_a_id}", "title_en": "Made by API", "level": "consult"}"#,
        STAFF_A,
    ),
    check(
        "POST",
        "/api/v1/dialogue/processes",
        "/api/v1/dialogue/processes",
        r#"{"slug": "made-by-api", "organization_id": "{org_a_id}", "title_en": "Made by API", "vote_rule": "approval", "vote_max": 1, "phases": [], "themes": []}"#,
        STAFF_A,
    ),
    check(
        "POST",
        "/api/v1/dialogue/processes/{slug}/ideas",
        "/api/v1/dialogue/processes/{process_a}/ideas",
        r#"{"theme": "one", "title": "Bike lanes", "body": "Paint bike lanes on main streets."}"#,
        VERIFIED,
    ),
    check(
        "POST",
        "/api/v1/dialogue/processes/{slug}/ballots",
        "/api/v1/dialogue/processes/{process_a}/ballots",
        r#"{"ballots": [{"scope": "all", "ideas": ["{idea}"]}]}"#,
        VERIFIED,
    ),
    check(
        "POST",
        "/api/v1/dialogue/ideas/{id}/comments",
        "/api/v1/dialogue/ideas/{idea}/comments",
        r#"{"body": "Agreed."}"#,
        VERIFIED,
    ),
    check(
        "POST",
        "/api/v1/dialogue/reports",
        "/api/v1/dialogue/reports",
        r#"{"kind": "idea", "id": "{idea}", "reason": "spam"}"#,
        REPORTERS,
    ),
    // ---- tracker: pages
    public("GET", "/tracker", "published commitments"),
    public("GET", "/tracker/timeline", "published commitments"),
    public("GET", "/tracker/plans", "published plans"),
    public("GET", "/tracker/plans/{slug}", "a published plan"),
    public("GET", "/tracker/feed.atom", "published updates"),
    public("GET", "/tracker/export/ogp.csv", "published commitments"),
    public(
        "GET",
        "/tracker/items/{id}",
        "redirects to a published commitment",
    ),
    public("GET", "/tracker/{kind}/{slug}", "a published commitment"),
    public(
        "GET",
        "/tracker/{kind}/{slug}/feed.atom",
        "a commitment's updates",
    ),
    check(
        "GET",
        "/tracker/import",
        "/en/tracker/import",
        NO_BODY,
        ADMIN,
    ),
    check(
        "POST",
        "/tracker/import",
        "/en/tracker/import",
        "multipart:",
        ADMIN,
    ),
    check("GET", "/tracker/new", "/en/tracker/new", NO_BODY, EDITORS),
    check(
        "POST",
        "/tracker/new",
        "/en/tracker/new",
        "kind=project&organization=org-a&title_en=Made by form",
        EDITORS,
    ),
    check(
        "GET",
        "/tracker/plans/new",
        "/en/tracker/plans/new",
        NO_BODY,
        ADMIN,
    ),
    check(
        "POST",
        "/tracker/plans/new",
        "/en/tracker/plans/new",
        "title_en=Plan 9&plan_number=9&country=Ontario",
        ADMIN,
    ),
    check(
        "GET",
        "/tracker/plans/{slug}/edit",
        "/en/tracker/plans/{plan_a}/edit",
        NO_BODY,
        ADMIN,
    ),
    check(
        "POST",
        "/tracker/plans/{slug}/edit",
        "/en/tracker/plans/{plan_a}/edit",
        "title_en=Plan A again&plan_number=1&country=Ontario, Canada",
        ADMIN,
    ),
    check(
        "GET",
        "/tracker/{kind}/{slug}/edit",
        "/en/tracker/projects/{item_a}/edit",
        NO_BODY,
        STAFF_A,
    ),
    check(
        "POST",
        "/tracker/{kind}/{slug}/edit",
        "/en/tracker/projects/{item_a}/edit",
        "kind=project&organization=org-a&title_en=Item A changed",
        STAFF_A,
    ),
    check(
        "GET",
        "/tracker/{kind}/{slug}/updates",
        "/en/tracker/projects/{item_a}/updates",
        NO_BODY,
        STAFF_A,
    ),
    check(
        "POST",
        "/tracker/{kind}/{slug}/updates",
        "/en/tracker/projects/{item_a}/updates",
        "body_en=Progress.",
        STAFF_A,
    ),
    check(
        "GET",
        "/tracker/{kind}/{slug}/milestones",
        "/en/tracker/projects/{item_a}/milestones",
        NO_BODY,
        STAFF_A,
    ),
    check(
        "POST",
        "/tracker/{kind}/{slug}/milestones",
        "/en/tracker/projects/{item_a}/milestones",
        "activity_en=Launch&start=2019-01",
        STAFF_A,
    ),
    check(
        "GET",
        "/tracker/{kind}/{slug}/milestones/{n}",
        "/en/tracker/projects/{item_a}/milestones/1",
        NO_BODY,
        STAFF_A,
    ),
    check(
        "POST",
        "/tracker/{kind}/{slug}/milestones/{n}",
        "/en/tracker/projects/{item_a}/milestones/1",
        "activity_en=Design again&start=2018-01",
        STAFF_A,
    ),
    check(
        "POST",
        "/tracker/{kind}/{slug}/milestones/{n}/delete",
        "/en/tracker/projects/{fresh_item}/milestones/1/delete",
        NO_BODY,
        STAFF_A,
    ),
    check(
        "POST",
        "/tracker/{kind}/{slug}/milestones/{n}/move",
        "/en/tracker/projects/{item_a}/milestones/1/move",
        "direction=down",
        STAFF_A,
    ),
    check(
        "GET",
        "/tracker/{kind}/{slug}/assessments",
        "/en/tracker/projects/{item_a}/assessments",
        NO_BODY,
        ADMIN,
    ),
    check(
        "POST",
        "/tracker/{kind}/{slug}/assessments",
        "/en/tracker/projects/{item_a}/assessments",
        "assessor=IRM&assessed_on=2019-01-31&completion=limited",
        ADMIN,
    ),
    // ---- tracker: API
    public("GET", "/api/v1/tracker/plans", "published plans"),
    public("GET", "/api/v1/tracker/plans/{slug}", "a published plan"),
    public("GET", "/api/v1/tracker/themes", "themes"),
    public("GET", "/api/v1/tracker/items", "published commitments"),
    public(
        "GET",
        "/api/v1/tracker/items/{slug}",
        "a published commitment",
    ),
    check(
        "POST",
        "/api/v1/tracker/plans",
        "/api/v1/tracker/plans",
        r#"{"title": {"en": "Plan 2"}, "plan_number": 2, "country": "Ontario, Canada"}"#,
        ADMIN,
    ),
    check(
        "PUT",
        "/api/v1/tracker/plans/{slug}",
        "/api/v1/tracker/plans/{plan_a}",
        r#"{"title": {"en": "Plan A"}, "plan_number": 1, "country": "Ontario, Canada"}"#,
        ADMIN,
    ),
    check(
        "POST",
        "/api/v1/tracker/items",
        "/api/v1/tracker/items",
        r#"{"kind": "project", "organization": "org-a", "title": {"en": "Made by API"}}"#,
        STAFF_A,
    ),
    check(
        "PUT",
        "/api/v1/tracker/items/{slug}",
        "/api/v1/tracker/items/{item_a}",
        r#"{"kind": "project", "organization": "org-a", "title": {"en": "Item item-a"}, "milestones": [{"activity": {"en": "Design"}}, {"activity": {"en": "Build"}}]}"#,
        STAFF_A,
    ),
    check(
        "DELETE",
        "/api/v1/tracker/items/{slug}",
        "/api/v1/tracker/items/{fresh_item}",
        NO_BODY,
        STAFF_A,
    ),
    check(
        "PUT",
        "/api/v1/tracker/items/{slug}/milestones/{n}",
        "/api/v1/tracker/items/{item_a}/milestones/1",
        r#"{"activity": {"en": "Design"}, "start": "2018-01"}"#,
        STAFF_A,
    ),
    check(
        "DELETE",
        "/api/v1/tracker/items/{slug}/milestones/{n}",
        "/api/v1/tracker/items/{fresh_item}/milestones/1",
        NO_BODY,
        STAFF_A,
    ),
    check(
        "POST",
        "/api/v1/tracker/items/{slug}/milestones/{n}/move",
        "/api/v1/tracker/items/{item_a}/milestones/1/move",
        r#"{"position": 2}"#,
        STAFF_A,
    ),
    check(
        "POST",
        "/api/v1/tracker/items/{slug}/milestones",
        "/api/v1/tracker/items/{item_a}/milestones",
        r#"{"activity": {"en": "Launch"}, "start": "2019-01"}"#,
        STAFF_A,
    ),
    check(
        "POST",
        "/api/v1/tracker/items/{slug}/updates",
        "/api/v1/tracker/items/{item_a}/updates",
        r#"{"body": {"en": "Progress."}}"#,
        STAFF_A,
    ),
    check(
        "POST",
        "/api/v1/tracker/items/{slug}/assessments",
        "/api/v1/tracker/items/{item_a}/assessments",
        r#"{"assessor": "IRM", "assessed_on": "2019-01-31", "completion": "limited"}"#,
        ADMIN,
    ),
    // ---- the CKAN Action API: one row per action (route `/api/3/action/{action}`).
    public("POST", "/api/3/action/status_show", "the site's version"),
    public("POST", "/api/3/action/site_read", "the site's version"),
    public("POST", "/api/3/action/help_show", "an action's help"),
    public(
        "POST",
        "/api/3/action/package_list",
        "names of public datasets",
    ),
    public(
        "POST",
        "/api/3/action/package_search",
        "finds what its reader may see",
    ),
    public(
        "POST",
        "/api/3/action/current_package_list_with_resources",
        "public datasets",
    ),
    public(
        "POST",
        "/api/3/action/organization_list",
        "organizations are public",
    ),
    public(
        "POST",
        "/api/3/action/organization_show",
        "organizations are public",
    ),
    public("POST", "/api/3/action/group_list", "groups are public"),
    public("POST", "/api/3/action/group_show", "groups are public"),
    public("POST", "/api/3/action/tag_list", "tags of public datasets"),
    public("POST", "/api/3/action/license_list", "licences"),
    check(
        "POST",
        "/api/3/action/package_show",
        "/api/3/action/package_show",
        r#"{"id": "{private_a}"}"#,
        STAFF_A,
    ),
    check(
        "POST",
        "/api/3/action/package_show",
        "/api/3/action/package_show",
        r#"{"id": "{draft_a}"}"#,
        STAFF_A,
    ),
    check(
        "POST",
        "/api/3/action/resource_show",
        "/api/3/action/resource_show",
        r#"{"id": "{private_a_res}"}"#,
        STAFF_A,
    ),
    check(
        "POST",
        "/api/3/action/package_create",
        "/api/3/action/package_create",
        r#"{"name": "made-by-ckan-{n}", "title": "Made", "owner_org": "org-a"}"#,
        STAFF_A,
    ),
    check(
        "POST",
        "/api/3/action/package_update",
        "/api/3/action/package_update",
        r#"{"id": "{open_a}", "name": "{open_a}", "title": "Updated", "owner_org": "org-a"}"#,
        STAFF_A,
    ),
    check(
        "POST",
        "/api/3/action/package_patch",
        "/api/3/action/package_patch",
        r#"{"id": "{open_a}", "title": "Patched"}"#,
        STAFF_A,
    ),
    check(
        "POST",
        "/api/3/action/package_patch",
        "/api/3/action/package_patch",
        r#"{"id": "{private_a}", "private": false}"#,
        STAFF_A,
    ),
    check(
        "POST",
        "/api/3/action/package_delete",
        "/api/3/action/package_delete",
        r#"{"id": "{fresh_dataset}"}"#,
        STAFF_A,
    ),
    check(
        "POST",
        "/api/3/action/resource_create",
        "/api/3/action/resource_create",
        r#"{"package_id": "{open_a}", "name": "More", "url": "https://data.example.org/z.csv"}"#,
        STAFF_A,
    ),
    check(
        "POST",
        "/api/3/action/resource_update",
        "/api/3/action/resource_update",
        r#"{"id": "{open_a_linked}", "name": "Linked", "url": "https://data.example.org/x.csv"}"#,
        STAFF_A,
    ),
    check(
        "POST",
        "/api/3/action/resource_patch",
        "/api/3/action/resource_patch",
        r#"{"id": "{open_a_linked}", "description": "Patched"}"#,
        STAFF_A,
    ),
    check(
        "POST",
        "/api/3/action/resource_delete",
        "/api/3/action/resource_delete",
        r#"{"id": "{fresh_resource}"}"#,
        STAFF_A,
    ),
    check(
        "POST",
        "/api/3/action/datastore_search",
        "/api/3/action/datastore_search",
        r#"{"resource_id": "{open_a_res}"}"#,
        ANYONE,
    ),
    check(
        "POST",
        "/api/3/action/datastore_search",
        "/api/3/action/datastore_search",
        r#"{"resource_id": "{restricted_a_res}"}"#,
        STAFF_A,
    ),
    check(
        "POST",
        "/api/3/action/datastore_search_sql",
        "/api/3/action/datastore_search_sql",
        r#"{"sql": "SELECT count(*) FROM \"{restricted_a_res}\""}"#,
        STAFF_A,
    ),
    check(
        "POST",
        "/api/3/action/datastore_info",
        "/api/3/action/datastore_info",
        r#"{"resource_id": "{restricted_a_res}"}"#,
        STAFF_A,
    ),
    check(
        "POST",
        "/api/3/action/datastore_create",
        "/api/3/action/datastore_create",
        r#"{"resource": {"package_id": "{open_a}", "name": "Typed"}, "fields": [{"id": "a", "type": "text"}], "records": [{"a": "x"}]}"#,
        STAFF_A,
    ),
    check(
        "POST",
        "/api/3/action/datastore_upsert",
        "/api/3/action/datastore_upsert",
        r#"{"resource_id": "{open_a_res}", "method": "insert", "records": [{"station": "Sudbury", "code": "0333B", "count": 7}]}"#,
        STAFF_A,
    ),
    check(
        "POST",
        "/api/3/action/datastore_delete",
        "/api/3/action/datastore_delete",
        r#"{"resource_id": "{open_a_res}", "filters": {"station": "Sudbury"}}"#,
        STAFF_A,
    ),
    // The older address of the same API answers as `/api/3/action/…` does.
    check(
        "ANY",
        "/api/action/{action}",
        "/api/action/package_patch",
        r#"{"id": "{open_a}", "title": "Patched again"}"#,
        STAFF_A,
    ),
    // Routes whose role checks are, for now, in their area's own tests (named); the matrix
    // does not send them yet. Each wants a fixture in `World` and a `check` row.
    public(
        "GET",
        "/api/v1/library/agreements",
        "the collective-agreement index is public",
    ),
    public(
        "GET",
        "/api/v1/library/agreements.csv",
        "the collective-agreement index is public",
    ),
    owed(
        "GET",
        "/api/v1/library/documents",
        "library: tests/it/documents.rs (restricted, withdrawn, staff only)",
    ),
    owed(
        "GET",
        "/api/v1/library/documents/{id}",
        "library: tests/it/documents.rs (restricted, withdrawn, staff only)",
    ),
    owed(
        "GET",
        "/api/v1/library/documents/{id}/file",
        "library: tests/it/documents.rs (restricted, withdrawn, staff only)",
    ),
    owed(
        "GET",
        "/api/v1/library/documents/{id}/pages",
        "library: tests/it/documents.rs (restricted, withdrawn, staff only)",
    ),
    owed(
        "GET",
        "/consultations/new",
        "dialogue: tests/it/consultation_staff.rs",
    ),
    owed(
        "GET",
        "/consultations/{slug}/attachments/{id}",
        "dialogue: tests/it/consultation_staff.rs",
    ),
    owed(
        "GET",
        "/consultations/{slug}/delete",
        "dialogue: tests/it/consultation_staff.rs",
    ),
    owed(
        "GET",
        "/consultations/{slug}/edit",
        "dialogue: tests/it/consultation_staff.rs",
    ),
    owed(
        "GET",
        "/consultations/{slug}/reopen",
        "dialogue: tests/it/consultation_staff.rs",
    ),
    owed(
        "GET",
        "/dialogue/consultations",
        "dialogue: tests/it/consultation_staff.rs",
    ),
    owed(
        "GET",
        "/dialogue/processes/new",
        "dialogue: tests/it/setup.rs",
    ),
    public(
        "GET",
        "/library",
        "the library's public listing; restricted documents are filtered by the store",
    ),
    public(
        "GET",
        "/library/agreements",
        "the collective-agreement index is public",
    ),
    owed(
        "GET",
        "/library/new",
        "library: tests/it/documents.rs (restricted, withdrawn, staff only)",
    ),
    owed(
        "GET",
        "/library/{id}",
        "library: tests/it/documents.rs (restricted, withdrawn, staff only)",
    ),
    owed(
        "GET",
        "/library/{id}/edit",
        "library: tests/it/documents.rs (restricted, withdrawn, staff only)",
    ),
    owed(
        "GET",
        "/library/{id}/withdraw",
        "library: tests/it/documents.rs (restricted, withdrawn, staff only)",
    ),
    owed(
        "GET",
        "/processes/{slug}/edit",
        "dialogue: tests/it/setup.rs",
    ),
    owed(
        "GET",
        "/tracker/deleted",
        "tracker: tests/it/housekeeping.rs",
    ),
    owed(
        "GET",
        "/tracker/plans/{slug}/delete",
        "tracker: tests/it/housekeeping.rs",
    ),
    owed(
        "GET",
        "/tracker/{kind}/{slug}/delete",
        "tracker: tests/it/housekeeping.rs",
    ),
    owed(
        "POST",
        "/api/v1/library/documents",
        "library: tests/it/documents.rs (restricted, withdrawn, staff only)",
    ),
    owed(
        "POST",
        "/api/v1/library/documents/{id}/withdraw",
        "library: tests/it/documents.rs (restricted, withdrawn, staff only)",
    ),
    owed(
        "POST",
        "/comments/{id}/edit",
        "dialogue: tests/it/comments.rs",
    ),
    owed(
        "POST",
        "/consultations/new",
        "dialogue: tests/it/consultation_staff.rs",
    ),
    owed(
        "POST",
        "/consultations/{slug}/attachments",
        "dialogue: tests/it/consultation_staff.rs",
    ),
    owed(
        "POST",
        "/consultations/{slug}/attachments/{id}/delete",
        "dialogue: tests/it/consultation_staff.rs",
    ),
    owed(
        "POST",
        "/consultations/{slug}/close",
        "dialogue: tests/it/consultation_staff.rs",
    ),
    owed(
        "POST",
        "/consultations/{slug}/delete",
        "dialogue: tests/it/consultation_staff.rs",
    ),
    owed(
        "POST",
        "/consultations/{slug}/edit",
        "dialogue: tests/it/consultation_staff.rs",
    ),
    owed(
        "POST",
        "/consultations/{slug}/publish",
        "dialogue: tests/it/consultation_staff.rs",
    ),
    owed(
        "POST",
        "/consultations/{slug}/reopen",
        "dialogue: tests/it/consultation_staff.rs",
    ),
    owed(
        "POST",
        "/consultations/{slug}/subscribe",
        "dialogue: tests/it/consultation_staff.rs",
    ),
    owed(
        "POST",
        "/data/requests/{id}/comments/{comment}/edit",
        "catalogue: tests/it/request_comments.rs",
    ),
    owed(
        "POST",
        "/dialogue/processes/new",
        "dialogue: tests/it/setup.rs",
    ),
    owed(
        "POST",
        "/library/new",
        "library: tests/it/documents.rs (restricted, withdrawn, staff only)",
    ),
    owed(
        "POST",
        "/library/{id}/edit",
        "library: tests/it/documents.rs (restricted, withdrawn, staff only)",
    ),
    owed(
        "POST",
        "/library/{id}/withdraw",
        "library: tests/it/documents.rs (restricted, withdrawn, staff only)",
    ),
    owed(
        "POST",
        "/processes/{slug}/edit",
        "dialogue: tests/it/setup.rs",
    ),
    owed(
        "POST",
        "/tracker/deleted/{id}/restore",
        "tracker: tests/it/housekeeping.rs",
    ),
    owed(
        "POST",
        "/tracker/plans/{slug}/archive",
        "tracker: tests/it/housekeeping.rs",
    ),
    owed(
        "POST",
        "/tracker/plans/{slug}/delete",
        "tracker: tests/it/housekeeping.rs",
    ),
    owed(
        "POST",
        "/tracker/{kind}/{slug}/delete",
        "tracker: tests/it/housekeeping.rs",
    ),
    owed(
        "PUT",
        "/api/v1/dialogue/processes/{slug}",
        "dialogue: tests/it/setup.rs",
    ),
    owed(
        "PUT",
        "/api/v1/library/documents/{id}",
        "library: tests/it/documents.rs (restricted, withdrawn, staff only)",
    ),
    owed(
        "PUT",
        "/api/v1/library/documents/{id}/file",
        "library: tests/it/documents.rs (restricted, withdrawn, staff only)",
    ),
];
