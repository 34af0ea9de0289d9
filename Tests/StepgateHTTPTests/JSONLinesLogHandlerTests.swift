import Foundation
import Glibc
import StepgateCore
import StepgateHTTP
import Synchronization
import Testing

@Suite struct JSONLinesLogHandlerTests {
    /// Logs through a pipe and returns what came out of its read end.
    private func logThroughPipe(_ body: (Logger) -> Void) throws -> String {
        var ends: [Int32] = [0, 0]
        try #require(pipe(&ends) == 0)
        // Read while writing: a pipe buffer holds only 64 KiB.
        let output = Mutex(Data())
        let drained = DispatchSemaphore(value: 0)
        let readEnd = ends[0]
        DispatchQueue.global().async {
            let reader = FileHandle(fileDescriptor: readEnd, closeOnDealloc: true)
            let data = reader.readDataToEndOfFile()
            output.withLock { $0 = data }
            drained.signal()
        }
        let logger = Logger(label: "test", handler: JSONLinesLogHandler(descriptor: ends[1]))
        body(logger)
        close(ends[1])
        drained.wait()
        return String(decoding: output.withLock { $0 }, as: UTF8.self)
    }

    @Test func write_emitsOneValidJSONObjectPerLine() throws {
        let output = try logThroughPipe { logger in
            logger.info("request", [LogKey.route: "/a\"b\\c\nd\u{01}\t\u{7F}", LogKey.status: "200"])
            logger.error("failed", [LogKey.reason: "é €"])
        }
        let lines = output.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(output.hasSuffix("\n"))
        let first = try #require(
            try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: String]
        )
        #expect(first["level"] == "info")
        #expect(first["label"] == "test")
        #expect(first["message"] == "request")
        #expect(first[LogKey.route] == "/a\"b\\c\nd\u{01}\t\u{7F}")
        #expect(first[LogKey.status] == "200")
        let second = try #require(
            try JSONSerialization.jsonObject(with: Data(lines[1].utf8)) as? [String: String]
        )
        #expect(second["level"] == "error")
        #expect(second[LogKey.reason] == "é €")
        #expect(lines[0].contains("\\u0001"))
        #expect(!lines[0].contains("\u{01}"))
    }

    @Test func write_hasISO8601TimeWithMilliseconds() throws {
        let output = try logThroughPipe { $0.info("tick") }
        let object = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: String])
        let time = try #require(object["time"])
        #expect(time.utf8.count == 24)
        #expect(time.hasSuffix("Z"))
        #expect(Array(time)[19] == ".")
        #expect(time.hasPrefix("20"))
    }

    @Test func write_renamesMetadataThatCollidesWithFixedKeys() throws {
        let output = try logThroughPipe { $0.info("x", ["message": "m", "level": "l"]) }
        let object = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: String])
        #expect(object["message"] == "x")
        #expect(object["metadata.message"] == "m")
        #expect(object["metadata.level"] == "l")
    }

    @Test func write_fromManyThreadsNeverInterleaves() throws {
        let output = try logThroughPipe { logger in
            DispatchQueue.concurrentPerform(iterations: 8) { thread in
                for index in 0..<50 {
                    logger.info(
                        "line",
                        [LogKey.count: "\(thread)-\(index)", LogKey.reason: String(repeating: "x", count: 300)]
                    )
                }
            }
        }
        let lines = output.split(separator: "\n")
        #expect(lines.count == 400)
        for line in lines {
            #expect((try? JSONSerialization.jsonObject(with: Data(line.utf8))) != nil)
        }
    }
}
