/*
 * media.h - the parameters of a media type (Content-Type), RFC 9110 8.3.1:
 *   type/subtype *( OWS ";" OWS name "=" ( token / quoted-string ) )
 */
#ifndef JOBTUNE_HTTP_MEDIA_H
#define JOBTUNE_HTTP_MEDIA_H

#include <stdbool.h>
#include <stddef.h>

enum media_param {
    MEDIA_PARAM_ABSENT,    /* the media type is well formed and has no such parameter */
    MEDIA_PARAM_FOUND,     /* *value / *len: the value, without its quotes */
    MEDIA_PARAM_MALFORMED, /* the parameter list does not parse */
};

/*
 * Find parameter `name` (any case) of media type `ct`.  A parameter is
 * matched by its whole name, never inside another ("xcharset=" is not
 * "charset="); a quoted value may not hold a backslash escape (none of
 * the parameters we read needs one) and must be closed.  The value
 * points into `ct`.
 */
enum media_param media_param(const char *ct, const char *name, const char **value, size_t *len);

#endif
