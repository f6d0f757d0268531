# Data requests
catalogue-sample = Sample
catalogue-requests-title = Data requests
catalogue-requests-intro = Ask for data the government holds but does not publish yet. Vote for the requests that matter to you: the most-voted requests help decide what is released first.
catalogue-requests-any-status = Any status
catalogue-requests-any-organization = Any organization
catalogue-requests-count = Requests found: { $count }
catalogue-requests-none = No data requests match.
catalogue-request-new-title = Request a dataset
catalogue-request-new-intro = Describe the data you need and what you would use it for. Your request is public; your name is not shown with it.
catalogue-request-field-title = Title
catalogue-request-title-hint = A short name for the data, at most { $max } characters.
catalogue-request-field-description = Description
catalogue-request-description-hint = What the data should contain and what you would use it for, at most { $max } characters. You can use Markdown.
catalogue-request-field-organization = Organization that may hold it
catalogue-request-organization-hint = Optional. Staff will assign the request to the right organization.
catalogue-request-organization-unknown = I don't know
catalogue-request-submit = Submit the request
catalogue-request-field-status = Status
catalogue-request-field-planned-date = Planned release date
catalogue-request-planned-date-hint = Required when the status is “planned”, for example 2027-03-31.
catalogue-request-field-dataset = Released dataset
catalogue-request-dataset-hint = Required when the status is “released”: the dataset's identifier (the last part of its address).
catalogue-request-field-note = Note
catalogue-request-note-hint = Shown in the request's history. Required when declining: the reason people will read.
catalogue-request-assigned-to = Assigned to
catalogue-request-unassigned = Not assigned yet
catalogue-request-assign = Assign
catalogue-request-change-status = Change the status
catalogue-request-staff-heading = Answer this request
catalogue-request-final = This request is released: its status cannot change any more.
catalogue-request-planned-for = planned for { $date }
catalogue-request-sample-note = This request is an example, written to show how data requests work.
catalogue-request-status-title = Status: { $status }
catalogue-request-planned-text = The data is planned to be released on { $date }.
catalogue-request-released-text = The data is released:
catalogue-request-declined-text = The data cannot be released. The reason:
catalogue-request-submitted-on = Submitted on
catalogue-request-votes-heading = Votes
catalogue-request-one-vote = 1 vote
catalogue-request-votes-count = { $count } votes
catalogue-request-vote = Vote for this request
catalogue-request-withdraw = Withdraw my vote
catalogue-request-you-voted = You voted for this request.
catalogue-request-voting-closed = Voting is closed: the request is answered.
catalogue-request-sign-in-to-vote = Sign in to vote, comment or follow this request
catalogue-request-follow = Follow: e-mail me when its status changes
catalogue-request-unfollow = Stop following
catalogue-request-history = History
catalogue-request-comments = Comments ({ $count })
catalogue-request-no-comments = No comments yet.
catalogue-request-participant = A participant
catalogue-request-comment = Comment
catalogue-request-comment-hint = At most { $max } characters. You can use Markdown.
catalogue-request-post-comment = Post the comment

catalogue-request-status-submitted = Submitted
catalogue-request-status-under-review = Under review
catalogue-request-status-in-progress = In progress
catalogue-request-status-planned = Planned
catalogue-request-status-released = Released
catalogue-request-status-declined = Declined
catalogue-request-status-text-submitted = The request is waiting for staff to review it.
catalogue-request-status-text-under-review = Staff are finding out whether the data exists and whether it can be released.
catalogue-request-status-text-in-progress = The data is being prepared for release.

catalogue-request-error-organization = Choose an organization from the list.
catalogue-request-error-closed = This request is answered: voting is closed.
catalogue-request-error-voted-already = You have already voted for this request. Each person has one vote.
catalogue-request-error-not-voted = You have not voted for this request, so there is no vote to withdraw.
catalogue-request-error-staff-only = Only administrators and editors of the request's organization can do this.
catalogue-request-error-transition = This status cannot follow the request's current status. Choose one of the statuses offered.
catalogue-request-error-planned-date = Give the date when the data is planned to be released.
catalogue-request-error-planned-past = The planned date is in the past. Give today's date or a later one.
catalogue-request-error-date-format = Give a date like 2027-03-31.
catalogue-request-error-dataset-required = Give the identifier of the dataset that answers this request.
catalogue-request-error-dataset-unknown = There is no public dataset with this identifier.
catalogue-request-error-reason = Explain why the data cannot be released.

notice-catalogue-request-submitted = Your request is submitted. You will get an e-mail when its status changes.
notice-catalogue-request-voted = Your vote is counted.
notice-catalogue-request-vote-withdrawn = Your vote is withdrawn.
notice-catalogue-request-following = You follow this request: you will get an e-mail when its status changes.
notice-catalogue-request-unfollowed = You no longer follow this request.
notice-catalogue-request-commented = Your comment is posted.
catalogue-request-replies = Replies
catalogue-request-reply = Reply
catalogue-request-reply-label = Your reply
catalogue-request-reply-button = Post the reply
catalogue-request-comment-edited = edited { $date }
catalogue-request-comment-edit = Edit
catalogue-request-comment-edit-hint = You can edit a comment for { $minutes } minutes after posting it; the change is shown.
catalogue-request-comment-edit-button = Save the change
notice-catalogue-request-comment-edited = Your comment is changed.
catalogue-request-error-reply-target = This comment cannot be answered: it is not on this request.
catalogue-request-error-author-only = Only the comment's author can change it.
catalogue-request-error-edit-window = A comment can be edited only in the { $minutes } minutes after it is posted.
notice-catalogue-request-status-changed = The status is changed. Followers are told by e-mail.
notice-catalogue-request-assigned = The assignment is saved.

catalogue-request-email-subject = { $site }: “{ $title }” is now { $status }
catalogue-request-email-body =
    Hello,

    The data request “{ $title }”, which you follow, is now: { $status }.

    { $detail }See the request: { $link }

    You get this e-mail because you follow this request. To stop, open the link and choose “Stop following”.
catalogue-request-email-planned = The data is planned to be released on { $date }.
catalogue-request-email-released = The data is released: { $link }
catalogue-request-email-declined = The reason it cannot be released: { $reason }
