/* provision/fetch/head.c — whether a URL names something (source.h) */
#include <errno.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "alloc.h"
#include "cleanup.h"
#include "curlib.h"
#include "source.h"

int vp_fetch_exists(const char *url, const struct vp_fetch_opts *o, struct vp_error *err)
{
	CURL *h;
	CURLcode rc;
	long status = 0;
	int r;

	if (!strncasecmp(url, "file://", 7)) {
		struct stat st;

		return stat(url + 7, &st) == 0 && S_ISREG(st.st_mode);
	}
	if (vp_curl_load(err) < 0)
		return -1;
	h = vp_curl.curl_easy_init();
	if (!h)
		return vp_error_set(err, VP_ERR_RUNTIME, "cannot start a request for '%s'", url);
	vp_curl.curl_easy_setopt(h, CURLOPT_URL, url);
	vp_curl.curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
	vp_curl.curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
	vp_curl.curl_easy_setopt(h, CURLOPT_MAXREDIRS, 10L);
	vp_curl.curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https,ftp");
	vp_curl.curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https,ftp");
	vp_curl.curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	vp_curl.curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
				 o && o->connect_timeout_ms ? o->connect_timeout_ms : 15000L);
	vp_curl.curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 60000L);
	vp_curl.curl_easy_setopt(h, CURLOPT_USERAGENT, "vprov/" VP_VERSION);
	rc = vp_curl.curl_easy_perform(h);
	vp_curl.curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	if (rc == CURLE_OK && status >= 200 && status < 300)
		r = 1;
	else if (rc == CURLE_REMOTE_FILE_NOT_FOUND || status == 404 || status == 410)
		r = 0;
	else if (rc == CURLE_OK)
		r = vp_error_set(err, VP_ERR_RUNTIME, "cannot look at '%s': HTTP %ld", url, status);
	else
		r = vp_error_set(err, VP_ERR_RUNTIME, "cannot look at '%s': %s", url,
				 vp_curl.curl_easy_strerror(rc));
	vp_curl.curl_easy_cleanup(h);
	return r;
}
