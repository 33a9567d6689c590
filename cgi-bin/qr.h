/*
 * QR codes (ISO/IEC 18004) drawn by libqrencode, for the enrolment page's
 * otpauth:// link: the dark modules as one SVG path, drawn inline in the
 * page (no JavaScript, no image service).
 */
#ifndef PORTAL_QR_H
#define PORTAL_QR_H

#include <stdbool.h>

struct buf;

/* The SVG path data ("M x y h1v1h-1z" per dark module, a 4-module quiet
 * zone included) of `text` into `path`; *size the symbol's side with its
 * quiet zone, in modules. False when it could not be encoded. */
bool qr_svg_path(const char *text, struct buf *path, int *size);

#endif
