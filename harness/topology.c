#include "topology.h"

#include <hwloc.h>
#include <stdio.h>

static int count(hwloc_topology_t topo, hwloc_obj_type_t type)
{
	int n = hwloc_get_nbobjs_by_type(topo, type);
	return n < 0 ? 0 : n;
}

static unsigned long long cache_size(hwloc_topology_t topo, hwloc_obj_type_t type)
{
	hwloc_obj_t o = hwloc_get_obj_by_type(topo, type, 0);
	return o && o->attr ? (unsigned long long)o->attr->cache.size : 0;
}

/* How many processing units share the first cache of a type (Google Benchmark's
 * num_sharing). */
static int cache_sharing(hwloc_topology_t topo, hwloc_obj_type_t type)
{
	hwloc_obj_t o = hwloc_get_obj_by_type(topo, type, 0);
	int n = o && o->cpuset ? hwloc_bitmap_weight(o->cpuset) : 0;

	return n < 0 ? 0 : n;
}

static void topology_caches(hwloc_topology_t topo, struct bb_topology *t)
{
	t->l1d_sharing = cache_sharing(topo, HWLOC_OBJ_L1CACHE);
	t->l2_sharing = cache_sharing(topo, HWLOC_OBJ_L2CACHE);
	t->l3_sharing = cache_sharing(topo, HWLOC_OBJ_L3CACHE);
	t->l1d_bytes = cache_size(topo, HWLOC_OBJ_L1CACHE);
	t->l2_bytes = cache_size(topo, HWLOC_OBJ_L2CACHE);
	t->l3_bytes = cache_size(topo, HWLOC_OBJ_L3CACHE);
	t->llc_bytes = t->l3_bytes ? t->l3_bytes : t->l2_bytes ? t->l2_bytes : t->l1d_bytes;
}

/* The other PUs of the pinned PU's core: a sibling's load shares the core's execution units
 * (and its L1/L2) with the workload. */
static void topology_siblings(hwloc_topology_t topo, hwloc_obj_t core, hwloc_obj_t pu,
                              struct bb_topology *t)
{
	hwloc_obj_t other = NULL;

	t->nsmt_siblings = 0;
	if (!core)
		return;
	while ((other = hwloc_get_next_obj_inside_cpuset_by_type(topo, core->cpuset, HWLOC_OBJ_PU,
	                                                         other)))
		if (other != pu && t->nsmt_siblings < TOPOLOGY_MAX_SIBLINGS)
			t->smt_siblings[t->nsmt_siblings++] = (int)other->os_index;
}

static int topology_choose(hwloc_topology_t topo, int requested_pu, struct bb_topology *t,
                           struct bb_err *err)
{
	hwloc_obj_t pu;

	if (requested_pu >= 0) {
		pu = hwloc_get_pu_obj_by_os_index(topo, (unsigned)requested_pu);
		if (!pu)
			return bb_fail(err, 0, "topology: no processing unit with OS index %d here",
			               requested_pu);
	} else {
		pu = hwloc_get_obj_by_type(topo, HWLOC_OBJ_PU, (unsigned)(t->pus - 1));
		if (!pu)
			return bb_fail(err, 0, "topology: hwloc found no processing unit");
	}
	t->pinned_pu = (int)pu->os_index;
	t->harness_pu = -1;
	hwloc_obj_t core = hwloc_get_ancestor_obj_by_type(topo, HWLOC_OBJ_CORE, pu);
	topology_siblings(topo, core, pu, t);
	for (int i = 0; i < t->pus; i++) {
		hwloc_obj_t other = hwloc_get_obj_by_type(topo, HWLOC_OBJ_PU, (unsigned)i);
		hwloc_obj_t ocore = hwloc_get_ancestor_obj_by_type(topo, HWLOC_OBJ_CORE, other);
		if (other != pu && (!core || ocore != core)) {
			t->harness_pu = (int)other->os_index;
			break;
		}
	}
	return 0;
}

int topology_probe(int requested_pu, struct bb_topology *t, struct bb_err *err)
{
	hwloc_topology_t topo;
	int rc;

	if (hwloc_topology_init(&topo) < 0)
		return bb_fail(err, 0, "topology: hwloc init failed");
	if (hwloc_topology_load(topo) < 0) {
		hwloc_topology_destroy(topo);
		return bb_fail(err, 0, "topology: hwloc could not load the topology");
	}
	t->packages = count(topo, HWLOC_OBJ_PACKAGE);
	t->cores = count(topo, HWLOC_OBJ_CORE);
	t->pus = count(topo, HWLOC_OBJ_PU);
	t->numa_nodes = count(topo, HWLOC_OBJ_NUMANODE);
	topology_caches(topo, t);
	rc = topology_choose(topo, requested_pu, t, err);
	hwloc_topology_destroy(topo);
	return rc;
}

json_t *topology_to_json(const struct bb_topology *t)
{
	json_t *o = json_pack("{s:i, s:i, s:i, s:i, s:{s:I, s:I, s:I, s:I}, s:i}", "packages",
	                      t->packages, "cores", t->cores, "pus", t->pus, "numa_nodes",
	                      t->numa_nodes, "caches", "l1d", (json_int_t)t->l1d_bytes, "l2",
	                      (json_int_t)t->l2_bytes, "l3", (json_int_t)t->l3_bytes, "llc",
	                      (json_int_t)t->llc_bytes, "pinned_pu", t->pinned_pu);

	if (o)
		json_object_set_new(o, "cache_sharing",
		                    json_pack("{s:i, s:i, s:i}", "l1d", t->l1d_sharing, "l2",
		                              t->l2_sharing, "l3", t->l3_sharing));
	if (o)
		json_object_set_new(o, "harness_pu",
		                    t->harness_pu >= 0 ? json_integer(t->harness_pu) : json_null());
	return o;
}
