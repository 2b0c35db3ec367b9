#ifndef GOODWILL_CSHA256_H
#define GOODWILL_CSHA256_H

#include <stddef.h>
#include <stdint.h>

/// The SHA-256 compression function (FIPS 180-4 §6.2.2) applied to `blocks` consecutive 64-byte
/// blocks at `data`, updating the eight hash words in `state` (H0…H7, native byte order).
/// Uses the CPU's SHA extensions when it has them (checked once), the portable code otherwise.
void gw_sha256_compress(uint32_t state[8], const uint8_t *data, size_t blocks);

/// The portable code alone, whatever the CPU has (for tests that compare the two).
void gw_sha256_compress_portable(uint32_t state[8], const uint8_t *data, size_t blocks);

/// 1 when `gw_sha256_compress` uses the CPU's SHA extensions, 0 otherwise.
int gw_sha256_uses_cpu_extensions(void);

#endif
