# boxbench chart: the footprint's density, what N instances at once take. Left: the total PSS of
# every instance at each count measured (points) and the least-squares line (its slope is the
# PSS per added instance); right: the host kernel's memory (/proc/meminfo Slab + PageTables +
# KernelStack + Percpu, median of the readings) grown since the first count, and its line.
# Log-log on the left (a container's megabytes and a VM's gigabytes), linear on the right.
# gnuplot -c density.gp TERM OUT DATA TITLE CAPTION BLOCKS
# DATA: one block per environment (index k): n, pss_mib, pss_line, kernel_growth_mib,
#       kernel_line, colour, "env"
bb_term = ARG1; bb_out = ARG2; bb_data = ARG3; bb_title = ARG4; bb_caption = ARG5
bb_nb = ARG6 + 0
bb_width = 1300
bb_height = 620
load ARG0[1:strlen(ARG0) - strlen("density.gp")] . "common.gp"
array bb_lab[bb_nb]
do for [k = 0:bb_nb - 1] {
	stats bb_data index k using (bb_l = strcol(7), $1) nooutput
	bb_lab[k + 1] = bb_l
}
set multiplot
set lmargin 12
set rmargin 4
set xlabel "instances at once"
set logscale x
set format x "%g"
set origin 0, 0
set size 0.5, 1
set logscale y
set format y "%g"
set ylabel "total PSS (MiB)"
set grid xtics ytics lc rgb "#dddddd" lt 1
plot for [k = 0:bb_nb - 1] bb_data index k using 1:2:6 with points pt 7 ps 1.1 lc variable \
        title bb_lab[k + 1], \
     for [k = 0:bb_nb - 1] bb_data index k using 1:3:6 with lines lw 1.5 lc variable notitle
unset label 98
unset label 99
set origin 0.5, 0
set size 0.5, 1
unset logscale y
unset logscale x
set ylabel "host kernel memory since the first count (MiB)"
plot for [k = 0:bb_nb - 1] bb_data index k using 1:4:6 with points pt 7 ps 1.1 lc variable \
        notitle, \
     for [k = 0:bb_nb - 1] bb_data index k using 1:5:6 with lines lw 1.5 lc variable notitle
unset multiplot
