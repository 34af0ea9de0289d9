/// What Stepgate accepts as a new password: at least 8 characters and at most 1024 bytes (the
/// sign-in form's limit), with no composition rules (NIST SP 800-63B §5.1.1.2).
enum PasswordRule {
    static let minimumCharacters = 8
    static let maximumBytes = 1024

    /// Nil when `password` is acceptable; otherwise a sentence for the user that names no part
    /// of it.
    static func problem(_ password: String) -> String? {
        if password.count < minimumCharacters {
            return "Choose a password of at least \(minimumCharacters) characters."
        }
        if password.utf8.count > maximumBytes { return "Choose a password of at most \(maximumBytes) bytes." }
        return nil
    }
}
