/* Unit tests: svc/db_errors.h over mongo-c-driver's error domains and
 * codes -- which failures are a database that is away (503), which a
 * duplicate, which an error of the operation itself (500).  The driver's
 * own constants where it has them, the server's codes as numbers. */
#include <mongoc/mongoc.h>

#include "check.h"
#include "svc/db_errors.h"

#define DOWN DB_ERRORS_DOWN
#define DUP DB_ERRORS_DUPLICATE
#define OTHER DB_ERRORS_OTHER

static const struct {
    uint32_t domain, code;
    const char *message;
    enum db_errors_kind kind;
    const char *what;
} cases[] = {
    /* the driver's network errors */
    {MONGOC_ERROR_STREAM, MONGOC_ERROR_STREAM_SOCKET, "socket error or timeout", DOWN,
     "a socket timeout: the stalled server of an operation in flight"},
    {MONGOC_ERROR_STREAM, MONGOC_ERROR_STREAM_CONNECT, "connection refused", DOWN, "refused"},
    {MONGOC_ERROR_STREAM, MONGOC_ERROR_STREAM_NAME_RESOLUTION, NULL, DOWN, "no such host"},
    {MONGOC_ERROR_STREAM, MONGOC_ERROR_STREAM_NOT_ESTABLISHED, NULL, DOWN, "no stream"},
    {MONGOC_ERROR_STREAM, MONGOC_ERROR_STREAM_INVALID_STATE, NULL, DOWN, "a broken stream"},
    {MONGOC_ERROR_PROTOCOL, MONGOC_ERROR_PROTOCOL_INVALID_REPLY, NULL, DOWN,
     "a reply cut short"},
    {MONGOC_ERROR_PROTOCOL, MONGOC_ERROR_PROTOCOL_BAD_WIRE_VERSION, NULL, OTHER,
     "a server too old: configuration, not an outage"},
    {MONGOC_ERROR_SERVER_SELECTION, MONGOC_ERROR_SERVER_SELECTION_FAILURE,
     "No suitable servers found", DOWN, "no server selected"},
    {MONGOC_ERROR_SERVER_SELECTION, MONGOC_ERROR_SERVER_SELECTION_BAD_WIRE_VERSION, NULL, DOWN,
     "a selected server that will not do"},
    {MONGOC_ERROR_CLIENT, MONGOC_ERROR_STREAM_CONNECT,
     "connection timeout calling hello on '127.0.0.1:27017'", DOWN,
     "domain 1, code 5: the handshake of a stalled server (the issue's 500)"},
    {MONGOC_ERROR_CLIENT, MONGOC_ERROR_STREAM_SOCKET, NULL, DOWN, "a client-domain socket error"},
    {MONGOC_ERROR_CLIENT, MONGOC_ERROR_CLIENT_AUTHENTICATE, "Authentication failed", DOWN,
     "credentials refused: nothing works until an operator acts"},
    {MONGOC_ERROR_CLIENT, MONGOC_ERROR_CLIENT_TOO_BIG, NULL, OTHER, "a document too big"},
    {MONGOC_ERROR_CLIENT, MONGOC_ERROR_CLIENT_NOT_READY, NULL, OTHER,
     "client code 7, not the server's HostNotFound"},
    {MONGOC_ERROR_CLIENT, MONGOC_ERROR_CLIENT_IN_EXHAUST, NULL, OTHER, "a misuse"},
    {MONGOC_ERROR_CLIENT, MONGOC_ERROR_CLIENT_SESSION_FAILURE, NULL, OTHER, "sessions"},
    /* the server's codes that the retryable-writes specification names */
    {MONGOC_ERROR_SERVER, 10107, "not primary", DOWN, "NotWritablePrimary"},
    {MONGOC_ERROR_SERVER, 13435, NULL, DOWN, "NotPrimaryNoSecondaryOk"},
    {MONGOC_ERROR_SERVER, 13436, NULL, DOWN, "NotPrimaryOrSecondary"},
    {MONGOC_ERROR_SERVER, 11602, NULL, DOWN, "InterruptedDueToReplStateChange"},
    {MONGOC_ERROR_SERVER, 11600, NULL, DOWN, "InterruptedAtShutdown"},
    {MONGOC_ERROR_SERVER, 189, NULL, DOWN, "PrimarySteppedDown"},
    {MONGOC_ERROR_SERVER, 91, NULL, DOWN, "ShutdownInProgress"},
    {MONGOC_ERROR_SERVER, 7, NULL, DOWN, "HostNotFound"},
    {MONGOC_ERROR_SERVER, 6, NULL, DOWN, "HostUnreachable"},
    {MONGOC_ERROR_SERVER, 89, NULL, DOWN, "NetworkTimeout"},
    {MONGOC_ERROR_SERVER, 9001, NULL, DOWN, "SocketException"},
    {MONGOC_ERROR_SERVER, 262, NULL, DOWN, "ExceededTimeLimit"},
    /* and the retryable-reads and SDAM specifications add */
    {MONGOC_ERROR_SERVER, 10058, NULL, DOWN, "LegacyNotPrimary"},
    {MONGOC_ERROR_SERVER, 134, NULL, DOWN, "ReadConcernMajorityNotAvailableYet"},
    {MONGOC_ERROR_SERVER, MONGOC_ERROR_QUERY_FAILURE, "not master and slaveOk=false", DOWN,
     "a pre-4.2 server's not-primary without a code"},
    {MONGOC_ERROR_SERVER, MONGOC_ERROR_QUERY_FAILURE, "node is recovering", DOWN,
     "a pre-4.2 server's recovering without a code"},
    {MONGOC_ERROR_SERVER, MONGOC_ERROR_QUERY_FAILURE, "unknown operator: $foo", OTHER,
     "a query the server refused"},
    {MONGOC_ERROR_SERVER, MONGOC_ERROR_QUERY_FAILURE, NULL, OTHER, "no message"},
    {MONGOC_ERROR_WRITE_CONCERN, 91, NULL, DOWN, "a write concern error of a shutdown"},
    {MONGOC_ERROR_WRITE_CONCERN, 64, "waiting for replication timed out", OTHER,
     "WriteConcernFailed: applied, not replicated in time"},
    /* the server answered: the operation's own failure */
    {MONGOC_ERROR_SERVER, 11000, "E11000 duplicate key error", DUP, "DuplicateKey"},
    {MONGOC_ERROR_SERVER, 2, NULL, OTHER, "BadValue"},
    {MONGOC_ERROR_SERVER, 26, NULL, OTHER, "NamespaceNotFound"},
    {MONGOC_ERROR_SERVER, 50, NULL, OTHER, "MaxTimeMSExpired: a deadline of our own asking"},
    {MONGOC_ERROR_SERVER, 85, NULL, OTHER, "IndexOptionsConflict"},
    {MONGOC_ERROR_SERVER, 0, NULL, OTHER, "no code"},
    /* the driver refused before sending */
    {MONGOC_ERROR_BSON, MONGOC_ERROR_BSON_INVALID, NULL, OTHER, "invalid BSON"},
    {MONGOC_ERROR_COMMAND, MONGOC_ERROR_COMMAND_INVALID_ARG, NULL, OTHER, "a bad argument"},
    {MONGOC_ERROR_CURSOR, MONGOC_ERROR_CURSOR_INVALID_CURSOR, NULL, OTHER, "a cursor misused"},
    {MONGOC_ERROR_COLLECTION, MONGOC_ERROR_COLLECTION_DOES_NOT_EXIST, NULL, OTHER,
     "a legacy domain"},
    /* server codes in a domain that is not the server's are not the server's */
    {MONGOC_ERROR_QUERY, 10107, NULL, OTHER, "the legacy error API's domain (never used)"},
    {MONGOC_ERROR_INSERT, 11000, NULL, OTHER, "the legacy error API's domain (never used)"},
    {0, 0, NULL, OTHER, "no error at all"},
};

TEST(db_errors_table)
{
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        enum db_errors_kind got =
            db_errors_classify(cases[i].domain, cases[i].code, cases[i].message);

        if (got != cases[i].kind) {
            fprintf(stderr, "    domain %u, code %u (%s): %d, expected %d\n", cases[i].domain,
                    cases[i].code, cases[i].what, (int)got, (int)cases[i].kind);
            CHECK(got == cases[i].kind);
        }
    }
}

/* The numbers the driver's headers give the constants above, as the
 * issue's log lines quote them: a change in the driver must show here. */
TEST(db_errors_driver_numbers)
{
    CHECK_INT(MONGOC_ERROR_CLIENT, 1);
    CHECK_INT(MONGOC_ERROR_STREAM, 2);
    CHECK_INT(MONGOC_ERROR_STREAM_SOCKET, 4);
    CHECK_INT(MONGOC_ERROR_STREAM_CONNECT, 5);
    CHECK_INT(MONGOC_ERROR_SERVER_SELECTION, 15);
    CHECK_INT(MONGOC_ERROR_SERVER, 17);
}

const struct unit_test db_errors_tests[] = {
    {"db_errors_table", db_errors_table},
    {"db_errors_driver_numbers", db_errors_driver_numbers},
    {NULL, NULL},
};
