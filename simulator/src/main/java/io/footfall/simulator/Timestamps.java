package io.footfall.simulator;

/**
 * ISO-8601 UTC timestamps with millisecond precision ({@code 2026-01-01T09:30:00.000Z}), as JavaScript's
 * {@code Date.toISOString()} writes them. Hand-rolled because it sits on the hot path.
 */
final class Timestamps {

    private Timestamps() {
    }

    static String iso(long epochMillis) {
        long days = Math.floorDiv(epochMillis, 86_400_000L);
        long msOfDay = Math.floorMod(epochMillis, 86_400_000L);
        // Civil-from-days (H. Hinnant), valid for the proleptic Gregorian calendar.
        long z = days + 719_468;
        long era = Math.floorDiv(z, 146_097);
        long doe = z - era * 146_097;
        long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        long mp = (5 * doy + 2) / 153;
        int day = (int) (doy - (153 * mp + 2) / 5 + 1);
        int month = (int) (mp < 10 ? mp + 3 : mp - 9);
        long year = yoe + era * 400 + (month <= 2 ? 1 : 0);
        int hour = (int) (msOfDay / 3_600_000);
        int minute = (int) (msOfDay / 60_000 % 60);
        int second = (int) (msOfDay / 1000 % 60);
        int milli = (int) (msOfDay % 1000);
        char[] c = new char[24];
        c[0] = digit(year / 1000);
        c[1] = digit(year / 100);
        c[2] = digit(year / 10);
        c[3] = digit(year);
        c[4] = '-';
        two(c, 5, month);
        c[7] = '-';
        two(c, 8, day);
        c[10] = 'T';
        two(c, 11, hour);
        c[13] = ':';
        two(c, 14, minute);
        c[16] = ':';
        two(c, 17, second);
        c[19] = '.';
        c[20] = digit(milli / 100);
        c[21] = digit(milli / 10);
        c[22] = digit(milli);
        c[23] = 'Z';
        return new String(c);
    }

    private static void two(char[] c, int at, int v) {
        c[at] = digit(v / 10);
        c[at + 1] = digit(v);
    }

    private static char digit(long v) {
        return (char) ('0' + (int) (v % 10));
    }
}
