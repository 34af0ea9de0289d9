import Foundation
import FuzzSupport
import StepgateCore
import StepgateHTTP
import StepgateServer

/// The headers a reverse proxy forwards to the decision endpoint, and the client addresses in
/// them: `ForwardedRequest.read`, `IPAddress` and `IPNetwork` on arbitrary text.
///
/// Input: the first line is the peer address, each further line a header `Name: value`; every
/// line is also read as an address and a network. A forwarded request holds exactly what its
/// headers said (the URI split at its first `?`, the host normalised for good, the client
/// address the trusted-proxy rules pick, for loopback, for loopback and 10/8, and for none); an address parses exactly when glibc's `inet_pton` accepts it, to
/// the same bytes, and its canonical text reads back to it; a network reads back from its text
/// and holds its own address.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzForwarded(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let text = FuzzInput(data, size).text
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    var headers = HTTPHeaders()
    for line in lines.dropFirst() {
        guard let colon = line.firstIndex(of: ":") else { continue }
        headers.add(String(line[..<colon]), trimmed(line[line.index(after: colon)...]))
    }
    let peer = lines.first.flatMap { $0.isEmpty ? nil : $0 }
    let request = HTTPRequest(method: .get, path: "/decide", headers: headers, remoteAddress: peer)
    for trusted in [ForwardedRequest.loopback, internalProxies, []] {
        if let forwarded = try? ForwardedRequest.read(request, trustedProxies: trusted) {
            check(forwarded, headers: headers, peer: peer, trusted: trusted)
        }
    }
    for line in lines {
        checkAddress(line)
        checkNetwork(line)
        if let host = ForwardedRequest.hostName(line) {
            require(ForwardedRequest.hostName(host) == host, "a normalised host changes when read again")
        }
        require(ForwardedRequest.hostName(line) == referenceHostName(line), "host differs from the string rules")
    }
    return 0
}

private func check(_ forwarded: ForwardedRequest, headers: HTTPHeaders, peer: String?, trusted: [IPNetwork]) {
    let method = headers["X-Original-Method"] ?? headers["X-Forwarded-Method"]
    require(forwarded.method == method, "the method is not the forwarded one")
    require(!forwarded.method.isEmpty && forwarded.method.utf8.allSatisfy { (0x41...0x5A).contains($0) }, "method")

    let uri = headers["X-Original-URI"] ?? headers["X-Forwarded-Uri"] ?? ""
    let rebuilt = forwarded.path + (uri.contains("?") ? "?" + forwarded.query : "")
    require(rebuilt == uri, "path and query do not make the forwarded URI")
    require(forwarded.path.hasPrefix("/") && !forwarded.path.contains("?"), "path")
    require(!uri.utf8.contains(UInt8(ascii: "#")), "a URI with a fragment accepted")

    let hostHeader = headers["X-Forwarded-Host"] ?? headers["Host"]
    require(forwarded.host == hostHeader.flatMap(ForwardedRequest.hostName), "the host is not the forwarded one")

    let accept = headers["Accept"] ?? ""
    require(forwarded.wantsHTML == accept.contains("text/html"), "wantsHTML differs from Foundation's contains")

    require(forwarded.clientIP == expectedClientIP(headers, peer: peer, trusted: trusted), "the client address")
}

/// A proxy network besides loopback, so that forwarded chains have entries to skip.
private let internalProxies = [IPNetwork("10.0.0.0/8")!] + ForwardedRequest.loopback

/// The client address by the rules as written: a peer outside `trusted` (one that does not parse
/// included) is the client itself; from a trusted peer (or none, in process), `X-Real-IP`, else
/// the rightmost `X-Forwarded-For` entry of all its lines that is not in `trusted`, else the
/// first entry, else the peer.
private func expectedClientIP(_ headers: HTTPHeaders, peer: String?, trusted: [IPNetwork]) -> String? {
    func isTrusted(_ text: String) -> Bool {
        guard let address = IPAddress(text) else { return false }
        return trusted.contains { $0.contains(address) }
    }
    if let peer, !isTrusted(peer) { return peer }
    if let real = headers["X-Real-IP"].map(trimmed), !real.isEmpty { return real }
    var entries: [String] = []
    for line in headers.values("X-Forwarded-For") {
        entries += line.split(separator: ",").map(trimmed).filter { !$0.isEmpty }
    }
    return entries.last { !isTrusted($0) } ?? entries.first ?? peer
}

/// Accepted exactly when `inet_pton` accepts it, to the same bytes; canonical text reads back.
private func checkAddress(_ text: String) {
    let address = IPAddress(text)
    if !text.utf8.contains(0) {
        let family = text.contains(":") ? AF_INET6 : AF_INET
        var buffer = [UInt8](repeating: 0, count: 16)
        let accepted = inet_pton(family, text, &buffer) == 1
        require((address != nil) == accepted, "IPAddress and inet_pton disagree on \(Array(text.utf8))")
        if let address {
            require(address.bytes == Array(buffer.prefix(address.bytes.count)), "IPAddress and inet_pton bytes differ")
        }
    }
    guard let address else { return }
    require(address.bytes.count == (address.family == .v4 ? 4 : 16), "wrong byte count")
    let canonical = address.description
    require(IPAddress(canonical) == address, "canonical text does not read back")
    require(IPAddress(canonical)?.description == canonical, "canonical text is not stable")
    let unmapped = address.unmappingIPv4
    require(unmapped == address || (unmapped.family == .v4 && address.family == .v6), "unmapping changed a family")
}

/// A network reads back from its text, holds its own address, and has no host bits.
private func checkNetwork(_ text: String) {
    guard let network = IPNetwork(text) else { return }
    require(IPNetwork(network.description) == network, "network text does not read back")
    require(network.contains(network.address), "a network without its own address")
    require(network.prefixLength >= 0 && network.prefixLength <= network.address.family.bitCount, "prefix length")
    let again = IPNetwork(containing: network.address, prefixLength: network.prefixLength)
    require(again == network, "the network of its own address differs")
}

/// The host rules as first written (by `String`), which the byte-level fast path must keep.
private func referenceHostName(_ value: String) -> String? {
    var host = Substring(value.lowercased())
    if host.hasPrefix("[") {
        guard let close = host.firstIndex(of: "]") else { return nil }
        host = host[...close]
    } else if let colon = host.firstIndex(of: ":") {
        host = host[..<colon]
    }
    guard !host.isEmpty, host.utf8.count <= 253,
        host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || ".-[]:".contains($0)) })
    else { return nil }
    return String(host)
}

/// Without leading and trailing spaces, tabs and line ends, as the server trims header values.
private func trimmed(_ text: some StringProtocol) -> String {
    var slice = Substring(text)
    // Characters, as the server compares them: "\r\n" is one grapheme and is not trimmed.
    let isBlank = { (character: Character) in
        character == " " || character == "\t" || character == "\r" || character == "\n"
    }
    while let first = slice.first, isBlank(first) { slice = slice.dropFirst() }
    while let last = slice.last, isBlank(last) { slice = slice.dropLast() }
    return String(slice)
}
