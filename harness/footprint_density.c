/* The density and the host kernel's cost per instance (footprint.h, "density and the host
 * kernel"), repetition 0 of the footprint suite: beside the live instance, further instances
 * are added in steps and, at each count, the PSS of all of them and the host's /proc/meminfo
 * are measured; lines fitted through those points give the marginal cost per instance. The
 * first step's instances are also watched for the files they open (the disk). Every instance
 * started here is torn down before it returns. */
#include "footprint_live.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cleanup.h"
#include "proc.h"
#include "protocol.h"

#define FP_SETTLE_MS   300 /* after the last instance is idle: its deferred kernel work */
#define FP_READINGS    7   /* of /proc/meminfo at each count */
#define FP_READ_GAP_MS 40
#define FP_FLOOR_MIN   (1024.0 * FP_MIB) /* MemAvailable the host keeps, at least */

struct fp_extra {
	struct bb_instance inst;
	bool spawned, idle;
	char why[320];
};

/* Read the extra instance's records until it says `idle` (or fails, ends, or times out). */
static void fp_extra_wait(struct fp_extra *x, uint64_t deadline)
{
	_cleanup_free_ struct bb_reader *rd = malloc(sizeof(*rd));
	struct bb_err e = { 0 };
	struct bb_record rec;
	const char *line;
	size_t len;
	uint64_t t;

	if (!rd) {
		snprintf(x->why, sizeof(x->why), "out of memory");
		return;
	}
	reader_init(rd, x->inst.out_fd);
	for (;;) {
		enum bb_read_result r = reader_next(rd, deadline, &line, &len, &t, &e);
		if (r == BB_READ_LONG)
			continue;
		if (r != BB_READ_LINE) {
			snprintf(x->why, sizeof(x->why), "%s",
			         r == BB_READ_EOF       ? "it ended before it was idle"
			         : r == BB_READ_TIMEOUT ? "it was not idle before the timeout"
			                                : e.msg);
			return;
		}
		int p = proto_parse_line(line, len, &rec, &e);
		if (p < 0) {
			snprintf(x->why, sizeof(x->why), "bad record: %.200s", e.msg);
			return;
		}
		if (p == 1 && rec.kind == BB_REC_INFO && !strcmp(rec.metric, FP_TRIGGER)) {
			x->idle = true;
			return;
		}
		if (p == 1 && (rec.kind == BB_REC_END || rec.kind == BB_REC_ERROR)) {
			snprintf(x->why, sizeof(x->why), "%s",
			         rec.kind == BB_REC_END ? "it ended before it was idle" : rec.text);
			return;
		}
	}
}

/* Start them all first, so that they come up at once, then wait for each to be idle. */
static void fp_extras_start(struct bb_env *env, const struct bb_job *job, struct fp_extra *x,
                            size_t n)
{
	uint64_t deadline = bb_now_ns() + (uint64_t)(job->timeout_s * 1e9);

	for (size_t i = 0; i < n; i++) {
		struct bb_err e = { 0 };
		x[i].inst = (struct bb_instance){ .pid = -1, .pidfd = -1, .out_fd = -1 };
		if (env->launcher->spawn(env, job, &x[i].inst, &e) < 0)
			snprintf(x[i].why, sizeof(x[i].why), "spawn: %.300s", e.msg);
		else
			x[i].spawned = true;
	}
	for (size_t i = 0; i < n; i++)
		if (x[i].spawned)
			fp_extra_wait(&x[i], deadline);
}

/* Ask every one to stop, then reap each (reap kills what does not stop in time). */
static void fp_extras_stop(struct bb_env *env, struct fp_extra *x, size_t n, double timeout_s,
                           char *why, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (x[i].spawned)
			kill(x[i].inst.pid, SIGTERM);
	for (size_t i = 0; i < n; i++) {
		struct bb_err e = { 0 };
		if (!x[i].spawned)
			continue;
		if (env->launcher->reap(env, &x[i].inst, timeout_s, &e) != 0 && !why[0])
			snprintf(why, len, "teardown of a density instance: %.300s", e.msg);
		x[i].spawned = false;
	}
}

/* One measured count: the PSS of every instance and the host's meminfo. */
struct fp_point {
	unsigned n;
	double pss; /* bytes: boxes and wrappers of all, the shared daemons once */
	struct fp_kread k;
};

struct fp_density {
	const struct fp_ctx *c;
	struct bb_env *env;
	const struct bb_job *job;
	const struct bb_members *mb; /* the live instance's */
	struct fp_extra *x;          /* the further instances, cap of them */
	struct bb_members *xm;
	size_t cap, nx; /* allocated, started */
	struct fp_point *pts;
	size_t np;
	struct fp_plan plan;
	double budget, first, s_per_inst;
	uint64_t t0;
	bool disk_done;
	char stop[320]; /* why it stopped growing */
};

/* Total PSS of every live instance (box and wrappers) and, once, of the shared engine. */
static int fp_density_total(const struct fp_live *lv, double *total, struct bb_err *err)
{
	struct fp_inst m;
	double wrap, engine;

	*total = 0;
	for (size_t i = 0; i <= lv->nothers; i++) {
		const struct bb_members *mb = i ? &lv->others[i - 1] : lv->mb;
		if (fp_inst_measure(mb->box, &m, err) < 0 ||
		    fp_engine_mem(mb, &wrap, &engine, err) < 0)
			return -1;
		*total += (double)m.mem.pss + wrap + (i ? 0 : engine);
	}
	return 0;
}

static void fp_sleep_ms(unsigned ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Measure the count as it stands: settle, PSS of all, then the meminfo readings. */
static int fp_point_take(struct fp_density *d, struct bb_err *err)
{
	struct fp_live lv = { .mb = d->mb, .others = d->xm, .nothers = d->nx };
	struct fp_point *p = &d->pts[d->np];

	fp_sleep_ms(FP_SETTLE_MS);
	p->n = (unsigned)d->nx + 1;
	if (fp_density_total(&lv, &p->pss, err) < 0 ||
	    fp_kread(FP_READINGS, FP_READ_GAP_MS, &p->k, err) < 0)
		return bb_wrap(err, "at %u instances", p->n);
	d->np++;
	return 0;
}

/* Members of the instances [from, nx) (a failure makes one not idle). */
static void fp_extras_members(struct fp_density *d, size_t from)
{
	for (size_t i = from; i < d->nx; i++) {
		struct bb_err e = { 0 };
		if (d->x[i].idle && fp_members(d->env, &d->x[i].inst, &d->xm[i], &e) < 0) {
			d->x[i].idle = false;
			snprintf(d->x[i].why, sizeof(d->x[i].why), "members: %.300s", e.msg);
		}
	}
}

/* The pids whose opens count for the disk: each further instance, its box and wrappers. */
static size_t fp_extras_pids(const struct fp_density *d, pid_t *xp)
{
	size_t nxp = 0;

	for (size_t i = 0; i < d->nx; i++) {
		if (!d->x[i].spawned)
			continue;
		xp[nxp++] = d->x[i].inst.pid;
		if (d->xm[i].box > 0)
			xp[nxp++] = d->xm[i].box;
		for (size_t j = 0; j < d->xm[i].nwrap; j++)
			xp[nxp++] = d->xm[i].wrap[j];
	}
	return nxp;
}

/* Start `batch` more; returns 0 when all are idle, -1 (d->stop says why) otherwise. */
static int fp_grow_batch(struct fp_density *d, unsigned batch)
{
	size_t from = d->nx;
	uint64_t t = bb_now_ns();

	fp_extras_start(d->env, d->job, d->x + from, batch);
	d->nx += batch;
	fp_extras_members(d, from);
	/* the slowest step so far: starts slow down as instances pile up on the processors */
	d->s_per_inst = fmax(d->s_per_inst, (double)(bb_now_ns() - t) / 1e9 / batch);
	for (size_t i = from; i < d->nx; i++)
		if (!d->x[i].idle) {
			snprintf(d->stop, sizeof(d->stop),
			         "instance %zu of %zu did not come up: %.250s", i + 2, d->nx + 1,
			         d->x[i].why);
			return -1;
		}
	return 0;
}

/* Where the growth stands, from the points so far. */
static void fp_grow_state_of(const struct fp_density *d, struct fp_grow_state *g)
{
	const struct fp_point *a = &d->pts[0], *z = &d->pts[d->np - 1];
	double drop = (double)(a->k.median.v[FP_MI_MEMAVAIL] - z->k.median.v[FP_MI_MEMAVAIL]);
	double steps = z->n > a->n ? z->n - a->n : 1;

	memset(g, 0, sizeof(*g));
	g->n = z->n;
	g->measured = fmax(z->pss, d->first + drop);
	g->per_inst = z->n > a->n ? fmax((z->pss - a->pss) / steps, drop / steps) : d->first;
	g->per_inst = fmax(g->per_inst, d->first / 8); /* shared pages make a step look free */
	g->elapsed_s = (double)(bb_now_ns() - d->t0) / 1e9;
	g->s_per_inst = d->s_per_inst;
	g->avail = (double)z->k.median.v[FP_MI_MEMAVAIL];
}

/* The disk, once, with the opens of the instances started so far (none when none could be). */
static int fp_density_disk(struct fp_density *d, struct fp_opens *w, struct bb_sample *smp,
                           struct bb_err *err)
{
	_cleanup_free_ pid_t *xp = calloc(d->nx * (2 + BB_MEMBERS_MAX) + 1, sizeof(*xp));
	struct fp_live lv = { .mb = d->mb, .others = d->xm, .nothers = d->nx };
	int rc;

	if (!xp)
		return bb_fail(err, ENOMEM, "footprint: density");
	rc = fp_disk(d->c, d->env, &lv, w, xp, fp_extras_pids(d, xp), smp, err);
	fp_opens_stop(w);
	d->disk_done = true;
	return rc;
}

/* One step: decide, start, (first step: the disk), measure. 1 grew, 0 stopped, -1 failure. */
static int fp_grow_step(struct fp_density *d, struct fp_opens *w, struct bb_sample *smp,
                        struct bb_err *err)
{
	struct fp_grow_state g;
	unsigned batch;

	if (bb_interrupted) {
		snprintf(d->stop, sizeof(d->stop), "interrupted");
		return 0;
	}
	fp_grow_state_of(d, &g);
	batch = fp_next_batch(&d->plan, &g, d->stop, sizeof(d->stop));
	if (batch > d->cap - d->nx)
		batch = (unsigned)(d->cap - d->nx);
	if (!batch)
		return 0;
	int up = fp_grow_batch(d, batch);
	if (!d->disk_done && fp_density_disk(d, w, smp, err) < 0)
		return -1;
	if (up < 0)
		return 0;
	struct bb_err e = { 0 };
	if (fp_point_take(d, &e) < 0) {
		snprintf(d->stop, sizeof(d->stop), "%.300s", e.msg);
		return 0;
	}
	return 1;
}

/* The lines fitted: user space (PSS) and the host's meminfo fields, each as memory taken
 * (MemAvailable and MemFree fall as instances are added: their drop). */
static const struct {
	const char *name;
	int field; /* enum fp_mi, -1: PSS */
	int sign;
} fp_fitted[] = {
	{ "pss", -1, 1 },
	{ "kernel", FP_MI_KERNEL, 1 },
	{ "SUnreclaim", FP_MI_SUNRECLAIM, 1 },
	{ "SReclaimable", FP_MI_SRECLAIM, 1 },
	{ "PageTables", FP_MI_PAGETABLES, 1 },
	{ "KernelStack", FP_MI_KSTACK, 1 },
	{ "Percpu", FP_MI_PERCPU, 1 },
	{ "MemAvailable", FP_MI_MEMAVAIL, -1 },
	{ "MemFree", FP_MI_MEMFREE, -1 },
};
#define FP_NFITTED (sizeof(fp_fitted) / sizeof(fp_fitted[0]))
enum { FP_FIT_PSS, FP_FIT_KERNEL, FP_FIT_AVAIL = 7 };

/* Fit every line; the noise floor of each field: the largest spread of its readings. */
static int fp_density_fits(const struct fp_density *d, struct fp_fit *fits, double *noise,
                           struct bb_err *err)
{
	double x[FP_MAX_DENSITY], y[FP_MAX_DENSITY];

	for (size_t f = 0; f < FP_NFITTED; f++) {
		noise[f] = fp_fitted[f].field < 0 ? -1 : 0;
		for (size_t i = 0; i < d->np; i++) {
			const struct fp_point *p = &d->pts[i];
			int k = fp_fitted[f].field;
			x[i] = p->n;
			y[i] = k < 0 ? p->pss : fp_fitted[f].sign * (double)p->k.median.v[k];
			if (k >= 0)
				noise[f] = fmax(noise[f], (double)p->k.spread[k]);
		}
		if (fp_fit_line(x, y, d->np, &fits[f], err) < 0)
			return -1;
	}
	return 0;
}

/* noise < 0: none (PSS is read once per count) */
static json_t *fp_fit_json(const struct fp_fit *f, double noise)
{
	return json_pack("{s:f, s:f, s:[f, f], s:f, s:f, s:b, s:o}", "slope_mib", f->slope / FP_MIB,
	                 "se_mib", f->se / FP_MIB, "ci95_mib", f->lo / FP_MIB, f->hi / FP_MIB,
	                 "intercept_mib", f->intercept / FP_MIB, "resid_sd_mib",
	                 f->resid_sd / FP_MIB, "distinct_from_0", f->lo > 0 || f->hi < 0,
	                 "noise_floor_mib", noise < 0 ? json_null() : json_real(noise / FP_MIB));
}

/* Engines are counted per instance on no side (footprint.h): say what that leaves out. */
static void fp_engine_said(const struct fp_density *d, char *buf, size_t len)
{
	if (d->env->desc.caps & BB_CAP_DAEMON)
		snprintf(buf, len,
		         "engine's shared daemons (%zu processes) not counted per instance on any "
		         "side: in engine_pss and the fit's intercept; its per-instance processes "
		         "(%zu) counted",
		         d->mb->nengine, d->mb->nwrap);
	else if (d->mb->nwrap)
		snprintf(buf, len,
		         "no shared daemon; the %zu per-instance process(es) wrapping the box "
		         "counted",
		         d->mb->nwrap);
	else
		snprintf(buf, len, "no engine: the box's own processes only");
}

/* The whole density as one structured fact: the points, the lines, the plan, the stop. */
static int fp_density_fact(const struct fp_density *d, const struct fp_fit *fits,
                           const double *noise, const double *cap, const char *engine,
                           struct bb_err *err)
{
	json_t *pts = json_array(), *lines = json_object();
	json_t *o;

	for (size_t i = 0; i < d->np && pts; i++) {
		json_t *mi = json_object();
		for (int k = 0; k < FP_MI_N && mi; k++)
			json_object_set_new(mi, fp_mi_names[k],
			                    json_real((double)d->pts[i].k.median.v[k] / FP_MIB));
		json_array_append_new(pts,
		                      json_pack("{s:i, s:f, s:o}", "n", (int)d->pts[i].n, "pss_mib",
		                                d->pts[i].pss / FP_MIB, "meminfo_mib", mi));
	}
	for (size_t f = 0; f < FP_NFITTED && lines; f++)
		json_object_set_new(lines, fp_fitted[f].name, fp_fit_json(&fits[f], noise[f]));
	o = json_pack("{s:o, s:o, s:i, s:i, s:s, s:s, s:{s:i, s:f, s:f, s:f}, s:f, s:[f, f, f]}",
	              "points", pts, "fits", lines, "measured_max", (int)d->pts[d->np - 1].n,
	              "readings", FP_READINGS, "stopped", d->stop, "engine", engine, "plan", "kmax",
	              (int)d->plan.kmax, "share_mib", d->plan.share / FP_MIB, "time_s",
	              d->plan.time_s, "floor_mib", d->plan.floor / FP_MIB, "budget_bytes",
	              d->budget, "extrapolated", cap[0], cap[1], cap[2]);
	return fp_fact(d->c, d->env, "density_fit", o, err);
}

static int fp_density_error(struct bb_sample *smp, const char *why, struct bb_err *err)
{
	static const char *const metrics[] = { "density_increment", "extrapolated_fit",
		                               "kernel_per_instance", NULL };

	for (size_t i = 0; metrics[i]; i++)
		if (fp_error(smp, metrics[i], err, "%s", why) < 0)
			return -1;
	return 0;
}

/* A per-instance metric only when its line's CI excludes 0; otherwise why not, as an info. */
static int fp_slope_metric(struct bb_sample *smp, const char *metric, const struct fp_fit *f,
                           double noise, struct bb_err *err)
{
	char key[48];

	if (f->lo > 0)
		return fp_metric(smp, metric, f->slope / FP_MIB, err);
	snprintf(key, sizeof(key), "%s_indistinct", metric);
	return fp_info(smp, key, err,
	               "%s: %+.0f KiB per instance, 95%% CI [%+.0f, %+.0f] KiB over %zu counts; "
	               "noise floor %.0f KiB",
	               f->hi < 0 ? "below 0, so not the boxes' (memory freed elsewhere on the host "
	                           "while they were added)"
	                         : "not distinguishable from 0",
	               f->slope / 1024, f->lo / 1024, f->hi / 1024, f->n, noise / 1024);
}

static int fp_kernel_note(struct bb_sample *smp, const struct fp_fit *fits, const double *noise,
                          struct bb_err *err)
{
	/* Under 256 characters: the report shows a fact's first 255. */
	return fp_info(smp, "kernel_note", err,
	               "per added instance (KiB): kernel %+.0f [%+.0f, %+.0f] = slab %+.0f "
	               "unreclaimable %+.0f reclaimable, page tables %+.0f, stacks %+.0f, percpu "
	               "%+.0f; MemAvailable drop %+.0f; noise floor %.0f",
	               fits[1].slope / 1024, fits[1].lo / 1024, fits[1].hi / 1024,
	               fits[2].slope / 1024, fits[3].slope / 1024, fits[4].slope / 1024,
	               fits[5].slope / 1024, fits[6].slope / 1024, fits[7].slope / 1024,
	               noise[1] / 1024);
}

static int fp_density_records(const struct fp_density *d, const struct fp_fit *fits,
                              const double *noise, const double *cap, struct bb_sample *smp,
                              struct bb_err *err)
{
	const struct fp_fit *u = &fits[FP_FIT_PSS];
	unsigned top = d->pts[d->np - 1].n;
	char hi[32] = "unbounded";

	if (cap[2] >= 0)
		snprintf(hi, sizeof(hi), "%.0f", cap[2]);
	/* the host's MemAvailable drop holds whatever else ran on the host: told, not a metric */
	if (fp_metric(smp, "density_increment", u->slope / FP_MIB, err) < 0 ||
	    fp_metric(smp, "extrapolated_fit", cap[0], err) < 0 ||
	    fp_slope_metric(smp, "kernel_per_instance", &fits[FP_FIT_KERNEL], noise[1], err) < 0 ||
	    fp_info_num(smp, "density_total_mib", d->pts[d->np - 1].pss / FP_MIB, err) < 0 ||
	    fp_info_num(smp, "host_per_instance_mib", fits[FP_FIT_AVAIL].slope / FP_MIB, err) < 0 ||
	    fp_info_num(smp, "density_k", top, err) < 0 ||
	    fp_info_num(smp, "density_counts", (double)d->np, err) < 0 ||
	    fp_info_num(smp, "density_budget_bytes", d->budget, err) < 0 ||
	    fp_info(smp, "density_stop", err, "%s", d->stop) < 0 ||
	    fp_kernel_note(smp, fits, noise, err) < 0)
		return -1;
	/* Under 256 characters: the report shows a fact's first 255. */
	return fp_info(smp, "density_note", err,
	               "EXTRAPOLATION from 1-%u instances measured (%zu counts) to %.4g GiB: %.0f "
	               "[%.0f, %s], x%.0f the most measured; +%.3g MiB PSS each [%.3g, %.3g]%s",
	               top, d->np, d->budget / (FP_MIB * 1024), cap[0], cap[1], hi, cap[0] / top,
	               u->slope / FP_MIB, u->lo / FP_MIB, u->hi / FP_MIB,
	               fp_is_vm(d->env) ? "; a guest holds only the RAM it touched" : "");
}

static int fp_density_report(const struct fp_density *d, struct bb_sample *smp, struct bb_err *err)
{
	struct fp_fit fits[FP_NFITTED];
	double noise[FP_NFITTED], cap[3];
	char engine[256], why[512];
	struct bb_err e = { 0 };

	if (d->np < FP_MIN_DENSITY) {
		snprintf(why, sizeof(why), "%zu instance count%s measured (at least %d needed): %s",
		         d->np, d->np == 1 ? "" : "s", FP_MIN_DENSITY, d->stop);
		return fp_density_error(smp, why, err);
	}
	if (fp_density_fits(d, fits, noise, &e) < 0 ||
	    fp_fit_capacity(&fits[FP_FIT_PSS], d->budget, &cap[0], &cap[1], &cap[2], &e) < 0)
		return fp_density_error(smp, e.msg, err);
	fp_engine_said(d, engine, sizeof(engine));
	if (fp_info(smp, "engine_counted", err, "%s", engine) < 0 ||
	    fp_density_records(d, fits, noise, cap, smp, err) < 0)
		return -1;
	return fp_density_fact(d, fits, noise, cap, engine, err);
}

static void fp_plan_of(const struct fp_ctx *c, double memtotal, struct fp_density *d)
{
	unsigned k = c && c->density ? c->density : FP_DEFAULT_DENSITY;
	unsigned share = c && c->share ? c->share : FP_DEFAULT_SHARE;

	d->budget = c && c->budget > 0 ? (double)c->budget : (double)FP_DEFAULT_BUDGET;
	d->plan.kmax = k < FP_MIN_DENSITY   ? FP_MIN_DENSITY
	               : k > FP_MAX_DENSITY ? FP_MAX_DENSITY
	                                    : k;
	d->plan.share = d->budget * share / 100.0;
	d->plan.time_s = c && c->time_s > 0 ? c->time_s : FP_DENSITY_TIME_S;
	d->plan.floor = fmax(FP_FLOOR_MIN, memtotal / 4);
	d->cap = d->plan.kmax - 1;
}

/* Grow from the live instance alone: its count first, then step by step. */
static int fp_density_grow(struct fp_density *d, struct fp_opens *w, struct bb_sample *smp,
                           struct bb_err *err)
{
	struct bb_err e = { 0 };
	int r;

	if (d->first < 0) {
		snprintf(d->stop, sizeof(d->stop), "the first instance could not be measured");
		return 0;
	}
	if (fp_point_take(d, &e) < 0) {
		snprintf(d->stop, sizeof(d->stop), "%.300s", e.msg);
		return 0;
	}
	while ((r = fp_grow_step(d, w, smp, err)) > 0)
		;
	return r;
}

int fp_rep0(const struct fp_ctx *c, struct bb_env *env, const struct bb_job *job,
            struct bb_instance *inst, const struct bb_members *mb, double first,
            struct bb_sample *smp, struct bb_err *err)
{
	struct fp_density d = { .c = c, .env = env, .job = job, .mb = mb, .first = first };
	struct fp_meminfo mi = { 0 };
	const char *marks[10];
	char exe[PATH_MAX], why[400] = "";
	struct fp_opens w;
	int rc;

	fp_meminfo_read(&mi, &(struct bb_err){ 0 }); /* MemTotal for the floor; 0: 1 GiB */
	fp_plan_of(c, (double)mi.v[FP_MI_MEMTOTAL], &d);
	d.x = calloc(d.cap, sizeof(*d.x));
	d.xm = calloc(d.cap, sizeof(*d.xm));
	d.pts = calloc(d.cap + 1, sizeof(*d.pts));
	if (!d.x || !d.xm || !d.pts) {
		rc = bb_fail(err, ENOMEM, "footprint: density");
		goto out;
	}
	d.t0 = bb_now_ns();
	fp_marks(env, inst->pid, exe, sizeof(exe), marks, 9);
	fp_opens_start(&w, marks);
	rc = fp_density_grow(&d, &w, smp, err);
	if (rc == 0 && !d.disk_done)
		rc = fp_density_disk(&d, &w, smp, err);
	fp_opens_stop(&w);
	if (rc == 0)
		rc = fp_density_report(&d, smp, err);
	fp_extras_stop(env, d.x, d.nx, job->timeout_s < 10 ? job->timeout_s : 10, why, sizeof(why));
	if (rc == 0 && why[0])
		rc = fp_error(smp, "density_increment", err, "%s", why);
out:
	free(d.x);
	free(d.xm);
	free(d.pts);
	return rc;
}
