/* Migration checksums: SHA-256 over the text with CRLF read as LF, so a
 * checkout on Windows does not make every applied migration "modified". */
#include <openssl/evp.h>
#include <stdio.h>

#include "session.h"

int strata_checksum_hex(const char *data, size_t len, char out[65])
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned char md[32];
	unsigned int mdlen = 0;
	size_t from = 0;
	int rc = STRATA_ERROR;

	if (!ctx)
		return STRATA_ENOMEM;
	if (!EVP_DigestInit_ex(ctx, EVP_sha256(), NULL))
		goto done;
	for (size_t i = 0; i < len; i++) {
		if (data[i] == '\r' && i + 1 < len && data[i + 1] == '\n') {
			if (!EVP_DigestUpdate(ctx, data + from, i - from))
				goto done;
			from = i + 1; /* resume at the '\n' */
		}
	}
	if (!EVP_DigestUpdate(ctx, data + from, len - from) ||
	    !EVP_DigestFinal_ex(ctx, md, &mdlen) || mdlen != sizeof(md))
		goto done;
	for (unsigned i = 0; i < sizeof(md); i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	rc = 0;
done:
	EVP_MD_CTX_free(ctx);
	return rc;
}
