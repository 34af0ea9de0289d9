/// Points each risk signal adds to the score when it fires.
///
/// Every value must lie in 0...100, except `networkAllowed` and `deviceRemembered`, which lie in
/// -100...0 so that a trusted network or a browser the user asked to remember lowers the score. The defaults make a new device from a new country (55)
/// a medium risk and impossible travel alone (60) a high one.
public struct RiskPoints: Hashable, Sendable {
    /// `device.new`; 25 by default.
    public var deviceNew = 25
    /// `device.fingerprint_changed`; 15 by default.
    public var deviceFingerprintChanged = 15
    /// `device.remembered`; -15 by default.
    public var deviceRemembered = -15
    /// `network.changed`; 10 by default.
    public var networkChanged = 10
    /// `network.allowed`; -20 by default.
    public var networkAllowed = -20
    /// `network.denied`; 100 by default (the assessment is denied regardless).
    public var networkDenied = 100
    /// `geo.new_country`; 30 by default.
    public var geoNewCountry = 30
    /// `geo.impossible_travel`; 60 by default.
    public var geoImpossibleTravel = 60
    /// `session.old`; 10 by default.
    public var sessionOld = 10
    /// `session.idle`; 10 by default.
    public var sessionIdle = 10
    /// `auth.recent_failures`; 20 by default.
    public var authRecentFailures = 20
    /// `velocity.high`; 20 by default.
    public var velocityHigh = 20
    /// `amount.unusual`; 25 by default.
    public var amountUnusual = 25
    /// `amount.first`; 10 by default.
    public var amountFirst = 10

    /// The defaults above.
    public init() {}

    /// The points of the signal `code`.
    public subscript(code: RiskReason.Code) -> Int {
        get { self[keyPath: Self.keyPath(code)] }
        set { self[keyPath: Self.keyPath(code)] = newValue }
    }

    private static func keyPath(_ code: RiskReason.Code) -> WritableKeyPath<RiskPoints, Int> {
        switch code {
        case .deviceNew: \.deviceNew
        case .deviceFingerprintChanged: \.deviceFingerprintChanged
        case .deviceRemembered: \.deviceRemembered
        case .networkChanged: \.networkChanged
        case .networkAllowed: \.networkAllowed
        case .networkDenied: \.networkDenied
        case .geoNewCountry: \.geoNewCountry
        case .geoImpossibleTravel: \.geoImpossibleTravel
        case .sessionOld: \.sessionOld
        case .sessionIdle: \.sessionIdle
        case .authRecentFailures: \.authRecentFailures
        case .velocityHigh: \.velocityHigh
        case .amountUnusual: \.amountUnusual
        case .amountFirst: \.amountFirst
        }
    }
}
