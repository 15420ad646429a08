package io.footfall.simulator;

import java.util.SplittableRandom;

/**
 * Draws the latent attributes of each user. User {@code i}'s random streams depend only on the seed and
 * {@code i}, so a user behaves the same whatever the number of other users.
 *
 * <p>Feature distributions: {@code discountSensitivity ~ U(0,1)}, {@code deliveryDelayDays ~ min(10, Exp(mean
 * 1.5))}, {@code supportTickets ~ Poisson(0.8)}, {@code tenureDays ~ U{0..1095}}. Session rate:
 * {@code sessionsPerUserPerDay × Gamma(2, 1/2)}. Cluster: uniform over K.
 *
 * <p>Newcomers ({@link SimulatorConfig#newcomerFraction()}): whether a user is one and their arrival day come from a
 * stream of their own, so that the other draws (and the output with no newcomers) do not change; a newcomer's
 * {@code tenureDays} is 0 (the account is created on the arrival day).
 */
final class ShopperFactory {

    private final SimulatorConfig config;

    ShopperFactory(SimulatorConfig config) {
        this.config = config;
    }

    Shopper create(int index) {
        SplittableRandom r = new SplittableRandom(Draws.mix(config.seed() ^ Draws.mix(0x5DEECE66DL + index)));
        SplittableRandom churn = r.split();
        int cluster = r.nextInt(config.clusters());
        String anonymousId = Draws.uuid(r).toString();
        boolean hasAccount = r.nextDouble() < config.identifyFraction();
        String userId = hasAccount ? String.format("u-%06d", index) : null;
        ChurnFeatures drawn = new ChurnFeatures(
                Math.round(r.nextDouble() * 1000) / 1000.0,
                Math.round(Math.min(10.0, Draws.exponential(r, 1.5)) * 10) / 10.0,
                Draws.poisson(r, 0.8),
                r.nextInt(1096));
        int arrivalDay = 0;
        if (config.newcomerFraction() > 0 && config.days() > 1) {
            SplittableRandom arrival = new SplittableRandom(Draws.mix(config.seed() ^ Draws.mix(0x4E6577L * 31 + index)));
            if (arrival.nextDouble() < config.newcomerFraction()) {
                arrivalDay = 1 + arrival.nextInt(config.days() - 1);
            }
        }
        ChurnFeatures features = arrivalDay == 0 ? drawn
                : new ChurnFeatures(drawn.discountSensitivity(), drawn.deliveryDelayDays(), drawn.supportTickets(), 0);
        double planDraw = r.nextDouble();
        String plan = NameTables.PLANS.get(planDraw < 0.7 ? 0 : planDraw < 0.95 ? 1 : 2);
        String ip = Draws.pick(r, NameTables.IP_PREFIXES) + (1 + r.nextInt(254));
        return new Shopper(index, cluster, anonymousId, userId,
                Draws.pick(r, NameTables.FIRST_NAMES), Draws.pick(r, NameTables.LAST_NAMES), plan,
                features, config.hazard().dailyHazard(features),
                config.sessionsPerUserPerDay() * Draws.gamma2(r, 1.0),
                Draws.pick(r, NameTables.USER_AGENTS), ip, Draws.pick(r, NameTables.LOCALES), r, churn,
                new SplittableRandom(Draws.mix(config.seed() ^ Draws.mix(0x5E7B1CEL * 37 + index))), arrivalDay);
    }
}
