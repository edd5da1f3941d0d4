/*
 * region.h - which privacy regime applies where, and what it promises.
 *
 * Pure: tables and functions of their arguments, no I/O.  The regime table,
 * the rights of each regime and the list of ISO 3166-1 codes are data in
 * region.c, the one place to change when the law or the policy does.
 *
 * Codes are upper case: "DE" (ISO 3166-1 alpha-2), "US-CA" (ISO 3166-2:
 * the country, a dash, one to three letters or digits).  A country the
 * table does not know is treated with the strictest regime, GDPR.
 */
#ifndef JT_REGION_H
#define JT_REGION_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

enum region_regime {
    REGION_GDPR,     /* EU, EEA, United Kingdom, Switzerland; and the unknown */
    REGION_CCPA,     /* California */
    REGION_BASELINE, /* everywhere else: what the policy promises everyone */
};

/* Days within which a privacy request is answered, under every regime. */
#define REGION_RESPONSE_DAYS 30

/* Room for an ISO 3166-2 code and its NUL ("GB-ENG"). */
#define REGION_SUBDIVISION_SIZE 7

/* An assigned ISO 3166-1 alpha-2 code. */
bool region_is_country(const char *code);

/* An ISO 3166-2 code in shape ("US-CA") whose country is assigned; when
 * country is not NULL, also one of that country's subdivisions. */
bool region_is_subdivision(const char *code, const char *country);

/*
 * "US" + "CA" -> "US-CA" in out.  false (out = "") unless the result is a
 * valid subdivision code.
 */
bool region_subdivision_join(const char *country, const char *part,
                             char out[REGION_SUBDIVISION_SIZE]);

/*
 * The regime of a place: an IP lookup's result or a declared residence.
 * country may be NULL (unknown -> GDPR); subdivision is an ISO 3166-2 code
 * of that country or NULL (not known, which for the US means CCPA: the
 * stricter guess).
 */
enum region_regime region_regime_of(const char *country, const char *subdivision);

/* "gdpr", "ccpa", "baseline". */
const char *region_regime_name(enum region_regime r);

/*
 * The answer of GET /api/privacy/region, a new reference (NULL only when
 * out of memory):
 *   {"country","subdivision","regime","source","analytics","responseDays","rights"}
 * source says where the place came from ("ip", "profile").  An absent or
 * unassigned country (or a NULL source) makes the answer country null,
 * subdivision null, regime "gdpr", source "default"; a subdivision that is
 * not the country's is dropped (null).
 */
json_t *region_describe(const char *country, const char *subdivision, const char *source);

#endif
