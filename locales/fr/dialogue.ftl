# Dialogue ouvert : répertoire des consultations, processus de cocréation, idées, votes, modération.

dialogue-nav-consultations = Consultations
dialogue-nav-processes = Cocréation

# Répertoire
dialogue-directory-title = Répertoire des consultations
dialogue-directory-lead = Les consultations publiques du gouvernement : celles qui sont ouvertes, celles qui s’en viennent et ce qui est ressorti des précédentes.
dialogue-directory-none = Aucune consultation ne correspond à ces filtres.
dialogue-directory-all = Toutes les consultations
dialogue-closing-title = Se terminent bientôt
dialogue-closing-lead = Les consultations ouvertes qui se terminent d’ici { $days } jours, les plus proches d’abord.
dialogue-closing-none = Aucune consultation ouverte ne se termine dans les prochains jours.
dialogue-feed-title = Consultations (fil Atom)
dialogue-feed-link = Suivre avec un lecteur de fils (Atom)
dialogue-download-csv = Télécharger le répertoire (CSV)
dialogue-filter-label = Filtrer
dialogue-filter-q = Mots
dialogue-filter-any = Tous
dialogue-filter-clear = Effacer les filtres
dialogue-organization = Organisation
dialogue-topic = Sujet
dialogue-topics = Sujets
dialogue-level = Niveau de participation
dialogue-status = État
dialogue-when = Quand
dialogue-when-ongoing = En continu
dialogue-when-opens = Ouvre le { $date }
dialogue-when-until = Ouverte jusqu’au { $date }
dialogue-when-closed = Fermée le { $date }
dialogue-from-to = Du { $from } au
dialogue-until = jusqu’au { $date }
dialogue-left-today = Se termine aujourd’hui
dialogue-left-tomorrow = Se termine demain
dialogue-left-days = Encore { $days } jours
dialogue-status-upcoming = À venir
dialogue-status-open = Ouverte
dialogue-status-closed = Fermée
dialogue-status-results = Résultats publiés
dialogue-level-share = Informer
dialogue-level-consult = Consulter
dialogue-level-deliberate = Délibérer
dialogue-level-collaborate = Collaborer
dialogue-level-help-share = le gouvernement informe la population.
dialogue-level-help-consult = le gouvernement recueille des avis et des commentaires.
dialogue-level-help-deliberate = la population examine la question en profondeur et pèse les options ensemble.
dialogue-level-help-collaborate = la population et le gouvernement élaborent la solution ensemble.
dialogue-take-part = Comment participer
dialogue-take-part-upcoming = Cette consultation n’est pas encore ouverte. Revenez à son ouverture.
dialogue-take-part-closed = Cette consultation est fermée.
dialogue-ways-none = L’organisation n’a pas encore indiqué comment participer.
dialogue-way-ideas = Proposer des idées sur ce site
dialogue-way-survey = Répondre à un sondage
dialogue-way-event = Venir à une rencontre
dialogue-way-link = Participer sur un autre site
dialogue-way-ideas-go = Proposer vos idées
dialogue-way-open-link = Ouvrir la page
dialogue-way-event-link = En savoir plus sur cette rencontre
dialogue-external = (autre site)
dialogue-see-process = Voir les idées et ce qu’il en est advenu
dialogue-results = Résultats
dialogue-results-none = Aucun résultat n’est encore publié.
dialogue-results-published-on = Publiés le { $date }.
dialogue-we-asked = Nous avons demandé
dialogue-you-said = Vous avez répondu
dialogue-we-did = Nous avons agi
dialogue-we-did-hint = Obligatoire : ce que le gouvernement a fait ou décidé à la suite de ce que les gens ont dit.
dialogue-results-report = Lire le rapport complet
dialogue-results-publish = Publier les résultats
dialogue-results-intro = Indiquez ce qui a été demandé, ce que les gens ont répondu et ce que le gouvernement a fait. La publication fait passer l’état à « Résultats publiés ».
dialogue-results-url = Lien vers le rapport complet
dialogue-results-url-hint = Facultatif. Une adresse qui commence par https://
dialogue-in-english = En anglais
dialogue-in-french = En français
dialogue-sample = Exemple
dialogue-sample-explain = Cette fiche a été rédigée pour la démonstration.
dialogue-sample-process = Ce processus et ses idées ont été rédigés pour la démonstration; les étapes et les chiffres suivent le plan d’action 2016 de l’Ontario.
dialogue-sample-author = Exemple (démonstration)
dialogue-sample-idea-explain = Cette idée a été rédigée pour la démonstration; ce n’est pas une vraie proposition.
dialogue-anonymous = Une personne participante
dialogue-listed-in-directory = Dans le répertoire des consultations :

# Processus
dialogue-processes-title = Processus de cocréation
dialogue-processes-lead = Des processus où la population propose des idées par thème, où le personnel les évalue et où chacun vote pour ses préférées.
dialogue-processes-none = Il n’y a encore aucun processus.
dialogue-process = Processus
dialogue-process-no-phase-open = Aucune étape n’est ouverte en ce moment.
dialogue-process-nothing-now = Il n’y a rien à faire dans ce processus en ce moment.
dialogue-phases = Étapes
dialogue-phase-ideas = Idées
dialogue-phase-assessment = Évaluation
dialogue-phase-voting = Vote
dialogue-phase-workshops = Ateliers
dialogue-phase-commitments = Engagements
dialogue-phase-now = En cours
dialogue-phase-next = À venir
dialogue-phase-done = Terminée
dialogue-may-submit = Qui peut proposer des idées
dialogue-may-comment = Qui peut commenter
dialogue-may-vote = Qui peut voter
dialogue-audience-nobody = personne
dialogue-audience-verified = les personnes dont l’adresse courriel est vérifiée
dialogue-audience-signed_in = toute personne connectée
dialogue-themes = Thèmes
dialogue-theme = Thème
dialogue-all-themes = Tous les thèmes
dialogue-how-votes-work = Comment fonctionne le vote
dialogue-rule-one_per_theme = Une idée préférée par thème
dialogue-rule-approval = Jusqu’à un certain nombre d’idées
dialogue-rule-one_per_theme-explain = Chaque personne choisit son idée préférée dans chaque thème.
dialogue-rule-approval-explain = Chaque personne choisit jusqu’à { $max } idées.
dialogue-tallies-hidden-explain = Les décomptes restent cachés jusqu’à la fin du vote, pour que les premiers résultats n’influencent pas les votes suivants.
dialogue-tallies-hidden = Cachés jusqu’à la fin du vote.
dialogue-receipt-explain = Après avoir voté, vous recevez un code de reçu : il vous permet de vérifier plus tard que votre vote est compté, sans que personne puisse savoir ce que vous avez choisi.
dialogue-in-numbers = En chiffres
dialogue-voters = Personnes qui ont voté
dialogue-ballots = Bulletins
dialogue-comments = Commentaires
dialogue-count-ideas = { $count } idées
dialogue-count-themes = { $count } thèmes
dialogue-count-comments = { $count } commentaires
dialogue-count-votes = { $count } votes

# Idées
dialogue-ideas-title = Idées
dialogue-ideas-all = Toutes les idées
dialogue-ideas-none = Aucune idée ne correspond.
dialogue-idea = Idée
dialogue-state = État
dialogue-state-submitted = Proposée
dialogue-state-in_assessment = En évaluation
dialogue-state-accepted = Retenue pour le vote
dialogue-state-not_retained = Non retenue
dialogue-state-merged = Fusionnée
dialogue-visibility-visible = Visible
dialogue-visibility-pending = Masquée en attente d’examen
dialogue-visibility-removed = Retirée par la modération
dialogue-visibility-explain-visible = Ce contenu est visible.
dialogue-visibility-explain-pending = Ce contenu a été masqué à la suite de signalements, en attendant qu’une personne modératrice l’examine.
dialogue-visibility-explain-removed = La modération a retiré ce contenu parce qu’il enfreignait les règles de participation.
dialogue-idea-hidden-title = Idée masquée
dialogue-submit-idea = Proposer une idée
dialogue-submit-idea-button = Proposer mon idée
dialogue-check-similar = Chercher d’abord des idées semblables
dialogue-guidance-title = Rédiger une idée claire
dialogue-guidance-1 = Dites en une phrase ce qui devrait changer.
dialogue-guidance-2 = Dites à qui cela profiterait, et comment.
dialogue-guidance-3 = Employez des phrases courtes et des mots courants; expliquez les sigles.
dialogue-guidance-4 = Texte simple ou Markdown (**gras**, listes, liens). Le HTML n’est pas accepté.
dialogue-ideas-limit = Chaque personne peut proposer au plus { $max } idées dans ce processus.
dialogue-idea-title = Titre
dialogue-idea-title-hint = Un court résumé, d’au plus { $max } caractères.
dialogue-idea-body = Votre idée
dialogue-idea-body-hint = Ce qui devrait changer, à qui cela profiterait et comment. Au plus { $max } caractères.
dialogue-similar-title = Idées semblables déjà proposées
dialogue-similar-none = Nous n’avons trouvé aucune idée semblable. Vous pouvez proposer la vôtre.
dialogue-similar-intro = Quelqu’un a peut-être eu la même idée. Vous pouvez plutôt la commenter ou voter pour elle, ou proposer la vôtre si elle est différente.
dialogue-long-sentences = Vos phrases comptent en moyenne { $words } mots. Des phrases de 20 mots ou moins se lisent plus facilement.
dialogue-by = Par
dialogue-merged-into = Cette idée a été fusionnée avec une autre :
dialogue-merged-from = Idées fusionnées avec celle-ci
dialogue-version-current = Version en langage clair
dialogue-version-original = Le texte original de l’auteur
dialogue-version-as-submitted = Telle que proposée
dialogue-version-history = Toutes les versions
dialogue-version-n = version { $n }
dialogue-rewritten-by = Reformulée par { $name }
dialogue-rewritten-tag = reformulée en langage clair
dialogue-rewrite-note = Ce qui a changé
dialogue-objection-recorded = L’auteur s’est opposé à cette reformulation le { $date } :
dialogue-object-summary = M’opposer à cette reformulation
dialogue-object-label = Qu’est-ce qui ne va pas dans la reformulation?
dialogue-object-hint = Votre opposition est consignée et affichée sur cette page. Le personnel l’examinera.
dialogue-object-button = Consigner mon opposition
dialogue-answer = Réponse du gouvernement
dialogue-follow = Suivre cette idée
dialogue-unfollow = Ne plus suivre
dialogue-assess = Évaluer cette idée
dialogue-comments-none = Aucun commentaire pour l’instant.
dialogue-comment-label = Votre commentaire
dialogue-comment-hint = Restez respectueux et dans le sujet. Au plus { $max } caractères.
dialogue-comment-button = Publier mon commentaire
dialogue-comment-sign-in = Connectez-vous pour commenter.
dialogue-report = Signaler
dialogue-report-why = Pourquoi la modération devrait-elle examiner ce contenu?
dialogue-report-send = Envoyer le signalement
dialogue-reason-spam = Pourriel ou publicité
dialogue-reason-offensive = Offensant ou injurieux
dialogue-reason-off_topic = N’a pas sa place ici
dialogue-target-idea = idée
dialogue-target-comment = commentaire
dialogue-read-idea = La lire

# Vote
dialogue-vote-title = Voter
dialogue-vote-go = Voter pour vos idées préférées
dialogue-vote-closes = Le vote se termine le { $date }.
dialogue-vote-change-explain = Vous avez déjà voté. Vous pouvez modifier vos choix jusqu’à la fin du vote; votre code de reçu reste valide.
dialogue-vote-already = Vous avez voté dans ce groupe. Choisissez une autre idée pour modifier votre vote.
dialogue-vote-no-ideas = Aucune idée n’est soumise au vote ici.
dialogue-vote-approval-legend = Choisissez jusqu’à { $max } idées
dialogue-vote-cast = Voter
dialogue-vote-save = Enregistrer mes modifications
dialogue-vote-review = Revoir mon vote
dialogue-voted-title = Merci d’avoir voté
dialogue-voted-tag = Vote enregistré
dialogue-voted-cast = Bulletins comptés : { $count }.
dialogue-voted-changed = Bulletins modifiés : { $count }.
dialogue-receipt-title = Votre reçu
dialogue-receipt-intro = Conservez ce code. Il vous permet de vérifier en tout temps que votre vote est compté. Il ne révèle pas votre choix, ni à vous ni à personne.
dialogue-receipt-keep = Il n’est affiché qu’une fois : copiez-le ou notez-le. Nous n’en gardons qu’une empreinte.
dialogue-receipt-check-now = Le vérifier maintenant
dialogue-receipt-unchanged = Votre code de reçu précédent permet toujours de vérifier ces bulletins.
dialogue-receipt-check-title = Vérifier un reçu de vote
dialogue-receipt-check-lead = Entrez le code reçu après avoir voté pour constater que votre vote est compté.
dialogue-receipt-code = Code de reçu
dialogue-receipt-code-hint = 20 lettres et chiffres, par exemple ABCDE-12345-FGHJK-67890.
dialogue-receipt-check-button = Vérifier
dialogue-receipt-found = Votre vote est compté
dialogue-receipt-in = Dans
dialogue-receipt-issued = Reçu émis le { $date }.
dialogue-receipt-ballot = Bulletin
dialogue-receipt-counted = compté
dialogue-receipt-not-counted = non compté
dialogue-receipt-changed = modifié pour la dernière fois le { $date }
dialogue-receipt-private = Le reçu n’indique pas l’idée choisie : personne ne peut l’apprendre à partir du code.
dialogue-receipt-unknown-title = Reçu introuvable
dialogue-receipt-unknown = Aucun bulletin ne porte ce code de reçu. Vérifiez que vous l’avez saisi tel qu’il était affiché.
dialogue-results-ranked = Résultats par rang
dialogue-results-at-close = Les résultats sont publiés à la fin du vote, le { $date }.
dialogue-results-no-voting = Ce processus ne comporte pas de vote.
dialogue-results-totals = { $voters } personnes ont voté.
dialogue-results-ballots = { $ballots } bulletins ont été comptés.
dialogue-results-sample = Les bulletins sont des exemples déposés pour la démonstration.
dialogue-rank = Rang
dialogue-votes = Votes
dialogue-percent = { $n } %
dialogue-share = Part des votes du thème

# Données ouvertes
dialogue-data-title = Données ouvertes
dialogue-data-intro = Tout ce qui est public dans ce processus, à télécharger et à réutiliser : les idées avec leurs réponses, les commentaires et les décomptes des votes. Qui a voté pour quoi n’est jamais publié.
dialogue-data-what = Données
dialogue-data-ideas = Idées et réponses
dialogue-data-comments = Commentaires
dialogue-data-tallies = Décomptes des votes
dialogue-data-licence = Réutilisation libre selon la Licence du gouvernement ouvert.
dialogue-data-api = Les mêmes données, et plus, par l’API décrite à l’adresse

# Personnel : évaluation
dialogue-queue-title = File d’évaluation
dialogue-queue-lead = Les idées qui attendent une évaluation, les plus anciennes d’abord, et celles dont l’auteur s’est opposé à une reformulation.
dialogue-queue-empty = Aucune idée n’est en attente.
dialogue-submitted-on = Proposée le
dialogue-objected-tag = Opposition de l’auteur
dialogue-assess-title = Évaluer : { $title }
dialogue-idea-public-page = Page publique de l’idée
dialogue-assessment = Évaluation
dialogue-criteria = Critères
dialogue-criteria-hint = Cochez chaque critère auquel l’idée répond.

## Paramétrer un processus (personnel)
dialogue-setup-new-title = Nouveau processus de cocréation
dialogue-setup-edit-title = Modifier le paramétrage du processus
dialogue-setup-new-intro = Définissez les phases, les thèmes, les critères d’évaluation et les règles de vote. Rien n’est public avant l’ouverture d’une phase; vous pourrez modifier le paramétrage plus tard.
dialogue-setup-edit-intro = Les modifications qui briseraient ce qui a déjà eu lieu — idées, évaluations, votes — sont refusées avec la raison, et rien n’est enregistré.
dialogue-setup-link-edit = Modifier le paramétrage de ce processus
dialogue-setup-link-new = Paramétrer un nouveau processus
dialogue-setup-copy-title = Copier un processus précédent
dialogue-setup-copy-intro = Partez du paramétrage d’un autre processus : ses phases déplacées à une nouvelle date de début, ses thèmes, critères, règles et limites. Les idées et les votes ne sont pas copiés. Vous vérifiez tout avant d’enregistrer.
dialogue-setup-copy-from = Processus à copier
dialogue-setup-copy-start = Ouverture de la première phase
dialogue-setup-copy-start-hint = Les phases gardent leur durée et les intervalles qui les séparent. Laissez vide pour dans une semaine.
dialogue-setup-copy-button = Copier le paramétrage
dialogue-setup-about = Le processus
dialogue-setup-slug = Nom court dans l’adresse
dialogue-setup-slug-hint = De 2 à 100 lettres minuscules, chiffres et traits d’union. Il ne pourra plus changer.
dialogue-setup-theme-slug-hint = Utilisé dans les adresses; il ne pourra plus changer. Remplissez cette ligne pour ajouter un thème.
dialogue-setup-organization = Organisation
dialogue-setup-title-en = Titre en anglais
dialogue-setup-title-fr = Titre en français
dialogue-setup-summary-en = Résumé en anglais
dialogue-setup-summary-fr = Résumé en français
dialogue-setup-guidance-en = Conseils près du formulaire d’idée, en anglais
dialogue-setup-guidance-fr = Conseils près du formulaire d’idée, en français
dialogue-setup-markdown-hint = Texte simple ou Markdown; pas de HTML.
dialogue-setup-description-en = Description en anglais
dialogue-setup-description-fr = Description en français
dialogue-setup-label-en = Critère en anglais
dialogue-setup-label-fr = Critère en français
dialogue-setup-phases-intro = Cochez chaque phase du processus et donnez ses dates; les phases ne peuvent pas se chevaucher. Pour chacune, indiquez qui peut soumettre des idées, commenter et voter pendant qu’elle est ouverte.
dialogue-setup-phase-include = Ce processus a cette phase
dialogue-setup-opens-on = Ouverture le
dialogue-setup-closes-on = Fermeture le
dialogue-setup-themes-intro = Les idées sont soumises sous un thème. Un thème qui contient des idées ne peut pas être retiré.
dialogue-setup-theme-n = Thème { $n }
dialogue-setup-remove-theme = Retirer ce thème
dialogue-setup-criteria-intro = Le personnel coche les critères qu’une idée remplit quand il l’évalue. Un critère déjà utilisé dans une évaluation ne peut pas être retiré.
dialogue-setup-criterion-n = Critère { $n }
dialogue-setup-remove-criterion = Retirer ce critère
dialogue-setup-voting = Vote et limites
dialogue-setup-vote-rule = Règle de vote
dialogue-setup-vote-rule-hint = Elle ne peut plus changer dès qu’une personne a voté.
dialogue-setup-vote-max = Idées qu’un bulletin peut contenir
dialogue-setup-vote-max-hint = Pour « jusqu’à un nombre d’idées » : de 1 à 50.
dialogue-setup-hide-tallies = Masquer les décomptes jusqu’à la fin du vote
dialogue-setup-ideas-per-person = Idées qu’une personne peut soumettre
dialogue-setup-ideas-per-person-hint = 0 pour aucune limite; au plus 1000.
dialogue-setup-report-threshold = Signalements qui masquent une contribution en attendant l’examen
dialogue-setup-report-threshold-hint = De 1 à 100.
dialogue-setup-save = Enregistrer le paramétrage
dialogue-setup-create = Créer le processus
notice-dialogue-process-created = Le processus est créé.
notice-dialogue-process-saved = Le paramétrage est enregistré. Les participants voient les nouvelles dates sur la page du processus.
dialogue-error-too-many = Il peut y en avoir au plus { $max }.
dialogue-error-year = Entrez une date entre les années { $min } et { $max }.
dialogue-error-date = Entrez une date sous la forme année-mois-jour, par exemple 2027-03-31.
dialogue-error-no-phase = Donnez au moins une phase au processus.
dialogue-error-phases-overlap = Cette phase commence avant la fin de la phase { $phase ->
    [ideas] des idées
    [assessment] d’évaluation
    [voting] de vote
    [workshops] des ateliers
   *[commitments] des engagements
}; les phases ne peuvent pas se chevaucher.
dialogue-error-rule-after-ballots = La règle de vote ne peut plus changer : { $count ->
    [one] { $count } bulletin a été déposé
   *[other] { $count } bulletins ont été déposés
} selon elle.
dialogue-error-max-after-ballots = Les bulletins ne peuvent pas contenir moins d’idées qu’avant ({ $max }) : { $count ->
    [one] { $count } bulletin a été déposé
   *[other] { $count } bulletins ont été déposés
}.
dialogue-error-theme-has-ideas = Le thème « { $theme } » contient { $count ->
    [one] { $count } idée
   *[other] { $count } idées
}; il ne peut pas être retiré.
dialogue-error-criterion-used = Le critère « { $criterion } » a servi dans { $count ->
    [one] { $count } évaluation
   *[other] { $count } évaluations
}; il ne peut pas être retiré.
dialogue-error-phase-holds = La phase { $phase ->
    [ideas] des idées
   *[voting] de vote
} contient { $count ->
    [one] { $count } contribution
   *[other] { $count } contributions
}; elle ne peut pas être retirée.
dialogue-error-phase-started = Cette phase a commencé et contient { $count ->
    [one] { $count } contribution
   *[other] { $count } contributions
}; elle ne peut pas être déplacée pour s’ouvrir après aujourd’hui.

dialogue-decision = Décision
dialogue-merge-into = Fusionner avec
dialogue-merge-hint = Pour « Fusionnée » : l’idée que celle-ci reprend. Les deux restent visibles, reliées l’une à l’autre.
dialogue-merge-none = Aucune fusion
dialogue-answer-en = Réponse publique, en anglais
dialogue-answer-fr = Réponse publique, en français
dialogue-answer-hint = Affichée sur la page de l’idée. Obligatoire lorsque l’idée n’est pas retenue : expliquez pourquoi.
dialogue-assess-save = Enregistrer l’évaluation
dialogue-rewrite-title = Reformulation en langage clair
dialogue-rewrite-intro = Une reformulation devient une nouvelle version. Le texte original de l’auteur reste visible à côté, avec votre nom et la date; l’auteur en est avisé par courriel et peut s’y opposer.
dialogue-rewrite-body-hint = Des phrases courtes, des mots courants, le sens voulu par l’auteur.
dialogue-rewrite-note-hint = Facultatif, par exemple « phrases raccourcies; FPO expliquée ».
dialogue-rewrite-save = Enregistrer la reformulation
dialogue-notes-title = Notes internes
dialogue-notes-private = Seul le personnel voit ces notes. Elles ne sont jamais publiées.
dialogue-notes-none = Aucune note pour l’instant.
dialogue-note-label = Nouvelle note
dialogue-note-add = Ajouter la note

# Personnel : modération
dialogue-moderation-title = Modération
dialogue-moderation-lead = Les idées et les commentaires signalés. Ce qui a été masqué par des signalements le reste jusqu’à votre décision.
dialogue-moderation-empty = Rien n’attend d’examen.
dialogue-moderation-see = Voir dans son contexte
dialogue-moderation-first = premier signalement le { $date }
dialogue-moderation-reports = { $count } signalements en attente
dialogue-moderation-threshold = masqué après { $count } signalements
dialogue-moderation-keep = Le garder (l’afficher de nouveau)
dialogue-moderation-remove = Le retirer
dialogue-moderation-block = Le retirer et bloquer son auteur

# Courriels
dialogue-email-rewritten-subject = Votre idée « { $title } » a été reformulée en langage clair
dialogue-email-rewritten-body =
    Bonjour,

    Le personnel a reformulé en langage clair votre idée « { $title } » sur { $site }. Votre texte original reste visible à côté de la nouvelle version.

    Si la reformulation change ce que vous vouliez dire, vous pouvez vous y opposer sur la page de l’idée :

    { $link }
dialogue-email-assessed-subject = Du nouveau sur l’idée « { $title } »
dialogue-email-assessed-body =
    Bonjour,

    L’idée « { $title } » sur { $site } a un nouvel état ou une nouvelle réponse du gouvernement :

    { $link }

    Vous recevez ce message parce que vous avez proposé ou suivez cette idée.
dialogue-email-commented-subject = Nouveau commentaire sur « { $title } »
dialogue-email-commented-body =
    Bonjour,

    Quelqu’un a commenté l’idée « { $title } » sur { $site } :

    { $link }

    Vous recevez ce message parce que vous avez proposé ou suivez cette idée.

# Avis
notice-dialogue-results-published = Les résultats sont publiés.

## Le personnel tient la fiche d’une consultation

dialogue-entry-new-consultation-title = Nouvelle consultation
dialogue-entry-edit-consultation-title = Modifier la consultation
dialogue-entry-consultation-form-intro = La fiche est enregistrée comme brouillon : seul le personnel de son organisation la voit, et sa page sert d’aperçu. Publiez-la depuis sa page.
dialogue-entry-consultation-save = Enregistrer
dialogue-entry-choose = Choisir…
dialogue-entry-none = Aucun
dialogue-entry-field-slug = Nom dans l’adresse
dialogue-entry-field-slug-hint = Lettres minuscules, chiffres et traits d’union, utilisés dans l’adresse de la page : par exemple budget-2027.
dialogue-entry-field-title-en = Titre en anglais
dialogue-entry-field-title-fr = Titre en français
dialogue-entry-field-title-hint = Donnez le titre en anglais, en français, ou les deux.
dialogue-entry-field-summary-en = Résumé en anglais
dialogue-entry-field-summary-fr = Résumé en français
dialogue-entry-field-summary-hint = Sur quoi porte la consultation et ce qui sera fait de ce que les gens diront. Markdown est permis.
dialogue-entry-field-level-hint = Jusqu’où le public est associé.
dialogue-entry-field-opens-on = Date d’ouverture
dialogue-entry-field-closes-on = Date de fermeture
dialogue-entry-field-date-hint = Sous la forme AAAA-MM-JJ, par exemple 2027-03-31.
dialogue-entry-field-ongoing = Permanente : ouverte sans date de fermeture
dialogue-entry-field-process = Processus de cocréation
dialogue-entry-field-process-hint = Où les gens soumettent des idées, pour une façon de participer du type « idées ».
dialogue-entry-field-ways-hint = Laissez une façon vide pour la retirer. Enregistrez pour obtenir d’autres façons vides.
dialogue-entry-field-way-n = Façon { $n }
dialogue-entry-field-way-kind = Type
dialogue-entry-field-way-label-en = Description en anglais
dialogue-entry-field-way-label-fr = Description en français
dialogue-entry-field-way-url = Adresse Web
dialogue-entry-field-way-url-hint = Pour un sondage ou un lien : où participer (http ou https).
dialogue-entry-field-way-place-en = Lieu en anglais
dialogue-entry-field-way-place-fr = Lieu en français
dialogue-entry-field-way-event-hint = Pour un événement : où il a lieu.
dialogue-entry-field-way-event-on = Date de l’événement
dialogue-entry-field-way-time = Heure de l’événement
dialogue-entry-field-way-time-hint = Comme on la lit, par exemple 18 h – 20 h.
dialogue-entry-draft = Brouillon
dialogue-entry-draft-explain = seul le personnel de son organisation voit cette page. Publiez-la pour l’ajouter au répertoire.
dialogue-entry-staff-actions = Actions du personnel
dialogue-entry-publish = Publier
dialogue-entry-close-now = Fermer maintenant
dialogue-entry-reopen = Rouvrir
dialogue-entry-reopen-title = Rouvrir la consultation
dialogue-entry-reopen-intro = Donnez la nouvelle date de fermeture, ou rendez-la permanente.
dialogue-entry-delete-title = Supprimer
dialogue-entry-delete-intro = La suppression retire la fiche, ses façons de participer, ses résultats et la liste des personnes qui les attendent. Elle est définitive ; le journal d’audit garde ce qu’elle était.
dialogue-entry-delete-files = { $count ->
    [one] Son fichier joint est
   *[other] Ses { $count } fichiers joints sont
} aussi supprimés.
dialogue-entry-delete-public = La fiche est publique : des gens ont pu y faire un lien.
dialogue-entry-delete-confirm = Supprimer la consultation
dialogue-entry-cancel = Annuler
dialogue-entry-staff-consultations-title = Consultations de mes organisations
dialogue-entry-staff-consultations-none = Vos organisations n’ont encore aucune consultation.
dialogue-entry-subscribe = Me prévenir quand les résultats seront publiés
dialogue-entry-unsubscribe = Ne plus me prévenir
dialogue-entry-subscribed = Vous recevrez un courriel quand les résultats seront publiés.
dialogue-entry-subscribe-sign-in = Connectez-vous pour recevoir un courriel quand les résultats seront publiés
dialogue-attachments = Documents
dialogue-attachments-none = Aucun document n’est joint.
dialogue-attachment-file = Fichier
dialogue-attachment-add = Joindre le fichier
dialogue-attachment-remove = Retirer
dialogue-entry-error-organization-required = Choisissez l’organisation qui mène la consultation.
dialogue-entry-error-not-your-organization = Vous ne travaillez pas pour cette organisation.
dialogue-entry-error-date-format = Donnez une date comme 2027-03-31.
dialogue-entry-error-already-closed = Cette consultation est déjà fermée.
dialogue-entry-error-reopen-past = La nouvelle date de fermeture doit être aujourd’hui ou plus tard.
dialogue-entry-error-file-missing = Choisissez un fichier à joindre.
dialogue-entry-error-file-empty = Le fichier est vide.
dialogue-email-results-subject = Résultats publiés : { $title }
dialogue-email-results-body =
    Les résultats de la consultation « { $title } » sont publiés sur { $site } :

    { $link }

    Vous recevez ce courriel parce que vous avez demandé à être prévenu de leur publication.
notice-dialogue-consultation-saved = La consultation est enregistrée.
notice-dialogue-consultation-published = La consultation est publiée : elle figure au répertoire.
notice-dialogue-consultation-closed = La consultation est fermée.
notice-dialogue-consultation-reopened = La consultation est de nouveau ouverte.
notice-dialogue-consultation-deleted = La consultation est supprimée.
notice-dialogue-subscribed = Vous recevrez un courriel quand les résultats seront publiés.
notice-dialogue-unsubscribed = Vous ne recevrez plus de courriel sur ces résultats.
notice-dialogue-attachment-added = Le fichier est joint.
notice-dialogue-attachment-removed = Le fichier est retiré.

notice-dialogue-idea-submitted = Merci : votre idée est proposée. Le personnel l’évaluera; vous recevrez un courriel lorsqu’elle changera.
notice-dialogue-commented = Votre commentaire est publié.
dialogue-replies = Réponses
dialogue-reply = Répondre
dialogue-reply-label = Votre réponse
dialogue-reply-button = Publier la réponse
dialogue-comment-edited = modifié { $date }
dialogue-comment-edit = Modifier
dialogue-comment-edit-hint = Vous pouvez modifier un commentaire pendant { $minutes } minutes après l’avoir publié; la modification est indiquée.
dialogue-comment-edit-button = Enregistrer la modification
notice-dialogue-comment-edited = Votre commentaire est modifié.
dialogue-error-reply-target = Impossible de répondre à ce commentaire : il ne porte pas sur cette idée, ou il est masqué.
dialogue-error-edit-window = Un commentaire ne peut être modifié que dans les { $minutes } minutes qui suivent sa publication.
notice-dialogue-following = Vous suivez cette idée : vous recevrez un courriel lorsqu’elle changera.
notice-dialogue-unfollowed = Vous ne suivez plus cette idée.
notice-dialogue-objection-recorded = Votre opposition est consignée.
notice-dialogue-reported = Merci : la modération examinera votre signalement.
notice-dialogue-reported-hidden = Merci : après plusieurs signalements, ce contenu est masqué jusqu’à ce que la modération l’examine.
notice-dialogue-assessed = L’évaluation est enregistrée.
notice-dialogue-rewritten = La reformulation est enregistrée comme nouvelle version; l’auteur en a été avisé.
notice-dialogue-note-added = La note est ajoutée.
notice-dialogue-moderated = Votre décision est enregistrée.

# Erreurs
dialogue-error-html = Le HTML n’est pas accepté (y compris les scripts). Écrivez en texte simple ou en Markdown.
dialogue-error-link = Les liens doivent commencer par https://, http:// ou mailto:.
dialogue-error-control = Ce texte contient des caractères de contrôle invisibles. Tapez-le ou collez-le de nouveau.
dialogue-error-url = Entrez une adresse qui commence par https://
dialogue-error-dates = La date de fermeture ne peut pas précéder la date d’ouverture.
dialogue-error-closes-or-ongoing = Indiquez une date de fermeture, ou précisez que la consultation est continue.
dialogue-error-phase-twice = Un processus comporte au plus une étape de chaque type.
dialogue-error-no-organization = Cette organisation n’existe pas.
dialogue-error-submissions-closed = Il n’est pas possible de proposer des idées maintenant : l’étape des idées de ce processus n’est pas ouverte.
dialogue-error-voting-closed = Le vote n’est pas ouvert dans ce processus en ce moment.
dialogue-error-comments-closed = Les commentaires sont fermés dans ce processus en ce moment.
dialogue-error-verify-first = Vérifiez d’abord votre adresse courriel : ouvrez le lien que nous vous avons envoyé, ou renvoyez-le depuis la page de votre compte.
dialogue-error-not-allowed = Vous ne pouvez pas faire ceci à cette étape.
dialogue-error-idea-limit = Vous avez proposé le nombre maximal d’idées permis par personne dans ce processus ({ $max }).
dialogue-error-flood-ideas = Vous avez proposé { $count } idées au cours de la dernière heure. Attendez un peu avant d’en proposer d’autres.
dialogue-error-flood-comments = Vous avez publié { $count } commentaires au cours des dix dernières minutes. Attendez quelques minutes avant d’en publier d’autres.
dialogue-error-idea-hidden = Cette idée est masquée en attente d’examen; elle ne peut pas recevoir de commentaires pour l’instant.
dialogue-error-reason-required = Expliquez pourquoi l’idée n’est pas retenue : la réponse est obligatoire.
dialogue-error-merge-self = Une idée ne peut pas être fusionnée avec elle-même.
dialogue-error-merge-target = Choisissez une idée du même processus qui n’est pas elle-même fusionnée.
dialogue-error-rewrite-same = La reformulation est identique au texte actuel.
dialogue-error-rewrite-conflict = Quelqu’un a enregistré une autre reformulation au même moment. Rechargez la page et réessayez.
dialogue-error-author-only = Seul l’auteur de l’idée peut faire ceci.
dialogue-error-nothing-to-object = Cette idée n’a pas été reformulée; il n’y a rien à contester.
dialogue-error-objected-already = Vous vous êtes déjà opposé à cette version.
dialogue-error-ballot-empty = Choisissez au moins une idée.
dialogue-error-ballot-twice = Ce groupe figure deux fois dans le bulletin.
dialogue-error-ballot-duplicate = La même idée est choisie deux fois.
dialogue-error-ballot-too-many = Choisissez au plus { $max } idées.
dialogue-error-ballot-idea = Cette idée n’est pas soumise au vote ici.
dialogue-error-already-voted = Vous avez déjà voté ici. Votre vote n’a pas été compté deux fois; vous pouvez le modifier tant que le vote est ouvert.
dialogue-error-no-ballot = Il n’y a pas de vote précédent à modifier ici. Rechargez le bulletin et votez de nouveau.
dialogue-error-report-own = Vous ne pouvez pas signaler votre propre contribution.
dialogue-error-report-removed = Ce contenu a déjà été retiré.
dialogue-error-reported-already = Vous avez déjà signalé ce contenu. La modération l’examinera.
dialogue-error-reason-choose = Choisissez pourquoi vous signalez ce contenu.
dialogue-error-staff-only = Seul le personnel de l’organisation peut faire ceci.
dialogue-error-moderators-only = Seules les personnes modératrices peuvent faire ceci.
dialogue-error-no-author = Cette contribution n’a pas de compte d’auteur à bloquer.
dialogue-error-block-staff = Les comptes du personnel ne peuvent pas être bloqués ici.
dialogue-label-colon = { $label } :
dialogue-colon =  :
