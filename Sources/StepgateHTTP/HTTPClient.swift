internal import CCurl

/// A blocking HTTP/1.1 client over libcurl, for tests, the probe and webhook delivery.
///
/// Each `send` uses its own easy handle, so one client may be shared by many threads. Redirects
/// are never followed; only `http` and `https` URLs are allowed.
public final class HTTPClient: Sendable {
    public init() {}

    /// Sends `request` and waits for the whole response.
    ///
    /// - Throws: `HTTPClientError` when no HTTP response arrived; any status, 4xx and 5xx
    ///   included, is a response.
    public func send(_ request: HTTPClientRequest) throws(HTTPClientError) -> HTTPClientResponse {
        guard CurlGlobal.isReady else { throw HTTPClientError(.clientUnavailable, "curl_global_init failed") }
        guard let easy = EasyHandle() else { throw HTTPClientError(.clientUnavailable, "curl_easy_init failed") }
        return try easy.perform(request)
    }
}

/// Owns one curl easy handle and the lists curl reads during `perform` (headers, connect-to).
private final class EasyHandle {
    private let handle: UnsafeMutableRawPointer
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private var connectToList: UnsafeMutablePointer<curl_slist>?

    init?() {
        guard let handle = curl_easy_init() else { return nil }
        self.handle = handle
    }

    deinit {
        // curl keeps pointers to both lists until cleanup, so they are freed after it.
        curl_easy_cleanup(handle)
        curl_slist_free_all(headerList)
        curl_slist_free_all(connectToList)
    }

    func perform(_ request: HTTPClientRequest) throws(HTTPClientError) -> HTTPClientResponse {
        let sink = ResponseSink(limit: request.maxResponseBytes)
        try configure(request)
        try check(stepgate_curl_setopt_write_function(handle, Self.onBody))
        try check(stepgate_curl_setopt_header_function(handle, Self.onHeader))

        let code: CURLcode = withExtendedLifetime(sink) {
            let sinkPointer = Unmanaged.passUnretained(sink).toOpaque()
            // Safety: the sink outlives curl_easy_perform, the only call that uses these pointers.
            _ = stepgate_curl_setopt_pointer(handle, CURLOPT_WRITEDATA, sinkPointer)
            _ = stepgate_curl_setopt_pointer(handle, CURLOPT_HEADERDATA, sinkPointer)
            return request.body.withUnsafeBytes { body in
                // Safety: curl reads POSTFIELDS during perform only; the bytes live for this closure.
                if !request.body.isEmpty && request.method != .head {
                    _ = stepgate_curl_setopt_long(handle, CURLOPT_POSTFIELDSIZE, body.count)
                    _ = stepgate_curl_setopt_pointer(
                        handle,
                        CURLOPT_POSTFIELDS,
                        UnsafeMutableRawPointer(mutating: body.baseAddress)
                    )
                }
                return curl_easy_perform(handle)
            }
        }
        guard code == CURLE_OK else { throw Self.error(for: code) }

        var status = 0
        try check(stepgate_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status))
        return HTTPClientResponse(status: status, headers: HTTPHeaders(sink.headers), body: sink.body)
    }

    private func configure(_ request: HTTPClientRequest) throws(HTTPClientError) {
        guard request.timeoutSeconds > 0, request.timeoutSeconds < 86_400 else {
            throw HTTPClientError(.invalidRequest, "timeout out of range")
        }
        try check(stepgate_curl_setopt_string(handle, CURLOPT_URL, request.url))
        try check(stepgate_curl_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "http,https"))
        try check(stepgate_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1))
        try check(stepgate_curl_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 0))
        try check(stepgate_curl_setopt_long(handle, CURLOPT_TIMEOUT_MS, Int(request.timeoutSeconds * 1_000)))
        switch request.method {
        case .get:
            try check(stepgate_curl_setopt_long(handle, CURLOPT_HTTPGET, 1))
        case .head:
            try check(stepgate_curl_setopt_long(handle, CURLOPT_NOBODY, 1))
        case .post:
            try check(stepgate_curl_setopt_long(handle, CURLOPT_POST, 1))
            try check(stepgate_curl_setopt_long(handle, CURLOPT_POSTFIELDSIZE, 0))
        default:
            try check(stepgate_curl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, request.method.rawValue))
        }

        var fields = request.headers.map { "\($0.0): \($0.1)" }
        if !request.headers.contains(where: { $0.0.lowercased() == "expect" }) {
            fields.append("Expect:")
        }
        for field in fields {
            guard !field.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0 }) else {
                throw HTTPClientError(.invalidRequest, "header with a line break")
            }
            // curl_slist_append copies the string.
            guard let appended = curl_slist_append(headerList, field) else {
                throw HTTPClientError(.clientUnavailable, "curl_slist_append failed")
            }
            headerList = appended
        }
        try check(stepgate_curl_setopt_pointer(handle, CURLOPT_HTTPHEADER, UnsafeMutableRawPointer(headerList)))
        try configureConnectTo(request.connectTo)
    }

    /// Sets `CURLOPT_CONNECT_TO` from `overrides`; the list lives as long as the handle.
    private func configureConnectTo(_ overrides: [HTTPConnectOverride]) throws(HTTPClientError) {
        guard !overrides.isEmpty else { return }
        for override in overrides {
            guard let entry = override.curlEntry else {
                throw HTTPClientError(.invalidRequest, "connect-to entry that curl cannot read")
            }
            // curl_slist_append copies the string.
            guard let appended = curl_slist_append(connectToList, entry) else {
                throw HTTPClientError(.clientUnavailable, "curl_slist_append failed")
            }
            connectToList = appended
        }
        try check(stepgate_curl_setopt_pointer(handle, CURLOPT_CONNECT_TO, UnsafeMutableRawPointer(connectToList)))
    }

    private func check(_ code: CURLcode) throws(HTTPClientError) {
        guard code == CURLE_OK else { throw HTTPClientError(.invalidRequest, "curl code \(code.rawValue)") }
    }

    private static func error(for code: CURLcode) -> HTTPClientError {
        switch code {
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST:
            HTTPClientError(.connectFailed, "curl code \(code.rawValue)")
        case CURLE_OPERATION_TIMEDOUT:
            HTTPClientError(.timedOut, "curl code \(code.rawValue)")
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL:
            HTTPClientError(.invalidRequest, "curl code \(code.rawValue)")
        default:
            HTTPClientError(.transferFailed, "curl code \(code.rawValue)")
        }
    }

    private static let onBody: curl_write_callback = { data, size, count, context in
        guard let context else { return 0 }
        let sink = Unmanaged<ResponseSink>.fromOpaque(context).takeUnretainedValue()
        let total = size * count
        // Returning less than `total` makes curl end the transfer with CURLE_WRITE_ERROR.
        if let limit = sink.limit, sink.body.count + total > limit { return 0 }
        if let data, total > 0 {
            // Safety: curl passes `total` readable bytes at `data` for this call.
            data.withMemoryRebound(to: UInt8.self, capacity: total) { bytes in
                sink.body.append(contentsOf: UnsafeBufferPointer(start: bytes, count: total))
            }
        }
        return total
    }

    private static let onHeader: curl_write_callback = { data, size, count, context in
        guard let context else { return 0 }
        let sink = Unmanaged<ResponseSink>.fromOpaque(context).takeUnretainedValue()
        let total = size * count
        guard let data, total > 0 else { return total }
        // Safety: curl passes one header line of `total` bytes at `data`, not NUL-terminated.
        let line = data.withMemoryRebound(to: UInt8.self, capacity: total) { bytes in
            String(decoding: UnsafeBufferPointer(start: bytes, count: total), as: UTF8.self)
        }
        sink.receive(headerLine: line)
        return total
    }
}

/// Collects one response's headers and body from the curl callbacks.
private final class ResponseSink {
    var headers: [(String, String)] = []
    var body: [UInt8] = []
    /// The most body bytes to keep; nil for no limit.
    let limit: Int?

    init(limit: Int?) {
        self.limit = limit
    }

    func receive(headerLine: String) {
        let line = headerLine.droppingLineEnd
        if line.hasPrefix("HTTP/") {
            // A new status line (after 100 Continue, say): keep only the final response's headers.
            headers = []
            return
        }
        guard let colon = line.firstIndex(of: ":") else { return }
        let name = String(line[..<colon])
        let value = String(line[line.index(after: colon)...].trimmingSpaces)
        headers.append((name, value))
    }
}

extension String {
    /// Without trailing CR and LF.
    fileprivate var droppingLineEnd: Substring {
        var text = self[...]
        while let last = text.last, last == "\r\n" || last == "\n" || last == "\r" { text = text.dropLast() }
        return text
    }
}
