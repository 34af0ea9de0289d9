import Testing

@testable import StepgateHTTP

/// Header names compare as `String.lowercased()` makes them: look-ups, every value, set and remove.
@Suite struct HTTPHeadersTests {
    /// Names that differ only in case, names that lowercasing maps onto ASCII (the Kelvin sign
    /// `K` becomes `k`), one canonically equal to ASCII (U+037E is `;`), and other non-ASCII.
    static let names = [
        "Cookie", "cookie", "COOKIE", "X-Original-URI", "x-original-uri", "X-ORIGINAL-URI", "X-Original-Method",
        "\u{212A}ey", "key", "KEY", "x\u{037E}", "x;", "Straße", "STRASSE", "strasse", "Ünïcode", "ünïcode", "",
        "Accept-Language", "a", "A",
    ]

    /// The rules as they were written first: lowercase both names on every comparison.
    private static func referenceValues(_ fields: [(String, String)], _ name: String) -> [String] {
        fields.filter { $0.0.lowercased() == name.lowercased() }.map(\.1)
    }

    private static let fields: [(String, String)] = names.enumerated().map { ($0.element, "v\($0.offset)") }

    @Test(arguments: names)
    func lookUp_comparesNamesAsLowercasedStrings(_ name: String) {
        let headers = HTTPHeaders(Self.fields)
        let expected = Self.referenceValues(Self.fields, name)
        #expect(headers.values(name) == expected)
        #expect(headers[name] == expected.first)
    }

    @Test(arguments: names)
    func removeAndSet_actOnEveryFieldOfTheName(_ name: String) {
        var headers = HTTPHeaders(Self.fields)
        headers.remove(name)
        let kept = Self.fields.filter { $0.0.lowercased() != name.lowercased() }
        #expect(headers.fields.map(\.name) == kept.map(\.0))
        #expect(headers.fields.map(\.value) == kept.map(\.1))
        for other in Self.names {
            #expect(headers.values(other) == Self.referenceValues(kept, other))
        }

        headers.set(name, "new")
        #expect(headers.values(name) == ["new"])
        #expect(headers.fields.last?.name == name)
    }

    @Test func add_keepsArrivalOrderAndEveryValue() {
        var headers = HTTPHeaders()
        headers.add("Set-Cookie", "a=1")
        headers.add("Content-Type", "text/plain")
        headers.add("set-cookie", "b=2")
        #expect(headers.values("SET-COOKIE") == ["a=1", "b=2"])
        #expect(headers.map(\.name) == ["Set-Cookie", "Content-Type", "set-cookie"])
        #expect(headers["content-type"] == "text/plain")
        #expect(headers["Content-Length"] == nil)
    }
}
