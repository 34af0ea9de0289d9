public import Foundation

/// A device a user has used, known by the hash of its device cookie.
public struct DeviceRecord: Sendable, Hashable {
    public var userID: String
    /// SHA-256 of the device cookie's value; the value itself is never stored.
    public var deviceIDHash: [UInt8]
    /// The fingerprint of stable request traits seen with it last (not a secret).
    public var fingerprint: String
    public var firstSeenAt: Date
    public var lastSeenAt: Date
    /// Until when the user asked Stepgate to remember this device (it lowers the risk score,
    /// never satisfies `max_age`); nil when not remembered.
    public var rememberedUntil: Date?
    /// A description of the browser for the user's device list, such as `Firefox on Linux`.
    public var label: String?

    public init(
        userID: String,
        deviceIDHash: [UInt8],
        fingerprint: String,
        firstSeenAt: Date,
        lastSeenAt: Date,
        rememberedUntil: Date? = nil,
        label: String? = nil
    ) {
        self.userID = userID
        self.deviceIDHash = deviceIDHash
        self.fingerprint = fingerprint
        self.firstSeenAt = firstSeenAt
        self.lastSeenAt = lastSeenAt
        self.rememberedUntil = rememberedUntil
        self.label = label
    }
}

/// Where and when a user was last seen, and the countries seen before: what the risk engine
/// compares a new request with.
public struct RiskStateRecord: Sendable, Hashable {
    public var userID: String
    public var lastIP: String?
    public var lastCountry: String?
    public var lastLatitude: Double?
    public var lastLongitude: Double?
    /// Kilometres; the geolocation database's own uncertainty for the last location.
    public var lastAccuracyKm: Double?
    public var lastSeenAt: Date
    /// ISO 3166 codes, each once, in the order first seen.
    public var countries: [String]

    public init(
        userID: String,
        lastIP: String?,
        lastCountry: String?,
        lastLatitude: Double?,
        lastLongitude: Double?,
        lastAccuracyKm: Double?,
        lastSeenAt: Date,
        countries: [String]
    ) {
        self.userID = userID
        self.lastIP = lastIP
        self.lastCountry = lastCountry
        self.lastLatitude = lastLatitude
        self.lastLongitude = lastLongitude
        self.lastAccuracyKm = lastAccuracyKm
        self.lastSeenAt = lastSeenAt
        self.countries = countries
    }
}

/// One allowed high-risk action, kept for velocity and for the user's own amount history.
public struct ActionRecord: Sendable, Hashable {
    public var userID: String
    public var action: String
    /// The amount as exact decimal text (never a binary floating-point value); nil when the
    /// action has none.
    public var amount: String?
    public var at: Date

    public init(userID: String, action: String, amount: String?, at: Date) {
        self.userID = userID
        self.action = action
        self.amount = amount
        self.at = at
    }
}

/// What `Store.pruneHistory` deletes: history that no check reads any more.
public struct HistoryHorizon: Sendable, Hashable {
    /// Devices first seen before this time: their device cookie, which lives for a fixed time
    /// from its creation (no later than the row's first sighting), has expired, so no browser
    /// can present it again.
    public var devicesFirstSeenBefore: Date
    /// Allowed high-risk actions before this time: past both the velocity window and the
    /// amount history.
    public var actionsBefore: Date
    /// Messages sent or failed for good that were queued before this time (their payloads were
    /// erased when they ended); pending messages always stay.
    public var messagesBefore: Date

    public init(devicesFirstSeenBefore: Date, actionsBefore: Date, messagesBefore: Date) {
        self.devicesFirstSeenBefore = devicesFirstSeenBefore
        self.actionsBefore = actionsBefore
        self.messagesBefore = messagesBefore
    }
}
