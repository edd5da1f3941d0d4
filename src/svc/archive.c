/*
 * archive.c - ZIP archives through libzip (see archive.h).
 */
#include "svc/archive.h"

#include <stdlib.h>
#include <zip.h>

#include "base/log.h"
#include "base/mem.h"

struct archive {
    zip_t *zip;
};

struct archive *archive_new(const char *path)
{
    struct archive *ar;
    int err = 0;
    zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &err);

    if (z == NULL) {
        zip_error_t ze;

        zip_error_init_with_code(&ze, err);
        log_error("zip: cannot create an archive: %s", zip_error_strerror(&ze));
        zip_error_fini(&ze);
        return NULL;
    }
    ar = mem_alloc(sizeof(*ar));
    ar->zip = z;
    return ar;
}

int archive_add_file(struct archive *ar, const char *name, const char *path, bool compress)
{
    zip_source_t *src = zip_source_file(ar->zip, path, 0, 0);
    zip_int64_t idx;

    if (src == NULL) {
        log_error("zip: cannot read a member: %s", zip_strerror(ar->zip));
        return -1;
    }
    idx = zip_file_add(ar->zip, name, src, ZIP_FL_ENC_UTF_8 | ZIP_FL_OVERWRITE);
    if (idx < 0) {
        zip_source_free(src);
        log_error("zip: cannot add a member: %s", zip_strerror(ar->zip));
        return -1;
    }
    if (zip_set_file_compression(ar->zip, (zip_uint64_t)idx,
                                 compress ? ZIP_CM_DEFLATE : ZIP_CM_STORE, 0) != 0) {
        log_error("zip: cannot set compression: %s", zip_strerror(ar->zip));
        return -1;
    }
    return 0;
}

int archive_close(struct archive *ar)
{
    int rc = 0;

    if (zip_close(ar->zip) != 0) {
        log_error("zip: cannot write the archive: %s", zip_strerror(ar->zip));
        zip_discard(ar->zip);
        rc = -1;
    }
    free(ar);
    return rc;
}

void archive_discard(struct archive *ar)
{
    if (ar == NULL)
        return;
    zip_discard(ar->zip);
    free(ar);
}
