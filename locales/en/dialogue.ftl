# Open dialogue: consultations directory, co-creation processes, ideas, votes, moderation.

dialogue-nav-consultations = Consultations
dialogue-nav-processes = Co-creation

# Directory
dialogue-directory-title = Consultations directory
dialogue-directory-lead = Public consultations of the government: what is open now, what is coming, and what came of past ones.
dialogue-directory-none = No consultation matches these filters.
dialogue-directory-all = All consultations
dialogue-closing-title = Closing soon
dialogue-closing-lead = Open consultations that close within { $days } days, soonest first.
dialogue-closing-none = No open consultation closes in the coming days.
dialogue-feed-title = Consultations (Atom feed)
dialogue-feed-link = Follow with a feed reader (Atom)
dialogue-download-csv = Download the directory (CSV)
dialogue-filter-label = Filter
dialogue-filter-q = Words
dialogue-filter-any = Any
dialogue-filter-clear = Clear the filters
dialogue-organization = Organization
dialogue-topic = Topic
dialogue-topics = Topics
dialogue-level = Engagement level
dialogue-status = Status
dialogue-when = When
dialogue-when-ongoing = Ongoing
dialogue-when-opens = Opens on { $date }
dialogue-when-until = Open until { $date }
dialogue-when-closed = Closed on { $date }
dialogue-from-to = From { $from } to
dialogue-until = until { $date }
dialogue-left-today = Closes today
dialogue-left-tomorrow = Closes tomorrow
dialogue-left-days = { $days } days left
dialogue-status-upcoming = Upcoming
dialogue-status-open = Open
dialogue-status-closed = Closed
dialogue-status-results = Results published
dialogue-level-share = Share
dialogue-level-consult = Consult
dialogue-level-deliberate = Deliberate
dialogue-level-collaborate = Collaborate
dialogue-level-help-share = the government informs people.
dialogue-level-help-consult = the government asks for views and feedback.
dialogue-level-help-deliberate = people discuss the issue in depth and weigh options together.
dialogue-level-help-collaborate = people and the government develop the solution together.
dialogue-take-part = How to take part
dialogue-take-part-upcoming = This consultation has not opened yet. Come back when it opens.
dialogue-take-part-closed = This consultation is closed.
dialogue-ways-none = The organization has not said how to take part yet.
dialogue-way-ideas = Submit ideas on this site
dialogue-way-survey = Answer a survey
dialogue-way-event = Come to a meeting
dialogue-way-link = Take part on another site
dialogue-way-ideas-go = Share your ideas
dialogue-way-open-link = Open the page
dialogue-way-event-link = More about this meeting
dialogue-external = (another site)
dialogue-see-process = See the ideas and what became of them
dialogue-results = Results
dialogue-results-none = No results are published yet.
dialogue-results-published-on = Published on { $date }.
dialogue-we-asked = We asked
dialogue-you-said = You said
dialogue-we-did = We did
dialogue-we-did-hint = Required: what the government did or decided because of what people said.
dialogue-results-report = Read the full report
dialogue-results-publish = Publish the results
dialogue-results-intro = Say what was asked, what people said and what the government did. Publishing changes the status to "Results published".
dialogue-results-url = Link to the full report
dialogue-results-url-hint = Optional. An address that starts with https://
dialogue-in-english = In English
dialogue-in-french = In French
dialogue-sample = Sample
dialogue-sample-explain = This entry was written for the demonstration.
dialogue-sample-process = This process and its ideas were written for the demonstration; the phases and figures follow Ontario's 2016 action plan.
dialogue-sample-author = Sample (demonstration)
dialogue-sample-idea-explain = This idea was written for the demonstration; it is not a real submission.
dialogue-anonymous = A participant
dialogue-listed-in-directory = In the consultations directory:

# Processes
dialogue-processes-title = Co-creation processes
dialogue-processes-lead = Processes where people submit ideas by theme, staff assess them, and people vote for their favourites.
dialogue-processes-none = There is no process yet.
dialogue-process = Process
dialogue-process-no-phase-open = No phase is open now.
dialogue-process-nothing-now = There is nothing to do in this process now.
dialogue-phases = Phases
dialogue-phase-ideas = Ideas
dialogue-phase-assessment = Assessment
dialogue-phase-voting = Voting
dialogue-phase-workshops = Workshops
dialogue-phase-commitments = Commitments
dialogue-phase-now = Open now
dialogue-phase-next = Coming
dialogue-phase-done = Finished
dialogue-may-submit = Who may submit ideas
dialogue-may-comment = Who may comment
dialogue-may-vote = Who may vote
dialogue-audience-nobody = nobody
dialogue-audience-verified = people with a verified e-mail address
dialogue-audience-signed_in = anyone signed in
dialogue-themes = Themes
dialogue-theme = Theme
dialogue-all-themes = All themes
dialogue-how-votes-work = How voting works
dialogue-rule-one_per_theme = One favourite per theme
dialogue-rule-approval = Up to a number of ideas
dialogue-rule-one_per_theme-explain = Each person chooses one favourite idea in each theme.
dialogue-rule-approval-explain = Each person chooses up to { $max } ideas.
dialogue-tallies-hidden-explain = Vote counts stay hidden until voting closes, so that early counts do not sway later voters.
dialogue-tallies-hidden = Hidden until voting closes.
dialogue-receipt-explain = After voting you get a receipt code: with it you can check later that your vote is counted, and nobody can tell from it what you chose.
dialogue-in-numbers = In numbers
dialogue-voters = People who voted
dialogue-ballots = Ballots
dialogue-comments = Comments
dialogue-count-ideas = { $count } ideas
dialogue-count-themes = { $count } themes
dialogue-count-comments = { $count } comments
dialogue-count-votes = { $count } votes

# Ideas
dialogue-ideas-title = Ideas
dialogue-ideas-all = All ideas
dialogue-ideas-none = No idea matches.
dialogue-idea = Idea
dialogue-state = State
dialogue-state-submitted = Submitted
dialogue-state-in_assessment = Being assessed
dialogue-state-accepted = Accepted for voting
dialogue-state-not_retained = Not retained
dialogue-state-merged = Merged
dialogue-visibility-visible = Visible
dialogue-visibility-pending = Hidden pending review
dialogue-visibility-removed = Removed by a moderator
dialogue-visibility-explain-visible = This is visible.
dialogue-visibility-explain-pending = This was hidden after reports from participants, until a moderator reviews it.
dialogue-visibility-explain-removed = A moderator removed this because it broke the participation rules.
dialogue-idea-hidden-title = Idea hidden
dialogue-submit-idea = Submit an idea
dialogue-submit-idea-button = Submit my idea
dialogue-check-similar = Check for similar ideas first
dialogue-guidance-title = Writing a clear idea
dialogue-guidance-1 = Say in one sentence what should change.
dialogue-guidance-2 = Say who it would help, and how.
dialogue-guidance-3 = Use short sentences and everyday words; explain any acronym.
dialogue-guidance-4 = Plain text or Markdown (**bold**, lists, links). HTML is not accepted.
dialogue-ideas-limit = Each person may submit up to { $max } ideas in this process.
dialogue-idea-title = Title
dialogue-idea-title-hint = A short summary, at most { $max } characters.
dialogue-idea-body = Your idea
dialogue-idea-body-hint = What should change, who it would help and how. At most { $max } characters.
dialogue-similar-title = Similar ideas already submitted
dialogue-similar-none = We found no similar idea. You can submit yours.
dialogue-similar-intro = Someone may have had the same idea. You can comment on or vote for it instead, or submit yours if it is different.
dialogue-long-sentences = Your sentences have { $words } words on average. Sentences of 20 words or fewer are easier to read.
dialogue-by = By
dialogue-merged-into = This idea was merged into another one:
dialogue-merged-from = Ideas merged into this one
dialogue-version-current = Plain-language version
dialogue-version-original = The author's original
dialogue-version-as-submitted = As submitted
dialogue-version-history = Every version
dialogue-version-n = version { $n }
dialogue-rewritten-by = Rewritten by { $name }
dialogue-rewritten-tag = rewritten in plain language
dialogue-rewrite-note = What changed
dialogue-objection-recorded = The author objected to this rewrite on { $date }:
dialogue-object-summary = Object to this rewrite
dialogue-object-label = What is wrong with the rewrite?
dialogue-object-hint = Your objection is recorded and shown on this page. Staff will review it.
dialogue-object-button = Record my objection
dialogue-answer = Answer from the government
dialogue-follow = Follow this idea
dialogue-unfollow = Stop following
dialogue-assess = Assess this idea
dialogue-comments-none = No comments yet.
dialogue-comment-label = Your comment
dialogue-comment-hint = Be respectful and stay on topic. At most { $max } characters.
dialogue-comment-button = Post my comment
dialogue-comment-sign-in = Sign in to comment.
dialogue-report = Report
dialogue-report-why = Why should a moderator look at this?
dialogue-report-send = Send the report
dialogue-reason-spam = Spam or advertising
dialogue-reason-offensive = Offensive or abusive
dialogue-reason-off_topic = Does not belong here
dialogue-target-idea = idea
dialogue-target-comment = comment
dialogue-read-idea = Read it

# Voting
dialogue-vote-title = Vote
dialogue-vote-go = Vote for your favourite ideas
dialogue-vote-closes = Voting closes on { $date }.
dialogue-vote-change-explain = You have voted already. You can change your choices until voting closes; your receipt code stays valid.
dialogue-vote-already = You voted in this group. Choose another idea to change your vote.
dialogue-vote-no-ideas = No idea is on the ballot here.
dialogue-vote-approval-legend = Choose up to { $max } ideas
dialogue-vote-cast = Cast my vote
dialogue-vote-save = Save my changes
dialogue-vote-review = Review my vote
dialogue-voted-title = Thank you for voting
dialogue-voted-tag = Voted
dialogue-voted-cast = Ballots counted: { $count }.
dialogue-voted-changed = Ballots changed: { $count }.
dialogue-receipt-title = Your receipt
dialogue-receipt-intro = Keep this code. With it you can check at any time that your vote is counted. It does not say what you chose, to you or to anyone.
dialogue-receipt-keep = It is shown only now: copy it or write it down. We keep only a fingerprint of it.
dialogue-receipt-check-now = Check it now
dialogue-receipt-unchanged = Your earlier receipt code still checks these ballots.
dialogue-receipt-check-title = Check a vote receipt
dialogue-receipt-check-lead = Enter the code you received after voting to see that your vote is counted.
dialogue-receipt-code = Receipt code
dialogue-receipt-code-hint = 20 letters and digits, for example ABCDE-12345-FGHJK-67890.
dialogue-receipt-check-button = Check
dialogue-receipt-found = Your vote is counted
dialogue-receipt-in = In
dialogue-receipt-issued = Receipt issued on { $date }.
dialogue-receipt-ballot = Ballot
dialogue-receipt-counted = counted
dialogue-receipt-not-counted = not counted
dialogue-receipt-changed = last changed on { $date }
dialogue-receipt-private = The receipt does not show which idea was chosen: nobody can learn it from the code.
dialogue-receipt-unknown-title = Receipt not found
dialogue-receipt-unknown = No ballot has this receipt code. Check that you typed it as it was shown.
dialogue-results-ranked = Ranked results
dialogue-results-at-close = Results are published when voting closes, on { $date }.
dialogue-results-no-voting = This process has no vote.
dialogue-results-totals = { $voters } people voted.
dialogue-results-ballots = { $ballots } ballots were counted.
dialogue-results-sample = The ballots are samples cast for the demonstration.
dialogue-rank = Rank
dialogue-votes = Votes
dialogue-percent = { $n }%
dialogue-share = Share of the theme's votes

# Open data
dialogue-data-title = Open data
dialogue-data-intro = Everything public in this process, to download and reuse: ideas with their answers, comments, and vote counts. Who voted for what is never published.
dialogue-data-what = Data
dialogue-data-ideas = Ideas and answers
dialogue-data-comments = Comments
dialogue-data-tallies = Vote counts
dialogue-data-licence = Free to reuse under the Open Government Licence.
dialogue-data-api = The same data and more through the API, described at

# Staff: assessment
dialogue-queue-title = Assessment queue
dialogue-queue-lead = Ideas waiting for an assessment, oldest first, and ideas whose author objected to a rewrite.
dialogue-queue-empty = No idea is waiting.
dialogue-submitted-on = Submitted
dialogue-objected-tag = Author objected
dialogue-assess-title = Assess: { $title }
dialogue-idea-public-page = Public page of the idea
dialogue-assessment = Assessment
dialogue-criteria = Criteria
dialogue-criteria-hint = Tick each criterion the idea meets.

## Setting a process up (staff)
dialogue-setup-new-title = New co-creation process
dialogue-setup-edit-title = Edit the process's setup
dialogue-setup-new-intro = Set up the phases, themes, assessment criteria and voting rules. Nothing is public until a phase opens; you can change the setup later.
dialogue-setup-edit-intro = Changes that would break what has already happened — ideas, assessments, ballots — are refused with the reason, and nothing is saved.
dialogue-setup-link-edit = Edit this process's setup
dialogue-setup-link-new = Set up a new process
dialogue-setup-copy-title = Copy from a previous process
dialogue-setup-copy-intro = Start from the setup of another process: its phases moved to a new start date, its themes, criteria, rules and limits. Ideas and ballots are not copied. You review everything before saving.
dialogue-setup-copy-from = Process to copy
dialogue-setup-copy-start = First phase opens on
dialogue-setup-copy-start-hint = The phases keep their length and the gaps between them. Leave empty for a week from today.
dialogue-setup-copy-button = Copy the setup
dialogue-setup-about = The process
dialogue-setup-slug = Short name in the address
dialogue-setup-slug-hint = 2 to 100 lower-case letters, digits and hyphens. It cannot be changed later.
dialogue-setup-theme-slug-hint = Used in addresses; it cannot be changed later. Fill this row to add a theme.
dialogue-setup-organization = Organization
dialogue-setup-title-en = Title in English
dialogue-setup-title-fr = Title in French
dialogue-setup-summary-en = Summary in English
dialogue-setup-summary-fr = Summary in French
dialogue-setup-guidance-en = Guidance beside the idea form, in English
dialogue-setup-guidance-fr = Guidance beside the idea form, in French
dialogue-setup-markdown-hint = Plain text or Markdown; no HTML.
dialogue-setup-description-en = Description in English
dialogue-setup-description-fr = Description in French
dialogue-setup-label-en = Criterion in English
dialogue-setup-label-fr = Criterion in French
dialogue-setup-phases-intro = Tick each phase the process has and give its dates; phases may not overlap. For each, say who may submit ideas, comment and vote while it is open.
dialogue-setup-phase-include = This process has this phase
dialogue-setup-opens-on = Opens on
dialogue-setup-closes-on = Closes on
dialogue-setup-themes-intro = Ideas are submitted under a theme. A theme that holds ideas cannot be removed.
dialogue-setup-theme-n = Theme { $n }
dialogue-setup-remove-theme = Remove this theme
dialogue-setup-criteria-intro = Staff tick the criteria an idea meets when they assess it. A criterion already used in an assessment cannot be removed.
dialogue-setup-criterion-n = Criterion { $n }
dialogue-setup-remove-criterion = Remove this criterion
dialogue-setup-voting = Voting and limits
dialogue-setup-vote-rule = Voting rule
dialogue-setup-vote-rule-hint = It cannot change once someone has voted.
dialogue-setup-vote-max = Ideas a ballot may hold
dialogue-setup-vote-max-hint = For "up to a number of ideas": 1 to 50.
dialogue-setup-hide-tallies = Hide the tallies until voting closes
dialogue-setup-ideas-per-person = Ideas one person may submit
dialogue-setup-ideas-per-person-hint = 0 for no limit; at most 1000.
dialogue-setup-report-threshold = Reports that hide a contribution pending review
dialogue-setup-report-threshold-hint = 1 to 100.
dialogue-setup-save = Save the setup
dialogue-setup-create = Create the process
notice-dialogue-process-created = The process is created.
notice-dialogue-process-saved = The setup is saved. Participants see the new dates on the process page.
dialogue-error-too-many = There can be at most { $max }.
dialogue-error-year = Enter a date between the years { $min } and { $max }.
dialogue-error-date = Enter a date as year-month-day, such as 2027-03-31.
dialogue-error-no-phase = Give the process at least one phase.
dialogue-error-phases-overlap = This phase starts before the { $phase ->
    [ideas] ideas
    [assessment] assessment
    [voting] voting
    [workshops] workshops
   *[commitments] commitments
} phase ends; phases may not overlap.
dialogue-error-rule-after-ballots = The voting rule cannot change: { $count ->
    [one] a ballot has
   *[other] { $count } ballots have
} been cast under it.
dialogue-error-max-after-ballots = Ballots may not hold fewer ideas than before ({ $max }): { $count ->
    [one] a ballot has
   *[other] { $count } ballots have
} been cast.
dialogue-error-theme-has-ideas = The theme "{ $theme }" holds { $count ->
    [one] an idea
   *[other] { $count } ideas
}; it cannot be removed.
dialogue-error-criterion-used = The criterion "{ $criterion }" was used in { $count ->
    [one] an assessment
   *[other] { $count } assessments
}; it cannot be removed.
dialogue-error-phase-holds = The { $phase ->
    [ideas] ideas phase
   *[voting] voting phase
} holds { $count ->
    [one] a contribution
   *[other] { $count } contributions
}; it cannot be removed.
dialogue-error-phase-started = This phase has started and holds { $count ->
    [one] a contribution
   *[other] { $count } contributions
}; it cannot be moved to open after today.

dialogue-decision = Decision
dialogue-merge-into = Merge into
dialogue-merge-hint = For "Merged": the idea this one duplicates. Both stay visible, linked to each other.
dialogue-merge-none = No merge
dialogue-answer-en = Public answer, in English
dialogue-answer-fr = Public answer, in French
dialogue-answer-hint = Shown on the idea's page. Required when the idea is not retained: say why.
dialogue-assess-save = Save the assessment
dialogue-rewrite-title = Plain-language rewrite
dialogue-rewrite-intro = A rewrite becomes a new version. The author's original stays visible beside it, with your name and the date; the author is told by e-mail and may object.
dialogue-rewrite-body-hint = Short sentences, everyday words, the author's meaning.
dialogue-rewrite-note-hint = Optional, for example "shorter sentences; explained OPS".
dialogue-rewrite-save = Save the rewrite
dialogue-notes-title = Private notes
dialogue-notes-private = Only staff see these notes. They are never published.
dialogue-notes-none = No notes yet.
dialogue-note-label = New note
dialogue-note-add = Add the note

# Staff: moderation
dialogue-moderation-title = Moderation
dialogue-moderation-lead = Reported ideas and comments. Contributions hidden by reports stay hidden until you decide.
dialogue-moderation-empty = Nothing is waiting for review.
dialogue-moderation-see = See it in context
dialogue-moderation-first = first report on { $date }
dialogue-moderation-reports = { $count } open reports
dialogue-moderation-threshold = hidden after { $count } reports
dialogue-moderation-keep = Keep it (show it again)
dialogue-moderation-remove = Remove it
dialogue-moderation-block = Remove it and block the author

# E-mails
dialogue-email-rewritten-subject = Your idea "{ $title }" was rewritten in plain language
dialogue-email-rewritten-body =
    Hello,

    Staff rewrote your idea "{ $title }" on { $site } in plain language. Your original stays visible beside the new version.

    If the rewrite changes what you meant, you can object on the idea's page:

    { $link }
dialogue-email-assessed-subject = News about the idea "{ $title }"
dialogue-email-assessed-body =
    Hello,

    The idea "{ $title }" on { $site } has a new state or a new answer from the government:

    { $link }

    You receive this because you submitted or follow this idea.
dialogue-email-commented-subject = New comment on "{ $title }"
dialogue-email-commented-body =
    Hello,

    Someone commented on the idea "{ $title }" on { $site }:

    { $link }

    You receive this because you submitted or follow this idea.

# Notices
notice-dialogue-results-published = The results are published.

## Staff running a consultation's directory entry

dialogue-entry-new-consultation-title = New consultation
dialogue-entry-edit-consultation-title = Edit the consultation
dialogue-entry-consultation-form-intro = The entry is saved as a draft: only staff of its organization see it, and its page is the preview. Publish it from its page.
dialogue-entry-consultation-save = Save
dialogue-entry-choose = Choose…
dialogue-entry-none = None
dialogue-entry-field-slug = Address name
dialogue-entry-field-slug-hint = Lower-case letters, digits and hyphens, used in the page's address: for example budget-2027.
dialogue-entry-field-title-en = Title in English
dialogue-entry-field-title-fr = Title in French
dialogue-entry-field-title-hint = Give the title in English, in French, or both.
dialogue-entry-field-summary-en = Summary in English
dialogue-entry-field-summary-fr = Summary in French
dialogue-entry-field-summary-hint = What the consultation is about and what will be done with what people say. Markdown is allowed.
dialogue-entry-field-level-hint = How far the public is involved.
dialogue-entry-field-opens-on = Opening date
dialogue-entry-field-closes-on = Closing date
dialogue-entry-field-date-hint = Written as YYYY-MM-DD, for example 2027-03-31.
dialogue-entry-field-ongoing = Ongoing: open with no closing date
dialogue-entry-field-process = Co-creation process
dialogue-entry-field-process-hint = Where people submit ideas, for a way to take part of the kind "ideas".
dialogue-entry-field-ways-hint = Leave a way empty to remove it. Save to get more empty ways.
dialogue-entry-field-way-n = Way { $n }
dialogue-entry-field-way-kind = Kind
dialogue-entry-field-way-label-en = Description in English
dialogue-entry-field-way-label-fr = Description in French
dialogue-entry-field-way-url = Web address
dialogue-entry-field-way-url-hint = For a survey or a link: where to take part (http or https).
dialogue-entry-field-way-place-en = Place in English
dialogue-entry-field-way-place-fr = Place in French
dialogue-entry-field-way-event-hint = For an event: where it takes place.
dialogue-entry-field-way-event-on = Date of the event
dialogue-entry-field-way-time = Time of the event
dialogue-entry-field-way-time-hint = As people read it, for example 18:00–20:00.
dialogue-entry-draft = Draft
dialogue-entry-draft-explain = only staff of its organization see this page. Publish it to add it to the directory.
dialogue-entry-staff-actions = Staff actions
dialogue-entry-publish = Publish
dialogue-entry-close-now = Close now
dialogue-entry-reopen = Reopen
dialogue-entry-reopen-title = Reopen the consultation
dialogue-entry-reopen-intro = Give the new closing date, or make it ongoing.
dialogue-entry-delete-title = Delete
dialogue-entry-delete-intro = Deleting removes the entry, its ways to take part, its results and the list of people waiting for them. It cannot be undone; the audit log keeps what it was.
dialogue-entry-delete-files = Its { $count ->
    [one] attached file is
   *[other] { $count } attached files are
} removed too.
dialogue-entry-delete-public = The entry is public: people may have linked to it.
dialogue-entry-delete-confirm = Delete the consultation
dialogue-entry-cancel = Cancel
dialogue-entry-staff-consultations-title = Consultations of my organizations
dialogue-entry-staff-consultations-none = Your organizations have no consultations yet.
dialogue-entry-subscribe = Tell me when the results are published
dialogue-entry-unsubscribe = Stop telling me
dialogue-entry-subscribed = You will get an e-mail when the results are published.
dialogue-entry-subscribe-sign-in = Sign in to get an e-mail when the results are published
dialogue-attachments = Documents
dialogue-attachments-none = No documents are attached.
dialogue-attachment-file = File
dialogue-attachment-add = Attach the file
dialogue-attachment-remove = Remove
dialogue-entry-error-organization-required = Choose the organization that runs the consultation.
dialogue-entry-error-not-your-organization = You do not edit for this organization.
dialogue-entry-error-date-format = Give a date like 2027-03-31.
dialogue-entry-error-already-closed = This consultation is already closed.
dialogue-entry-error-reopen-past = The new closing date must be today or later.
dialogue-entry-error-file-missing = Choose a file to attach.
dialogue-entry-error-file-empty = The file is empty.
dialogue-email-results-subject = Results published: { $title }
dialogue-email-results-body =
    The results of the consultation "{ $title }" are published on { $site }:

    { $link }

    You get this e-mail because you asked to be told when they were published.
notice-dialogue-consultation-saved = The consultation is saved.
notice-dialogue-consultation-published = The consultation is published: it is in the directory.
notice-dialogue-consultation-closed = The consultation is closed.
notice-dialogue-consultation-reopened = The consultation is open again.
notice-dialogue-consultation-deleted = The consultation is deleted.
notice-dialogue-subscribed = You will get an e-mail when the results are published.
notice-dialogue-unsubscribed = You will no longer get an e-mail about these results.
notice-dialogue-attachment-added = The file is attached.
notice-dialogue-attachment-removed = The file is removed.

notice-dialogue-idea-submitted = Thank you: your idea is submitted. Staff will assess it; you will get an e-mail when it changes.
notice-dialogue-commented = Your comment is posted.
dialogue-replies = Replies
dialogue-reply = Reply
dialogue-reply-label = Your reply
dialogue-reply-button = Post the reply
dialogue-comment-edited = edited { $date }
dialogue-comment-edit = Edit
dialogue-comment-edit-hint = You can edit a comment for { $minutes } minutes after posting it; the change is shown.
dialogue-comment-edit-button = Save the change
notice-dialogue-comment-edited = Your comment is changed.
dialogue-error-reply-target = This comment cannot be answered: it is not on this idea, or it is hidden.
dialogue-error-edit-window = A comment can be edited only in the { $minutes } minutes after it is posted.
notice-dialogue-following = You follow this idea: you will get an e-mail when it changes.
notice-dialogue-unfollowed = You no longer follow this idea.
notice-dialogue-objection-recorded = Your objection is recorded.
notice-dialogue-reported = Thank you: a moderator will look at your report.
notice-dialogue-reported-hidden = Thank you: after several reports this is now hidden until a moderator reviews it.
notice-dialogue-assessed = The assessment is saved.
notice-dialogue-rewritten = The rewrite is saved as a new version; the author was told.
notice-dialogue-note-added = The note is added.
notice-dialogue-moderated = Your decision is saved.

# Errors
dialogue-error-html = HTML is not accepted (that includes scripts). Write plain text or Markdown.
dialogue-error-link = Links must start with https://, http:// or mailto:.
dialogue-error-control = This text contains invisible control characters. Type or paste it again.
dialogue-error-url = Enter an address that starts with https://
dialogue-error-dates = The closing date must not be before the opening date.
dialogue-error-closes-or-ongoing = Give a closing date, or mark the consultation as ongoing.
dialogue-error-phase-twice = A process has at most one phase of each kind.
dialogue-error-no-organization = This organization does not exist.
dialogue-error-submissions-closed = Ideas cannot be submitted now: the idea phase of this process is not open.
dialogue-error-voting-closed = Voting is not open in this process now.
dialogue-error-comments-closed = Comments are closed in this process now.
dialogue-error-verify-first = Verify your e-mail address first: open the link we sent you, or send it again from your account page.
dialogue-error-not-allowed = You may not do this in this phase.
dialogue-error-idea-limit = You have submitted the most ideas one person may submit in this process ({ $max }).
dialogue-error-flood-ideas = You submitted { $count } ideas in the last hour. Wait a while before submitting more.
dialogue-error-flood-comments = You posted { $count } comments in the last ten minutes. Wait a few minutes before posting more.
dialogue-error-idea-hidden = This idea is hidden pending review; it cannot take comments now.
dialogue-error-reason-required = Say why the idea is not retained: the answer is required.
dialogue-error-merge-self = An idea cannot be merged into itself.
dialogue-error-merge-target = Choose an idea of the same process that is not merged itself.
dialogue-error-rewrite-same = The rewrite is the same as the current text.
dialogue-error-rewrite-conflict = Someone saved another rewrite at the same time. Reload the page and try again.
dialogue-error-author-only = Only the idea's author can do this.
dialogue-error-nothing-to-object = This idea has not been rewritten; there is nothing to object to.
dialogue-error-objected-already = You have objected to this version already.
dialogue-error-ballot-empty = Choose at least one idea.
dialogue-error-ballot-twice = This group appears twice in the ballot.
dialogue-error-ballot-duplicate = The same idea is chosen twice.
dialogue-error-ballot-too-many = Choose at most { $max } ideas.
dialogue-error-ballot-idea = This idea is not on the ballot here.
dialogue-error-already-voted = You have already voted here. Your vote was not counted twice; you can change it while voting is open.
dialogue-error-no-ballot = There is no earlier vote to change here. Reload the ballot and vote again.
dialogue-error-report-own = You cannot report your own contribution.
dialogue-error-report-removed = This was removed already.
dialogue-error-reported-already = You have reported this already. A moderator will look at it.
dialogue-error-reason-choose = Choose why you report this.
dialogue-error-staff-only = Only staff of the organization can do this.
dialogue-error-moderators-only = Only moderators can do this.
dialogue-error-no-author = This contribution has no author account to block.
dialogue-error-block-staff = Staff accounts cannot be blocked from here.
dialogue-label-colon = { $label }:
dialogue-colon = :
