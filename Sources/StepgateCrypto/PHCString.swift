/// An argon2id hash in PHC string format, as libargon2 writes it.
///
/// Parsing is strict: only `argon2id`, only `v=19`, parameters in the order m, t, p as decimal
/// numbers without leading zeros, and canonical unpadded standard base64.
struct PHCString {
    let parameters: Argon2Parameters
    let salt: [UInt8]
    let hash: [UInt8]

    init(parameters: Argon2Parameters, salt: [UInt8], hash: [UInt8]) {
        self.parameters = parameters
        self.salt = salt
        self.hash = hash
    }

    /// The parts of `text`, or nil when it is malformed or out of the supported range.
    init?(parsing text: String) {
        guard text.utf8.count <= 256 else { return nil }
        let fields = text.split(separator: "$", omittingEmptySubsequences: false)
        guard fields.count == 6, fields[0].isEmpty, fields[1] == "argon2id", fields[2] == "v=19"
        else { return nil }
        let costs = fields[3].split(separator: ",", omittingEmptySubsequences: false)
        guard costs.count == 3,
            let memory = Self.number(costs[0], prefix: "m="),
            let iterations = Self.number(costs[1], prefix: "t="),
            let parallelism = Self.number(costs[2], prefix: "p=")
        else { return nil }
        let parameters = Argon2Parameters(
            memoryKiB: memory,
            iterations: iterations,
            parallelism: parallelism
        )
        guard parameters.isSupported,
            let salt = Self.decodeBase64(fields[4]), (8...64).contains(salt.count),
            let hash = Self.decodeBase64(fields[5]), (16...64).contains(hash.count)
        else { return nil }
        self.init(parameters: parameters, salt: salt, hash: hash)
    }

    /// The PHC text.
    var encoded: String {
        let costs = "m=\(parameters.memoryKiB),t=\(parameters.iterations),p=\(parameters.parallelism)"
        return "$argon2id$v=19$\(costs)$"
            + Self.encodeBase64(salt) + "$" + Self.encodeBase64(hash)
    }

    private static func number(_ field: Substring, prefix: String) -> UInt32? {
        guard field.hasPrefix(prefix) else { return nil }
        let digits = field.dropFirst(prefix.count)
        guard !digits.isEmpty, digits.count <= 10,
            digits.utf8.allSatisfy({ (0x30...0x39).contains($0) }),
            digits == "0" || !digits.hasPrefix("0")
        else { return nil }
        return UInt32(digits)
    }

    /// Unpadded standard base64 is base64url with `+` and `/` in place of `-` and `_`, so the
    /// strict base64url decoder does the work once the alphabets are swapped.
    private static func decodeBase64(_ text: Substring) -> [UInt8]? {
        guard !text.utf8.contains(UInt8(ascii: "-")), !text.utf8.contains(UInt8(ascii: "_")) else {
            return nil
        }
        let swapped = text.utf8.map { byte -> UInt8 in
            switch byte {
            case UInt8(ascii: "+"): UInt8(ascii: "-")
            case UInt8(ascii: "/"): UInt8(ascii: "_")
            default: byte
            }
        }
        return Base64URL.decode(String(decoding: swapped, as: UTF8.self))
    }

    private static func encodeBase64(_ bytes: [UInt8]) -> String {
        let swapped = Base64URL.encode(bytes).utf8.map { byte -> UInt8 in
            switch byte {
            case UInt8(ascii: "-"): UInt8(ascii: "+")
            case UInt8(ascii: "_"): UInt8(ascii: "/")
            default: byte
            }
        }
        return String(decoding: swapped, as: UTF8.self)
    }
}
