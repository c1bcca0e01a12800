package io.qsvit.step;

import io.qsvit.quant.Scheme;
import io.qsvit.search.SensitivityMatrix;
import io.qsvit.search.Trial;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.PaintScale;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.chart.title.PaintScaleLegend;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.xy.DefaultXYZDataset;
import org.jfree.svg.SVGGraphics2D;

import java.awt.Color;
import java.awt.Font;
import java.awt.Paint;
import java.awt.Rectangle;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The sensitivity matrix as a heatmap like QSViT's sensitivity figure: groups down, precisions across, each cell
 * coloured by the accuracy lost against float32 (white: none, dark red: {@value #SATURATION_POINTS} points or
 * more) and labelled with the accuracy in percent (two decimals: a 10,000-image test set resolves 0.01 points). Drawn by JFreeChart into JFreeSVG, with a fixed id prefix so
 * the same matrix always gives the same bytes.
 */
final class SensitivityHeatmap {
    static final String FILE = "heatmap.svg";
    private static final double SATURATION_POINTS = 10;
    private static final Font CELL_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 11);

    private SensitivityHeatmap() {
    }

    static String svg(SensitivityMatrix matrix) {
        List<String> rows = new ArrayList<>(matrix.cells().keySet());
        List<Scheme> columns = matrix.precisions();
        int n = rows.size() * columns.size();
        double[][] xyz = new double[3][n];
        XYBlockRenderer renderer = new XYBlockRenderer();
        PaintScale scale = new DropScale();
        renderer.setPaintScale(scale);
        int i = 0;
        for (int r = 0; r < rows.size(); r++) {
            for (int c = 0; c < columns.size(); c++) {
                Trial trial = matrix.trial(rows.get(r), columns.get(c));
                double dropPoints = 100 * matrix.drop(rows.get(r), columns.get(c));
                int y = rows.size() - 1 - r; // first group at the top
                xyz[0][i] = c;
                xyz[1][i] = y;
                xyz[2][i] = dropPoints;
                i++;
                XYTextAnnotation label = new XYTextAnnotation(
                        String.format(Locale.ROOT, "%.2f", 100 * trial.accuracy()), c, y);
                label.setFont(CELL_FONT);
                label.setPaint(dropPoints > 0.6 * SATURATION_POINTS ? Color.WHITE : Color.BLACK);
                renderer.addAnnotation(label);
            }
        }
        DefaultXYZDataset data = new DefaultXYZDataset();
        data.addSeries("accuracy drop", xyz);
        SymbolAxis x = new SymbolAxis("precision of the group alone (others float32)",
                columns.stream().map(Scheme::id).toArray(String[]::new));
        List<String> labels = new ArrayList<>();
        for (SensitivityMatrix.GroupEntry g : matrix.groups()) {
            if (rows.contains(g.name())) {
                labels.add(g.name() + " (" + g.kind().id() + ")");
            }
        }
        Collections.reverse(labels);
        SymbolAxis y = new SymbolAxis(null, labels.toArray(String[]::new));
        x.setGridBandsVisible(false);
        y.setGridBandsVisible(false);
        XYPlot plot = new XYPlot(data, x, y, renderer);
        plot.setDomainGridlinesVisible(false);
        plot.setRangeGridlinesVisible(false);
        plot.setBackgroundPaint(Color.WHITE);
        JFreeChart chart = new JFreeChart(String.format(Locale.ROOT, "Top-1 accuracy (%%), float32 baseline %.2f%%",
                100 * matrix.baseline().accuracy()), new Font(Font.SANS_SERIF, Font.BOLD, 14), plot, false);
        chart.setBackgroundPaint(Color.WHITE);
        NumberAxis legendAxis = new NumberAxis("accuracy drop vs float32 (points)");
        legendAxis.setRange(0, SATURATION_POINTS);
        PaintScaleLegend legend = new PaintScaleLegend(scale, legendAxis);
        legend.setPosition(RectangleEdge.RIGHT);
        legend.setMargin(4, 4, 40, 4);
        legend.setStripWidth(14);
        chart.addSubtitle(legend);
        int width = 340 + 90 * columns.size();
        int height = 130 + 30 * rows.size();
        SVGGraphics2D g2 = new SVGGraphics2D(width, height);
        g2.setDefsKeyPrefix("qsvit-heatmap");
        chart.draw(g2, new Rectangle(0, 0, width, height));
        return g2.getSVGDocument();
    }

    /** White at no drop (or a gain) to dark red at the saturation point. */
    private static final class DropScale implements PaintScale {
        @Override
        public double getLowerBound() {
            return 0;
        }

        @Override
        public double getUpperBound() {
            return SATURATION_POINTS;
        }

        @Override
        public Paint getPaint(double dropPoints) {
            // square root: drops around one point, the ones that decide bounds, are visibly coloured
            double t = Math.sqrt(Math.max(0, Math.min(1, dropPoints / SATURATION_POINTS)));
            return new Color((int) Math.round(255 - 115 * t), (int) Math.round(255 - 255 * t), (int) Math.round(255 - 255 * t));
        }
    }
}
