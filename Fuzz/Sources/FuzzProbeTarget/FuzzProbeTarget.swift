import FuzzSupport
import StepgateProbe

/// `YAMLReader.read` (libyaml's event parser behind it) and `TargetDescription.parse` on
/// arbitrary bytes: a tree within the limits, or an error; never a crash or a runaway.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzProbeTarget(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = FuzzInput(data, size).bytes
    var reader = YAMLReader()
    reader.maxDepth = 8
    reader.maxNodes = 500
    if let root = try? reader.read(bytes) {
        require(depth(root) <= reader.maxDepth + 1, "a tree deeper than the limit")
        require(count(root) <= reader.maxNodes, "more nodes than the limit")
    }
    let environment = ["PROBE_PASSWORD": "fuzz-password", "PROBE_TOTP_SECRET": "JBSWY3DPEHPK3PXP"]
    if let target = try? TargetDescription.parse(bytes, environment: environment) {
        require(!target.issuer.isEmpty, "a target without an issuer")
        require(!target.client.id.isEmpty, "a target without a client")
    }
    return 0
}

private func depth(_ node: YAMLNode) -> Int {
    switch node.value {
    case .scalar: 1
    case .sequence(let elements): 1 + (elements.map(depth).max() ?? 0)
    case .mapping(let entries): 1 + (entries.map { depth($0.value) }.max() ?? 0)
    }
}

private func count(_ node: YAMLNode) -> Int {
    switch node.value {
    case .scalar: 1
    case .sequence(let elements): 1 + elements.map(count).reduce(0, +)
    case .mapping(let entries): 1 + entries.map { 1 + count($0.value) }.reduce(0, +)
    }
}
