package io.qsvit.step;

import io.qsvit.search.LoggedTrial;
import io.qsvit.search.Trial;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.svg.SVGGraphics2D;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.geom.Rectangle2D;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * Draws explore's two trade-offs side by side as one SVG (JFreeChart renders, JFreeSVG writes): accuracy
 * against weight memory and against energy, every trial on all exploration images as a dot, the Pareto
 * front as a line and the required accuracy as a dashed level. Number formats are fixed (not the JVM's locale) and SVG ids get a fixed prefix,
 * so the same trials give the same file.
 */
final class ParetoPlot {
    private static final int PANEL_WIDTH = 560;
    private static final int HEIGHT = 420;

    private ParetoPlot() {
    }

    /** @param kib accounted weight memory of a trial in KiB */
    static void write(Path file, List<LoggedTrial> trials, List<LoggedTrial> memoryFront, List<LoggedTrial> energyFront,
                      ToDoubleFunction<Trial> kib, double required) throws IOException {
        SVGGraphics2D svg = new SVGGraphics2D(2 * PANEL_WIDTH, HEIGHT);
        svg.setDefsKeyPrefix("qsvit-");
        chart("Accuracy vs weight memory", "weight memory (KiB, accounted)", trials, memoryFront, kib, required)
                .draw(svg, new Rectangle2D.Double(0, 0, PANEL_WIDTH, HEIGHT));
        chart("Accuracy vs energy", "energy per image (uJ)", trials, energyFront, Trial::energyMicrojoules, required)
                .draw(svg, new Rectangle2D.Double(PANEL_WIDTH, 0, PANEL_WIDTH, HEIGHT));
        Files.writeString(file, svg.getSVGDocument() + "\n", StandardCharsets.UTF_8);
    }

    private static JFreeChart chart(String title, String xLabel, List<LoggedTrial> trials, List<LoggedTrial> front,
                                    ToDoubleFunction<Trial> x, double required) {
        XYSeries all = new XYSeries("trials on all images", false, true);
        trials.forEach(t -> all.add(x.applyAsDouble(t.trial()), t.trial().accuracy()));
        XYSeries line = new XYSeries("Pareto front", false, true);
        front.forEach(t -> line.add(x.applyAsDouble(t.trial()), t.trial().accuracy()));
        XYSeriesCollection data = new XYSeriesCollection();
        data.addSeries(all);
        data.addSeries(line);
        JFreeChart chart = ChartFactory.createScatterPlot(title, xLabel, "top-1 accuracy", data,
                PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = chart.getXYPlot();
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer();
        renderer.setSeriesLinesVisible(0, false);
        renderer.setSeriesPaint(0, new Color(0x1f77b4));
        renderer.setSeriesLinesVisible(1, true);
        renderer.setSeriesPaint(1, new Color(0xd62728));
        plot.setRenderer(renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        ValueMarker level = new ValueMarker(required, Color.DARK_GRAY, new BasicStroke(1f, BasicStroke.CAP_BUTT,
                BasicStroke.JOIN_MITER, 10f, new float[] {4f, 4f}, 0f));
        level.setLabel(String.format(Locale.ROOT, "required %.4f", required));
        level.setLabelAnchor(RectangleAnchor.TOP_RIGHT);
        level.setLabelTextAnchor(TextAnchor.BOTTOM_RIGHT);
        plot.addRangeMarker(level);
        DecimalFormatSymbols symbols = DecimalFormatSymbols.getInstance(Locale.ROOT);
        NumberAxis xAxis = (NumberAxis) plot.getDomainAxis();
        xAxis.setNumberFormatOverride(new DecimalFormat("0.###", symbols));
        xAxis.setAutoRangeIncludesZero(false);
        NumberAxis yAxis = (NumberAxis) plot.getRangeAxis();
        yAxis.setNumberFormatOverride(new DecimalFormat("0.000", symbols));
        double low = Math.min(required, trials.stream().mapToDouble(t -> t.trial().accuracy()).min().orElse(required));
        double high = Math.max(required, trials.stream().mapToDouble(t -> t.trial().accuracy()).max().orElse(required));
        double pad = Math.max(0.002, 0.05 * (high - low)); // the required level stays in view
        yAxis.setRange(low - pad, high + pad);
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }
}
