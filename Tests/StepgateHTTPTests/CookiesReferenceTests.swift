import StepgateHTTP
import Testing

/// `Cookies` reads ASCII headers by bytes and others by characters: both must give what the
/// character rules give, for every header.
@Suite struct CookiesReferenceTests {
    /// The character rules as first written.
    private static func reference(_ header: String) -> [String: String] {
        var result: [String: String] = [:]
        var count = 0
        for piece in header.split(separator: ";", omittingEmptySubsequences: true) {
            guard count < Cookies.maximumCount else { break }
            guard let equals = piece.firstIndex(of: "=") else { continue }
            let name = trim(piece[piece.startIndex..<equals])
            guard !name.isEmpty else { continue }
            var value = trim(piece[piece.index(after: equals)...])
            if value.count >= 2 && value.hasPrefix("\"") && value.hasSuffix("\"") {
                value = value.dropFirst().dropLast()
            }
            count += 1
            if result[String(name)] == nil { result[String(name)] = String(value) }
        }
        return result
    }

    private static func trim(_ text: Substring) -> Substring {
        let isBlank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = text.firstIndex(where: { !isBlank($0) }),
            let last = text.lastIndex(where: { !isBlank($0) })
        else { return "" }
        return text[first...last]
    }

    /// A fixed pseudo-random sequence (SplitMix64), so every run checks the same headers.
    private struct Generator {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Int((z ^ (z >> 31)) % UInt64(bound))
        }
    }

    static let pieces = [
        "a", "b", "sid", "=", "=", ";", ";", " ", "\t", "\"", "x", "1", "\r", "\n", "\r\n", "é", "\u{301}", "\u{212A}",
        "; ", "=\"v\"",
    ]

    @Test func parse_givesTheCharacterRulesResult_forGeneratedHeaders() {
        var generator = Generator(state: 2026)
        for _ in 0..<5_000 {
            let length = generator.next(24)
            let header = (0..<length).map { _ in Self.pieces[generator.next(Self.pieces.count)] }.joined()
            #expect(Cookies.parse(header: header) == Self.reference(header), "header \(header.debugDescription)")
        }
    }

    @Test(arguments: [
        "a=\"\"", "a=\"", "a=\" \"", " a = \"x\" ", "a=\t\"x\"\t", "a==b", "=a; b=", ";;a=1;;", "a=1\r\n; b=2",
        "a=\"é\"", "a=1; a=2", "\ta\t=\t1\t", "a b=c d", "a=\"\"\"",
    ])
    func parse_givesTheCharacterRulesResult_forEdgeCases(_ header: String) {
        #expect(Cookies.parse(header: header) == Self.reference(header))
    }

    @Test func parse_stopsAtTheMaximumCount_asTheCharacterRulesDo() {
        let pairs = (0..<(Cookies.maximumCount + 5)).map { "c\($0)=\($0)" }
        for header in [pairs.joined(separator: "; "), pairs.joined(separator: "; ") + "; é=1"] {
            #expect(Cookies.parse(header: header) == Self.reference(header))
            #expect(Cookies.parse(header: header).count == Cookies.maximumCount)
        }
    }
}
