extension HTTPServer {
    /// How the server listens, what it accepts and which security headers it adds.
    ///
    /// Keys, with their defaults:
    /// - `host: String = "127.0.0.1"`: numeric IPv4 or IPv6 address to bind; `0.0.0.0` or `::`
    ///   for every interface. Names such as `localhost` are not resolved.
    /// - `port: Int = 0`: TCP port; 0 lets the OS pick one (read it back from `HTTPServer.port`).
    /// - `threadPoolSize: Int = 4`: worker threads; each runs handlers synchronously.
    /// - `connectionLimit: Int = 1024`: concurrent connections; more are refused at accept.
    /// - `connectionTimeoutSeconds: Int = 30`: an idle connection is closed after this long; also
    ///   the longest `stop()` waits for in-flight requests.
    /// - `maxHeaderBytes: Int = 16_384`: bounds the request line and headers together; beyond it
    ///   libmicrohttpd answers 431 (Request Header Fields Too Large) or closes the connection.
    /// - `maxBodyBytes: Int = 65_536`: bodies up to this size are read; a larger
    ///   `Content-Length` gets 413 before any body byte is read.
    /// - `contentSecurityPolicy: String`: sent as `Content-Security-Policy` unless the handler set
    ///   one; the default allows only same-origin styles and images and no scripts or framing.
    /// - `strictTransportSecurity: Bool = false`: adds `Strict-Transport-Security:
    ///   max-age=31536000`; turn it on only when every client reaches the server over https.
    public struct Configuration: Sendable {
        public var host: String = "127.0.0.1"
        public var port: Int = 0
        public var threadPoolSize: Int = 4
        public var connectionLimit: Int = 1024
        public var connectionTimeoutSeconds: Int = 30
        public var maxHeaderBytes: Int = 16_384
        public var maxBodyBytes: Int = 65_536
        public var contentSecurityPolicy: String = ContentSecurityPolicy.policy()
        public var strictTransportSecurity: Bool = false

        public init() {}

        /// Every out-of-range key, named; empty when the configuration is usable.
        public var problems: [String] {
            var problems: [String] = []
            if !(0...65_535).contains(port) { problems.append("port: expected 0...65535") }
            if !(1...256).contains(threadPoolSize) { problems.append("threadPoolSize: expected 1...256") }
            if !(threadPoolSize...1_000_000).contains(connectionLimit) {
                problems.append("connectionLimit: expected threadPoolSize...1000000")
            }
            if !(1...3_600).contains(connectionTimeoutSeconds) {
                problems.append("connectionTimeoutSeconds: expected 1...3600")
            }
            if !(1_024...1_048_576).contains(maxHeaderBytes) {
                problems.append("maxHeaderBytes: expected 1024...1048576")
            }
            if !(0...1_073_741_824).contains(maxBodyBytes) { problems.append("maxBodyBytes: expected 0...1 GiB") }
            return problems
        }
    }
}
