/* Results from several machines (`boxbench merge`): a set of hosts, each with its own
 * single-host result (`boxbench/1`) or a status saying why it has none.
 *
 * The merged file is still `boxbench/1`: a top-level `hosts` array holds each host's name,
 * status, reason and the metadata of its run (id, started_at, finished_at, complete, tool,
 * host, config); every series and fact carries a `host` key; environments are keyed
 * "HOST/ENV". results_host_view() cuts one host's single-host result out of it, so every
 * consumer of single-host results (claims, report sections, exports) runs per host. */
#ifndef BB_RESULTS_HOSTS_H
#define BB_RESULTS_HOSTS_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

#include "err.h"
#include "results.h"

#define BB_HOST_NAME_MAX 64 /* a host's name: [A-Za-z0-9][A-Za-z0-9._-]{0,62} */
#define BB_HOSTS_MAX     1024

enum bb_host_status { BB_HOST_OK, BB_HOST_UNREACHABLE, BB_HOST_FAILED, BB_HOST_TIMEOUT };

struct bb_hostres {
	char name[BB_HOST_NAME_MAX];
	enum bb_host_status status;
	char *reason;         /* why it has no result ("" for none) */
	json_t *doc;          /* its single-host result as read (NULL: no result) */
	struct bb_result res; /* doc, parsed and validated (when doc) */
};

struct bb_hostset {
	bool merged; /* read from a merged file (else one run's result, one host) */
	char id[128], started_at[32], finished_at[32];
	json_t *config; /* a merged file's own config (config.command: the merge), else NULL */
	struct bb_hostres *hosts;
	size_t n, cap;
};

const char *host_status_name(enum bb_host_status s);
/* "ok", "unreachable", "failed", "timeout"; -1 with a message otherwise. */
int host_status_parse(const char *s, enum bb_host_status *out, struct bb_err *err);
/* Can name a host (it names a directory of the report and prefixes environments)? */
bool results_host_name_ok(const char *name);

/* Is doc a merged result (it has a top-level `hosts`)? */
bool results_is_merged(json_t *doc);

void results_hosts_init(struct bb_hostset *set);
void results_hosts_free(struct bb_hostset *set);
const struct bb_hostres *results_hosts_find(const struct bb_hostset *set, const char *name);
/* How many hosts have a result. */
size_t results_hosts_with_data(const struct bb_hostset *set);

/* Add a host with its single-host result doc (a new reference is taken; doc is validated
 * with results_from_json) or, doc NULL, a host without one (status not ok). The name must be
 * a valid host name, new in the set. */
int results_hosts_add(struct bb_hostset *set, const char *name, enum bb_host_status status,
                      const char *reason, json_t *doc, struct bb_err *err);

/* Read a merged file's hosts (each validated), or a single-host result as a set of one host
 * named by its host.hostname (set->merged false; the name is "" when the hostname cannot name
 * a host). */
int results_hosts_from_json(json_t *doc, struct bb_hostset *set, struct bb_err *err);
int results_hosts_read(const char *path, struct bb_hostset *set, struct bb_err *err);

/* Host `name`'s single-host result out of a merged document, validated as any result. */
int results_host_view(json_t *merged, const char *name, struct bb_result *out, struct bb_err *err);

/* The merged document of the set (a new reference, NULL on OOM); command: what made it
 * (config.command). */
json_t *results_hosts_to_json(const struct bb_hostset *set, const char *command);
/* Write it atomically (outfile.h): never over an existing file without force. */
int results_hosts_write(const struct bb_hostset *set, const char *command, const char *path,
                        bool force, struct bb_err *err);

#endif
