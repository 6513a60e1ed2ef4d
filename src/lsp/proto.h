/* proto.h - the pieces of LSP's JSON every feature reads or writes:
 * fields of a request's params, positions, ranges and locations. */
#ifndef RUBRIC_LSP_PROTO_H
#define RUBRIC_LSP_PROTO_H

#include <cjson/cJSON.h>
#include <stdbool.h>

#include "source.h"
#include "text.h"

/* The string at key of o, or NULL when o is no object or it is missing or
 * not a string. */
const char *json_str(const cJSON *o, const char *key);
/* A position {line, character}: false unless both are whole numbers >= 0. */
bool json_pos(const cJSON *o, lsp_pos *p);
/* params.textDocument.uri and params.position of a request on a place. */
const char *json_doc_uri(const cJSON *params);

cJSON *json_position(lsp_pos p);
/* The range of bytes [begin, end) of s. */
cJSON *json_range(const source *s, unsigned begin, unsigned end);
/* {uri, range} of loc, in the file named uri. */
cJSON *json_location(const char *uri, rb_loc loc);

#endif
