import Foundation
import StepgateCrypto

/// The AES-256-GCM key that seals TOTP seeds and private signing keys at rest.
///
/// Comes from `STEPGATE_MASTER_KEY` or from the key file, which is created with mode 0600 on
/// first use. A key file readable by group or others is refused. `description` never shows the key.
public struct MasterKey: Sendable, CustomStringConvertible {
    private let key: [UInt8]

    init(bytes: [UInt8]) {
        precondition(bytes.count == 32, "a master key has 32 bytes")
        self.key = bytes
    }

    public var description: String { "MasterKey(<redacted>)" }

    /// The key for `configuration`: from the environment, else the file, created if missing.
    static func load(_ configuration: ServerConfiguration, random: any RandomSource) throws -> MasterKey {
        if let key = configuration.masterKeyFromEnvironment { return MasterKey(bytes: key) }
        let path = configuration.masterKeyFile
        let manager = FileManager.default
        if !manager.fileExists(atPath: path) {
            try createFile(path, random: random)
        }
        let attributes = try manager.attributesOfItem(atPath: path)
        if let mode = attributes[.posixPermissions] as? NSNumber, mode.intValue & 0o077 != 0 {
            throw ServerError.startup("master key file \(path) is readable by others; run chmod 600 on it")
        }
        guard let data = manager.contents(atPath: path),
            let text = String(bytes: data, encoding: .utf8),
            let key = Base64URL.decode(text.trimmingWhitespace()), key.count == 32
        else {
            throw ServerError.startup("master key file \(path): expected 32 bytes in base64url")
        }
        return MasterKey(bytes: key)
    }

    private static func createFile(_ path: String, random: any RandomSource) throws {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try FileManager.default.createDirectory(
                atPath: directory,
                withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700]
            )
        }
        var bytes = random.bytes(32)
        defer { wipe(&bytes) }
        let text = Base64URL.encode(bytes) + "\n"
        let fd = Glibc.open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else { throw ServerError.startup("master key file \(path) cannot be created") }
        defer { Glibc.close(fd) }
        let written = text.utf8CString.withUnsafeBufferPointer { buffer in
            // Safety: the buffer lives for the call; the trailing NUL is not written.
            write(fd, buffer.baseAddress, buffer.count - 1)
        }
        guard written == text.utf8.count else { throw ServerError.startup("master key file \(path) cannot be written") }
    }

    /// Seals `plaintext`, binding it to `purpose` (such as `totp:<factor id>`) as associated data.
    func seal(_ plaintext: [UInt8], purpose: String) throws -> [UInt8] {
        try AESGCM.seal(plaintext, key: key, associatedData: Array(purpose.utf8))
    }

    /// Opens what `seal` sealed for the same `purpose`; throws if it was altered or moved.
    func open(_ sealed: [UInt8], purpose: String) throws -> [UInt8] {
        try AESGCM.open(sealed, key: key, associatedData: Array(purpose.utf8))
    }

    /// A key for `purpose` derived from the master key (HMAC-SHA-256), such as the CSRF key.
    func derive(_ purpose: String) -> [UInt8] {
        HMAC.authenticationCode(.sha256, key: key, message: Array(purpose.utf8))
    }
}
