/*
 * media.c - the parameters of a media type (see media.h).
 */
#include "http/media.h"

#include <string.h>
#include <strings.h>

/* RFC 9110 tchar */
static bool is_tchar(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

static const char *skip_ows(const char *p)
{
    return p + strspn(p, " \t");
}

enum media_param media_param(const char *ct, const char *name, const char **value, size_t *len)
{
    size_t want = strlen(name);
    const char *p;

    if (ct == NULL)
        return MEDIA_PARAM_ABSENT;
    p = strchr(ct, ';');
    while (p != NULL) {
        const char *pname, *v;
        size_t nlen, vlen = 0;

        p = skip_ows(p + 1);
        if (*p == '\0')
            break; /* a trailing ";" is tolerated, as browsers send none */
        pname = p;
        while (is_tchar(*p))
            p++;
        nlen = (size_t)(p - pname);
        if (nlen == 0 || *p != '=')
            return MEDIA_PARAM_MALFORMED;
        v = ++p;
        if (*p == '"') {
            v = ++p;
            while (*p != '\0' && *p != '"' && *p != '\\')
                p++;
            if (*p != '"')
                return MEDIA_PARAM_MALFORMED;
            vlen = (size_t)(p - v);
            p++;
        } else {
            while (is_tchar(*p))
                p++;
            vlen = (size_t)(p - v);
            if (vlen == 0)
                return MEDIA_PARAM_MALFORMED;
        }
        p = skip_ows(p);
        if (*p != '\0' && *p != ';')
            return MEDIA_PARAM_MALFORMED;
        if (nlen == want && strncasecmp(pname, name, want) == 0) {
            *value = v;
            *len = vlen;
            return MEDIA_PARAM_FOUND;
        }
        if (*p == '\0')
            break;
    }
    return MEDIA_PARAM_ABSENT;
}
