/// A secret the probe holds: a password, a TOTP seed, a client secret.
///
/// Prints `<redacted>` in every description and mirror; only `revealed` gives the value, and
/// only code that sends it to the target should call it.
public struct Secret: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    private let value: String

    public init(_ value: String) {
        self.value = value
    }

    /// The value itself. Never log it, print it or put it into evidence.
    public var revealed: String { value }

    /// Always `<redacted>`.
    public var description: String { "<redacted>" }

    /// Always `<redacted>`.
    public var debugDescription: String { description }

    /// A mirror without children, so `dump` cannot print the value.
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}
