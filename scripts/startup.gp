# boxbench chart: startup `ready` per environment, every sample plus median and its 95% CI, one
# row per environment (as many as there are: the chart grows downwards), in the stack ladder's
# order (the harness sorts them: process, kernel primitives, OCI runtimes, engines, VMs).
# gnuplot -c startup.gp TERM OUT DATA TITLE CAPTION
# DATA index 0: row (env position + jitter), value, env colour (the same in every chart)
#      index 1: env position, median, ci_lo, ci_hi, p05, p95, "env", "note", "median text"
bb_term = ARG1; bb_out = ARG2; bb_data = ARG3; bb_title = ARG4; bb_caption = ARG5
stats bb_data index 0 using 2 nooutput
bb_tlo = STATS_min > 0 ? STATS_min : 1e-3; bb_thi = STATS_max; bb_tfmt = "%g"
stats bb_data index 1 using 1 nooutput
bb_rows = STATS_max + 1
bb_logx = 1
bb_height = bb_rows <= 8 ? 560 : 560 + 40 * (bb_rows - 8)
load ARG0[1:strlen(ARG0) - strlen("startup.gp")] . "common.gp"
set xlabel "launch request to ready (ms, log scale)"
set ylabel ""
set lmargin 24
set rmargin 4
set yrange [bb_rows - 0.4:-0.6]
# room on the right for the median's text
set xrange [bb_tlo / 1.6:bb_thi * 8]
set ytics scale 0
set style fill transparent solid 0.18 noborder
tick(env, note) = note eq "-" ? env : env . "\n" . note
plot bb_data index 1 using 2:1:5:6:($1 - 0.3):($1 + 0.3):ytic(tick(strcol(7), strcol(8))) \
        with boxxyerror lc rgb "#4477aa" title "p05-p95", \
     bb_data index 0 using 2:1:3 with points pt 7 ps 0.6 lc variable notitle, \
     bb_data index 1 using 2:1:3:4 with xerrorbars pt 5 ps 1.1 lw 2 lc rgb "#111111" \
        title "median with 95% CI", \
     bb_data index 1 using ($6 * 1.25):1:9 with labels left font ",11" notitle
