internal import CMicroHTTPD

/// The C callbacks given to libmicrohttpd. They run on its worker threads, so they live here,
/// outside any actor, and reach Swift state only through the `void *` context pointers.
enum MHDCallbacks {
    /// Creates the request state from the raw request target; its pointer becomes `*con_cls`.
    static let uriLog: stepgate_mhd_uri_log_callback = { cls, uri, _ in
        guard let cls else { return nil }
        let context = Unmanaged<ServerContext>.fromOpaque(cls).takeUnretainedValue()
        let target = uri.map { String(cString: $0) } ?? "/"
        // Safety: retained here, released exactly once in `completed` (libmicrohttpd calls it for
        // every request whose URI it logged).
        return Unmanaged.passRetained(context.begin(target: target)).toOpaque()
    }

    /// Called for the headers, for each body chunk, and once more when the body is complete.
    static let access: MHD_AccessHandlerCallback = { cls, connection, _, method, _, upload, uploadSize, conCls in
        guard let cls, let connection, let uploadSize, let state = conCls?.pointee else { return .NO }
        let context = Unmanaged<ServerContext>.fromOpaque(cls).takeUnretainedValue()
        let request = Unmanaged<RequestState>.fromOpaque(state).takeUnretainedValue()
        let methodText = method.map { String(cString: $0) } ?? ""
        return context.access(connection, request, method: methodText, upload: upload, uploadSize: uploadSize)
    }

    /// Releases the request state, however the request ended.
    static let completed: MHD_RequestCompletedCallback = { cls, _, conCls, _ in
        guard let cls, let conCls, let state = conCls.pointee else { return }
        conCls.pointee = nil
        Unmanaged<RequestState>.fromOpaque(state).release()
        Unmanaged<ServerContext>.fromOpaque(cls).takeUnretainedValue().end()
    }
}
