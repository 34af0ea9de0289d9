import Foundation
import StepgateCore
import StepgateCrypto
import StepgateStore
import Synchronization

/// The ES256 signing keys: the current one signs, the current and the previous one verify.
///
/// Keys live in the store, sealed under the master key, so every node and every admin command
/// sees the same ring. A node reloads the ring at most every `reloadInterval` seconds, and at
/// once when it meets a `kid` it does not know, so a rotation made elsewhere takes effect quickly.
final class KeyRing: Sendable {
    struct Snapshot: Sendable {
        let kid: String
        let signingKey: ES256PrivateKey
        /// Current and previous public keys by `kid`: what JWKS publishes and verification accepts.
        let publicKeys: [String: ES256PublicKey]
        /// The JWKS document, serialised once per load.
        let jwks: [UInt8]
        let loadedAt: Date
    }

    private let store: any Store
    private let masterKey: MasterKey
    private let clock: any Clock
    private let reloadInterval: TimeInterval
    private let state = Mutex<Snapshot?>(nil)

    /// How often a node reads the key table even when it meets no unknown `kid`, in seconds.
    static let defaultReloadInterval: TimeInterval = 30

    init(
        store: any Store,
        masterKey: MasterKey,
        clock: any Clock,
        reloadInterval: TimeInterval = KeyRing.defaultReloadInterval
    ) {
        self.store = store
        self.masterKey = masterKey
        self.clock = clock
        self.reloadInterval = reloadInterval
    }

    /// The ring as last loaded, reloading it when it is older than the reload interval.
    func snapshot() throws -> Snapshot {
        let now = clock.now
        if let cached = state.withLock({ $0 }), now.timeIntervalSince(cached.loadedAt) < reloadInterval {
            return cached
        }
        return try reload()
    }

    /// Reads the keys from the store, creating the first one if there is none.
    @discardableResult
    func reload() throws -> Snapshot {
        var records = try store.signingKeys()
        if records.isEmpty {
            // Of nodes starting at once on an empty database, one key wins; the others load it.
            _ = try store.insertFirstSigningKey(try newKey().record)
            records = try store.signingKeys()
        }
        guard let current = records.first(where: { $0.retiredAt == nil }) ?? records.first else {
            throw ServerError.keys("no signing key could be created")
        }
        let signingKey = try openKey(current)
        var publicKeys = [current.kid: signingKey.publicKey]
        let retired = records.filter { $0.kid != current.kid }
        let previous = retired.max {
            ($0.retiredAt ?? .distantPast, $0.createdAt) < ($1.retiredAt ?? .distantPast, $1.createdAt)
        }
        if let previous {
            publicKeys[previous.kid] = try openKey(previous).publicKey
        }
        let keys = publicKeys.sorted { $0.key == current.kid || ($1.key != current.kid && $0.key < $1.key) }
        let document: JSONValue = .object([
            "keys": .array(keys.map { JWK(kid: $0.key, publicKey: $0.value).json })
        ])
        let snapshot = Snapshot(
            kid: current.kid,
            signingKey: signingKey,
            publicKeys: publicKeys,
            jwks: document.serialized(),
            loadedAt: clock.now
        )
        state.withLock { $0 = snapshot }
        return snapshot
    }

    /// Makes a new signing key current and retires the others; returns the new `kid`.
    ///
    /// The key retired last stays published as the previous key until the next rotation.
    /// `Admin.rotateKeys` refuses a second rotation within two reload intervals.
    func rotate() throws -> String {
        let (kid, record) = try newKey()
        try store.rotateSigningKey(to: record)
        state.withLock { $0 = nil }
        return kid
    }

    /// A fresh key, sealed under the master key, as the store keeps it.
    private func newKey() throws -> (kid: String, record: SigningKeyRecord) {
        let key = try ES256PrivateKey.generate()
        let kid = key.publicKey.thumbprint
        var der = key.pkcs8DER
        defer { wipe(&der) }
        let record = SigningKeyRecord(
            kid: kid,
            sealedPrivateKey: try masterKey.seal(der, purpose: "signing-key:\(kid)"),
            createdAt: clock.now,
            retiredAt: nil
        )
        return (kid, record)
    }

    /// Signs `claims` as a compact JWS with the current key.
    func sign(_ claims: JSONValue, type: String) throws -> String {
        let ring = try snapshot()
        return try JWS.sign(payload: claims.serialized(), key: ring.signingKey, kid: ring.kid, type: type)
    }

    /// Verifies a compact JWS made by this ring (current or previous key); throws if it is not.
    func verify(_ compact: String) throws -> VerifiedJWS {
        let ring = try snapshot()
        do {
            return try JWS.verify(compact, keys: { ring.publicKeys[$0] })
        } catch {
            // A kid we do not know may come from a rotation on another node: reload once.
            // Known gap: any token with an unknown kid causes this read of the key table; there
            // is no limit on how often.
            guard let header = try? JWS.decodeWithoutVerifying(compact).header,
                let kid = header["kid"]?.stringValue, ring.publicKeys[kid] == nil
            else { throw error }
            let fresh = try reload()
            return try JWS.verify(compact, keys: { fresh.publicKeys[$0] })
        }
    }

    private func openKey(_ record: SigningKeyRecord) throws -> ES256PrivateKey {
        var der: [UInt8]
        do {
            der = try masterKey.open(record.sealedPrivateKey, purpose: "signing-key:\(record.kid)")
        } catch {
            throw ServerError.keys("signing key \(record.kid) cannot be opened with this master key")
        }
        defer { wipe(&der) }
        return try ES256PrivateKey(pkcs8DER: der)
    }
}
