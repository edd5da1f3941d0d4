/*
 * main.c - jobtuned: configuration, the socket, then the master loop.
 *
 *   jobtuned            serve (master + pre-forked workers)
 *   jobtuned migrate    apply the schema in JOBTUNE_SCHEMA_DIR and exit
 *   jobtuned backup DIR   copy the embedded FerretDB's files into DIR, live
 *   jobtuned restore DIR  put a backup back (FerretDB stopped)
 *   jobtuned --version
 */
#include <stdio.h>
#include <string.h>

#include "base/config.h"
#include "base/log.h"
#include "base/mem.h"
#include "proc/backup.h"
#include "proc/master.h"
#include "proc/migrate.h"
#include "proc/status.h"
#include "svc/geo.h"

/*
 * A GEOIP_DB that cannot be opened is reported here, once, instead of by
 * every worker, and the server runs without it (the region route answers
 * the default).  Nothing stays open: workers map the file after fork.
 */
static void check_geoip_db(void)
{
    char err[256];
    struct geo *g = geo_open(config.geoip_db, err, sizeof(err));

    if (g == NULL && err[0] != '\0') {
        log_warn("%s; running without it: privacy regions fall back to the default", err);
        config.geoip_db = NULL;
    }
    geo_close(g);
}

int main(int argc, char **argv)
{
    char err[256];

    mem_install(); /* before anything creates a json_t */
    if (argc > 1 && strcmp(argv[1], "--version") == 0) {
        puts("jobtuned " PACKAGE_VERSION);
        return 0;
    }
    if (argc == 1)
        status_title_init(argc, argv); /* before config_load keeps getenv() pointers */
    if (config_load(err, sizeof(err)) != 0)
        fatal("configuration: %s", err);
    if (argc > 1 && strcmp(argv[1], "migrate") == 0)
        return migrate_run(config.schema_dir);
    if (argc == 3 && strcmp(argv[1], "backup") == 0)
        return backup_run(argv[2]);
    if (argc == 3 && strcmp(argv[1], "restore") == 0)
        return restore_run(argv[2]);
    if (argc > 1) {
        fprintf(stderr, "usage: jobtuned [migrate | backup DIR | restore DIR | --version]\n");
        return 2;
    }
    check_geoip_db();
    return master_run(master_listen(config.listen));
}
