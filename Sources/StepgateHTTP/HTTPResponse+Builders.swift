extension HTTPResponse {
    /// An HTML page, `text/html; charset=utf-8`.
    public static func html(_ status: Int = 200, _ text: String) -> HTTPResponse {
        HTTPResponse(
            status: status,
            headers: HTTPHeaders([("Content-Type", "text/html; charset=utf-8")]),
            body: Array(text.utf8)
        )
    }

    /// A JSON document from already encoded bytes, `application/json`.
    public static func json(_ status: Int = 200, _ body: [UInt8]) -> HTTPResponse {
        HTTPResponse(status: status, headers: HTTPHeaders([("Content-Type", "application/json")]), body: body)
    }

    /// Plain text, `text/plain; charset=utf-8`.
    public static func text(_ status: Int = 200, _ text: String) -> HTTPResponse {
        HTTPResponse(
            status: status,
            headers: HTTPHeaders([("Content-Type", "text/plain; charset=utf-8")]),
            body: Array(text.utf8)
        )
    }

    /// A 200 HTML page (a defaulted first unlabelled parameter cannot be left out in Swift).
    public static func html(_ text: String) -> HTTPResponse {
        html(200, text)
    }

    /// A 200 JSON document.
    public static func json(_ body: [UInt8]) -> HTTPResponse {
        json(200, body)
    }

    /// A 200 plain-text answer.
    public static func text(_ text: String) -> HTTPResponse {
        self.text(200, text)
    }

    /// A redirect with an empty body; 303 (See Other) makes the browser follow with GET.
    ///
    /// `location` is sent as given: callers pass only URLs they built or validated, never one
    /// taken from the request unchecked (open redirect).
    public static func redirect(to location: String, status: Int = 303) -> HTTPResponse {
        HTTPResponse(status: status, headers: HTTPHeaders([("Location", location)]))
    }

    /// Adds a `Set-Cookie` header; earlier cookies stay.
    public mutating func setCookie(_ cookie: SetCookie) {
        headers.add("Set-Cookie", cookie.headerValue)
    }
}
