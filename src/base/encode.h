/*
 * encode.h - bytes as text: hex, base64url, random ids, keyed hashes.
 *
 * The one home of these encodings; every id the server mints (resume,
 * tailoring and request ids) comes from encode_random_hex(), and every
 * pseudonym (tombstones, receipts, analytics ids) from encode_hmac_hex().
 */
#ifndef JT_ENCODE_H
#define JT_ENCODE_H

#include <stdbool.h>
#include <stddef.h>

/* out[2n+1] = lowercase hex of n bytes. */
void encode_hex(const unsigned char *in, size_t n, char *out);

/* out[2n+1] = lowercase hex of n random bytes (getrandom).  0, or -1 when
 * the kernel has no randomness to give. */
int encode_random_hex(size_t n, char *out);

/* Is s exactly len lowercase hex characters? */
bool encode_is_hex(const char *s, size_t len);

/* out[65] = hex HMAC-SHA256(key, msg). */
void encode_hmac_hex(const char *key, const char *msg, char *out);

/* out[65] = hex SHA-256 of the file at path, *bytes its length (read to
 * the end).  0, or -1 with errno set when it cannot be read. */
int encode_sha256_file(const char *path, char *out, unsigned long long *bytes);

/* Room base64url needs for n bytes, without padding, plus the NUL. */
#define ENCODE_B64URL_SIZE(n) (((n) + 2) / 3 * 4 + 1)

/* Unpadded base64url of in[n] into out (size bytes); false when it does
 * not fit. */
bool encode_b64url(const unsigned char *in, size_t n, char *out, size_t size);

/*
 * Decode unpadded base64url text (padding tolerated) into out (size
 * bytes); *len = the bytes written.  False for a character outside the
 * alphabet, an impossible length, or when it does not fit.
 */
bool encode_b64url_decode(const char *text, unsigned char *out, size_t size, size_t *len);

/* Room encode_b64_decode() needs for n characters of base64 text. */
#define ENCODE_B64_DECODED_SIZE(n) (((n) + 3) / 4 * 3)

/*
 * Decode standard, padded base64 (RFC 4648 section 4: A-Z a-z 0-9 + /,
 * length a multiple of 4) of text[n] into out (size bytes, at least
 * ENCODE_B64_DECODED_SIZE(n)); *len = the bytes written.  False for a
 * character outside the alphabet, a misplaced '=', a length that is not a
 * multiple of 4, or too small an out.  Writes straight into out (no copy
 * of the decoded bytes elsewhere), so a caller wiping out wipes them all.
 */
bool encode_b64_decode(const char *text, size_t n, unsigned char *out, size_t size, size_t *len);

#endif
