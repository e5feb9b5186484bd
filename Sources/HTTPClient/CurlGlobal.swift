import CCurl

/// libcurl's process-wide state, set up exactly once.
///
/// `curl_global_init` is not thread-safe: it must finish before any other thread uses curl. A global
/// `let` initialiser runs exactly once (swift_once) whichever thread reaches it first, and every
/// client reads it in its initialiser, before it creates a multi handle or a driver thread.
/// There is deliberately no `curl_global_cleanup`: clients may live until process exit, and
/// OpenSSL's own atexit cleanup is disabled so exit cannot free TLS state under a live transfer.
enum CurlGlobal {
    /// `CURLE_OK` when libcurl is usable in this process.
    static let initialization: CURLcode = {
        // Ignoring the result is correct: 0 means "not OpenSSL" or "too old to know the flag",
        // and neither stops curl from working.
        _ = vl_openssl_disable_atexit()
        // CURL_GLOBAL_DEFAULT is a macro of macros that Swift does not import; it equals SSL | WIN32.
        return curl_global_init(Int(CURL_GLOBAL_SSL | CURL_GLOBAL_WIN32))
    }()
}
