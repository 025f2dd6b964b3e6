#include "results_decomp.h"

#include <math.h>
#include <string.h>

#include <stdio.h>

#define RD_MAX_BLOCKS 100000

static json_t *rd_ms(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

static json_t *rd_blocks(const struct pairing *p, bool positions)
{
	json_t *arr = json_array();

	for (size_t b = 0; b < p->nblocks; b++) {
		json_t *row = json_array();
		for (size_t k = 0; k < p->ncols; k++)
			json_array_append_new(row, positions
			                               ? json_integer(p->pos[b * p->ncols + k])
			                               : rd_ms(p->x[b * p->ncols + k]));
		json_array_append_new(arr, row);
	}
	return arr;
}

json_t *results_decomp_json(const struct pairing *p)
{
	json_t *envs = json_array();

	for (size_t k = 0; k < p->ncols; k++)
		json_array_append_new(envs, json_string(p->cols[k]));
	return json_pack("{s:s, s:s, s:o, s:s, s:s, s:o, s:o, s:I, s:f, s:f, s:f, s:o, s:s}",
	                 "method", "paired blocks", "unit", "ms", "envs", envs, "native",
	                 p->cols[p->native], "full", p->cols[p->full], "blocks",
	                 rd_blocks(p, false), "positions", rd_blocks(p, true), "seed",
	                 (json_int_t)p->seed, "target", p->target, "budget_s", p->budget_s,
	                 "wall_s", p->spent_s, "precision", rd_ms(p->precision), "stop",
	                 p->stop ? p->stop : "interrupted");
}

/* The column of env among p's, -1 if none. */
static int rd_col(const struct pairing *p, const char *env)
{
	for (size_t k = 0; env && k < p->ncols; k++)
		if (!strcmp(p->cols[k], env))
			return (int)k;
	return -1;
}

/* The string at key, or NULL. */
static const char *rd_str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static int rd_envs(json_t *o, struct pairing *p, struct bb_err *err)
{
	json_t *envs = json_object_get(o, "envs"), *e;
	size_t i;

	if (!json_is_array(envs) || json_array_size(envs) < 2 ||
	    json_array_size(envs) > PAIRING_MAX_COLS)
		return bb_fail(err, 0, "\"envs\" is not an array of 2..%d boxes", PAIRING_MAX_COLS);
	json_array_foreach(envs, i, e)
	{
		const char *name = json_string_value(e);
		if (!name || !name[0] || strlen(name) >= sizeof(p->cols[0]) || rd_col(p, name) >= 0)
			return bb_fail(err, 0, "envs[%zu] is not a new box name", i);
		if (pairing_add_col(p, name, err) < 0)
			return -1;
	}
	p->full = rd_col(p, rd_str(o, "full"));
	p->native = rd_col(p, rd_str(o, "native"));
	if (p->full < 0 || p->native < 0 || p->full == p->native)
		return bb_fail(err, 0, "\"full\" and \"native\" are not two of its \"envs\"");
	return 0;
}

/* Block b: its times (null: a failed start) and positions (a permutation of the columns). */
static int rd_block(json_t *xs, json_t *ps, size_t b, struct pairing *p, struct bb_err *err)
{
	double x[PAIRING_MAX_COLS];
	unsigned char pos[PAIRING_MAX_COLS];
	unsigned seen = 0;

	if (!json_is_array(xs) || !json_is_array(ps) || json_array_size(xs) != p->ncols ||
	    json_array_size(ps) != p->ncols)
		return bb_fail(err, 0, "blocks[%zu] is not %zu starts and positions", b, p->ncols);
	for (size_t k = 0; k < p->ncols; k++) {
		json_t *v = json_array_get(xs, k), *q = json_array_get(ps, k);
		json_int_t at = json_is_integer(q) ? json_integer_value(q) : -1;
		if (!json_is_null(v) && (!json_is_number(v) || !isfinite(json_number_value(v)) ||
		                         json_number_value(v) < 0 || json_number_value(v) > 1e9))
			return bb_fail(err, 0, "blocks[%zu][%zu] is not a time in ms or null", b,
			               k);
		if (at < 0 || at >= (json_int_t)p->ncols || (seen & (1u << at)))
			return bb_fail(err, 0, "positions[%zu] is not a permutation", b);
		seen |= 1u << at;
		x[k] = json_is_null(v) ? NAN : json_number_value(v);
		pos[k] = (unsigned char)at;
	}
	return pairing_append(p, x, pos, err);
}

static int rd_fields(json_t *o, struct pairing *p, struct bb_err *err)
{
	static const char *const stops[] = { "precision", "budget", "max",         "reps",
		                             "failed",    "once",   "interrupted", NULL };
	json_t *seed = json_object_get(o, "seed"), *target = json_object_get(o, "target");
	const char *stop = rd_str(o, "stop");

	if (!json_is_integer(seed) || json_integer_value(seed) < 0 || !json_is_number(target) ||
	    !(json_number_value(target) >= 0) || json_number_value(target) > 1 ||
	    strcmp(rd_str(o, "unit") ? rd_str(o, "unit") : "", "ms"))
		return bb_fail(err, 0, "\"seed\", \"target\" or \"unit\" is not what run writes");
	p->seed = (unsigned long)json_integer_value(seed);
	p->target = json_number_value(target);
	for (size_t i = 0; stop && stops[i]; i++)
		if (!strcmp(stop, stops[i]))
			p->stop = stops[i];
	if (!p->stop)
		return bb_fail(err, 0, "\"stop\" is not a reason run gives");
	return 0;
}

int results_decomp_parse(json_t *o, struct pairing *p, struct bb_err *err)
{
	json_t *xs = json_object_get(o, "blocks"), *ps = json_object_get(o, "positions");

	pairing_init(p, 1);
	if (!json_is_object(o))
		return bb_fail(err, 0, "decomposition: not an object");
	if (rd_envs(o, p, err) < 0 || rd_fields(o, p, err) < 0)
		goto fail;
	if (!json_is_array(xs) || !json_is_array(ps) ||
	    json_array_size(xs) != json_array_size(ps) || json_array_size(xs) > RD_MAX_BLOCKS) {
		bb_fail(err, 0,
		        "\"blocks\" and \"positions\" are not arrays of one length (at most %d)",
		        RD_MAX_BLOCKS);
		goto fail;
	}
	for (size_t b = 0; b < json_array_size(xs); b++)
		if (rd_block(json_array_get(xs, b), json_array_get(ps, b), b, p, err) < 0)
			goto fail;
	return 0;
fail:
	pairing_free(p);
	return bb_wrap(err, "decomposition");
}
