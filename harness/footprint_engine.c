/* The footprint of what wraps a box (footprint.h, "engines"): a launcher's members() hook says
 * which processes are the box, which wrap each instance (a runtime's foreground process, a shim,
 * conmon, a CLI) and which are a daemon shared by every instance (dockerd, containerd), and
 * where each instance keeps its own state. Memory: the box's PSS stays `pss`; the wrappers'
 * PSS is `wrapper_pss` (per instance) and the daemons' `engine_pss` (once, whatever the number
 * of instances). Disk: the engine's binaries and libraries (what its processes map, and the OCI
 * runtime's binary, which runs only while a container starts), its image store (layers,
 * metadata) less the state of the instances, and the instance's own state, per instance. */
#include "footprint.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "launcher.h"

int fp_members(struct bb_env *env, const struct bb_instance *inst, struct bb_members *m,
               struct bb_err *err)
{
	memset(m, 0, sizeof(*m));
	if (env->launcher && env->launcher->members)
		return env->launcher->members(env, inst, m, err);
	m->box = inst->pid;
	return 0;
}

/* PSS of each pid alone (not its tree); none alive is 0, not an error: a process of an engine
 * may come and go. */
static int fp_pss_alone(const pid_t *pids, size_t n, struct fp_mem *out, struct bb_err *err)
{
	struct bb_err e = { 0 };

	memset(out, 0, sizeof(*out));
	if (!n)
		return 0;
	if (fp_pss_sum(pids, n, out, &e) < 0 && e.errnum != ESRCH) {
		*err = e;
		return -1;
	}
	return 0;
}

int fp_engine_mem(const struct bb_members *m, double *wrap, double *engine, struct bb_err *err)
{
	struct fp_mem w, e;

	if (fp_pss_alone(m->wrap, m->nwrap, &w, err) < 0 ||
	    fp_pss_alone(m->engine, m->nengine, &e, err) < 0)
		return -1;
	*wrap = (double)w.pss;
	*engine = (double)e.pss;
	return 0;
}

int fp_engine_record(const struct bb_members *m, double wrap, double engine, struct bb_sample *smp,
                     struct bb_err *err)
{
	if (m->nwrap && fp_rec(smp, BB_REC_METRIC, "wrapper_pss", wrap / FP_MIB, NULL, err) < 0)
		return -1;
	if (m->nengine && fp_rec(smp, BB_REC_METRIC, "engine_pss", engine / FP_MIB, NULL, err) < 0)
		return -1;
	return 0;
}

/* Drop the files of one role (the other instances' state, counted only to be left out). */
static void fp_files_drop(struct fp_files *s, const char *role)
{
	size_t k = 0;

	for (size_t i = 0; i < s->n; i++) {
		if (!strcmp(s->v[i].role, role)) {
			free(s->v[i].path);
			continue;
		}
		s->v[k++] = s->v[i];
	}
	s->n = k;
}

/* Binaries and libraries the engine's processes map: role `role` for what they add, but the
 * host's C runtime stays a host library. */
static int fp_engine_maps(const pid_t *pids, size_t n, const char *role, struct fp_files *s,
                          struct bb_err *err)
{
	for (size_t i = 0; i < n; i++) {
		size_t from = s->n;
		struct bb_err e = { 0 };
		if (fp_files_add_maps(s, pids[i], &e) < 0) {
			if (e.errnum == ENOENT || e.errnum == ESRCH)
				continue; /* gone since it was listed */
			*err = e;
			return -1;
		}
		for (size_t j = from; j < s->n; j++) {
			if (!strcmp(s->v[j].role, "host library"))
				continue;
			snprintf(s->v[j].role, sizeof(s->v[j].role), "%s", role);
			s->v[j].apart = fp_role_apart(role);
		}
	}
	return 0;
}

/* A tree that may be absent (a layer's "-init" sibling only some engines make). */
static int fp_tree_if(struct fp_files *s, const char *path, const char *role, struct bb_err *err)
{
	struct bb_err e = { 0 };

	if (fp_files_add_tree(s, path, role, &e) >= 0 || e.errnum == ENOENT)
		return 0;
	*err = e;
	return -1;
}

int fp_engine_disk(const struct bb_envdesc *d, const struct bb_members *m,
                   const struct bb_members *others, size_t nothers, struct fp_files *s,
                   struct bb_err *err)
{
	for (size_t i = 0; i < m->nstate; i++)
		if (fp_tree_if(s, m->state[i], "instance state", err) < 0)
			return -1;
	for (size_t i = 0; i < s->n; i++)
		s->v[i].per_instance |= !strcmp(s->v[i].role, "instance state");
	if (d->engine.store[0]) {
		/* the other live instances' state lies in the store too: seen first, then
		 * dropped */
		for (size_t k = 0; k < nothers; k++)
			for (size_t i = 0; i < others[k].nstate; i++)
				if (fp_tree_if(s, others[k].state[i], "other", err) < 0)
					return -1;
		if (fp_files_add_tree(s, d->engine.store, "image store", err) < 0)
			return -1;
		fp_files_drop(s, "other");
	}
	/* after the store: a daemon's databases in it stay the store's; the wrappers first: a
	 * file both map runs per instance, counted */
	if (fp_engine_maps(m->wrap, m->nwrap, "engine", s, err) < 0 ||
	    fp_engine_maps(m->engine, m->nengine, "engine daemon", s, err) < 0)
		return -1;
	if (d->engine.runtime[0] &&
	    fp_files_add_path(s, d->engine.runtime, "engine", false, err) < 0)
		return -1;
	return 0;
}
