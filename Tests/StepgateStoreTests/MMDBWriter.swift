import Foundation
import StepgateCore

/// Writes small MaxMind DB files for tests, following the MaxMind DB format specification 2.0:
/// a binary search tree over 128-bit addresses (IPv4 at `::a.b.c.d`), 24-bit records, a
/// 16-byte zero separator, a data section, then the metadata map after its marker.
///
/// Test support only: networks must not overlap, and every record is written once, unshared.
struct MMDBWriter {
    /// A value in the data section.
    indirect enum Value {
        case string(String)
        case double(Double)
        case uint16(UInt16)
        case uint32(UInt32)
        case uint64(UInt64)
        case map([(String, Value)])
        case array([Value])
    }

    private enum Child {
        case empty
        case node(Int)
        case data(Int)
    }

    private var nodes: [(left: Child, right: Child)] = [(.empty, .empty)]
    private var data: [UInt8] = []

    /// Maps every address of `network` to `value`.
    mutating func insert(_ network: IPNetwork, _ value: Value) {
        let offset = data.count
        Self.encode(value, into: &data)
        let bits: UInt128
        let length: Int
        if network.address.family == .v4 {
            bits = network.address.value  // ::a.b.c.d: 96 zero bits, then the IPv4 bits.
            length = 96 + network.prefixLength
        } else {
            bits = network.address.value
            length = network.prefixLength
        }
        var node = 0
        for depth in 0..<length {
            let right = (bits >> (127 - depth)) & 1 == 1
            let last = depth == length - 1
            let child = right ? nodes[node].right : nodes[node].left
            let next: Child
            if last {
                next = .data(offset)
            } else if case .node(let existing) = child {
                next = .node(existing)
            } else {
                nodes.append((.empty, .empty))
                next = .node(nodes.count - 1)
            }
            if right { nodes[node].right = next } else { nodes[node].left = next }
            if case .node(let index) = next { node = index }
        }
    }

    /// The whole file.
    func build(databaseType: String = "Stepgate-Test-City") -> [UInt8] {
        let count = nodes.count
        func record(_ child: Child) -> Int {
            switch child {
            case .empty: count
            case .node(let index): index
            case .data(let offset): count + 16 + offset
            }
        }
        var file: [UInt8] = []
        for node in nodes {
            for value in [record(node.left), record(node.right)] {
                precondition(value < 1 << 24, "test database too large for 24-bit records")
                file += [UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
            }
        }
        file += [UInt8](repeating: 0, count: 16)
        file += data
        file += [0xAB, 0xCD, 0xEF] + Array("MaxMind.com".utf8)
        Self.encode(
            .map([
                ("node_count", .uint32(UInt32(count))),
                ("record_size", .uint16(24)),
                ("ip_version", .uint16(6)),
                ("database_type", .string(databaseType)),
                ("languages", .array([.string("en")])),
                ("binary_format_major_version", .uint16(2)),
                ("binary_format_minor_version", .uint16(0)),
                ("build_epoch", .uint64(1_700_000_000)),
                ("description", .map([("en", .string("Stepgate test database"))])),
            ]),
            into: &file
        )
        return file
    }

    /// Spec "Output Data Section": a control byte (type in the top 3 bits, size in the low 5),
    /// an extended-type byte for types above 7, size extension bytes, then the payload.
    static func encode(_ value: Value, into out: inout [UInt8]) {
        switch value {
        case .string(let text):
            control(type: 2, size: text.utf8.count, into: &out)
            out += Array(text.utf8)
        case .double(let number):
            control(type: 3, size: 8, into: &out)
            out += bigEndian(number.bitPattern, width: 8)
        case .uint16(let number):
            unsigned(type: 5, UInt64(number), into: &out)
        case .uint32(let number):
            unsigned(type: 6, UInt64(number), into: &out)
        case .uint64(let number):
            unsigned(type: 9, number, into: &out)
        case .map(let pairs):
            control(type: 7, size: pairs.count, into: &out)
            for (key, item) in pairs {
                encode(.string(key), into: &out)
                encode(item, into: &out)
            }
        case .array(let items):
            control(type: 11, size: items.count, into: &out)
            for item in items { encode(item, into: &out) }
        }
    }

    /// Unsigned integers use as few bytes as the value needs (zero bytes for 0).
    private static func unsigned(type: Int, _ number: UInt64, into out: inout [UInt8]) {
        let width = (64 - number.leadingZeroBitCount + 7) / 8
        control(type: type, size: width, into: &out)
        out += bigEndian(number, width: width)
    }

    private static func control(type: Int, size: Int, into out: inout [UInt8]) {
        let typeBits = UInt8(type <= 7 ? type : 0) << 5
        let extended: [UInt8] = type <= 7 ? [] : [UInt8(type - 7)]
        switch size {
        case ..<29:
            out += [typeBits | UInt8(size)] + extended
        case ..<285:
            out += [typeBits | 29] + extended + [UInt8(size - 29)]
        case ..<65_821:
            out += [typeBits | 30] + extended + bigEndian(UInt64(size - 285), width: 2)
        default:
            out += [typeBits | 31] + extended + bigEndian(UInt64(size - 65_821), width: 3)
        }
    }

    private static func bigEndian(_ number: UInt64, width: Int) -> [UInt8] {
        (0..<width).map { UInt8(truncatingIfNeeded: number >> (8 * (width - 1 - $0))) }
    }
}
