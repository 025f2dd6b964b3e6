#include "envdesc.h"

#include <string.h>

#include "ns.h"

static const char *const class_names[] = {
	[BB_CLASS_UNKNOWN] = "unknown",     [BB_CLASS_NATIVE] = "native",
	[BB_CLASS_CONTAINER] = "container", [BB_CLASS_VM] = "vm",
	[BB_CLASS_NESTED] = "nested",
};

static const struct {
	unsigned bit;
	const char *name;
} cap_names[] = {
	{ BB_CAP_IMAGE, "image" },
	{ BB_CAP_DECOMPOSE, "decompose" },
	{ BB_CAP_GUEST_CLOCK, "guest_clock" },
	{ BB_CAP_DAEMON, "daemon" },
	{ BB_CAP_LIMITS, "limits" },
	{ BB_CAP_OWN_KERNEL, "own_kernel" },
};

#define N_CAPS (sizeof(cap_names) / sizeof(cap_names[0]))

const char *envdesc_class_name(enum bb_class c)
{
	return (unsigned)c < sizeof(class_names) / sizeof(class_names[0]) ? class_names[c]
	                                                                  : "unknown";
}

bool envdesc_is_variant(const struct bb_envdesc *d)
{
	return d && d->variant_of[0] != '\0';
}

void envdesc_init(struct bb_envdesc *d, const char *name)
{
	memset(d, 0, sizeof(*d));
	snprintf(d->name, sizeof(d->name), "%s", name ? name : "");
	d->pu = -1;
	d->rootfs.bytes = -1;
}

void envdesc_free(struct bb_envdesc *d)
{
	json_decref(d->extra);
	d->extra = NULL;
}

void envdesc_copy(struct bb_envdesc *dst, const struct bb_envdesc *src)
{
	*dst = *src;
	json_incref(dst->extra);
}

/* --- writing --- */

static json_t *envdesc_caps_json(unsigned caps)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < N_CAPS; i++)
		if (caps & cap_names[i].bit)
			json_array_append_new(a, json_string(cap_names[i].name));
	return a;
}

static json_t *envdesc_ns_json(unsigned mask)
{
	json_t *a = json_array();

	for (const struct ns_kind *k = ns_kinds; a && k->name; k++)
		if (mask & k->bit)
			json_array_append_new(a, json_string(k->name));
	return a;
}

static json_t *envdesc_cgroup_json(const struct bb_envdesc_cgroup *c)
{
	if (!c->on)
		return json_null();
	return json_pack("{s:s, s:b, s:f, s:I, s:I, s:I}", "mode", c->mode, "hybrid", c->hybrid,
	                 "cpu_quota", c->cpu_quota, "cpu_period_us", (json_int_t)c->cpu_period_us,
	                 "mem_limit", (json_int_t)c->mem_limit, "pids_limit",
	                 (json_int_t)c->pids_limit);
}

static json_t *envdesc_rootfs_json(const struct bb_envdesc *d)
{
	const struct bb_envdesc_rootfs *r = &d->rootfs;
	json_t *o;

	if (!r->on)
		return json_null();
	o = json_pack("{s:s}", "path", r->path);
	if (o && d->image[0])
		json_object_set_new(o, "image", json_string(d->image));
	if (o && d->image_source[0])
		json_object_set_new(o, "image_source", json_string(d->image_source));
	if (o && r->bytes >= 0) {
		json_object_set_new(o, "bytes", json_integer((json_int_t)r->bytes));
		json_object_set_new(o, "entries", json_integer(r->entries));
	}
	return o;
}

static void set_str(json_t *o, const char *key, const char *v)
{
	if (v[0])
		json_object_set_new(o, key, json_string(v));
}

static void envdesc_guest_json(json_t *o, const struct bb_envdesc *d)
{
	set_str(o, "vmm", d->vmm);
	set_str(o, "vmm_version", d->vmm_version);
	set_str(o, "machine", d->machine);
	set_str(o, "accel", d->accel);
	json_object_set_new(o, "emulated", json_boolean(d->emulated));
	set_str(o, "guest_kernel", d->guest_kernel);
	set_str(o, "guest_kernel_version", d->guest_kernel_version);
	set_str(o, "guest_kernel_image", d->guest_kernel_image);
	set_str(o, "initramfs", d->initramfs);
	set_str(o, "root_disk", d->root_disk);
	set_str(o, "boot", d->boot);
	if (d->mem_mib)
		json_object_set_new(o, "mem_mib", json_integer(d->mem_mib));
	if (d->vcpus)
		json_object_set_new(o, "vcpus", json_integer(d->vcpus));
}

/* extra's keys go where the typed ones are not; objects on both sides are merged key by key
 * (a container's `rootfs` has typed `path` and descriptive `dev`). */
static void envdesc_merge(json_t *dst, json_t *extra)
{
	const char *key;
	json_t *v;

	json_object_foreach(extra, key, v)
	{
		json_t *have = json_object_get(dst, key);
		if (json_is_object(have) && json_is_object(v))
			envdesc_merge(have, v);
		else if (!have)
			json_object_set(dst, key, v);
	}
}

static json_t *envdesc_engine_json(const struct bb_envdesc_engine *e)
{
	json_t *o = json_object();

	set_str(o, "name", e->name);
	set_str(o, "version", e->version);
	set_str(o, "runtime", e->runtime);
	set_str(o, "runtime_version", e->runtime_version);
	set_str(o, "store", e->store);
	set_str(o, "daemon", e->daemon);
	if (e->daemon_start_s > 0)
		json_object_set_new(o, "daemon_start_s", json_real(e->daemon_start_s));
	return o;
}

static json_t *envdesc_storage_json(const struct bb_envdesc_storage *st)
{
	json_t *o = json_object(), *h = json_object();

	set_str(o, "path", st->path);
	set_str(h, "fs", st->host_fs);
	set_str(h, "device", st->host_device);
	set_str(h, "options", st->host_options);
	json_object_set_new(o, "host", h);
	set_str(o, "device", st->device);
	set_str(o, "format", st->format);
	set_str(o, "guest_fs", st->guest_fs);
	set_str(o, "guest_options", st->guest_options);
	set_str(o, "cache", st->cache);
	set_str(o, "cache_note", st->cache_note);
	if (st->bytes > 0)
		json_object_set_new(o, "bytes", json_integer(st->bytes));
	return o;
}

void envdesc_storage_line(const struct bb_envdesc_storage *s, char *buf, size_t len)
{
	if (!len)
		return;
	buf[0] = '\0';
	if (!s->on)
		return;
	if (s->device[0])
		snprintf(buf, len, "%s %s image on %s, cache=%s%s%s", s->device,
		         s->guest_fs[0] ? s->guest_fs : "raw", s->host_fs[0] ? s->host_fs : "?",
		         s->cache[0] ? s->cache : "?", s->guest_options[0] ? ", mounted " : "",
		         s->guest_options);
	else
		snprintf(buf, len, "%s directory%s%s%s", s->host_fs[0] ? s->host_fs : "host",
		         s->host_device[0] ? " (" : "", s->host_device,
		         s->host_device[0] ? ")" : "");
}

static void envdesc_box_json(json_t *o, const struct bb_envdesc *d)
{
	set_str(o, "kind", d->kind);
	set_str(o, "variant_of", d->variant_of);
	set_str(o, "removed", d->removed);
	set_str(o, "nested_in", d->nested_in);
	if (!d->rootfs.on) {
		set_str(o, "image", d->image);
		set_str(o, "image_source", d->image_source);
	}
	set_str(o, "workload", d->workload);
	if (d->pu >= 0)
		json_object_set_new(o, "pu", json_integer(d->pu));
	if (d->has_namespaces) {
		json_object_set_new(o, "namespaces", envdesc_ns_json(d->namespaces));
		json_object_set_new(o, "cgroup", envdesc_cgroup_json(&d->cgroup));
		json_object_set_new(o, "rootfs", envdesc_rootfs_json(d));
	}
	if (d->vmm[0])
		envdesc_guest_json(o, d);
	if (d->engine.runtime[0])
		json_object_set_new(o, "engine", envdesc_engine_json(&d->engine));
	if (d->storage.on)
		json_object_set_new(o, "storage", envdesc_storage_json(&d->storage));
}

json_t *envdesc_to_json(const struct bb_envdesc *d)
{
	json_t *o = json_pack("{s:s, s:o, s:b}", "class", envdesc_class_name(d->class), "caps",
	                      envdesc_caps_json(d->caps), "available", d->available);

	if (!o)
		return NULL;
	if (!d->available) {
		set_str(o, "reason", d->reason);
		return o;
	}
	envdesc_box_json(o, d);
	if (json_is_object(d->extra))
		envdesc_merge(o, d->extra);
	return o;
}

/* --- reading --- */

struct envdesc_reader {
	const char *name;
	const char *in; /* the object being read: "" or "cgroup." */
	struct bb_err *err;
	int failed;
};

static void rd_fail(struct envdesc_reader *r, const char *key, const char *what)
{
	if (!r->failed++)
		bb_fail(r->err, 0, "environments.%s.%s%s: expected %s", r->name, r->in, key, what);
}

static void rd_str(struct envdesc_reader *r, json_t *o, const char *key, char *buf, size_t len)
{
	json_t *v = json_object_get(o, key);

	if (!v || json_is_null(v))
		return;
	if (!json_is_string(v)) {
		rd_fail(r, key, "a string");
		return;
	}
	if (json_string_length(v) >= len) {
		rd_fail(r, key, "a shorter string");
		return;
	}
	snprintf(buf, len, "%s", json_string_value(v));
}

static void rd_bool(struct envdesc_reader *r, json_t *o, const char *key, bool *out)
{
	json_t *v = json_object_get(o, key);

	if (!v)
		return;
	if (!json_is_boolean(v)) {
		rd_fail(r, key, "true or false");
		return;
	}
	*out = json_is_true(v);
}

static void rd_num(struct envdesc_reader *r, json_t *o, const char *key, double min, double max,
                   double *out)
{
	json_t *v = json_object_get(o, key);

	if (!v || json_is_null(v))
		return;
	if (!json_is_number(v) || json_number_value(v) < min || json_number_value(v) > max) {
		rd_fail(r, key, "a number in range");
		return;
	}
	*out = json_number_value(v);
}

static void rd_class(struct envdesc_reader *r, json_t *o, struct bb_envdesc *d)
{
	static const struct {
		const char *kind;
		enum bb_class class;
	} kinds[] = { { "process", BB_CLASS_NATIVE },
		      { "namespaces", BB_CLASS_CONTAINER },
		      { "vm", BB_CLASS_VM } };
	char name[16] = "";
	bool nested = false;

	rd_str(r, o, "class", name, sizeof(name));
	for (size_t c = 0; name[0] && c < sizeof(class_names) / sizeof(class_names[0]); c++)
		if (!strcmp(name, class_names[c]))
			d->class = (enum bb_class)c;
	/* results written before the class was declared: the mechanism says it */
	for (size_t i = 0; !name[0] && i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!strcmp(d->kind, kinds[i].kind))
			d->class = kinds[i].class;
	rd_bool(r, o, "nested", &nested);
	if (!name[0] && nested)
		d->class = BB_CLASS_NESTED;
}

static void rd_caps(struct envdesc_reader *r, json_t *o, struct bb_envdesc *d)
{
	json_t *a = json_object_get(o, "caps"), *v;
	size_t i;

	if (!a)
		return;
	if (!json_is_array(a)) {
		rd_fail(r, "caps", "an array of names");
		return;
	}
	json_array_foreach(a, i, v)
	{
		for (size_t k = 0; json_is_string(v) && k < N_CAPS; k++)
			if (!strcmp(json_string_value(v), cap_names[k].name))
				d->caps |= cap_names[k].bit;
	}
}

static void rd_namespaces(struct envdesc_reader *r, json_t *o, struct bb_envdesc *d)
{
	json_t *a = json_object_get(o, "namespaces"), *v;
	size_t i;

	if (!a)
		return;
	if (!json_is_array(a)) {
		rd_fail(r, "namespaces", "an array of names");
		return;
	}
	d->has_namespaces = true;
	json_array_foreach(a, i, v)
	{
		for (const struct ns_kind *k = ns_kinds; json_is_string(v) && k->name; k++)
			if (!strcmp(json_string_value(v), k->name))
				d->namespaces |= k->bit;
	}
}

static void rd_cgroup(struct envdesc_reader *r, json_t *o, struct bb_envdesc *d)
{
	json_t *c = json_object_get(o, "cgroup");
	double period = 0, mem = 0, pids = 0;

	if (!c || json_is_null(c))
		return;
	if (!json_is_object(c)) {
		rd_fail(r, "cgroup", "an object or null");
		return;
	}
	d->cgroup.on = true;
	r->in = "cgroup.";
	rd_str(r, c, "mode", d->cgroup.mode, sizeof(d->cgroup.mode));
	rd_bool(r, c, "hybrid", &d->cgroup.hybrid);
	rd_num(r, c, "cpu_quota", 0, 1e6, &d->cgroup.cpu_quota);
	rd_num(r, c, "cpu_period_us", 0, 1e9, &period);
	rd_num(r, c, "mem_limit", 0, 1e18, &mem);
	rd_num(r, c, "pids_limit", 0, 1e9, &pids);
	d->cgroup.cpu_period_us = (long)period;
	d->cgroup.mem_limit = (long long)mem;
	d->cgroup.pids_limit = (long)pids;
	r->in = "";
}

static void rd_rootfs(struct envdesc_reader *r, json_t *o, struct bb_envdesc *d)
{
	json_t *f = json_object_get(o, "rootfs");
	double bytes = -1, entries = 0;

	if (!f || json_is_null(f))
		return;
	if (!json_is_object(f)) {
		rd_fail(r, "rootfs", "an object or null");
		return;
	}
	d->rootfs.on = true;
	r->in = "rootfs.";
	rd_str(r, f, "path", d->rootfs.path, sizeof(d->rootfs.path));
	rd_str(r, f, "image", d->image, sizeof(d->image));
	rd_str(r, f, "image_source", d->image_source, sizeof(d->image_source));
	rd_num(r, f, "bytes", 0, 1e18, &bytes);
	rd_num(r, f, "entries", 0, 1e9, &entries);
	d->rootfs.bytes = (long long)bytes;
	d->rootfs.entries = (int)entries;
	r->in = "";
}

static void rd_guest(struct envdesc_reader *r, json_t *o, struct bb_envdesc *d)
{
	double mem = 0, vcpus = 0;

	rd_str(r, o, "vmm", d->vmm, sizeof(d->vmm));
	rd_str(r, o, "vmm_version", d->vmm_version, sizeof(d->vmm_version));
	rd_str(r, o, "machine", d->machine, sizeof(d->machine));
	rd_str(r, o, "accel", d->accel, sizeof(d->accel));
	rd_bool(r, o, "emulated", &d->emulated);
	rd_str(r, o, "guest_kernel", d->guest_kernel, sizeof(d->guest_kernel));
	rd_str(r, o, "guest_kernel_version", d->guest_kernel_version,
	       sizeof(d->guest_kernel_version));
	rd_str(r, o, "guest_kernel_image", d->guest_kernel_image, sizeof(d->guest_kernel_image));
	rd_str(r, o, "initramfs", d->initramfs, sizeof(d->initramfs));
	rd_str(r, o, "root_disk", d->root_disk, sizeof(d->root_disk));
	rd_str(r, o, "boot", d->boot, sizeof(d->boot));
	if (!r->failed && d->boot[0] && strcmp(d->boot, ENVDESC_BOOT_DIRECT) &&
	    strcmp(d->boot, ENVDESC_BOOT_FIRMWARE))
		rd_fail(r, "boot", "\"" ENVDESC_BOOT_DIRECT "\" or \"" ENVDESC_BOOT_FIRMWARE "\"");
	rd_num(r, o, "mem_mib", 0, 1 << 24, &mem);
	rd_num(r, o, "vcpus", 0, 4096, &vcpus);
	d->mem_mib = (unsigned)mem;
	d->vcpus = (unsigned)vcpus;
	/* older results lack `boot`: QEMU's microvm can only boot a kernel directly */
	if (!d->boot[0] && !strcmp(d->machine, "microvm"))
		snprintf(d->boot, sizeof(d->boot), ENVDESC_BOOT_DIRECT);
	/* an accelerator of "tcg" is an emulator whether or not the writer said so */
	d->emulated |= !strcmp(d->accel, "tcg");
}

static void rd_engine(struct envdesc_reader *r, json_t *o, struct bb_envdesc *d)
{
	struct bb_envdesc_engine *e = &d->engine;
	json_t *g = json_object_get(o, "engine");

	if (!g || json_is_null(g))
		return;
	if (!json_is_object(g)) {
		rd_fail(r, "engine", "an object or null");
		return;
	}
	r->in = "engine.";
	rd_str(r, g, "name", e->name, sizeof(e->name));
	rd_str(r, g, "version", e->version, sizeof(e->version));
	rd_str(r, g, "runtime", e->runtime, sizeof(e->runtime));
	rd_str(r, g, "runtime_version", e->runtime_version, sizeof(e->runtime_version));
	rd_str(r, g, "store", e->store, sizeof(e->store));
	rd_str(r, g, "daemon", e->daemon, sizeof(e->daemon));
	rd_num(r, g, "daemon_start_s", 0, 1e6, &e->daemon_start_s);
	r->in = "";
}

static void rd_storage(struct envdesc_reader *r, json_t *o, struct bb_envdesc *d)
{
	struct bb_envdesc_storage *st = &d->storage;
	json_t *g = json_object_get(o, "storage"), *h;
	double bytes = 0;

	if (!g || json_is_null(g))
		return;
	if (!json_is_object(g)) {
		rd_fail(r, "storage", "an object or null");
		return;
	}
	st->on = true;
	r->in = "storage.";
	rd_str(r, g, "path", st->path, sizeof(st->path));
	h = json_object_get(g, "host");
	if (h && !json_is_object(h))
		rd_fail(r, "host", "an object");
	r->in = "storage.host.";
	rd_str(r, h, "fs", st->host_fs, sizeof(st->host_fs));
	rd_str(r, h, "device", st->host_device, sizeof(st->host_device));
	rd_str(r, h, "options", st->host_options, sizeof(st->host_options));
	r->in = "storage.";
	rd_str(r, g, "device", st->device, sizeof(st->device));
	rd_str(r, g, "format", st->format, sizeof(st->format));
	rd_str(r, g, "guest_fs", st->guest_fs, sizeof(st->guest_fs));
	rd_str(r, g, "guest_options", st->guest_options, sizeof(st->guest_options));
	rd_str(r, g, "cache", st->cache, sizeof(st->cache));
	rd_str(r, g, "cache_note", st->cache_note, sizeof(st->cache_note));
	rd_num(r, g, "bytes", 0, 1e18, &bytes);
	st->bytes = (long long)bytes;
	r->in = "";
}

int envdesc_from_json(const char *name, json_t *obj, struct bb_envdesc *d, struct bb_err *err)
{
	struct envdesc_reader r = { .name = name, .in = "", .err = err };
	double pu = -1;

	envdesc_init(d, name);
	if (!json_is_object(obj))
		return bb_fail(err, 0, "environments.%s: expected an object", name);
	d->available = true;
	rd_bool(&r, obj, "available", &d->available);
	rd_str(&r, obj, "reason", d->reason, sizeof(d->reason));
	rd_str(&r, obj, "kind", d->kind, sizeof(d->kind));
	rd_class(&r, obj, d);
	rd_caps(&r, obj, d);
	rd_str(&r, obj, "variant_of", d->variant_of, sizeof(d->variant_of));
	rd_str(&r, obj, "removed", d->removed, sizeof(d->removed));
	rd_str(&r, obj, "nested_in", d->nested_in, sizeof(d->nested_in));
	rd_str(&r, obj, "image", d->image, sizeof(d->image));
	rd_str(&r, obj, "image_source", d->image_source, sizeof(d->image_source));
	rd_str(&r, obj, "workload", d->workload, sizeof(d->workload));
	rd_num(&r, obj, "pu", -1, 1 << 20, &pu);
	d->pu = (int)pu;
	rd_namespaces(&r, obj, d);
	rd_cgroup(&r, obj, d);
	rd_rootfs(&r, obj, d);
	rd_guest(&r, obj, d);
	rd_engine(&r, obj, d);
	rd_storage(&r, obj, d);
	if (r.failed)
		return -1;
	d->extra = json_incref(obj);
	return 0;
}
