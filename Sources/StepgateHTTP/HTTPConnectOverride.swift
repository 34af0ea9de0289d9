/// Sends a request for one host and port over a TCP connection to another, as curl's
/// `--connect-to` does: the URL, the `Host` header, cookies and the TLS name (SNI and the
/// certificate check) stay those of `host`, only the connection goes to `connectHost`.
///
/// The probe uses it to put its fault proxy between itself and the target.
public struct HTTPConnectOverride: Sendable, Equatable {
    /// The host as the URL names it; empty matches any host.
    public var host: String
    /// The port as the URL names it (or its scheme's default); nil matches any port.
    public var port: Int?
    /// Where the TCP connection goes instead: a name or a numeric address (IPv6 in brackets).
    public var connectHost: String
    /// The port the TCP connection goes to.
    public var connectPort: Int

    /// An override of `host`:`port` to `connectHost`:`connectPort`.
    public init(host: String, port: Int?, connectHost: String, connectPort: Int) {
        self.host = host
        self.port = port
        self.connectHost = connectHost
        self.connectPort = connectPort
    }

    /// The `CURLOPT_CONNECT_TO` entry, `HOST:PORT:CONNECT-HOST:CONNECT-PORT`; nil when a field
    /// cannot be written there (a port out of range, an empty connect host, a host with a
    /// control character, or an IPv6 address without brackets).
    var curlEntry: String? {
        let ports = [port, connectPort].compactMap { $0 }
        guard ports.allSatisfy({ (1...65_535).contains($0) }), !connectHost.isEmpty,
            Self.isWritable(host), Self.isWritable(connectHost)
        else { return nil }
        return "\(host):\(port.map(String.init) ?? ""):\(connectHost):\(connectPort)"
    }

    private static func isWritable(_ host: String) -> Bool {
        let bracketed = host.hasPrefix("[") && host.hasSuffix("]")
        return !host.unicodeScalars.contains { $0.value <= 0x20 || $0.value == 0x7F }
            && (bracketed || !host.contains(":"))
    }
}
