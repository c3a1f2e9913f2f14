package io.stepwise.cli;

import io.stepwise.train.LossCurve;
import io.stepwise.train.SumEvaluation;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The PNG charts of the train commands, drawn with XChart (headless). */
final class Plots {

    private Plots() {
    }

    /** Beyond this many steps the per-step loss is drawn as a moving average, or it is only a band of ink. */
    private static final int RAW_POINTS = 1000;

    /** The loss of every step (a moving average on long runs) and the mean loss of every epoch, log scale. */
    static void lossCurve(LossCurve curve, String title, Path png) throws IOException {
        XYChart chart = new XYChartBuilder().width(900).height(550).title(title)
                .xAxisTitle("optimizer step").yAxisTitle("training loss").build();
        chart.getStyler().setYAxisLogarithmic(allPositive(curve.steps()) && allPositive(curve.epochs()));
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        chart.getStyler().setMarkerSize(0);
        List<LossCurve.Point> steps = curve.steps();
        if (steps.size() <= RAW_POINTS) {
            add(chart, "loss per step", steps);
        } else {
            int window = steps.size() / (RAW_POINTS / 5);
            add(chart, "loss per step, moving average of " + window, movingAverage(steps, window));
        }
        if (curve.epochs().size() > 1) {
            add(chart, "mean loss per epoch", curve.epochs());
        }
        save(chart, png);
    }

    /**
     * The notebook's figure: mean squared error of the final sum against sequence length, log-log,
     * with the notebook's own published figures beside ours.
     */
    static void errorByLength(List<SumEvaluation.Row> rows, Map<Integer, Double> notebook, Path png) throws IOException {
        XYChart chart = new XYChartBuilder().width(900).height(550).title("Running sum: squared error of the final sum")
                .xAxisTitle("sequence length").yAxisTitle("mean squared error").build();
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setYAxisLogarithmic(true);
        double[] len = rows.stream().mapToDouble(SumEvaluation.Row::length).toArray();
        double[] mse = rows.stream().mapToDouble(r -> Math.max(r.meanSquaredError(), 1e-12)).toArray();
        chart.addSeries("Stepwise", len, mse).setMarker(SeriesMarkers.CIRCLE);
        double[] var = rows.stream().mapToDouble(r -> r.stdTrueSum() * r.stdTrueSum()).toArray();
        chart.addSeries("variance of the true sum (predicting 0)", len, var).setMarker(SeriesMarkers.NONE);
        if (!notebook.isEmpty()) {
            double[] nl = notebook.keySet().stream().mapToDouble(Integer::doubleValue).toArray();
            double[] nv = notebook.values().stream().mapToDouble(Double::doubleValue).toArray();
            chart.addSeries("notebook (published)", nl, nv).setMarker(SeriesMarkers.SQUARE);
        }
        save(chart, png);
    }

    private static void add(XYChart chart, String name, List<LossCurve.Point> points) {
        if (points.isEmpty()) {
            return;
        }
        double[] x = points.stream().mapToDouble(LossCurve.Point::step).toArray();
        double[] y = points.stream().mapToDouble(LossCurve.Point::loss).toArray();
        chart.addSeries(name, x, y).setMarker(SeriesMarkers.NONE);
    }

    /** The mean of each run of {@code window} points, placed at the run's last step. */
    static List<LossCurve.Point> movingAverage(List<LossCurve.Point> points, int window) {
        List<LossCurve.Point> out = new java.util.ArrayList<>();
        double sum = 0;
        for (int i = 0; i < points.size(); i++) {
            sum += points.get(i).loss();
            if (i >= window) {
                sum -= points.get(i - window).loss();
            }
            if (i >= window - 1 && (i - window + 1) % Math.max(1, window / 4) == 0) {
                out.add(new LossCurve.Point(points.get(i).step(), sum / window));
            }
        }
        return out;
    }

    private static boolean allPositive(List<LossCurve.Point> points) {
        return points.stream().allMatch(p -> p.loss() > 0);
    }

    private static void save(XYChart chart, Path png) throws IOException {
        System.setProperty("java.awt.headless", "true");
        try (OutputStream out = Files.newOutputStream(png)) {
            BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG);
        }
    }
}
