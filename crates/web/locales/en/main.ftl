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
nav-practice = Our practice
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

audit-title = Audit log
audit-caption = The newest events, newest first
audit-verify = Check the whole log
audit-verify-ok = The log is intact: { $events } events checked, every signature valid.
audit-verify-broken = The log has been changed: the first bad event is number { $seq }.
audit-col-action = Action
audit-col-client = Client record
audit-col-object = Object
