/* sha256.h: SHA-256 (FIPS 180-4), incremental. Used for RIHS01 type hashes.
 * Pure computation: no allocation, no I/O, one context per caller (not shared between threads). */
#ifndef RG_SHA256_H
#define RG_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_DIGEST_LEN 32

typedef struct sha256_ctx {
  uint32_t state[8];
  uint64_t total;      /* bytes hashed so far */
  uint8_t block[64];   /* pending partial block */
  size_t fill;         /* bytes used in block */
} sha256_ctx;

/* Starts a new hash. */
void sha256_init(sha256_ctx *c);
/* Feeds n bytes (any split gives the same digest). p may be NULL when n is 0. */
void sha256_update(sha256_ctx *c, const void *p, size_t n);
/* Writes the 32-byte digest; the context must be re-initialised before reuse. */
void sha256_final(sha256_ctx *c, uint8_t out[SHA256_DIGEST_LEN]);
/* One-shot helper. */
void sha256(const void *p, size_t n, uint8_t out[SHA256_DIGEST_LEN]);
/* Lowercase hex of a digest into out (65 bytes incl. NUL). */
void sha256_hex(const uint8_t digest[SHA256_DIGEST_LEN], char out[2 * SHA256_DIGEST_LEN + 1]);

#endif
