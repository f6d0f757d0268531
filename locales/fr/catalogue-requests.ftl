# Demandes de données
catalogue-sample = Exemple
catalogue-requests-title = Demandes de données
catalogue-requests-intro = Demandez des données que le gouvernement détient sans les publier encore. Votez pour les demandes qui comptent pour vous : les plus appuyées aident à décider ce qui est publié en premier.
catalogue-requests-any-status = Tous les statuts
catalogue-requests-any-organization = Toutes les organisations
catalogue-requests-count = Demandes trouvées : { $count }
catalogue-requests-none = Aucune demande de données ne correspond.
catalogue-request-new-title = Demander des données
catalogue-request-new-intro = Décrivez les données dont vous avez besoin et l’usage que vous en feriez. Votre demande est publique; votre nom n’y est pas affiché.
catalogue-request-field-title = Titre
catalogue-request-title-hint = Un nom court pour les données, { $max } caractères au plus.
catalogue-request-field-description = Description
catalogue-request-description-hint = Ce que les données devraient contenir et l’usage que vous en feriez, { $max } caractères au plus. Vous pouvez utiliser Markdown.
catalogue-request-field-organization = Organisation qui pourrait les détenir
catalogue-request-organization-hint = Facultatif. Le personnel confiera la demande à la bonne organisation.
catalogue-request-organization-unknown = Je ne sais pas
catalogue-request-submit = Envoyer la demande
catalogue-request-field-status = Statut
catalogue-request-field-planned-date = Date de publication prévue
catalogue-request-planned-date-hint = Obligatoire si le statut est « prévue », par exemple 2027-03-31.
catalogue-request-field-dataset = Jeu de données publié
catalogue-request-dataset-hint = Obligatoire si le statut est « publiée » : l’identifiant du jeu de données (la dernière partie de son adresse).
catalogue-request-field-note = Note
catalogue-request-note-hint = Affichée dans l’historique de la demande. Obligatoire en cas de refus : la raison que le public lira.
catalogue-request-assigned-to = Confiée à
catalogue-request-unassigned = Pas encore confiée
catalogue-request-assign = Confier
catalogue-request-change-status = Changer le statut
catalogue-request-staff-heading = Répondre à cette demande
catalogue-request-final = Cette demande est publiée : son statut ne peut plus changer.
catalogue-request-planned-for = prévue pour le { $date }
catalogue-request-sample-note = Cette demande est un exemple, rédigé pour montrer le fonctionnement des demandes de données.
catalogue-request-status-title = Statut : { $status }
catalogue-request-planned-text = La publication des données est prévue le { $date }.
catalogue-request-released-text = Les données sont publiées :
catalogue-request-declined-text = Les données ne peuvent pas être publiées. La raison :
catalogue-request-submitted-on = Envoyée le
catalogue-request-votes-heading = Votes
catalogue-request-one-vote = 1 vote
catalogue-request-votes-count = { $count } votes
catalogue-request-vote = Voter pour cette demande
catalogue-request-withdraw = Retirer mon vote
catalogue-request-you-voted = Vous avez voté pour cette demande.
catalogue-request-voting-closed = Le vote est fermé : la demande a reçu une réponse.
catalogue-request-sign-in-to-vote = Connectez-vous pour voter, commenter ou suivre cette demande
catalogue-request-follow = Suivre : m’écrire quand son statut change
catalogue-request-unfollow = Ne plus suivre
catalogue-request-history = Historique
catalogue-request-comments = Commentaires ({ $count })
catalogue-request-no-comments = Aucun commentaire pour l’instant.
catalogue-request-participant = Une personne participante
catalogue-request-comment = Commentaire
catalogue-request-comment-hint = { $max } caractères au plus. Vous pouvez utiliser Markdown.
catalogue-request-post-comment = Publier le commentaire

catalogue-request-status-submitted = Envoyée
catalogue-request-status-under-review = À l’étude
catalogue-request-status-in-progress = En préparation
catalogue-request-status-planned = Prévue
catalogue-request-status-released = Publiée
catalogue-request-status-declined = Refusée
catalogue-request-status-text-submitted = La demande attend d’être examinée par le personnel.
catalogue-request-status-text-under-review = Le personnel vérifie si les données existent et si elles peuvent être publiées.
catalogue-request-status-text-in-progress = Les données sont en préparation pour leur publication.

catalogue-request-error-organization = Choisissez une organisation dans la liste.
catalogue-request-error-closed = Cette demande a reçu une réponse : le vote est fermé.
catalogue-request-error-voted-already = Vous avez déjà voté pour cette demande. Chaque personne a un vote.
catalogue-request-error-not-voted = Vous n’avez pas voté pour cette demande : il n’y a pas de vote à retirer.
catalogue-request-error-staff-only = Seuls les administrateurs et les responsables de l’organisation de la demande peuvent faire ceci.
catalogue-request-error-transition = Ce statut ne peut pas suivre le statut actuel de la demande. Choisissez l’un des statuts proposés.
catalogue-request-error-planned-date = Indiquez la date à laquelle la publication des données est prévue.
catalogue-request-error-planned-past = La date prévue est passée. Indiquez la date d’aujourd’hui ou une date ultérieure.
catalogue-request-error-date-format = Indiquez une date comme 2027-03-31.
catalogue-request-error-dataset-required = Indiquez l’identifiant du jeu de données qui répond à cette demande.
catalogue-request-error-dataset-unknown = Aucun jeu de données public n’a cet identifiant.
catalogue-request-error-reason = Expliquez pourquoi les données ne peuvent pas être publiées.

notice-catalogue-request-submitted = Votre demande est envoyée. Vous recevrez un courriel quand son statut changera.
notice-catalogue-request-voted = Votre vote est compté.
notice-catalogue-request-vote-withdrawn = Votre vote est retiré.
notice-catalogue-request-following = Vous suivez cette demande : vous recevrez un courriel quand son statut changera.
notice-catalogue-request-unfollowed = Vous ne suivez plus cette demande.
notice-catalogue-request-commented = Votre commentaire est publié.
catalogue-request-replies = Réponses
catalogue-request-reply = Répondre
catalogue-request-reply-label = Votre réponse
catalogue-request-reply-button = Publier la réponse
catalogue-request-comment-edited = modifié { $date }
catalogue-request-comment-edit = Modifier
catalogue-request-comment-edit-hint = Vous pouvez modifier un commentaire pendant { $minutes } minutes après l’avoir publié; la modification est indiquée.
catalogue-request-comment-edit-button = Enregistrer la modification
notice-catalogue-request-comment-edited = Votre commentaire est modifié.
catalogue-request-error-reply-target = Impossible de répondre à ce commentaire : il ne porte pas sur cette demande.
catalogue-request-error-author-only = Seule la personne qui a écrit le commentaire peut le modifier.
catalogue-request-error-edit-window = Un commentaire ne peut être modifié que dans les { $minutes } minutes qui suivent sa publication.
notice-catalogue-request-status-changed = Le statut est changé. Les personnes qui suivent la demande sont prévenues par courriel.
notice-catalogue-request-assigned = L’attribution est enregistrée.

catalogue-request-email-subject = { $site } : « { $title } » est maintenant { $status }
catalogue-request-email-body =
    Bonjour,

    La demande de données « { $title } », que vous suivez, a maintenant le statut : { $status }.

    { $detail }Voir la demande : { $link }

    Vous recevez ce courriel parce que vous suivez cette demande. Pour ne plus le recevoir, ouvrez le lien et choisissez « Ne plus suivre ».
catalogue-request-email-planned = La publication des données est prévue le { $date }.
catalogue-request-email-released = Les données sont publiées : { $link }
catalogue-request-email-declined = La raison pour laquelle elles ne peuvent pas être publiées : { $reason }
