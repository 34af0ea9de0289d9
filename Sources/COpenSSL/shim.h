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
#include <openssl/x509v3.h>
#include <openssl/rsa.h>
#include <openssl/err.h>
#include <openssl/obj_mac.h>

// OSSL_PARAM_construct_* keeps the pointers it is given, and a Swift String passed as a C
// string lives only for one call. These return names with static storage, so an OSSL_PARAM
// built from them stays valid for as long as Swift holds it.

/// The OSSL_PKEY_PARAM_GROUP_NAME key ("group"), static storage.
static inline const char *stepgate_param_group_name(void) { return OSSL_PKEY_PARAM_GROUP_NAME; }

/// The OSSL_PKEY_PARAM_PUB_KEY key ("pub"), static storage.
static inline const char *stepgate_param_pub_key(void) { return OSSL_PKEY_PARAM_PUB_KEY; }

/// The group name "P-256", static storage. OSSL_PARAM_construct_utf8_string takes a non-const
/// buffer but only reads it for the parameters we set.
static inline char *stepgate_group_p256(void) {
    static char name[] = "P-256";
    return name;
}

/// The OSSL_PKEY_PARAM_RSA_N key ("n"), static storage, for OSSL_PARAM_BLD_push_BN.
static inline const char *stepgate_param_rsa_n(void) { return OSSL_PKEY_PARAM_RSA_N; }

/// The OSSL_PKEY_PARAM_RSA_E key ("e"), static storage, for OSSL_PARAM_BLD_push_BN.
static inline const char *stepgate_param_rsa_e(void) { return OSSL_PKEY_PARAM_RSA_E; }

/// OPENSSL_free: a macro that passes __FILE__ and __LINE__, which Swift does not import. Frees
/// what OpenSSL allocated for the caller (ASN1_STRING_to_UTF8 output).
static inline void stepgate_openssl_free(void *pointer) { OPENSSL_free(pointer); }

/// EVP_PKEY_PUBLIC_KEY: a macro of macros that Swift does not import.
static inline int stepgate_selection_public_key(void) { return EVP_PKEY_PUBLIC_KEY; }

#endif
