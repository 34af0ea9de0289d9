import StepgateCrypto
import Testing

/// Every way `CBORValue.decode` refuses input, each with its code and offset.
struct CBORRefusalTests {
    func refusal(_ encoding: String, maxDepth: Int = 16, maxItems: Int = 4096) -> CBORError? {
        #expect(throws: CBORError.self) {
            try CBORValue.decode(hex(encoding), maxDepth: maxDepth, maxItems: maxItems)
        }
    }

    func refusal(_ bytes: [UInt8]) -> CBORError? {
        #expect(throws: CBORError.self) { try CBORValue.decode(bytes) }
    }

    @Test(arguments: ["5f42010243030405ff", "7f657374726561646d696e67ff", "9fff", "9f018202039f0405ffff", "bfff"])
    func decode_refusesIndefiniteLength(_ encoding: String) {
        #expect(refusal(encoding)?.code == .indefiniteLength)
    }

    @Test(arguments: ["1f", "3f", "df"])
    func decode_refusesIndefiniteIntegerOrTag(_ encoding: String) {
        #expect(refusal(encoding)?.code == .malformed)
    }

    @Test(arguments: ["1c", "3d", "5e", "fc", "fd", "fe"])
    func decode_refusesReservedAdditionalInformation(_ encoding: String) {
        #expect(refusal(encoding)?.code == .malformed)
    }

    @Test
    func decode_refusesStrayBreak() {
        #expect(refusal("ff")?.code == .malformed)
        #expect(refusal("8101ff")?.code == .trailingBytes)
    }

    @Test(arguments: ["f800", "f818", "f81f"])
    func decode_refusesSimpleValueBelow32InTwoBytes(_ encoding: String) {
        #expect(refusal(encoding)?.code == .malformed)
    }

    @Test(arguments: [
        "", "18", "1901", "1a0000", "1b00000000000000", "44010203", "646162", "8201", "a101", "a1", "c1", "f9",
    ])
    func decode_refusesTruncatedInput(_ encoding: String) {
        #expect(refusal(encoding)?.code == .truncated)
    }

    @Test(arguments: [
        "5bffffffffffffffff", "7bffffffffffffffff", "9bffffffffffffffff", "bbffffffffffffffff", "9a7fffffff00",
    ])
    func decode_refusesLengthBeyondInputWithoutAllocating(_ encoding: String) {
        let error = refusal(encoding)
        #expect(error?.code == .truncated)
        #expect(error?.offset == 0)
    }

    @Test
    func decode_refusesMapCountNeedingMoreBytesThanLeft() {
        // Three pairs need at least six bytes; five are left.
        #expect(refusal("a30102030405")?.code == .truncated)
    }

    @Test
    func decode_acceptsNestingUpToMaxDepth() throws {
        let sixteen = [UInt8](repeating: 0x81, count: 15) + [0x80]
        #expect(throws: Never.self) { try CBORValue.decode(sixteen) }
    }

    @Test
    func decode_refusesNestingPastMaxDepth() {
        let error = refusal([UInt8](repeating: 0x81, count: 16) + [0x80])
        #expect(error?.code == .tooDeep)
        #expect(error?.offset == 16)
    }

    @Test
    func decode_countsTagsAndMapsTowardsDepth() {
        #expect(refusal(String(repeating: "c1", count: 17) + "00")?.code == .tooDeep)
        #expect(refusal(String(repeating: "a101", count: 17) + "00")?.code == .tooDeep)
        #expect(refusal("818181818100", maxDepth: 4)?.code == .tooDeep)
    }

    @Test
    func decode_refusesMoreItemsThanAllowed() {
        let items = [0x99, 0x10, 0x00] + [UInt8](repeating: 0, count: 4096)
        #expect(refusal(items)?.code == .tooManyItems)
        let allowed = [0x99, 0x0F, 0xFF] + [UInt8](repeating: 0, count: 4095)
        #expect(throws: Never.self) { try CBORValue.decode(allowed) }
        #expect(refusal("83010203", maxItems: 3)?.code == .tooManyItems)
    }

    @Test(arguments: ["a201020103", "a2616101616102", "a2820102008201020a", "a2f500f501"])
    func decode_refusesDuplicateMapKey(_ encoding: String) {
        #expect(refusal(encoding)?.code == .duplicateMapKey)
    }

    @Test
    func decode_reportsDuplicateKeyOffset() {
        #expect(refusal("a201020103")?.offset == 3)
    }

    @Test(arguments: ["62c328", "62c080", "63eda080", "61ff", "64f4908080", "6180"])
    func decode_refusesInvalidUTF8(_ encoding: String) {
        let error = refusal(encoding)
        #expect(error?.code == .invalidUTF8)
        #expect(error?.offset == 0)
    }

    @Test
    func decode_refusesTrailingBytes() {
        let error = refusal("0000")
        #expect(error?.code == .trailingBytes)
        #expect(error?.offset == 1)
    }

    @Test
    func decodePrefix_reportsTruncationOffsetFromSliceStart() {
        let bytes = hex("000000" + "82011901")
        #expect(throws: CBORError(.truncated, offset: 3)) { try CBORValue.decodePrefix(of: bytes[3...]) }
    }
}
