import FuzzSupport
import StepgateCrypto

/// `JSONValue.parse` on arbitrary bytes; what parses must survive `serialized()` unchanged.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSON(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let input = FuzzInput(data, size)
    guard let value = try? JSONValue.parse(input.bytes) else { return 0 }
    let serialized = value.serialized()
    let reparsed: JSONValue
    do {
        reparsed = try JSONValue.parse(serialized)
    } catch {
        fatalError("serialized form does not parse: \(error)")
    }
    require(reparsed == value, "round trip changed the value")
    require(reparsed.serialized() == serialized, "serialization is not deterministic")
    return 0
}
