/*
 * The hash gate: at most N password hashes run at once across ALL worker
 * processes of the portal (each Argon2id hash takes 64 MiB and a core for
 * about 0.1 s). The master creates the gate before forking (record locks
 * on an anonymous file, see hashgate.c); a worker that finds it full waits
 * a moment and otherwise answers 429 with Retry-After, so that a flood of
 * sign-ins can neither exhaust memory nor hold every worker while
 * signed-in people wait for pages.
 *
 * Without hashgate_init() (portalctl, unit tests) the gate is always open.
 */
#ifndef PORTAL_HASHGATE_H
#define PORTAL_HASHGATE_H

#include <stdbool.h>

/* Creates the gate with `slots` places; in the master, before fork(). */
bool hashgate_init(int slots);
/* Takes a place, waiting at most wait_ms; false when none came free. */
bool hashgate_enter(int wait_ms);
/* Gives the place back (only after a successful hashgate_enter). */
void hashgate_leave(void);

#endif
