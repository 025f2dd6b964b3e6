# boxbench chart of a merged result (several hosts): one suite, one row per (environment,
# metric), each host's median with its 95% CI side by side in the row (the hosts as groups, one
# colour each, the same in every chart of the report); log scale, each metric in its own unit
# (in the row's label). A host without the series has no mark in its row.
# gnuplot -c hosts.gp TERM OUT DATA TITLE CAPTION XMIN XMAX NHOSTS ROWS
# DATA index 0: row, "env metric (unit)"                    (the y tics)
#      index k (1..NHOSTS): a title line (the host), then row + offset, median, ci_lo, ci_hi,
#                           "median text"
bb_term = ARG1; bb_out = ARG2; bb_data = ARG3; bb_title = ARG4; bb_caption = ARG5
bb_tlo = ARG6 + 0; bb_thi = ARG7 + 0; bb_nhosts = ARG8 + 0; bb_rows = ARG9 + 0
bb_tfmt = "%g"
bb_logx = 1
bb_height = 260 + bb_rows * (24 + 12 * bb_nhosts)
load ARG0[1:strlen(ARG0) - strlen("hosts.gp")] . "common.gp"
set xlabel "median with its 95% CI (each row in its own unit; log scale)"
set ylabel ""
set lmargin 30
set rmargin 6
set yrange [bb_rows - 0.5:-0.5]
set xrange [bb_tlo:bb_thi]
set ytics scale 0
set grid ytics lc rgb "#f0f0f0" lt 1
plot bb_data index 0 using (bb_tlo):1:ytic(2) with points pt -1 notitle, \
     for [k=1:bb_nhosts] bb_data index k using 2:1:3:4 with xerrorbars \
        pt 7 ps 1.1 lw 1.8 lc k title columnheader(1), \
     for [k=1:bb_nhosts] bb_data index k using ($4 * 1.08):1:5 with labels left \
        font ",9" tc lt k notitle
