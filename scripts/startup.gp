# boxbench chart: startup `ready` per environment, every sample plus median and its 95% CI.
# gnuplot -c startup.gp TERM OUT DATA TITLE CAPTION
# DATA index 0: x (env position + jitter), value, env colour (the same in every chart)
#      index 1: env position, median, ci_lo, ci_hi, p05, p95, "env", "note", "median text"
bb_term = ARG1; bb_out = ARG2; bb_data = ARG3; bb_title = ARG4; bb_caption = ARG5
stats bb_data index 0 using 2 nooutput
bb_tlo = STATS_min > 0 ? STATS_min : 1e-3; bb_thi = STATS_max; bb_tfmt = "%g"
load ARG0[1:strlen(ARG0) - strlen("startup.gp")] . "common.gp"
set ylabel "launch request to ready (ms, log scale)"
set xlabel "environment" offset 0,-0.6
stats bb_data index 1 using 1 nooutput
set xrange [-0.6:STATS_max + 0.9]
set autoscale yfix
set offsets 0, 0, graph 0.08, graph 0.08
set style fill transparent solid 0.18 noborder
tick(env, note) = note eq "-" ? env : env . "\n" . note
plot bb_data index 1 using 1:2:($1 - 0.3):($1 + 0.3):5:6:xtic(tick(strcol(7), strcol(8))) \
        with boxxyerror lc rgb "#4477aa" title "p05-p95", \
     bb_data index 0 using 1:2:3 with points pt 7 ps 0.6 lc variable notitle, \
     bb_data index 1 using 1:2:3:4 with yerrorbars pt 5 ps 1.1 lw 2 lc rgb "#111111" \
        title "median with 95% CI", \
     bb_data index 1 using ($1 + 0.33):2:9 with labels left font ",11" notitle
