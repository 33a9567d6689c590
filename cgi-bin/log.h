/* Logging to standard error (the stack sends it to $PORTAL_VAR/log/). */
#ifndef PORTAL_LOG_H
#define PORTAL_LOG_H

void log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));

#endif
