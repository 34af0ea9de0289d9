/// The secrets a `Redactor` knows, indexed by their first four bytes, so that finding every one
/// of them in a text is one pass over the text rather than one search per secret.
struct SecretIndex {
    /// Secrets (UTF-8) by their first four bytes, longest first within each bucket.
    private let buckets: [UInt32: [[UInt8]]]

    /// An index of `secrets`; each must be at least four bytes long (shorter ones are left out).
    init(_ secrets: Set<String>) {
        var buckets: [UInt32: [[UInt8]]] = [:]
        for secret in secrets {
            let bytes = Array(secret.utf8)
            guard bytes.count >= 4 else { continue }
            buckets[Self.prefix(bytes, 0), default: []].append(bytes)
        }
        self.buckets = buckets.mapValues { $0.sorted { $0.count > $1.count } }
    }

    /// `text` with each occurrence of a secret replaced by `replacement(secret)`; at each
    /// position the longest secret that starts there wins.
    func replacing(in text: String, with replacement: (String) -> String) -> String {
        let bytes = Array(text.utf8)
        guard !buckets.isEmpty, bytes.count >= 4 else { return text }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        var changed = false
        while index < bytes.count {
            if index + 4 <= bytes.count, let candidates = buckets[Self.prefix(bytes, index)],
                let match = candidates.first(where: { bytes[index...].starts(with: $0) })
            {
                output += Array(replacement(String(decoding: match, as: UTF8.self)).utf8)
                index += match.count
                changed = true
                continue
            }
            output.append(bytes[index])
            index += 1
        }
        return changed ? String(decoding: output, as: UTF8.self) : text
    }

    private static func prefix(_ bytes: [UInt8], _ start: Int) -> UInt32 {
        UInt32(bytes[start]) << 24 | UInt32(bytes[start + 1]) << 16 | UInt32(bytes[start + 2]) << 8
            | UInt32(bytes[start + 3])
    }
}
