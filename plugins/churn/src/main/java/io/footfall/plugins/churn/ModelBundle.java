package io.footfall.plugins.churn;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * The stored model of one version: per target ({@code churn}, optionally {@code propensity}) an XGBoost booster,
 * its calibration and threshold, and the logistic baseline, all over the {@link Feature} columns.
 *
 * <p>Binary form: magic {@code FFCM}, format byte, the feature column names (a model over other columns is refused),
 * then per target its name, the number of trees to use, the calibration offset, the decision thresholds, whether the
 * trees were boosted from the baseline (format 2; format 1 artefacts read as not), the reference contributions
 * (format 3; older artefacts read as zeros), the booster in XGBoost's UBJSON form, and the baseline. Boosters hold native memory: {@link #close()} frees it.
 */
final class ModelBundle implements AutoCloseable {

    private static final int MAGIC = 0x4646434D; // "FFCM"
    private static final byte FORMAT = 3;

    /**
     * One target's model.
     *
     * @param booster   the gradient-boosted trees
     * @param trees     number of boosting rounds used when predicting (the best round of early stopping + 1)
     * @param offset    subtracted from the margin: {@code ln(scale_pos_weight)}, undoing the class weighting so that
     *                  probabilities are calibrated to the true base rate
     * @param threshold decision threshold on the calibrated probability
     * @param baseline  the logistic-regression baseline on the same features
     * @param baselineThreshold its decision threshold
     * @param fromBaseline whether the trees were boosted from the baseline's log-odds (XGBoost {@code base_margin}):
     *                     the model's log-odds are then the baseline's plus the trees'
     * @param reference the mean contribution of each feature over the rows of the latest held-out cutoff (the
     *                  population the model scores next); {@link Reasons} rank a user's contributions relative to it,
     *                  so that what every current user shares (such as the age of the log) is no reason
     */
    record Target(Booster booster, int trees, double offset, double threshold, LogisticBaseline baseline,
                  double baselineThreshold, boolean fromBaseline, float[] reference) {

        Target {
            reference = reference == null ? new float[Feature.COUNT] : reference.clone();
            if (reference.length != Feature.COUNT) {
                throw new IllegalArgumentException("reference of " + reference.length + " features, expected " + Feature.COUNT);
            }
        }

        /** A target without reference contributions (zeros: reasons relative to the training mean). */
        Target(Booster booster, int trees, double offset, double threshold, LogisticBaseline baseline,
               double baselineThreshold, boolean fromBaseline) {
            this(booster, trees, offset, threshold, baseline, baselineThreshold, fromBaseline, null);
        }

        /** A copy with reference contributions. */
        Target withReference(float[] reference) {
            return new Target(booster, trees, offset, threshold, baseline, baselineThreshold, fromBaseline, reference);
        }
    }

    /** A calibrated probability and, when asked, the per-feature contributions to its log-odds. */
    record Prediction(double probability, float[] contributions) {
    }

    private final Map<String, Target> targets;

    /** Predictions run on one thread: OpenMP start-up costs more than it saves on the few rows of a batch. */
    ModelBundle(Map<String, Target> targets) {
        this.targets = Collections.unmodifiableMap(new LinkedHashMap<>(targets));
        for (Target t : targets.values()) {
            try {
                t.booster().setParam("nthread", 1);
            } catch (XGBoostError e) {
                throw new IllegalStateException("cannot configure the booster: " + e.getMessage(), e);
            }
        }
    }

    /** The targets by name. */
    Map<String, Target> targets() {
        return targets;
    }

    /** True when the bundle has a model for the target. */
    boolean has(String target) {
        return targets.containsKey(target);
    }

    /** The reference contributions of a target (see {@link Target#reference()}), a copy. */
    float[] reference(String target) {
        return targets.get(target).reference().clone();
    }

    /**
     * The mean contribution of each feature (bias excluded) over {@code rows}: the reference of
     * {@link Target#reference()}. Zeros when there are no rows.
     */
    float[] meanContributions(String target, float[][] rows) {
        float[] mean = new float[Feature.COUNT];
        List<Prediction> predictions = explain(target, rows);
        double[] sum = new double[Feature.COUNT];
        for (Prediction p : predictions) {
            for (int j = 0; j < Feature.COUNT; j++) {
                sum[j] += p.contributions()[j];
            }
        }
        for (int j = 0; j < Feature.COUNT && !predictions.isEmpty(); j++) {
            mean[j] = (float) (sum[j] / predictions.size());
        }
        return mean;
    }

    /** Calibrated probabilities of rows of features. */
    double[] probabilities(String target, float[][] rows) {
        if (rows.length == 0) {
            return new double[0];
        }
        Target t = targets.get(target);
        try {
            DMatrix m = matrix(rows, t);
            try {
                float[][] margins = t.booster().predict(m, true, t.trees());
                double[] p = new double[rows.length];
                for (int i = 0; i < rows.length; i++) {
                    p[i] = LogisticBaseline.sigmoid(margins[i][0] - t.offset());
                }
                return p;
            } finally {
                m.dispose();
            }
        } catch (XGBoostError e) {
            throw new IllegalStateException("XGBoost prediction failed: " + e.getMessage(), e);
        }
    }

    /** Calibrated probabilities with contributions ({@code predictContrib}; the last value is the bias). */
    List<Prediction> explain(String target, float[][] rows) {
        if (rows.length == 0) {
            return List.of();
        }
        Target t = targets.get(target);
        try {
            DMatrix m = matrix(rows, t);
            try {
                float[][] contributions = t.booster().predictContrib(m, t.trees());
                List<Prediction> out = new ArrayList<>(rows.length);
                for (int i = 0; i < contributions.length; i++) {
                    float[] c = contributions[i];
                    if (t.fromBaseline()) {
                        // the base margin sits in the bias column: move the baseline's per-feature share to the features
                        double[] linear = t.baseline().contributions(rows[i]);
                        for (int j = 0; j < linear.length; j++) {
                            c[j] += (float) linear[j];
                            c[c.length - 1] -= (float) linear[j];
                        }
                    }
                    double margin = 0;
                    for (float v : c) {
                        margin += v;
                    }
                    out.add(new Prediction(LogisticBaseline.sigmoid(margin - t.offset()), c));
                }
                return out;
            } finally {
                m.dispose();
            }
        } catch (XGBoostError e) {
            throw new IllegalStateException("XGBoost explanation failed: " + e.getMessage(), e);
        }
    }

    /** Baseline probabilities. */
    double[] baselineProbabilities(String target, float[][] rows) {
        LogisticBaseline b = targets.get(target).baseline();
        double[] p = new double[rows.length];
        for (int i = 0; i < rows.length; i++) {
            p[i] = b.probability(rows[i]);
        }
        return p;
    }

    /** The rows as a DMatrix, with the baseline's log-odds as base margin when the target was boosted from it. */
    static DMatrix matrix(float[][] rows, Target t) throws XGBoostError {
        DMatrix m = matrix(rows);
        if (t.fromBaseline()) {
            m.setBaseMargin(baselineMargins(t.baseline(), rows));
        }
        return m;
    }

    /** The baseline's log-odds of each row. */
    static float[] baselineMargins(LogisticBaseline baseline, float[][] rows) {
        float[] margins = new float[rows.length];
        for (int i = 0; i < rows.length; i++) {
            margins[i] = (float) baseline.margin(rows[i]);
        }
        return margins;
    }

    static DMatrix matrix(float[][] rows) throws XGBoostError {
        int d = Feature.COUNT;
        float[] flat = new float[rows.length * d];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, flat, i * d, d);
        }
        return new DMatrix(flat, rows.length, d, Float.NaN);
    }

    /** The binary form. */
    byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            out.writeByte(FORMAT);
            String[] columns = Feature.columns();
            out.writeInt(columns.length);
            for (String c : columns) {
                out.writeUTF(c);
            }
            out.writeInt(targets.size());
            for (Map.Entry<String, Target> e : targets.entrySet()) {
                Target t = e.getValue();
                out.writeUTF(e.getKey());
                out.writeInt(t.trees());
                out.writeDouble(t.offset());
                out.writeDouble(t.threshold());
                out.writeDouble(t.baselineThreshold());
                out.writeBoolean(t.fromBaseline());
                for (float r : t.reference()) {
                    out.writeFloat(r);
                }
                byte[] booster = t.booster().toByteArray("ubj");
                out.writeInt(booster.length);
                out.write(booster);
                t.baseline().write(out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (XGBoostError e) {
            throw new IllegalStateException("cannot serialise the booster: " + e.getMessage(), e);
        }
        return bytes.toByteArray();
    }

    /**
     * Reads the binary form.
     *
     * @throws IllegalArgumentException naming what is wrong, when the bytes are not a readable model over the
     *                                  current features
     */
    static ModelBundle decode(byte[] bytes) {
        Map<String, Target> targets = new LinkedHashMap<>();
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            if (in.readInt() != MAGIC) {
                throw new IllegalArgumentException("not a churn model artefact");
            }
            byte format = in.readByte();
            if (format < 1 || format > FORMAT) {
                throw new IllegalArgumentException("unknown churn model format " + format);
            }
            int n = in.readInt();
            if (n != Feature.COUNT) {
                throw new IllegalArgumentException("the model has " + n + " features, this plugin computes " + Feature.COUNT);
            }
            String[] columns = new String[n];
            for (int i = 0; i < n; i++) {
                columns[i] = in.readUTF();
            }
            if (!Arrays.equals(columns, Feature.columns())) {
                throw new IllegalArgumentException("the model was trained on other features");
            }
            int count = in.readInt();
            if (count < 1 || count > 8) {
                throw new IllegalArgumentException("corrupt churn model artefact: " + count + " targets");
            }
            for (int i = 0; i < count; i++) {
                String name = in.readUTF();
                int trees = in.readInt();
                double offset = in.readDouble();
                double threshold = in.readDouble();
                double baselineThreshold = in.readDouble();
                boolean fromBaseline = format >= 2 && in.readBoolean();
                float[] reference = new float[n];
                for (int j = 0; j < n && format >= 3; j++) {
                    reference[j] = in.readFloat();
                    if (!Float.isFinite(reference[j])) {
                        throw new IllegalArgumentException("corrupt churn model artefact: bad reference of " + name);
                    }
                }
                int length = in.readInt();
                if (length <= 0 || length > bytes.length) {
                    throw new IllegalArgumentException("corrupt churn model artefact: booster of " + length + " bytes");
                }
                byte[] booster = in.readNBytes(length);
                if (booster.length != length) {
                    throw new IllegalArgumentException("corrupt churn model artefact: truncated booster");
                }
                LogisticBaseline baseline = LogisticBaseline.read(in, n);
                if (!Double.isFinite(offset) || !(threshold >= 0 && threshold <= 1) || trees < 1) {
                    throw new IllegalArgumentException("corrupt churn model artefact: bad calibration of " + name);
                }
                targets.put(name, new Target(XGBoost.loadModel(booster), trees, offset, threshold, baseline, baselineThreshold,
                        fromBaseline, reference));
            }
            if (in.read() != -1) {
                throw new IllegalArgumentException("corrupt churn model artefact: trailing bytes");
            }
        } catch (IOException | XGBoostError | RuntimeException e) {
            targets.values().forEach(t -> t.booster().dispose());
            if (e instanceof IllegalArgumentException iae) {
                throw iae;
            }
            throw new IllegalArgumentException("corrupt churn model artefact: " + e.getMessage(), e);
        }
        return new ModelBundle(targets);
    }

    /** Frees the boosters' native memory. */
    @Override
    public void close() {
        targets.values().forEach(t -> t.booster().dispose());
    }
}
