public import Foundation

/// An authentication assurance level, named by its `acr` value.
public struct AssuranceLevel: Sendable, Hashable {
    /// The `acr` value, e.g. `aal2`.
    public var name: String
    /// Order among levels; higher is stronger.
    public var rank: Int
    /// What a session must prove: every set needs at least one event whose method is in it
    /// (an AND of ORs). `[[.pwd], [.otp, .hwk]]` means a password and then an OTP or a key.
    public var requirement: [Set<AuthenticationMethod>]
    /// Seconds an event counts towards this level after it happened.
    public var absoluteLifetime: TimeInterval
    /// Seconds of inactivity after which the session loses this level; nil for no limit.
    public var idleLifetime: TimeInterval?

    /// A level; `AssurancePolicy.init` checks that it makes sense.
    public init(
        name: String,
        rank: Int,
        requirement: [Set<AuthenticationMethod>],
        absoluteLifetime: TimeInterval,
        idleLifetime: TimeInterval?
    ) {
        self.name = name
        self.rank = rank
        self.requirement = requirement
        self.absoluteLifetime = absoluteLifetime
        self.idleLifetime = idleLifetime
    }
}
