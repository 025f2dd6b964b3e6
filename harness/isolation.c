#include "isolation.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "format.h"

/* Both are named isolation.h: the workload's collectors by path. */
#include "../bench/isolation.h"

#define MAX_KEYS 64
#define MAX_ENVS 32

/* Comparison */

const char *iso_cell_name(enum iso_cell c)
{
	static const char *names[] = { "-", "same as host", "different", "hidden" };
	return c <= ISO_HIDDEN ? names[c] : "-";
}

static bool word_is(json_t *v, const char *const *words)
{
	for (size_t i = 0; json_is_string(v) && words[i]; i++)
		if (!strcasecmp(json_string_value(v), words[i]))
			return true;
	return false;
}

static bool value_hidden(json_t *v)
{
	if (!v || json_is_null(v))
		return true;
	if (!json_is_string(v))
		return false;
	return iso_value_hidden(json_string_value(v)) || !strcmp(json_string_value(v), "-");
}

static bool numbers_same(const char *key, double a, double host)
{
	double d = fabs(a - host);

	if (!strcmp(key, "boot_time"))
		return d <= ISO_BOOT_TIME_TOL_S;
	if (!strcmp(key, "process_count"))
		return d <= fmax(ISO_PROCS_TOL_ABS, ISO_PROCS_TOL_REL * fabs(host));
	return d <= ISO_NUM_TOL_REL * fmax(fabs(a), fabs(host));
}

enum iso_cell isolation_compare(const char *key, json_t *seen, json_t *host)
{
	static const char *const same[] = { "same", "same as host", NULL };
	static const char *const diff[] = { "different", NULL };

	if (!seen)
		return ISO_NONE;
	if (word_is(seen, same))
		return ISO_SAME;
	if (word_is(seen, diff))
		return ISO_DIFFERENT;
	if (value_hidden(seen))
		return ISO_HIDDEN;
	if (!host || value_hidden(host))
		return ISO_NONE;
	if (json_is_number(seen) && json_is_number(host))
		return numbers_same(key, json_number_value(seen), json_number_value(host))
		           ? ISO_SAME
		           : ISO_DIFFERENT;
	return json_equal(seen, host) ? ISO_SAME : ISO_DIFFERENT;
}

static bool fact_is(json_t *f, const char *suite, const char *env, const char *key)
{
	return !strcmp(results_jstr(f, "suite") ?: "", suite) &&
	       (!env || !strcmp(results_jstr(f, "env") ?: "", env)) &&
	       (!key || !strcmp(results_jstr(f, "key") ?: "", key));
}

json_t *isolation_fact(const struct bb_result *res, const char *suite, const char *env,
                       const char *key)
{
	json_t *f, *best = NULL;
	json_int_t best_rep = 0;
	size_t i;

	json_array_foreach(res->facts, i, f)
	{
		json_int_t rep = json_integer_value(json_object_get(f, "rep"));
		if (!fact_is(f, suite, env, key) || (best && rep >= best_rep))
			continue;
		best = json_object_get(f, "value") ?: json_null();
		best_rep = rep;
	}
	return best;
}

enum iso_cell isolation_cell(const struct bb_result *res, const char *env, const char *key)
{
	json_t *v = isolation_fact(res, ISO_SUITE, env, key);
	json_t *ref = isolation_fact(res, ISO_SUITE, ISO_HOST, key);

	if (!v)
		return ISO_NONE;
	/* Without the host's own facts (older results), native is the host's view. */
	if (!ref && results_env_class(res, env) == BB_CLASS_NATIVE)
		return isolation_compare(key, v, v);
	if (!ref)
		ref = isolation_fact(res, ISO_SUITE, results_reference(res), key);
	return isolation_compare(key, v, ref);
}

/* Rows and columns */

static bool listed(const char **v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i], s))
			return true;
	return false;
}

size_t isolation_keys(const struct bb_result *res, const char **keys, size_t max)
{
	size_t n = 0, i;
	json_t *f;

	for (i = 0; iso_keys[i] && n < max; i++)
		if (isolation_fact(res, ISO_SUITE, NULL, iso_keys[i]))
			keys[n++] = iso_keys[i];
	json_array_foreach(res->facts, i, f)
	{
		const char *k = results_jstr(f, "key");
		if (n >= max || !k || !fact_is(f, ISO_SUITE, NULL, NULL) || listed(keys, n, k))
			continue;
		if (isolation_fact(res, ISO_SUITE, ISO_HOST, k) ||
		    isolation_fact(res, ISO_SUITE, results_reference(res), k))
			keys[n++] = k;
	}
	return n;
}

size_t isolation_envs(const struct bb_result *res, const char **envs, size_t max)
{
	size_t n = 0, i;
	json_t *f;

	json_array_foreach(res->facts, i, f)
	{
		const char *e = results_jstr(f, "env");
		if (n < max && e && strcmp(e, ISO_HOST) && fact_is(f, ISO_SUITE, NULL, NULL) &&
		    !listed(envs, n, e))
			envs[n++] = e;
	}
	return n;
}

void isolation_format(const char *key, json_t *v, char *buf, size_t len)
{
	double x = json_number_value(v);

	if (!v || json_is_null(v)) {
		snprintf(buf, len, "(null)");
	} else if (json_is_string(v)) {
		snprintf(buf, len, "%s", json_string_value(v));
	} else if (!json_is_number(v)) {
		snprintf(buf, len, "%s", json_is_true(v) ? "true" : "false");
	} else if (!strcmp(key, "boot_time") && x > 0 && x < 1e11) {
		time_t t = (time_t)x;
		struct tm tm;
		gmtime_r(&t, &tm);
		strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
	} else if (strstr(key, "mem_") || strstr(key, "_bytes")) {
		fmt_value(buf, len, x, "bytes");
	} else {
		snprintf(buf, len, "%.10g", x);
	}
}

/* Recording the host's own view */

static json_t *fact_json(const struct iso_fact *f)
{
	return f->numeric ? json_real(f->num) : json_string(f->text);
}

int isolation_record_host(struct bb_result *res, const char *const *suites, size_t nsuites,
                          struct bb_err *err)
{
	struct iso_fact facts[ISO_MAX_FACTS];
	struct iso_opts o = { .host_pid = getpid() };
	bool wanted = false;
	size_t n;

	for (size_t i = 0; i < nsuites; i++)
		wanted |= !strcmp(suites[i], ISO_SUITE);
	if (!wanted || isolation_fact(res, ISO_SUITE, ISO_HOST, NULL))
		return 0;
	if (iso_self_start(&o.host_start) < 0)
		return bb_fail(err, errno, "isolation: read /proc/self/stat");
	n = iso_collect(&o, facts, ISO_MAX_FACTS);
	for (size_t i = 0; i < n; i++) {
		json_t *fj =
		    json_pack("{s:s, s:s, s:s, s:o, s:i}", "env", ISO_HOST, "suite", ISO_SUITE,
		              "key", facts[i].key, "value", fact_json(&facts[i]), "rep", 0);
		if (!fj || json_array_append_new(res->facts, fj) < 0)
			return bb_fail(err, ENOMEM, "isolation: record the host's facts");
	}
	return 0;
}

size_t isolation_suite_args(char **argv, size_t max)
{
	static char pid[24], start[24];
	unsigned long long st;

	if (max < 4 || iso_self_start(&st) < 0)
		return 0;
	snprintf(pid, sizeof(pid), "%ld", (long)getpid());
	snprintf(start, sizeof(start), "%llu", st);
	argv[0] = "--host-pid";
	argv[1] = pid;
	argv[2] = "--host-start";
	argv[3] = start;
	return 4;
}

/* Limits */

#define LIM_SUITE "limits"

enum limit_what { LIM_CPU, LIM_MEM, LIM_PIDS };

struct limit_kind {
	const char *name, *seen_key, *metric, *enforced_key, *detail_key;
	enum limit_what what;
	const char *unit;     /* of the cgroup value: "CPUs", "bytes", "" */
	const char *measured; /* after the measured value */
};

static const struct limit_kind limit_kinds[] = {
	{ "cpu", "cpu_quota_seen", "cpu_share", "cpu_enforced", "cpu_detail", LIM_CPU, "CPUs",
	  "CPUs obtained" },
	{ "memory", "mem_limit_seen", "mem_reached", "mem_enforced", "mem_detail", LIM_MEM, "bytes",
	  "touched" },
	{ "pids", "pids_limit_seen", "forks", "pids_enforced", "pids_detail", LIM_PIDS, "",
	  "forks" },
};

static void fmt_amount(char *buf, size_t len, double v, const char *unit)
{
	if (!strcmp(unit, "bytes"))
		fmt_value(buf, len, v, "bytes");
	else
		snprintf(buf, len, "%.3g%s%s", v, unit[0] ? " " : "", unit);
}

static double limit_cgroup(const struct bb_envdesc_cgroup *cg, enum limit_what what)
{
	return what == LIM_CPU   ? cg->cpu_quota
	       : what == LIM_MEM ? (double)cg->mem_limit
	                         : (double)cg->pids_limit;
}

/* What the harness set: the container's cgroup, the guest's size, or nothing (native). */
static void limit_set(const struct bb_result *res, const char *env, const struct limit_kind *k,
                      char *buf, size_t len)
{
	const struct bb_envdesc *d = results_env(res, env);
	double v;

	if (d && d->cgroup.on) {
		v = limit_cgroup(&d->cgroup, k->what);
		if (v > 0)
			fmt_amount(buf, len, v, k->unit);
		else
			snprintf(buf, len, "none");
	} else if (d && k->what == LIM_MEM && d->mem_mib) {
		fmt_value(buf, len, d->mem_mib, "MiB");
	} else if (d && k->what == LIM_CPU && d->vcpus) {
		snprintf(buf, len, "%u vCPUs", d->vcpus);
	} else {
		snprintf(buf, len, "none");
	}
}

/* What the workload read: its cgroup's limit, or (no cgroup limit, in a guest) the machine. */
static void limit_seen(const struct bb_result *res, const char *env, const struct limit_kind *k,
                       char *buf, size_t len)
{
	json_t *v = isolation_fact(res, LIM_SUITE, env, k->seen_key), *m;
	bool vm = results_env_class(res, env) == BB_CLASS_VM;

	if (json_is_number(v)) {
		fmt_amount(buf, len, json_number_value(v), k->unit);
	} else if (vm && k->what == LIM_CPU &&
	           json_is_number(m = isolation_fact(res, LIM_SUITE, env, "cpus_seen"))) {
		snprintf(buf, len, "%.0f CPUs online", json_number_value(m));
	} else if (vm && k->what == LIM_MEM &&
	           json_is_number(m = isolation_fact(res, LIM_SUITE, env, "mem_total_seen"))) {
		char b[32];
		fmt_value(b, sizeof(b), json_number_value(m), "bytes");
		snprintf(buf, len, "MemTotal %s", b);
	} else {
		isolation_format(k->seen_key, v, buf, len);
	}
}

static void limit_measured(const struct bb_result *res, const char *env, const struct limit_kind *k,
                           char *buf, size_t len)
{
	const struct bb_series *s =
	    results_series((struct bb_result *)res, LIM_SUITE, k->metric, env, false);
	char v[48];

	snprintf(buf, len, "-");
	if (!s || !s->has_summary || !s->summary.n)
		return;
	fmt_value(v, sizeof(v), s->summary.median, s->unit);
	/* cpu_share is CPU seconds per second: CPUs' worth */
	if (!strcmp(s->unit, "forks") || !strcmp(s->unit, "CPU-s/s"))
		snprintf(v, sizeof(v), "%.3g", s->summary.median);
	snprintf(buf, len, "%s %s%s", v, k->measured, s->summary.n > 1 ? " (median)" : "");
}

static size_t limits_envs(const struct bb_result *res, const char **envs, size_t max)
{
	size_t n = 0, i;
	json_t *f;

	json_array_foreach(res->facts, i, f)
	{
		const char *e = results_jstr(f, "env");
		if (n < max && e && fact_is(f, LIM_SUITE, NULL, NULL) && !listed(envs, n, e))
			envs[n++] = e;
	}
	return n;
}

size_t limits_rows(const struct bb_result *res, struct limits_row *rows, size_t max)
{
	const char *envs[MAX_ENVS];
	size_t ne = limits_envs(res, envs, MAX_ENVS), n = 0;

	for (size_t e = 0; e < ne; e++) {
		for (size_t k = 0; k < sizeof(limit_kinds) / sizeof(limit_kinds[0]) && n < max;
		     k++) {
			const struct limit_kind *lk = &limit_kinds[k];
			struct limits_row *r = &rows[n++];
			json_t *v;
			memset(r, 0, sizeof(*r));
			r->env = envs[e];
			r->limit = lk->name;
			limit_set(res, envs[e], lk, r->set, sizeof(r->set));
			limit_seen(res, envs[e], lk, r->seen, sizeof(r->seen));
			limit_measured(res, envs[e], lk, r->measured, sizeof(r->measured));
			v = isolation_fact(res, LIM_SUITE, envs[e], lk->enforced_key);
			isolation_format(lk->enforced_key, v, r->enforced, sizeof(r->enforced));
			if (!v)
				snprintf(r->enforced, sizeof(r->enforced), "-");
			v = isolation_fact(res, LIM_SUITE, envs[e], lk->detail_key);
			if (v)
				isolation_format(lk->detail_key, v, r->detail, sizeof(r->detail));
		}
	}
	return n;
}

/* show */

static void show_cell(FILE *f, const char *s, int width)
{
	fprintf(f, " %-*.*s", width, width, s);
}

/* Why a box hides a fact: its own value says so ("unreadable: /sys/...: No such file"). */
static void show_hidden_reasons(const struct bb_result *res, const char **keys, size_t nk,
                                const char **envs, size_t ne, FILE *f)
{
	for (size_t e = 0; e < ne; e++)
		for (size_t k = 0; k < nk; k++) {
			json_t *v = isolation_fact(res, ISO_SUITE, envs[e], keys[k]);
			if (isolation_cell(res, envs[e], keys[k]) == ISO_HIDDEN &&
			    json_is_string(v) && strchr(json_string_value(v), ':'))
				fprintf(f, "  %s %s: %s\n", envs[e], keys[k], json_string_value(v));
		}
}

void isolation_show(const struct bb_result *res, FILE *f)
{
	const char *keys[MAX_KEYS], *envs[MAX_ENVS];
	size_t nk = isolation_keys(res, keys, MAX_KEYS), ne = isolation_envs(res, envs, MAX_ENVS);
	bool host = isolation_fact(res, ISO_SUITE, ISO_HOST, NULL) != NULL;
	char val[128];

	if (!nk || !ne)
		return;
	fprintf(f, "\n[isolation] what each box sees of the host (C3, C4), against %s\n",
	        host ? "the host's own view (collected by the harness)" : "native's view");
	fprintf(f, "%-15s %-32s", "fact", host ? "host's value" : "native's value");
	for (size_t e = 0; e < ne; e++)
		show_cell(f, envs[e], 13);
	fputc('\n', f);
	for (size_t k = 0; k < nk; k++) {
		isolation_format(keys[k],
		                 isolation_fact(res, ISO_SUITE,
		                                host ? ISO_HOST : results_reference(res), keys[k]),
		                 val, sizeof(val));
		fprintf(f, "%-15s %-32.32s", keys[k], val);
		for (size_t e = 0; e < ne; e++)
			show_cell(f, iso_cell_name(isolation_cell(res, envs[e], keys[k])), 13);
		fputc('\n', f);
	}
	show_hidden_reasons(res, keys, nk, envs, ne, f);
}

void limits_show(const struct bb_result *res, FILE *f)
{
	struct limits_row rows[3 * MAX_ENVS];
	size_t n = limits_rows(res, rows, 3 * MAX_ENVS);

	if (!n)
		return;
	fprintf(f, "\n[limits] set by the harness vs seen and obtained inside (C2)\n");
	fprintf(f, "%-12s %-7s %-12s %-22s %-28s %s\n", "env", "limit", "set", "seen inside",
	        "measured", "enforced");
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%-12s %-7s %-12s %-22.22s %-28.28s %s\n", rows[i].env, rows[i].limit,
		        rows[i].set, rows[i].seen, rows[i].measured, rows[i].enforced);
	for (size_t i = 0; i < n; i++)
		if (rows[i].detail[0])
			fprintf(f, "  %s %s: %s\n", rows[i].env, rows[i].limit, rows[i].detail);
}

static json_t *iso_hidden_json(const struct bb_result *res, const char **keys, size_t nk,
                               const char **envs, size_t ne)
{
	json_t *arr = json_array();

	for (size_t e = 0; e < ne; e++)
		for (size_t k = 0; k < nk; k++) {
			json_t *v = isolation_fact(res, ISO_SUITE, envs[e], keys[k]);
			if (isolation_cell(res, envs[e], keys[k]) == ISO_HIDDEN &&
			    json_is_string(v) && strchr(json_string_value(v), ':'))
				json_array_append_new(
				    arr, json_pack("{s:s, s:s, s:s}", "env", envs[e], "fact",
				                   keys[k], "reason", json_string_value(v)));
		}
	return arr;
}

json_t *isolation_to_json(const struct bb_result *res)
{
	const char *keys[MAX_KEYS], *envs[MAX_ENVS];
	size_t nk = isolation_keys(res, keys, MAX_KEYS), ne = isolation_envs(res, envs, MAX_ENVS);
	bool host = isolation_fact(res, ISO_SUITE, ISO_HOST, NULL) != NULL;
	json_t *facts = json_array();

	if (!nk || !ne) {
		json_decref(facts);
		return NULL;
	}
	for (size_t k = 0; k < nk; k++) {
		json_t *cells = json_object();
		json_t *ref = isolation_fact(res, ISO_SUITE,
		                             host ? ISO_HOST : results_reference(res), keys[k]);
		for (size_t e = 0; e < ne; e++)
			json_object_set_new(
			    cells, envs[e],
			    json_string(iso_cell_name(isolation_cell(res, envs[e], keys[k]))));
		json_array_append_new(facts, json_pack("{s:s, s:O?, s:o}", "fact", keys[k],
		                                       "reference", ref, "cells", cells));
	}
	return json_pack("{s:s, s:o, s:o}", "against", host ? "host" : "native", "facts", facts,
	                 "hidden", iso_hidden_json(res, keys, nk, envs, ne));
}

json_t *limits_to_json(const struct bb_result *res)
{
	struct limits_row rows[3 * MAX_ENVS];
	size_t n = limits_rows(res, rows, 3 * MAX_ENVS);
	json_t *arr = json_array();

	if (!n) {
		json_decref(arr);
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "env",
		                                     rows[i].env, "limit", rows[i].limit, "set",
		                                     rows[i].set, "seen", rows[i].seen, "measured",
		                                     rows[i].measured, "enforced", rows[i].enforced,
		                                     "detail", rows[i].detail));
	return arr;
}
