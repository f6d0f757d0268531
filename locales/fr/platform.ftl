# Mise en page
skip-to-content = Passer au contenu principal
nav-main = Principal
nav-home = Accueil
nav-admin = Administration
nav-breadcrumbs = Fil d’Ariane
footer-powered = Propulsé par Agora, logiciel de gouvernement ouvert.
yes = Oui
no = Non
save = Enregistrer
filter-apply = Appliquer les filtres
results-count = { $count ->
    [one] { $count } résultat
   *[other] { $count } résultats
}
pager-label = Pages
pager-previous = Précédente
pager-next = Suivante
form-error-summary = Il y a un problème
form-required = obligatoire

# Avis
notice-check-email = Nous vous avons envoyé un courriel. Ouvrez le lien qu’il contient pour vérifier votre adresse, puis connectez-vous.
notice-signed-out = Vous êtes déconnecté.
notice-reset-sent = Si un compte utilise cette adresse, nous lui avons envoyé un lien pour choisir un nouveau mot de passe.
notice-password-changed = Votre mot de passe est changé. Connectez-vous avec le nouveau.
notice-token-revoked = Le jeton est révoqué. Les programmes qui l’utilisent ne peuvent plus s’en servir.
notice-saved = Enregistré.

# Comptes
account-sign-in = Se connecter
account-sign-out = Se déconnecter
account-sign-up = Créer un compte
account-sign-up-intro = Avec un compte, vous pouvez participer aux consultations, proposer des idées, voter et suivre ce qui vous intéresse.
account-have-account = Vous avez déjà un compte?
account-no-account = Pas encore de compte? Créez-en un
account-email = Adresse courriel
account-display-name = Nom affiché publiquement
account-display-name-hint = Facultatif. Laissez vide pour rester anonyme en public.
account-password = Mot de passe
account-new-password = Nouveau mot de passe
account-password-hint = Au moins { $min } caractères. Quelques mots sans lien entre eux font un mot de passe solide.
account-password-confirm = Saisissez de nouveau le mot de passe
account-forgot-link = Mot de passe oublié?
account-forgot-title = Réinitialiser votre mot de passe
account-forgot-intro = Saisissez l’adresse courriel de votre compte. Nous y enverrons un lien pour choisir un nouveau mot de passe.
account-forgot-send = Envoyer le lien
account-reset-title = Choisir un nouveau mot de passe
account-reset-save = Enregistrer le nouveau mot de passe
account-reset-invalid = Ce lien n’est plus valide. Demandez-en un nouveau.
account-verify-title = Vérifier votre adresse courriel
account-verified = Merci : votre adresse courriel est vérifiée.
account-verify-invalid = Ce lien de vérification n’est plus valide : il a déjà servi ou il a expiré. Connectez-vous pour en obtenir un nouveau.
account-unverified = Votre adresse courriel n’est pas encore vérifiée. Certaines façons de participer exigent une adresse vérifiée.
account-resend = Renvoyer le courriel de vérification
account-profile = Votre compte
account-role = Rôle
account-verified-label = Courriel vérifié

role-admin = Administrateur
role-editor = Rédacteur d’organisation
role-moderator = Modérateur
role-participant = Participant

email-verify-subject = Vérifiez votre adresse courriel pour { $site }
email-verify-body =
    Bonjour,

    Veuillez vérifier votre adresse courriel pour { $site } en ouvrant ce lien :

    { $link }

    Le lien est valide 7 jours. Si vous n’avez pas créé de compte, ignorez ce courriel.
email-reset-subject = Choisissez un nouveau mot de passe pour { $site }
email-reset-body =
    Bonjour,

    Quelqu’un a demandé de réinitialiser le mot de passe de votre compte sur { $site }. Pour choisir un nouveau mot de passe, ouvrez ce lien :

    { $link }

    Le lien est valide 2 heures. Si vous n’avez rien demandé, ignorez ce courriel : votre mot de passe ne change pas.

# Jetons d’API
token-heading = Jetons d’API
token-intro = Les programmes utilisent un jeton d’API pour agir en votre nom (par exemple ckanapi). Chaque jeton n’est affiché qu’une fois, à sa création.
token-none = Vous n’avez aucun jeton d’API.
token-name = Nom
token-name-hint = À quoi sert le jeton, par exemple « moissonnage nocturne ».
token-prefix = Commence par
token-created-at = Créé
token-expires = Expire
token-expires-days = Expire après (jours)
token-expires-hint = Facultatif, de 1 à 3650. Laissez vide pour un jeton qui n’expire pas.
token-last-used = Dernière utilisation
token-status = État
token-actions = Actions
token-never = Jamais
token-active = Actif
token-revoked = Révoqué
token-expired = Expiré
token-revoke = Révoquer
token-new = Créer un jeton
token-create = Créer le jeton
token-created = Votre nouveau jeton :
token-shown-once = Copiez-le maintenant : il ne sera plus affiché.

# Administration
admin-title = Administration
admin-audit-title = Journal d’audit
admin-audit-intro = Chaque modification : qui l’a faite, quand, et ce qui était avant et après.
admin-audit-filter = Filtrer le journal d’audit
admin-users-title = Personnes et rôles
admin-users-intro = Les comptes, leurs rôles et leur blocage.
admin-jobs-title = Tâches de fond
admin-jobs-intro = Les longs travaux en cours, terminés et échoués, avec les nouvelles tentatives.
admin-user-status = État
admin-user-blocked = Bloqué
admin-block = Bloquer
admin-unblock = Débloquer
audit-when = Quand
audit-actor = Qui
audit-action = Action
audit-entity = Quoi
audit-entity-type = Type d’entité
audit-entity-id = Identifiant de l’entité
audit-change = Modification
audit-show-change = Afficher la modification
audit-before = Avant
audit-after = Après

# Erreurs
error-field-labelled = { $label } : { $message }
error-title-404 = Page introuvable
error-title-403 = Action non permise
error-title-400 = La demande n’a pas pu être utilisée
error-title-413 = Trop volumineux
error-title-429 = Trop de tentatives
error-title-503 = Service temporairement indisponible
error-title-500 = Un problème est survenu
error-status = Code d’erreur { $status }
error-go-home = Aller à la page d’accueil
error-not-found = Nous n’avons pas trouvé cette page. Vérifiez l’adresse, ou partez de la page d’accueil.
error-unauthorized = Vous devez vous connecter pour faire ceci.
error-sign-in-required = Vous devez vous connecter pour faire ceci.
error-admin-only = Seuls les administrateurs peuvent faire ceci.
error-validation = Une partie de ce qui a été envoyé n’est pas valide.
error-payload-too-large = La demande dépasse la limite de { $limit }.
error-unavailable = Le service est occupé. Réessayez dans un moment.
error-internal = Un problème est survenu de notre côté. Il est consigné et nous allons l’examiner. Réessayez plus tard.
error-csrf = Ce formulaire a expiré. Revenez en arrière, rechargez la page et réessayez.
error-csrf-api = Une écriture par l’API faite avec un témoin de session doit envoyer le jeton CSRF de la session dans l’en-tête X-CSRF-Token ; les programmes doivent utiliser un jeton d’API dans l’en-tête Authorization.
error-json-body = Le corps de la requête n’est pas un JSON valide pour ce point d’accès : { $detail }
error-query-params = Un paramètre de requête n’est pas valide : { $detail }
error-form-invalid = Le formulaire n’a pas pu être lu. Rechargez la page et réessayez.
error-body-unreadable = Le corps de la requête n’a pas pu être lu jusqu’au bout. Réessayez.
error-bad-file-key = Ce nom de fichier n’est pas permis.
error-required = Ce champ est obligatoire.
error-too-long = C’est trop long : au plus { $max } caractères.
error-out-of-range = Saisissez un nombre de { $min } à { $max }.
error-not-a-number = Saisissez un nombre entier.
error-not-in-list = Choisissez une des valeurs proposées.
error-email-invalid = Saisissez une adresse courriel comme nom@exemple.ca.
error-email-taken = Un compte utilise déjà cette adresse courriel. Connectez-vous, ou réinitialisez votre mot de passe.
error-password-short = Le mot de passe doit compter au moins { $min } caractères.
error-password-mismatch = Les deux mots de passe ne sont pas identiques.
error-login-failed = L’adresse courriel ou le mot de passe n’est pas exact.
error-login-rate-limited = Trop de tentatives échouées. Attendez { $minutes } minutes et réessayez.
error-rate-limited-signup = Trop de comptes ont été créés d’ici. Réessayez dans { $minutes } minutes.
error-rate-limited-password-reset = Trop de courriels de réinitialisation ont été demandés. Réessayez dans { $minutes } minutes.
error-rate-limited-verification = Trop de courriels de vérification ont été envoyés. Réessayez dans { $minutes } minutes.
error-rate-limited-data-request = Vous avez soumis beaucoup de demandes de données en peu de temps. Réessayez dans { $minutes } minutes.
error-rate-limited-vote = Trop de votes en peu de temps. Réessayez dans { $minutes } minutes.
error-rate-limited-report = Trop de signalements en peu de temps. Réessayez dans { $minutes } minutes.
error-account-blocked = Ce compte est bloqué.
error-token-unknown = Ce jeton d’API est inconnu.
error-token-expired = Ce jeton d’API a expiré.
error-token-revoked = Ce jeton d’API a été révoqué.
error-slug-invalid = Utilisez de 2 à 100 lettres minuscules, chiffres et traits d’union.
error-slug-taken = Ce nom est déjà utilisé.
error-cannot-demote-self = Vous ne pouvez pas retirer votre propre rôle d’administrateur.
error-cannot-block-self = Vous ne pouvez pas bloquer votre propre compte.
