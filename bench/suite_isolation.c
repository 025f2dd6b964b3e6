/* isolation: what of the host this box lets through (C3, C4). Every fact of bench/isolation.c
 * as an info record; the harness compares each with the host's own value, collected in-process
 * with the same code. --host-pid/--host-start name the harness's process (see iso_opts). */
#include "isolation.h"
#include "measure.h"
#include "record.h"
#include "suite.h"

#include <stdlib.h>

enum { ISO_OPT_HOST_PID = 0x2000, ISO_OPT_HOST_START };

static int iso_option(void *ctx, int code, const char *arg, struct bb_err *err)
{
	struct iso_opts *o = ctx;
	uint64_t v;

	if (code == ISO_OPT_HOST_PID) {
		if (measure_parse_u64(arg, 1, 0x7fffffff, "--host-pid", &v, err) < 0)
			return -1;
		o->host_pid = (long)v;
		return 0;
	}
	if (measure_parse_u64(arg, 0, UINT64_MAX, "--host-start", &v, err) < 0)
		return -1;
	o->host_start = v;
	return 0;
}

static int isolation_run(int argc, char **argv)
{
	static const struct option longopts[] = {
		MEASURE_LONG_OPTIONS,
		{ "host-pid", required_argument, NULL, ISO_OPT_HOST_PID },
		{ "host-start", required_argument, NULL, ISO_OPT_HOST_START },
		{ 0 },
	};
	struct iso_fact facts[ISO_MAX_FACTS];
	struct bb_measure_opts mo; /* the common options are accepted and mean nothing here */
	struct iso_opts o = { 0 };
	struct bb_err err = { 0 };
	size_t n;

	measure_defaults(&mo);
	if (measure_parse_args(argc, argv, longopts, &mo, iso_option, &o, &err) < 0) {
		rec_error(ISO_SUITE, "options", err.msg);
		return 2;
	}
	n = iso_collect(&o, facts, ISO_MAX_FACTS);
	for (size_t i = 0; i < n; i++) {
		if (facts[i].numeric)
			rec_info_num(ISO_SUITE, facts[i].key, facts[i].num);
		else
			rec_info(ISO_SUITE, facts[i].key, facts[i].text);
	}
	return 0;
}

const struct suite suite_isolation = {
	.name = "isolation",
	.summary = "what of the host is visible: kernel, boot id, pids, net, log, mounts, ...",
	.settles = "C3, C4",
	.run = isolation_run,
	.measure_opts = 1,
};
