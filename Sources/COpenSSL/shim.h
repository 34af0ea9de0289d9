#ifndef STEPGATE_COPENSSL_SHIM_H
#define STEPGATE_COPENSSL_SHIM_H
// OpenSSL 3 libcrypto, as StepgateCrypto sees it. Only StepgateCrypto imports this module.
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/params.h>
#include <openssl/param_build.h>
#include <openssl/x509.h>
#include <openssl/err.h>
#include <openssl/obj_mac.h>
#endif
