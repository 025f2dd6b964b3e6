# boxbench chart: the container's startup taken apart. The left bar stacks a plain process start
# (native) and what each part of the container adds (measured by switching that part off); the
# right bar is the container as measured. The parts need not add up: what they leave is shown.
# gnuplot -c decomposition.gp TERM OUT DATA TITLE CAPTION NCOLS UNIT
# DATA: a header row of segment names, then two rows ("bar name", one value per segment)
bb_term = ARG1; bb_out = ARG2; bb_data = ARG3; bb_title = ARG4; bb_caption = ARG5
bb_ncols = ARG6 + 0; bb_unit = ARG7
load ARG0[1:strlen(ARG0) - strlen("decomposition.gp")] . "common.gp"
# one key entry per part: a column on the right, never over the title however many parts
set key outside right top vertical noenhanced samplen 2 width 1
set ylabel "launch request to ready (" . bb_unit . ")"
set xlabel "container start, taken apart" offset 0,-0.6
set style data histograms
set style histogram rowstacked
set style fill solid 0.85 border lc rgb "#ffffff"
set boxwidth 0.55
set yrange [0:*]
set xrange [-0.7:1.7]
plot for [i=2:bb_ncols] bb_data using i:xtic(1) title columnheader(i)
