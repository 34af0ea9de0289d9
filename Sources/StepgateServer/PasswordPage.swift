/// The HTML of the password change form (`/account/password`): the current password and the new
/// one twice, marked with the `autocomplete` tokens password managers and test tools look for.
struct PasswordPage {
    let userName: String
    let csrf: String
    /// A sentence saying why the last attempt was refused; nil on first display.
    let error: String?

    var body: String {
        let alert = error.map { "<p class=\"error\" role=\"alert\">\(HTML.escape($0))</p>" } ?? ""
        return """
            \(alert)
            <p>Signed in as <strong>\(HTML.escape(userName))</strong>. Changing your password signs \
            out every other browser and app signed in to your account.</p>
            <form method="post" action="/account/password">
            <input type="hidden" name="csrf" value="\(HTML.escape(csrf))">
            <input type="text" name="username" value="\(HTML.escape(userName))" autocomplete="username" \
            readonly hidden>
            <label for="current">Current password</label>
            <input type="password" id="current" name="current" autocomplete="current-password" required \
            maxlength="1024">
            <label for="new">New password (at least \(PasswordRule.minimumCharacters) characters)</label>
            <input type="password" id="new" name="new" autocomplete="new-password" required \
            minlength="\(PasswordRule.minimumCharacters)">
            <label for="confirm">New password again</label>
            <input type="password" id="confirm" name="confirm" autocomplete="new-password" required \
            minlength="\(PasswordRule.minimumCharacters)">
            <button type="submit">Change password</button>
            </form>
            <p><a href="/account">Back to your account</a></p>
            """
    }
}
