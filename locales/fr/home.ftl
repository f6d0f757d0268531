home-lead = Le gouvernement ouvert pour { $jurisdiction } : les données que détient le gouvernement, les conversations où vous pouvez vous exprimer, et les engagements dont il rend compte.
home-data-title = Données ouvertes
home-data-text = Tous les fonds de données du gouvernement, ouverts ou non : ce qu’ils contiennent, qui les détient et quand ils seront publiés.
home-dialogue-title = Dialogue ouvert
home-dialogue-text = Consultations publiques et cocréation : proposez des idées, votez et voyez ce qui a été fait de ce que les gens ont dit.
home-information-title = Information ouverte
home-information-text = Les engagements et les projets, avec leurs jalons et leur avancement, et une bibliothèque de documents publics consultable.
