#include "runner.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "proc.h"

void sample_free(struct bb_sample *s)
{
	free(s->recs);
	s->recs = NULL;
	s->nrecs = s->cap = 0;
}

static void sample_fail(struct bb_sample *s, const char *fmt, const char *detail)
{
	if (s->error[0])
		return; /* keep the first reason: later ones are consequences */
	snprintf(s->error, sizeof(s->error), fmt, detail);
}

static int sample_keep(struct bb_sample *s, const struct bb_record *rec)
{
	struct bb_record *n;

	if (s->nrecs >= BB_MAX_RECORDS) {
		sample_fail(s, "%s", "workload flooded the harness with records");
		return 1;
	}
	if (s->nrecs == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;
		n = realloc(s->recs, cap * sizeof(*n));
		if (!n)
			return -1;
		s->recs = n;
		s->cap = cap;
	}
	s->recs[s->nrecs++] = *rec;
	return 0;
}

int sample_add(struct bb_sample *s, const struct bb_record *rec, struct bb_err *err)
{
	int r = sample_keep(s, rec);

	if (r != 0)
		return bb_fail(err, r < 0 ? ENOMEM : 0, "sample: cannot keep record %s",
		               rec->metric);
	return 0;
}

/* Handle one line; returns 1 when reading should stop (end record or a fatal problem). *trig
 * is set when the line is the info record `trigger` (a live step's cue). */
static int sample_line(struct bb_sample *s, const char *line, size_t len, uint64_t t_line,
                       uint64_t t0, const char *trigger, bool *trig)
{
	struct bb_record rec;
	struct bb_err perr = { 0 };
	int r = proto_parse_line(line, len, &rec, &perr);

	if (r == 0)
		return 0;
	if (r < 0) {
		sample_fail(s, "bad record: %s", perr.msg);
		return 1;
	}
	switch (rec.kind) {
	case BB_REC_READY:
		if (!s->ready_ns) {
			s->ready_ns = t_line - t0;
			s->ready_box_ns = rec.t_mono_ns;
		}
		return 0;
	case BB_REC_END:
		/* Keep reading to EOF: what follows (a guest init's exit report) is still data,
		 * and EOF is when the instance really let go of its output. */
		if (s->end_status < 0)
			s->end_status = rec.status;
		return 0;
	case BB_REC_ERROR:
		if (!rec.metric[0]) { /* an error about the whole instance */
			sample_fail(s, "%s", rec.text);
			return 1;
		}
		return sample_keep(s, &rec) < 0 ? -1 : 0;
	default:
		*trig = rec.kind == BB_REC_INFO && trigger && !strcmp(rec.metric, trigger);
		return sample_keep(s, &rec) < 0 ? -1 : 0;
	}
}

/* The live step, then the end of the instance: the time it took was the harness's, so the
 * instance gets a fresh timeout to wind down. */
static int sample_live(struct bb_sample *s, const struct bb_live *live, struct bb_env *env,
                       const struct bb_job *job, struct bb_instance *inst, uint64_t *deadline,
                       struct bb_err *err)
{
	int rc = live->fn(live, env, job, inst, s, err);

	kill(inst->pid, SIGTERM);
	s->stopped = true;
	*deadline = bb_now_ns() + (uint64_t)(job->timeout_s * 1e9);
	return rc;
}

static int sample_read(struct bb_sample *s, struct bb_env *env, const struct bb_job *job,
                       const struct bb_live *live, struct bb_instance *inst, uint64_t t0,
                       uint64_t *deadline, struct bb_err *err)
{
	struct bb_reader *rd = malloc(sizeof(*rd));
	struct bb_err rerr = { 0 };
	const char *line;
	size_t len;
	uint64_t t;
	int rc = 0;

	if (!rd)
		return bb_fail(err, ENOMEM, "reader");
	reader_init(rd, inst->out_fd);
	for (;;) {
		enum bb_read_result r = reader_next(rd, *deadline, &line, &len, &t, &rerr);
		if (r == BB_READ_LINE) {
			bool trig = false;
			int stop =
			    sample_line(s, line, len, t, t0, live ? live->trigger : NULL, &trig);
			if (stop < 0)
				rc = bb_fail(err, ENOMEM, "records");
			if (stop)
				break;
			if (trig && !s->stopped &&
			    (rc = sample_live(s, live, env, job, inst, deadline, err)) < 0)
				break;
		} else if (r == BB_READ_LONG) {
			sample_fail(s, "%s", "workload printed a line longer than 4096 bytes");
			break;
		} else if (r == BB_READ_EOF) {
			break;
		} else if (r == BB_READ_TIMEOUT) {
			sample_fail(s, "%s", bb_interrupted ? "interrupted" : "timed out");
			break;
		} else {
			sample_fail(s, "reading records: %s", rerr.msg);
			break;
		}
	}
	free(rd);
	return rc;
}

static void sample_judge(struct bb_sample *s, const struct bb_instance *inst, bool reaped_ok,
                         const char *reap_msg)
{
	char st[96];

	if (!reaped_ok)
		sample_fail(s, "%s", reap_msg);
	if (!s->ready_ns)
		sample_fail(s, "%s", "no ready record");
	if (s->end_status < 0 && !s->stopped)
		sample_fail(s, "no end record (instance %s)",
		            proc_status_str(inst->status, st, sizeof(st)));
	else if (s->end_status > 0) {
		snprintf(st, sizeof(st), "%d", s->end_status);
		sample_fail(s, "workload ended with status %s", st);
	}
	s->ok = s->error[0] == '\0';
}

int runner_sample(struct bb_env *env, const struct bb_job *job, struct bb_sample *out,
                  struct bb_err *err)
{
	return runner_sample_live(env, job, NULL, out, err);
}

int runner_sample_live(struct bb_env *env, const struct bb_job *job, const struct bb_live *live,
                       struct bb_sample *out, struct bb_err *err)
{
	struct bb_instance inst = { .pid = -1, .pidfd = -1, .out_fd = -1 };
	struct bb_err lerr = { 0 };
	uint64_t t0, deadline;
	int rc;

	memset(out, 0, sizeof(*out));
	out->end_status = -1;
	t0 = bb_now_ns();
	deadline = t0 + (uint64_t)(job->timeout_s * 1e9);
	if (env->launcher->spawn(env, job, &inst, &lerr) < 0) {
		out->exit_ns = bb_now_ns() - t0;
		sample_fail(out, "spawn: %s", lerr.msg);
		return 0;
	}
	rc = sample_read(out, env, job, live, &inst, t0, &deadline, err);
	uint64_t now = bb_now_ns();
	/* A sample that already failed (flood, garbage, timeout) is not waited for any longer. */
	double left = out->error[0] || now >= deadline ? 0.0 : (double)(deadline - now) / 1e9;
	bb_err_clear(&lerr);
	bool reaped_ok = env->launcher->reap(env, &inst, left, &lerr) == 0;
	out->exit_ns = bb_now_ns() - t0;
	sample_judge(out, &inst, reaped_ok, lerr.msg);
	return rc;
}
