/* rpc.h - JSON-RPC 2.0 messages framed as the Language Server Protocol
 * frames them on a byte stream: header lines ("Content-Length: N", others
 * ignored), an empty line, then N bytes of JSON. */
#ifndef RUBRIC_LSP_RPC_H
#define RUBRIC_LSP_RPC_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdio.h>

/* The largest message read: a policy of a few megabytes, escaped, fits
 * many times over; a length past it is a broken client, not a document. */
enum { RPC_MAX_BODY = 256 * 1024 * 1024, RPC_MAX_HEADER_LINE = 8192 };

typedef enum rpc_status {
    RPC_OK,          /* *body holds the message (the caller frees it) */
    RPC_EOF,         /* the input ended, between messages or inside one */
    RPC_BAD_HEADER,  /* a header with no usable length */
    RPC_TOO_BIG,     /* a length past RPC_MAX_BODY */
} rpc_status;

/* Reads the next message's body from in, NUL-terminated.  After
 * RPC_BAD_HEADER or RPC_TOO_BIG the next call finds the next header, even
 * one glued to the end of the body it could not frame. */
rpc_status rpc_read(FILE *in, char **body, size_t *len);
/* Writes msg to out with its header, and flushes.  False when out fails. */
_Bool rpc_write(FILE *out, const cJSON *msg);

#endif
