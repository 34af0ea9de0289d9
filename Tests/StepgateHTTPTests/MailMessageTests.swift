import Foundation
import Testing

@testable import StepgateHTTP

/// The RFC 5322 builder: headers, encodings, and every way a header could be injected.
struct MailMessageTests {
    static let date = Date(timeIntervalSince1970: 1_800_000_000)

    static func message(
        from: String = "stepgate@id.example.com",
        to: String = "alice@example.org",
        subject: String = "Your code",
        text: String = "Your code is 123456.",
        messageID: String = "msg-1"
    ) throws(MailMessageError) -> MailMessage {
        try MailMessage(from: from, to: to, subject: subject, text: text, date: date, messageID: messageID)
    }

    static func rendered(_ message: MailMessage) -> (headers: [String], body: String) {
        let text = String(decoding: message.rendered(), as: UTF8.self)
        let parts = text.components(separatedBy: "\r\n\r\n")
        return (parts[0].components(separatedBy: "\r\n"), parts.dropFirst().joined(separator: "\r\n\r\n"))
    }

    @Test func rendered_hasEveryHeaderInOrder() throws {
        let (headers, body) = Self.rendered(try Self.message())

        #expect(
            headers == [
                "Date: Fri, 15 Jan 2027 08:00:00 +0000",
                "From: stepgate@id.example.com",
                "To: alice@example.org",
                "Subject: Your code",
                "Message-ID: <msg-1@id.example.com>",
                "MIME-Version: 1.0",
                "Content-Type: text/plain; charset=utf-8",
                "Content-Transfer-Encoding: quoted-printable",
                "Auto-Submitted: auto-generated",
            ]
        )
        #expect(body == "Your code is 123456.\r\n")
    }

    @Test func date_isRFC5322InUTC() {
        #expect(MailEncoding.date(Date(timeIntervalSince1970: 0)) == "Thu, 01 Jan 1970 00:00:00 +0000")
        #expect(MailEncoding.date(Date(timeIntervalSince1970: 951_782_400)) == "Tue, 29 Feb 2000 00:00:00 +0000")
    }

    @Test func subject_nonASCIIIsEncodedInWordsThatDecodeBack() throws {
        let subject = "Ihr Bestätigungscode für die Überweisung – gültig fünf Minuten 🔐"
        let (headers, _) = Self.rendered(try Self.message(subject: subject))

        let start = try #require(headers.firstIndex { $0.hasPrefix("Subject: ") })
        var lines = [String(headers[start].dropFirst("Subject: ".count))]
        for line in headers[(start + 1)...] where line.hasPrefix(" ") { lines.append(String(line.dropFirst())) }
        #expect(lines.count > 1, "a long subject is folded")
        var decoded: [UInt8] = []
        for word in lines {
            #expect(word.count <= 75)
            #expect(word.hasPrefix("=?UTF-8?B?") && word.hasSuffix("?="))
            let base64 = String(word.dropFirst(10).dropLast(2))
            let bytes = try #require(Data(base64Encoded: base64))
            #expect(String(bytes: bytes, encoding: .utf8) != nil, "each word decodes on its own")
            decoded += bytes
        }
        #expect(String(decoding: decoded, as: UTF8.self) == subject)
    }

    @Test func subject_thatLooksEncodedIsEncoded() throws {
        let (headers, _) = Self.rendered(try Self.message(subject: "=?UTF-8?B?Zm9v?="))

        #expect(headers.contains("Subject: =?UTF-8?B?PT9VVEYtOD9CP1ptOXY/PQ==?="))
    }

    @Test func body_isQuotedPrintableWithShortLines() throws {
        let text = "Grüße = 100 %\n.\nend with space \r\nlone\rCR\n" + String(repeating: "x", count: 200)
        let (_, body) = Self.rendered(try Self.message(text: text))

        for line in body.components(separatedBy: "\r\n") {
            #expect(line.utf8.count <= 76, "\(line)")
            #expect(!line.hasPrefix("."), "no line starts with a dot")
            #expect(line.utf8.allSatisfy { $0 < 0x80 && $0 != 0x0D && $0 != 0x0A })
        }
        #expect(body.hasPrefix("Gr=C3=BC=C3=9Fe =3D 100 %\r\n=2E\r\nend with space=20\r\nlone\r\nCR\r\n"))
        let expected = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
            .replacingOccurrences(of: "\n", with: "\r\n")
        #expect(Self.decodeQuotedPrintable(body) == Array((expected + "\r\n").utf8))
    }

    @Test(arguments: [
        ("from", "stepgate@id.example.com\r\nBcc: victim@example.org"),
        ("to", "alice@example.org\r\nBcc: victim@example.org"),
        ("to", "alice@example.org\nBcc: victim@example.org"),
        ("subject", "Hello\r\nBcc: victim@example.org"),
        ("subject", "Hello\rX-Evil: 1"),
        ("subject", "Hello\u{0}"),
    ])
    func init_refusesLineBreaksInHeaders(field: String, value: String) {
        let error = #expect(throws: MailMessageError.self) {
            switch field {
            case "from": _ = try Self.message(from: value)
            case "to": _ = try Self.message(to: value)
            default: _ = try Self.message(subject: value)
            }
        }
        let expected: MailMessageError.Code =
            switch field {
            case "from": .invalidSender
            case "to": .invalidRecipient
            default: .lineBreakInHeader
            }
        #expect(error?.code == expected)
        #expect(error.map { "\($0)" }?.contains("victim") == false)
    }

    @Test(arguments: [
        "alice", "alice@localhost", "@example.org", "alice@", "a@@example.org", "a b@example.org",
        "<alice@example.org>", "alice@example.org>", "alice@-example.org", "alice@example-.org",
        "älice@example.org", "alice@exämple.org", "a..b@example.org", ".alice@example.org", "alice.@example.org",
        "\"alice\"@example.org", "alice@[127.0.0.1]", "Alice <alice@example.org>", "alice@example..org",
        String(repeating: "a", count: 65) + "@example.org",
    ])
    func init_refusesMalformedRecipient(address: String) {
        #expect(MailMessage.isValidAddress(address) == false)
        let error = #expect(throws: MailMessageError.self) { _ = try Self.message(to: address) }
        #expect(error?.code == .invalidRecipient)
    }

    @Test(arguments: ["alice@example.org", "first.last+tag@mail.sub.example.co", "x_y-z!#$%&'*/=?^`{|}~@a-b.example"])
    func init_acceptsPlainAddresses(address: String) throws {
        #expect(MailMessage.isValidAddress(address))
        #expect(try Self.message(to: address).to == address)
    }

    @Test(arguments: ["", "has space", "angle>", String(repeating: "a", count: 129)])
    func init_refusesMalformedMessageID(id: String) {
        let error = #expect(throws: MailMessageError.self) { _ = try Self.message(messageID: id) }
        #expect(error?.code == .invalidMessageID)
    }

    @Test func init_refusesOverlongSubject() {
        let error = #expect(throws: MailMessageError.self) {
            _ = try Self.message(subject: String(repeating: "s", count: MailMessage.maxSubjectBytes + 1))
        }
        #expect(error?.code == .subjectTooLong)
    }

    /// RFC 2045 §6.7 decoding: `=XX` escapes, soft line breaks removed.
    static func decodeQuotedPrintable(_ text: String) -> [UInt8] {
        let bytes = Array(text.utf8)
        var output: [UInt8] = []
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "=") {
                if index + 2 < bytes.count + 1, bytes[index + 1] == 0x0D, bytes[index + 2] == 0x0A {
                    index += 3
                    continue
                }
                let hex = String(decoding: bytes[(index + 1)...(index + 2)], as: UTF8.self)
                output.append(UInt8(hex, radix: 16) ?? 0x3F)
                index += 3
            } else {
                output.append(bytes[index])
                index += 1
            }
        }
        return output
    }
}
