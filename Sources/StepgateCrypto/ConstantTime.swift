internal import COpenSSL

/// Whether `a` and `b` hold the same bytes, in time that depends only on their lengths.
///
/// Lengths are not secret here (codes, MACs and hashes have fixed lengths); a length
/// mismatch returns `false` at once.
public func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    guard a.count == b.count else { return false }
    if a.isEmpty { return true }
    return a.withUnsafeBytes { x in
        b.withUnsafeBytes { y in
            // Safety: both buffers hold count bytes and live for the call.
            CRYPTO_memcmp(x.baseAddress, y.baseAddress, x.count) == 0
        }
    }
}

/// Whether two strings hold the same UTF-8 bytes, compared in constant time.
public func constantTimeEquals(_ a: String, _ b: String) -> Bool {
    constantTimeEquals(Array(a.utf8), Array(b.utf8))
}

/// Overwrites a secret buffer we own with zeros before it is released.
public func wipe(_ bytes: inout [UInt8]) {
    bytes.withUnsafeMutableBytes { buffer in
        // Safety: the buffer is ours and count bytes long; OPENSSL_cleanse is not optimised away.
        if let base = buffer.baseAddress { OPENSSL_cleanse(base, buffer.count) }
    }
}
