/* Migration checksums: SHA-256 over the text with CRLF read as LF, so a
 * checkout on Windows does not make every applied migration "modified". */
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>

#include "session.h"

/* OpenSSL 3 looks the algorithm up on every implicit fetch, which costs
 * more than hashing a small file: a hasher fetches it once. */
struct strata_hasher {
	EVP_MD *md;
	EVP_MD_CTX *ctx;
};

void strata_hasher_free(strata_hasher *h)
{
	if (!h)
		return;
	EVP_MD_CTX_free(h->ctx);
	EVP_MD_free(h->md);
	free(h);
}

int strata_hasher_new(strata_hasher **out)
{
	strata_hasher *h = calloc(1, sizeof(*h));

	*out = NULL;
	if (!h)
		return STRATA_ENOMEM;
	h->md = EVP_MD_fetch(NULL, "SHA256", NULL);
	h->ctx = EVP_MD_CTX_new();
	if (!h->md || !h->ctx) {
		strata_hasher_free(h);
		return STRATA_ERROR;
	}
	*out = h;
	return 0;
}

int strata_hasher_hex(strata_hasher *h, const char *data, size_t len,
                      char out[65])
{
	unsigned char md[32];
	unsigned int mdlen = 0;
	size_t from = 0;

	if (!EVP_DigestInit_ex2(h->ctx, h->md, NULL))
		return STRATA_ERROR;
	for (size_t i = 0; i < len; i++) {
		if (data[i] == '\r' && i + 1 < len && data[i + 1] == '\n') {
			if (!EVP_DigestUpdate(h->ctx, data + from, i - from))
				return STRATA_ERROR;
			from = i + 1; /* resume at the '\n' */
		}
	}
	if (!EVP_DigestUpdate(h->ctx, data + from, len - from) ||
	    !EVP_DigestFinal_ex(h->ctx, md, &mdlen) || mdlen != sizeof(md))
		return STRATA_ERROR;
	for (unsigned i = 0; i < sizeof(md); i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	return 0;
}

int strata_checksum_hex(const char *data, size_t len, char out[65])
{
	strata_hasher *h;
	int rc;

	if ((rc = strata_hasher_new(&h)) < 0)
		return rc;
	rc = strata_hasher_hex(h, data, len, out);
	strata_hasher_free(h);
	return rc;
}
