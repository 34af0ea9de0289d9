internal import CMicroHTTPD

/// Turns an `HTTPResponse` into a queued libmicrohttpd response.
enum ResponseWriter {
    /// Headers libmicrohttpd sets itself from the body and connection state.
    private static let managedHeaders: Set<String> = ["content-length", "transfer-encoding", "date"]

    /// Whether the status is 100...599 and every header name is a token and every value free of
    /// control characters (so a handler cannot split the response).
    static func isValid(_ response: HTTPResponse) -> Bool {
        guard (100...599).contains(response.status) else { return false }
        return response.headers.allSatisfy { field in
            !field.name.isEmpty && field.name.utf8.allSatisfy(SetCookie.isTokenByte)
                && field.value.utf8.allSatisfy { $0 == 0x09 || ($0 >= 0x20 && $0 != 0x7F) }
        }
    }

    /// Queues `response` (already validated) on `connection`. For HEAD, libmicrohttpd sends the
    /// headers with the body's `Content-Length` and no body.
    static func queue(_ response: HTTPResponse, on connection: OpaquePointer) -> MHD_Result {
        let created = response.body.withUnsafeBytes { bytes in
            // Safety: MUST_COPY makes libmicrohttpd copy the bytes before this call returns.
            MHD_create_response_from_buffer(
                bytes.count,
                UnsafeMutableRawPointer(mutating: bytes.baseAddress),
                .RESPMEM_MUST_COPY
            )
        }
        guard let created else { return .NO }
        defer { MHD_destroy_response(created) }
        let headers = response.headers
        for (field, name) in zip(headers.fields, headers.lowercasedNames) where !managedHeaders.contains(name) {
            guard MHD_add_response_header(created, field.name, field.value) == .YES else { return .NO }
        }
        return MHD_queue_response(connection, UInt32(response.status), created)
    }
}
