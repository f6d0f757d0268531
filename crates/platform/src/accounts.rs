//! Account pages: sign up, verify the e-mail, log in and out, reset a password, and manage API
//! tokens. Thin handlers over [`crate::auth`].

use axum::Router;
use axum::extract::{Path, Query};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use axum::routing::{get, post};
use serde::Deserialize;
use uuid::Uuid;

use crate::auth::{self, ApiToken, CurrentUser, LoginLimits, NewUser, Purpose, Role};
use crate::db::Actor;
use crate::error::{Error, Result};
use crate::mail::{self, Email};
use crate::ratelimit::{Action, Throttle};
use crate::web::{
    CsrfForm, FormErrors, Page, RequestContext, ShownError, SignedIn, csrf_cookie, render,
    render_status, safe_return_path, see_other, session_cookie, session_csrf,
};
use crate::{Lang, Platform};

pub fn pages() -> Router {
    Router::new()
        .route("/account", get(profile))
        .route("/account/signup", get(signup_form).post(signup))
        .route("/account/verify", get(verify))
        .route("/account/verify/resend", post(resend_verification))
        .route("/account/login", get(login_form).post(login))
        .route("/account/logout", post(logout))
        .route("/account/password/forgot", get(forgot_form).post(forgot))
        .route("/account/password/reset", get(reset_form).post(reset))
        .route("/account/tokens", post(create_token))
        .route("/account/tokens/{id}/revoke", post(revoke_token))
}

#[derive(Deserialize, Default)]
pub struct SignupForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_confirm: String,
}

#[derive(askama::Template)]
#[template(path = "account/signup.html")]
struct SignupPage {
    page: Page,
    form: SignupForm,
    errors: FormErrors,
}

async fn signup_form(page: Page) -> Result<Response> {
    let page = fix_crumb(page.titled("account-sign-up").crumb("", "/account/signup"));
    render(&SignupPage {
        page,
        form: SignupForm::default(),
        errors: FormErrors::default(),
    })
}

/// The last breadcrumb is the page itself, labelled with the page's title.
fn fix_crumb(mut page: Page) -> Page {
    if let Some(last) = page.crumbs.last_mut() {
        last.label = page.title.clone();
    }
    page
}

async fn signup(
    platform: Platform,
    page: Page,
    throttle: Throttle,
    CsrfForm(form): CsrfForm<SignupForm>,
) -> Result<Response> {
    throttle
        .check_account(Action::SignUp, &auth::normalize_email(&form.email))
        .await?;
    let page = fix_crumb(page.titled("account-sign-up").crumb("", "/account/signup"));
    let problems = auth::validate_new_user(
        &form.email,
        &form.display_name,
        &form.password,
        Some(&form.password_confirm),
    );
    let outcome = if problems.is_empty() {
        create_account(&platform, page.lang, &form).await
    } else {
        Err(Error::Validation(problems))
    };
    match outcome {
        Ok(()) => Ok(see_other(&format!(
            "{}?notice=notice-check-email",
            page.url("/account/login")
        ))),
        Err(e @ Error::Validation(_)) => {
            let errors = page.errors(&e);
            let form = SignupForm {
                password: String::new(),
                password_confirm: String::new(),
                ..form
            };
            render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &SignupPage { page, form, errors },
            )
        }
        Err(e) => Err(e),
    }
}

/// Creates the account and queues the verification e-mail in one transaction: the mail goes out
/// after the commit, and only if the account was kept.
async fn create_account(platform: &Platform, lang: Lang, form: &SignupForm) -> Result<()> {
    platform
        .db
        .write(async |tx| {
            let new = NewUser {
                email: &form.email,
                display_name: &form.display_name,
                password: &form.password,
                role: Role::Participant,
                verified: false,
                locale: lang.code(),
            };
            let user = auth::create_user(tx, &Actor::system("sign-up"), new).await?;
            let token = auth::issue_email_token(tx, user.id, Purpose::Verify).await?;
            queue_verification(tx, platform, lang, &user.email, &token).await
        })
        .await
}

async fn queue_verification(
    tx: &mut crate::Tx,
    platform: &Platform,
    lang: Lang,
    email: &str,
    token: &str,
) -> Result<()> {
    let link = format!(
        "{}/{}/account/verify?token={}",
        platform.settings.base_url(),
        lang.code(),
        token
    );
    let site = match lang {
        Lang::En => &platform.settings.site.name_en,
        Lang::Fr => &platform.settings.site.name_fr,
    };
    mail::queue(
        tx,
        Email {
            to: email.to_string(),
            subject: lang.t_args("email-verify-subject", &[("site", site.clone())]),
            body: lang.t_args(
                "email-verify-body",
                &[("site", site.clone()), ("link", link)],
            ),
        },
    )
    .await?;
    Ok(())
}

#[derive(Deserialize)]
struct TokenQuery {
    #[serde(default)]
    token: String,
}

#[derive(askama::Template)]
#[template(path = "account/message.html")]
struct MessagePage {
    page: Page,
    message: String,
    link: Option<(String, String)>,
}

async fn verify(platform: Platform, page: Page, Query(q): Query<TokenQuery>) -> Result<Response> {
    let verified = platform
        .db
        .write(async |tx| {
            let user = auth::consume_email_token(tx, &q.token, Purpose::Verify).await?;
            if let Some(user_id) = user {
                auth::mark_verified(tx, user_id).await?;
            }
            Ok(user.is_some())
        })
        .await?;
    let page = page.titled("account-verify-title");
    if verified {
        let link = if page.user.is_some() {
            (page.url("/account"), page.t("account-profile"))
        } else {
            (page.url("/account/login"), page.t("account-sign-in"))
        };
        let message = page.t("account-verified");
        render(&MessagePage {
            page,
            message,
            link: Some(link),
        })
    } else {
        let message = page.t("account-verify-invalid");
        let link = Some((page.url("/account"), page.t("account-profile")));
        render_status(
            StatusCode::BAD_REQUEST,
            &MessagePage {
                page,
                message,
                link,
            },
        )
    }
}

#[derive(Deserialize)]
struct Empty {}

async fn resend_verification(
    platform: Platform,
    page: Page,
    SignedIn(user): SignedIn,
    throttle: Throttle,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Response> {
    if !user.verified {
        throttle.check(Action::VerificationResend).await?;
        platform
            .db
            .write(async |tx| {
                let token = auth::issue_email_token(tx, user.id, Purpose::Verify).await?;
                queue_verification(tx, &platform, page.lang, &user.email, &token).await
            })
            .await?;
    }
    Ok(see_other(&format!(
        "{}?notice=notice-check-email",
        page.url("/account")
    )))
}

#[derive(Deserialize, Default)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

#[derive(Deserialize)]
struct NextQuery {
    #[serde(default)]
    next: String,
}

#[derive(askama::Template)]
#[template(path = "account/login.html")]
struct LoginPage {
    page: Page,
    form: LoginForm,
    errors: FormErrors,
}

async fn login_form(page: Page, Query(q): Query<NextQuery>) -> Result<Response> {
    let page = fix_crumb(page.titled("account-sign-in").crumb("", "/account/login"));
    render(&LoginPage {
        page,
        form: LoginForm {
            next: safe_return_path(&q.next, ""),
            ..Default::default()
        },
        errors: FormErrors::default(),
    })
}

async fn login(
    platform: Platform,
    ctx: RequestContext,
    page: Page,
    CsrfForm(form): CsrfForm<LoginForm>,
) -> Result<Response> {
    let page = fix_crumb(page.titled("account-sign-in").crumb("", "/account/login"));
    let limits = LoginLimits {
        per_account: platform.settings.limits.login_failures_per_account,
        per_address: platform.settings.limits.login_failures_per_address,
        window: time::Duration::minutes(
            (platform.settings.limits.login_window_minutes)
                .clamp(1, crate::config::MAX_WINDOW_MINUTES),
        ),
    };
    let mut problems = Vec::new();
    if form.email.trim().is_empty() {
        problems.push(crate::FieldError::new("email", "error-required"));
    }
    if form.password.is_empty() {
        problems.push(crate::FieldError::new("password", "error-required"));
    }
    let result = if problems.is_empty() {
        auth::login(
            &platform.db,
            &limits,
            &form.email,
            &form.password,
            &ctx.client,
        )
        .await
    } else {
        Err(Error::Validation(problems))
    };
    match result {
        Ok(user) => {
            auth::clear_login_failures(&platform.db, &user.email).await?;
            let secret = auth::create_session(&platform.db, user.id).await?;
            let to = safe_return_path(&form.next, &page.url("/account"));
            let mut res = see_other(&to);
            // The session's own CSRF token replaces the visitor's: signing in rotates it.
            let csrf = csrf_cookie(&platform, session_csrf(&secret));
            let cookie = session_cookie(&platform, secret);
            for c in [cookie, csrf] {
                res.headers_mut().append(
                    header::SET_COOKIE,
                    HeaderValue::from_str(&c.to_string()).map_err(Error::internal)?,
                );
            }
            Ok(res)
        }
        Err(e @ (Error::Validation(_) | Error::RateLimited(_) | Error::Forbidden(_))) => {
            let errors = match &e {
                Error::Validation(_) => page.errors(&e),
                other => FormErrors(vec![ShownError {
                    field: "email".into(),
                    message: page.lang.msg(&other.message()),
                }]),
            };
            let status = if matches!(e, Error::RateLimited(_)) {
                StatusCode::TOO_MANY_REQUESTS
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            render_status(
                status,
                &LoginPage {
                    page,
                    form: LoginForm {
                        password: String::new(),
                        ..form
                    },
                    errors,
                },
            )
        }
        Err(e) => Err(e),
    }
}

async fn logout(
    platform: Platform,
    page: Page,
    jar: axum_extra::extract::CookieJar,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Response> {
    if let Some(c) = jar.get(auth::session_cookie_name(&platform.settings)) {
        auth::end_session(&platform.db, c.value()).await?;
    }
    let mut res = see_other(&format!("{}?notice=notice-signed-out", page.url("/")));
    let mut gone = session_cookie(&platform, String::new());
    gone.set_max_age(time::Duration::ZERO);
    res.headers_mut().append(
        header::SET_COOKIE,
        HeaderValue::from_str(&gone.to_string()).map_err(Error::internal)?,
    );
    Ok(res)
}

#[derive(Deserialize, Default)]
struct ForgotForm {
    #[serde(default)]
    email: String,
}

#[derive(askama::Template)]
#[template(path = "account/forgot.html")]
struct ForgotPage {
    page: Page,
    form: ForgotForm,
    errors: FormErrors,
}

async fn forgot_form(page: Page) -> Result<Response> {
    let page = fix_crumb(
        page.titled("account-forgot-title")
            .crumb("", "/account/password/forgot"),
    );
    render(&ForgotPage {
        page,
        form: ForgotForm::default(),
        errors: FormErrors::default(),
    })
}

/// Always answers the same way, so that the form does not tell which e-mails have accounts.
async fn forgot(
    platform: Platform,
    page: Page,
    throttle: Throttle,
    CsrfForm(form): CsrfForm<ForgotForm>,
) -> Result<Response> {
    let page = fix_crumb(
        page.titled("account-forgot-title")
            .crumb("", "/account/password/forgot"),
    );
    if !auth::valid_email(&auth::normalize_email(&form.email)) {
        let errors = page.errors(&Error::field("email", "error-email-invalid"));
        return render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &ForgotPage { page, form, errors },
        );
    }
    // Counted whether or not the address has an account, so the limit tells nothing either.
    throttle
        .check_account(Action::PasswordReset, &auth::normalize_email(&form.email))
        .await?;
    if let Some(user) = auth::find_user_by_email(&platform.db, &form.email)
        .await?
        .filter(|u| u.blocked_at.is_none())
    {
        platform
            .db
            .write(async |tx| {
                let token = auth::issue_email_token(tx, user.id, Purpose::Reset).await?;
                let link = format!(
                    "{}/{}/account/password/reset?token={}",
                    platform.settings.base_url(),
                    page.lang.code(),
                    token
                );
                let email = Email {
                    to: user.email.clone(),
                    subject: page.t1("email-reset-subject", "site", &page.site_name),
                    body: page.lang.t_args(
                        "email-reset-body",
                        &[("site", page.site_name.clone()), ("link", link)],
                    ),
                };
                mail::queue(tx, email).await
            })
            .await?;
    }
    Ok(see_other(&format!(
        "{}?notice=notice-reset-sent",
        page.url("/account/login")
    )))
}

#[derive(Deserialize, Default)]
struct ResetForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_confirm: String,
}

#[derive(askama::Template)]
#[template(path = "account/reset.html")]
struct ResetPage {
    page: Page,
    token: String,
    errors: FormErrors,
}

async fn reset_form(page: Page, Query(q): Query<TokenQuery>) -> Result<Response> {
    let page = page.titled("account-reset-title");
    render(&ResetPage {
        page,
        token: q.token,
        errors: FormErrors::default(),
    })
}

async fn reset(
    platform: Platform,
    page: Page,
    CsrfForm(form): CsrfForm<ResetForm>,
) -> Result<Response> {
    let page = page.titled("account-reset-title");
    let mut problems: Vec<_> = auth::validate_new_user(
        "x@example.org",
        "",
        &form.password,
        Some(&form.password_confirm),
    );
    // The token is used and the password set in one transaction: both, or neither.
    let changed = problems.is_empty()
        && platform
            .db
            .write(async |tx| {
                let Some(user_id) =
                    auth::consume_email_token(tx, &form.token, Purpose::Reset).await?
                else {
                    return Ok(false);
                };
                let actor = Actor::user(user_id, "self");
                auth::set_password(tx, &actor, user_id, &form.password).await?;
                Ok(true)
            })
            .await?;
    if changed {
        Ok(see_other(&format!(
            "{}?notice=notice-password-changed",
            page.url("/account/login")
        )))
    } else {
        if problems.is_empty() {
            problems.push(crate::FieldError::new("password", "account-reset-invalid"));
        }
        let errors = page.errors(&Error::Validation(problems));
        render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &ResetPage {
                page,
                token: form.token,
                errors,
            },
        )
    }
}

#[derive(askama::Template)]
#[template(path = "account/profile.html")]
struct ProfilePage {
    page: Page,
    user: CurrentUser,
    tokens: Vec<ApiToken>,
    new_token: Option<String>,
    errors: FormErrors,
}

async fn profile(platform: Platform, page: Page, SignedIn(user): SignedIn) -> Result<Response> {
    let tokens = auth::list_api_tokens(&platform.db, user.id).await?;
    let page = fix_crumb(page.titled("account-profile").crumb("", "/account"));
    render(&ProfilePage {
        page,
        user,
        tokens,
        new_token: None,
        errors: FormErrors::default(),
    })
}

#[derive(Deserialize)]
struct NewTokenForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    expires: String,
}

async fn create_token(
    platform: Platform,
    page: Page,
    SignedIn(user): SignedIn,
    CsrfForm(form): CsrfForm<NewTokenForm>,
) -> Result<Response> {
    let page = fix_crumb(page.titled("account-profile").crumb("", "/account"));
    let expires = match form.expires.trim() {
        "" => Ok(None),
        days => days
            .parse::<i64>()
            .map(Some)
            .map_err(|_| Error::field("expires", "error-not-a-number")),
    };
    let created = match expires {
        Ok(days) => platform
            .db
            .write(async |tx| {
                auth::create_api_token(tx, &user.actor(), user.id, &form.name, days).await
            })
            .await
            .map(|(secret, _)| secret),
        Err(e) => Err(e),
    };
    let tokens_after =
        |platform: Platform, id: Uuid| async move { auth::list_api_tokens(&platform.db, id).await };
    match created {
        Ok(secret) => {
            let tokens = tokens_after(platform, user.id).await?;
            let mut res = render(&ProfilePage {
                page,
                user,
                tokens,
                new_token: Some(secret),
                errors: FormErrors::default(),
            })?;
            res.headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            Ok(res)
        }
        Err(e @ Error::Validation(_)) => {
            let errors = page.errors(&e);
            let tokens = tokens_after(platform, user.id).await?;
            render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &ProfilePage {
                    page,
                    user,
                    tokens,
                    new_token: None,
                    errors,
                },
            )
        }
        Err(e) => Err(e),
    }
}

async fn revoke_token(
    platform: Platform,
    page: Page,
    SignedIn(user): SignedIn,
    Path(id): Path<Uuid>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Response> {
    platform
        .db
        .write(async |tx| auth::revoke_api_token(tx, &user.actor(), user.id, id).await)
        .await?;
    Ok(see_other(&format!(
        "{}?notice=notice-token-revoked",
        page.url("/account")
    )))
}
