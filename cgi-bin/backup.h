/*
 * portalctl backup FILE / restore [--replace] FILE (backup.c says how a
 * backup is verified). `dsn` is the owner's connection string, given to
 * pg_dump and pg_restore. Exit codes as portalctl's: 0, 1 failed, 2 bad input.
 */
#ifndef PORTAL_BACKUP_H
#define PORTAL_BACKUP_H

struct db;

int backup_cmd(struct db *, const char *dsn, int argc, char *argv[]);
int restore_cmd(struct db *, const char *dsn, int argc, char *argv[]);

#endif
