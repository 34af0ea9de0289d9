import Glibc
public import StepgateCore
import Synchronization

/// Writes each entry as one JSON object per line to a file descriptor.
///
/// Shape: `{"time":"2025-01-02T03:04:05.678Z","level":"info","label":"…","message":"…",<metadata>}`
/// with metadata keys sorted; a metadata key that collides with one of the four fixed keys is
/// written as `metadata.<key>`. Lines are written with `write(2)` under a lock, so they never
/// interleave; a write error drops the line (logging never stops the server).
public final class JSONLinesLogHandler: LogHandler {
    private static let fixedKeys: Set<String> = ["time", "level", "label", "message"]
    /// The descriptor, behind a lock held for each whole line.
    private let lock: Mutex<Int32>

    /// Logs to `descriptor` (standard error by default); the caller keeps it open.
    public init(descriptor: Int32 = 2) {
        lock = Mutex(descriptor)
    }

    public func write(_ entry: LogEntry) {
        let line = Self.line(for: entry)
        lock.withLock { descriptor in
            line.withUnsafeBytes { bytes in
                guard var next = bytes.baseAddress else { return }
                var remaining = bytes.count
                while remaining > 0 {
                    // Safety: `next` points into `bytes` with `remaining` bytes left.
                    let written = Glibc.write(descriptor, next, remaining)
                    if written < 0 {
                        if errno == EINTR { continue }
                        return
                    }
                    next += written
                    remaining -= written
                }
            }
        }
    }

    /// The JSON line for `entry`, newline included.
    static func line(for entry: LogEntry) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(128)
        var first = true
        func field(_ key: String, _ value: String) {
            out.append(first ? UInt8(ascii: "{") : UInt8(ascii: ","))
            first = false
            appendQuoted(key, to: &out)
            out.append(UInt8(ascii: ":"))
            appendQuoted(value, to: &out)
        }
        field("time", timestamp(entry.time.timeIntervalSince1970))
        field("level", entry.level.name)
        field("label", entry.label)
        field("message", entry.message)
        for (key, value) in entry.metadata.sorted(by: { $0.key < $1.key }) {
            field(fixedKeys.contains(key) ? "metadata.\(key)" : key, value)
        }
        out.append(contentsOf: Array("}\n".utf8))
        return out
    }

    /// `text` as a JSON string (RFC 8259 §7): quotes, backslashes and control characters escaped.
    static func appendQuoted(_ text: String, to out: inout [UInt8]) {
        let hex = Array("0123456789abcdef".utf8)
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x0A: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0x00..<0x20, 0x7F:
                out.append(contentsOf: Array("\\u00".utf8))
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0x0F)])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// ISO 8601 in UTC with milliseconds, such as `2025-01-02T03:04:05.678Z`.
    static func timestamp(_ secondsSince1970: Double) -> String {
        let totalMS = Int64((secondsSince1970 * 1_000).rounded(.down))
        var seconds = time_t(totalMS >= 0 ? totalMS / 1_000 : (totalMS - 999) / 1_000)
        let millis = Int(totalMS - Int64(seconds) * 1_000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return pad(parts.tm_year + 1_900, 4) + "-" + pad(parts.tm_mon + 1, 2) + "-" + pad(parts.tm_mday, 2) + "T"
            + pad(parts.tm_hour, 2) + ":" + pad(parts.tm_min, 2) + ":" + pad(parts.tm_sec, 2) + "."
            + pad(Int32(millis), 3) + "Z"
    }
}
