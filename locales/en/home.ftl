home-lead = Open government for { $jurisdiction }: the data the government holds, the conversations where you can have your say, and the commitments it reports on.
home-data-title = Open data
home-data-text = Every data holding of the government, open or not: what it is, who holds it, and when it will be released.
home-dialogue-title = Open dialogue
home-dialogue-text = Public consultations and co-creation: submit ideas, vote, and see what was done with what people said.
home-information-title = Open information
home-information-text = Commitments and projects with their milestones and progress, and a searchable library of public documents.
