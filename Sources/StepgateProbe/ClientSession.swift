import Foundation
// Public: sessions are built on the shared `HTTPClient`, and bodies are sent as `JSONValue`.
public import StepgateCore
public import StepgateCrypto
public import StepgateHTTP
import Synchronization

/// One browser or API client of the probe: its own cookie jar, no automatic redirects (each
/// response is inspected), and every exchange kept as redacted evidence.
///
/// Safe to use from several threads (the raced cases do): the jar sits behind a `Mutex`.
public final class ClientSession: Sendable {
    /// What the client says it accepts.
    public enum Accept: String, Sendable {
        case html = "text/html,application/xhtml+xml"
        case json = "application/json"
        case any = "*/*"
    }

    /// A name for the evidence ("user", "second user", "attacker").
    public let label: String
    /// True for a copy of a shared signed-in session: it may ask for codes, but answering a
    /// factor would rotate the session ID and break the original, so the login driver refuses.
    public let isSharedFork: Bool
    private let http: HTTPClient
    private let jar: Mutex<CookieJar>
    private let evidence: EvidenceLog
    private let redactor: Redactor
    private let clock: any Clock
    private let timeout: Double
    /// Where connections go instead of the URL's host (the run's fault proxies); empty: direct.
    public let route: [HTTPConnectOverride]

    /// A client with no cookies; `route` sends its connections through fault proxies.
    public convenience init(
        label: String,
        http: HTTPClient,
        evidence: EvidenceLog,
        redactor: Redactor,
        clock: any Clock,
        timeout: Double = 10,
        route: [HTTPConnectOverride] = []
    ) {
        self.init(
            label: label,
            isSharedFork: false,
            jar: CookieJar(),
            http: http,
            evidence: evidence,
            redactor: redactor,
            clock: clock,
            timeout: timeout,
            route: route
        )
    }

    private init(
        label: String,
        isSharedFork: Bool,
        jar: CookieJar,
        http: HTTPClient,
        evidence: EvidenceLog,
        redactor: Redactor,
        clock: any Clock,
        timeout: Double,
        route: [HTTPConnectOverride]
    ) {
        self.label = label
        self.route = route
        self.isSharedFork = isSharedFork
        self.jar = Mutex(jar)
        self.http = http
        self.evidence = evidence
        self.redactor = redactor
        self.clock = clock
        self.timeout = timeout
    }

    /// A copy with the same cookies that records into `evidence`, through `route` when given
    /// (else this client's); see `isSharedFork`.
    public func fork(
        label: String? = nil,
        recordingInto evidence: EvidenceLog,
        route: [HTTPConnectOverride]? = nil
    ) -> ClientSession {
        ClientSession(
            label: label ?? self.label,
            isSharedFork: true,
            jar: jar.withLock { $0 },
            http: http,
            evidence: evidence,
            redactor: redactor,
            clock: clock,
            timeout: timeout,
            route: route ?? self.route
        )
    }

    /// Sends one request with this client's cookies and keeps the redacted exchange.
    ///
    /// - Parameter note: what the case means by it, shown with the evidence.
    /// - Throws: `ProbeError.transport` when no response arrived.
    public func send(
        _ method: String,
        _ url: String,
        headers: [(String, String)] = [],
        body: [UInt8] = [],
        accept: Accept = .html,
        note: String? = nil
    ) throws(ProbeError) -> ProbeResponse {
        var fields = [
            ("Accept", accept.rawValue), ("User-Agent", "stepgate-probe/\(ProbeRunner.version)"),
        ]
        fields += headers
        let parsed = URL(string: url)
        if let parsed, let cookie = jar.withLock({ $0.header(for: parsed, now: clock.now) }) {
            fields.append(("Cookie", cookie))
        }
        let request = HTTPClientRequest(
            method: HTTPMethod(rawValue: method),
            url: url,
            headers: fields,
            body: body,
            timeoutSeconds: timeout,
            maxResponseBytes: 1 << 20,
            connectTo: route
        )
        let started = clock.now
        let response: HTTPClientResponse
        do throws(HTTPClientError) {
            response = try http.send(request)
        } catch {
            record(request, response: nil, error: error.code.rawValue, started: started, note: note)
            throw ProbeError(.transport, "\(method) \(URLText.path(url)): \(error.code.rawValue)")
        }
        if let parsed {
            let now = clock.now
            jar.withLock { jar in
                for value in response.headers.values("Set-Cookie") {
                    jar.receive(value, from: parsed, now: now)
                }
            }
        }
        record(request, response: response, error: nil, started: started, note: note)
        return ProbeResponse(
            url: url,
            status: response.status,
            headers: response.headers,
            body: response.body
        )
    }

    /// `GET url`.
    public func get(_ url: String, accept: Accept = .html, note: String? = nil) throws(ProbeError)
        -> ProbeResponse
    {
        try send("GET", url, accept: accept, note: note)
    }

    /// `POST url` with a form body.
    public func postForm(
        _ url: String,
        _ fields: [(String, String)],
        headers: [(String, String)] = [],
        accept: Accept = .html,
        note: String? = nil
    ) throws(ProbeError) -> ProbeResponse {
        try send(
            "POST",
            url,
            headers: [("Content-Type", "application/x-www-form-urlencoded")] + headers,
            body: Array(URLText.formEncode(fields).utf8),
            accept: accept,
            note: note
        )
    }

    /// `POST url` with a JSON body.
    public func postJSON(_ url: String, _ value: JSONValue, note: String? = nil) throws(ProbeError)
        -> ProbeResponse
    {
        try send(
            "POST",
            url,
            headers: [("Content-Type", "application/json")],
            body: value.serialized(),
            accept: .json,
            note: note
        )
    }

    /// The value of the cookie `name` this client holds; nil when it holds none.
    public func cookie(named name: String) -> String? {
        jar.withLock { $0.value(named: name) }
    }

    /// Every cookie this client holds.
    public var cookies: [CookieJar.Cookie] { jar.withLock { $0.cookies } }

    /// Adds a note to the evidence of the case using this client.
    public func note(_ text: String) {
        evidence.note(redactor.text(text))
    }

    private func record(
        _ request: HTTPClientRequest,
        response: HTTPClientResponse?,
        error: String?,
        started: Date,
        note: String?
    ) {
        let requestType = request.headers.first { $0.0.lowercased() == "content-type" }?.1
        let exchange = Exchange(
            method: request.method.rawValue,
            url: redactor.url(request.url),
            requestHeaders: redactor.requestHeaders(request.headers),
            requestBody: redactor.body(request.body, contentType: requestType),
            status: response?.status,
            responseHeaders: response.map { redactor.responseHeaders($0.headers) } ?? [],
            responseBody: response.flatMap {
                redactor.body($0.body, contentType: $0.headers["Content-Type"])
            },
            error: error,
            startedAt: started,
            milliseconds: clock.now.timeIntervalSince(started) * 1000,
            note: note.map { redactor.text($0) }
        )
        evidence.record(exchange)
    }
}
