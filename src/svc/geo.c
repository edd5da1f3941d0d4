/*
 * geo.c - libmaxminddb behind the small interface of geo.h.
 *
 * The file is mapped once per worker (MMDB_MODE_MMAP): lookups are reads
 * of shared, read-only pages and allocate nothing.  Strings in a MaxMind DB
 * are not NUL-terminated, so every value is copied by its data_size, and
 * only when it has the shape of an ISO code.  A path that leads nowhere in
 * a record (a Country database has no "subdivisions"; some networks have
 * no "country") is MMDB_LOOKUP_PATH_DOES_NOT_MATCH_DATA_ERROR: that means
 * "absent", not failure.
 */
#include "svc/geo.h"

#include <errno.h>
#include <maxminddb.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/mem.h"

struct geo {
    MMDB_s mmdb;
    bool error_logged; /* a corrupt file is reported once per process */
};

struct geo *geo_open(const char *path, char *err, size_t errlen)
{
    struct geo *g;
    int status, saved_errno;

    if (errlen > 0)
        err[0] = '\0';
    if (path == NULL || *path == '\0')
        return NULL;
    g = mem_calloc(1, sizeof(*g));
    errno = 0;
    status = MMDB_open(path, MMDB_MODE_MMAP, &g->mmdb);
    saved_errno = errno;
    if (status != MMDB_SUCCESS) {
        if ((status == MMDB_FILE_OPEN_ERROR || status == MMDB_IO_ERROR) && saved_errno != 0)
            snprintf(err, errlen, "cannot open the GeoIP database %s: %s (%s)", path,
                     MMDB_strerror(status), strerror(saved_errno));
        else
            snprintf(err, errlen, "cannot open the GeoIP database %s: %s", path,
                     MMDB_strerror(status));
        free(g);
        return NULL;
    }
    return g;
}

void geo_close(struct geo *g)
{
    if (g == NULL)
        return;
    MMDB_close(&g->mmdb);
    free(g);
}

static int geo_failed(struct geo *g, const char *what, int mmdb_status)
{
    if (!g->error_logged) {
        log_error("GeoIP %s failed: %s", what, MMDB_strerror(mmdb_status));
        g->error_logged = true;
    }
    return GEO_ERROR;
}

static bool geo_is_upper_alpha(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < 'A' || s[i] > 'Z')
            return false;
    return true;
}

static bool geo_is_code_part(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9')))
            return false;
    return true;
}

/*
 * The utf8_string at path under entry, copied into out[size] when it is
 * 1..size-1 bytes long.  Returns 1 when copied, 0 when absent (or not a
 * short string), GEO_ERROR when the data cannot be read.
 */
static int geo_string(struct geo *g, MMDB_entry_s *entry, const char *const *path,
                      char *out, size_t size)
{
    MMDB_entry_data_s d;
    int status = MMDB_aget_value(entry, &d, path);

    out[0] = '\0';
    if (status == MMDB_LOOKUP_PATH_DOES_NOT_MATCH_DATA_ERROR)
        return 0;
    if (status != MMDB_SUCCESS)
        return geo_failed(g, "read", status);
    if (!d.has_data || d.type != MMDB_DATA_TYPE_UTF8_STRING || d.data_size == 0 ||
        d.data_size >= size)
        return 0;
    memcpy(out, d.utf8_string, d.data_size);
    out[d.data_size] = '\0';
    return 1;
}

int geo_lookup(struct geo *g, const char *ip, char country[3], char subdivision[4])
{
    static const char *const country_path[] = {"country", "iso_code", NULL};
    static const char *const subdivision_path[] = {"subdivisions", "0", "iso_code", NULL};
    MMDB_lookup_result_s res;
    int gai_error, mmdb_error, rc;

    country[0] = subdivision[0] = '\0';
    if (g == NULL)
        return GEO_NO_DB;
    if (ip == NULL || *ip == '\0')
        return GEO_BAD_ADDRESS;
    /* getaddrinfo with AI_NUMERICHOST inside: never a DNS query. */
    res = MMDB_lookup_string(&g->mmdb, ip, &gai_error, &mmdb_error);
    if (gai_error != 0)
        return GEO_BAD_ADDRESS;
    if (mmdb_error == MMDB_IPV6_LOOKUP_IN_IPV4_DATABASE_ERROR)
        return GEO_NOT_FOUND;
    if (mmdb_error != MMDB_SUCCESS)
        return geo_failed(g, "lookup", mmdb_error);
    if (!res.found_entry)
        return GEO_NOT_FOUND;

    rc = geo_string(g, &res.entry, country_path, country, 3);
    if (rc < 0)
        return rc;
    if (rc == 0 || strlen(country) != 2 || !geo_is_upper_alpha(country, 2)) {
        country[0] = '\0';
        return GEO_NOT_FOUND;
    }
    rc = geo_string(g, &res.entry, subdivision_path, subdivision, 4);
    if (rc < 0) {
        country[0] = '\0';
        return rc;
    }
    if (rc == 0 || !geo_is_code_part(subdivision, strlen(subdivision)))
        subdivision[0] = '\0';
    return GEO_OK;
}
