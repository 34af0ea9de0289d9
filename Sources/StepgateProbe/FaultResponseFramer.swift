/// Tells when one HTTP/1.1 response has fully arrived, so the proxy can drop it whole.
///
/// It reads the status line and the `Content-Length` and `Transfer-Encoding` headers, then
/// counts the body: a fixed length, chunked encoding (with trailers), or everything until the
/// server closes. Interim 1xx responses are skipped; 204 and 304 have no body; `101` and a
/// response without framing last until the server closes. It never copies the body, and a head
/// line over 16 KiB makes the response last until the server closes. Not a validating parser:
/// bytes it cannot read only make it wait for the close or the proxy's idle limit.
struct FaultResponseFramer {
    private enum Phase: Equatable {
        case head
        case fixed(remaining: Int)
        case chunkSize
        case chunkData(remaining: Int)
        case chunkDataEnd
        case trailers
        case untilClose
        case complete
    }

    private static let lineLimit = 16 * 1024

    private var phase = Phase.head
    private var line: [UInt8] = []
    private var sawStatusLine = false
    private var contentLength: Int?
    private var chunked = false

    /// The final response's status code, once its status line has been read.
    private(set) var status: Int?

    /// Whether the whole response has arrived.
    var isComplete: Bool { phase == .complete }

    /// Reads the next bytes of the response; bytes after its end are ignored.
    mutating func consume(_ bytes: ArraySlice<UInt8>) {
        var index = bytes.startIndex
        while index < bytes.endIndex {
            switch phase {
            case .complete, .untilClose:
                return
            case .fixed(let remaining), .chunkData(let remaining):
                let taken = min(remaining, bytes.endIndex - index)
                index += taken
                if case .fixed = phase {
                    phase = remaining == taken ? .complete : .fixed(remaining: remaining - taken)
                } else {
                    phase = remaining == taken ? .chunkDataEnd : .chunkData(remaining: remaining - taken)
                }
            case .head, .chunkSize, .chunkDataEnd, .trailers:
                let byte = bytes[index]
                index += 1
                guard byte == UInt8(ascii: "\n") else {
                    line.append(byte)
                    if line.count > Self.lineLimit { phase = .untilClose }
                    continue
                }
                if line.last == UInt8(ascii: "\r") { line.removeLast() }
                let text = String(decoding: line, as: UTF8.self)
                line.removeAll(keepingCapacity: true)
                endLine(text)
            }
        }
    }

    private mutating func endLine(_ text: String) {
        switch phase {
        case .head where !sawStatusLine:
            sawStatusLine = true
            let parts = text.split(separator: " ", maxSplits: 2)
            guard parts.count >= 2, parts[0].hasPrefix("HTTP/"), let code = Int(parts[1]) else {
                phase = .untilClose
                return
            }
            status = code
        case .head where text.isEmpty:
            endHead()
        case .head:
            readHeader(text)
        case .chunkSize:
            let size = text.split(separator: ";", maxSplits: 1).first.map { $0.trimmingSpaces } ?? ""
            guard let length = Int(size, radix: 16), length >= 0 else {
                phase = .untilClose
                return
            }
            phase = length == 0 ? .trailers : .chunkData(remaining: length)
        case .chunkDataEnd:
            phase = text.isEmpty ? .chunkSize : .untilClose
        case .trailers:
            if text.isEmpty { phase = .complete }
        default:
            break
        }
    }

    private mutating func readHeader(_ text: String) {
        guard let colon = text.firstIndex(of: ":") else { return }
        let name = text[..<colon].lowercased()
        let value = text[text.index(after: colon)...].trimmingSpaces.lowercased()
        if name == "content-length" {
            contentLength = Int(value)
        } else if name == "transfer-encoding" {
            chunked = value.split(separator: ",").last.map { $0.trimmingSpaces == "chunked" } ?? false
        }
    }

    private mutating func endHead() {
        let code = status ?? 0
        if (100...199).contains(code) && code != 101 {
            // An interim response: the final one follows.
            sawStatusLine = false
            status = nil
            contentLength = nil
            chunked = false
            return
        }
        if code == 204 || code == 304 {
            phase = .complete
        } else if chunked {
            phase = .chunkSize
        } else if let length = contentLength, code != 101 {
            phase = length == 0 ? .complete : .fixed(remaining: length)
        } else {
            phase = .untilClose
        }
    }
}

extension StringProtocol {
    /// Without leading and trailing spaces and tabs.
    fileprivate var trimmingSpaces: String {
        var slice = Substring(self)
        while let first = slice.first, first == " " || first == "\t" { slice = slice.dropFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice = slice.dropLast() }
        return String(slice)
    }
}
