#ifndef STEPGATE_CCURL_SHIM_H
#define STEPGATE_CCURL_SHIM_H
#include <curl/curl.h>
#endif
