# boxbench chart: one suite's metrics, each environment's time relative to native with its 95%
# CI, on a log scale with native at 1. Throughput metrics (higher is better) are inverted so that
# above 1 always means slower than native.
# gnuplot -c overhead.gp TERM OUT DATA TITLE CAPTION YMIN YMAX COLOURS
# COLOURS: one linetype per environment block ("2 3"), the same for an environment in every chart
# DATA index 0: x, "metric (unit)"            (the x tics)
#      index k (1..number of COLOURS): a title line, then x, ratio, ci_lo, ci_hi, "ratio text"
bb_term = ARG1; bb_out = ARG2; bb_data = ARG3; bb_title = ARG4; bb_caption = ARG5
bb_ymin = ARG6 + 0; bb_ymax = ARG7 + 0; bb_colors = ARG8; bb_nenvs = words(bb_colors)
bb_tlo = bb_ymin; bb_thi = bb_ymax; bb_tfmt = "%gx"
load ARG0[1:strlen(ARG0) - strlen("overhead.gp")] . "common.gp"
set ylabel "time relative to native (log scale; > 1 = slower)"
set xlabel "metric (unit)" offset 0,-0.6
stats bb_data index 0 using 1 nooutput
set xrange [-0.6:STATS_max + 0.6]
set yrange [bb_ymin:bb_ymax]
set arrow 1 from graph 0, first 1 to graph 1, first 1 nohead dt 2 lw 1.5 lc rgb "#aa3333" back
set label 2 "native = 1" at graph 1, first 1 right offset -0.5, 0.6 tc rgb "#aa3333" font ",10"
plot bb_data index 0 using 1:(1):xtic(2) with points pt -1 notitle, \
     for [k=1:bb_nenvs] bb_data index k using 1:2:3:4 with yerrorbars \
        pt (word(bb_colors, k) + 4) ps 1.2 lw 1.5 lc (word(bb_colors, k) + 0) \
        title columnheader(1), \
     for [k=1:bb_nenvs] bb_data index k using 1:2:5 with labels left font ",10" \
        offset 1.2, 0.7 tc lt (word(bb_colors, k) + 0) notitle
