internal import CCurl

/// libcurl's process-wide set-up, shared by every client in this module.
enum CurlGlobal {
    /// curl_global_init must run once before any handle exists; a lazy static runs it once,
    /// thread-safely. True when it succeeded.
    static let isReady: Bool = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK
}
