import StepgateCrypto
import Testing

/// RFC 8949 Appendix A: every definite-length example.
struct CBORDecodingTests {
    /// Examples that re-encode to the same bytes (shortest heads, no floats).
    static let roundTripping: [(String, CBORValue)] = [
        ("00", 0), ("01", 1), ("0a", 10), ("17", 23), ("1818", 24), ("1819", 25), ("1864", 100),
        ("1903e8", 1000), ("1a000f4240", 1_000_000), ("1b000000e8d4a51000", 1_000_000_000_000),
        ("1bffffffffffffffff", .unsigned(UInt64.max)),
        ("c249010000000000000000", .tagged(2, .byteString(hex("010000000000000000")))),
        ("3bffffffffffffffff", .negative(UInt64.max)),
        ("c349010000000000000000", .tagged(3, .byteString(hex("010000000000000000")))),
        ("20", -1), ("29", -10), ("3863", -100), ("3903e7", -1000),
        ("f4", .bool(false)), ("f5", .bool(true)), ("f6", .null), ("f7", .undefined),
        ("f0", .simple(16)), ("f8ff", .simple(255)),
        ("c074323031332d30332d32315432303a30343a30305a", .tagged(0, "2013-03-21T20:04:00Z")),
        ("c11a514b67b0", .tagged(1, 1_363_896_240)),
        ("d74401020304", .tagged(23, .byteString(hex("01020304")))),
        ("d818456449455446", .tagged(24, .byteString(hex("6449455446")))),
        ("d82076687474703a2f2f7777772e6578616d706c652e636f6d", .tagged(32, "http://www.example.com")),
        ("40", .byteString([])), ("4401020304", .byteString(hex("01020304"))),
        ("60", ""), ("6161", "a"), ("6449455446", "IETF"), ("62225c", "\"\\"), ("62c3bc", "\u{00fc}"),
        ("63e6b0b4", "\u{6c34}"), ("64f0908591", "\u{10151}"),
        ("80", .array([])), ("83010203", .array([1, 2, 3])),
        ("8301820203820405", .array([1, .array([2, 3]), .array([4, 5])])),
        (
            "98190102030405060708090a0b0c0d0e0f101112131415161718181819",
            .array((1...25).map { CBORValue(Int64($0)) })
        ),
        ("a0", .map([])), ("a201020304", .map([(1, 2), (3, 4)])),
        ("a26161016162820203", .map([("a", 1), ("b", .array([2, 3]))])),
        ("826161a161626163", .array(["a", .map([("b", "c")])])),
        (
            "a56161614161626142616361436164614461656145",
            .map([("a", "A"), ("b", "B"), ("c", "C"), ("d", "D"), ("e", "E")])
        ),
    ]

    /// Float examples, widened to Double; these re-encode in double precision.
    static let floats: [(String, Double)] = [
        ("f90000", 0.0), ("f98000", -0.0), ("f93c00", 1.0), ("fb3ff199999999999a", 1.1), ("f93e00", 1.5),
        ("f97bff", 65504.0), ("fa47c35000", 100000.0), ("fa7f7fffff", 3.4028234663852886e+38),
        ("fb7e37e43c8800759c", 1.0e+300), ("f90001", 5.960464477539063e-8), ("f90400", 0.00006103515625),
        ("f9c400", -4.0), ("fbc010666666666666", -4.1), ("f97c00", .infinity), ("f9fc00", -.infinity),
        ("fa7f800000", .infinity), ("faff800000", -.infinity), ("fb7ff0000000000000", .infinity),
        ("fbfff0000000000000", -.infinity), ("c1fb41d452d9ec200000", 1363896240.5),
    ]

    @Test(arguments: roundTripping.indices)
    func decode_readsRFC8949Example(_ index: Int) throws {
        let (encoding, expected) = Self.roundTripping[index]
        #expect(try CBORValue.decode(hex(encoding)) == expected, "\(encoding)")
    }

    @Test(arguments: roundTripping.indices)
    func encoded_writesRFC8949ExampleBack(_ index: Int) {
        let (encoding, value) = Self.roundTripping[index]
        #expect(value.encoded() == hex(encoding), "\(encoding)")
    }

    @Test(arguments: floats.indices)
    func decode_readsRFC8949FloatExample(_ index: Int) throws {
        let (encoding, expected) = Self.floats[index]
        var value = try CBORValue.decode(hex(encoding))
        if case .tagged(1, let inner) = value { value = inner }
        guard case .float(let double) = value else {
            Issue.record("\(encoding) is not a float")
            return
        }
        #expect(double.bitPattern == expected.bitPattern, "\(encoding)")
    }

    @Test(arguments: ["f97e00", "fa7fc00000", "fb7ff8000000000000"])
    func decode_readsRFC8949NaNExamples(_ encoding: String) throws {
        guard case .float(let value) = try CBORValue.decode(hex(encoding)) else {
            Issue.record("\(encoding) is not a float")
            return
        }
        #expect(value.isNaN)
    }

    @Test
    func encoded_floatReadsBackBitForBit() throws {
        for (encoding, _) in Self.floats {
            let value = try CBORValue.decode(hex(encoding))
            #expect(try CBORValue.decode(value.encoded()) == value, "\(encoding)")
        }
    }

    @Test
    func decode_acceptsNonPreferredIntegerHead() throws {
        #expect(try CBORValue.decode(hex("1b0000000000000001")) == 1)
        #expect(try CBORValue.decode(hex("5800")) == .byteString([]))
    }

    @Test
    func decodePrefix_reportsConsumedBytesAndLeavesTheRest() throws {
        let bytes = hex("ffff" + "a201020304" + "0a0b")
        let (value, consumed) = try CBORValue.decodePrefix(of: bytes[2...])
        #expect(value == .map([(1, 2), (3, 4)]))
        #expect(consumed == 5)
    }

    @Test
    func subscript_findsMapValueByKey() throws {
        let value = try CBORValue.decode(hex("a26161016162820203"))
        #expect(value["b"] == .array([2, 3]))
        #expect(value["c"] == nil)
        #expect(CBORValue.array([]).mapValue == nil)
    }

    @Test
    func integerValue_coversInt64RangeOnly() {
        #expect(CBORValue.negative(UInt64(Int64.max)).integerValue == Int64.min)
        #expect(CBORValue.negative(UInt64(Int64.max) + 1).integerValue == nil)
        #expect(CBORValue.unsigned(UInt64(Int64.max) + 1).integerValue == nil)
        #expect(CBORValue(-257).encoded() == hex("390100"))
    }

    @Test
    func equality_comparesTextByBytesNotCanonicalEquivalence() {
        #expect(CBORValue.textString("\u{00e9}") != CBORValue.textString("e\u{0301}"))
        #expect(CBORValue.float(0.0) != CBORValue.float(-0.0))
    }
}
