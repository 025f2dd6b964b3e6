/* The article's claims C1..C10 (CLAIMS.md) as verdict rules: pure functions from a result to
 * {figures, verdict, reason}. A rule reads only what the result holds; when the suite or the
 * environment that settles a claim is absent, the verdict is "not measured here" and the reason
 * names what would settle it. Emulated (TCG) VM figures never count as hardware costs.
 *
 * A statistical rule holds or does not hold only when the whole 95% CI of each figure it reads
 * lies on one side of its threshold (never on a point estimate, which would flip between two
 * runs of the same build whenever the truth is near the threshold); a CI across the threshold,
 * a figure without a CI (n < 5) or one with samples truncated at the workload's time budget
 * (series.truncated, here or in native) gives "inconclusive", and the reason says which.
 *
 * Which box plays which part comes from the environments' typed descriptions (envdesc.h): their
 * class (native, container, vm, nested), whether they are a decomposition variant, their image
 * and how a guest boots; among boxes of a class the most typical one is taken (results_env_best),
 * never one picked by name.
 *
 * What the rules read (beyond series and environments):
 * - isolation (C3, C4): `facts` of suite "isolation", one key per observation. The host's own
 *   value is the fact of env ISO_HOST when present, else that of the reference (native-class)
 *   box, which sees the host.
 *   A value that is null, "", "hidden", "denied" or "unreadable" counts as hidden; a value that
 *   already is a verdict ("same", "same as host", "different", "hidden") is taken as it is.
 * - limits (C2): `facts` of suite "limits" with keys ending in "_enforced" and a boolean-ish
 *   value (true/false, 1/0, "yes"/"no", "true"/"false").
 * - decomposition (C10): decomp.h.
 * - nesting (C1): an environment of class nested. */
#ifndef BB_CLAIMS_H
#define BB_CLAIMS_H

#include <stdbool.h>
#include <stddef.h>

#include "results.h"

#define CLAIMS_N   10
#define CLAIM_TEXT 2048

enum claim_verdict {
	CLAIM_NOT_MEASURED,
	CLAIM_HOLDS,
	CLAIM_HOLDS_CAVEAT,
	CLAIM_DOES_NOT_HOLD,
	/* measured, but the 95% CI of a figure the rule reads lies across its threshold, or a
	 * figure has no CI (n < 5) or truncated samples: the reason names it, with n and the CI */
	CLAIM_INCONCLUSIVE,
};

struct claim_eval {
	const char *id;     /* "C1" .. "C10" */
	const char *claim;  /* the article's claim, one sentence */
	const char *settle; /* what measurement settles it */
	enum claim_verdict verdict;
	char figures[CLAIM_TEXT]; /* the figures from this result that settle it ("" if none) */
	char reason[CLAIM_TEXT];
};

/* Evaluate all ten rules, in order C1..C10. Never fails: a rule that cannot compute a figure
 * says so in its reason. */
void claims_evaluate(const struct bb_result *res, struct claim_eval out[CLAIMS_N]);
const char *claim_verdict_name(enum claim_verdict v);

#endif
