#ifndef LEDGERLINE_COPENSSL_SHIM_H
#define LEDGERLINE_COPENSSL_SHIM_H
// SHA-256 from the system's libcrypto (Debian: libssl-dev), which uses the CPU's SHA
// extensions; only the EVP digest API is used.
#include <openssl/evp.h>
#endif
