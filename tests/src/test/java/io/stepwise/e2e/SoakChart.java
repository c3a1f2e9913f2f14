package io.stepwise.e2e;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleUnaryOperator;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The soak test's curves as one PNG: one panel per figure, the restart and the checked windows marked. */
final class SoakChart {

    private static final int PANEL_WIDTH = 760;
    private static final int PANEL_HEIGHT = 380;
    private static final Color MARK = new Color(150, 150, 150);

    /** A line of one panel: a name and its points (NaN points are left out). */
    record Line(String name, double[] t, double[] y, boolean dots) {
    }

    /** A panel: a title, the y axis' unit, its lines. */
    record Panel(String title, String unit, List<Line> lines) {
    }

    /** Vertical marks: the kill, the checked windows' bounds. */
    record Mark(String name, double t) {
    }

    private SoakChart() {
    }

    static void write(List<Panel> panels, List<Mark> marks, double runSeconds, Path png) throws IOException {
        int columns = 2;
        int rows = (panels.size() + columns - 1) / columns;
        BufferedImage all = new BufferedImage(columns * PANEL_WIDTH, rows * PANEL_HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = all.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, all.getWidth(), all.getHeight());
        for (int i = 0; i < panels.size(); i++) {
            BufferedImage one = BitmapEncoder.getBufferedImage(chart(panels.get(i), marks, runSeconds));
            g.drawImage(one, (i % columns) * PANEL_WIDTH, (i / columns) * PANEL_HEIGHT, null);
        }
        g.dispose();
        ImageIO.write(all, "png", png.toFile());
    }

    private static XYChart chart(Panel p, List<Mark> marks, double runSeconds) {
        XYChart c = new XYChartBuilder().width(PANEL_WIDTH).height(PANEL_HEIGHT).title(p.title())
                .xAxisTitle("minutes into the run").yAxisTitle(p.unit()).build();
        c.getStyler().setMarkerSize(3);
        c.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideSW);
        c.getStyler().setLegendBackgroundColor(new Color(255, 255, 255, 200));
        c.getStyler().setXAxisMin(0.0);
        c.getStyler().setXAxisMax(runSeconds / 60);
        c.getStyler().setYAxisMin(0.0);
        double top = 0;
        for (Line l : p.lines()) {
            List<Double> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            for (int i = 0; i < l.t().length; i++) {
                if (!Double.isNaN(l.y()[i])) {
                    xs.add(l.t()[i] / 60);
                    ys.add(l.y()[i]);
                    top = Math.max(top, l.y()[i]);
                }
            }
            if (xs.isEmpty()) {
                continue;
            }
            XYSeries s = c.addSeries(l.name(), xs, ys);
            s.setXYSeriesRenderStyle(l.dots() ? XYSeries.XYSeriesRenderStyle.Scatter : XYSeries.XYSeriesRenderStyle.Line);
            s.setMarker(l.dots() ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
        }
        double height = top > 0 ? top * 1.1 : 1;
        c.getStyler().setYAxisMax(height);
        for (Mark m : marks) {
            XYSeries s = c.addSeries(m.name(), new double[]{m.t() / 60, m.t() / 60}, new double[]{0, height});
            s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
            s.setMarker(SeriesMarkers.NONE);
            s.setLineColor(MARK);
            s.setShowInLegend(false);
        }
        return c;
    }

    /** {@code y} scaled by {@code f} (bytes to MiB, say), NaN kept. */
    static double[] scaled(double[] y, DoubleUnaryOperator f) {
        double[] out = new double[y.length];
        for (int i = 0; i < y.length; i++) {
            out[i] = Double.isNaN(y[i]) ? Double.NaN : f.applyAsDouble(y[i]);
        }
        return out;
    }
}
