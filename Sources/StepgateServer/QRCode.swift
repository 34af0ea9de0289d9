internal import CQREncode

/// A QR code of a short text, drawn as inline SVG (no image request, nothing for CSP to block).
///
/// Wraps libqrencode: error correction level M, byte mode, the smallest version that fits.
struct QRCode: Sendable {
    /// Modules per side.
    let width: Int
    /// Row-major, `true` for a dark module.
    let modules: [Bool]

    /// The code for `text`; nil when libqrencode cannot encode it (too long, out of memory).
    init?(_ text: String) {
        guard let code = QRcode_encodeString8bit(text, 0, QR_ECLEVEL_M) else { return nil }
        defer { QRcode_free(code) }
        let width = Int(code.pointee.width)
        guard width > 0, let data = code.pointee.data else { return nil }
        // Safety: libqrencode allocates width * width bytes at `data`, freed only by QRcode_free
        // above, after this copy; bit 0 of each byte is the module's colour.
        let buffer = UnsafeBufferPointer(start: data, count: width * width)
        self.width = width
        self.modules = buffer.map { $0 & 1 == 1 }
    }

    /// An `<svg>` element with a four-module quiet zone, five pixels a module (whole pixels keep
    /// the modules even); `label` becomes its accessible name.
    func svg(label: String) -> String {
        let size = width + 8
        var path = ""
        for row in 0..<width {
            var column = 0
            while column < width {
                guard modules[row * width + column] else {
                    column += 1
                    continue
                }
                var run = 1
                while column + run < width, modules[row * width + column + run] { run += 1 }
                path += "M\(column + 4) \(row + 4)h\(run)v1h-\(run)z"
                column += run
            }
        }
        return """
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(size) \(size)" width="\(size * 5)" \
            height="\(size * 5)" \
            role="img" aria-label="\(HTML.escape(label))" shape-rendering="crispEdges">\
            <rect width="\(size)" height="\(size)" fill="#fff"/><path d="\(path)" fill="#000"/></svg>
            """
    }
}
