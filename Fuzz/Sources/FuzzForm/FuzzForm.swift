import FuzzSupport
import StepgateHTTP

/// `FormData.parse(_:)` on arbitrary bytes and `FormData.parse(query:)` on the same as text.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzForm(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let input = FuzzInput(data, size)
    let body = try? FormData.parse(input.bytes)
    let query = try? FormData.parse(query: input.text)
    for form in [body, query].compactMap({ $0 }) {
        require(form.fields.count <= FormData.maximumFieldCount, "more fields than the limit")
        for (name, value) in form.fields {
            require(form.values(name).contains(value), "a parsed field is not found by name")
        }
    }
    if input.text.utf8.elementsEqual(input.bytes) {
        // Valid UTF-8 reads the same either way.
        require(body?.fields.count == query?.fields.count, "body and query parses disagree")
    }
    return 0
}
