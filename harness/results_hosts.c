/* Results from several machines: the set of hosts, the merged document's reader (each host
 * cut out as a single-host result and validated by results_from_json, so a merged file is
 * checked exactly as strictly as a single one) and its writer. */
#include "results_hosts.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "outfile.h"

static const char *const status_names[] = { "ok", "unreachable", "failed", "timeout" };

/* What a host row copies from its run's result (and gives back to the host's view); the
 * paired decomposition too, when the run has one (C10 is settled per host from its blocks). */
static const char *const row_keys[] = { "id",   "started_at", "finished_at", "complete",
	                                "tool", "host",       "config",      "decomposition" };
#define ROW_OPTIONAL "decomposition" /* absent rather than null when the run has none */
#define N_ROW_KEYS   (sizeof(row_keys) / sizeof(row_keys[0]))

const char *host_status_name(enum bb_host_status s)
{
	return (unsigned)s < sizeof(status_names) / sizeof(status_names[0]) ? status_names[s] : "?";
}

int host_status_parse(const char *s, enum bb_host_status *out, struct bb_err *err)
{
	for (size_t i = 0; i < sizeof(status_names) / sizeof(status_names[0]); i++)
		if (s && !strcmp(s, status_names[i]))
			return *out = (enum bb_host_status)i, 0;
	return bb_fail(err, 0, "status '%s' is not ok, unreachable, failed or timeout", s ? s : "");
}

bool results_host_name_ok(const char *name)
{
	size_t n = name ? strlen(name) : 0;

	if (n == 0 || n >= BB_HOST_NAME_MAX || !isalnum((unsigned char)name[0]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)name[i]) && !strchr("._-", name[i]))
			return false;
	return true;
}

bool results_is_merged(json_t *doc)
{
	return json_object_get(doc, "hosts") != NULL;
}

void results_hosts_init(struct bb_hostset *set)
{
	memset(set, 0, sizeof(*set));
}

void results_hosts_free(struct bb_hostset *set)
{
	for (size_t i = 0; i < set->n; i++) {
		free(set->hosts[i].reason);
		if (set->hosts[i].doc)
			results_free(&set->hosts[i].res);
		json_decref(set->hosts[i].doc);
	}
	free(set->hosts);
	json_decref(set->config);
	memset(set, 0, sizeof(*set));
}

const struct bb_hostres *results_hosts_find(const struct bb_hostset *set, const char *name)
{
	for (size_t i = 0; name && i < set->n; i++)
		if (!strcmp(set->hosts[i].name, name))
			return &set->hosts[i];
	return NULL;
}

size_t results_hosts_with_data(const struct bb_hostset *set)
{
	size_t n = 0;

	for (size_t i = 0; i < set->n; i++)
		n += set->hosts[i].doc != NULL;
	return n;
}

static int hosts_grow(struct bb_hostset *set, struct bb_err *err)
{
	struct bb_hostres *np;
	size_t ncap;

	if (set->n < set->cap)
		return 0;
	if (set->n >= BB_HOSTS_MAX)
		return bb_fail(err, 0, "more than %d hosts", BB_HOSTS_MAX);
	ncap = set->cap ? set->cap * 2 : 4;
	if (!(np = realloc(set->hosts, ncap * sizeof(*np))))
		return bb_fail(err, ENOMEM, "hosts");
	set->hosts = np;
	set->cap = ncap;
	return 0;
}

int results_hosts_add(struct bb_hostset *set, const char *name, enum bb_host_status status,
                      const char *reason, json_t *doc, struct bb_err *err)
{
	struct bb_hostres *h;

	if (!results_host_name_ok(name))
		return bb_fail(err, 0,
		               "'%s' cannot name a host (1-%d letters, digits, '.', '_', '-', "
		               "starting with a letter or digit)",
		               name ? name : "", BB_HOST_NAME_MAX - 1);
	if (results_hosts_find(set, name))
		return bb_fail(err, 0, "host '%s' appears twice (rename one: NAME=FILE)", name);
	if (!doc != (status != BB_HOST_OK))
		return bb_fail(err, 0, "host '%s': status %s %s a result", name,
		               host_status_name(status), doc ? "with" : "without");
	if (reason && strlen(reason) > RESULTS_MAX_TEXT)
		return bb_fail(err, 0, "host '%s': reason too long", name);
	if (hosts_grow(set, err) < 0)
		return -1;
	h = &set->hosts[set->n];
	memset(h, 0, sizeof(*h));
	snprintf(h->name, sizeof(h->name), "%s", name);
	h->status = status;
	if (!(h->reason = strdup(reason ? reason : "")))
		return bb_fail(err, ENOMEM, "hosts");
	if (doc && results_from_json(doc, &h->res, err) < 0) {
		free(h->reason);
		return bb_wrap(err, "host %s", name);
	}
	h->doc = doc ? json_incref(doc) : NULL;
	set->n++;
	return 0;
}

/* Reading a merged document. */

static json_t *hosts_row(json_t *merged, const char *name)
{
	json_t *row;
	size_t i;

	json_array_foreach(json_object_get(merged, "hosts"), i, row)
	{
		if (json_is_string(json_object_get(row, "name")) &&
		    !strcmp(json_string_value(json_object_get(row, "name")), name))
			return row;
	}
	return NULL;
}

/* The elements of arr whose "host" is name, without that key (shallow copies). */
static json_t *view_items(json_t *arr, const char *name)
{
	json_t *out = json_array(), *o, *c;
	size_t i;

	json_array_foreach(arr, i, o)
	{
		const char *h = json_string_value(json_object_get(o, "host"));
		if (!h || strcmp(h, name) || !(c = json_copy(o)))
			continue;
		json_object_del(c, "host");
		json_array_append_new(out, c);
	}
	return out;
}

static json_t *view_envs(json_t *envs, const char *name)
{
	json_t *out = json_object(), *v;
	size_t len = strlen(name);
	const char *key;

	json_object_foreach(envs, key, v)
	{
		if (!strncmp(key, name, len) && key[len] == '/')
			json_object_set(out, key + len + 1, v);
	}
	return out;
}

static int view_doc(json_t *merged, const char *name, json_t **out, struct bb_err *err)
{
	json_t *row = hosts_row(merged, name), *doc, *id;

	if (!row)
		return bb_fail(err, 0, "no host '%s' in the merged result", name);
	id = json_object_get(row, "id");
	if (!json_is_string(id))
		return bb_fail(err, 0, "host '%s' has no result (%s%s%s)", name,
		               json_string_value(json_object_get(row, "status")) ?: "?",
		               json_is_string(json_object_get(row, "reason")) ? ": " : "",
		               json_string_value(json_object_get(row, "reason")) ?: "");
	doc = json_pack("{s:s}", "schema", BB_SCHEMA);
	for (size_t i = 0; doc && i < N_ROW_KEYS; i++)
		if (json_object_get(row, row_keys[i]) &&
		    !(json_is_null(json_object_get(row, row_keys[i])) &&
		      !strcmp(row_keys[i], ROW_OPTIONAL)))
			json_object_set(doc, row_keys[i], json_object_get(row, row_keys[i]));
	if (!doc)
		return bb_fail(err, ENOMEM, "host %s", name);
	json_object_set_new(doc, "environments",
	                    view_envs(json_object_get(merged, "environments"), name));
	json_object_set_new(doc, "results", view_items(json_object_get(merged, "results"), name));
	json_object_set_new(doc, "facts", view_items(json_object_get(merged, "facts"), name));
	*out = doc;
	return 0;
}

int results_host_view(json_t *merged, const char *name, struct bb_result *out, struct bb_err *err)
{
	json_t *doc;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!results_is_merged(merged))
		return bb_fail(err, 0, "not a merged result");
	if (view_doc(merged, name, &doc, err) < 0)
		return -1;
	rc = results_from_json(doc, out, err);
	json_decref(doc);
	return rc < 0 ? bb_wrap(err, "host %s", name) : 0;
}

/* A row of `hosts`: {name, status, reason, id...}; a result's metadata iff status is ok. */
static int read_row(json_t *row, size_t i, struct bb_hostset *set, json_t *merged,
                    struct bb_err *err)
{
	json_t *name = json_object_get(row, "name"), *reason = json_object_get(row, "reason");
	enum bb_host_status st;
	json_t *doc = NULL;
	int rc;

	if (!json_is_object(row) || !json_is_string(name))
		return bb_fail(err, 0, "hosts[%zu] is not {name, status, ...}", i);
	if (reason && !json_is_null(reason) && !json_is_string(reason))
		return bb_fail(err, 0, "hosts[%zu]: \"reason\" is not a string", i);
	if (host_status_parse(json_string_value(json_object_get(row, "status")), &st, err) < 0)
		return bb_wrap(err, "hosts[%zu]", i);
	if (st == BB_HOST_OK && view_doc(merged, json_string_value(name), &doc, err) < 0)
		return bb_wrap(err, "hosts[%zu]", i);
	if (st != BB_HOST_OK && !json_is_null(json_object_get(row, "id")) &&
	    json_object_get(row, "id"))
		return bb_fail(err, 0, "hosts[%zu]: status %s with a result", i,
		               host_status_name(st));
	rc = results_hosts_add(set, json_string_value(name), st, json_string_value(reason), doc,
	                       err);
	json_decref(doc);
	return rc;
}

/* Whose is it? Every series, fact and environment of a merged file belongs to a host with a
 * result: nothing is silently dropped from the views. */
static int check_owner(const struct bb_hostset *set, const char *host, const char *what, size_t i,
                       struct bb_err *err)
{
	const struct bb_hostres *h = results_hosts_find(set, host);

	if (!h || !h->doc)
		return bb_fail(err, 0, "%s[%zu]: \"host\" %s%s%s is not a host with a result", what,
		               i, host ? "'" : "", host ? host : "missing", host ? "'" : "");
	return 0;
}

static int check_owners(json_t *merged, const struct bb_hostset *set, struct bb_err *err)
{
	const char *arrays[] = { "results", "facts" };
	json_t *o;
	const char *key;
	char host[BB_HOST_NAME_MAX];
	size_t i;

	for (size_t a = 0; a < 2; a++)
		json_array_foreach(json_object_get(merged, arrays[a]), i, o)
		{
			if (check_owner(set, json_string_value(json_object_get(o, "host")),
			                arrays[a], i, err) < 0)
				return -1;
		}
	json_object_foreach(json_object_get(merged, "environments"), key, o)
	{
		const char *slash = strchr(key, '/');
		size_t len = slash ? (size_t)(slash - key) : 0;
		if (!slash || len >= sizeof(host) || !slash[1])
			return bb_fail(err, 0, "environment \"%.64s\" is not HOST/ENV", key);
		memcpy(host, key, len);
		host[len] = '\0';
		if (check_owner(set, host, "environments", 0, err) < 0)
			return bb_fail(err, 0, "environment \"%.64s\": no host '%s' with a result",
			               key, host);
	}
	return 0;
}

static int read_merged_header(json_t *doc, struct bb_hostset *set, struct bb_err *err)
{
	json_t *id = json_object_get(doc, "id"), *st = json_object_get(doc, "started_at");
	json_t *fin = json_object_get(doc, "finished_at"), *hosts = json_object_get(doc, "hosts");
	const char *objs[] = { "environments" }, *arrs[] = { "results", "facts" };

	if (!json_is_string(id) || json_string_length(id) >= sizeof(set->id) ||
	    !json_is_string(st) || json_string_length(st) >= sizeof(set->started_at) ||
	    (fin && !json_is_null(fin) &&
	     (!json_is_string(fin) || json_string_length(fin) >= sizeof(set->finished_at))))
		return bb_fail(err, 0,
		               "merged result: \"id\", \"started_at\" or \"finished_at\" "
		               "missing or not a short string");
	if (!json_is_array(hosts) || json_array_size(hosts) == 0 ||
	    json_array_size(hosts) > BB_HOSTS_MAX)
		return bb_fail(err, 0, "\"hosts\" is not an array of 1 to %d hosts", BB_HOSTS_MAX);
	if (!json_is_object(json_object_get(doc, objs[0])))
		return bb_fail(err, 0, "\"environments\" is not an object");
	for (size_t i = 0; i < 2; i++)
		if (json_object_get(doc, arrs[i]) && !json_is_array(json_object_get(doc, arrs[i])))
			return bb_fail(err, 0, "\"%s\" is not an array", arrs[i]);
	strcpy(set->id, json_string_value(id));
	strcpy(set->started_at, json_string_value(st));
	if (json_is_object(json_object_get(doc, "config")))
		set->config = json_incref(json_object_get(doc, "config"));
	if (json_is_string(fin))
		strcpy(set->finished_at, json_string_value(fin));
	return 0;
}

static int read_merged(json_t *doc, struct bb_hostset *set, struct bb_err *err)
{
	json_t *schema = json_object_get(doc, "schema"), *row;
	size_t i;

	if (!json_is_string(schema) || strcmp(json_string_value(schema), BB_SCHEMA))
		return bb_fail(err, 0, "merged result: schema is not \"%s\"", BB_SCHEMA);
	set->merged = true;
	if (read_merged_header(doc, set, err) < 0)
		return -1;
	json_array_foreach(json_object_get(doc, "hosts"), i, row)
	{
		if (read_row(row, i, set, doc, err) < 0)
			return -1;
	}
	return check_owners(doc, set, err);
}

int results_hosts_from_json(json_t *doc, struct bb_hostset *set, struct bb_err *err)
{
	struct bb_hostres *h;
	const char *hn;

	results_hosts_init(set);
	if (json_is_object(doc) && results_is_merged(doc)) {
		if (read_merged(doc, set, err) == 0)
			return 0;
		results_hosts_free(set);
		return -1;
	}
	if (hosts_grow(set, err) < 0)
		return -1;
	h = &set->hosts[0];
	memset(h, 0, sizeof(*h));
	if (results_from_json(doc, &h->res, err) < 0 || !(h->reason = strdup(""))) {
		results_hosts_free(set);
		return -1;
	}
	hn = results_jstr(h->res.host, "hostname");
	if (results_host_name_ok(hn))
		snprintf(h->name, sizeof(h->name), "%s", hn);
	h->doc = json_incref(doc);
	set->n = 1;
	snprintf(set->id, sizeof(set->id), "%s", h->res.id);
	snprintf(set->started_at, sizeof(set->started_at), "%s", h->res.started_at);
	snprintf(set->finished_at, sizeof(set->finished_at), "%s", h->res.finished_at);
	return 0;
}

int results_hosts_read(const char *path, struct bb_hostset *set, struct bb_err *err)
{
	json_t *doc;
	int rc;

	results_hosts_init(set);
	if (!(doc = results_load(path, err)))
		return -1;
	rc = results_hosts_from_json(doc, set, err);
	json_decref(doc);
	return rc < 0 ? bb_wrap(err, "%s", path) : 0;
}

/* Writing a merged document. */

/* A host's row: its name, status, reason and its run's metadata (null without a result). */
static json_t *write_row(const struct bb_hostres *h)
{
	json_t *row =
	    json_pack("{s:s, s:s, s:s?}", "name", h->name, "status", host_status_name(h->status),
	              "reason", h->reason && h->reason[0] ? h->reason : NULL);

	for (size_t i = 0; row && i < N_ROW_KEYS; i++) {
		json_t *v = h->doc ? json_object_get(h->doc, row_keys[i]) : NULL;
		if (!strcmp(row_keys[i], "complete") && !v)
			v = json_false();
		if (!strcmp(row_keys[i], ROW_OPTIONAL) && !v)
			continue;
		json_object_set(row, row_keys[i], v ? v : json_null());
	}
	return row;
}

/* Append arr's objects to dst, each a shallow copy with "host": name. */
static int write_items(json_t *dst, json_t *arr, const char *name)
{
	json_t *o, *c;
	size_t i;

	json_array_foreach(arr, i, o)
	{
		if (!(c = json_copy(o)) || json_object_set_new(c, "host", json_string(name)) < 0 ||
		    json_array_append_new(dst, c) < 0)
			return -1;
	}
	return 0;
}

static int write_host(json_t *doc, const struct bb_hostres *h)
{
	char key[BB_HOST_NAME_MAX + RESULTS_MAX_NAME + 2];
	const char *env;
	json_t *v;

	if (json_array_append_new(json_object_get(doc, "hosts"), write_row(h)) < 0)
		return -1;
	if (!h->doc)
		return 0;
	json_object_foreach(json_object_get(h->doc, "environments"), env, v)
	{
		snprintf(key, sizeof(key), "%s/%s", h->name, env);
		if (json_object_set(json_object_get(doc, "environments"), key, v) < 0)
			return -1;
	}
	if (write_items(json_object_get(doc, "results"), json_object_get(h->doc, "results"),
	                h->name) < 0 ||
	    write_items(json_object_get(doc, "facts"), json_object_get(h->doc, "facts"), h->name) <
	        0)
		return -1;
	return 0;
}

/* The merged run spans its hosts' runs: the earliest start, the latest end; complete when
 * every host has a complete result. */
static void write_span(const struct bb_hostset *set, json_t *doc)
{
	char now[32], first[32] = "", last[32] = "";
	bool complete = true;

	results_utc_now(now, sizeof(now), "%Y-%m-%dT%H:%M:%SZ");
	for (size_t i = 0; i < set->n; i++) {
		const struct bb_hostres *h = &set->hosts[i];
		complete = complete && h->doc && h->res.complete;
		if (!h->doc)
			continue;
		if (!first[0] || strcmp(h->res.started_at, first) < 0)
			snprintf(first, sizeof(first), "%s", h->res.started_at);
		if (h->res.finished_at[0] && strcmp(h->res.finished_at, last) > 0)
			snprintf(last, sizeof(last), "%s", h->res.finished_at);
	}
	json_object_set_new(doc, "started_at", json_string(first[0] ? first : now));
	json_object_set_new(doc, "finished_at", last[0] ? json_string(last) : json_null());
	json_object_set_new(doc, "complete", json_boolean(complete));
}

json_t *results_hosts_to_json(const struct bb_hostset *set, const char *command)
{
	char stamp[32], id[128], me[256] = "";
	json_t *doc;

	results_utc_now(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ");
	snprintf(id, sizeof(id), "merged-%s-%zu-hosts-%d", stamp, set->n, (int)getpid());
	if (gethostname(me, sizeof(me) - 1) < 0)
		me[0] = '\0';
	doc = json_pack("{s:s, s:s, s:{s:s, s:s, s:s}, s:{s:s, s:I}, s:{s:s}, s:[], s:{}, s:[], "
	                "s:[]}",
	                "schema", BB_SCHEMA, "id", id, "tool", "name", "boxbench", "version",
	                BB_VERSION, "commit", BB_GIT_COMMIT, "host", "merged_on", me, "hosts",
	                (json_int_t)set->n, "config", "command", command ? command : "", "hosts",
	                "environments", "results", "facts");
	if (!doc)
		return NULL;
	write_span(set, doc);
	for (size_t i = 0; i < set->n; i++)
		if (write_host(doc, &set->hosts[i]) < 0) {
			json_decref(doc);
			return NULL;
		}
	return doc;
}

int results_hosts_write(const struct bb_hostset *set, const char *command, const char *path,
                        bool force, struct bb_err *err)
{
	char tmp[PATH_MAX];
	json_t *doc = results_hosts_to_json(set, command);
	FILE *f;
	int rc;

	if (!doc)
		return bb_fail(err, ENOMEM, "merge: build JSON");
	if (!(f = outfile_open(path, tmp, sizeof(tmp), err))) {
		json_decref(doc);
		return -1;
	}
	errno = 0;
	rc = json_dumpf(doc, f, JSON_INDENT(1) | JSON_REAL_PRECISION(12)) < 0 ||
	     fputc('\n', f) == EOF;
	json_decref(doc);
	if (rc) {
		outfile_abort(f, tmp);
		return bb_fail(err, errno ? errno : EIO, "write %s", path);
	}
	return outfile_commit(f, tmp, path, force, err);
}
