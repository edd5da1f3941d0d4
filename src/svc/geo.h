/*
 * geo.h - where an IP address is, according to a MaxMind DB file.
 *
 * geo.c is the only file that includes maxminddb.h.  It reads GeoIP2 and
 * GeoLite2 City and Country databases (the country's ISO 3166-1 code; the
 * largest subdivision's code when the database has one, which a Country
 * database never does).  Addresses the database does not cover are
 * GEO_NOT_FOUND; that includes private, loopback and other reserved
 * ranges, which MaxMind's databases and writer leave out.
 *
 * One `struct geo` per process, opened after fork (the mapping of the file
 * is the per-process state) and closed at exit.  A NULL struct geo is a
 * valid value: "no database configured".
 *
 * Privacy: nothing here logs an address or a lookup result.
 */
#ifndef JT_GEO_H
#define JT_GEO_H

#include <stddef.h>

struct geo;

enum geo_status {
    GEO_OK = 0,
    GEO_NOT_FOUND = -1,   /* the database has no country for the address */
    GEO_NO_DB = -2,       /* no database is open */
    GEO_BAD_ADDRESS = -3, /* not a numeric IPv4 or IPv6 address */
    GEO_ERROR = -4,       /* the database file is corrupt; logged here */
};

/*
 * Open the database at path.  NULL or "" is not an error: NULL is returned
 * with err set to "" (no database).  Otherwise NULL with a sentence in err
 * when the file cannot be opened or is not a MaxMind DB.
 */
struct geo *geo_open(const char *path, char *err, size_t errlen);
void geo_close(struct geo *g);

/*
 * Look ip (numeric, as in REMOTE_ADDR) up.  GEO_OK fills country with the
 * upper-case ISO 3166-1 alpha-2 code and subdivision with the part after
 * the dash of its ISO 3166-2 code ("CA" for US-CA, "ENG" for GB-ENG), or ""
 * when the database has none.  On any other status both are "".
 */
int geo_lookup(struct geo *g, const char *ip, char country[3], char subdivision[4]);

#endif
