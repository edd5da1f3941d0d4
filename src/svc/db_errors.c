/*
 * db_errors.c - a failed operation's error, classified (see db_errors.h).
 *
 * "Down" is every error after which the same operation could succeed on
 * a server that answers again, the caller's 503 db_unavailable: what the
 * driver itself treats as a network error (the stream domain: a refused
 * connection, a socket timeout, a reset; a reply cut short), a server it
 * could not select or handshake with (the client domain's STREAM_CONNECT
 * is the topology scanner's "connection timeout calling hello": the 500
 * that a 45 s stall once gave), and the server codes that the
 * retryable-writes and retryable-reads specifications name: the "not
 * primary" and "node is recovering" answers of a replica set in an
 * election, a shutdown, and the network errors a mongos relays.  Those
 * codes count only in the server and write-concern domains: the client
 * domains number their own errors from 1 (HostUnreachable is 6, and so is
 * the client's STREAM_NOT_ESTABLISHED).  A server older than 4.2 may say
 * "not master" or "node is recovering" without a code; the driver files
 * that as QUERY_FAILURE, and so does this.  A failed authentication counts
 * as down too: the operation can do nothing until an operator acts, and
 * health must say so.
 */
#include "svc/db_errors.h"

#include <mongoc/mongoc.h>
#include <stdbool.h>
#include <string.h>

/* Server error codes (src/mongo/base/error_codes.yml of the server). */
enum {
    SERVER_HOST_UNREACHABLE = 6,
    SERVER_HOST_NOT_FOUND = 7,
    SERVER_NETWORK_TIMEOUT = 89,
    SERVER_SHUTDOWN_IN_PROGRESS = 91,
    SERVER_READ_CONCERN_MAJORITY_NOT_AVAILABLE_YET = 134,
    SERVER_PRIMARY_STEPPED_DOWN = 189,
    SERVER_EXCEEDED_TIME_LIMIT = 262,
    SERVER_SOCKET_EXCEPTION = 9001,
    SERVER_LEGACY_NOT_PRIMARY = 10058,
    SERVER_NOT_WRITABLE_PRIMARY = 10107,
    SERVER_DUPLICATE_KEY = 11000,
    SERVER_INTERRUPTED_AT_SHUTDOWN = 11600,
    SERVER_INTERRUPTED_DUE_TO_REPL_STATE_CHANGE = 11602,
    SERVER_NOT_PRIMARY_NO_SECONDARY_OK = 13435,
    SERVER_NOT_PRIMARY_OR_SECONDARY = 13436,
};

static bool is_server_unavailable(uint32_t code, const char *message)
{
    switch (code) {
    case SERVER_HOST_UNREACHABLE:
    case SERVER_HOST_NOT_FOUND:
    case SERVER_NETWORK_TIMEOUT:
    case SERVER_SHUTDOWN_IN_PROGRESS:
    case SERVER_READ_CONCERN_MAJORITY_NOT_AVAILABLE_YET:
    case SERVER_PRIMARY_STEPPED_DOWN:
    case SERVER_EXCEEDED_TIME_LIMIT:
    case SERVER_SOCKET_EXCEPTION:
    case SERVER_LEGACY_NOT_PRIMARY:
    case SERVER_NOT_WRITABLE_PRIMARY:
    case SERVER_INTERRUPTED_AT_SHUTDOWN:
    case SERVER_INTERRUPTED_DUE_TO_REPL_STATE_CHANGE:
    case SERVER_NOT_PRIMARY_NO_SECONDARY_OK:
    case SERVER_NOT_PRIMARY_OR_SECONDARY:
        return true;
    case MONGOC_ERROR_QUERY_FAILURE:
        return message != NULL &&
               (strstr(message, "not master") != NULL ||
                strstr(message, "node is recovering") != NULL);
    default:
        return false;
    }
}

static bool is_client_unavailable(uint32_t code)
{
    switch (code) {
    case MONGOC_ERROR_STREAM_NAME_RESOLUTION:
    case MONGOC_ERROR_STREAM_SOCKET:
    case MONGOC_ERROR_STREAM_CONNECT:
    case MONGOC_ERROR_STREAM_NOT_ESTABLISHED:
    case MONGOC_ERROR_CLIENT_AUTHENTICATE:
        return true;
    default:
        return false;
    }
}

enum db_errors_kind db_errors_classify(uint32_t domain, uint32_t code, const char *message)
{
    switch (domain) {
    case MONGOC_ERROR_STREAM:
    case MONGOC_ERROR_SERVER_SELECTION:
        return DB_ERRORS_DOWN;
    case MONGOC_ERROR_PROTOCOL:
        return code == MONGOC_ERROR_PROTOCOL_INVALID_REPLY ? DB_ERRORS_DOWN : DB_ERRORS_OTHER;
    case MONGOC_ERROR_CLIENT:
        return is_client_unavailable(code) ? DB_ERRORS_DOWN : DB_ERRORS_OTHER;
    case MONGOC_ERROR_SERVER:
    case MONGOC_ERROR_WRITE_CONCERN:
        if (code == SERVER_DUPLICATE_KEY)
            return DB_ERRORS_DUPLICATE;
        return is_server_unavailable(code, message) ? DB_ERRORS_DOWN : DB_ERRORS_OTHER;
    default:
        return DB_ERRORS_OTHER;
    }
}
