internal import CCurl

/// Submits mail over SMTP through libcurl: one connection per message, blocking.
///
/// Certificates are always verified (peer and host name). With `smtp://` the session upgrades
/// with STARTTLS whenever the server offers it, and with `TLSPolicy.required`, or whenever a
/// user name and password are set, it fails with `.tlsUnavailable` before sending anything
/// when the server does not. Safe to share across
/// threads: each `send` uses its own easy handle.
public final class SMTPClient: Sendable {
    public let settings: SMTPSettings

    public init(settings: SMTPSettings) {
        self.settings = settings
    }

    /// Sends `message` to its one recipient and waits for the server's final answer.
    ///
    /// - Throws: `SMTPClientError`; `.rejected` is permanent (a 5xx reply), every other code
    ///   may succeed on a later try.
    public func send(_ message: MailMessage) throws(SMTPClientError) {
        guard CurlGlobal.isReady else { throw SMTPClientError(.clientUnavailable, "curl_global_init failed") }
        guard settings.url.hasPrefix("smtp://") || settings.url.hasPrefix("smtps://") else {
            throw SMTPClientError(.invalidRequest, "not an smtp or smtps URL")
        }
        guard settings.timeoutSeconds > 0, settings.timeoutSeconds < 3_600 else {
            throw SMTPClientError(.invalidRequest, "timeout out of range")
        }
        guard (settings.username == nil) == (settings.password == nil) else {
            throw SMTPClientError(.invalidRequest, "user name and password go together")
        }
        guard let session = SMTPSession() else { throw SMTPClientError(.clientUnavailable, "curl_easy_init failed") }
        try session.send(message, settings: settings)
    }
}

/// Owns one curl easy handle and its recipient list.
private final class SMTPSession {
    private let handle: UnsafeMutableRawPointer
    private var recipients: UnsafeMutablePointer<curl_slist>?

    init?() {
        guard let handle = curl_easy_init() else { return nil }
        self.handle = handle
    }

    deinit {
        curl_slist_free_all(recipients)
        curl_easy_cleanup(handle)
    }

    func send(_ message: MailMessage, settings: SMTPSettings) throws(SMTPClientError) {
        try configure(settings)
        // MailMessage checked both addresses: no CR, LF, NUL or angle bracket can reach a command.
        try check(stepgate_curl_setopt_string(handle, CURLOPT_MAIL_FROM, "<\(message.from)>"))
        guard let list = curl_slist_append(nil, "<\(message.to)>") else {
            throw SMTPClientError(.clientUnavailable, "curl_slist_append failed")
        }
        recipients = list
        try check(stepgate_curl_setopt_pointer(handle, CURLOPT_MAIL_RCPT, UnsafeMutableRawPointer(list)))

        let source = UploadSource(message.rendered())
        try check(stepgate_curl_setopt_long(handle, CURLOPT_UPLOAD, 1))
        try check(stepgate_curl_setopt_long(handle, CURLOPT_INFILESIZE, source.bytes.count))
        try check(stepgate_curl_setopt_read_function(handle, Self.onRead))
        let code: CURLcode = withExtendedLifetime(source) {
            // Safety: `source` outlives curl_easy_perform, the only call that reads through
            // this pointer; the handle is not used again after this session ends.
            _ = stepgate_curl_setopt_pointer(handle, CURLOPT_READDATA, Unmanaged.passUnretained(source).toOpaque())
            return curl_easy_perform(handle)
        }
        guard code == CURLE_OK else { throw error(for: code) }
    }

    private func configure(_ settings: SMTPSettings) throws(SMTPClientError) {
        let milliseconds = Int(settings.timeoutSeconds * 1_000)
        try check(stepgate_curl_setopt_string(handle, CURLOPT_URL, settings.url))
        try check(stepgate_curl_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "smtp,smtps"))
        try check(stepgate_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1))
        try check(stepgate_curl_setopt_long(handle, CURLOPT_TIMEOUT_MS, milliseconds))
        try check(stepgate_curl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, milliseconds))
        // A password is never sent in clear: with credentials, TLS is required whatever `tls` says.
        // Known gap: without credentials and with `.opportunistic`, a server that offers no
        // STARTTLS gets the message in clear (that is what opportunistic means); `.required` or
        // `smtps://` prevent it.
        let mustEncrypt = settings.tls == .required || settings.username != nil
        let useTLS = mustEncrypt ? CURLUSESSL_ALL : CURLUSESSL_TRY
        try check(stepgate_curl_setopt_long(handle, CURLOPT_USE_SSL, Int(useTLS.rawValue)))
        try check(stepgate_curl_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, 1))
        try check(stepgate_curl_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, 2))
        if let caFile = settings.caFile {
            try check(stepgate_curl_setopt_string(handle, CURLOPT_CAINFO, caFile))
        }
        if let username = settings.username, let password = settings.password {
            // curl copies both strings; the password is never logged or put in an error.
            try check(stepgate_curl_setopt_string(handle, CURLOPT_USERNAME, username))
            try check(stepgate_curl_setopt_string(handle, CURLOPT_PASSWORD, password))
        }
    }

    private func check(_ code: CURLcode) throws(SMTPClientError) {
        guard code == CURLE_OK else { throw SMTPClientError(.invalidRequest, "curl code \(code.rawValue)") }
    }

    /// Maps a failed transfer to a code, using the last SMTP reply code where curl has one.
    private func error(for code: CURLcode) -> SMTPClientError {
        var reply = 0
        _ = stepgate_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &reply)
        let detail = "curl code \(code.rawValue), smtp reply \(reply)"
        switch code {
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST:
            return SMTPClientError(.connectFailed, detail)
        case CURLE_OPERATION_TIMEDOUT:
            return SMTPClientError(.timedOut, detail)
        case CURLE_USE_SSL_FAILED:
            return SMTPClientError(.tlsUnavailable, detail)
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE,
            CURLE_SSL_CERTPROBLEM:
            return SMTPClientError(.tlsFailed, detail)
        case CURLE_LOGIN_DENIED:
            return SMTPClientError(.authenticationFailed, detail)
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL:
            return SMTPClientError(.invalidRequest, detail)
        default:
            return SMTPClientError((500...599).contains(reply) ? .rejected : .transferFailed, detail)
        }
    }

    /// Copies the next bytes of the message into curl's buffer; 0 at the end.
    private static let onRead: curl_read_callback = { buffer, size, count, context in
        guard let buffer, let context else { return 0 }
        let source = Unmanaged<UploadSource>.fromOpaque(context).takeUnretainedValue()
        let room = size * count
        let remaining = source.bytes.count - source.offset
        let length = min(room, remaining)
        guard length > 0 else { return 0 }
        source.bytes.withUnsafeBytes { bytes in
            // Safety: curl lends `room` writable bytes at `buffer` for this call; `length` is at
            // most `room`, and `offset + length` stays within `bytes`.
            UnsafeMutableRawPointer(buffer).copyMemory(
                from: bytes.baseAddress! + source.offset,  // non-nil: `remaining` > 0, so not empty
                byteCount: length
            )
        }
        source.offset += length
        return length
    }
}

/// The message bytes curl reads during one upload, and how far it has read.
private final class UploadSource {
    let bytes: [UInt8]
    var offset = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }
}
