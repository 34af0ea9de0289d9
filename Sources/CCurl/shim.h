#ifndef STEPGATE_CCURL_SHIM_H
#define STEPGATE_CCURL_SHIM_H
#include <curl/curl.h>

// curl_easy_setopt and curl_easy_getinfo are variadic, which Swift cannot call. Each wrapper
// below fixes the argument type curl reads for that kind of option.

/// Sets an option that takes a `long` (flags, sizes, timeouts).
static inline CURLcode stepgate_curl_setopt_long(CURL *handle, CURLoption option, long value)
{
    return curl_easy_setopt(handle, option, value);
}

/// Sets an option that takes a C string; curl copies it (all string options since 7.17.0).
static inline CURLcode stepgate_curl_setopt_string(CURL *handle, CURLoption option, const char *value)
{
    return curl_easy_setopt(handle, option, value);
}

/// Sets an option that takes a pointer curl keeps (callback data, header lists, POST bytes).
static inline CURLcode stepgate_curl_setopt_pointer(CURL *handle, CURLoption option, void *value)
{
    return curl_easy_setopt(handle, option, value);
}

/// Sets CURLOPT_WRITEFUNCTION.
static inline CURLcode stepgate_curl_setopt_write_function(CURL *handle, curl_write_callback function)
{
    return curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, function);
}

/// Sets CURLOPT_HEADERFUNCTION.
static inline CURLcode stepgate_curl_setopt_header_function(CURL *handle, curl_write_callback function)
{
    return curl_easy_setopt(handle, CURLOPT_HEADERFUNCTION, function);
}

/// Sets CURLOPT_READFUNCTION (the SMTP upload reads the message through it).
static inline CURLcode stepgate_curl_setopt_read_function(CURL *handle, curl_read_callback function)
{
    return curl_easy_setopt(handle, CURLOPT_READFUNCTION, function);
}

/// Reads an info value of type `long` (such as CURLINFO_RESPONSE_CODE).
static inline CURLcode stepgate_curl_getinfo_long(CURL *handle, CURLINFO info, long *value)
{
    return curl_easy_getinfo(handle, info, value);
}
#endif
