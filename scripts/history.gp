# boxbench history: one series (suite, metric, env) over many results. `boxbench history` runs
#   gnuplot -c history.gp DATA SVG PNG TITLE UNIT EVERY N
# as a child process (no shell). The arguments reach gnuplot as strings ARG1..ARG7, never as
# code, so names taken from result files cannot inject commands; they are printed with
# `noenhanced` so that _ ^ { } in a name show as themselves.
#
# DATA, one line per result, ordered by started_at:
#   1 index  2 started_at  3 median  4 ci95 low  5 ci95 high  6 change from the previous result
#   (1 regression, -1 improvement, 0 neither, under the rule of `boxbench compare`)
# EVERY: label every EVERY-th result on the x axis (keeps many labels readable); N: the number
# of results (lines in DATA).

data = ARG1
every = int(ARG6)
if (int(ARG7) < 2) set xrange [-1:1] # one result: no range to autoscale

set title ARG4 noenhanced
set ylabel ARG5 noenhanced
set xlabel "result, by start time (UTC)"
set key top left noenhanced opaque box
set grid ytics lc rgb "#dddddd"
set border 3
set xtics nomirror rotate by -40 font ",9"
set ytics nomirror
set offsets 0.5, 0.5, graph 0.08, graph 0.08
set style fill transparent solid 0.25 noborder

# Markers for change points: a point size of 0 hides the others, so every plot below always
# has valid points (no warnings for a series without any change point).
mark(flag, want) = (flag == want ? 1.8 : 0)
label(i, s) = (int(i) % every == 0 ? s[1:16] : "")

set terminal svg size 900,480 dynamic font "sans,11" background rgb "white"
set output ARG2
plot data using 1:4:5 with filledcurves lc rgb "#4477aa" title "95% CI of the median", \
     data using 1:3:xtic(label($1, strcol(2))) with linespoints lw 2 pt 7 ps 0.6 \
          lc rgb "#4477aa" title "median", \
     data using 1:3:(mark($6, 1)) with points pt 9 ps variable lc rgb "#cc3311" \
          title "regression", \
     data using 1:3:(mark($6, -1)) with points pt 11 ps variable lc rgb "#228833" \
          title "improvement"

set terminal pngcairo size 900,480 font "sans,10" background rgb "white"
set output ARG3
replot
set output
