/// A cursor over bytes for the fixed-layout parts of authenticator data.
///
/// Every read checks what is left first and throws `WebAuthnError.malformed` when it is short.
struct ByteReader {
    private let bytes: [UInt8]
    private var index: Int

    /// A reader positioned at `offset` in `bytes`.
    init(_ bytes: [UInt8], from offset: Int) {
        self.bytes = bytes
        self.index = min(offset, bytes.count)
    }

    /// Whether every byte has been read.
    var isAtEnd: Bool { index == bytes.count }

    /// The unread bytes, indexed as in the whole input.
    var rest: ArraySlice<UInt8> { bytes[index...] }

    /// The next `count` bytes; `what` names them in the error when fewer are left.
    mutating func read(_ count: Int, _ what: String) throws(WebAuthnError) -> [UInt8] {
        guard count >= 0, bytes.count - index >= count else {
            throw WebAuthnError(.malformed, "authenticator data ends inside \(what)")
        }
        defer { index += count }
        return Array(bytes[index..<index + count])
    }

    /// Moves past `count` bytes that the caller has already checked are there.
    mutating func skip(_ count: Int) {
        index = min(index + count, bytes.count)
    }
}
