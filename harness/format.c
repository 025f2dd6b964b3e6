#include "format.h"

#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

void fmt_append(char *buf, size_t len, const char *fmt, ...)
{
	size_t used = strlen(buf);
	va_list ap;

	if (used + 1 >= len)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + used, len - used, fmt, ap);
	va_end(ap);
}

/* Three significant digits, trailing zeros kept ("0.500", "2.00"), except whole numbers of
 * a binary size unit ("32 KiB", not "32.0 KiB"). */
static void format_number(char *buf, size_t len, double v, bool whole_ok)
{
	double a = fabs(v);

	if (a >= 100 || a == 0 || (whole_ok && a < 1e15 && v == round(v)))
		snprintf(buf, len, "%.0f", v);
	else if (a >= 10)
		snprintf(buf, len, "%.1f", v);
	else if (a >= 1)
		snprintf(buf, len, "%.2f", v);
	else
		snprintf(buf, len, "%#.3g", v);
}

/* Scale v into a readable unit: ms to s, ns to us, bytes to KiB..TiB. Returns the unit and
 * whether it is a binary size unit. */
static const char *scale_unit(double *v, const char *unit, bool *size)
{
	static const char *const bytes[] = { "bytes", "KiB", "MiB", "GiB", "TiB" };
	size_t b = 0;

	*size = false;
	for (size_t i = 1; i < 5; i++)
		*size |= !strcmp(unit, bytes[i]);
	if (!strcmp(unit, "ms") && fabs(*v) >= 1000) {
		*v /= 1000;
		return "s";
	}
	if (!strcmp(unit, "ns") && fabs(*v) >= 100000) {
		*v /= 1000;
		return "us";
	}
	if (strcmp(unit, "bytes") && strcmp(unit, "B"))
		return unit;
	while (fabs(*v) >= 1024 && b + 1 < 5) {
		*v /= 1024;
		b++;
	}
	*size = b > 0;
	return b ? bytes[b] : unit;
}

void fmt_value(char *buf, size_t len, double v, const char *unit)
{
	static const char prefixes[] = "kMGTP";
	char num[64], si[2] = "";
	bool size;

	unit = scale_unit(&v, unit, &size);
	/* 403274478 ops/s is unreadable in a table: 403 Mops/s */
	if (!size && fabs(v) >= 1e6)
		for (size_t k = 0; fabs(v) >= 1000 && prefixes[k]; k++) {
			v /= 1000;
			si[0] = prefixes[k];
		}
	format_number(num, sizeof(num), v, size);
	if (!unit[0] || !strcmp(unit, "-"))
		snprintf(buf, len, "%s%s%s", num, si[0] ? " " : "", si);
	else
		snprintf(buf, len, "%s %s%s", num, si, unit);
}

void fmt_ratio(char *buf, size_t len, double r)
{
	if (r < 10)
		snprintf(buf, len, "%.2fx", r);
	else if (r < 100)
		snprintf(buf, len, "%.1fx", r);
	else
		snprintf(buf, len, "%.0fx", r);
}

const char *fmt_estimate(char *buf, size_t len, double v, double lo, double hi, bool ci,
                         const char *unit)
{
	char a[32], l[32], h[32];

	fmt_value(a, sizeof(a), v, unit);
	fmt_value(l, sizeof(l), lo, unit);
	fmt_value(h, sizeof(h), hi, unit);
	if (ci)
		snprintf(buf, len, "%s [%s, %s]", a, l, h);
	else
		snprintf(buf, len, "%s (no CI)", a);
	return buf;
}
