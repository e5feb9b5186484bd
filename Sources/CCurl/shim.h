#ifndef VIDEOLEDGER_CCURL_SHIM_H
#define VIDEOLEDGER_CCURL_SHIM_H
/*
 * curl_easy_setopt / curl_easy_getinfo / curl_multi_setopt are C varargs macros, which Swift
 * cannot import. These typed static inline wrappers pass each argument with the exact C type
 * curl expects (long for integers, curl_off_t for *_LARGE, pointers for the rest).
 */
#include <curl/curl.h>

static inline CURLcode vl_easy_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode vl_easy_setopt_off(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode vl_easy_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode vl_easy_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode vl_easy_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode vl_easy_setopt_write_callback(CURL *handle, CURLoption option, curl_write_callback value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode vl_easy_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}
static inline CURLcode vl_easy_getinfo_off(CURL *handle, CURLINFO info, curl_off_t *value) {
    return curl_easy_getinfo(handle, info, value);
}
static inline CURLcode vl_easy_getinfo_pointer(CURL *handle, CURLINFO info, void **value) {
    return curl_easy_getinfo(handle, info, value);
}
static inline CURLMcode vl_multi_setopt_long(CURLM *handle, CURLMoption option, long value) {
    return curl_multi_setopt(handle, option, value);
}

/*
 * Stops OpenSSL from registering its atexit cleanup. That handler can free OpenSSL's state while
 * Swift still tears down objects using it (swift-corelibs-foundation #5469), so Foundation does
 * the same before curl_global_init. Looked up with dlsym because the binary links only libcurl:
 * when curl uses another TLS library the symbol is absent and this does nothing.
 * Returns 1 when OpenSSL accepted the flag, 0 when the symbol is absent or the call failed.
 */
#include <dlfcn.h>
#include <stdint.h>
static inline int vl_openssl_disable_atexit(void) {
    typedef int (*vl_openssl_init_crypto)(uint64_t options, const void *settings);
    /* RTLD_DEFAULT is ((void *)0) in glibc; spelled out because it needs _GNU_SOURCE. */
    void *symbol = dlsym((void *)0, "OPENSSL_init_crypto");
    if (symbol == NULL) {
        return 0;
    }
    const uint64_t openssl_init_no_atexit = 0x00080000UL; /* OPENSSL_INIT_NO_ATEXIT, OpenSSL >= 1.1.1b */
    return ((vl_openssl_init_crypto)symbol)(openssl_init_no_atexit, NULL);
}
#endif
