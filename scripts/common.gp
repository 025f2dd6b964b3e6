# Shared by boxbench's chart templates (loaded by each): the terminal and the caption.
# `load` resets ARG0..ARG9, so each template first copies them: bb_term (svg | pngcairo |
# png), bb_out (output file), bb_title, bb_caption (n, host, caveats). Every string the harness
# hands over is used as a string, never evaluated as gnuplot code. A template may set
# bb_width/bb_height (pixels; a chart with many environments grows downwards) before loading.
bb_w = exists("bb_width") ? bb_width : 960
bb_h = exists("bb_height") ? bb_height : 560
if (bb_term eq "svg") {
	set terminal svg size bb_w,bb_h font "Helvetica,13" background rgb "white"
} else {
	if (bb_term eq "pngcairo") {
		set terminal pngcairo size bb_w,bb_h font "Helvetica,11" background rgb "white"
	} else {
		set terminal png size bb_w,bb_h background rgb "white"
	}
}
set output bb_out
set encoding utf8
set termoption noenhanced
set border 3 lc rgb "#555555"
set tics nomirror
# Title, then the key under it, in the top margin; the caption (up to three lines) under the
# x axis: none of them covers the data. Positions are in pixels from the top and the bottom,
# whatever the height.
set tmargin 6
set label 98 bb_title at screen 0.5, screen 1 - 21.0 / bb_h center font ",15" noenhanced
set key at screen 0.5, screen 1 - 56.0 / bb_h center center horizontal noenhanced samplen 2 width 1
set bmargin 8
set label 99 bb_caption at screen 0.012, screen 38.0 / bb_h left font ",10" tc rgb "#444444" \
	noenhanced
# A log value axis (y, or x when bb_logx is set; bb_tlo..bb_thi set by the template) gets labels
# at 1, 2 and 5 of every decade when it spans at most three decades, else at decades only: a
# narrow range still has several labels and a wide one does not crowd. bb_tfmt formats a label
# ("%g", "%gx").
bb_ax = exists("bb_logx") ? "x" : "y"
bb_axtics = bb_ax . "tics"
set grid @bb_axtics lc rgb "#dddddd" lt 1
if (exists("bb_tlo")) {
	set logscale @bb_ax
	set @bb_axtics ()
	bb_fine = log10(bb_thi / bb_tlo) <= 3
	do for [e = floor(log10(bb_tlo)) - 1 : ceil(log10(bb_thi)) + 1] {
		set @bb_axtics add (sprintf(bb_tfmt, 10.0**e) 10.0**e)
		if (bb_fine) {
			set @bb_axtics add (sprintf(bb_tfmt, 2 * 10.0**e) 2 * 10.0**e, \
			               sprintf(bb_tfmt, 5 * 10.0**e) 5 * 10.0**e)
		}
	}
}
