/* The published schema (results/boxbench-1.schema.json) stays in step with the writers: every
 * key envdesc_to_json and results_to_json write for a fully described environment and series
 * is declared there; the fixtures validate with a real validator (python3-jsonschema, through
 * scripts/validate-result.sh) and a broken copy does not. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "helpers.h"
#include "envdesc.h"
#include "ns.h"

#define SCHEMA "results/boxbench-1.schema.json"

static json_t *schema;

static int setup(void **state)
{
	(void)state;
	schema = json_load_file(SCHEMA, 0, NULL);
	return schema ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	json_decref(schema);
	return 0;
}

static json_t *def_props(const char *def)
{
	return json_object_get(json_object_get(json_object_get(schema, "$defs"), def),
	                       "properties");
}

/* The properties of the object variant of a "oneOf": [null, {object}] declaration, or of an
 * object declaration. */
static json_t *object_props(json_t *decl)
{
	json_t *alt;
	size_t i;

	if (json_object_get(decl, "properties"))
		return json_object_get(decl, "properties");
	json_array_foreach(
	    json_object_get(decl, "oneOf"), i,
	    alt) if (json_object_get(alt, "properties")) return json_object_get(alt, "properties");
	return NULL;
}

/* Every key of obj is declared in props, recursively into declared objects. */
static void check_declared(json_t *obj, json_t *props, const char *where)
{
	const char *key;
	json_t *v;

	assert_non_null(props);
	json_object_foreach(obj, key, v)
	{
		json_t *decl = json_object_get(props, key);
		if (!decl)
			fail_msg("%s.%s is written but not in %s", where, key, SCHEMA);
		if (json_is_object(v) && object_props(decl))
			check_declared(v, object_props(decl), key);
	}
}

/* Every typed field set, as a launcher's prepare() would. */
static void fill_everything(struct bb_envdesc *d)
{
	envdesc_init(d, "box");
	d->class = BB_CLASS_NESTED;
	d->caps = ~0u;
	d->available = true;
	snprintf(d->kind, sizeof(d->kind), "vm");
	snprintf(d->variant_of, sizeof(d->variant_of), "box0");
	snprintf(d->removed, sizeof(d->removed), "net");
	snprintf(d->image, sizeof(d->image), "debian");
	snprintf(d->image_source, sizeof(d->image_source), "debootstrap");
	snprintf(d->workload, sizeof(d->workload), "/w");
	d->pu = 1;
	d->has_namespaces = true;
	d->namespaces = ~0u;
	d->cgroup = (struct bb_envdesc_cgroup){ true, "v2", true, 1, 100000, 1 << 20, 64 };
	d->rootfs.on = true;
	snprintf(d->rootfs.path, sizeof(d->rootfs.path), "/r");
	d->rootfs.bytes = 10;
	d->rootfs.entries = 2;
	snprintf(d->vmm, sizeof(d->vmm), "qemu");
	snprintf(d->vmm_version, sizeof(d->vmm_version), "7.2");
	snprintf(d->machine, sizeof(d->machine), "microvm");
	snprintf(d->accel, sizeof(d->accel), "tcg");
	snprintf(d->boot, sizeof(d->boot), "direct");
	d->emulated = true;
	snprintf(d->guest_kernel, sizeof(d->guest_kernel), "/k");
	snprintf(d->guest_kernel_version, sizeof(d->guest_kernel_version), "6.1");
	snprintf(d->initramfs, sizeof(d->initramfs), "/i");
	snprintf(d->root_disk, sizeof(d->root_disk), "/d");
	d->mem_mib = 256;
	d->vcpus = 1;
	d->engine = (struct bb_envdesc_engine){ "docker", "20", "/runc", "1.1", "/s", 1.5, "d" };
}

static void test_environment_keys_declared(void **state)
{
	struct bb_envdesc d;
	json_t *o;

	(void)state;
	fill_everything(&d);
	o = envdesc_to_json(&d);
	check_declared(o, def_props("environment"), "environments.box");
	json_decref(o);
	envdesc_free(&d);
}

static void test_series_keys_declared(void **state)
{
	struct bb_result res;
	struct bb_err e = { 0 };
	struct bb_series *s;
	json_t *doc;

	(void)state;
	results_init(&res);
	s = results_series(&res, "startup", "ready", "vm", true);
	strcpy(s->unit, "ms");
	strcpy(s->accel, "tcg");
	s->emulated = true;
	for (int i = 0; i < 4; i++)
		assert_int_equal(series_add_sample(s, 1 + i, &e), 0);
	assert_int_equal(series_add_error(s, 5, "timed out", &e), 0);
	s = results_series(&res, "startup", "ready", "native", true);
	strcpy(s->unit, "ms");
	for (int i = 0; i < 4; i++)
		assert_int_equal(series_add_sample(s, 0.5 + i, &e), 0);
	assert_int_equal(results_summarize(&res, 1, &e), 0);
	doc = results_to_json(&res);
	check_declared(doc, json_object_get(schema, "properties"), "result");
	check_declared(json_array_get(json_object_get(doc, "results"), 0), def_props("series"),
	               "results[0]");
	json_decref(doc);
	results_free(&res);
}

static int validate(const char *path)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "scripts/validate-result.sh '%s' >/dev/null 2>&1", path);
	return system(cmd);
}

static void test_validator(void **state)
{
	char bad[] = "/tmp/bb-test-schema-XXXXXX";
	int fd = mkstemp(bad);
	json_t *doc = json_load_file("tests/fixtures/fake-full.json", 0, NULL);

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(validate("tests/fixtures/fake-full.json"), 0);
	assert_int_equal(validate("tests/fixtures/fake-small.json"), 0);
	/* a series whose direction is neither: the validator must say no */
	json_object_set_new(json_array_get(json_object_get(doc, "results"), 0), "better",
	                    json_string("sideways"));
	assert_int_equal(json_dump_file(doc, bad, 0), 0);
	assert_int_not_equal(validate(bad), 0);
	unlink(bad);
	json_decref(doc);
}

/* The merged shape: the fixture validates; a series without its host, an environment not
 * keyed HOST/ENV or a host row with an unknown status does not. */
static void test_merged(void **state)
{
	char bad[] = "/tmp/bb-test-schema-XXXXXX";
	int fd = mkstemp(bad);
	json_t *doc;

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(validate("tests/fixtures/fake-merged.json"), 0);
	for (int k = 0; k < 4; k++) {
		doc = json_load_file("tests/fixtures/fake-merged.json", 0, NULL);
		assert_non_null(doc);
		if (k == 0)
			json_object_del(json_array_get(json_object_get(doc, "results"), 0), "host");
		if (k == 1)
			json_object_set_new(json_object_get(doc, "environments"), "native",
			                    json_object());
		if (k == 2)
			json_object_set_new(json_array_get(json_object_get(doc, "hosts"), 2),
			                    "status", json_string("down"));
		if (k == 3) /* a single result must not carry host keys */
			json_object_del(doc, "hosts");
		assert_int_equal(json_dump_file(doc, bad, 0), 0);
		if (validate(bad) == 0)
			fail_msg("broken merged result %d validates", k);
		json_decref(doc);
	}
	unlink(bad);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_environment_keys_declared),
		cmocka_unit_test(test_series_keys_declared),
		cmocka_unit_test(test_validator),
		cmocka_unit_test(test_merged),
	};
	return cmocka_run_group_tests_name("schema", tests, setup, teardown);
}
