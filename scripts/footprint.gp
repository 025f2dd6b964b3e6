# boxbench chart: footprint metrics of one unit, each environment's median with its 95% CI, on a
# log scale (a container's megabytes and a VM's hundreds of megabytes on one axis).
# gnuplot -c footprint.gp TERM OUT DATA TITLE CAPTION UNIT YMIN YMAX COLOURS
# COLOURS: one linetype per environment block ("1 2 3"), the same in every chart
# DATA index 0: x, "metric"                       (the x tics)
#      index k (1..number of COLOURS): a title line, then x, median, ci_lo, ci_hi, "value text"
bb_term = ARG1; bb_out = ARG2; bb_data = ARG3; bb_title = ARG4; bb_caption = ARG5
bb_unit = ARG6; bb_ymin = ARG7 + 0; bb_ymax = ARG8 + 0; bb_colors = ARG9
bb_nenvs = words(bb_colors)
# Value labels side by side collide past three environments: then the table beside the chart
# carries the values (a loop over 1..0 draws nothing).
bb_nlabelled = bb_nenvs <= 3 ? bb_nenvs : 0
bb_tlo = bb_ymin; bb_thi = bb_ymax; bb_tfmt = "%g"
load ARG0[1:strlen(ARG0) - strlen("footprint.gp")] . "common.gp"
set ylabel bb_unit . " per instance (log scale)"
set xlabel "footprint metric" offset 0,-0.6
stats bb_data index 0 using 1 nooutput
set xrange [-0.6:STATS_max + 0.6]
set yrange [bb_ymin:bb_ymax]
plot bb_data index 0 using 1:(bb_ymin):xtic(2) with points pt -1 notitle, \
     for [k=1:bb_nenvs] bb_data index k using 1:2:3:4 with yerrorbars \
        pt (word(bb_colors, k) + 4) ps 1.2 lw 1.5 lc (word(bb_colors, k) + 0) \
        title columnheader(1), \
     for [k=1:bb_nlabelled] bb_data index k using 1:2:5 with labels left font ",10" \
        offset 1.2, 0.7 tc lt (word(bb_colors, k) + 0) notitle
