/* proto.c - reading and writing LSP's JSON shapes. */
#include "proto.h"

#include <math.h>

const char *json_str(const cJSON *o, const char *key)
{
    return cJSON_IsObject(o) ? cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, key)) : NULL;
}

/* A whole number in [0, 2^31) at key of o. */
static bool json_uint(const cJSON *o, const char *key, unsigned *out)
{
    const cJSON *v = cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;
    if (!cJSON_IsNumber(v))
        return false;
    double d = v->valuedouble;
    if (!(d >= 0 && d < 2147483648.0) || floor(d) != d)
        return false;
    *out = (unsigned)d;
    return true;
}

bool json_pos(const cJSON *o, lsp_pos *p)
{
    return json_uint(o, "line", &p->line) && json_uint(o, "character", &p->character);
}

const char *json_doc_uri(const cJSON *params)
{
    return json_str(cJSON_IsObject(params) ? cJSON_GetObjectItemCaseSensitive(params, "textDocument") : NULL, "uri");
}

cJSON *json_position(lsp_pos p)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "line", p.line);
    cJSON_AddNumberToObject(o, "character", p.character);
    return o;
}

cJSON *json_range(const source *s, unsigned begin, unsigned end)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "start", json_position(lsp_pos_of(s, begin)));
    cJSON_AddItemToObject(o, "end", json_position(lsp_pos_of(s, end)));
    return o;
}

cJSON *json_location(const char *uri, rb_loc loc)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "uri", uri);
    cJSON_AddItemToObject(o, "range", json_range(loc.src, loc.begin, loc.end));
    return o;
}
