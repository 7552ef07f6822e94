# Alcove — English. Plain words, short sentences (aim: reading grade 8 or below).

skip-to-content = Skip to main content
nav-label = Main
nav-home = Home
nav-messages = Messages
nav-access-log = Who has accessed my record
nav-audit = Audit log
nav-account = Account and security
nav-sign-out = Sign out
nav-sign-in = Sign in
nav-where = Where can I see clients?
nav-credentials = Credentials
nav-practice = Our practice
nav-policies = Policies
nav-ce = Continuing education
signed-in-as = Signed in as { $name }
footer-emergency = In an emergency, call 911. For a mental health crisis in the US, call or text 988. Messages here are not watched around the clock.

role-client = Client
role-clinician = Clinician
role-supervisor = Supervisor
role-admin = Administrator
role-auditor = Auditor
role-anonymous = Not signed in
role-system = System
yes = Yes
no = No

error-title = Something is not right
error-status = Error code { $status }
error-go-home = Go to the home page
error-not-found = We could not find this page. It may have moved, or you may not have access to it.
error-forbidden = Your account does not have access to this page.
error-internal = Something went wrong on our side. Nothing you sent was lost or half saved. Please try again.
error-too-many = Too many attempts. Please wait a little and try again.
error-too-large = What you sent is too large.
error-bad-request = We could not understand that request. Please go back and try again.
error-csrf = This form has expired or came from another site. Please go back, reload the page and try again.

public-home-title = Welcome
public-home-intro = We offer therapy online by secure video and messages. Our clinicians can only see you in the places where they are licensed.
public-home-clinicians = Our clinicians
public-home-limits-title = What online therapy can and cannot do
public-home-limits = Online therapy is not an emergency service. If you are in danger or thinking of harming yourself, call 911 or call or text 988.
clinician-profile-verify = You can check each licence with the state board that issued it.
clinician-profile-back = Back to the practice
clinician-profile-policy = How our clinicians behave online, and how we protect your privacy there:
public-home-policy-title = Your privacy online
public-home-policy = We never friend, follow or look up clients online, and we never answer reviews. Read the whole policy:

sign-in-title = Sign in
sign-in-email = Email address
sign-in-password = Password
sign-in-submit = Sign in
sign-in-staff-note = Staff will be asked for a code from their authenticator app.
sign-in-failed = That email and password do not match an account. Check them and try again.
sign-in-throttled = Too many attempts. Please wait a few minutes, then try again.
sign-in-code-title = Enter your code
sign-in-code-label = 6-digit code
sign-in-code-hint = Open your authenticator app and type the code it shows for this practice. You can also use a recovery code.
sign-in-code-submit = Continue
sign-in-code-failed = That code is not right, or it was already used. Wait for a new code and try again.

account-title = Account and security
account-name = Name
account-email = Email
account-role = Role
two-factor-title = Two-step sign-in
two-factor-on = Two-step sign-in is on.
two-factor-off = Two-step sign-in is off. Turn it on to keep your account safer.
two-factor-set-up = Set up two-step sign-in
two-factor-why = Staff sign in with a password and a code from an authenticator app. This keeps client records safe even if a password leaks.
two-factor-step-scan = Scan this code with your authenticator app.
two-factor-qr-alt = QR code to add this account to an authenticator app
two-factor-manual = Or type this key into the app:
two-factor-step-code = Type the 6-digit code the app shows.
two-factor-confirm = Turn on two-step sign-in
two-factor-code-wrong = That code did not match. Check the time on your phone and try the newest code.
recovery-left = Unused recovery codes: { $count }.
recovery-new = Make new recovery codes
recovery-title = Your recovery codes
recovery-explain = Keep these codes somewhere safe. Each one works once, if you lose your phone. We will not show them again.
recovery-done = I have saved them
password-title = Change password
password-current = Current password
password-new = New password
password-rule = At least 12 characters. A short sentence is easy to remember.
password-confirm = New password again
password-submit = Change password
password-current-wrong = Your current password is not right.
password-mismatch = The two new passwords are not the same.
password-too-weak = That password is too easy to guess. Use at least 12 characters.
password-changed = Your password is changed. You were signed out everywhere else.
everywhere-title = Sign out everywhere
everywhere-explain = This signs you out on every device, including this one.
everywhere-submit = Sign out everywhere

home-title = Home
home-client-intro = This is your private space with your care team.
home-client-team = Your care team
home-client-messages = Read messages from your care team.
home-client-access = See every time someone opened your record.
home-client-edt = Choose how we may contact you outside this portal, and see the risks of each way.
home-client-plan = What you and your clinician agreed to do if you meet online by chance.
home-client-policy = How we protect your privacy online.
home-policy-ack-due = Please read and acknowledge the social-media policy (version { $version }).
home-caseload = Your clients
home-caseload-empty = You have no clients yet.
home-caseload-caption = Clients you care for, with where they usually live
home-col-client = Client
home-col-location = Usual location
home-supervisees = Clinicians you supervise
home-accounts = Staff accounts
home-admin-client-count = { $count ->
    [one] There is 1 client account. Client names are shown only to their care team.
   *[other] There are { $count } client accounts. Client names are shown only to their care team.
}
home-admin-no-clinical = You manage accounts and settings. Clinical records are not shown to administrators.
home-auditor = You can read the audit log and check that it has not been changed.
crisis-title = If you need help now
crisis-body = Call or text 988 (Suicide and Crisis Lifeline) any time. In danger, call 911. Messages to your clinician are not for emergencies.

messages-not-emergencies = Not for emergencies — call 988 or 911.
messages-none = There are no messages yet.
messages-with-team = Messages with your care team
messages-count = { $count ->
    [one] 1 message
   *[other] { $count } messages
}
messages-thread-title = Conversation
messages-back = Back to all messages

access-title = Who has accessed my record
access-intro = Every time someone opens your record, we write it down. Here is the full list, newest first.
access-none = No one has opened your record yet.
access-caption = Accesses to your record, newest first
access-col-when = When
access-col-who = Who
access-col-role = Role
access-col-what = What they did
access-someone-unknown = Someone not signed in
access-the-system = The practice system
action-thread-view = Read your messages
action-record-created = Created your record
action-caseload-view = Saw your name on their client list
action-sign-in-succeeded = Signed in
action-account-password-changed = Changed the password
action-account-two-factor-enrolled = Turned on two-step sign-in
action-account-recovery-codes-replaced = Made new recovery codes
action-transmission-view = Saw your choices for contact outside the portal
action-transmission-changed = Signed a new Request for Electronic Data Transmission
action-transmission-check = Checked whether you allow contact this way
action-encounter-plan-view = Read your online encounter plan
action-encounter-plan-changed = Changed your online encounter plan
action-record-view = Opened your record (contact choices, online encounter plan, policy acknowledgment)
action-policy-acknowledged = Acknowledged the social-media policy

audit-title = Audit log
audit-caption = The newest events, newest first
audit-verify = Check the whole log
audit-verify-ok = The log is intact: { $events } events checked, every signature valid.
audit-verify-broken = The log has been changed: the first bad event is number { $seq }.
audit-col-action = Action
audit-col-client = Client record
audit-col-object = Object

where-title = Where can I see clients?
where-intro = You may see a client only where they are at the time of the session (NASW/ASWB Standard 5). These are the places your credentials cover on { $date }.
where-caption = Places you can see clients on { $date }
where-none = Your credentials cover no jurisdiction on this date.
where-no-credentials = There are no credentials on file for you yet. Add them under Credentials.
where-col-place = Jurisdiction
where-col-basis = Allowed by
where-check-title = Check a location
where-check-intro = A client travelling, moving, or on holiday? Check where they will be on the day of the session.
where-location = Client's location (for example US-CO or CA-ON)
where-date = Session date
where-check = Check
where-allowed = Yes: you may see a client in { $place } on that date.
where-denied = No: you may not see a client in { $place } on that date.
where-would-allow = What would allow it:
where-bad-date = Enter the date as YYYY-MM-DD.
where-bad-location = Enter a location code such as US-MA or CA-ON.
cred-title = Credentials
cred-intro = Your licences, compact privileges and permits. The practice checks each one with the board that issued it.
cred-none = No credentials on file yet.
cred-caption = Credentials on file
cred-col-kind = Kind
cred-col-place = Where
cred-col-title = Title
cred-col-number = Number
cred-col-expires = Valid through
cred-col-verify = Board
cred-verify-link = Check with the board
cred-verified-caption = Verification record
cred-col-credential = Credential
cred-col-by = Checked by
cred-col-when = When
cred-col-how = How
cred-add-title = Add a credential
cred-profession = Profession (social_work, counseling, psychology, marriage_family_therapy)
cred-kind = Kind (license, compact_privilege, compact_authorization, temporary_permit)
cred-jurisdiction = Jurisdiction (for a compact authorisation: your home state)
cred-compact = Compact (counseling, psypact or social_work), if any
cred-title-field = Title, e.g. LICSW
cred-number = Number
cred-starts = Starts (temporary permits), YYYY-MM-DD
cred-expires = Valid through, YYYY-MM-DD
cred-add = Add credential
cred-admin-title = Credentials register
cred-admin-intro = Check each credential with its board, then record who checked, when and how.
cred-method = How it was checked
cred-note = Note
cred-record = Record the check
public-licences = Licences and where to verify them

## Professional liability cover (seed 000), in the credentials register
liability-title = Professional liability cover
liability-intro = Seed advice for online practice: discuss your professional liability coverage for Internet-based therapy with your professional liability agency. Record your policy here; the register warns when it does not explicitly cover telehealth, or does not list a jurisdiction you are licensed in, and reminds you before it expires.
liability-back = Back to the credentials register
liability-none = No professional liability cover is on file. Record your policy, and ask your agency whether it covers Internet-based therapy.
liability-record-link = Record your liability cover
liability-update-link = Update or renew your liability cover
liability-current-title = Cover on file
liability-recorded = Recorded { $when }.
liability-form-record = Record your policy
liability-form-update = Update or renew the policy
liability-record = Record cover
liability-save = Save cover
liability-conflict = The cover was changed elsewhere (perhaps in another tab) since you opened this page. Nothing was saved. Here it is as it is now.
liability-insurer = Insurer
liability-policy-number = Policy number
liability-telehealth = Does the policy cover telehealth?
liability-telehealth-hint = Answer from the policy's wording. If it does not say, choose "Not stated" and ask your agency to confirm cover for Internet-based therapy in writing.
liability-telehealth-yes = Yes: the policy states that telehealth is covered
liability-telehealth-no = No: the policy excludes telehealth
liability-telehealth-not-stated = Not stated in the policy
liability-jurisdictions = Jurisdictions the policy covers
liability-jurisdictions-hint = ISO 3166-2 codes separated by commas, for example US-MA, US-NY or CA-ON. Online, the service is delivered where the client is.
liability-licensed-in = Your credentials cover: { $places }.
liability-per-claim = Limit per claim (optional)
liability-aggregate = Aggregate limit (optional)
liability-starts = Policy starts
liability-expires = Policy expires
liability-expires-hint = The last day of cover (YYYY-MM-DD).
liability-period = Period of cover
liability-period-value = { $starts } to { $expires }
liability-status = Status
liability-status-in-force = In force through { $date }
liability-status-expiring = In force; { $days ->
    [0] ends today
    [one] ends tomorrow
   *[other] ends in { $days } days
} ({ $date })
liability-status-lapsed = Lapsed after { $date }
liability-status-not-yet = Not yet in force: starts { $date }
liability-warnings-title = Take this up with your professional liability agency:
liability-warn-telehealth-excluded = The policy excludes telehealth: online sessions are not covered by it.
liability-warn-telehealth-not-stated = The policy does not state that telehealth is covered. Ask your agency to confirm cover for Internet-based therapy in writing.
liability-warn-jurisdiction = You are licensed in { $place }, but the policy does not list it: clients located there are outside this cover.
liability-warn-not-yet = The policy is not in force until { $date }.
liability-warn-lapsed = The policy lapsed after { $date }. Record the renewed policy.
liability-history-title = Earlier versions
liability-history-caption = Earlier versions of your cover, newest first
liability-col-recorded = Recorded
liability-admin-heading = Liability cover of { $name }
liability-admin-none = No professional liability cover on file.
liability-err-telehealth = Choose yes, no or not stated.
liability-err-jurisdictions-empty = List at least one jurisdiction the policy covers, for example US-MA.
liability-err-jurisdictions-codes = These are not ISO 3166-2 codes: { $codes }. Write each as country and region, for example US-MA or CA-ON.
liability-err-jurisdictions-too-many = List at most { $max } jurisdictions.
liability-err-before-start = The policy cannot expire before it starts ({ $starts }).

## Dashboard notices: credentials and continuing education (never clinical content)
notices-title = Needs your attention
notices-open-register = Open the credentials register
notices-open-ce = Open continuing education
notice-expiring = Your { $credential } in { $place } { $days ->
    [0] expires today
    [one] expires in 1 day
   *[other] expires in { $days } days
} ({ $date }) — renew and update the register.
notice-expiring-staff = { $name }: { $credential } in { $place } { $days ->
    [0] expires today
    [one] expires in 1 day
   *[other] expires in { $days } days
} ({ $date }).
notice-lapsed = Your { $credential } in { $place } lapsed after { $date } — you cannot see clients in { $place } on this credential. Renew it, then update the register.
notice-lapsed-staff = { $name }: { $credential } in { $place } lapsed after { $date } — they cannot see clients in { $place } on this credential.
notices-open-liability = Open your liability cover
notice-liability-expiring = Your professional liability cover ({ $insurer }, policy { $policy }) { $days ->
    [0] ends today
    [one] ends in 1 day
   *[other] ends in { $days } days
} ({ $date }) — record the renewed policy.
notice-liability-expiring-staff = { $name }: professional liability cover { $days ->
    [0] ends today
    [one] ends in 1 day
   *[other] ends in { $days } days
} ({ $date }).
notice-liability-lapsed = Your professional liability cover ({ $insurer }, policy { $policy }) lapsed after { $date } — record the renewed policy in the register.
notice-liability-lapsed-staff = { $name }: professional liability cover lapsed after { $date }.
notice-ce-shortfall = Continuing education for your { $credential } in { $place }: { $hours } more hours needed before { $date } ({ $days ->
    [one] 1 day left
   *[other] { $days } days left
}).

## Credentials in words
credential-kind-license = licence
credential-kind-compact-privilege = compact privilege
credential-kind-compact-authorization = compact authorisation
credential-kind-temporary-permit = temporary permit
credential-titled = { $title } { $kind }
compact-counseling = Counseling Compact
compact-psypact = PSYPACT
compact-social-work = Social Work Licensure Compact
compact-member-states = { $compact } member states

## Continuing education (NASW/ASWB Standard 10)
ce-title = Continuing education
ce-intro = Record each course, workshop or webinar you complete, keep its certificate here as a backup, and see how far each licence's renewal requirement is met.
ce-progress-title = Progress towards renewal
ce-no-credentials = There are no credentials on file for you. Progress is shown for each licence in the credentials register.
ce-no-licences = None of your credentials is a licence that renews with continuing education.
ce-licence-heading = { $credential } in { $place }
ce-cycle = Renewal cycle
ce-window = { $starts } to { $ends }
ce-counted = Hours counted
ce-hours-of = { $counted } of { $required } hours
ce-self-study-over = Self-study hours above the board's limit (not counted)
ce-still-needed = Hours still needed
ce-categories-caption = Required subjects in this cycle
ce-col-category = Subject
ce-col-required = Required
ce-col-counted = Done
ce-col-missing = Missing
ce-done = Done
ce-missing-category = { $hours } more hours in { $category }
ce-status-met = Met: every hour and every required subject is done.
ce-status-on-track = On track
ce-status-shortfall-warning = Shortfall warning
ce-status-lapsed-cycle = Cycle lapsed: the renewal date has passed.
ce-status-line-missing = { $status }: { $hours } more hours needed, { $days ->
    [0] renewal is today
    [one] 1 day to renewal
   *[other] { $days } days to renewal
}.
ce-verify-note = These requirement figures are marked for verification: they were written on { $date } and have not yet been checked against the board's rules. Confirm them with your board.
ce-source = The board's rule
ce-no-requirement = No requirement data for this jurisdiction and profession. Alcove does not guess: check the board's rules.
ce-record-title = Record an activity
ce-record = Record activity
ce-errors-title = Please correct these fields
ce-error-line = { $field }: { $message }
ce-provider = Provider
ce-approval-number = Provider approval number
ce-approval-number-hint = The number the board or approving body gave the provider, if any (for example ACE 1234).
ce-activity-title = Title of the course or event
ce-completed-on = Date completed
ce-completed-on-hint = The date on the certificate (YYYY-MM-DD).
ce-hours = Hours
ce-hours-hint = As on the certificate, for example 1.5 or 0.25.
ce-category = Subject
ce-format = Format
ce-choose = Choose one
ce-counts-towards = Counts towards
ce-counts-towards-hint = The licence this activity counts towards, by its number. Choose one when the course was approved for one board only; otherwise it counts towards every licence.
ce-counts-all-option = All my licences
ce-counts-all = All licences
ce-counts-licence = { $credential } in { $place } (number { $number })
ce-counts-licence-no-number = { $credential } in { $place }
ce-counts-licence-gone = Licence { $number } in { $place } (no longer in the register)
ce-col-counts = Counts towards
ce-err-counts-towards = Choose one of your licences, or all of them.
ce-certificate = Certificate (optional)
ce-certificate-hint = A PDF, PNG or JPEG file of up to { $max } MiB. It is stored encrypted.
ce-list-title = Your activities
ce-list-empty = No activities recorded yet.
ce-list-empty-staff = No activities recorded.
ce-list-caption = Activities you recorded, newest first
ce-col-completed = Completed
ce-col-title = Title
ce-col-provider = Provider
ce-col-hours = Hours
ce-col-format = Format
ce-col-certificate = Certificate
ce-col-actions = Change
ce-approval-short = approval { $number }
ce-download = Download certificate ({ $kind })
ce-no-certificate = None
ce-edit = Edit
ce-remove = Remove
ce-edit-title = Change an activity
ce-back = Back to continuing education
ce-conflict = This activity was changed elsewhere (perhaps in another tab) since you opened it. Nothing was saved. Here it is as it is now.
ce-has-certificate = A { $kind } certificate is on file. Choose a new file only to replace it.
ce-save = Save changes
ce-remove-title = Remove this activity
ce-remove-explain = It stops counting towards your renewals. Its earlier versions are kept in the record's history.
ce-admin-title = Continuing education
ce-admin-intro = Each clinician's progress towards every licence's renewal, and the activities they recorded. Certificates open only as downloads.
ce-admin-verify-note = The requirement figures are marked for verification: they have not yet been checked against the boards' rules.
ce-admin-no-credentials = No credentials on file.
ce-admin-status-caption = Renewal progress of { $name }
ce-admin-activities-caption = Activities of { $name }
ce-col-licence = Licence
ce-col-renewal = Renews
ce-col-status = Status
ce-cat-ethics = Ethics and boundaries
ce-cat-laws-and-rules = Laws and rules (jurisprudence)
ce-cat-technology = Technology and telehealth
ce-cat-clinical = Clinical practice
ce-cat-cultural-competence = Cultural competence
ce-cat-implicit-bias = Implicit bias
ce-cat-suicide-prevention = Suicide prevention
ce-cat-domestic-violence = Domestic violence
ce-cat-child-abuse = Child abuse recognition and reporting
ce-cat-human-trafficking = Human trafficking
ce-cat-medical-errors = Prevention of medical errors
ce-cat-substance-use = Substance use
ce-cat-supervision = Supervision
ce-cat-other = Other subjects
ce-format-live-in-person = Live, in person
ce-format-live-online = Live online (interactive)
ce-format-self-study = Self-study (recorded or written)
ce-format-academic-course = Academic course
ce-format-presenting = Presenting or teaching
ce-err-empty = Enter this: it cannot be empty.
ce-err-too-long = This is too long: at most { $max } characters.
ce-err-one-line = Use one line of text, without line breaks.
ce-err-date = Enter the date as YYYY-MM-DD, for example 2026-03-14.
ce-err-future = The date is after today ({ $today }): record an activity once it is completed.
ce-err-hours-number = Enter the hours as a number, for example 1.5 or 0.25.
ce-err-hours-precise = Use at most two decimal places, for example 0.25 or 0.1.
ce-err-hours-positive = Hours must be more than 0.
ce-err-hours-too-many = One activity can carry at most { $max } hours.
ce-err-category = Choose a subject from the list.
ce-err-format = Choose a format from the list.
ce-err-cert-empty = The file is empty. Choose the certificate file again.
ce-err-cert-too-large = The file is { $size } MiB: certificates can be up to 5 MiB.
ce-err-cert-type = Only PDF, PNG or JPEG files are accepted, and this file is none of them (its content was checked, not its name).

## Notification emails (services/mailer.rs). They say that something is waiting and where,
## never what: no clinical content, no client names (DESIGN.md, ALCOVE_SMTP_URL).
mail-credential-expiring-subject = { $days ->
        [0] A credential expires today
        [one] A credential expires tomorrow
       *[other] A credential expires in { $days } days
    }
mail-credential-expiring-body = { $days ->
        [0] Your credential for { $jurisdiction } expires at the end of today.
        [one] Your credential for { $jurisdiction } expires tomorrow.
       *[other] Your credential for { $jurisdiction } expires in { $days } days.
    } Once it lapses, sessions with clients located there are refused. Record the renewal in your credentials register.
mail-credential-lapsed-subject = A credential has lapsed
mail-credential-lapsed-body = Your credential for { $jurisdiction } has expired. Sessions with clients located there are refused until a current credential is recorded.
mail-practice-credential-expiring-subject = { $days ->
        [0] A clinician's credential expires today
        [one] A clinician's credential expires tomorrow
       *[other] A clinician's credential expires in { $days } days
    }
mail-practice-credential-expiring-body = { $days ->
        [0] A clinician's credential for { $jurisdiction } expires at the end of today.
        [one] A clinician's credential for { $jurisdiction } expires tomorrow.
       *[other] A clinician's credential for { $jurisdiction } expires in { $days } days.
    } Once it lapses, their sessions with clients located there are refused. The credentials register shows whose it is.
mail-practice-credential-lapsed-subject = A clinician's credential has lapsed
mail-practice-credential-lapsed-body = A clinician's credential for { $jurisdiction } has expired. Their sessions with clients located there are refused until a current credential is recorded. The credentials register shows whose it is.
mail-liability-expiring-subject = { $days ->
        [0] Your professional liability cover ends today
        [one] Your professional liability cover ends tomorrow
       *[other] Your professional liability cover ends in { $days } days
    }
mail-liability-expiring-body = { $days ->
        [0] Your professional liability policy on record ends at the end of today.
        [one] Your professional liability policy on record ends tomorrow.
       *[other] Your professional liability policy on record ends in { $days } days.
    } Record the renewed policy in your credentials register, and confirm with your agency that it covers Internet-based therapy wherever your clients are.
mail-liability-lapsed-subject = Professional liability cover has lapsed
mail-liability-lapsed-body = Your professional liability policy on record has expired. Record the renewed policy in your credentials register.
mail-practice-liability-expiring-subject = { $days ->
        [0] A clinician's professional liability cover ends today
        [one] A clinician's professional liability cover ends tomorrow
       *[other] A clinician's professional liability cover ends in { $days } days
    }
mail-practice-liability-expiring-body = { $days ->
        [0] A clinician's professional liability policy on record ends at the end of today.
        [one] A clinician's professional liability policy on record ends tomorrow.
       *[other] A clinician's professional liability policy on record ends in { $days } days.
    } The credentials register shows whose it is.
mail-practice-liability-lapsed-subject = A clinician's professional liability cover has lapsed
mail-practice-liability-lapsed-body = A clinician's professional liability policy on record has expired. The credentials register shows whose it is.
mail-contact-form-subject = A contact form message is waiting
mail-contact-form-body = Someone wrote to you through the practice's contact form. Sign in to read it; it is not included in this email.
mail-listing-review-subject = Time to review your online listings
mail-listing-review-body = Your periodic review of your online listings is due: check that each directory entry and profile is accurate, and that none invites contact outside the practice's secure channels.
mail-ce-shortfall-subject = Continuing education needs attention
mail-ce-shortfall-body = Your continuing education record for { $jurisdiction } is short of what renewal there requires. Sign in to see what is missing.
mail-message-waiting-subject = A message is waiting for you
mail-message-waiting-body = A new message is waiting for you in the practice's secure portal. Sign in to read it; it is not included in this email.
mail-urgent-flag-subject = Urgent: please sign in now
mail-urgent-flag-body = A message in the portal was flagged as urgent and needs your attention. Sign in to see it; nothing about it is included in this email.
mail-test-subject = Test message from { $practice }
mail-test-body = This is a test message. If it reached you, { $practice } can send email notifications.
mail-open-link = Sign in to see the details: { $link }
mail-footer = Notifications from { $practice } only say that something is waiting; they never contain clinical information.

## Clinician profile (issue 4, Standard 6)
error-changed = Someone saved a newer version while you were editing. Reload the page to see it, then make your change again.
nav-profile = My profile
profile-title = My public profile
profile-intro = What clients and the public see on your profile, next to the licences from your credentials register. Clients must be able to check who you are, how to reach you, and what to do if the technology fails.
profile-saved = Your profile is saved and public.
profile-has-errors = Some details need another look; each problem is shown next to its field.
profile-see-public = See my public profile
profile-address = Practice address
profile-phone = Practice phone
profile-email = Contact email shown to the public
profile-services = Services offered
profile-services-hint = List only what your licence covers and you are trained for, and say how you were trained; it is shown publicly.
profile-training = Training for this service
profile-out-of-scope = not within your licence
profile-languages = Languages you offer sessions in
profile-alternate = If the technology fails
profile-alternate-hint = How clients reach you when the video or the portal does not work (for example, the number you will call and the one they can call).
profile-save = Save profile
profile-error-address = Enter the practice address.
profile-error-too-long = This is too long: at most { $max } characters.
profile-error-phone = Enter a phone number with 7 to 15 digits, for example +1 617 555 0100.
profile-error-email = Enter an email address like name@example.org.
profile-error-unknown = That choice is not on the list.
profile-error-scope = { $service } is not within the scope of your licence.
profile-error-no-licence = Add a licence to your credentials register before listing services.
profile-error-training = Say how you were trained for { $service }.
profile-error-language = Choose at least one language.
profile-error-alternate = Say how clients reach you if the technology fails.
profile-error-jurisdiction = Enter the ISO 3166-2 code of where you practise from, such as US-MA.
profile-jurisdiction = Where you practise from (ISO 3166-2 code, such as US-MA)
profile-jurisdiction-hint = Your own jurisdiction may regulate your practice too, wherever your clients are.
where-own-title = Where you practise from
where-own-licensed = You practise from { $place }, and you hold a credential that covers it: { $basis }
where-own-unlicensed = You practise from { $place }, and no credential on file covers it today. Its board may regulate your practice even when your clients are elsewhere: check its rules.
where-own-unknown = Add where you practise from to your profile: your own jurisdiction may regulate your practice too.
service-individual_therapy = Individual therapy
service-couples_therapy = Couples therapy
service-family_therapy = Family therapy
service-group_therapy = Group therapy
service-child_adolescent_therapy = Therapy for children and adolescents
service-substance_use_counseling = Substance use counselling
service-psychological_assessment = Psychological assessment and testing
service-clinical_supervision = Clinical supervision
language-en = English
language-es = Spanish (español)
language-fr = French (français)
language-pt = Portuguese (português)
language-zh = Chinese (中文)
language-vi = Vietnamese (Tiếng Việt)
language-ar = Arabic (العربية)
language-ru = Russian (русский)
language-ko = Korean (한국어)
language-ht = Haitian Creole (kreyòl ayisyen)
language-tl = Tagalog
language-ase = American Sign Language
public-profile-contact = How to reach { $name }
public-profile-address = Practice address
public-profile-phone = Phone
public-profile-email = Email
public-profile-services = Services
public-profile-trained = Training: { $training }
public-profile-languages = Languages
public-profile-alternate = If the technology fails
public-profile-missing = This clinician has not completed their public profile yet; contact the practice to confirm their details.
public-profile-where = Can see clients who are in
public-profile-where-none = No jurisdiction at the moment.
public-profile-write = Write to { $name } (no account needed, any name)
public-home-where = Sees clients who are in: { $places }

## Pseudonymous contact form (issue 4, seed 001)
nav-inbox = Contact inbox
contact-title = Write to a clinician
contact-intro = You do not need an account, and you may sign with any name you like. Use this, for example, if you saw something we posted online and want to tell us, or have a question before starting.
contact-not-clinical = This form is not for therapy or for emergencies, and it is not read around the clock. Please do not include health details.
contact-has-errors = Some details need another look; each problem is shown next to its field.
contact-to = Who should read it
contact-name = Your name
contact-name-hint = Any name you choose; a made-up one is fine.
contact-reply = Reply address (optional)
contact-reply-hint = Leave it empty if you do not want a reply.
contact-message = Your message
contact-honeypot = Leave this field empty
contact-send = Send message
contact-privacy = We keep your message encrypted. We do not keep your network address: it is used only briefly to stop floods of automated messages.
contact-sent-title = Message sent
contact-sent = Thank you. Your message was delivered; if you gave a reply address, the clinician may write back.
contact-too-many = Too many messages were sent from your connection in a short time. Please wait a few minutes and try again.
contact-error-to = Choose who should read your message.
contact-error-name = Choose any name to sign with (a made-up one is fine).
contact-error-too-long = This is too long: at most { $max } characters.
contact-error-reply = Enter an email address like name@example.org, or leave it empty.
contact-error-message = Write a message.
inbox-title = Contact inbox
inbox-reminder = Messages here come from the public contact form. The sender may use any name and cannot be assumed to be who they say. This is not a clinical channel: do not treat a message as part of anyone's care, and if you reply, keep to general information and invite the person to call the practice.
inbox-empty = No messages.
inbox-from = From “{ $name }”
inbox-pseudonymous = pseudonymous
inbox-handled = dealt with
inbox-reply-to = reply to { $address }
inbox-no-reply = no reply address
inbox-mark-handled = Mark as dealt with
nav-contact = Write to us

## Online listings register (issue 4, seed 001)
nav-listings = Online listings
listings-title = Online listings
listings-intro = Every site where the practice or one of its clinicians is listed. Sites sometimes add listings without asking, and old details mislead people looking for help, so each listing is checked regularly and corrected at the source.
listings-reviews-title = Why Alcove never offers to answer reviews
listings-reviews-why = Answering an online review, even kindly and even without details, confirms that the writer is or was a client. Clients are free to post honest reviews; the practice does not respond to them publicly, in any way, and this register records listings, not reviews.
listings-saved = Saved.
listings-has-errors = Some details need another look:
listings-none = No listings yet.
listings-caption = Listings, those due for a check first
listings-col-site = Site
listings-col-shows = What it shows
listings-col-whose = Whose listing
listings-col-last = Last checked
listings-col-due = Next check due
listings-col-actions = Record a check
listings-practice = The practice
listings-never = never checked
listings-accurate = accurate
listings-corrected = had to be corrected (we fixed it)
listings-asked-correction = we asked the site to correct it
listings-asked-removal = we asked the site to remove it
listings-unrequested = The site listed us without being asked
listings-unrequested-tag = listed without asking
listings-overdue = due { $due }
listings-review-legend = Was the listing on { $site } accurate?
listings-note = What was changed (optional)
listings-record-review = Record the check
listings-remove = Remove { $site } from the register
listings-add-title = Add a listing
listings-site = Site name
listings-url = Address of the listing
listings-shows = What it shows (photo, phone, fees, ratings…)
listings-whose = Whose listing
listings-interval = Check every (months)
listings-add = Add listing
listings-error-site = Enter the site's name.
listings-error-url = Enter the listing's address, starting with https://.
listings-error-too-long = This is too long: at most { $max } characters.
listings-error-interval = Choose a review interval from 1 to 24 months.
listings-error-future = A check cannot be dated in the future.
listings-error-clinician = Choose a clinician from the list.
home-contact-waiting = { $count ->
    [one] One message in your contact inbox.
   *[other] { $count } messages in your contact inbox.
}
home-listings-due = { $count ->
    [one] One online listing is due for a check.
   *[other] { $count } online listings are due for a check.
}
public-profile-current = This page is the current source for these details, last updated { $date }. Listings and posts found elsewhere online may be out of date: check them against this page and the licensing boards.

# The Client Request for Electronic Data Transmission (seed 001)
edt-title = How we may contact you
edt-intro = This is your Request for Electronic Data Transmission. Our secure portal is always used. Here you choose which other ways we may use to reach you, and for what. Read the risks of each way first. You can change your choices at any time; every version you sign is kept.
edt-saved = Your choices are signed and saved as version { $version }.
edt-current-title = Your choices now
edt-current-signed = Version { $version }, signed on { $date }.
edt-signed-by = Signed as: { $name }.
edt-current-portal-only = You chose to be contacted only through the secure portal.
edt-none-on-file = You have not signed a request yet, so we contact you only through the secure portal.
edt-portal-title = The secure portal: always used
edt-choose-title = Other ways we may contact you
edt-choose-intro = Tick only what you are comfortable with. Anything you leave unticked, we will not do. Whatever you choose, our messages outside the portal never say why you see us or what a message says.
edt-choice = { $channel }: { $purpose }
edt-signature = Type your full name to sign
edt-signature-hint = Typing your name is your signature. Use the name on your account: { $name }.
edt-submit = Sign and save my choices
edt-history-title = Your signed requests
edt-history-none = Nothing signed yet.
edt-history-caption = Every version you signed, newest first
edt-col-version = Version
edt-col-signed-on = Signed on
edt-col-signed-by = Signed as
edt-col-changes = What changed
edt-change-portal-only = Portal only: nothing else allowed
edt-change-none = No change (signed again)
edt-change-added = Allowed: { $choice }
edt-change-removed = Withdrawn: { $choice }
edt-error-not-offered = One of the choices sent is not on offer. Please choose again from the list.
edt-error-unsigned = Please type your full name to sign.
edt-error-signature = Please type your name on one line, in 120 characters or fewer.
edt-error-name-mismatch = The name you typed is not the name on your account. Please type it as shown.
edt-error-changed = Your choices were changed in another window while this page was open. Here they are as they are now; please choose and sign again.

channel-portal = Secure portal
channel-email = Email
channel-text = Text messages (SMS)
channel-video = Video
channel-phone = Phone calls
purpose-appointment-reminders = Appointment reminders
purpose-message-notifications = Notices that a new message is waiting
purpose-documents = Forms and consents to read and sign
purpose-sessions = Therapy sessions
channel-portal-risks = Messages, reminders and documents in the portal are encrypted and only you and your care team can open them after signing in. Anyone who knows your password, or uses your device while you are signed in, could read them too: sign out on shared devices.
channel-email-risks = Email is not encrypted from end to end. It may pass through other companies' servers, and anyone who can open your mailbox (family, an employer, a shared computer) may read it. An email from a therapy practice can show that you are in therapy, even if it says nothing else.
channel-text-risks = Text messages are not encrypted. They often show on your phone's lock screen, where anyone nearby can read them, and copies stay with your phone company. We never send forms or documents by text.
channel-video-risks = Sessions are live video between your device and your clinician's, encrypted on the way. No recording is made. Someone in the room with you, or on your network, may see or hear the session: join from a private place.
channel-phone-risks = Calls are not encrypted and can be overheard. A voicemail may be heard by anyone with access to your phone or a shared line. We leave only our first name and a number, never the reason for the call.

# The online encounter plan (seed 001)
plan-title = Online encounter plan
plan-client-intro = You and your clinician agreed this plan together, for the times you might meet online by chance. To change it, raise it in a session or in your messages.
plan-client-none = You and your clinician have not made an online encounter plan yet. You can ask for one in a session.
plan-read-policy = Read our social-media policy
plan-edit-title = Online encounter plan for { $name }
plan-edit-intro = Agree this with the client in session. The client can read it in their portal. Each save is a new version; earlier versions are kept.
plan-saved = The plan is saved as version { $version }.
plan-platforms = Where we might meet online
plan-platforms-hint = Tick every place where you and the client might come across each other.
plan-platforms-none = None listed
plan-other-platforms = Other platforms, separated by commas (tick "Another platform" too)
plan-responses = What we agreed to do if it happens
plan-other-response = Anything else you agreed
plan-blocks = Blocking: who blocks whom, and where
plan-blocks-hint = Leave a row empty if it is not needed. Add the date once the block is done.
plan-blocks-none = No blocks agreed
plan-block-step = Block step { $n }
plan-block-who = Who blocks whom
plan-block-platform = On which platform
plan-block-done-on = Done on (leave empty until it is done)
plan-block-line = { $who } on { $place }
plan-block-done = done on { $date }
plan-block-not-yet = not done yet
plan-choose = Choose…
plan-review-on = Review date
plan-review-hint = When you and the client will look at the plan again: within a year.
plan-review-due = Review due
plan-notes = Notes
plan-submit = Save the plan
plan-saved-line = Version { $version }, saved { $date }.
plan-saved-by = By { $name }.
plan-history-title = Versions
plan-history-none = No versions yet.
plan-history-caption = Every saved version, newest first
plan-col-saved = Saved
plan-col-by = By
plan-error-unknown = One of the values sent is not on offer. Please choose again from the lists.
plan-error-other-unnamed = You ticked "Another platform": please name it.
plan-error-other-not-ticked = You named other platforms: please also tick "Another platform".
plan-error-other-too-long = Name at most 10 other platforms, each in 60 characters or fewer.
plan-error-no-response = Choose at least one thing you agreed to do, or write it in "Anything else you agreed".
plan-error-text-too-long = Notes and agreements can be up to 2,000 characters each.
plan-error-control = The text holds characters that cannot be saved. Please retype it.
plan-error-block-incomplete = Block step { $row }: choose who blocks whom and on which platform.
plan-error-block-not-listed = Block step { $row }: that platform is not ticked in "Where we might meet online".
plan-error-block-bad-date = Block step { $row }: enter the date as YYYY-MM-DD.
plan-error-block-future = Block step { $row }: the date is after today. Add it once the block is done.
plan-error-too-many-blocks = A plan can hold up to 20 block steps.
plan-error-review-bad-date = Enter the review date as YYYY-MM-DD.
plan-error-review-past = The review date is in the past. Choose today or a later date.
plan-error-review-too-far = Review the plan within a year: choose { $latest } or earlier.
plan-error-changed = Someone saved a newer version of this plan while you were editing. Your changes are below, not saved: check the newer version in the history and save again.
platform-facebook = Facebook
platform-instagram = Instagram
platform-linkedin = LinkedIn
platform-x = X (Twitter)
platform-tiktok = TikTok
platform-reddit = Reddit
platform-youtube = YouTube
platform-nextdoor = Nextdoor and neighbourhood groups
platform-dating-apps = Dating apps
platform-online-games = Online games
platform-other = Another platform
platform-other-named = another platform ({ $names })
response-clinician-does-not-interact = The clinician does not interact (no likes, comments, replies or messages) and leaves as soon as they reasonably can.
response-clinician-does-not-identify = The clinician never says, to the client in public or to anyone else, that they know the client.
response-client-may-raise-in-session = The client may bring up the encounter, or any feelings about it, in the next session.
response-client-may-use-contact-form = The client may raise it anonymously through the practice's Contact form.
blocker-clinician = The clinician blocks the client
blocker-client = The client blocks the clinician
blocker-both = Each blocks the other

# The client's record, as the care team sees it
record-back = Back to { $name }'s record
record-contact-title = Contact outside the portal
record-contact-none = No Request for Electronic Data Transmission on file: contact this client only through the secure portal.
record-contact-portal-only = The client chose contact through the secure portal only.
record-contact-accepted = Besides the portal, the client allows:
record-contact-rest = Nothing else. Every reminder or notice outside the portal checks these choices first.
record-policy-title = Social-media policy
record-policy-acknowledged = Acknowledged version { $version } on { $date }.
record-policy-outdated = A newer version ({ $current }) is waiting for the client.
record-policy-none = Not acknowledged yet.
record-plan-edit = Change the plan
record-plan-none = No online encounter plan yet.
record-plan-make = Make a plan

# The social-media policy (seed 001)
policy-title = Social-media policy
policy-version-line = Version { $version }, in effect from { $date }.
policy-superseded = This is an earlier version. It was replaced on { $date }.
policy-read-current = Read the current version ({ $version }).
policy-concern-title = Met us online, or bothered by something we posted?
policy-concern-intro = Please tell us. You can bring it to a session, or:
policy-concern-messages = Write to your clinician in your portal messages (clients, after signing in)
policy-concern-contact = Use the Contact form: no account needed, and any name will do
policy-ack-title = Your acknowledgment
policy-ack-done = You acknowledged version { $version } on { $date }.
policy-ack-earlier = You acknowledged version { $version }. The policy has changed since: please read version { $current }.
policy-ack-submit = I have read and accept version { $version }
policy-ack-not-current = The policy changed while you were reading it. Please read the current version and acknowledge that one.
policy-versions-title = All versions
policy-versions-caption = Every version of this policy, newest first
policy-col-effective = In effect
policy-col-summary = What changed
policy-shown = (shown above)
policy-version-link = Version { $version }
policy-effective-since = From { $from }
policy-effective-range = From { $from } to { $until }
policy-admin-title = Publish the social-media policy
policy-admin-intro = Edit the text and publish it as a new version. Earlier versions stay public, and every client is asked to read and acknowledge the new one.
policy-published = Version { $version } is published.
policy-view-public = See the public page
policy-body = Policy text
policy-body-hint = A line starting with "# " is a heading, "## " a smaller heading, "- " a list item. Leave a blank line between paragraphs. Nothing else is formatted.
policy-summary = What changed in this version (one line)
policy-publish = Publish as version { $version }
policy-error-empty-body = The policy text is empty.
policy-error-body-too-long = The policy text can be up to 40,000 characters.
policy-error-empty-summary = Say in one line what changed in this version.
policy-error-summary-too-long = The summary can be up to 300 characters.
policy-error-control = The text holds characters that cannot be saved. Please retype it.
policy-error-changed = Someone published a new version while you were editing. Your text is below, not published: check the new version and publish again.

## Sending messages, boundaries and the crisis path (issue 7)
messages-write = Write a message
messages-body = Your message
messages-send = Send message
messages-too-long = Messages can be up to { $limit } characters. Nothing was sent; please shorten it, or bring it to your next session.
messages-empty = Write something before sending.
messages-paused = Your clinician has paused messaging for now, as part of your work together. Nothing you write here will be sent; please bring it to your next session. If you need help now, call or text 988, or call 911.
messages-not-offered = Your clinician does not offer messaging between sessions. Please bring things to your next session. If you need help now, call or text 988, or call 911.
messages-policy-title = How messaging works here
messages-policy-reply = Expect a reply within { $count ->
    [one] 1 business day.
   *[other] { $count } business days.
}
messages-policy-length = Messages can be up to { $limit } characters.
messages-policy-hours = Hours (time zone { $zone })
messages-policy-closed = not reading messages
messages-notice-out-of-hours = Your message was delivered outside your clinician's hours. They will read it from { $when } and reply within { $days } business day(s). If it cannot wait, call or text 988, or call 911 in an emergency.
messages-notice-away = Your message was delivered. Your clinician is away until { $until }. If it cannot wait, call or text 988, or call 911 in an emergency.
messages-notice-away-covered = Your message was delivered. Your clinician is away until { $until }; { $name } is covering and will read it. If it cannot wait, call or text 988, or call 911 in an emergency.
messages-flag = Urgent flag ({ $level }): this client's message needs your attention.
messages-flag-acknowledge = I have seen it
messages-pause-title = Pause messaging with this client
messages-pause-on = Messaging is paused. The client sees a kind explanation; your note stays in the record.
messages-pause-note = Note for the record (why, and what was agreed)
messages-pause-button = Pause messaging
messages-pause-resume = Resume messaging
crisis-988-call = Call 988 (Suicide and Crisis Lifeline)
crisis-988-text = Text 988
crisis-911 = In danger now: call 911
crisis-after-hours = Your clinician may not see your message straight away. If you are not safe, please use these now.
crisis-delivered = Your message was delivered to your clinician.
weekday-monday = Monday
weekday-tuesday = Tuesday
weekday-wednesday = Wednesday
weekday-thursday = Thursday
weekday-friday = Friday
weekday-saturday = Saturday
weekday-sunday = Sunday
nav-comm-policy = Messaging policy
policy-comm-title = My messaging policy
policy-comm-intro = Clients see this on every thread: whether you offer messaging between sessions, when you read messages, how soon you reply, and how long a message may be. Messages that arrive outside your hours get an automatic notice saying when to expect a reply and what to do if it cannot wait.
policy-comm-saved = Your messaging policy is saved; every thread shows it now.
policy-comm-offered = I offer messaging between sessions
policy-comm-zone = My time zone (such as America/New_York)
policy-comm-hours = Hours when I read messages
policy-comm-hours-hint = Leave both empty for a day you do not read messages.
policy-comm-opens = from
policy-comm-closes = until
policy-comm-reply = I reply within (business days)
policy-comm-length = Longest message (characters)
policy-comm-away = Away periods
policy-comm-away-from = Away from
policy-comm-away-until = until (last day)
policy-comm-covering = Covering clinician
policy-comm-nobody = Nobody
policy-comm-save = Save messaging policy
policy-error-zone = Enter a time zone name such as America/New_York.
policy-error-hours = Check the hours for { $day }: a time such as 09:00, closing after opening.
policy-error-reply = Choose a reply time from 1 to 10 business days.
policy-error-length = Choose a longest message from 200 to 10000 characters.
policy-error-away = An away period must end on or after the day it starts.
home-urgent-title = Urgent: crisis language in a client's message
home-urgent-flag = A message from { $name } needs your attention now — open it and acknowledge
## Onboarding: invitation and account (issue 5)
mail-invitation-subject = Your invitation from { $practice }
mail-invitation-body = You have been invited to set up an account with { $practice }. The link below works once and for 7 days.
mail-invitation-link = Set up your account: { $link }
invite-title = Invite a new client
invite-intro = The client receives an email with a link that works once, for 7 days. The email does not say who they are or why they are invited.
invite-legal-name = Legal name
invite-email = Email address
invite-home = Home jurisdiction (ISO 3166-2 code, for example US-MA)
invite-submit = Send invitation
invite-sent = An invitation was sent to { $email }.
invite-error-name = Enter a name of up to 200 characters.
invite-error-email = Enter a valid email address.
invite-error-home = Enter a jurisdiction code we know, such as US-MA or US-CA.
invite-error-exists = An account with this email address already exists.
invite-error-mail = The invitation was saved but the email could not be sent. Check the mail settings and try again.
invite-error-dob = Enter your date of birth as a date in the past (year-month-day).
invite-error-guardian = Because of your age and where you live, a parent or guardian must consent too. Online set-up for this is not available yet: please contact your clinician.
invite-unknown = This invitation link is not known. Check that you copied the whole link, or ask your clinician for a new one.
invite-used = This invitation link has already been used. Sign in with the account you set up, or ask your clinician for a new link.
invite-expired = This invitation link has expired. Ask your clinician to send a new one.
accept-title = Set up your account
accept-intro = Your clinician invited you to the practice's secure portal. Choose a password to finish.
accept-email = Your email address
accept-preferred-name = The name you like to be called (optional)
accept-dob = Date of birth
accept-password = Password
accept-password-rule = At least 12 characters. A few unrelated words make a password that is long and easy to remember.
accept-confirm = Password again
accept-submit = Set up my account
pw-problem-password-too-short = Use at least 12 characters. A few unrelated words make a long password that is easy to remember.
pw-problem-password-too-long = Use at most 128 characters.
pw-problem-password-common = This password is on a list of common or leaked passwords. Choose something else.
pw-problem-password-contains-personal-info = This password contains part of your name or email address. Choose something others could not guess from your details.
pw-problem-password-repeated-character = This password repeats one character. Choose something less predictable.
pw-problem-password-simple-sequence = This password is a simple sequence or pattern (like abcd, 1234 or qwerty). Choose something less predictable.
identity-title = Identity check: { $name }
identity-intro = Record how you checked that this client is who they say they are. No image is stored.
identity-current = Recorded: { $method }, { $at }.
identity-method = How identity was checked
identity-method-photo-id-on-camera = Photo ID shown on camera
identity-method-photo-id-in-person = Photo ID seen in person
identity-method-confirmed-by-referrer = Confirmed by the referrer
identity-method-other = Other (say how in the note)
identity-note = Note
identity-submit = Record the check
identity-error-method = Choose how identity was checked.
identity-error-note = Say in the note how identity was checked.
identity-error-note-long = The note can be up to 500 characters.

## Phone verification, guardians, signed PDFs and release authorisations (issue 5, parts 2 and 7)
home-client-contact = Your email and phone number, and the code that checks your phone.
home-client-releases = Who may receive your information, and why. You can stop any permission at any time.
record-guardian-link = Guardian consent
record-releases-link = Release authorisations
me-contact-title = Your contact details
me-contact-intro = We check your email and phone so that we know we can reach you, and that it is really you. We send a 6-digit code to your phone by text message.
contact-email = Email
contact-phone = Phone
contact-verified-at = checked { $at }
contact-not-verified = not checked yet
contact-phone-none = none given yet
contact-sms-off = This practice has not set up text messages, so phones cannot be checked here yet. Ask your clinician.
contact-code-heading = Enter your code
contact-code-waiting = We sent a code to { $phone }. It works until { $at }.
contact-code-label = 6-digit code
contact-code-submit = Check the code
contact-code-resend = Send a new code
contact-phone-heading = Add your phone number
contact-phone-change = Change your phone number
contact-phone-label = Mobile phone number
contact-phone-hint = With the country code, for example +1 617 555 0123. Numbers without one are read as US or Canada numbers.
contact-phone-submit = Send me a code
contact-back-home = Back to your home page
contact-phone-verified-notice = Thank you. Your phone number is checked.
contact-code-sent = We sent you a code by text message.
contact-error-phone-missing = Enter your phone number.
contact-error-phone-unparsable = This is not a phone number. Write it with the country code, for example +1 617 555 0123.
contact-error-phone-invalid = This number does not exist in its country's numbering plan. Check it and try again.
contact-error-wait = Please wait { $seconds } seconds before you ask for another code.
contact-error-hourly = You asked for many codes in the last hour. Try again in { $minutes } minutes.
contact-error-not-sent = We could not send the text message. Try again later, or ask your clinician.
contact-error-no-code = Ask for a code first.
contact-error-try-again = Something changed while you were typing. Please enter the code again.
contact-error-code-malformed = Enter the 6 digits from the text message.
contact-error-code-wrong = That is not the code. You have { $left } tries left.
contact-error-code-attempts = Too many wrong codes. Ask for a new code.
contact-error-code-expired = This code has expired. Ask for a new code.
contact-error-code-used = This number is already checked.
sms-phone-code = { $practice }: your code is { $code }. It works for { $minutes } minutes. If you did not ask for it, ignore this text.
pdf-role-client = the client
pdf-role-guardian = parent or legal guardian
pdf-signed-by = Signed by
pdf-signed-at = Signed at
pdf-method = How
pdf-method-typed = typed their name and ticked "I have read this and I agree"
pdf-document = Document (kind, version)
pdf-account = Signed through
pdf-account-link = the single-use link emailed to the guardian
pdf-version = Version { $version }
pdf-record-heading = Signature record
pdf-hash = Content hash (SHA-256) of this version:
pdf-how-to-check = Anyone can check this copy: the hash is SHA-256 of the text "alcove-consent-v1", a line break, "{ $kind }", a line break, the version number, a line break, the title, a line break, and the document text above, with LF line breaks.
consent-pdf-link = Download a PDF of what was signed: { $title }
consent-pdf-guardian-link = Download a PDF of what your guardian signed: { $title }
guardian-no-citation = No statute cited
guardian-status-not-required = No guardian consent is needed.
guardian-status-conditions = The client may consent alone under conditions you must check (see the rule).
guardian-status-given = A guardian consented on { $at }.
guardian-status-missing = A guardian must consent, and has not yet.
guardian-status-unknown = Not known yet: { $why }
guardian-error-name = Give the guardian's name (up to 200 characters).
guardian-error-email = Give the guardian's email address.
guardian-error-not-required = This client does not need a guardian's consent.
guardian-invited = The invitation was sent to { $email }.
guardian-unknown = This link is not known. Check that you copied the whole link, or ask the clinician for a new one.
guardian-expired = This link has expired. Ask the clinician to send a new one.
guardian-used = This link has already been used to sign.
guardian-staff-title = Guardian consent: { $name }
guardian-staff-intro = A client below the age at which the law of their state lets them consent alone needs a parent or legal guardian to consent too. The guardian reads and signs the same documents through a link sent by email.
guardian-age = Age
guardian-age-unknown = unknown (no date of birth)
guardian-rule = The rule
guardian-rule-age = May consent alone from age { $age }.
guardian-rule-source = Source (as of { $date })
guardian-status = Status
guardian-signed-caption = Signed by a guardian
guardian-col-document = Document
guardian-col-version = Version
guardian-col-signer = Signed as
guardian-col-at = When
guardian-last-invited = Last invitation: { $name }, { $at }
guardian-invite-heading = Invite the parent or guardian
guardian-name = Guardian's full name
guardian-email = Guardian's email
guardian-invite-submit = Send the invitation
guardian-title = Consent as parent or guardian
guardian-intro = { $guardian }, you are asked to read and sign these documents as the parent or legal guardian of { $client }.
guardian-thanks = Thank you. You signed:
guardian-typed-name = Type your full name to sign
guardian-agree = I am the parent or legal guardian, I have read each document above, and I agree
guardian-sign-button = Sign as parent or guardian
mail-guardian-subject = A request to sign from { $practice }
mail-guardian-body = { $practice } asks you, as a parent or guardian, to read and sign some documents. The link below works once and for 14 days.
mail-guardian-link = Read and sign: { $link }
release-title = Release of information
release-intro = Here you give us permission to share information with someone, say why and what, and until when. You can stop a permission at any time; from then on nothing more is shared under it.
release-recipient = Who may receive it
release-purpose = Why
release-scope = What may be shared
release-expires = Last day it is allowed
release-signed = Signed
release-col-status = Status
release-col-actions = Actions
release-status-active = In force
release-status-revoked = Stopped on { $at }
release-status-expired = Ended on { $date }
release-none = You have not given anyone permission to receive your information.
release-list-caption = Your permissions
release-disclosure-count = { $count ->
    [one] Shared once
   *[other] Shared { $count } times
}
release-pdf = Download what you signed (PDF): { $recipient }
release-revoke = Stop sharing with { $recipient }
release-new-heading = Give a new permission
release-template-summary = Read the text you will sign: { $title }
release-create = Sign and give permission
release-created = Thank you. The permission is signed.
release-revoked = The permission is stopped. Nothing more will be shared under it.
release-error-recipient = Say who may receive the information.
release-error-purpose = Say why it is shared.
release-error-scope = Say what may be shared.
release-error-too-long = Each field can be up to 500 characters.
release-error-expires = Give the last day the permission is allowed.
release-error-expires-past = The last day cannot be in the past.
release-changed = This permission changed meanwhile. Reload the page and try again.
release-team-title = Release authorisations: { $name }
release-team-intro = What the client allows you to share, with whom, and until when. A disclosure can be recorded only while the authorisation is in force.
release-team-none = The client has given no release authorisations.
release-disclosures = Shared so far
release-what = What you sent
release-disclose = Record sending records to { $recipient }
release-disclosed = The disclosure is recorded.
release-refused-revoked = Not recorded: the client stopped this authorisation on { $at }. Do not send these records.
release-refused-expired = Not recorded: this authorisation ended on { $date }. Do not send these records.
release-error-what = Say what you sent (up to 500 characters).
release-error-which = Choose the authorisation the disclosure is under.

## Onboarding: the emergency and contingency plan (issue 5, part 6)
ep-title = Your emergency and contingency plan
ep-intro = If something goes wrong during an online session, this plan tells your clinician where you are, who to call, and how you will get back in touch. You can save it unfinished and come back.
ep-saved = Saved as version { $version }.
ep-error-summary = Some answers need another look. Each one is marked below.
ep-complete = Your plan is complete.
ep-missing = Still to fill in:
ep-where = Where you usually are during sessions
ep-contact = Your emergency contact
ep-drops = If the video drops
ep-jurisdiction = State or region where you usually are (for example US-MA)
ep-jurisdiction-hint = Country and region code, like US-MA for Massachusetts.
ep-address = Address there, as you would give it to emergency services
ep-emergency-number = Local emergency number
ep-emergency-number-hint = Leave blank to use your country's number (911 in the US).
ep-facility-name = Nearest emergency room or crisis center
ep-facility-address = Its address
ep-contact-name = Emergency contact's name
ep-contact-relationship = How they are related to you
ep-contact-phone = Emergency contact's phone
ep-phone-hint = Include the country code, for example +1 617 555 0100.
ep-contact-permission = May your clinician call your emergency contact in an emergency?
ep-permission-yes = Yes
ep-permission-no = No
ep-fallback-phone = Phone your clinician should call if the video drops
ep-client-waits = Minutes you wait for your clinician to reconnect
ep-clinician-waits = Minutes your clinician keeps trying before following the plan
ep-minutes-hint = A whole number from 1 to 30.
ep-reconnect = How you get back in touch
ep-reconnect-clinician-calls = My clinician calls me
ep-reconnect-client-calls = I call my clinician
ep-reconnect-both-rejoin = We both rejoin the session link; if that fails, my clinician calls me
ep-reconnect-note = Anything else about reconnecting
ep-crisis-lines = Crisis lines
ep-crisis-hint = Leave blank to use your country's lines (988 by call or text in the US).
ep-crisis-name = Crisis line { $n }: name
ep-crisis-contact = Crisis line { $n }: how to reach it
ep-submit = Save plan
ep-error-jurisdiction = Write a country and region code, like US-MA.
ep-error-too-long = This answer is too long (300 characters at most).
ep-error-emergency-number = Write the local emergency number: 2 to 6 digits, such as 911 or 112.
ep-error-phone = Write a phone number with its country code, for example +1 617 555 0100.
ep-error-permission = Answer yes or no.
ep-error-minutes = Write a whole number of minutes from 1 to 30.
ep-error-reconnect = Choose one way to get back in touch.
ep-error-crisis-line = Each crisis line needs both a name and how to reach it.
ep-history-title = Saved versions
ep-history-none = No version saved yet.
ep-history-caption = Each saved version of the plan, newest first
ep-col-version = Version
ep-col-saved = Saved
ep-col-complete = Complete
ep-yes = Yes
ep-no = No
ep-record-title = Emergency plan: { $name }
ep-record-missing = The client has not filled in:
ep-record-none = The client has not started an emergency plan.
ep-blank = Not given
record-onboarding-title = Onboarding
record-emergency-plan = Emergency and contingency plan
record-screening = Screening results

## Onboarding: screening instruments (issue 5, part 4)
scr-title = Screening questionnaires
scr-intro = Before online sessions start, your clinician asks you to answer these short questionnaires. There are no right or wrong answers.
scr-last-done = last completed { $on }
scr-not-done = not completed yet
scr-back = Back to the questionnaires
scr-submit = Submit answers
scr-error-missing = Please answer every question. Not answered: { $items }.
scr-error-item = Please choose an answer.
scr-done-title = Thank you
scr-done-score = { $name } score: { $total }.
scr-done-next = Your clinician will talk with you about your answers.
scr-crisis-988 = Call or text 988 (Suicide and Crisis Lifeline), any time, day or night.
scr-crisis-911 = If you are in danger now, call 911 or go to your nearest emergency room.
scr-crisis-clinician = Talk to your clinician: they have been told to check in with you.
scr-crisis-plan = Your emergency plan
scr-urgent-title = Needs your attention now
scr-urgent-client = { $name } has a screening result to follow up.
scr-urgent-open = Open the results
scr-urgent-item9 = { $name } on { $on }: the answer to the question about thoughts of self-harm was above "Not at all". Follow up with the client now.
scr-acknowledge = I have seen this and am following up
scr-acknowledged-by = Acknowledged by { $who }
scr-flag-open = Not yet acknowledged
scr-record-title = Screening results: { $name }
scr-record-none = The client has not completed a questionnaire yet.
scr-table-caption = Every completed questionnaire, newest first
scr-col-on = Date
scr-col-instrument = Questionnaire
scr-col-score = Score
scr-col-band = Band
scr-col-flag = Safety flag
scr-band-minimal = Minimal
scr-band-mild = Mild
scr-band-moderate = Moderate
scr-band-moderately-severe = Moderately severe
scr-band-severe = Severe
scr-band-below-cutoff = Below the cut-point
scr-band-probable-ptsd = At or above the cut-point (probable PTSD)
scr-band-negative = Below the cut-point
scr-band-positive = At or above the cut-point
mail-attention-subject = Something needs your attention
mail-attention-body = A client's result needs your attention. Sign in to see it; it is not included in this email.
scr-chart-title = { $name } scores over time
scr-chart-desc = Line chart of totals from 0 to { $max }, oldest first: { $points }. The same numbers are in the table below.
## Onboarding: consent documents (issue 5)
consent-kind-telehealth = Consent to online therapy
consent-kind-privacy = Notice of privacy practices
consent-kind-release = Release of information
consents-title = Your consent forms
consents-intro = Please read and sign these before your first online session. You can ask your clinician about anything that is not clear.
consents-back = Back to your consent forms
consent-signed-notice = Thank you. You signed: { $title }.
consent-version = version { $version }
consent-version-grade = Version { $version }. Reading level: grade { $grade }.
consent-hash-line = Fingerprint of this version: { $hash }
consent-status-signed = Signed (version { $version }, { $date })
consent-status-sign-again = Changed since you signed version { $signed }: please read and sign version { $current } again
consent-status-to-sign = To sign
consent-typed-name = Type your full name to sign
consent-agree = I have read this and I agree
consent-sign-button = Sign version { $version }
consent-error-name-missing = Type your full name to sign.
consent-error-name-too-long = That name is too long. Use up to 500 characters.
consent-error-not-agreed = Tick "I have read this and I agree" to sign.
consent-error-changed = The practice published a new version while you were reading. Please read this version before you sign.
consent-admin-title = Edit: { $kind }
consent-admin-intro = Publishing makes a new version. Clients who signed an earlier version are asked to sign again before their next session.
consent-published = Version { $version } is published.
consent-readability-title = How easy is it to read?
consent-grade-line = Flesch–Kincaid grade: { $grade } (aim for { $target } or below).
consent-grade-above = This is harder to read than the aim.
consent-hard-intro = The hardest sentences. Shorter sentences and shorter words help:
consent-hard-grade = grade { $grade }
consent-field-title = Title
consent-field-body = Text (headings start with #, list items with -)
consent-preview-button = Preview
consent-publish-button = Publish as version { $version }
consent-preview-title = Preview
consent-versions-caption = Published versions
consent-col-published = Published
consent-col-hash = Fingerprint (SHA-256)
consent-error-title-missing = Give the document a title.
consent-error-title-too-long = The title must be one line of up to 200 characters.
consent-error-body-missing = The text is empty.
consent-error-body-too-long = The text is too long (up to 100,000 characters).
consent-error-published-meanwhile = Someone published a new version while you were editing. Your text is below, not published.

## Onboarding: appropriateness assessment (issue 5)
assessment-title = Is online care right for { $name }?
assessment-intro = Complete every question, choose an outcome and sign with your full name. Each signed version is kept.
assessment-saved = The assessment is signed and saved.
assessment-floor = The screening results suggest a current risk of at least: { $level }.
assessment-choose = Choose…
assessment-sign = Sign the assessment
assessment-past = Earlier versions
assessment-past-line = Version { $version }, { $date }, signed by
assessment-revisit = Revisit by { $date }.
assessment-back = Back to the record
assessment-field-current_risk = Current risk
assessment-field-risk_rationale = Why the risk is lower than the screening suggests (if it is)
assessment-field-psychosis_or_severe_impairment = Psychosis or severe impairment
assessment-field-substance_use = Substance use
assessment-field-home_safety = Safety at home
assessment-field-intimate_partner_violence = Concern about violence from a partner
assessment-field-privacy = A private place for sessions
assessment-field-technology = Technology access and skills
assessment-field-sensory_or_cognitive_needs = Sensory or cognitive needs
assessment-field-client_preference = What the client prefers
assessment-field-outcome = Outcome
assessment-field-safeguards = Safeguards (one a line)
assessment-field-referral_note = Referral note (where and why)
assessment-field-revisit_on = Revisit by (leave blank for the default)
assessment-field-notes = Notes
assessment-field-signed_name = Your full name, to sign
assessment-opt-none = None
assessment-opt-low = Low
assessment-opt-moderate = Moderate
assessment-opt-high = High
assessment-opt-some = Some concern
assessment-opt-significant = Significant concern
assessment-opt-history_stable = History, stable now
assessment-opt-active = Active
assessment-opt-no = No
assessment-opt-yes = Yes
assessment-opt-online = Online
assessment-opt-in_person = In person
assessment-opt-no_preference = No preference
assessment-opt-suitable = Suitable for online care
assessment-opt-suitable_with_safeguards = Suitable with safeguards
assessment-opt-refer_in_person = Refer to in-person care
assessment-error-missing = choose an answer.
assessment-error-too-long = too long (up to 2,000 characters).
assessment-error-rationale = the screening suggests a higher risk; say why the current risk is lower.
assessment-error-high-risk = with high current risk, list safeguards or refer to in-person care.
assessment-error-impairment = with active psychosis or severe impairment, list safeguards or refer to in-person care.
assessment-error-ipv = with a concern about a partner's violence, list safeguards (such as a code word and a check that the client is alone) or refer.
assessment-error-safeguards-missing = list at least one safeguard.
assessment-error-safeguards-outcome = safeguards are listed, so choose "Suitable with safeguards".
assessment-error-referral = say where the client is referred and why.
assessment-error-revisit = give a date after today and within the allowed range.
assessment-error-unsigned = Type your full name to sign.

## Onboarding: the path (issue 5)
path-title = Getting ready for online sessions
path-ready = Ready for online sessions.
path-steps-left = { $count ->
    [one] One thing is left:
   *[other] { $count } things are left:
}
path-assessment-link = Appropriateness assessment
reason-not_invited = The client has not been invited yet.
reason-no_account = The account is not set up yet.
reason-email_not_verified = The email address is not verified yet.
reason-phone_not_verified = The phone number is not verified yet.
reason-identity_not_verified = The clinician has not recorded how identity was checked.
reason-guardian_status_unknown = We need a date of birth and location to know if a guardian must consent.
reason-intake_not_submitted = The intake form is not sent yet.
reason-screening_missing = A screening questionnaire is not done yet.
reason-telehealth_consent_not_required = The practice does not ask for the online therapy consent. It must.
reason-consent_not_signed = A consent form is not signed yet.
reason-consent_outdated = A consent form has changed and must be signed again.
reason-consent_text_changed = A consent form's text has changed and must be signed again.
reason-guardian_consent_missing = A guardian has not consented yet.
reason-emergency_plan_missing = There is no emergency plan yet.
reason-emergency_plan_incomplete = The emergency plan is not complete.
reason-assessment_missing = The clinician has not done the assessment for online care yet.
reason-assessment_refers_in_person = The assessment refers the client to in-person care.
reason-assessment_outdated = The assessment for online care is past its revisit date.
reason-assessment_predates_urgent_screening = A new screening result needs the assessment done again.
