/* Protocol parsing: good records, lines without the marker, over-long lines, invalid JSON,
 * missing end. The workload is untrusted: every malformed record must be an error. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "protocol.h"
#include "proc.h"

static int parse(const char *line, struct bb_record *rec, struct bb_err *err)
{
	return proto_parse_line(line, strlen(line), rec, err);
}

static void test_metric_record(void **state)
{
	struct bb_record r;
	struct bb_err e = { 0 };

	(void)state;
	assert_int_equal(parse("@bb {\"suite\":\"syscall\",\"metric\":\"null\",\"unit\":\"ns\","
	                       "\"value\":71.4,\"iters\":2000000}",
	                       &r, &e),
	                 1);
	assert_int_equal(r.kind, BB_REC_METRIC);
	assert_string_equal(r.suite, "syscall");
	assert_string_equal(r.metric, "null");
	assert_string_equal(r.unit, "ns");
	assert_true(r.value == 71.4);
	assert_int_equal(r.iters, 2000000);
	assert_false(r.truncated);
	/* a measurement its time budget cut short says so */
	assert_int_equal(parse("@bb {\"suite\":\"cpu\",\"metric\":\"hash\",\"unit\":\"Mops/s\","
	                       "\"value\":5,\"iters\":9,\"truncated\":true}",
	                       &r, &e),
	                 1);
	assert_true(r.truncated);
}

static void test_ready_end_info_error(void **state)
{
	struct bb_record r;
	struct bb_err e = { 0 };

	(void)state;
	assert_int_equal(
	    parse("@bb {\"suite\":\"startup\",\"metric\":\"ready\",\"t_mono_ns\":123}", &r, &e), 1);
	assert_int_equal(r.kind, BB_REC_READY);
	assert_int_equal(r.t_mono_ns, 123);
	assert_int_equal(parse("@bb {\"end\":true,\"status\":3}", &r, &e), 1);
	assert_int_equal(r.kind, BB_REC_END);
	assert_int_equal(r.status, 3);
	assert_int_equal(
	    parse("@bb {\"suite\":\"iso\",\"info\":\"kernel\",\"value\":\"6.1\"}", &r, &e), 1);
	assert_int_equal(r.kind, BB_REC_INFO);
	assert_true(r.is_text);
	assert_string_equal(r.text, "6.1");
	assert_int_equal(
	    parse("@bb {\"suite\":\"io\",\"metric\":\"rand\",\"error\":\"no O_DIRECT\"}", &r, &e),
	    1);
	assert_int_equal(r.kind, BB_REC_ERROR);
	assert_string_equal(r.metric, "rand");
	assert_string_equal(r.text, "no O_DIRECT");
}

static void test_noise_skipped(void **state)
{
	struct bb_record r;
	struct bb_err e = { 0 };

	(void)state;
	assert_int_equal(parse("[    0.000000] Linux version 6.1.0-28-cloud-amd64", &r, &e), 0);
	assert_int_equal(parse("", &r, &e), 0);
	assert_int_equal(parse("@bbX {\"end\":true,\"status\":0}", &r, &e), 0);
	/* A console prefix before the marker (serial line) still yields the record. */
	assert_int_equal(parse("\x1b[0m@bb {\"end\":true,\"status\":0}", &r, &e), 1);
	assert_int_equal(r.kind, BB_REC_END);
}

static void test_malformed(void **state)
{
	static const char *bad[] = {
		"@bb {\"suite\":\"x\",\"metric\":\"m\",\"unit\":\"ns\",\"value\":1", /* truncated */
		"@bb [1,2,3]", /* not object */
		"@bb {\"suite\":\"x\",\"metric\":\"m\",\"unit\":\"ns\",\"value\":\"fast\"}", /* text
		                                                                              */
		"@bb {\"suite\":\"x\",\"metric\":\"m\",\"value\":1}",             /* no unit */
		"@bb {\"suite\":7,\"metric\":\"m\",\"unit\":\"ns\",\"value\":1}", /* type */
		"@bb {\"end\":true}",                                             /* no status */
		"@bb {\"end\":true,\"status\":-1}",                               /* range */
		"@bb {\"suite\":\"x\",\"metric\":\"ready\"}",                     /* no time */
		"@bb {\"suite\":\"x\",\"suite\":\"y\",\"metric\":\"m\",\"unit\":\"u\",\"value\":1}",
		"@bb {\"suite\":\"x\",\"metric\":\"m\",\"unit\":\"ns\",\"value\":1,\"iters\":-5}",
		"@bb "
		"{\"suite\":\"x\",\"metric\":\"m\",\"unit\":\"ns\",\"value\":1,\"truncated\":1}",
		"@bb garbage",
	};
	struct bb_record r;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct bb_err e = { 0 };
		assert_int_equal(parse(bad[i], &r, &e), -1);
		assert_true(strlen(e.msg) > 0);
	}
}

static void test_overlong_record_rejected(void **state)
{
	static char line[BB_LINE_MAX + 64];
	struct bb_record r;
	struct bb_err e = { 0 };

	(void)state;
	strcpy(line, "@bb {\"suite\":\"x\",\"info\":\"k\",\"value\":\"");
	size_t n = strlen(line);
	memset(line + n, 'a', BB_LINE_MAX);
	strcpy(line + n + BB_LINE_MAX, "\"}");
	assert_int_equal(parse(line, &r, &e), -1);
	assert_non_null(strstr(e.msg, "longer"));
}

/* The reader: lines split across writes, \r stripped, over-long lines dropped, EOF. */
static void test_reader_lines(void **state)
{
	static char big[BB_LINE_MAX * 2];
	struct bb_reader *rd = malloc(sizeof(*rd));
	struct bb_err e = { 0 };
	const char *line;
	size_t len;
	uint64_t t;
	int p[2];

	(void)state;
	assert_int_equal(pipe(p), 0);
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\n';
	assert_int_equal(write(p[1], "one\r\ntw", 7), 7);
	assert_int_equal(write(p[1], "o\n", 2), 2);
	assert_int_equal(write(p[1], big, sizeof(big)), (ssize_t)sizeof(big));
	assert_int_equal(write(p[1], "three", 5), 5);
	close(p[1]);
	reader_init(rd, p[0]);
	uint64_t dl = bb_now_ns() + 5000000000ull;
	assert_int_equal(reader_next(rd, dl, &line, &len, &t, &e), BB_READ_LINE);
	assert_int_equal(len, 3);
	assert_memory_equal(line, "one", 3);
	assert_true(t > 0);
	assert_int_equal(reader_next(rd, dl, &line, &len, &t, &e), BB_READ_LINE);
	assert_memory_equal(line, "two", 3);
	assert_int_equal(reader_next(rd, dl, &line, &len, &t, &e), BB_READ_LONG);
	assert_int_equal(reader_next(rd, dl, &line, &len, &t, &e), BB_READ_LINE);
	assert_int_equal(len, 5);
	assert_memory_equal(line, "three", 5);
	assert_int_equal(reader_next(rd, dl, &line, &len, &t, &e), BB_READ_EOF);
	close(p[0]);
	free(rd);
}

static void test_reader_timeout(void **state)
{
	struct bb_reader rd;
	struct bb_err e = { 0 };
	const char *line;
	size_t len;
	uint64_t t;
	int p[2];

	(void)state;
	assert_int_equal(pipe(p), 0);
	reader_init(&rd, p[0]);
	/* A writer that never ends its line and never closes: the deadline ends the wait. */
	assert_int_equal(write(p[1], "@bb {\"end\":", 11), 11);
	assert_int_equal(reader_next(&rd, bb_now_ns() + 50000000ull, &line, &len, &t, &e),
	                 BB_READ_TIMEOUT);
	close(p[0]);
	close(p[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_metric_record),
		cmocka_unit_test(test_ready_end_info_error),
		cmocka_unit_test(test_noise_skipped),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_overlong_record_rejected),
		cmocka_unit_test(test_reader_lines),
		cmocka_unit_test(test_reader_timeout),
	};
	return cmocka_run_group_tests_name("protocol", tests, NULL, NULL);
}
