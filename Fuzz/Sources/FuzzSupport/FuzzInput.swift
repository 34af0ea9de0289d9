/// The bytes libFuzzer hands to `LLVMFuzzerTestOneInput`, copied into Swift values.
public struct FuzzInput {
    /// The raw input.
    public let bytes: [UInt8]

    /// A copy of the `size` bytes at `data` (nil with size 0 is allowed).
    public init(_ data: UnsafePointer<UInt8>?, _ size: Int) {
        guard let data, size > 0 else {
            self.bytes = []
            return
        }
        // Safety: libFuzzer guarantees `size` readable bytes at `data` for the call's duration,
        // and the buffer is copied before returning.
        self.bytes = Array(UnsafeBufferPointer(start: data, count: size))
    }

    /// The input as a string; invalid UTF-8 is repaired with U+FFFD, as for any Swift `String`.
    public var text: String {
        String(decoding: bytes, as: UTF8.self)
    }
}

/// Stops the fuzzer with `message` when a property of the parser does not hold.
///
/// `fatalError` traps, which libFuzzer reports as a crash and saves the input for.
public func require(
    _ condition: @autoclosure () -> Bool,
    _ message: @autoclosure () -> String,
    file: StaticString = #fileID,
    line: UInt = #line
) {
    if !condition() { fatalError("property violated: \(message())", file: file, line: line) }
}
