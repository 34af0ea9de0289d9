/// What the server knows about one request while libmicrohttpd feeds it in.
///
/// Lives in libmicrohttpd's `*con_cls`: created (retained) in the URI log callback, released in
/// the request-completed callback. libmicrohttpd hands a connection to one thread at a time,
/// so the fields are never touched concurrently.
final class RequestState {
    /// The raw request target, such as `/authorize?client_id=x`.
    let target: String
    let started: ContinuousClock.Instant
    let requestID: String
    var method: HTTPMethod = .get
    var headers = HTTPHeaders()
    var remoteAddress: String?
    var body: [UInt8] = []
    /// Set once the access handler has seen the headers.
    var headersRead = false
    /// Set once a response was queued (or the connection given up); later calls only drain.
    var finished = false

    init(target: String, requestID: String) {
        self.target = target
        self.started = .now
        self.requestID = requestID
    }

    /// The target before `?`.
    var path: String {
        guard let mark = target.utf8.firstIndex(of: UInt8(ascii: "?")) else { return target }
        return String(target[..<mark])
    }

    /// The raw text after the first `?`, or "" when there is none.
    var query: String {
        guard let mark = target.utf8.firstIndex(of: UInt8(ascii: "?")) else { return "" }
        return String(target[target.utf8.index(after: mark)...])
    }

    /// Request-target and header fields as counted against `maxHeaderBytes` (": " and CRLF
    /// included).
    var headerBytes: Int {
        headers.reduce(target.utf8.count) { $0 + $1.name.utf8.count + $1.value.utf8.count + 4 }
    }

    /// Milliseconds since the request line arrived, with three decimals.
    var durationMS: String {
        let elapsed = ContinuousClock.now - started
        let micros = elapsed.components.seconds * 1_000_000 + elapsed.components.attoseconds / 1_000_000_000_000
        let fraction = String(micros % 1_000)
        return "\(micros / 1_000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }
}
