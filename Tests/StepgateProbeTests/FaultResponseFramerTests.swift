import Testing

@testable import StepgateProbe

/// When a response has fully arrived, however its bytes are split.
@Suite struct FaultResponseFramerTests {
    /// Feeds `text` in pieces of `piece` bytes; whether the framer called it complete, and at
    /// which byte count it first did.
    private func frame(_ text: String, piece: Int) -> (complete: Bool, at: Int?, status: Int?) {
        var framer = FaultResponseFramer()
        let bytes = Array(text.utf8)
        var at: Int?
        var offset = 0
        while offset < bytes.count {
            let end = min(offset + piece, bytes.count)
            framer.consume(bytes[offset..<end])
            if framer.isComplete && at == nil { at = end }
            offset = end
        }
        return (framer.isComplete, at, framer.status)
    }

    @Test(arguments: [1, 3, 1000])
    func contentLength_completesAtTheLastBodyByte(piece: Int) {
        let response = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX: y\r\n\r\nhello"
        let result = frame(response, piece: piece)
        #expect(result.complete)
        #expect(result.status == 200)
        if piece == 1 { #expect(result.at == response.utf8.count) }
    }

    @Test func contentLength_notCompleteWhileTheBodyIsShort() {
        #expect(!frame("HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nhello", piece: 4).complete)
    }

    @Test(arguments: [1, 7, 1000])
    func chunked_completesAfterTheLastChunkAndTrailers(piece: Int) {
        let response =
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
            + "5;ext=1\r\nhello\r\nA\r\n0123456789\r\n0\r\nTrailer: t\r\n\r\n"
        let result = frame(response, piece: piece)
        #expect(result.complete)
        if piece == 1 { #expect(result.at == response.utf8.count) }
    }

    @Test func chunked_notCompleteBeforeTheZeroChunk() {
        #expect(!frame("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n", piece: 1).complete)
    }

    @Test func interimResponse_isSkippedForTheFinalOne() {
        let response = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok"
        let result = frame(response, piece: 1)
        #expect(result.complete)
        #expect(result.status == 201)
    }

    @Test(arguments: ["204 No Content", "304 Not Modified", "200 OK\r\nContent-Length: 0"])
    func responseWithoutBody_completesAtTheEndOfTheHead(statusLine: String) {
        #expect(frame("HTTP/1.1 \(statusLine)\r\n\r\n", piece: 1).complete)
    }

    @Test(arguments: [
        "HTTP/1.1 200 OK\r\n\r\nbody until close",
        "HTTP/1.1 101 Switching Protocols\r\nContent-Length: 0\r\n\r\n",
        "SSH-2.0-OpenSSH\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    ])
    func unframedOrUnreadable_waitsForTheClose(response: String) {
        #expect(!frame(response, piece: 5).complete)
    }

    @Test func overlongHeadLine_waitsForTheClose() {
        let response =
            "HTTP/1.1 200 OK\r\nX: " + String(repeating: "a", count: 20_000) + "\r\nContent-Length: 0\r\n\r\n"
        #expect(!frame(response, piece: 4096).complete)
    }
}
