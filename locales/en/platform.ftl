# Layout
skip-to-content = Skip to main content
nav-main = Main
nav-home = Home
nav-admin = Administration
nav-breadcrumbs = Breadcrumbs
footer-powered = Powered by Agora, open-government software.
yes = Yes
no = No
save = Save
filter-apply = Apply filters
results-count = { $count ->
    [one] { $count } result
   *[other] { $count } results
}
pager-label = Pages
pager-previous = Previous
pager-next = Next
form-error-summary = There is a problem
form-required = required

# Notices
notice-check-email = We sent you an e-mail. Open the link in it to verify your address, then sign in.
notice-signed-out = You are signed out.
notice-reset-sent = If an account uses that address, we sent it a link to choose a new password.
notice-password-changed = Your password is changed. Sign in with the new one.
notice-token-revoked = The token is revoked. Programs using it can no longer sign in with it.
notice-saved = Saved.

# Accounts
account-sign-in = Sign in
account-sign-out = Sign out
account-sign-up = Create an account
account-sign-up-intro = With an account you can take part in consultations, submit ideas, vote and follow what interests you.
account-have-account = Already have an account?
account-no-account = No account yet? Create one
account-email = E-mail address
account-display-name = Name shown publicly
account-display-name-hint = Optional. Leave it empty to stay anonymous in public.
account-password = Password
account-new-password = New password
account-password-hint = At least { $min } characters. A few unrelated words make a strong password.
account-password-confirm = Type the password again
account-forgot-link = Forgot your password?
account-forgot-title = Reset your password
account-forgot-intro = Enter the e-mail address of your account. We will send it a link to choose a new password.
account-forgot-send = Send the link
account-reset-title = Choose a new password
account-reset-save = Save the new password
account-reset-invalid = This link is not valid any more. Ask for a new one.
account-verify-title = Verify your e-mail address
account-verified = Thank you: your e-mail address is verified.
account-verify-invalid = This verification link is not valid any more: it was used already or it expired. Sign in to get a new one.
account-unverified = Your e-mail address is not verified yet. Some ways of taking part need a verified address.
account-resend = Send the verification e-mail again
account-profile = Your account
account-role = Role
account-verified-label = E-mail verified

role-admin = Administrator
role-editor = Organization editor
role-moderator = Moderator
role-participant = Participant

email-verify-subject = Verify your e-mail address for { $site }
email-verify-body =
    Hello,

    Please verify your e-mail address for { $site } by opening this link:

    { $link }

    The link works for 7 days. If you did not create an account, ignore this e-mail.
email-reset-subject = Choose a new password for { $site }
email-reset-body =
    Hello,

    Someone asked to reset the password of your account on { $site }. To choose a new password, open this link:

    { $link }

    The link works for 2 hours. If you did not ask for this, ignore this e-mail: your password stays the same.

# API tokens
token-heading = API tokens
token-intro = Programs use an API token to act on your behalf (for example ckanapi). Each token is shown once, when you create it.
token-none = You have no API tokens.
token-name = Name
token-name-hint = What the token is for, for example "nightly harvest".
token-prefix = Starts with
token-created-at = Created
token-expires = Expires
token-expires-days = Expires after (days)
token-expires-hint = Optional, from 1 to 3650. Leave it empty for a token that does not expire.
token-last-used = Last used
token-status = Status
token-actions = Actions
token-never = Never
token-active = Active
token-revoked = Revoked
token-expired = Expired
token-revoke = Revoke
token-new = Create a token
token-create = Create the token
token-created = Your new token:
token-shown-once = Copy it now: it will not be shown again.

# Administration
admin-title = Administration
admin-audit-title = Audit log
admin-audit-intro = Every change: who made it, when, and what it was before and after.
admin-audit-filter = Filter the audit log
admin-users-title = People and roles
admin-users-intro = Accounts, their roles, and blocking.
admin-jobs-title = Background jobs
admin-jobs-intro = Long work in progress, finished and failed, with retries.
admin-user-status = Status
admin-user-blocked = Blocked
admin-block = Block
admin-unblock = Unblock
audit-when = When
audit-actor = Who
audit-action = Action
audit-entity = What
audit-entity-type = Type of entity
audit-entity-id = Entity id
audit-change = Change
audit-show-change = Show the change
audit-before = Before
audit-after = After

# Errors
error-field-labelled = { $label }: { $message }
error-title-404 = Page not found
error-title-403 = Not allowed
error-title-400 = The request could not be used
error-title-413 = Too large
error-title-429 = Too many attempts
error-title-503 = Temporarily unavailable
error-title-500 = Something went wrong
error-status = Error code { $status }
error-go-home = Go to the home page
error-not-found = We could not find this page. Check the address, or start from the home page.
error-unauthorized = You need to sign in to do this.
error-sign-in-required = You need to sign in to do this.
error-admin-only = Only administrators can do this.
error-validation = Some of what was sent is not valid.
error-payload-too-large = The request is larger than the limit of { $limit }.
error-unavailable = The service is busy. Try again in a moment.
error-internal = Something went wrong on our side. It is logged and we will look at it. Try again later.
error-csrf = This form has expired. Go back, reload the page and try again.
error-csrf-api = An API write signed in with a session cookie must send the session’s CSRF token in the X-CSRF-Token header; programs should use an API token in the Authorization header.
error-json-body = The request body is not valid JSON for this endpoint: { $detail }
error-query-params = A query parameter is not valid: { $detail }
error-form-invalid = The form could not be read. Reload the page and try again.
error-body-unreadable = The request body could not be read to its end. Try again.
error-bad-file-key = That file name is not allowed.
error-required = This field is required.
error-too-long = This is too long: at most { $max } characters.
error-out-of-range = Enter a number from { $min } to { $max }.
error-not-a-number = Enter a whole number.
error-not-in-list = Choose one of the listed values.
error-email-invalid = Enter an e-mail address like name@example.com.
error-email-taken = An account already uses this e-mail address. Sign in, or reset your password.
error-password-short = The password must have at least { $min } characters.
error-password-mismatch = The two passwords are not the same.
error-login-failed = The e-mail address or the password is not right.
error-login-rate-limited = Too many failed attempts. Wait { $minutes } minutes and try again.
error-rate-limited-signup = Too many accounts were created from here. Try again in { $minutes } minutes.
error-rate-limited-password-reset = Too many password reset e-mails were asked for. Try again in { $minutes } minutes.
error-rate-limited-verification = Too many verification e-mails were sent. Try again in { $minutes } minutes.
error-rate-limited-data-request = You have submitted many data requests in a short time. Try again in { $minutes } minutes.
error-rate-limited-vote = Too many votes in a short time. Try again in { $minutes } minutes.
error-rate-limited-report = Too many reports in a short time. Try again in { $minutes } minutes.
error-account-blocked = This account is blocked.
error-token-unknown = This API token is not known.
error-token-expired = This API token has expired.
error-token-revoked = This API token was revoked.
error-slug-invalid = Use 2 to 100 lower-case letters, digits and hyphens.
error-slug-taken = This name is already used.
error-cannot-demote-self = You cannot remove your own administrator role.
error-cannot-block-self = You cannot block your own account.
