package io.footfall.plugins.recommender;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.LinearSolverFactory_DDRM;
import org.ejml.interfaces.linsol.LinearSolverDense;

/**
 * The inverse of a symmetric positive definite matrix, in place: through the system's LAPACK ({@code dpotrf} +
 * {@code dpotri}, e.g. Debian's OpenBLAS, via netlib's JNI binding) when one is installed, else through EJML's
 * Cholesky. Both are exact up to rounding; the native one is blocked and multi-threaded, about ten times faster on
 * large matrices (docs/adr/0016-native-lapack-for-ease.md).
 */
enum SpdInverse {
    /** The system's LAPACK through JNI. */
    NATIVE,
    /** EJML's Cholesky, in Java. */
    EJML;

    /** The native solver when a system LAPACK loads, EJML otherwise. */
    static SpdInverse best() {
        return NativeLapack.AVAILABLE ? NATIVE : EJML;
    }

    /**
     * Replaces the row-major {@code n × n} matrix {@code a} by its inverse.
     *
     * @throws IllegalStateException when it is not positive definite
     */
    void invert(double[] a, int n) {
        if (this == NATIVE) {
            NativeLapack.invert(a, n);
            return;
        }
        DMatrixRMaj g = DMatrixRMaj.wrap(n, n, a);
        LinearSolverDense<DMatrixRMaj> solver = LinearSolverFactory_DDRM.symmPosDef(n);
        if (!solver.setA(g.copy())) {
            throw new IllegalStateException("the matrix is not positive definite");
        }
        solver.invert(g);
    }

    /** netlib's LAPACK, only when it binds to a native library (its pure-Java fallback is slower than EJML). */
    private static final class NativeLapack {
        static final boolean AVAILABLE = load();

        private static boolean load() {
            try {
                return dev.ludovic.netlib.lapack.LAPACK.getInstance().getClass().getSimpleName().equals("JNILAPACK");
            } catch (RuntimeException | LinkageError e) {
                return false;
            }
        }

        static void invert(double[] a, int n) {
            dev.ludovic.netlib.lapack.LAPACK lapack = dev.ludovic.netlib.lapack.LAPACK.getInstance();
            org.netlib.util.intW info = new org.netlib.util.intW(0);
            // a symmetric row-major matrix is the same column-major: LAPACK's upper triangle is our lower one
            lapack.dpotrf("U", n, a, n, info);
            if (info.val != 0) {
                throw new IllegalStateException("the matrix is not positive definite (dpotrf " + info.val + ")");
            }
            lapack.dpotri("U", n, a, n, info);
            if (info.val != 0) {
                throw new IllegalStateException("the matrix cannot be inverted (dpotri " + info.val + ")");
            }
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < i; j++) {
                    a[j * n + i] = a[i * n + j];
                }
            }
        }
    }
}
