/*
 * The portal's route table, as data: method, path pattern, handler, flags
 * and the roles admitted. app.c checks the roles once, before any handler
 * runs; the navigation (page.c) and the tests read the same table.
 */
#ifndef PORTAL_ROUTES_H
#define PORTAL_ROUTES_H

#include <stddef.h>
#include <stdint.h>

#include "domain.h"
#include "route.h"

#define ROLE_BIT(x) ((uint32_t)1 << (x))
/* Every role. */
#define ROLES_ALL ((uint32_t)(ROLE_BIT(ROLE__MAX) - 1))
/* The department's own people: everyone but outside agencies. */
#define ROLES_STAFF (ROLES_ALL & ~ROLE_BIT(ROLE_AGENCY))
/* Who reviews the whole history (CONTRACT.md). */
#define ROLES_REVIEWERS (ROLE_BIT(ROLE_ADMIN) | ROLE_BIT(ROLE_CHIEF) | \
    ROLE_BIT(ROLE_SUPERVISOR) | ROLE_BIT(ROLE_DISPATCH_SUPERVISOR) | \
    ROLE_BIT(ROLE_BUREAU_CHIEF) | ROLE_BIT(ROLE_WATCH_COMMANDER))
/* The communications center and those who watch deployed officers. */
#define ROLES_DEPLOYMENTS (ROLE_BIT(ROLE_DISPATCHER) | ROLE_BIT(ROLE_DISPATCH_SUPERVISOR) | \
    ROLE_BIT(ROLE_SUPERVISOR) | ROLE_BIT(ROLE_WATCH_COMMANDER) | ROLE_BIT(ROLE_CHIEF) | \
    ROLE_BIT(ROLE_ADMIN))

extern const struct route portal_routes[];
extern const size_t portal_nroutes;

/* Whether `role` may use the route (public routes admit everyone). */
int route_admits(const struct route *, enum role);
/* The GET route of a literal path (for the navigation), or NULL. */
const struct route *route_for_get(const char *path);

#endif
