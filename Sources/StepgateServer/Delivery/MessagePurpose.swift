/// Why a message is sent: a fixed code for logs and metrics labels, never user data.
///
/// A closed set, so metrics series stay bounded; add a case for a new kind of message.
public enum MessagePurpose: String, Sendable, CaseIterable {
    /// A one-time code for sign-in, step-up or enrolment.
    case otp
    /// A factor was added to the account.
    case factorAdded = "factor_added"
    /// A factor was removed from the account.
    case factorRemoved = "factor_removed"
    /// The account's password was changed.
    case passwordChanged = "password_changed"
    /// A test message from `stepgate notify test`.
    case test
}
