/* `boxbench merge`: the set of hosts built from the command line's inputs. Every input is read
 * by the validating reader (results_hosts_read) before anything is written. */
#include "merge.h"

#include <stdio.h>
#include <string.h>

int merge_parse_input(const char *arg, char name[BB_HOST_NAME_MAX], const char **path,
                      struct bb_err *err)
{
	const char *eq = strchr(arg, '='), *slash = strchr(arg, '/');
	size_t len;

	name[0] = '\0';
	*path = arg;
	if (!eq || (slash && slash < eq))
		return arg[0] ? 0 : bb_fail(err, 0, "an empty FILE");
	len = (size_t)(eq - arg);
	if (len >= BB_HOST_NAME_MAX)
		return bb_fail(err, 0, "'%.*s...': a host name is at most %d characters", 32, arg,
		               BB_HOST_NAME_MAX - 1);
	memcpy(name, arg, len);
	name[len] = '\0';
	if (!results_host_name_ok(name))
		return bb_fail(err, 0,
		               "'%s': NAME must be letters, digits, '.', '_' or '-' (a file "
		               "named so: ./%s)",
		               name, arg);
	if (!eq[1])
		return bb_fail(err, 0, "'%s': no FILE after NAME=", arg);
	*path = eq + 1;
	return 0;
}

static int merge_one(struct bb_hostset *set, const char *name, const struct bb_hostres *h,
                     struct bb_err *err)
{
	return results_hosts_add(set, name, h->status, h->reason, h->doc, err);
}

static int merge_single(struct bb_hostset *set, const char *name, const struct bb_hostset *in,
                        struct bb_err *err)
{
	const char *hn = results_jstr(in->hosts[0].res.host, "hostname");

	if (!name[0] && !in->hosts[0].name[0])
		return bb_fail(err, 0,
		               "its host name '%.64s' cannot name a host: give one as NAME=FILE",
		               hn ? hn : "(none)");
	return merge_one(set, name[0] ? name : in->hosts[0].name, &in->hosts[0], err);
}

/* A merged input is flattened: its hosts join the set as they are (rows without a result
 * too), so merges can be gathered in steps. */
static int merge_flatten(struct bb_hostset *set, const char *name, const struct bb_hostset *in,
                         struct bb_err *err)
{
	if (name[0] && in->n != 1)
		return bb_fail(err, 0,
		               "a merged result of %zu hosts: NAME= renames a single host's result",
		               in->n);
	for (size_t i = 0; i < in->n; i++)
		if (merge_one(set, name[0] ? name : in->hosts[i].name, &in->hosts[i], err) < 0)
			return -1;
	return 0;
}

int merge_add_file(struct bb_hostset *set, const char *name, const char *path, struct bb_err *err)
{
	struct bb_hostset in;
	int rc;

	if (results_hosts_read(path, &in, err) < 0)
		return -1;
	rc = in.merged ? merge_flatten(set, name, &in, err) : merge_single(set, name, &in, err);
	results_hosts_free(&in);
	return rc < 0 ? bb_wrap(err, "%s", path) : 0;
}

int merge_add_missing(struct bb_hostset *set, const char *spec, struct bb_err *err)
{
	char name[BB_HOST_NAME_MAX], status[16];
	const char *eq = strchr(spec, '='), *colon;
	enum bb_host_status st;
	size_t len;

	if (!eq || (size_t)(eq - spec) >= sizeof(name) || !(colon = strchr(eq + 1, ':')))
		return bb_fail(err, 0, "--missing '%.64s': expected NAME=STATUS:REASON", spec);
	len = (size_t)(eq - spec);
	memcpy(name, spec, len);
	name[len] = '\0';
	len = (size_t)(colon - eq - 1);
	if (len >= sizeof(status))
		return bb_fail(err, 0, "--missing '%.64s': expected NAME=STATUS:REASON", spec);
	memcpy(status, eq + 1, len);
	status[len] = '\0';
	if (host_status_parse(status, &st, err) < 0 || st == BB_HOST_OK)
		return bb_fail(err, 0,
		               "--missing %s: status '%s' is not unreachable, failed or timeout",
		               name, status);
	if (results_hosts_add(set, name, st, colon + 1, NULL, err) < 0)
		return bb_wrap(err, "--missing");
	return 0;
}
