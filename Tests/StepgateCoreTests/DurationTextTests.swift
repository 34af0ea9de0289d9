import Foundation
import Testing

@testable import StepgateCore

@Suite struct DurationTextTests {
    static let valid: [(String, TimeInterval)] = [
        ("0", 0), ("300", 300), ("90s", 90), ("15m", 900), ("1h", 3600), ("24h", 86_400),
        ("30d", 2_592_000), ("0s", 0), ("36525d", 3_155_760_000),
    ]

    @Test(arguments: valid)
    func parse_readsValue(text: String, seconds: TimeInterval) throws {
        #expect(try DurationText.parse(text) == seconds)
    }

    @Test(arguments: [
        ("", DurationTextError.Code.empty),
        ("-5m", .negative),
        ("-", .negative),
        ("15x", .unknownUnit),
        ("15M", .unknownUnit),
        ("h", .malformed),
        ("1.5h", .malformed),
        (" 15m", .malformed),
        ("15 m", .malformed),
        ("+15m", .malformed),
        ("15ms", .malformed),
        ("１５m", .malformed),
        ("36526d", .tooLarge),
        ("99999999999999999999d", .tooLarge),
        (String(repeating: "9", count: 100), .tooLarge),
    ])
    func parse_rejects(text: String, expected: DurationTextError.Code) {
        do {
            _ = try DurationText.parse(text)
            Issue.record("expected a rejection")
        } catch {
            #expect(error.code == expected)
            #expect(error.description.contains("such as 300, 90s, 15m, 24h, 30d"))
            #expect(text.count < 8 || !error.description.contains(text))
        }
    }
}
