/* pq_api.h - the libpq functions a run over PostgreSQL calls, written
 * once.  The program does not link libpq: its 20-odd libraries (TLS,
 * Kerberos, LDAP...) would be loaded and relocated at every start, for
 * the one verb that connects.  db_postgres.c loads it (dlopen) into a
 * table of these, typed from libpq-fe.h, so the compiler still checks
 * each call; `make deb` links tools/pq_needs.c with them, so that the
 * package's Depends names libpq5 at the version they need. */
#ifndef RUBRIC_PQ_API_H
#define RUBRIC_PQ_API_H

#include <libpq-fe.h>

/* The library's name as the dynamic loader finds it: its ABI's soname. */
#define PQ_LIBRARY "libpq.so.5"

/* X(name) for each function PQname. */
#define PQ_FUNCTIONS(X)                                                                      \
    X(connectdb) X(status) X(errorMessage) X(sendQuery) X(setSingleRowMode) X(getResult)     \
    X(resultStatus) X(resultErrorField) X(resultErrorMessage) X(nfields) X(getisnull)        \
    X(getvalue) X(getlength) X(clear) X(getCancel) X(cancel) X(freeCancel) X(finish)

#endif
