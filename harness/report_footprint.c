/* The footprint's "per added instance" table (report_footprint.h): from each environment's
 * density_fit fact, what one more instance costs in user space (PSS) and in the host's kernel
 * (slab, page tables, kernel stacks, percpu), and the host's MemAvailable drop, each a slope with
 * its 95% CI; the noise floor of the readings; how many instances were really measured and how
 * far the count that fits the budget lies beyond them; what of an engine is counted. */
#include "report_footprint.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "format.h"
#include "results.h"

/* "+352 KiB [+316, +388]" or in MiB; "(~0)" when the CI holds 0. */
static void fpr_slope(char *buf, size_t len, json_t *fit)
{
	json_t *ci = json_object_get(fit, "ci95_mib");
	double s = json_number_value(json_object_get(fit, "slope_mib"));
	double lo = json_number_value(json_array_get(ci, 0));
	double hi = json_number_value(json_array_get(ci, 1));
	bool kib = fabs(s) < 1 && fabs(hi) < 1 && fabs(lo) < 1; /* below 1 MiB: in KiB */
	double k = kib ? 1024 : 1;

	if (!fit) {
		snprintf(buf, len, "-");
		return;
	}
	snprintf(buf, len, "%+.*f %s [%+.*f, %+.*f]%s", kib ? 0 : 2, s * k, kib ? "KiB" : "MiB",
	         kib ? 0 : 2, lo * k, kib ? 0 : 2, hi * k,
	         hi < 0 ? " (below 0: not the boxes')"
	         : json_is_true(json_object_get(fit, "distinct_from_0"))
	             ? ""
	             : " (not distinguishable from 0)");
}

/* A size in MiB shown in KiB below 1 MiB. */
static void fpr_size(char *buf, size_t len, double mib)
{
	if (mib < 1)
		snprintf(buf, len, "%.0f KiB", mib * 1024);
	else
		snprintf(buf, len, "%.1f MiB", mib);
}

static double fpr_mib(json_t *fits, const char *name, const char *key)
{
	return json_number_value(json_object_get(json_object_get(fits, name), key));
}

/* "N [lo, hi] (xF the most measured)": the count that fits the budget, from the line. */
static void fpr_extrapolated(char *buf, size_t len, json_t *v)
{
	json_t *ex = json_object_get(v, "extrapolated");
	double fit = json_number_value(json_array_get(ex, 0));
	double lo = json_number_value(json_array_get(ex, 1));
	double hi = json_number_value(json_array_get(ex, 2));
	double top = (double)json_integer_value(json_object_get(v, "measured_max"));
	char h[32] = "unbounded";

	if (hi >= 0)
		snprintf(h, sizeof(h), "%.0f", hi);
	snprintf(buf, len, "%.0f [%.0f, %s], x%.0f the most measured", fit, lo, h,
	         fit / fmax(1, top));
}

static void fpr_row(struct doc *d, const struct bb_result *res, const char *env, json_t *v)
{
	json_t *fits = json_object_get(v, "fits");
	char name[96], n[64], user[96], kern[96], parts[160], avail[96], noise[96], fit[96];
	const char *cells[] = { name,  n,     user,
		                kern,  parts, avail,
		                noise, fit,   results_jstr(v, "engine") ?: "-" };

	snprintf(name, sizeof(name), "%s%s", env,
	         results_env_emulated(res, env) ? " (EMULATED)" : "");
	snprintf(n, sizeof(n), "1-%d (%zu counts)",
	         (int)json_integer_value(json_object_get(v, "measured_max")),
	         json_array_size(json_object_get(v, "points")));
	fpr_slope(user, sizeof(user), json_object_get(fits, "pss"));
	fpr_slope(kern, sizeof(kern), json_object_get(fits, "kernel"));
	snprintf(parts, sizeof(parts), "%+.0f / %+.0f / %+.0f / %+.0f / %+.0f",
	         fpr_mib(fits, "SUnreclaim", "slope_mib") * 1024,
	         fpr_mib(fits, "SReclaimable", "slope_mib") * 1024,
	         fpr_mib(fits, "PageTables", "slope_mib") * 1024,
	         fpr_mib(fits, "KernelStack", "slope_mib") * 1024,
	         fpr_mib(fits, "Percpu", "slope_mib") * 1024);
	fpr_slope(avail, sizeof(avail), json_object_get(fits, "MemAvailable"));
	fpr_size(noise, sizeof(noise), fpr_mib(fits, "kernel", "noise_floor_mib"));
	fmt_append(noise, sizeof(noise), " / ");
	fpr_size(noise + strlen(noise), sizeof(noise) - strlen(noise),
	         fpr_mib(fits, "MemAvailable", "noise_floor_mib"));
	fpr_extrapolated(fit, sizeof(fit), v);
	doc_row(d, "", cells, sizeof(cells) / sizeof(cells[0]));
}

size_t report_footprint_table(struct doc *d, const struct bb_result *res)
{
	static const char *const heads[] = {
		"environment",
		"instances measured",
		"user space (PSS) per added instance, 95% CI",
		"host kernel per added instance, 95% CI",
		"kernel: slab unreclaimable / reclaimable / page tables / stacks / percpu (KiB)",
		"host MemAvailable drop per added instance, 95% CI",
		"noise floor (kernel / MemAvailable)",
		"instances that fit the budget (EXTRAPOLATED), 95% CI",
		"engine",
	};
	json_t *f;
	size_t i, shown = 0;

	json_array_foreach(res->facts, i, f)
	{
		json_t *v = json_object_get(f, "value");
		if (strcmp(results_jstr(f, "suite") ?: "", "footprint") ||
		    strcmp(results_jstr(f, "key") ?: "", "density_fit") || !json_is_object(v))
			continue;
		if (!shown++)
			doc_table(d, "footprint-density", heads, NULL,
			          sizeof(heads) / sizeof(heads[0]));
		fpr_row(d, res, results_jstr(f, "env"), v);
	}
	if (shown)
		doc_table_end(d);
	return shown;
}
