/* The bash completion (`boxbench completion bash`, generated from the option tables) and the
 * man page (build/boxbench.1, every command's --help through scdoc): bash completes real
 * words from them, and every option run --help lists is in both. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "helpers.h"

static char bin[256];

/* What bash completes for the words of a command line (the last one being completed). */
static void complete(const char *line, struct cmd_out *r)
{
	char script[1024];

	snprintf(script, sizeof(script),
	         "source <('%s' completion bash) || exit 9; COMP_WORDS=(%s); "
	         "COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _boxbench; printf '%%s\\n' "
	         "\"${COMPREPLY[@]}\"",
	         bin, line);
	char *argv[] = { "/bin/bash", "-c", script, NULL };
	assert_int_equal(run_cmd(argv, r), 0);
	if (r->code != 0)
		fail_msg("bash: exit %d: %s", r->code, r->err);
}

static void test_bash_completes(void **state)
{
	struct cmd_out *r = malloc(sizeof(*r));

	(void)state;
	snprintf(bin, sizeof(bin), "%s/boxbench", build_dir());
	complete("boxbench com", r);
	assert_string_equal(r->out, "compare\n"); /* the hidden completion command is not */
	complete("boxbench run --vm-a", r);
	assert_string_equal(r->out, "--vm-accel\n");
	complete("boxbench run --envs native,crun,do", r);
	assert_string_equal(r->out, "native,crun,docker\n");
	complete("boxbench run --envs native,cont", r); /* every launcher of the table */
	assert_string_equal(r->out, "native,container\nnative,container-in-vm\n");
	complete("boxbench export x.json --format hyp", r);
	assert_string_equal(r->out, "hyperfine\n");
	complete("boxbench compare --js", r);
	assert_string_equal(r->out, "--json\n");
	complete("boxbench mer", r);
	assert_string_equal(r->out, "merge\n");
	complete("boxbench merge a.json --mi", r);
	assert_string_equal(r->out, "--missing\n");
	complete("boxbench compare --acr", r);
	assert_string_equal(r->out, "--across-hosts\n");
	complete("boxbench export x.json --ho", r);
	assert_string_equal(r->out, "--host\n");
	free(r);
}

/* Every "--option" of `run --help` is completed and is in the man page. */
static void test_run_options_everywhere(void **state)
{
	struct cmd_out *help = malloc(sizeof(*help)), *r = malloc(sizeof(*r));
	char man[512], *save = NULL;
	char *argv[] = { bin, "run", "--help", NULL };
	size_t n = 0;

	(void)state;
	assert_int_equal(run_cmd(argv, help), 0);
	snprintf(man, sizeof(man), "MANWIDTH=200 man -l '%s/boxbench.1'", build_dir());
	char *margv[] = { "/bin/sh", "-c", man, NULL };
	assert_int_equal(run_cmd(margv, r), 0);
	assert_int_equal(r->code, 0);
	char *page = strdup(r->out);
	/* option lines: "  --name ARG   help" or "  -o, --output FILE   help" */
	for (char *l = strtok_r(help->out, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char tok[64], line[128];
		const char *p = strstr(l, "--");
		if (strncmp(l, "  -", 3) || !p || sscanf(p, "%63s", tok) != 1)
			continue;
		if (!strstr(page, tok))
			fail_msg("%s: in run --help, not in the man page", tok);
		snprintf(line, sizeof(line), "boxbench run %s", tok);
		complete(line, r);
		if (!strstr(r->out, tok))
			fail_msg("%s: in run --help, not completed (got '%s')", tok, r->out);
		n++;
	}
	assert_true(n > 20);
	free(page);
	free(help);
	free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bash_completes),
		cmocka_unit_test(test_run_options_everywhere),
	};
	return cmocka_run_group_tests_name("completion", tests, NULL, NULL);
}
