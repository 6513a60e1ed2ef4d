/* status.h - what every verb tells the shell, fixed by SPEC: its exit
 * codes, and the version it prints. */
#ifndef RUBRIC_STATUS_H
#define RUBRIC_STATUS_H

enum { EXIT_OK = 0, EXIT_REJECTED = 1, EXIT_USAGE = 2 };

#define RUBRIC_VERSION "0.1.0"

#endif
