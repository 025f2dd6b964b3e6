# boxbench chart: footprint metrics of one unit, one panel per metric, one row per environment
# (in the stack ladder's order, the harness sorts them), each environment's median with its
# 95% CI on a log scale (a container's megabytes and a VM's hundreds of megabytes on one axis);
# the chart grows downwards with the environments and the metrics.
# gnuplot -c footprint.gp TERM OUT DATA TITLE CAPTION UNIT PANELS
# DATA index 0: row, "env", env colour                        (the rows, every panel)
#      index k (1..PANELS): row, median, ci_lo, ci_hi, "value text", env colour, "metric",
#                           xmin, xmax (of the panel)
bb_term = ARG1; bb_out = ARG2; bb_data = ARG3; bb_title = ARG4; bb_caption = ARG5
bb_unit = ARG6; bb_np = ARG7 + 0
stats bb_data index 0 using 1 nooutput
bb_rows = STATS_max + 1
bb_cols = bb_np < 2 ? 1 : 2
bb_prows = ceil(bb_np * 1.0 / bb_cols)
bb_ph = 80 + 24 * bb_rows
bb_width = 1300
bb_height = 80 + 100 + bb_prows * bb_ph
load ARG0[1:strlen(ARG0) - strlen("footprint.gp")] . "common.gp"
set multiplot
bb_top = 80.0 / bb_height; bb_bot = 100.0 / bb_height
bb_pw = 1.0 / bb_cols; bb_phf = (1 - bb_top - bb_bot) / bb_prows
set tmargin 2.2
set bmargin 2.5
set lmargin 28
set rmargin 3
set logscale x
set format x "%g"
set grid xtics lc rgb "#dddddd" lt 1
set yrange [bb_rows - 0.4:-0.6]
set ytics scale 0
unset key
do for [k = 1:bb_np] {
	stats bb_data index k using (bb_m = strcol(7), bb_xlo = $8, bb_xhi = $9, $1) nooutput
	set origin ((k - 1) % bb_cols) * bb_pw, bb_bot + (bb_prows - 1 - int((k - 1) / bb_cols)) * bb_phf
	set size bb_pw, bb_phf
	set title bb_m . " (" . bb_unit . ")" noenhanced
	set xrange [bb_xlo:bb_xhi]
	plot bb_data index 0 using (bb_xlo):1:ytic(2) with points pt -1 notitle, \
	     bb_data index k using 2:1:3:4:6 with xerrorbars pt 7 ps 1.1 lw 1.5 lc variable \
	        notitle, \
	     bb_data index k using ($4 * 1.15):1:5 with labels left font ",10" notitle
	# the chart's title and caption once
	unset label 98
	unset label 99
}
unset multiplot
