#include "qr.h"

#include <stdlib.h>

#include <qrencode.h>

#include "buf.h"

/* ISO/IEC 18004 §6.3.8: a quiet zone of 4 modules around the symbol. */
#define QUIET 4

bool
qr_svg_path(const char *text, struct buf *path, int *size)
{
	QRcode *qr;
	int x, y;

	/* Level M (15% restoration) reads well from a screen; version 0 lets
	 * libqrencode choose the smallest symbol that holds the text. */
	if ((qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1)) == NULL)
		return false;
	for (y = 0; y < qr->width; y++)
		for (x = 0; x < qr->width; x++)
			/* Bit 0 of each module's byte: dark (libqrencode's layout). */
			if (qr->data[y * qr->width + x] & 1)
				buf_printf(path, "M%d %dh1v1h-1z", x + QUIET, y + QUIET);
	*size = qr->width + 2 * QUIET;
	QRcode_free(qr);
	return !buf_failed(path);
}
