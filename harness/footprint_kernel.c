/* What the boxes cost the host kernel (footprint.h, "host kernel"): the host's /proc/meminfo read
 * several times in a row while a given number of instances idle, the median of each field kept
 * and the spread of the readings as the noise floor at that count. Nothing is dropped or
 * reclaimed first (no drop_caches): a figure that needs it is not a figure of the box. */
#include "footprint.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The keys, in enum fp_mi's order (FP_MI_KERNEL is their sum, not a key). */
const char *const fp_mi_names[FP_MI_N] = {
	[FP_MI_MEMTOTAL] = "MemTotal",     [FP_MI_MEMFREE] = "MemFree",
	[FP_MI_MEMAVAIL] = "MemAvailable", [FP_MI_SLAB] = "Slab",
	[FP_MI_SRECLAIM] = "SReclaimable", [FP_MI_SUNRECLAIM] = "SUnreclaim",
	[FP_MI_PAGETABLES] = "PageTables", [FP_MI_KSTACK] = "KernelStack",
	[FP_MI_PERCPU] = "Percpu",         [FP_MI_KERNEL] = "kernel",
};

/* Percpu appeared in Linux 4.16: without it the kernel sum leaves it out (0). */
static bool fp_mi_optional(enum fp_mi i)
{
	return i == FP_MI_PERCPU || i == FP_MI_KERNEL;
}

int fp_meminfo_parse(const char *text, struct fp_meminfo *out, struct bb_err *err)
{
	unsigned have = 0;

	memset(out, 0, sizeof(*out));
	for (const char *line = text; line && *line;) {
		char key[32];
		long long kib;
		if (sscanf(line, "%31[^:\n]: %lld kB", key, &kib) == 2 && kib >= 0)
			for (int i = 0; i < FP_MI_KERNEL; i++)
				if (!strcmp(key, fp_mi_names[i])) {
					out->v[i] = kib * 1024;
					have |= 1u << i;
				}
		line = strchr(line, '\n');
		line = line ? line + 1 : NULL;
	}
	for (int i = 0; i < FP_MI_N; i++)
		if (!(have & (1u << i)) && !fp_mi_optional((enum fp_mi)i))
			return bb_fail(err, 0, "meminfo: no %s line", fp_mi_names[i]);
	out->v[FP_MI_KERNEL] = out->v[FP_MI_SLAB] + out->v[FP_MI_PAGETABLES] +
	                       out->v[FP_MI_KSTACK] + out->v[FP_MI_PERCPU];
	return 0;
}

int fp_meminfo_read(struct fp_meminfo *out, struct bb_err *err)
{
	char text[8192];

	if (fp_read_text("/proc/meminfo", text, sizeof(text)) < 0)
		return bb_fail(err, errno, "footprint: read /proc/meminfo");
	if (fp_meminfo_parse(text, out, err) < 0)
		return bb_wrap(err, "footprint: /proc/meminfo");
	return 0;
}

static int fp_ll_cmp(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return (x > y) - (x < y);
}

long long fp_median_ll(long long *v, size_t n)
{
	if (!n)
		return 0;
	qsort(v, n, sizeof(*v), fp_ll_cmp);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void fp_sleep_ms(unsigned ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

void fp_kread_from(const struct fp_meminfo *r, size_t n, struct fp_kread *out)
{
	long long col[FP_KREAD_MAX];

	memset(out, 0, sizeof(*out));
	out->n = n < FP_KREAD_MAX ? n : FP_KREAD_MAX;
	for (int f = 0; f < FP_MI_N && out->n; f++) {
		for (size_t i = 0; i < out->n; i++)
			col[i] = r[i].v[f];
		out->median.v[f] = fp_median_ll(col, out->n); /* sorts col */
		out->spread[f] = col[out->n - 1] - col[0];
	}
}

int fp_kread(unsigned readings, unsigned gap_ms, struct fp_kread *out, struct bb_err *err)
{
	struct fp_meminfo r[FP_KREAD_MAX];
	size_t n = readings < 1 ? 1 : readings > FP_KREAD_MAX ? FP_KREAD_MAX : readings;

	for (size_t i = 0; i < n; i++) {
		if (i)
			fp_sleep_ms(gap_ms);
		if (fp_meminfo_read(&r[i], err) < 0)
			return -1;
	}
	fp_kread_from(r, n, out);
	return 0;
}
